package sockets

import (
	"errors"
	"testing"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

func frame(s string, more bool) ring.Msg {
	m := ring.MsgFrom([]byte(s))
	if more {
		m.Flags |= ring.More
	}
	return m
}

// drain reads every frame queued on p as strings, with a trailing "+" on
// frames that had More.
func drain(p *ring.Pipe) []string {
	var out []string
	for {
		m, ok := p.Read()
		if !ok {
			return out
		}
		s := string(m.Data)
		if m.More() {
			s += "+"
		}
		out = append(out, s)
	}
}

func TestLBRoundRobinKeepsMessagesWhole(t *testing.T) {
	var l lb
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	l.attach(a)
	l.attach(b)
	for _, f := range []ring.Msg{frame("1", true), frame("2", false), frame("3", false), frame("4", true), frame("5", false)} {
		if err := l.send(&f); err != nil {
			t.Fatal(err)
		}
	}
	if got := drain(a.Out); len(got) != 4 || got[0] != "1+" || got[1] != "2" || got[2] != "4+" || got[3] != "5" {
		t.Fatalf("peer a got %v", got)
	}
	if got := drain(b.Out); len(got) != 1 || got[0] != "3" {
		t.Fatalf("peer b got %v", got)
	}
}

func TestLBSkipsMutePeersAndSaysEAGAIN(t *testing.T) {
	var l lb
	a, b := loop.NewPeer(1, 1, "a"), loop.NewPeer(1, 1, "b")
	l.attach(a)
	l.attach(b)
	for i := 0; i < 2; i++ {
		f := frame("x", false)
		if err := l.send(&f); err != nil {
			t.Fatal(err)
		}
	}
	f := frame("y", false)
	if err := l.send(&f); !errors.Is(err, errno.EAGAIN) {
		t.Fatalf("all peers at HWM: %v", err)
	}
	if string(f.Data) != "y" {
		t.Fatal("a refused frame must stay the caller's")
	}
	// A peer whose reader went away is dropped; one that has room is used.
	a.Out.Detach()
	drain(b.Out)
	if err := l.send(&f); err != nil || len(l.peers) != 1 {
		t.Fatalf("send after detach: %v, %d peers", err, len(l.peers))
	}
}

func TestLBDropsRestOfMessageWhenPeerGoes(t *testing.T) {
	var l lb
	a := loop.NewPeer(10, 10, "a")
	l.attach(a)
	f := frame("head", true)
	l.send(&f)
	l.detach(a)
	b := loop.NewPeer(10, 10, "b")
	l.attach(b)
	tail := frame("tail", false)
	l.send(&tail) // dropped: its head went to a
	next := frame("next", false)
	l.send(&next)
	if got := drain(b.Out); len(got) != 1 || got[0] != "next" {
		t.Fatalf("peer b got %v", got)
	}
}

func TestFQTakesWholeMessagesInTurn(t *testing.T) {
	var f fq
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	f.attach(a)
	f.attach(b)
	for _, m := range []ring.Msg{frame("a1", true), frame("a2", false), frame("a3", false)} {
		a.In.Write(m)
	}
	a.In.Flush()
	b.In.Write(frame("b1", false))
	b.In.Flush()
	var got []string
	for {
		var m ring.Msg
		if err := f.recv(&m); err != nil {
			if !errors.Is(err, errno.EAGAIN) {
				t.Fatal(err)
			}
			break
		}
		got = append(got, string(m.Data))
	}
	want := []string{"a1", "a2", "b1", "a3"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	// A closed and drained peer is dropped.
	a.In.Close()
	var m ring.Msg
	f.recv(&m)
	if len(f.peers) != 1 {
		t.Fatalf("%d peers after close", len(f.peers))
	}
}

// TestReqEnvelope: REQ puts an empty delimiter in front of each request and
// only accepts a reply that starts with one, from the peer it asked.
func TestReqEnvelope(t *testing.T) {
	o := DefaultOptions(REQ)
	r := newReq(&o)
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	r.attach(a)
	r.attach(b)
	q := frame("q", false)
	if err := r.send(&q); err != nil {
		t.Fatal(err)
	}
	if got := drain(a.Out); len(got) != 2 || got[0] != "+" || got[1] != "q" {
		t.Fatalf("request on the wire: %v", got)
	}
	// A reply from the other peer, and one without a delimiter, are dropped.
	b.In.Write(frame("", true))
	b.In.Write(frame("wrong peer", false))
	b.In.Flush()
	a.In.Write(frame("no delimiter", false))
	a.In.Write(frame("", true))
	a.In.Write(frame("reply", false))
	a.In.Flush()
	var m ring.Msg
	if err := r.recv(&m); err != nil || string(m.Data) != "reply" {
		t.Fatalf("reply %q, %v", m.Data, err)
	}
	if err := r.recv(&m); !errors.Is(err, errno.EFSM) {
		t.Fatalf("second recv: %v", err)
	}
}

// TestRepEnvelope: REP returns the whole envelope (routing frames up to the
// delimiter) in front of the reply, to the peer the request came from.
func TestRepEnvelope(t *testing.T) {
	r := &rep{}
	a := loop.NewPeer(10, 10, "a")
	r.attach(a)
	for _, m := range []ring.Msg{frame("id1", true), frame("id2", true), frame("", true), frame("body", false)} {
		a.In.Write(m)
	}
	a.In.Flush()
	var m ring.Msg
	if err := r.recv(&m); err != nil || string(m.Data) != "body" {
		t.Fatalf("request %q, %v", m.Data, err)
	}
	reply := frame("answer", false)
	if err := r.send(&reply); err != nil {
		t.Fatal(err)
	}
	got := drain(a.Out)
	want := []string{"id1+", "id2+", "+", "answer"}
	if len(got) != len(want) {
		t.Fatalf("reply on the wire %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reply on the wire %v, want %v", got, want)
		}
	}
}

// TestReqRelaxedCorrelate: ZMQ_REQ_RELAXED: "it is allowed to send
// multiple requests and ... only the reply to the last request will be
// received"; ZMQ_REQ_CORRELATE: requests carry an id, and "the reply is
// checked to have the same request id", others dropped.
func TestReqRelaxedCorrelate(t *testing.T) {
	o := DefaultOptions(REQ)
	r := newReq(&o)
	a := loop.NewPeer(10, 10, "a")
	r.attach(a)
	if err := sendFrames(r, "q1"); err != nil {
		t.Fatal(err)
	}
	if err := sendFrames(r, "q2"); !errors.Is(err, errno.EFSM) {
		t.Fatalf("strict second send: %v", err)
	}
	o.ReqRelaxed, o.ReqCorrelate = true, true
	if err := sendFrames(r, "q2"); err != nil {
		t.Fatalf("relaxed second send: %v", err)
	}
	got := drain(a.Out)
	if len(got) != 5 || got[2][:4] == "" || got[3] != "+" || got[4] != "q2" {
		t.Fatalf("on the wire %q, want [+ q1] then [id+ + q2]", got)
	}
	id := got[2][:len(got[2])-1]
	// A reply to an older request (a wrong id) is dropped; the right one
	// is taken.
	for _, m := range []ring.Msg{frame("0000", true), frame("", true), frame("stale", false),
		frame(id, true), frame("", true), frame("fresh", false)} {
		a.In.Write(m)
	}
	a.In.Flush()
	var m ring.Msg
	if err := r.recv(&m); err != nil || string(m.Data) != "fresh" {
		t.Fatalf("reply %q, %v", m.Data, err)
	}
	// ZMQ_PROBE_ROUTER: an empty message to each new peer.
	o.ProbeRouter = true
	b := loop.NewPeer(10, 10, "b")
	r.attach(b)
	if got := drain(b.Out); !equal(got, []string{""}) {
		t.Fatalf("probe %q", got)
	}
}
