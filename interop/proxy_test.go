package interop

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestProxyBesideLibzmq: the same traffic through zring's ProxySteerable
// and through libzmq 4.3.4's zmq_proxy_steerable, each a shared queue
// (ROUTER frontend, DEALER backend) between libzmq REQ clients and a libzmq
// REP worker over tcp, with a capture socket. Every request is answered,
// the capture sees the same frames, and STATISTICS gives the same eight
// counters from both.
func TestProxyBesideLibzmq(t *testing.T) {
	type result struct {
		stats    [8]uint64
		captured int // frames
	}
	results := map[impl]result{}
	for _, im := range []impl{libzmqImpl, zringImpl} {
		t.Run(string(im), func(t *testing.T) {
			cs := newContexts(t)
			front := cs.socket(t, side{im, zring.ROUTER})
			back := cs.socket(t, side{im, zring.DEALER})
			capture := cs.socket(t, side{im, zring.PUSH})
			tap := cs.socket(t, side{im, zring.PULL})
			control := cs.socket(t, side{im, zring.PAIR})
			steer := cs.socket(t, side{im, zring.PAIR})
			feps, err := front.bind("tcp://127.0.0.1:*")
			if err != nil {
				t.Fatal(err)
			}
			beps, err := back.bind("tcp://127.0.0.1:*")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []struct{ a, b peer }{{tap, capture}, {control, steer}} {
				ep := fmt.Sprintf("inproc://proxy-%s-%p", im, p.a)
				if _, err := p.a.bind(ep); err != nil {
					t.Fatal(err)
				}
				if err := p.b.connect(ep); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			if im == zringImpl {
				z := func(p peer) *zring.Socket { return p.(*zringPeer).s }
				go func() { done <- zring.ProxySteerable(z(front), z(back), z(capture), z(control)) }()
			} else {
				l := func(p peer) *zmq.Socket { return p.(*libzmqPeer).s }
				go func() { done <- zmq.ProxySteerable(l(front), l(back), l(capture), l(control)) }()
			}
			// The worker and the clients are libzmq's in both runs.
			worker := newLibzmq(t, cs.l, zring.REP)
			if err := worker.connect(beps); err != nil {
				t.Fatal(err)
			}
			var clients []*libzmqPeer
			for c := 0; c < 2; c++ {
				req := newLibzmq(t, cs.l, zring.REQ)
				if err := req.s.SetIdentity(fmt.Sprintf("client-%d", c)); err != nil {
					t.Fatal(err)
				}
				if err := req.connect(feps); err != nil {
					t.Fatal(err)
				}
				clients = append(clients, req)
			}
			const rounds = 10
			for i := 0; i < rounds; i++ {
				for c, req := range clients {
					body := pattern(10*i+c, uint32(i))
					mustSend(t, req, [][]byte{body, []byte("tail")})
					got := mustRecvFrom(t, worker)
					mustSend(t, worker, append(got, []byte("reply")))
					expect(t, req, [][]byte{body, []byte("tail"), []byte("reply")})
				}
			}
			// Each request and reply went through the capture as a whole
			// message: [id][empty][body][tail] and [id][empty][body][tail][reply].
			var r result
			for m := 0; m < 2*rounds*len(clients); m++ {
				got := mustRecvFrom(t, tap)
				if n := len(got); n != 4 && n != 5 {
					t.Fatalf("captured message %d: %d frames %s", m, n, show(got))
				}
				r.captured += len(got)
			}
			mustSend(t, steer, frames("STATISTICS"))
			stats := expectParts(t, steer, 8)
			for i, s := range stats {
				if len(s) != 8 {
					t.Fatalf("STATISTICS frame %d: %d bytes", i, len(s))
				}
				r.stats[i] = binary.LittleEndian.Uint64(s)
			}
			results[im] = r
			mustSend(t, steer, frames("TERMINATE"))
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("after TERMINATE: %v", err)
				}
			case <-time.After(ioTimeout):
				t.Fatal("the proxy did not return after TERMINATE")
			}
		})
	}
	l, z := results[libzmqImpl], results[zringImpl]
	t.Logf("STATISTICS: libzmq %v, zring %v", l.stats, z.stats)
	if l.stats != z.stats {
		t.Errorf("STATISTICS differ: libzmq %v, zring %v", l.stats, z.stats)
	}
	if l.captured != z.captured || z.captured != 20*4+20*5 {
		t.Errorf("frames captured: libzmq %d, zring %d, want %d", l.captured, z.captured, 20*4+20*5)
	}
	if l.stats[0] != 20 || l.stats[4] != 20 {
		t.Errorf("libzmq counted %d requests and %d replies, want 20 each", l.stats[0], l.stats[4])
	}
}

// mustRecvFrom receives one whole message from p.
func mustRecvFrom(t *testing.T, p peer) [][]byte {
	t.Helper()
	got, err := p.recv(0)
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
	return got
}

// expectParts receives one message of n frames from p.
func expectParts(t *testing.T, p peer, n int) [][]byte {
	t.Helper()
	got := mustRecvFrom(t, p)
	if len(got) != n {
		t.Fatalf("%v: %d frames, want %d", p, len(got), n)
	}
	return got
}
