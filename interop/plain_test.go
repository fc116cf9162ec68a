package interop

import (
	"fmt"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// ZAP (RFC 27) handlers on either implementation, and PLAIN (RFC 24)
// between zring and libzmq 4.3.4 in both roles.

// zapUser is the one user the handlers below accept: username "admin",
// password "secret", authenticated as zapUserID.
const zapUserID = "admin-id"

// zapDecider is a ZAP handler's rule: a status code and a user id for a
// request's mechanism and credentials.
type zapDecider func(mechanism string, credentials [][]byte) (code, userID string)

// plainAdmin accepts PLAIN admin/secret as zapUserID and refuses the rest.
func plainAdmin(mechanism string, creds [][]byte) (string, string) {
	if mechanism == "PLAIN" && len(creds) == 2 && string(creds[0]) == "admin" && string(creds[1]) == "secret" {
		return "200", zapUserID
	}
	return "400", ""
}

// serveZAP answers ZAP requests on a REP socket of either implementation,
// which its goroutine owns, as decide says, until the test ends.
func serveZAP(t *testing.T, recv func() ([][]byte, error), send func([][]byte) error, closeSock func(), decide zapDecider) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	t.Cleanup(func() { close(stop); wg.Wait() })
	go func() {
		defer wg.Done()
		defer closeSock()
		for {
			select {
			case <-stop:
				return
			default:
			}
			// version, request id, domain, address, routing id, mechanism, credentials...
			req, err := recv()
			if err != nil || len(req) < 6 {
				continue // the 20 ms timeout: look at stop again
			}
			code, user := decide(string(req[5]), req[6:])
			send([][]byte{req[0], req[1], []byte(code), []byte("text"), []byte(user), nil})
		}
	}()
}

func zapHandlerZring(t *testing.T, ctx *zring.Context, decide zapDecider) {
	rep, err := ctx.NewSocket(zring.REP)
	if err != nil {
		t.Fatal(err)
	}
	rep.SetOption(zring.Linger, 0)
	rep.SetOption(zring.RcvTimeo, 20)
	if err := rep.Bind("inproc://zeromq.zap.01"); err != nil {
		t.Fatal(err)
	}
	serveZAP(t, func() ([][]byte, error) { return rep.RecvMultipart(0) },
		func(m [][]byte) error { return rep.SendMultipart(m, 0) }, func() { rep.Close() }, decide)
}

func zapHandlerLibzmq(t *testing.T, ctx *zmq.Context, decide zapDecider) {
	rep, err := ctx.NewSocket(zmq.REP)
	if err != nil {
		t.Fatal(err)
	}
	rep.SetLinger(0)
	rep.SetRcvtimeo(20 * time.Millisecond)
	if err := rep.Bind("inproc://zeromq.zap.01"); err != nil {
		t.Fatal(err)
	}
	serveZAP(t, func() ([][]byte, error) { return rep.RecvMessageBytes(0) },
		func(m [][]byte) error { _, err := rep.SendMessage(m); return err }, func() { rep.Close() }, decide)
}

// monitorEvents monitors p for every event and returns a function that
// reads the next one (event, value), waiting up to ioTimeout. zctx and
// lctx are the contexts the monitor's PAIR is made in, by p's
// implementation (the other may be nil).
func monitorEvents(t *testing.T, zctx *zring.Context, lctx *zmq.Context, p peer) func() (int, uint32, error) {
	t.Helper()
	monitorSeq++
	addr := fmt.Sprintf("inproc://events-%d", monitorSeq)
	switch s := p.(type) {
	case *zringPeer:
		if err := s.s.Monitor(addr, zring.EventAll); err != nil {
			t.Fatal(err)
		}
		mon, err := zctx.NewSocket(zring.PAIR)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mon.Close() })
		mon.SetOption(zring.Linger, 0)
		mon.SetOption(zring.RcvTimeo, int(ioTimeout/time.Millisecond))
		if err := mon.Connect(addr); err != nil {
			t.Fatal(err)
		}
		return func() (int, uint32, error) {
			e, err := mon.RecvEvent(0)
			return int(e.Event), e.Value, err
		}
	case *libzmqPeer:
		if err := s.s.Monitor(addr, zmq.EVENT_ALL); err != nil {
			t.Fatal(err)
		}
		mon, err := lctx.NewSocket(zmq.PAIR)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mon.Close() })
		mon.SetLinger(0)
		mon.SetRcvtimeo(ioTimeout)
		if err := mon.Connect(addr); err != nil {
			t.Fatal(err)
		}
		return func() (int, uint32, error) {
			ev, _, v, err := mon.RecvEvent(0)
			return int(ev), uint32(v), err
		}
	}
	t.Fatalf("monitorEvents: %T", p)
	return nil
}

// watchEvents monitors p and returns a function that waits up to
// ioTimeout for the next event of kind want and returns its value.
func watchEvents(t *testing.T, cs contexts, p peer) func(want int) (uint32, error) {
	t.Helper()
	next := monitorEvents(t, cs.z, cs.l, p)
	return func(want int) (uint32, error) {
		for {
			ev, v, err := next()
			if err != nil {
				return 0, fmt.Errorf("%v: waiting for event %#x: %w", p, want, err)
			}
			if ev == want {
				return v, nil
			}
		}
	}
}

// setPlain makes p a PLAIN server (user empty) or a client with user and
// password.
func setPlain(t *testing.T, p peer, user, pass string) {
	t.Helper()
	var err error
	switch s := p.(type) {
	case *zringPeer:
		if user == "" {
			err = s.s.SetOption(zring.PlainServer, 1)
		} else if err = s.s.SetOption(zring.PlainUsername, user); err == nil {
			err = s.s.SetOption(zring.PlainPassword, pass)
		}
	case *libzmqPeer:
		if user == "" {
			err = s.s.SetPlainServer(1)
		} else if err = s.s.SetPlainUsername(user); err == nil {
			err = s.s.SetPlainPassword(pass)
		}
	}
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
}

const (
	evHandshakeSucceeded  = 0x1000
	evHandshakeFailedAuth = 0x4000
)

// securityPairs are the server and client implementations the security
// tests run, on each transport.
var securityPairs = []struct{ server, client impl }{
	{zringImpl, libzmqImpl},
	{libzmqImpl, zringImpl},
	{zringImpl, zringImpl},
}

func TestPlain(t *testing.T) {
	for _, tr := range transports {
		for _, pair := range securityPairs {
			t.Run(fmt.Sprintf("%s/%s server, %s client", tr, pair.server, pair.client), func(t *testing.T) {
				testPlain(t, tr, pair.server, pair.client)
			})
		}
	}
}

func testPlain(t *testing.T, tr string, server, client impl) {
	for _, c := range []struct {
		name, pass string
		ok         bool
	}{{"accepted", "secret", true}, {"refused", "wrong", false}} {
		t.Run(c.name, func(t *testing.T) {
			cs := newContexts(t)
			if server == zringImpl {
				zapHandlerZring(t, cs.z, plainAdmin)
			} else {
				zapHandlerLibzmq(t, cs.l, plainAdmin)
			}
			srv := cs.socket(t, side{server, zring.PULL})
			cli := cs.socket(t, side{client, zring.PUSH})
			setPlain(t, srv, "", "")
			setPlain(t, cli, "admin", c.pass)
			srvEvents := watchEvents(t, cs, srv)
			cliEvents := watchEvents(t, cs, cli)
			ep, err := srv.bind(wildcard(t, tr, server))
			if err != nil {
				t.Fatal(err)
			}
			if err := cli.connect(ep); err != nil {
				t.Fatal(err)
			}
			if !c.ok {
				for _, w := range []struct {
					p    peer
					next func(int) (uint32, error)
				}{{srv, srvEvents}, {cli, cliEvents}} {
					v, err := w.next(evHandshakeFailedAuth)
					if err != nil {
						t.Fatal(err)
					}
					if v != 400 {
						t.Fatalf("%v: HANDSHAKE_FAILED_AUTH %d, want 400", w.p, v)
					}
				}
				return
			}
			if err := cli.send([][]byte{[]byte("over PLAIN")}, 0); err != nil {
				t.Fatal(err)
			}
			var got []byte
			var user string
			switch s := srv.(type) {
			case *zringPeer:
				got, md, err := s.s.RecvWithMetadata(0, "User-Id")
				if err != nil {
					t.Fatal(err)
				}
				_ = got
				user = md["User-Id"]
				if string(got) != "over PLAIN" {
					t.Fatalf("zring received %q", got)
				}
			case *libzmqPeer:
				msg, md, err := s.s.RecvBytesWithMetadata(0, "User-Id")
				if err != nil {
					t.Fatal(err)
				}
				got, user = msg, md["User-Id"]
				if string(got) != "over PLAIN" {
					t.Fatalf("libzmq received %q", got)
				}
			}
			if user != zapUserID {
				t.Fatalf("%v: User-Id %q, want %q", srv, user, zapUserID)
			}
			for _, next := range []func(int) (uint32, error){srvEvents, cliEvents} {
				if _, err := next(evHandshakeSucceeded); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
