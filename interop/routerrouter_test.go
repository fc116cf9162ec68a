package interop

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestRouterToRouter: "ZMQ_CONNECT_ROUTING_ID ... Useful when connecting
// ROUTER to ROUTER": the connecting ROUTER names the bound one's
// connection, sends to it at once, and the bound one answers through the
// connecting one's ZMQ_ROUTING_ID. Both directions of implementation.
func TestRouterToRouter(t *testing.T) {
	for _, tr := range transports {
		for _, c := range []struct {
			name            string
			connect, listen side
		}{
			{"zring_connects", zringSide(zring.ROUTER), libzmqSide(zring.ROUTER)},
			{"libzmq_connects", libzmqSide(zring.ROUTER), zringSide(zring.ROUTER)},
		} {
			t.Run(tr+"/"+c.name, func(t *testing.T) {
				cs := newContexts(t)
				front, back := cs.socket(t, c.connect), cs.socket(t, c.listen)
				setBoth(t, front, func(s *zring.Socket) error {
					if err := s.SetOption(zring.RoutingID, "front"); err != nil {
						return err
					}
					return s.SetOption(zring.ConnectRoutingID, "back")
				}, func(s *zmq.Socket) error {
					if err := s.SetIdentity("front"); err != nil {
						return err
					}
					return s.SetConnectRid("back")
				})
				link(t, tr, back, front, c.listen.impl)
				// The message may go out before the connection is made; it
				// waits in the pipe, which exists from the connect on.
				mustSend(t, front, frames("back", "hello"))
				expect(t, back, frames("front", "hello"))
				mustSend(t, back, frames("front", "hi"))
				expect(t, front, frames("back", "hi"))
			})
		}
	}
}

// TestInvertMatching: ZMQ_INVERT_MATCHING on both ends: the PUB sends each
// SUB what matches none of its subscriptions, and the SUB takes just
// that.
func TestInvertMatching(t *testing.T) {
	for _, tr := range transports {
		for _, c := range []struct {
			name     string
			pub, sub side
		}{
			{"zring_PUB->libzmq_SUB", zringSide(zring.PUB), libzmqSide(zring.SUB)},
			{"libzmq_PUB->zring_SUB", libzmqSide(zring.PUB), zringSide(zring.SUB)},
		} {
			t.Run(tr+"/"+c.name, func(t *testing.T) {
				cs := newContexts(t)
				pub, sub := cs.socket(t, c.pub), cs.socket(t, c.sub)
				for _, p := range []peer{pub, sub} {
					setBoth(t, p, func(s *zring.Socket) error { return s.SetOption(zring.InvertMatching, 1) },
						func(s *zmq.Socket) error { return s.SetInvertMatching(1) })
				}
				link(t, tr, pub, sub, c.pub.impl)
				subscribe(t, sub, "noise")
				flowsUntil(t, pub, sub, frames("signal"))
				mustSend(t, pub, frames("noise 1"))
				mustSend(t, pub, frames("signal 2"))
				expect(t, sub, frames("signal 2"))
				expectNothing(t, sub, 50*time.Millisecond)
			})
		}
	}
}
