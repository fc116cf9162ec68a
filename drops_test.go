package zring_test

import (
	"encoding/binary"
	"testing"

	"github.com/zring/zring"
)

// TestDropCounter: a PUB drops what a subscriber at its HWM cannot take
// ("dropped until the mute state ends"), a ROUTER what a peer at its HWM
// cannot take without ROUTER_MANDATORY. zring counts them (libzmq does
// not): Socket.Dropped for the socket, and an EventMessagesDropped for the
// peer when it takes a message again, whose value is exactly the gap the
// peer sees in the stream.
func TestDropCounter(t *testing.T) {
	const sent = 100
	seq := func(i int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }
	for _, c := range []struct {
		name         string
		sender, recv zring.SocketType
		setup        func(s, r *zring.Socket)
		frame        func(i int) [][]byte // what the sender sends for message i
	}{
		{"PUB to a stalled SUB", zring.PUB, zring.SUB,
			func(s, r *zring.Socket) { r.SetOption(zring.Subscribe, "") },
			func(i int) [][]byte { return [][]byte{seq(i)} }},
		{"ROUTER to a stalled DEALER", zring.ROUTER, zring.DEALER,
			func(s, r *zring.Socket) { r.SetOption(zring.RoutingID, "d") },
			func(i int) [][]byte { return [][]byte{[]byte("d"), seq(i)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			s, r := sock(t, ctx, c.sender), sock(t, ctx, c.recv)
			for _, x := range []*zring.Socket{s, r} {
				x.SetOption(zring.SndHWM, 10)
				x.SetOption(zring.RcvHWM, 10)
			}
			c.setup(s, r)
			mon := watch(t, ctx, s, "drops-"+c.recv.String(), zring.EventMessagesDropped)
			ep := "inproc://stream-to-" + c.recv.String()
			if err := s.Bind(ep); err != nil {
				t.Fatal(err)
			}
			if err := r.Connect(ep); err != nil {
				t.Fatal(err)
			}
			if c.sender == zring.ROUTER {
				// The DEALER must be known by its id before the ROUTER
				// can address it: one round trip.
				r.Send([]byte("hello"), 0)
				if _, err := s.RecvMultipart(0); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < sent; i++ {
				if err := s.SendMultipart(c.frame(i), zring.DontWait); err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
			}
			got := 0
			r.SetOption(zring.RcvTimeo, 100)
			for {
				b, err := r.Recv(0)
				if err != nil {
					break
				}
				if n := int(binary.BigEndian.Uint64(b)); n != got {
					t.Fatalf("message %d arrived as number %d", got, n)
				}
				got++
			}
			if got == 0 || got == sent {
				t.Fatalf("%d of %d arrived: no HWM reached", got, sent)
			}
			if d := s.Dropped(); d != uint64(sent-got) {
				t.Fatalf("Dropped() = %d, want %d (%d of %d arrived)", d, sent-got, got, sent)
			}
			// The peer takes a message again: the event comes, and the
			// stream resumes after a gap of exactly its value.
			if err := s.SendMultipart(c.frame(sent), 0); err != nil {
				t.Fatal(err)
			}
			e := expect(t, mon, zring.EventMessagesDropped)
			if e.Value != uint32(sent-got) || e.Endpoint != ep {
				t.Fatalf("event %+v, want value %d at %s", e, sent-got, ep)
			}
			r.SetOption(zring.RcvTimeo, 3000)
			b, err := r.Recv(0)
			if err != nil || int(binary.BigEndian.Uint64(b)) != got+int(e.Value) {
				t.Fatalf("after the gap: %x %v, want number %d", b, err, got+int(e.Value))
			}
		})
	}
}
