package sockets

import (
	"errors"
	"testing"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// recvAll reads frames from a pattern until EAGAIN, as strings, "+" marking
// frames with More.
func recvAll(t *testing.T, p pattern) []string {
	t.Helper()
	var out []string
	for {
		var m ring.Msg
		err := p.recv(&m)
		if errors.Is(err, errno.EAGAIN) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		s := string(m.Data)
		if m.More() {
			s += "+"
		}
		out = append(out, s)
		m.Free()
	}
}

func sendFrames(p pattern, frames ...string) error {
	for i, f := range frames {
		m := frame(f, i < len(frames)-1)
		if err := p.send(&m); err != nil {
			return err
		}
	}
	return nil
}

func peerWithID(id string, hwm int) *loop.Peer {
	p := loop.NewPeer(hwm, hwm, id)
	p.RoutingID = []byte(id)
	return p
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRouter(t *testing.T) {
	newR := func(mandatory, handover bool) *router {
		o := DefaultOptions(ROUTER)
		o.RouterMandatory, o.RouterHandover = mandatory, handover
		return newRouter(&o)
	}
	t.Run("prepends the sender's id", func(t *testing.T) {
		// "When receiving messages a ZMQ_ROUTER socket shall prepend a
		// message part containing the identity of the originating peer
		// to the message before passing it to the application.
		// Messages received are fair-queued from among all connected
		// peers."
		r := newR(false, false)
		a, b := peerWithID("A", 10), peerWithID("B", 10)
		r.attach(a)
		r.attach(b)
		for _, m := range []ring.Msg{frame("a1", true), frame("a2", false), frame("a3", false)} {
			a.In.Write(m)
		}
		a.In.Flush()
		b.In.Write(frame("b1", false))
		b.In.Flush()
		got := recvAll(t, r)
		want := []string{"A+", "a1+", "a2", "B+", "b1", "A+", "a3"}
		if !equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("generated ids", func(t *testing.T) {
		// libzmq 4.3.4 makes up 5-byte ids, a zero byte first, for peers
		// that announce none, each new one different.
		r := newR(false, false)
		a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
		r.attach(a)
		r.attach(b)
		ia, ib := r.ids[a], r.ids[b]
		if len(ia) != 5 || ia[0] != 0 || len(ib) != 5 || ib[0] != 0 || ia == ib {
			t.Fatalf("ids %q %q", ia, ib)
		}
		if err := sendFrames(r, ib, "to b"); err != nil {
			t.Fatal(err)
		}
		if got := drain(b.Out); !equal(got, []string{"to b"}) || len(drain(a.Out)) != 0 {
			t.Fatalf("b got %v", got)
		}
	})
	t.Run("routes by the first frame", func(t *testing.T) {
		// "When sending messages a ZMQ_ROUTER socket shall remove the
		// first part of the message and use it to determine the identity
		// of the peer the message shall be routed to."
		r := newR(false, false)
		a, b := peerWithID("A", 10), peerWithID("B", 10)
		r.attach(a)
		r.attach(b)
		if err := sendFrames(r, "B", "x", "y"); err != nil {
			t.Fatal(err)
		}
		if err := sendFrames(r, "A", "z"); err != nil {
			t.Fatal(err)
		}
		if got := drain(b.Out); !equal(got, []string{"x+", "y"}) {
			t.Fatalf("B got %v", got)
		}
		if got := drain(a.Out); !equal(got, []string{"z"}) {
			t.Fatalf("A got %v", got)
		}
	})
	t.Run("unknown id dropped silently", func(t *testing.T) {
		// "If the peer does not exist anymore the message shall be
		// silently discarded by default"
		r := newR(false, false)
		a := peerWithID("A", 10)
		r.attach(a)
		if err := sendFrames(r, "nobody", "x", "y"); err != nil {
			t.Fatal(err)
		}
		if err := sendFrames(r, "A", "after"); err != nil {
			t.Fatal(err)
		}
		if got := drain(a.Out); !equal(got, []string{"after"}) {
			t.Fatalf("A got %v", got)
		}
	})
	t.Run("mandatory: unknown id is EHOSTUNREACH", func(t *testing.T) {
		// ZMQ_ROUTER_MANDATORY: "A value of 1 returns an EHOSTUNREACH
		// error code if the message cannot be routed"
		r := newR(true, false)
		m := frame("nobody", true)
		if err := r.send(&m); !errors.Is(err, errno.EHOSTUNREACH) {
			t.Fatalf("got %v", err)
		}
		if string(m.Data) != "nobody" {
			t.Fatal("a refused frame must stay the caller's")
		}
	})
	t.Run("mute peer: dropped, or EAGAIN if mandatory", func(t *testing.T) {
		// "any messages routed to a peer for which the individual high
		// water mark has been reached shall also be dropped"; with
		// ZMQ_ROUTER_MANDATORY, "EAGAIN error code if the SNDHWM is
		// reached".
		for _, mandatory := range []bool{false, true} {
			r := newR(mandatory, false)
			a := peerWithID("A", 1)
			r.attach(a)
			if err := sendFrames(r, "A", "first"); err != nil {
				t.Fatal(err)
			}
			err := sendFrames(r, "A", "second")
			if mandatory && !errors.Is(err, errno.EAGAIN) || !mandatory && err != nil {
				t.Fatalf("mandatory=%v: %v", mandatory, err)
			}
			if got := drain(a.Out); !equal(got, []string{"first"}) {
				t.Fatalf("mandatory=%v: A got %v", mandatory, got)
			}
		}
	})
	t.Run("duplicate id ignored, or handed over", func(t *testing.T) {
		for _, handover := range []bool{false, true} {
			r := newR(false, handover)
			old, dup := peerWithID("X", 10), peerWithID("X", 10)
			r.attach(old)
			old.In.Write(frame("from old", false))
			old.In.Flush()
			r.attach(dup)
			if err := sendFrames(r, "X", "hi"); err != nil {
				t.Fatal(err)
			}
			gotOld, gotDup := drain(old.Out), drain(dup.Out)
			if !handover && (!equal(gotOld, []string{"hi"}) || !dup.In.Detached()) {
				t.Fatalf("no handover: old got %v, newcomer refused %v", gotOld, dup.In.Detached())
			}
			if handover && (!equal(gotDup, []string{"hi"}) || len(gotOld) != 0 || !old.Out.Closed()) {
				t.Fatalf("handover: newcomer got %v, old got %v", gotDup, gotOld)
			}
			// What the old peer sent is still delivered without handover;
			// with it, the old peer's pipe is ended as libzmq 4.3.4 ends
			// it, and what it sent and was not read is dropped.
			got := recvAll(t, r)
			if !handover && (len(got) != 2 || got[1] != "from old") || handover && len(got) != 0 {
				t.Fatalf("handover=%v: old peer's message: %v", handover, got)
			}
			old.In.Write(frame("later", false))
			old.In.Flush()
			if got := recvAll(t, r); handover && len(got) != 0 || !handover && len(got) != 2 {
				t.Fatalf("handover=%v: later from the old peer: %v", handover, got)
			}
		}
	})
	t.Run("handover finishes the message being read", func(t *testing.T) {
		r := newR(false, true)
		old, dup := peerWithID("X", 10), peerWithID("X", 10)
		r.attach(old)
		old.In.Write(frame("part 1", true))
		old.In.Write(frame("part 2", false))
		old.In.Write(frame("next", false))
		old.In.Flush()
		var id, p1 ring.Msg
		if r.recv(&id) != nil || r.recv(&p1) != nil || string(p1.Data) != "part 1" {
			t.Fatalf("got %q %q", id.Data, p1.Data)
		}
		r.attach(dup)
		if got := recvAll(t, r); !equal(got, []string{"part 2"}) {
			t.Fatalf("after the handover: %q", got)
		}
		dup.In.Write(frame("from dup", false))
		dup.In.Flush()
		if got := recvAll(t, r); !equal(got, []string{"X+", "from dup"}) {
			t.Fatalf("from the newcomer: %q", got)
		}
	})
	t.Run("id without a body is ignored", func(t *testing.T) {
		r := newR(true, false)
		a := peerWithID("A", 10)
		r.attach(a)
		if err := sendFrames(r, "A"); err != nil {
			t.Fatal(err)
		}
		if err := sendFrames(r, "A", "next"); err != nil {
			t.Fatal(err)
		}
		if got := drain(a.Out); !equal(got, []string{"next"}) {
			t.Fatalf("A got %v", got)
		}
	})
	t.Run("detached peer is unroutable, its id forgotten once drained", func(t *testing.T) {
		r := newR(true, false)
		a := peerWithID("A", 10)
		r.attach(a)
		a.In.Write(frame("last words", false))
		a.In.Flush()
		a.In.Close()
		r.detach(a)
		m := frame("A", true)
		if err := r.send(&m); !errors.Is(err, errno.EHOSTUNREACH) {
			t.Fatalf("send to a detached peer: %v", err)
		}
		if got := recvAll(t, r); !equal(got, []string{"A+", "last words"}) {
			t.Fatalf("got %v", got)
		}
		if len(r.ids) != 0 || len(r.byID) != 0 {
			t.Fatalf("ids kept: %v %v", r.ids, r.byID)
		}
	})
}

// TestDealer: "Each message sent is round-robined among all connected
// peers, and each message received is fair-queued from all connected
// peers."
func TestDealer(t *testing.T) {
	d := &dealer{}
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	d.attach(a)
	d.attach(b)
	for _, f := range [][]string{{"1a", "1b"}, {"2"}, {"3"}} {
		if err := sendFrames(d, f...); err != nil {
			t.Fatal(err)
		}
	}
	if got := drain(a.Out); !equal(got, []string{"1a+", "1b", "3"}) {
		t.Fatalf("a got %v", got)
	}
	if got := drain(b.Out); !equal(got, []string{"2"}) {
		t.Fatalf("b got %v", got)
	}
	a.In.Write(frame("x", false))
	a.In.Write(frame("y", false))
	a.In.Flush()
	b.In.Write(frame("z", false))
	b.In.Flush()
	if got := recvAll(t, d); !equal(got, []string{"x", "z", "y"}) {
		t.Fatalf("received %v", got)
	}
}
