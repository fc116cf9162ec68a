package zring_test

// ZMTP 1.0 and 2.0 peers (RFC 13, RFC 15), written here by hand over a
// net.Conn as libzmq 3.x, JeroMQ 0.3 and 0MQ 2.x behave on the wire: zring
// talks to them with NULL as libzmq 4.3.4 does, and refuses them when it
// must authenticate or encrypt (CVE-2014-9721).

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
)

// legacyPeer is one end of a connection speaking ZMTP 2.0 (framing 2) or
// ZMTP 1.0 (framing 1) framing.
type legacyPeer struct {
	t       *testing.T
	c       net.Conn
	framing int
	// theirs is the identity zring sent in the handshake.
	theirs string
}

// legacySig is the ten bytes a versioned peer sends first.
func legacySig(identity string) []byte {
	b := binary.BigEndian.AppendUint64([]byte{0xFF}, uint64(len(identity))+1)
	return append(b, 0x7F)
}

// greetZMTP2 runs the greeting as libzmq 3.2's stream_engine does: its
// signature, zring's ten bytes, then its revision and socket type once it
// has zring's signature; zring's must then be a major version of 3 and a
// socket-type byte, never the rest of a ZMTP 3 greeting. Then identities
// in the revision's framing (1: ZMTP 2.0, 0: ZMTP 1.0).
func greetZMTP2(t *testing.T, c net.Conn, revision, socketType byte, identity string, wantType byte) *legacyPeer {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	p := &legacyPeer{t: t, c: c, framing: 2}
	if revision == 0 {
		p.framing = 1
	}
	p.write(legacySig(identity))
	sig := p.readN(10)
	if sig[0] != 0xFF || sig[9] != 0x7F {
		t.Fatalf("zring's signature % x", sig)
	}
	p.write([]byte{revision, socketType})
	if got := p.readN(2); got[0] != 3 || got[1] != wantType {
		t.Fatalf("zring's version and socket type % x, want 03 %02x", got, wantType)
	}
	p.send(identity)
	parts := p.recv()
	if len(parts) != 1 {
		t.Fatalf("zring's identity message %q", parts)
	}
	p.theirs = parts[0]
	if want := binary.BigEndian.Uint64(sig[1:9]) - 1; want != uint64(len(p.theirs)) {
		t.Fatalf("zring's signature says an identity of %d bytes, it sent %q", want, p.theirs)
	}
	return p
}

// greetZMQ2 is a 0MQ 2.x peer's side: no greeting, its identity frame at
// once; zring's first ten bytes are its identity frame's header.
func greetZMQ2(t *testing.T, c net.Conn, identity string) *legacyPeer {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	p := &legacyPeer{t: t, c: c, framing: 1}
	p.send(identity)
	// Its identity frame's flags are 0x7F, the signature's end, which RFC
	// 13 says not to validate.
	hdr := p.readN(10)
	if hdr[0] != 0xFF || hdr[9] != 0x7F {
		t.Fatalf("zring's identity frame header % x", hdr)
	}
	p.theirs = string(p.readN(int(binary.BigEndian.Uint64(hdr[1:9]) - 1)))
	return p
}

func (p *legacyPeer) write(b []byte) {
	p.t.Helper()
	if _, err := p.c.Write(b); err != nil {
		p.t.Fatal(err)
	}
}

func (p *legacyPeer) readN(n int) []byte {
	p.t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(p.c, b); err != nil {
		p.t.Fatalf("reading %d bytes: %v", n, err)
	}
	return b
}

// send writes one message in the peer's framing.
func (p *legacyPeer) send(parts ...string) {
	p.t.Helper()
	var b []byte
	for i, part := range parts {
		var more byte
		if i < len(parts)-1 {
			more = 1
		}
		if p.framing == 1 {
			if n := len(part) + 1; n < 255 {
				b = append(b, byte(n), more)
			} else {
				b = append(binary.BigEndian.AppendUint64(append(b, 0xFF), uint64(n)), more)
			}
		} else if len(part) < 256 {
			b = append(b, more, byte(len(part)))
		} else {
			b = binary.BigEndian.AppendUint64(append(b, more|2), uint64(len(part)))
		}
		b = append(b, part...)
	}
	p.write(b)
}

// recvErr reads one message in the peer's framing.
func (p *legacyPeer) recvErr() ([]string, error) {
	var parts []string
	for {
		var flags byte
		var size uint64
		hdr := make([]byte, 1)
		if _, err := io.ReadFull(p.c, hdr); err != nil {
			return parts, err
		}
		if p.framing == 1 {
			size = uint64(hdr[0])
			if hdr[0] == 0xFF {
				long := make([]byte, 8)
				if _, err := io.ReadFull(p.c, long); err != nil {
					return parts, err
				}
				size = binary.BigEndian.Uint64(long)
			}
			if _, err := io.ReadFull(p.c, hdr); err != nil {
				return parts, err
			}
			flags, size = hdr[0], size-1
		} else {
			flags = hdr[0]
			if flags&2 != 0 {
				long := make([]byte, 8)
				if _, err := io.ReadFull(p.c, long); err != nil {
					return parts, err
				}
				size = binary.BigEndian.Uint64(long)
			} else {
				if _, err := io.ReadFull(p.c, hdr); err != nil {
					return parts, err
				}
				size = uint64(hdr[0])
			}
		}
		if flags&^3 != 0 || size > 1<<20 {
			return parts, fmt.Errorf("frame flags %#x size %d: not ZMTP %d.0", flags, size, p.framing)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(p.c, body); err != nil {
			return parts, err
		}
		parts = append(parts, string(body))
		if flags&1 == 0 {
			return parts, nil
		}
	}
}

func (p *legacyPeer) recv() []string {
	p.t.Helper()
	p.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	parts, err := p.recvErr()
	if err != nil {
		p.t.Fatalf("receiving from zring: %v (so far %q)", err, parts)
	}
	return parts
}

// listenLegacy accepts one connection for a zring socket to connect to.
func listenLegacy(t *testing.T) (endpoint string, accept func() net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return "tcp://" + ln.Addr().String(), func() net.Conn {
		t.Helper()
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
}

var legacyMessages = [][]string{{"a"}, {"b1", "b2", ""}, {strings.Repeat("L", 300)}, {strings.Repeat("s", 254)}}

func TestDowngradePushPull(t *testing.T) {
	for _, rev := range []byte{1, 0} {
		t.Run(fmt.Sprintf("revision %d, peer PUSH to zring PULL", rev), func(t *testing.T) {
			pull := sock(t, newCtx(t), zring.PULL)
			p := greetZMTP2(t, dialRaw(t, tcpAddr(t, bindAt(t, pull, "tcp://127.0.0.1:0"))), rev, 8, "", 7)
			for _, m := range legacyMessages {
				p.send(m...)
			}
			for _, want := range legacyMessages {
				if got := mustRecvParts(t, pull); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("zring received %q, want %q", got, want)
				}
			}
		})
		t.Run(fmt.Sprintf("revision %d, zring PUSH to peer PULL, heartbeats set", rev), func(t *testing.T) {
			push := sock(t, newCtx(t), zring.PUSH)
			push.SetOption(zring.HeartbeatIvl, 10)
			push.SetOption(zring.RoutingID, []byte("pusher"))
			ep, accept := listenLegacy(t)
			if err := push.Connect(ep); err != nil {
				t.Fatal(err)
			}
			p := greetZMTP2(t, accept(), rev, 7, "puller", 8)
			if p.theirs != "pusher" {
				t.Errorf("zring's identity %q", p.theirs)
			}
			for _, m := range legacyMessages {
				mustSendParts(t, push, m...)
			}
			for _, want := range legacyMessages {
				if got := p.recv(); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("peer received %q, want %q", got, want)
				}
			}
			// No PING: ZMTP 2.0 has no heartbeats (nor would the framing
			// carry one).
			p.c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if parts, err := p.recvErr(); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("after the messages: %q, %v", parts, err)
			}
		})
	}
}

// TestDowngradeRouterDealer: identities are the identity messages.
func TestDowngradeRouterDealer(t *testing.T) {
	t.Run("peer DEALER to zring ROUTER", func(t *testing.T) {
		ctx := newCtx(t)
		router := sock(t, ctx, zring.ROUTER)
		mon := watch(t, ctx, router, "mon-v2-router", zring.EventAll)
		p := greetZMTP2(t, dialRaw(t, tcpAddr(t, bindAt(t, router, "tcp://127.0.0.1:0"))), 1, 5, "v2dealer", 6)
		p.send("hello")
		got, meta, err := router.RecvWithMetadata(0, "Socket-Type", "Identity")
		if err != nil || string(got) != "v2dealer" || meta["Socket-Type"] != "DEALER" || meta["Identity"] != "v2dealer" {
			t.Fatalf("ROUTER received %q %v, metadata %v", got, err, meta)
		}
		mustRecv(t, router, "hello")
		mustSendParts(t, router, "v2dealer", "world")
		if got := p.recv(); fmt.Sprint(got) != "[world]" {
			t.Fatalf("peer received %q", got)
		}
		// As libzmq 4.3.4: no handshake event, since no security
		// mechanism ran.
		for {
			e, err := mon.RecvEvent(zring.DontWait)
			if err != nil {
				break
			}
			if e.Event == zring.EventHandshakeSucceeded {
				t.Error("HANDSHAKE_SUCCEEDED for a ZMTP 2.0 peer")
			}
		}
	})
	t.Run("zring DEALER to peer ROUTER", func(t *testing.T) {
		dealer := sock(t, newCtx(t), zring.DEALER)
		dealer.SetOption(zring.RoutingID, []byte("zdealer"))
		ep, accept := listenLegacy(t)
		if err := dealer.Connect(ep); err != nil {
			t.Fatal(err)
		}
		p := greetZMTP2(t, accept(), 1, 6, "", 5)
		if p.theirs != "zdealer" {
			t.Fatalf("identity %q", p.theirs)
		}
		mustSendParts(t, dealer, "", "request")
		if got := p.recv(); fmt.Sprint(got) != fmt.Sprint([]string{"", "request"}) {
			t.Fatalf("peer received %q", got)
		}
		p.send("", "reply")
		if got := mustRecvParts(t, dealer); fmt.Sprint(got) != fmt.Sprint([]string{"", "reply"}) {
			t.Fatalf("DEALER received %q", got)
		}
	})
}

// TestDowngradePubSub: a ZMTP 2.0 SUB subscribes with a message (0x01 and
// the topic), and a zring SUB sends it one.
func TestDowngradePubSub(t *testing.T) {
	t.Run("peer SUB from zring PUB", func(t *testing.T) {
		pub := sock(t, newCtx(t), zring.PUB)
		p := greetZMTP2(t, dialRaw(t, tcpAddr(t, bindAt(t, pub, "tcp://127.0.0.1:0"))), 1, 2, "", 1)
		p.send("\x01top")
		deadline := time.Now().Add(5 * time.Second)
		for i := 0; ; i++ {
			mustSendParts(t, pub, "other")
			mustSendParts(t, pub, fmt.Sprint("top ", i))
			p.c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			parts, err := p.recvErr()
			if err == nil {
				if !strings.HasPrefix(parts[0], "top ") {
					t.Fatalf("the PUB sent %q, which the peer did not subscribe to", parts)
				}
				return
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) || time.Now().After(deadline) {
				t.Fatalf("no subscribed message: %v", err)
			}
		}
	})
	t.Run("zring SUB to peer PUB", func(t *testing.T) {
		sub := sock(t, newCtx(t), zring.SUB)
		sub.SetOption(zring.Subscribe, "t")
		ep, accept := listenLegacy(t)
		if err := sub.Connect(ep); err != nil {
			t.Fatal(err)
		}
		p := greetZMTP2(t, accept(), 1, 1, "", 2)
		if got := p.recv(); fmt.Sprint(got) != "[\x01t]" {
			t.Fatalf("the SUB's subscription arrived as %q", got)
		}
		p.send("no")
		p.send("topic")
		mustRecv(t, sub, "topic")
	})
}

// TestDowngradeZMQ2: a 0MQ 2.x peer, ZMTP 1.0 with no version at all.
func TestDowngradeZMQ2(t *testing.T) {
	t.Run("PUSH to zring PULL", func(t *testing.T) {
		pull := sock(t, newCtx(t), zring.PULL)
		pull.SetOption(zring.RoutingID, []byte("pull"))
		p := greetZMQ2(t, dialRaw(t, tcpAddr(t, bindAt(t, pull, "tcp://127.0.0.1:0"))), "zmq2")
		if p.theirs != "pull" {
			t.Errorf("zring's identity %q", p.theirs)
		}
		for _, m := range legacyMessages {
			p.send(m...)
		}
		for _, want := range legacyMessages {
			if got := mustRecvParts(t, pull); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("zring received %q, want %q", got, want)
			}
		}
	})
	// 0MQ 2.x SUBs filter for themselves and never subscribe upstream:
	// libzmq subscribes them to everything, and so does zring.
	t.Run("SUB from zring PUB, which sends it everything", func(t *testing.T) {
		pub := sock(t, newCtx(t), zring.PUB)
		p := greetZMQ2(t, dialRaw(t, tcpAddr(t, bindAt(t, pub, "tcp://127.0.0.1:0"))), "")
		deadline := time.Now().Add(5 * time.Second)
		for {
			mustSendParts(t, pub, "anything", strings.Repeat("x", 300))
			p.c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			parts, err := p.recvErr()
			if err == nil {
				if fmt.Sprint(parts) != fmt.Sprint([]string{"anything", strings.Repeat("x", 300)}) {
					t.Fatalf("received %q", parts)
				}
				return
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) || time.Now().After(deadline) {
				t.Fatalf("nothing published to the 0MQ 2.x peer: %v", err)
			}
		}
	})
	t.Run("XPUB hears the subscription to everything", func(t *testing.T) {
		xpub := sock(t, newCtx(t), zring.XPUB)
		greetZMQ2(t, dialRaw(t, tcpAddr(t, bindAt(t, xpub, "tcp://127.0.0.1:0"))), "")
		mustRecv(t, xpub, "\x01")
	})
}

// TestDowngradeRefusedWhenSecure is CVE-2014-9721: a socket with PLAIN,
// CURVE or a ZAP domain does not talk to ZMTP 1.0 or 2.0 peers, which have
// no security mechanism to run. It stages its greeting as libzmq does and
// closes the connection at the byte that shows the peer's version, having
// sent its signature and (to a versioned peer) its major version, no
// socket type; the monitor shows only the disconnection, as libzmq
// 4.3.4's does.
func TestDowngradeRefusedWhenSecure(t *testing.T) {
	pub, sec, err := zring.CurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	setups := map[string]func(s *zring.Socket){
		"PLAIN server": func(s *zring.Socket) { s.SetOption(zring.PlainServer, 1) },
		"CURVE server": func(s *zring.Socket) {
			s.SetOption(zring.CurveServer, 1)
			s.SetOption(zring.CurvePublicKey, pub)
			s.SetOption(zring.CurveSecretKey, sec)
		},
		"NULL with a ZAP domain": func(s *zring.Socket) { s.SetOption(zring.ZAPDomain, "global") },
	}
	peers := map[string]struct{ out, want []byte }{
		"ZMTP 2.0 PUSH":                 {append(legacySig(""), 1, 8, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'), append(legacySig(""), 3)},
		"ZMTP 1.0 PUSH with revision 0": {append(legacySig(""), 0, 8, 1, 0, 6, 0, 'h', 'e', 'l', 'l', 'o'), append(legacySig(""), 3)},
		"0MQ 2.x PUSH":                  {[]byte{1, 0, 6, 0, 'h', 'e', 'l', 'l', 'o'}, legacySig("")},
	}
	for name, setup := range setups {
		for peerName, pb := range peers {
			t.Run(name+"/"+peerName, func(t *testing.T) {
				ctx := newCtx(t)
				pull := sock(t, ctx, zring.PULL)
				setup(pull)
				mon := watch(t, ctx, pull, "mon-cve", zring.EventAll)
				c := dialRaw(t, tcpAddr(t, bindAt(t, pull, "tcp://127.0.0.1:0")))
				c.SetDeadline(time.Now().Add(closeWithin))
				c.Write(pb.out)
				if got := expectClosedByPeer(t, c, closeWithin); !bytes.Equal(got, pb.want) {
					t.Errorf("zring sent % x; want % x", got, pb.want)
				}
				for {
					e := expectAny(t, mon)
					if e.Event == zring.EventDisconnected {
						break
					}
					if e.Event&(zring.EventHandshakeFailedProtocol|zring.EventHandshakeFailedNoDetail|zring.EventHandshakeFailedAuth|zring.EventHandshakeSucceeded) != 0 {
						t.Fatalf("event %#x (value %#x): libzmq 4.3.4 reports only the disconnection", e.Event, e.Value)
					}
				}
				pull.SetOption(zring.RcvTimeo, 100)
				if m, err := pull.Recv(0); err == nil {
					t.Fatalf("received %q from a refused peer", m)
				}
			})
		}
	}
}

func expectAny(t *testing.T, mon *zring.Socket) zring.MonitorEvent {
	t.Helper()
	e, err := mon.RecvEvent(0)
	if err != nil {
		t.Fatalf("waiting for an event: %v", err)
	}
	return e
}
