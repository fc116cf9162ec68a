package zring_test

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// wirePeer is a hand-driven ZMTP peer over tcp, speaking version 3.minor.
type wirePeer struct {
	t *testing.T
	c net.Conn
}

func dialWire(t *testing.T, endpoint string, minor uint8, socketType string) *wirePeer {
	t.Helper()
	c := dialRaw(t, tcpAddr(t, endpoint))
	c.SetDeadline(time.Now().Add(5 * time.Second))
	out := zmtp.Greeting{Major: 3, Minor: minor, Mechanism: "NULL"}.Append(nil)
	out = zmtp.AppendReady(out, []zmtp.Property{{Name: "Socket-Type", Value: []byte(socketType)}})
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	p := &wirePeer{t: t, c: c}
	g := make([]byte, zmtp.GreetingSize)
	if _, err := io.ReadFull(c, g); err != nil {
		t.Fatal(err)
	}
	if flags, body := p.frame(); flags&zmtp.FlagCommand == 0 || string(body[1:6]) != "READY" {
		t.Fatalf("expected READY, got %q", body)
	}
	return p
}

func (p *wirePeer) frame() (byte, []byte) {
	p.t.Helper()
	flags, body, err := readWireFrame(p.c)
	if err != nil {
		p.t.Fatal(err)
	}
	return flags, body
}

func (p *wirePeer) send(flags byte, body []byte) {
	p.t.Helper()
	if _, err := p.c.Write(append(zmtp.AppendFrameHeader(nil, flags, len(body)), body...)); err != nil {
		p.t.Fatal(err)
	}
}

// TestSubscriptionsOnTheWire: a SUB tells a ZMTP 3.1 publisher its
// subscriptions with SUBSCRIBE and CANCEL commands, and a 3.0 publisher
// with messages of 0x01 or 0x00 and the topic (RFC 37; libzmq 4.3.4 does
// the same). A PUB takes either form from anyone.
func TestSubscriptionsOnTheWire(t *testing.T) {
	for _, minor := range []uint8{0, 1} {
		t.Run(fmt.Sprintf("SUB_to_3.%d", minor), func(t *testing.T) {
			ctx := newCtx(t)
			sub := sock(t, ctx, zring.SUB)
			addr := bindAt(t, sub, "tcp://127.0.0.1:0")
			p := dialWire(t, addr, minor, "PUB")
			sub.SetOption(zring.Subscribe, "abc")
			sub.SetOption(zring.Unsubscribe, "abc")
			want := []struct {
				flags byte
				body  string
			}{{zmtp.FlagCommand, "\x09SUBSCRIBEabc"}, {zmtp.FlagCommand, "\x06CANCELabc"}}
			if minor == 0 {
				want[0].flags, want[0].body = 0, "\x01abc"
				want[1].flags, want[1].body = 0, "\x00abc"
			}
			for _, w := range want {
				if flags, body := p.frame(); flags != w.flags || string(body) != w.body {
					t.Fatalf("got flags %#x %q, want %#x %q", flags, body, w.flags, w.body)
				}
			}
			sub.SetOption(zring.Subscribe, "ab")
			p.frame()
			p.send(0, []byte("abX")) // matches
			p.send(0, []byte("zz"))  // does not
			p.send(0, []byte("ab"))
			mustRecv(t, sub, "abX")
			mustRecv(t, sub, "ab")
		})
	}
	for _, cmd := range []bool{true, false} {
		t.Run(fmt.Sprintf("PUB_from_commands=%v", cmd), func(t *testing.T) {
			ctx := newCtx(t)
			pub := sock(t, ctx, zring.PUB)
			addr := bindAt(t, pub, "tcp://127.0.0.1:0")
			p := dialWire(t, addr, 1, "SUB")
			if cmd {
				p.send(zmtp.FlagCommand, zmtp.AppendSubscribe(nil, []byte("t"))[2:])
			} else {
				p.send(0, []byte("\x01t"))
			}
			// The subscription is applied when the PUB next sends.
			deadline := time.Now().Add(5 * time.Second)
			for {
				pub.Send([]byte("t1"), 0)
				pub.Send([]byte("x"), 0)
				p.c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
				hdr := make([]byte, 2)
				if _, err := io.ReadFull(p.c, hdr); err == nil {
					body := make([]byte, hdr[1])
					p.c.SetReadDeadline(time.Now().Add(5 * time.Second))
					io.ReadFull(p.c, body)
					if string(body) != "t1" {
						t.Fatalf("got %q, want only what matches", body)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("nothing arrived")
				}
			}
		})
	}
}
