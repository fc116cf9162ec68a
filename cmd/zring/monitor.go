package main

import (
	"errors"
	"fmt"

	"github.com/zring/zring"
)

func runMonitor(c *cli, name string, args []string) error {
	var (
		typeName string
		limit    int
		bind     bool
		timeout  millis
		sec      securityFlags
	)
	fs := newFlagSet(name, "[flags] ENDPOINT...", `
Connects a socket to the endpoints and prints each of its monitor events
(zmq_socket_monitor) as it comes, one a line: the time, the event's name
(zmq.h's, without ZMQ_EVENT_), its value, the endpoint, and what the value
means when it is not a file descriptor. Runs until interrupted, -n events,
or -timeout without one. The socket sends nothing, and receives only what
its peer pushes to it unasked.

The socket's type must be one the peer accepts, or the handshake fails
(HANDSHAKE_FAILED_PROTOCOL, and no more tries). The default, dealer, suits
router and rep servers, to which a silent dealer is invisible; use
-type sub for pub and xpub (subscribed to nothing, it is sent nothing) and
-type push for pull. Avoid a type that takes its peer's messages: pull
against a push server, or dealer against a dealer, would be given its
share of the work and never do it.

Endpoints are connected, or bound with -b or "@ENDPOINT" (then it prints
the events of the peers that connect).
`+"\n"+securityHelp, `
zring monitor tcp://server:5555
zring monitor -type sub tcp://publisher:5556
zring monitor -n 3 -timeout 5s tcp://server:5555  # is it up?`)
	fs.StringVar(&typeName, "type", "dealer", "the socket `type` to connect with")
	fs.IntVar(&limit, "n", 0, "stop after `N` events (0: no limit)")
	fs.BoolVar(&bind, "b", false, "bind the endpoints instead of connecting to them")
	fs.Var(&timeout, "timeout", "give up (exit status 1) after `time` without an event, ms or a duration")
	sec.register(fs)
	args, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("no endpoint")
	}
	role, ok := roles[typeName]
	if !ok {
		return usagef("-type %s: not a socket type (%s)", typeName, socketTypeNames())
	}
	if limit < 0 {
		return usagef("-n %d: want 0 or more", limit)
	}
	eps, err := parseEndpoints(args, bind)
	if err != nil {
		return err
	}
	if err := sec.check(c); err != nil {
		return err
	}
	s, err := newSession(c)
	if err != nil {
		return err
	}
	return s.end(monitor(s, role.typ, eps, &sec, limit, &timeout))
}

func monitor(s *session, typ zring.SocketType, eps []endpoint, sec *securityFlags, limit int, timeout *millis) error {
	sock, err := s.socket(typ)
	if err != nil {
		return err
	}
	events, err := s.socket(zring.PAIR)
	if err != nil {
		return err
	}
	// Nothing is ever sent: there is nothing to wait for at the end.
	sock.SetOption(zring.Linger, 0)
	if timeout.set {
		if err := setOptions(events, []option{{zring.RcvTimeo, timeout.ms(), "-timeout"}}); err != nil {
			return err
		}
	}
	if err := sec.apply(sock); err != nil {
		return err
	}
	if s.auth, err = sec.authenticate(s.ctx); err != nil {
		return err
	}
	// Monitor before the first connect, so that its first events are seen.
	const ep = "inproc://zring.monitor"
	if err := sock.Monitor(ep, zring.EventAll); err != nil {
		return err
	}
	if err := events.Connect(ep); err != nil {
		return err
	}
	if err := attach(s.stderr, sock, eps, "", false); err != nil {
		return err
	}
	for n := 0; limit == 0 || n < limit; n++ {
		ev, err := events.RecvEvent(0)
		if errors.Is(err, zring.ErrAgain) {
			return fmt.Errorf("no event within %v", timeout.d)
		}
		if err != nil {
			return err
		}
		if _, err := fmt.Fprint(s.c.stdout, formatEvent(ev)); err != nil {
			return err
		}
	}
	return nil
}
