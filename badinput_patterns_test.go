package zring_test

// Bad input aimed at the socket patterns rather than at the wire format:
// odd subscriptions, unknown commands, a routing id taken twice, a STREAM
// peer that floods, a million subscriptions. Each case must not panic, must
// keep memory bounded, and must leave the socket's other peers working.

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// awaitAtXPub receives on xpub until want; others are returned.
func awaitAtXPub(t *testing.T, xpub *zring.Socket, want string) []string {
	t.Helper()
	var others []string
	for {
		m, err := xpub.Recv(0)
		if err != nil {
			t.Fatalf("XPUB waiting for %q (had %q): %v", want, others, err)
		}
		if string(m) == want {
			return others
		}
		others = append(others, string(m))
	}
}

// goodSubscriber connects a zring SUB subscribed to "good" to the XPUB and
// waits until the XPUB has its subscription.
func goodSubscriber(t *testing.T, ctx *zring.Context, xpub *zring.Socket, ep string) *zring.Socket {
	t.Helper()
	sub := sock(t, ctx, zring.SUB)
	sub.Connect(ep)
	sub.SetOption(zring.Subscribe, "good")
	awaitAtXPub(t, xpub, "\x01good")
	return sub
}

// checkGoodSubscriber: the good SUB still gets what it subscribed to.
func checkGoodSubscriber(t *testing.T, xpub, sub *zring.Socket, phase string) {
	t.Helper()
	msg := "good " + phase
	if err := xpub.Send([]byte(msg), 0); err != nil {
		t.Fatal(err)
	}
	if m, ok := recvWithin(t, sub, 3*time.Second); !ok || m != msg {
		t.Fatalf("%s: good SUB got %q, %v; want %q", phase, m, ok, msg)
	}
}

// TestBadInputEmptySubscriptions: subscription messages with no body, from
// a ZMTP 3.0 subscriber (messages) and a 3.1 one (commands). As in libzmq
// 4.3.4 (interop's TestOddSubscriptionsInterop compares the two): an empty
// message is not a subscription, so an XPUB hands it to the application;
// "\x01" alone, or SUBSCRIBE with no data, subscribes to everything; CANCEL
// with no data cancels that; a cancel of what was never held is passed on.
func TestBadInputEmptySubscriptions(t *testing.T) {
	for _, c := range []struct {
		name   string
		minor  uint8
		send   func(p *wirePeer)
		recv   []string // what the XPUB's application gets
		getAll bool     // whether the bad peer then receives everything
	}{
		{"3.0 empty message", 0, func(p *wirePeer) { p.send(0, nil) }, []string{""}, false},
		{"3.0 subscription to everything, then its cancel", 0, func(p *wirePeer) {
			p.send(0, []byte("\x01"))
			p.send(0, []byte("\x00"))
		}, []string{"\x01", "\x00"}, false},
		{"3.0 cancel of nothing", 0, func(p *wirePeer) { p.send(0, []byte("\x00")) }, []string{"\x00"}, false},
		{"3.1 SUBSCRIBE with no data", 1, func(p *wirePeer) {
			p.send(zmtp.FlagCommand, []byte("\x09SUBSCRIBE"))
		}, []string{"\x01"}, true},
		{"3.1 CANCEL with no data, of nothing", 1, func(p *wirePeer) {
			p.send(zmtp.FlagCommand, []byte("\x06CANCEL"))
		}, []string{"\x00"}, false},
		{"3.1 SUBSCRIBE and CANCEL with no data", 1, func(p *wirePeer) {
			p.send(zmtp.FlagCommand, []byte("\x09SUBSCRIBE"))
			p.send(zmtp.FlagCommand, []byte("\x06CANCEL"))
		}, []string{"\x01", "\x00"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			xpub := sock(t, ctx, zring.XPUB)
			ep := bindAt(t, xpub, "tcp://127.0.0.1:0")
			good := goodSubscriber(t, ctx, xpub, ep)
			p := dialWire(t, ep, c.minor, "SUB")
			c.send(p)
			end := []byte("\x01end")
			if c.minor == 1 {
				p.send(zmtp.FlagCommand, zmtp.AppendSubscribe(nil, []byte("end"))[2:])
			} else {
				p.send(0, end)
			}
			if got := awaitAtXPub(t, xpub, string(end)); !equalParts(got, c.recv...) {
				t.Fatalf("XPUB got %q, want %q", got, c.recv)
			}
			checkGoodSubscriber(t, xpub, good, "after")
			xpub.Send([]byte("anything"), 0)
			xpub.Send([]byte("end"), 0)
			var got []string
			for {
				_, body := p.frame()
				got = append(got, string(body))
				if string(body) == "end" {
					break
				}
			}
			want := []string{"end"}
			if c.getAll {
				want = []string{"good after", "anything", "end"}
			}
			if !equalParts(got, want...) {
				t.Fatalf("the bad peer got %q, want %q", got, want)
			}
		})
	}
}

// TestBadInputUnknownCommands: commands RFC 37 does not define, after the
// handshake, are ignored and the connection carries on, as in libzmq 4.3.4
// (its session drops every command but SUBSCRIBE and CANCEL): what the
// peer sends after them arrives, and so do the other peers' messages.
func TestBadInputUnknownCommands(t *testing.T) {
	f := newBadInputFixture(t, badInputTargets[0], -1)
	f.exchange(t, "before")
	c := dialRaw(t, f.addr)
	rawHandshake(t, c, "PUSH")
	c.SetWriteDeadline(time.Now().Add(closeWithin))
	c.Write(cat(
		wireCommand("FOO", []byte("bar")),
		wireCommand("X", nil),
		wireCommand("READYX", wireProps("Socket-Type", "PUSH")),
		wireCommand("SUBSCRIBE", []byte("not for a PULL")), // a PULL has no use for it
		wireCommand("CANCEL", nil),
		wireCommand("PONG", nil), // a PONG no PING asked for
		wireCommand(string(bytes.Repeat([]byte("N"), 255)), bytes.Repeat([]byte("d"), 100000)),
		wireFrame(0x00, []byte("after the commands")),
	))
	if m, err := f.sock.Recv(0); err != nil || string(m) != "after the commands" {
		t.Fatalf("PULL got %q, %v", m, err)
	}
	f.exchange(t, "after")
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); err == nil || !isTimeout(err) {
		t.Fatalf("the connection was closed (%v), or zring answered", err)
	}
}

// expectNothingAt fails the test if s receives anything within 100 ms.
func expectNothingAt(t *testing.T, s *zring.Socket) {
	t.Helper()
	s.SetOption(zring.RcvTimeo, 100)
	defer s.SetOption(zring.RcvTimeo, 5000)
	if got, err := s.RecvMultipart(0); err == nil {
		t.Fatalf("received %q, want nothing", got)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// dealerWithID connects to addr as a DEALER announcing routing id id,
// raw, and checks zring's side of the handshake.
func dealerWithID(t *testing.T, addr, id string) net.Conn {
	t.Helper()
	c := dialRaw(t, addr)
	c.SetDeadline(time.Now().Add(closeWithin))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(append(wireGreeting(3, 1, "NULL"),
		wireCommand("READY", wireProps("Socket-Type", "DEALER", "Identity", id))...)); err != nil {
		t.Fatal(err)
	}
	g := make([]byte, 64)
	if _, err := readFull(c, g); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	if fl, body, err := readWireFrame(c); err != nil || fl != 0x04 || !bytes.HasPrefix(body, []byte("\x05READY")) {
		t.Fatalf("READY: %#x %q %v", fl, body, err)
	}
	return c
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := c.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestBadInputDuplicateRoutingID: a second peer announcing a routing id a
// connected peer holds. As libzmq 4.3.4: without ZMQ_ROUTER_HANDOVER the
// newcomer is ignored — nothing it sends reaches the application, the id
// still routes to the first; with it, "the new connection takes over": the
// id routes to the newcomer, and the first is neither read nor sent
// anything more. Neither connection is closed (interop's
// TestDuplicateRoutingIDInterop checks this against libzmq). A peer with
// its own id is untouched either way.
func TestBadInputDuplicateRoutingID(t *testing.T) {
	for _, handover := range []int{0, 1} {
		t.Run(fmt.Sprint("handover=", handover), func(t *testing.T) {
			ctx := newCtx(t)
			router := sock(t, ctx, zring.ROUTER)
			router.SetOption(zring.RouterHandover, handover)
			ep := bindAt(t, router, "tcp://127.0.0.1:0")
			good := sock(t, ctx, zring.DEALER)
			good.SetOption(zring.RoutingID, "good")
			good.Connect(ep)
			mustSendParts(t, good, "hello")
			if got := mustRecvParts(t, router); !equalParts(got, "good", "hello") {
				t.Fatalf("ROUTER got %q", got)
			}
			first := dealerWithID(t, tcpAddr(t, ep), "dup")
			first.Write(wireFrame(0, []byte("from first")))
			if got := mustRecvParts(t, router); !equalParts(got, "dup", "from first") {
				t.Fatalf("ROUTER got %q", got)
			}
			second := dealerWithID(t, tcpAddr(t, ep), "dup")
			second.Write(wireFrame(0, []byte("from second")))
			// Connections are not ordered with each other: with handover
			// the newcomer's message arrives, some time; without, nothing
			// from it arrives, before or after the good peer's marker.
			if handover == 1 {
				if got := mustRecvParts(t, router); !equalParts(got, "dup", "from second") {
					t.Fatalf("ROUTER got %q, want the newcomer's message", got)
				}
			} else {
				mustSendParts(t, good, "marker")
				if got := mustRecvParts(t, router); !equalParts(got, "good", "marker") {
					t.Fatalf("ROUTER got %q", got)
				}
				expectNothingAt(t, router)
			}
			mustSendParts(t, router, "dup", "to dup")
			to, other := first, second
			if handover == 1 {
				to, other = second, first
			}
			to.SetReadDeadline(time.Now().Add(closeWithin))
			if fl, body, err := readWireFrame(to); err != nil || fl != 0 || string(body) != "to dup" {
				t.Fatalf("the id's holder got %#x %q, %v", fl, body, err)
			}
			// The other connection stays open (libzmq leaves it so) and is
			// sent nothing; with handover, what the old holder sends now
			// is not read.
			other.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if _, _, err := readWireFrame(other); err == nil || !isTimeout(err) {
				t.Fatalf("the connection that lost the id: %v", err)
			}
			if handover == 1 {
				other.Write(wireFrame(0, []byte("from the old holder")))
				mustSendParts(t, good, "marker 2")
				if got := mustRecvParts(t, router); !equalParts(got, "good", "marker 2") {
					t.Fatalf("ROUTER got %q", got)
				}
				expectNothingAt(t, router)
			}
			mustSendParts(t, router, "good", "still there")
			if got := mustRecvParts(t, good); !equalParts(got, "still there") {
				t.Fatalf("good DEALER got %q", got)
			}
		})
	}
}

// streamFloodTotal is how much TestBadInputStreamFlood offers to send at
// most: writes must block long before, so it is never sent, but under the
// race detector a regression should not try to push a gigabyte.
func streamFloodTotal() int {
	if raceEnabled || testing.Short() {
		return 64 << 20
	}
	return 1 << 30
}

// TestBadInputStreamFlood: a STREAM peer sends bytes with no framing,
// without end, while the application does not read. zring delivers each
// read as one message, so the pipe's RCVHWM bounds what it holds: reading
// stops at it, the kernel's buffers fill, and the peer's writes block.
// Memory must stay within RCVHWM reads (ZMQ_IN_BATCH_SIZE, 8 KiB, each)
// and some slack; another connection must keep working meanwhile; and once
// the application reads, every byte must arrive, in order.
func TestBadInputStreamFlood(t *testing.T) {
	for _, hwm := range []int{10, 1000} {
		t.Run(fmt.Sprint("rcvhwm=", hwm), func(t *testing.T) {
			ctx := newCtx(t)
			s := sock(t, ctx, zring.STREAM)
			s.SetOption(zring.RcvHWM, hwm)
			addr := tcpAddr(t, bindAt(t, s, "tcp://127.0.0.1:0"))
			good := dialRaw(t, addr)
			goodID, note := recvStream(t, s)
			if len(note) != 0 {
				t.Fatalf("connect notification %q", note)
			}

			unit := make([]byte, 251) // a period prime to every buffer size
			for i := range unit {
				unit[i] = byte(i)
			}
			flood := dialRaw(t, addr)
			before := heapInUse()
			sent := floodWithoutReading(flood, unit, streamFloodTotal())
			grew := heapInUse() - before
			bound := int64(hwm)*8<<10*2 + 8<<20
			t.Logf("the peer wrote %d KiB before its writes blocked; heap grew %d KiB (bound %d KiB)", sent>>10, grew>>10, bound>>10)
			if sent >= streamFloodTotal() {
				t.Fatalf("the peer's writes never blocked: %d MiB taken", sent>>20)
			}
			if grew > bound {
				t.Fatalf("heap grew %d KiB while the application read nothing (RCVHWM %d)", grew>>10, hwm)
			}

			// The other connection works both ways meanwhile: what it is
			// sent arrives now; what it sends waits behind the flood.
			if err := s.SendMultipart([][]byte{goodID, []byte("still here")}, 0); err != nil {
				t.Fatal(err)
			}
			good.SetReadDeadline(time.Now().Add(closeWithin))
			buf := make([]byte, 64)
			if n, err := readFull(good, buf[:len("still here")]); err != nil || string(buf[:n]) != "still here" {
				t.Fatalf("good peer got %q, %v", buf[:n], err)
			}
			good.Write([]byte("ping"))

			// Now read: the flood's bytes in order, all of them, and the
			// good peer's ping.
			var floodID []byte
			got, pinged := 0, false
			for got < sent || !pinged {
				id, data := recvStream(t, s)
				switch {
				case bytes.Equal(id, goodID):
					if string(data) != "ping" {
						t.Fatalf("good peer sent %q", data)
					}
					pinged = true
				case len(data) == 0 && floodID == nil:
					floodID = id // its connect notification
				case bytes.Equal(id, floodID):
					for i, b := range data {
						if b != byte((got+i)%len(unit)) {
							t.Fatalf("byte %d of the flood is %d, want %d", got+i, b, (got+i)%len(unit))
						}
					}
					got += len(data)
				default:
					t.Fatalf("[%q][%d bytes] from nowhere", id, len(data))
				}
			}
			if got != sent {
				t.Fatalf("received %d bytes of the flood, it wrote %d", got, sent)
			}
		})
	}
}

// manySubscriptions is the size TestBadInputManySubscriptions works up to:
// a million, or a tenth of it under the race detector or -short.
func manySubscriptions() int {
	if raceEnabled || testing.Short() {
		return 100_000
	}
	return 1_000_000
}

// TestBadInputManySubscriptions: a SUB subscribes to n distinct topics,
// an XPUB takes them all, over tcp, and when the SUB goes the XPUB cancels
// them all; with n a tenth of the size and then the full size. The cost of a subscription must not grow with their
// number (the full run may take at most 6 times as long per subscription
// as the small one, room for a loaded machine: quadratic cost would be 10
// times), memory must be a
// bounded amount per subscription, matching must still pick the one
// subscriber, and another subscriber must keep getting its messages.
func TestBadInputManySubscriptions(t *testing.T) {
	n := manySubscriptions()
	topic := func(i int) string { return fmt.Sprintf("sub/%07d", i) }
	type run struct {
		perSub   time.Duration
		bytesPer int64
	}
	measure := func(n int) run {
		ctx := newCtx(t)
		xpub := sock(t, ctx, zring.XPUB)
		ep := bindAt(t, xpub, "tcp://127.0.0.1:0")
		good := goodSubscriber(t, ctx, xpub, ep)
		sub := sock(t, ctx, zring.SUB)
		sub.Connect(ep)
		sub.SetOption(zring.Subscribe, "ready")
		awaitAtXPub(t, xpub, "\x01ready")

		before := heapInUse()
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := sub.SetOption(zring.Subscribe, topic(i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < n; i++ {
			m, err := xpub.Recv(0)
			if err != nil || string(m) != "\x01"+topic(i) {
				t.Fatalf("subscription %d at the XPUB: %q, %v", i, m, err)
			}
		}
		elapsed := time.Since(start)
		grew := heapInUse() - before

		checkGoodSubscriber(t, xpub, good, fmt.Sprint(n, " subscriptions"))
		xpub.Send([]byte("nothing/"+topic(0)), 0) // matches no one
		xpub.Send([]byte(topic(n/2)+" data"), 0)
		if m, ok := recvWithin(t, sub, 3*time.Second); !ok || m != topic(n/2)+" data" {
			t.Fatalf("SUB got %q, %v", m, ok)
		}
		if m, ok := recvWithin(t, good, 20*time.Millisecond); ok {
			t.Fatalf("the good SUB got %q", m)
		}
		// The subscriber goes: the XPUB cancels all it held, each once.
		start = time.Now()
		sub.Close()
		for i := 0; i <= n; i++ { // and "ready"
			m, err := xpub.Recv(0)
			if err != nil || len(m) == 0 || m[0] != 0 {
				t.Fatalf("cancel %d at the XPUB: %q, %v", i, m, err)
			}
		}
		elapsed += time.Since(start)
		checkGoodSubscriber(t, xpub, good, "after the cancels")
		return run{elapsed / time.Duration(n), grew / int64(n)}
	}
	small, big := measure(n/10), measure(n)
	t.Logf("%d subscriptions: %v each, %d bytes each; %d: %v each, %d bytes each",
		n/10, small.perSub, small.bytesPer, n, big.perSub, big.bytesPer)
	if big.perSub > 6*small.perSub {
		t.Errorf("a subscription costs %v among %d, %v among %d: the cost grows with their number", big.perSub, n, small.perSub, n/10)
	}
	if big.bytesPer > 2048 {
		t.Errorf("%d bytes of heap per subscription", big.bytesPer)
	}
}
