package main

import (
	"strings"

	"github.com/zring/zring"
)

func runProxy(c *cli, name string, args []string) error {
	var (
		front, back, capture string
		sndhwm, rcvhwm       int
		verbose              bool
	)
	fs := newFlagSet(name, "[flags] FRONTEND BACKEND", `
Forwards whole messages from the frontend socket to the backend socket and
back (zmq_proxy): -front router -back dealer is a shared queue between
clients and workers, -front xsub -back xpub a forwarder between publishers
and subscribers (subscriptions go up through it), -front pull -back push a
streamer. Runs until interrupted.

FRONTEND and BACKEND are endpoints, or several separated by commas. Unlike
the socket commands, the proxy binds an endpoint unless it is written
">ENDPOINT" (connect); "@ENDPOINT" binds too. A bound address the system
picks is printed on stderr as "zring: frontend bound ENDPOINT" (backend,
capture). -capture sends a copy of every frame forwarded to a PUB socket
at that endpoint, for zring sub to watch.
`, `
zring proxy -front router -back dealer tcp://*:5555 tcp://*:5556
zring proxy -front xsub -back xpub tcp://*:5557 tcp://*:5558
zring proxy -front xsub -back xpub '>tcp://upstream:5556' tcp://*:5556
zring proxy -capture tcp://127.0.0.1:5599 tcp://*:5555 tcp://*:5556 &
zring sub tcp://127.0.0.1:5599`)
	fs.StringVar(&front, "front", "router", "the frontend's socket `type`")
	fs.StringVar(&back, "back", "dealer", "the backend's socket `type`")
	fs.StringVar(&capture, "capture", "", "send a copy of each frame to a PUB socket at `ENDPOINT`")
	fs.IntVar(&sndhwm, "sndhwm", 1000, "each socket's send high-water mark, `messages` (0 no limit)")
	fs.IntVar(&rcvhwm, "rcvhwm", 1000, "each socket's receive high-water mark, `messages` (0 no limit)")
	fs.BoolVar(&verbose, "v", false, "print the sockets' monitor events on stderr")
	args, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return usagef("want a FRONTEND and a BACKEND endpoint, got %d arguments", len(args))
	}
	type side struct {
		role string
		typ  zring.SocketType
		eps  []endpoint
	}
	sides := []*side{{role: "frontend"}, {role: "backend"}}
	for i, t := range []string{front, back} {
		r, ok := roles[t]
		if !ok {
			return usagef("-%s %s: not a socket type (%s)", []string{"front", "back"}[i], t, socketTypeNames())
		}
		sides[i].typ = r.typ
		if sides[i].eps, err = parseEndpoints(strings.Split(args[i], ","), true); err != nil {
			return err
		}
	}
	if capture != "" {
		eps, err := parseEndpoints(strings.Split(capture, ","), true)
		if err != nil {
			return err
		}
		sides = append(sides, &side{role: "capture", typ: zring.PUB, eps: eps})
	}

	s, err := newSession(c)
	if err != nil {
		return err
	}
	socks := make([]*zring.Socket, len(sides))
	err = func() error {
		for i, sd := range sides {
			sock, err := s.socket(sd.typ)
			if err != nil {
				return err
			}
			socks[i] = sock
			opts := []option{{zring.SndHWM, sndhwm, "-sndhwm"}, {zring.RcvHWM, rcvhwm, "-rcvhwm"}}
			if err := setOptions(sock, opts); err != nil {
				return err
			}
			if verbose {
				if err := s.watch(sock, "zring: "+sd.role+": ", s.stderr); err != nil {
					return err
				}
			}
			if err := attach(s.stderr, sock, sd.eps, sd.role, verbose); err != nil {
				return err
			}
		}
		var captureSock *zring.Socket
		if len(socks) == 3 {
			captureSock = socks[2]
		}
		return zring.Proxy(socks[0], socks[1], captureSock)
	}()
	return s.end(err)
}

func socketTypeNames() string {
	var names []string
	for _, cmd := range commands {
		if _, ok := roles[cmd.name]; ok {
			names = append(names, cmd.name)
		}
	}
	return strings.Join(names, ", ")
}
