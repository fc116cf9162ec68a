package interop

import (
	"errors"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// zring's Authenticator deciding for a zring server whose clients are
// libzmq 4.3.4 sockets: what libzmq's client sees when it is let in (its
// messages pass; the server reads the User-Id zauth's conventions give)
// and when it is refused (its monitor: HANDSHAKE_FAILED_AUTH 400).

func TestAuthenticatorLibzmqClients(t *testing.T) {
	serverPub, serverSec, err := zring.CurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	// The clients' keys are libzmq's own, from zmq_curve_keypair.
	clientPub, clientSec, err := zmq.NewCurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherSec, _ := zmq.NewCurveKeypair()
	plainServer := func(t *testing.T, p peer) { setPlain(t, p, "", "") }
	plainClient := func(user, pass string) func(*testing.T, peer) {
		return func(t *testing.T, p peer) { setPlain(t, p, user, pass) }
	}
	curveServer := func(t *testing.T, p peer) { setCurve(t, p, serverPub, serverSec, "") }
	curveClient := func(pub, sec string) func(*testing.T, peer) {
		return func(t *testing.T, p peer) { setCurve(t, p, pub, sec, serverPub) }
	}
	none := func(*testing.T, peer) {}
	for _, c := range []struct {
		name           string
		rules          func(a *zring.Authenticator) error
		server, client func(*testing.T, peer)
		user           string // User-Id when accepted
		ok             bool
	}{
		{"PLAIN accepted", func(a *zring.Authenticator) error { return a.AddPlainUser("global", "admin", "secret") },
			plainServer, plainClient("admin", "secret"), "admin", true},
		{"PLAIN wrong password refused", func(a *zring.Authenticator) error { return a.AddPlainUser("global", "admin", "secret") },
			plainServer, plainClient("admin", "wrong"), "", false},
		// libzmq lets a client send a username and no password; a lookup
		// that took a missing user's password as "" would let it in.
		{"PLAIN unknown user without password refused", func(a *zring.Authenticator) error { return a.AddPlainUser("global", "admin", "secret") },
			plainServer, func(t *testing.T, p peer) {
				if err := p.(*libzmqPeer).s.SetPlainUsername("ghost"); err != nil {
					t.Fatal(err)
				}
			}, "", false},
		{"CURVE key allowed", func(a *zring.Authenticator) error { return a.AllowCurveKey("global", clientPub) },
			curveServer, curveClient(clientPub, clientSec), clientPub, true},
		{"CURVE key refused", func(a *zring.Authenticator) error { return a.AllowCurveKey("global", clientPub) },
			curveServer, curveClient(otherPub, otherSec), "", false},
		{"CURVE allow any", func(a *zring.Authenticator) error { return a.AllowCurveAny(zring.AnyDomain) },
			curveServer, curveClient(otherPub, otherSec), otherPub, true},
		{"NULL address denied", func(a *zring.Authenticator) error { return a.Deny("global", "127.0.0.1") },
			none, none, "", false},
		{"NULL address allowed", func(a *zring.Authenticator) error { return a.Allow("global", "127.0.0.0/8") },
			none, none, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := newContexts(t)
			auth, err := zring.NewAuthenticator(cs.z)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := auth.Close(); err != nil {
					t.Errorf("Authenticator.Close: %v", err)
				}
			})
			if err := c.rules(auth); err != nil {
				t.Fatal(err)
			}
			srv := newZring(t, cs.z, zring.REP)
			cli := newLibzmq(t, cs.l, zring.REQ)
			if err := srv.s.SetOption(zring.ZAPDomain, "global"); err != nil {
				t.Fatal(err)
			}
			c.server(t, srv)
			c.client(t, cli)
			srvEvents := watchEvents(t, cs, srv)
			cliEvents := watchEvents(t, cs, cli)
			ep, err := srv.bind("tcp://127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if err := cli.connect(ep); err != nil {
				t.Fatal(err)
			}

			if !c.ok {
				// REQ queues the request on the pipe its connect made; it
				// must never reach the server.
				if err := cli.send(frames("let me in"), zring.DontWait); err != nil && !isAgain(err) {
					t.Fatal(err)
				}
				for _, w := range []struct {
					p    peer
					next func(int) (uint32, error)
				}{{cli, cliEvents}, {srv, srvEvents}} {
					v, err := w.next(evHandshakeFailedAuth)
					if err != nil {
						t.Fatal(err)
					}
					if v != 400 {
						t.Fatalf("%v: HANDSHAKE_FAILED_AUTH %d, want 400", w.p, v)
					}
				}
				expectNothing(t, srv, 100*time.Millisecond)
				return
			}

			mustSend(t, cli, frames("ping"))
			got, md, err := srv.s.RecvWithMetadata(0, "User-Id")
			if err != nil || string(got) != "ping" {
				t.Fatalf("%v received %q, %v", srv, got, err)
			}
			if md["User-Id"] != c.user {
				t.Fatalf("%v: User-Id %q, want %q", srv, md["User-Id"], c.user)
			}
			mustSend(t, srv, frames("pong"))
			expect(t, cli, frames("pong"))
			for _, next := range []func(int) (uint32, error){cliEvents, srvEvents} {
				if _, err := next(evHandshakeSucceeded); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestAuthenticatorBesideLibzmqHandler: a libzmq context's handler and a
// zring context's Authenticator are separate (RFC 27: one per process,
// but each library's sockets ask the handler of their own context), and a
// zring context refuses a second handler.
func TestAuthenticatorBesideLibzmqHandler(t *testing.T) {
	cs := newContexts(t)
	zapHandlerLibzmq(t, cs.l, plainAdmin) // accepts admin/secret as zapUserID
	auth, err := zring.NewAuthenticator(cs.z)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auth.Close() })
	if err := auth.AddPlainUser(zring.AnyDomain, "admin", "secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := zring.NewAuthenticator(cs.z); !errors.Is(err, zring.ErrAddrInUse) {
		t.Fatalf("second Authenticator: %v, want ErrAddrInUse", err)
	}
	// A zring server asks zring's Authenticator; a libzmq one, libzmq's
	// handler. Each User-Id says which answered.
	for _, pair := range []struct {
		server, client impl
		user           string
	}{{zringImpl, libzmqImpl, "admin"}, {libzmqImpl, zringImpl, zapUserID}} {
		srv := cs.socket(t, side{pair.server, zring.PULL})
		cli := cs.socket(t, side{pair.client, zring.PUSH})
		setPlain(t, srv, "", "")
		setPlain(t, cli, "admin", "secret")
		link(t, "tcp", srv, cli, pair.server)
		mustSend(t, cli, frames("hello"))
		var user string
		switch s := srv.(type) {
		case *zringPeer:
			_, md, err := s.s.RecvWithMetadata(0, "User-Id")
			if err != nil {
				t.Fatal(err)
			}
			user = md["User-Id"]
		case *libzmqPeer:
			_, md, err := s.s.RecvBytesWithMetadata(0, "User-Id")
			if err != nil {
				t.Fatal(err)
			}
			user = md["User-Id"]
		}
		if user != pair.user {
			t.Fatalf("%v: User-Id %q, want %q", srv, user, pair.user)
		}
	}
}
