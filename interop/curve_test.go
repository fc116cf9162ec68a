package interop

import (
	"bytes"
	"fmt"
	"testing"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// CURVE (RFC 25/26) between zring and libzmq 4.3.4 sockets, in both roles:
// request/reply with multipart messages, small frames and one over a
// frame's short header, and a client with the wrong server key refused.

// setCurve makes p a CURVE server with the secret key (serverKey empty),
// or a client of the server whose public key is serverKey. Keys are Z85.
func setCurve(t *testing.T, p peer, public, secret, serverKey string) {
	t.Helper()
	var err error
	switch s := p.(type) {
	case *zringPeer:
		if serverKey == "" {
			err = s.s.SetOption(zring.CurveServer, 1)
		} else {
			err = s.s.SetOption(zring.CurveServerKey, serverKey)
		}
		if err == nil {
			err = s.s.SetOption(zring.CurvePublicKey, public)
		}
		if err == nil {
			err = s.s.SetOption(zring.CurveSecretKey, secret)
		}
	case *libzmqPeer:
		if serverKey == "" {
			err = s.s.SetCurveServer(1)
		} else {
			err = s.s.SetCurveServerkey(serverKey)
		}
		if err == nil {
			err = s.s.SetCurvePublickey(public)
		}
		if err == nil {
			err = s.s.SetCurveSecretkey(secret)
		}
	}
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
}

func TestCurveSockets(t *testing.T) {
	serverPub, serverSec, err := zmq.NewCurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	clientPub, clientSec, _ := zring.CurveKeypair()
	for _, tr := range transports {
		for _, pair := range securityPairs {
			t.Run(fmt.Sprintf("%s/%s server, %s client", tr, pair.server, pair.client), func(t *testing.T) {
				testCurveSockets(t, tr, pair.server, pair.client, serverPub, serverSec, clientPub, clientSec)
			})
		}
	}
}

func testCurveSockets(t *testing.T, tr string, server, client impl, serverPub, serverSec, clientPub, clientSec string) {
	cs := newContexts(t)
	rep := cs.socket(t, side{server, zring.REP})
	req := cs.socket(t, side{client, zring.REQ})
	setCurve(t, rep, serverPub, serverSec, "")
	setCurve(t, req, clientPub, clientSec, serverPub)
	ep, err := rep.bind(wildcard(t, tr, server))
	if err != nil {
		t.Fatal(err)
	}
	if err := req.connect(ep); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("curve"), 30000) // 150,000 bytes: a long frame
	for i := 0; i < 50; i++ {
		msg := [][]byte{[]byte(fmt.Sprintf("request %d", i)), nil, big[:i*3000]}
		if err := req.send(msg, 0); err != nil {
			t.Fatal(err)
		}
		got, err := rep.recv(0)
		if err != nil {
			t.Fatalf("%v: %v", rep, err)
		}
		if len(got) != 3 || string(got[0]) != string(msg[0]) || len(got[1]) != 0 || !bytes.Equal(got[2], msg[2]) {
			t.Fatalf("%v received %d frames (%q...)", rep, len(got), got[0])
		}
		if err := rep.send([][]byte{[]byte("reply"), got[0]}, 0); err != nil {
			t.Fatal(err)
		}
		back, err := req.recv(0)
		if err != nil || len(back) != 2 || string(back[1]) != string(msg[0]) {
			t.Fatalf("%v: reply %q %v", req, back, err)
		}
	}
}

func TestCurveWrongServerKey(t *testing.T) {
	serverPub, serverSec, _ := zring.CurveKeypair()
	otherPub, _, _ := zring.CurveKeypair()
	clientPub, clientSec, _ := zring.CurveKeypair()
	for _, pair := range []struct{ server, client impl }{
		{zringImpl, libzmqImpl},
		{libzmqImpl, zringImpl},
	} {
		t.Run(fmt.Sprintf("%s server, %s client", pair.server, pair.client), func(t *testing.T) {
			cs := newContexts(t)
			rep := cs.socket(t, side{pair.server, zring.REP})
			req := cs.socket(t, side{pair.client, zring.REQ})
			setCurve(t, rep, serverPub, serverSec, "")
			setCurve(t, req, clientPub, clientSec, otherPub) // not the server's key
			events := watchEvents(t, cs, rep)
			ep, err := rep.bind(map[impl]string{zringImpl: "tcp://127.0.0.1:0", libzmqImpl: "tcp://127.0.0.1:*"}[pair.server])
			if err != nil {
				t.Fatal(err)
			}
			if err := req.connect(ep); err != nil {
				t.Fatal(err)
			}
			// The server cannot open the client's HELLO: a protocol failure.
			if _, err := events(0x2000); err != nil { // HANDSHAKE_FAILED_PROTOCOL
				t.Fatal(err)
			}
		})
	}
}
