package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zring/zring"
)

// socketRole is what a socket command does with its socket type: whether
// it reads messages to send from standard input, whether it prints what
// it receives, and its help.
type socketRole struct {
	typ      zring.SocketType
	sends    bool
	receives bool
	about    string
	examples string
}

var roles = map[string]socketRole{
	"pub": {zring.PUB, true, false, `
Sends each input message to the subscribers whose subscriptions match it
(a prefix of its first frame). A message no subscriber wants is dropped,
and so is everything sent before a subscriber has connected and
subscribed: -delay gives subscribers that time. Ends at the end of the
input, or after -n messages.`, `
zring pub -b -delay 1s tcp://*:5556 < quotes.txt
date | zring pub tcp://broker:5557`},
	"sub": {zring.SUB, false, true, `
Prints the messages of the publishers it is connected to that match its
subscriptions: -subscribe TOPIC, repeatable, takes the messages whose first
frame starts with TOPIC; without it, every message. Runs until interrupted,
-n messages, or -timeout without one.`, `
zring sub tcp://localhost:5556
zring sub -subscribe weather. -subscribe news. -n 10 tcp://localhost:5556
zring sub -b -o hex @tcp://*:5557 '>tcp://other:5556'`},
	"push": {zring.PUSH, true, false, `
Sends each input message to one of its peers (PULL) in turn, waiting while
none is connected. Ends at the end of the input, or after -n messages,
once what was sent has gone (-linger).`, `
seq 1000 | zring push tcp://localhost:5555
zring push -sep '|' tcp://localhost:5555 <<< 'job-7|payload'`},
	"pull": {zring.PULL, false, true, `
Prints the messages its peers (PUSH) send, taking from each in turn. Runs
until interrupted, -n messages, or -timeout without one.`, `
zring pull -b tcp://*:5555
zring pull -b -n 1 -timeout 5s ipc:///tmp/work.sock`},
	"req": {zring.REQ, true, true, `
Sends each input message as a request, waits for the reply, prints it, and
sends the next. Ends at the end of the input, or after -n replies;
-timeout bounds the wait for each reply (exit status 1 when it runs out).`, `
echo ping | zring req tcp://localhost:5556
zring req -timeout 2s tcp://server:5556 < requests.txt`},
	"rep": {zring.REP, true, true, `
Prints each request and sends the next input line as its reply, so that
requests and replies alternate: a script on a pipe, or a person at a
terminal, answers each. With -echo it sends each request back as its reply
and reads no input. Ends at the end of the input (with -echo: when
interrupted), or after -n replies.`, `
zring rep -b -echo tcp://*:5556
zring rep -b tcp://*:5556        # type a reply after each request
coproc zring rep -b tcp://*:5556  # or answer from a script`},
	"dealer": {zring.DEALER, true, true, `
Sends each input message to its peers in turn and prints each message that
arrives, both at once. A REP peer wants an empty frame before the body:
-sep '|' and the line '|hello'. After the end of the input it still prints
what arrives, until interrupted, -n messages received, or -timeout without
one.`, `
zring dealer -sep '|' -n 1 tcp://localhost:5556 <<< '|hello'
zring dealer -identity worker-1 tcp://broker:5555`},
	"router": {zring.ROUTER, true, true, `
Prints each message with the routing id of the peer it came from as its
first frame, and sends each input message to the peer whose routing id is
its first frame (when no peer has it, it says so on stderr and drops the
message). Frames are separated by tabs unless -sep says otherwise. Routing
ids the peers did not choose are made up, 5 binary bytes as libzmq makes
them: print them with -o hex (and answer with -i hex), or have the peers
choose theirs with -identity. Runs until interrupted, -n messages received,
or -timeout without one.`, `
zring router -b -o hex tcp://*:5555
zring router -b tcp://*:5555      # with peers started with -identity alice:
                                  # input line "alice<TAB>hi" goes to alice`},
	"pair": {zring.PAIR, true, true, `
Exchanges messages with one peer: sends each input message and prints each
one that arrives. After the end of the input it still prints what arrives,
until interrupted, -n messages received, or -timeout without one.`, `
zring pair -b tcp://*:5560
zring pair tcp://localhost:5560`},
	"xpub": {zring.XPUB, true, true, `
Sends each input message to the matching subscribers, as pub, and prints
each subscription that arrives: a frame of byte 1 (subscribe) or 0
(cancel) and the topic, best read with -o hex.`, `
zring xpub -b -o hex tcp://*:5556`},
	"xsub": {zring.XSUB, true, true, `
Prints what publishers send, as sub, and sends its input messages to them:
a subscription is a message of byte 1 and the topic (0 and the topic
cancels it), which -i hex writes as 01 and the topic's hex. -subscribe
TOPIC sends one at the start; there is none by default.`, `
zring xsub -subscribe '' tcp://localhost:5556
zring xsub -i hex tcp://localhost:5556 <<< 0161   # subscribe to "a"`},
	"stream": {zring.STREAM, true, true, `
Talks raw TCP with peers that do not speak ZMTP. Each message is a routing
id and bytes: a connection's id is printed with an empty message when it
opens and when it closes, and each input message is the id and the bytes
to send it (an empty body closes that connection). Frames are separated
by tabs unless -sep says otherwise; ids are binary, so -o hex -i hex suits
them. Connected to a single endpoint, an input message of one frame goes
to that connection. The line's newline is not sent: use -i hex or -frames
for exact bytes.`, `
zring stream -o hex -i hex -b tcp://*:8080
zring stream -i hex tcp://localhost:7 <<< 68690a   # "hi\n" to an echo server`},
}

const endpointHelp = `Endpoints: tcp://host:port, ipc://path or inproc://name, one or more. The
socket connects to each unless -b is given; "@ENDPOINT" binds that one
and ">ENDPOINT" connects it (quote ">" from the shell). A bound address
the system picks (tcp://host:0, tcp://host:*, ipc://*) is printed on
stderr as "zring: bound ENDPOINT".
`

const ioHelp = `Input and output: by default each line of standard input is one message
of one frame (without its newline), and each message received is printed
on one line, its frames joined by tabs. -sep S splits each input line into
frames at S and joins the frames of the messages received with S. -i and
-o say how frames are written: text (the bytes as they are), hex, base64,
or frames, a binary form for exact bytes: ` + framesFormat + `. -frames is
-i frames -o frames. Text cannot tell a newline inside a message from the
end of one: binary messages want hex, base64 or frames.
`

// socketCommand is a socket command's command line.
type socketCommand struct {
	name        string
	role        socketRole
	sock        socketFlags
	sec         securityFlags
	in, out     string
	frames      bool
	sep         string
	sepSet      bool
	limit       int
	delay       time.Duration
	subscribe   stringList
	echo        bool
	endpoints   []endpoint
	inEncoding  encoding
	outEncoding encoding
}

func (sc *socketCommand) flagSet() *flagSet {
	r := sc.role
	var about strings.Builder
	fmt.Fprintf(&about, "A %s socket. %s\n\n%s", r.typ, strings.TrimSpace(r.about), endpointHelp)
	about.WriteString("\n" + ioHelp)
	about.WriteString("\n" + securityHelp)
	fs := newFlagSet(sc.name, "[flags] ENDPOINT...", about.String(), strings.TrimSpace(r.examples))
	withIdentity := r.typ == zring.REQ || r.typ == zring.DEALER || r.typ == zring.ROUTER
	sc.sock.register(fs, withIdentity)
	if r.sends {
		fs.StringVar(&sc.in, "i", "text", "input `encoding`: text, hex, base64 or frames")
	}
	if r.receives {
		fs.StringVar(&sc.out, "o", "text", "output `encoding`: text, hex, base64 or frames")
	}
	fs.BoolVar(&sc.frames, "frames", false, "read and print binary frames (-i frames -o frames): "+framesFormat)
	fs.Func("sep", "the `separator` between the frames of a message on a line (default: none on input, a tab on output; a tab both ways for router and stream)", func(s string) error {
		sc.sep, sc.sepSet = s, true
		return nil
	})
	what := map[zring.SocketType]string{zring.PUB: "messages sent", zring.PUSH: "messages sent", zring.REQ: "replies", zring.REP: "replies sent"}[r.typ]
	if what == "" {
		what = "messages received"
	}
	fs.IntVar(&sc.limit, "n", 0, "stop after `N` "+what+" (0: no limit)")
	if r.sends {
		fs.DurationVar(&sc.delay, "delay", 0, "wait `duration` after binding and connecting before sending, so that peers can connect (and subscribe)")
	}
	if r.typ == zring.SUB || r.typ == zring.XSUB {
		fs.Var(&sc.subscribe, "subscribe", "subscribe to messages starting with `TOPIC` (repeatable)")
	}
	if r.typ == zring.REP {
		fs.BoolVar(&sc.echo, "echo", false, "send each request back as its reply, and read no input")
	}
	sc.sec.register(fs)
	return fs
}

// parse reads and checks the command line; every failure is a usage error.
func (sc *socketCommand) parse(c *cli, args []string) error {
	fs := sc.flagSet()
	args, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("no endpoint")
	}
	if sc.endpoints, err = parseEndpoints(args, sc.sock.bind); err != nil {
		return err
	}
	if sc.limit < 0 {
		return usagef("-n %d: want 0 or more", sc.limit)
	}
	if sc.frames {
		if (sc.in != "" && sc.in != "text") || (sc.out != "" && sc.out != "text") {
			return usagef("-frames is -i frames -o frames: give one or the other")
		}
		sc.in, sc.out = "frames", "frames"
	}
	if sc.in != "" {
		if sc.inEncoding, err = parseEncoding("i", sc.in); err != nil {
			return err
		}
	}
	if sc.out != "" {
		if sc.outEncoding, err = parseEncoding("o", sc.out); err != nil {
			return err
		}
	}
	if !sc.sepSet && (sc.role.typ == zring.ROUTER || sc.role.typ == zring.STREAM) {
		sc.sep = "\t"
	}
	if strings.Contains(sc.sep, "\n") {
		return usagef("-sep cannot hold a newline, which ends messages")
	}
	return sc.sec.check(c)
}

// takesInput reports whether the command reads standard input.
func (sc *socketCommand) takesInput() bool {
	return sc.role.sends && !sc.echo
}

func runSocket(c *cli, name string, args []string) error {
	sc := &socketCommand{name: name, role: roles[name]}
	if err := sc.parse(c, args); err != nil {
		return err
	}
	s, err := newSession(c)
	if err != nil {
		return err
	}
	r, err := sc.open(s)
	if err == nil {
		err = r.run()
	}
	return s.end(err)
}

// open makes the socket, sets its options, binds and connects it, and
// starts the input: everything before the messages move.
func (sc *socketCommand) open(s *session) (*relay, error) {
	sock, err := s.socket(sc.role.typ)
	if err != nil {
		return nil, err
	}
	opts := sc.sock.options()
	switch sc.role.typ {
	case zring.ROUTER:
		// An input message for a routing id no peer has is reported, not
		// silently dropped as a ROUTER does by default.
		opts = append(opts, option{zring.RouterMandatory, 1, "router"})
	case zring.SUB:
		if len(sc.subscribe) == 0 {
			sc.subscribe = stringList{""}
		}
		for _, t := range sc.subscribe {
			opts = append(opts, option{zring.Subscribe, t, "-subscribe"})
		}
	}
	if err := setOptions(sock, opts); err != nil {
		return nil, err
	}
	if err := sc.sec.apply(sock); err != nil {
		return nil, err
	}
	if s.auth, err = sc.sec.authenticate(s.ctx); err != nil {
		return nil, err
	}
	if sc.sock.verbose {
		if err := s.watch(sock, "zring: ", s.stderr); err != nil {
			return nil, err
		}
	}
	if err := attach(s.stderr, sock, sc.endpoints, "", sc.sock.verbose); err != nil {
		return nil, err
	}
	r := &relay{
		s:       s,
		name:    sc.name,
		typ:     sc.role.typ,
		sock:    sock,
		out:     newMessageWriter(s.c.stdout, sc.outEncoding, sc.sep),
		limit:   sc.limit,
		timeout: sc.sock.wait(),
		echo:    sc.echo,
	}
	if sc.role.typ == zring.STREAM && len(sc.endpoints) == 1 && !sc.endpoints[0].bind {
		// Without -immediate the connection's routing id is made at once;
		// with it, the connection's notice brings it (see receive).
		r.streamConnect = true
		id, err := sock.GetOption(zring.RoutingID)
		if err != nil {
			return nil, err
		}
		if id, _ := id.([]byte); len(id) > 0 {
			r.streamID = id
		}
	}
	if sc.role.typ == zring.XSUB {
		for _, t := range sc.subscribe {
			if err := sock.Send(append([]byte{1}, t...), 0); err != nil {
				return nil, err
			}
		}
	}
	if sc.takesInput() {
		if r.input, err = s.startInput(newMessageReader(s.c.stdin, sc.inEncoding, sc.sep)); err != nil {
			return nil, err
		}
	}
	if sc.delay > 0 {
		select {
		case <-time.After(sc.delay):
		case <-s.stop:
		}
	}
	return r, nil
}

// relay moves messages between the input pipe, the socket and standard
// output, on the main goroutine, which owns the socket and the pipe's end.
type relay struct {
	s       *session
	name    string
	typ     zring.SocketType
	sock    *zring.Socket
	input   *zring.Socket // the input pipe; nil when the command reads no input
	out     *messageWriter
	limit   int
	timeout time.Duration // < 0: none
	echo    bool
	// A STREAM connected to one endpoint sends an input message of one
	// frame to its connection, streamID, the routing id of the latest
	// message from it; until there is one, it reads no input.
	streamConnect bool
	streamID      []byte

	lastReceived [][]byte // the message receive printed last (REP -echo sends it back)
}

// takesInput reports whether the relay reads a message from the input
// now: a REQ only between a reply and the next request. A REP may read its
// next reply before the request comes (it waits as pending), so that the
// end of the input is seen while it waits for a request.
func (r *relay) takesInput(awaiting bool) bool {
	switch r.typ {
	case zring.SUB, zring.PULL:
		return false
	case zring.REQ:
		return !awaiting
	case zring.REP:
		return !r.echo
	case zring.STREAM:
		return !r.streamConnect || r.streamID != nil
	}
	return true
}

// receives reports whether the relay waits for a message from the socket
// now. A REP that can no longer reply (its input is over) takes no more
// requests.
func (r *relay) receives(awaiting, inputOpen bool) bool {
	switch r.typ {
	case zring.PUB, zring.PUSH:
		return false
	case zring.REQ:
		return awaiting
	case zring.REP:
		return !awaiting && (r.echo || inputOpen)
	}
	return true
}

// run relays until there is nothing more to do (the input is over and the
// socket only sends, or the last reply is in), -n messages have been
// counted, -timeout runs out, or the context is shut down (an interrupt).
//
// awaiting is REQ and REP's lockstep: a REQ's request is out and its reply
// not yet in, a REP's request is in and its reply not yet out. pending is
// a message from the input that the socket has not taken yet.
func (r *relay) run() (err error) {
	defer func() {
		if ferr := r.out.flush(); err == nil {
			err = ferr
		}
	}()
	poller := zring.NewPoller()
	var pending [][]byte
	inputOpen := r.input != nil
	awaiting := false
	count := 0
	last := time.Now() // of the last message sent or received, for -timeout
	for r.limit == 0 || count < r.limit {
		takeInput := inputOpen && pending == nil && r.takesInput(awaiting)
		recv := r.receives(awaiting, inputOpen)
		var events zring.PollEvents
		if recv {
			events |= zring.PollIn
		}
		if pending != nil {
			events |= zring.PollOut
		}
		if events == 0 && !takeInput {
			return nil
		}
		if events != 0 {
			poller.Add(r.sock, events)
		} else {
			poller.Remove(r.sock)
		}
		if takeInput {
			poller.Add(r.input, zring.PollIn)
		} else if r.input != nil {
			poller.Remove(r.input)
		}
		// -timeout counts only while the socket has something to do.
		wait := time.Duration(-1)
		if events != 0 && r.timeout >= 0 {
			wait = max(0, r.timeout-time.Since(last))
		}
		items, err := poller.Wait(0)
		if err == nil && len(items) == 0 && wait != 0 {
			// About to block: what was printed goes out first.
			if err := r.out.flush(); err != nil {
				return err
			}
			items, err = poller.Wait(wait)
		}
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return r.timedOut(pending != nil)
		}
		// The items are the Poller's, reused by the next Wait; take what
		// is needed from them first.
		inReady, sockIn, sockOut := false, false, false
		for _, it := range items {
			if it.Socket == r.input {
				inReady = true
			} else {
				sockIn = it.Revents&zring.PollIn != 0
				sockOut = it.Revents&zring.PollOut != 0
			}
		}
		if sockIn && recv {
			n, err := r.receive(r.limit-count, r.typ != zring.REQ && r.typ != zring.REP)
			if err != nil {
				return err
			}
			if n > 0 {
				last = time.Now()
			}
			switch r.typ {
			case zring.REQ:
				if n > 0 {
					awaiting = false
					count++
				}
			case zring.REP:
				if n > 0 {
					awaiting = true
					if r.echo {
						pending = r.lastReceived
					}
				}
			default:
				count += n
			}
		}
		if sockOut && pending != nil {
			sent, err := r.send(pending)
			if err != nil {
				return err
			}
			pending = nil
			last = time.Now()
			if sent {
				switch r.typ {
				case zring.REQ:
					awaiting = true
				case zring.REP:
					awaiting = false
					count++
				case zring.PUB, zring.PUSH:
					count++
				}
			}
		}
		if inReady && pending == nil {
			msg, err := r.input.RecvMultipart(zring.DontWait)
			if errors.Is(err, zring.ErrAgain) {
				continue
			}
			if err != nil {
				return err
			}
			switch string(msg[0]) {
			case pipeMessage:
				pending = msg[1:]
				last = time.Now() // the socket has something new to do
				if r.streamID != nil && len(pending) == 1 {
					pending = [][]byte{r.streamID, pending[0]}
				}
				if len(pending) == 1 && (r.typ == zring.ROUTER || r.typ == zring.STREAM) {
					// The socket would take the one frame for a routing id
					// and send nothing.
					fmt.Fprintf(r.s.stderr, "zring %s: an input message needs a routing id frame and a body; %q dropped\n", r.name, pending[0])
					pending = nil
				}
			case pipeEnd:
				inputOpen = false
			case pipeError:
				return fmt.Errorf("%s", msg[1])
			}
		}
	}
	return nil
}

// receive prints the messages waiting on the socket, at most limit of
// them when limit > 0, and only one unless drain. It returns how many it
// printed, and keeps the last in lastReceived for REP's -echo.
func (r *relay) receive(limit int, drain bool) (int, error) {
	n := 0
	for limit <= 0 || n < limit {
		msg, err := r.sock.RecvMultipart(zring.DontWait)
		if errors.Is(err, zring.ErrAgain) {
			break
		}
		if err != nil {
			return n, err
		}
		n++
		r.lastReceived = msg
		if r.streamConnect {
			r.streamID = msg[0]
		}
		if err := r.out.write(msg); err != nil {
			return n, err
		}
		if !drain {
			break
		}
	}
	return n, nil
}

// send sends msg, which the Poller said the socket can take. It reports
// false when a ROUTER or STREAM has no peer with the message's routing id:
// that is said on stderr, and the relay goes on.
func (r *relay) send(msg [][]byte) (bool, error) {
	err := r.sock.SendMultipart(msg, zring.DontWait)
	if errors.Is(err, zring.ErrAgain) {
		// PollOut says some peer has room; a ROUTER's message is for one
		// that may not. Wait for that one (-timeout bounds it).
		err = r.sock.SendMultipart(msg, 0)
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, zring.ErrHostUnreachable):
		fmt.Fprintf(r.s.stderr, "zring %s: no peer has routing id %q (hex %s); message dropped\n", r.name, msg[0], hex.EncodeToString(msg[0]))
		return false, nil
	case errors.Is(err, zring.ErrAgain):
		return false, r.timedOut(true)
	}
	return false, err
}

func (r *relay) timedOut(sending bool) error {
	switch {
	case sending:
		return fmt.Errorf("could not send within %v (no peer ready to take the message)", r.timeout)
	case r.typ == zring.REQ:
		return fmt.Errorf("no reply within %v", r.timeout)
	}
	return fmt.Errorf("nothing received within %v", r.timeout)
}
