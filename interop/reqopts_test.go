package interop

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestReqRelaxedCorrelate: a zring REQ with ZMQ_REQ_RELAXED and
// ZMQ_REQ_CORRELATE against a libzmq ROUTER, which sees the request id
// frame libzmq's own REQ would send, [id][req id (4 B)][empty][body]; and
// a libzmq REQ with both options against a zring ROUTER, which answers a
// stale request and then the current one: the REQ must get only the
// current reply.
func TestReqRelaxedCorrelate(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr+"/zring_REQ->libzmq_ROUTER", func(t *testing.T) {
			cs := newContexts(t)
			q, r := cs.socket(t, zringSide(zring.REQ)), cs.socket(t, libzmqSide(zring.ROUTER))
			for _, o := range []zring.Option{zring.ReqRelaxed, zring.ReqCorrelate} {
				if err := q.(*zringPeer).s.SetOption(o, 1); err != nil {
					t.Fatal(err)
				}
			}
			link(t, tr, r, q, libzmqImpl)
			mustSend(t, q, frames("first"))
			first := recvFrames(t, r, 4)
			mustSend(t, q, frames("second")) // relaxed: no reply needed first
			second := recvFrames(t, r, 4)
			if len(first[1]) != 4 || len(second[1]) != 4 || string(first[1]) == string(second[1]) {
				t.Fatalf("request ids %q %q: want two different 4-byte ids", first[1], second[1])
			}
			mustSend(t, r, append(first[:3:3], []byte("stale")))
			mustSend(t, r, append(second[:3:3], []byte("current")))
			expect(t, q, frames("current"))
			// The stale reply never surfaces: the next round trip gets its
			// own reply.
			mustSend(t, q, frames("third"))
			third := recvFrames(t, r, 4)
			mustSend(t, r, append(third[:3:3], []byte("third reply")))
			expect(t, q, frames("third reply"))
		})
		t.Run(tr+"/libzmq_REQ->zring_ROUTER", func(t *testing.T) {
			cs := newContexts(t)
			q, r := cs.socket(t, libzmqSide(zring.REQ)), cs.socket(t, zringSide(zring.ROUTER))
			lq := q.(*libzmqPeer).s
			if err := lq.SetReqRelaxed(1); err != nil {
				t.Fatal(err)
			}
			if err := lq.SetReqCorrelate(1); err != nil {
				t.Fatal(err)
			}
			link(t, tr, r, q, zringImpl)
			mustSend(t, q, frames("first"))
			first := recvFrames(t, r, 4)
			mustSend(t, q, frames("second"))
			second := recvFrames(t, r, 4)
			mustSend(t, r, append(first[:3:3], []byte("stale")))
			mustSend(t, r, append(second[:3:3], []byte("current")))
			expect(t, q, frames("current"))
		})
	}
}

// TestProbeRouter: "ZMQ_PROBE_ROUTER: When set to 1, the socket will
// automatically send an empty message when a new connection is made or
// accepted": the ROUTER on the other side receives [routing id][empty]
// before anything else, across implementations, in both directions.
func TestProbeRouter(t *testing.T) {
	for _, tr := range transports {
		for _, c := range []struct {
			name string
			d, r side
		}{
			{"zring_DEALER->libzmq_ROUTER", zringSide(zring.DEALER), libzmqSide(zring.ROUTER)},
			{"libzmq_DEALER->zring_ROUTER", libzmqSide(zring.DEALER), zringSide(zring.ROUTER)},
		} {
			t.Run(tr+"/"+c.name, func(t *testing.T) {
				cs := newContexts(t)
				d, r := cs.socket(t, c.d), cs.socket(t, c.r)
				setBoth(t, d, func(s *zring.Socket) error {
					if err := s.SetOption(zring.RoutingID, "probe"); err != nil {
						return err
					}
					return s.SetOption(zring.ProbeRouter, 1)
				}, func(s *zmq.Socket) error {
					if err := s.SetIdentity("probe"); err != nil {
						return err
					}
					return s.SetProbeRouter(1)
				})
				link(t, tr, r, d, c.r.impl)
				expect(t, r, [][]byte{[]byte("probe"), {}})
			})
		}
	}
}

// recvFrames receives one message of n frames from p.
func recvFrames(t *testing.T, p peer, n int) [][]byte {
	t.Helper()
	got, err := p.recv(0)
	if err != nil {
		t.Fatalf("%v recv: %v", p, err)
	}
	if len(got) != n {
		t.Fatalf("%v received %s, want %d frames", p, show(got), n)
	}
	return got
}

// TestHelloMsg: "ZMQ_HELLO_MSG: When set, the socket will automatically
// send an hello message when a new connection is made or accepted": a zring
// DEALER's greets a libzmq ROUTER, a zring ROUTER's greets a libzmq DEALER.
func TestHelloMsg(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			cs := newContexts(t)
			zd, lr := cs.socket(t, zringSide(zring.DEALER)), cs.socket(t, libzmqSide(zring.ROUTER))
			zr, ld := cs.socket(t, zringSide(zring.ROUTER)), cs.socket(t, libzmqSide(zring.DEALER))
			for _, o := range []struct {
				p   peer
				msg string
			}{{zd, "hello router"}, {zr, "hello dealer"}} {
				if err := o.p.(*zringPeer).s.SetOption(zring.HelloMsg, o.msg); err != nil {
					t.Fatal(err)
				}
			}
			zd.(*zringPeer).s.SetOption(zring.RoutingID, "zd")
			link(t, tr, lr, zd, libzmqImpl)
			link(t, tr, zr, ld, zringImpl)
			expect(t, lr, frames("zd", "hello router"))
			// A bound socket hears of a connection when its application
			// calls it (libzmq's too); the hello goes out then.
			deadline := time.Now().Add(ioTimeout)
			for {
				zr.recv(zring.DontWait)
				if m, err := ld.recv(zring.DontWait); err == nil {
					if d := diff(m, frames("hello dealer")); d != "" {
						t.Fatal(d)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the ROUTER's hello never came")
				}
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
}
