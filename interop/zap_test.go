package interop

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/zring/zring"
)

// ZAP with each mechanism between zring and libzmq 4.3.4: the handler runs
// in the server's implementation; accepted peers' messages carry the
// handler's User-Id, refused ones end with HANDSHAKE_FAILED_AUTH on both
// sides.

// setZAPDomain sets ZMQ_ZAP_DOMAIN on p.
func setZAPDomain(t *testing.T, p peer, domain string) {
	t.Helper()
	var err error
	switch s := p.(type) {
	case *zringPeer:
		err = s.s.SetOption(zring.ZAPDomain, domain)
	case *libzmqPeer:
		err = s.s.SetZapDomain(domain)
	}
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
}

// recvUser receives one single-frame message on p and returns it with its
// User-Id property.
func recvUser(t *testing.T, p peer) (string, string) {
	t.Helper()
	switch s := p.(type) {
	case *zringPeer:
		got, md, err := s.s.RecvWithMetadata(0, "User-Id")
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		return string(got), md["User-Id"]
	case *libzmqPeer:
		got, md, err := s.s.RecvBytesWithMetadata(0, "User-Id")
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		return string(got), md["User-Id"]
	}
	return "", ""
}

// zapCase runs one server/client pair through a handshake the server's
// handler decides: accepted, the client's message arrives with userID;
// refused, both monitors report HANDSHAKE_FAILED_AUTH 400.
func zapCase(t *testing.T, server, client impl, decide zapDecider, setup func(srv, cli peer), accept bool, userID string) {
	t.Helper()
	cs := newContexts(t)
	if server == zringImpl {
		zapHandlerZring(t, cs.z, decide)
	} else {
		zapHandlerLibzmq(t, cs.l, decide)
	}
	srv := cs.socket(t, side{server, zring.PULL})
	cli := cs.socket(t, side{client, zring.PUSH})
	setup(srv, cli)
	srvEvents := watchEvents(t, cs, srv)
	cliEvents := watchEvents(t, cs, cli)
	ep, err := srv.bind(wildcard(t, "tcp", server))
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.connect(ep); err != nil {
		t.Fatal(err)
	}
	if !accept {
		for _, next := range []func(int) (uint32, error){srvEvents, cliEvents} {
			v, err := next(evHandshakeFailedAuth)
			if err != nil {
				t.Fatal(err)
			}
			if v != 400 {
				t.Fatalf("HANDSHAKE_FAILED_AUTH %d, want 400", v)
			}
		}
		return
	}
	if err := cli.send([][]byte{[]byte("authenticated")}, 0); err != nil {
		t.Fatal(err)
	}
	if got, user := recvUser(t, srv); got != "authenticated" || user != userID {
		t.Fatalf("%v received %q from User-Id %q, want User-Id %q", srv, got, user, userID)
	}
}

func TestNullWithZAPDomain(t *testing.T) {
	for _, pair := range securityPairs {
		for _, accept := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s server, %s client, accept %v", pair.server, pair.client, accept), func(t *testing.T) {
				decide := func(mech string, creds [][]byte) (string, string) {
					if mech == "NULL" && len(creds) == 0 && accept {
						return "200", "anonymous"
					}
					return "400", ""
				}
				zapCase(t, pair.server, pair.client, decide, func(srv, cli peer) { setZAPDomain(t, srv, "global") }, accept, "anonymous")
			})
		}
	}
}

func TestCurveWithZAP(t *testing.T) {
	serverPub, serverSec, _ := zring.CurveKeypair()
	clientPub, clientSec, _ := zring.CurveKeypair()
	for _, pair := range securityPairs {
		for _, accept := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s server, %s client, accept %v", pair.server, pair.client, accept), func(t *testing.T) {
				decide := func(mech string, creds [][]byte) (string, string) {
					if k, _ := zring.Z85Encode(firstOf(creds)); mech == "CURVE" && k == clientPub && accept {
						return "200", "key:" + k[:8]
					}
					return "400", ""
				}
				zapCase(t, pair.server, pair.client, decide, func(srv, cli peer) {
					setCurve(t, srv, serverPub, serverSec, "")
					setCurve(t, cli, clientPub, clientSec, serverPub)
				}, accept, "key:"+clientPub[:8])
			})
		}
	}
}

func firstOf(b [][]byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b[0]
}

// TestPlainWithoutHandler: a PLAIN server with no ZAP handler refuses every
// client (libzmq 4.3.4: nothing could check the password), on either
// implementation: HANDSHAKE_FAILED_NO_DETAIL with EFAULT at the server.
func TestPlainWithoutHandler(t *testing.T) {
	for _, pair := range securityPairs {
		t.Run(fmt.Sprintf("%s server, %s client", pair.server, pair.client), func(t *testing.T) {
			cs := newContexts(t)
			srv := cs.socket(t, side{pair.server, zring.PULL})
			cli := cs.socket(t, side{pair.client, zring.PUSH})
			setPlain(t, srv, "", "")
			setPlain(t, cli, "admin", "secret")
			srvEvents := watchEvents(t, cs, srv)
			ep, err := srv.bind(wildcard(t, "tcp", pair.server))
			if err != nil {
				t.Fatal(err)
			}
			if err := cli.connect(ep); err != nil {
				t.Fatal(err)
			}
			v, err := srvEvents(0x0800) // HANDSHAKE_FAILED_NO_DETAIL
			if err != nil {
				t.Fatal(err)
			}
			if v != uint32(syscall.EFAULT) {
				t.Fatalf("%v: HANDSHAKE_FAILED_NO_DETAIL %d, want EFAULT", srv, v)
			}
		})
	}
}
