package interop

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// subscribe makes p, a SUB, subscribe to topic.
func subscribe(t *testing.T, p peer, topic string) {
	t.Helper()
	setBoth(t, p, func(s *zring.Socket) error { return s.SetOption(zring.Subscribe, topic) },
		func(s *zmq.Socket) error { return s.SetSubscribe(topic) })
}

// flowsUntil sends msg from pub until sub receives it, then drains.
func flowsUntil(t *testing.T, pub, sub peer, msg [][]byte) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for got := false; !got; {
		if time.Now().After(deadline) {
			t.Fatalf("%v never received from %v", sub, pub)
		}
		mustSend(t, pub, msg)
		time.Sleep(5 * time.Millisecond)
		for {
			m, err := sub.recv(zring.DontWait)
			if err != nil {
				break
			}
			if d := diff(m, msg); d != "" {
				t.Fatalf("%v: %s", sub, d)
			}
			got = true
		}
	}
}

// expectAtXPub waits for want at the XPUB pub, calling the subscriber's
// recv meanwhile: a socket hears of a connection made to its bind only
// when the application calls it (libzmq and zring alike), and a SUB sends
// its subscriptions to a publisher only once it has.
func expectAtXPub(t *testing.T, pub, sub peer, want [][]byte) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for {
		if m, err := sub.recv(zring.DontWait); err == nil {
			t.Fatalf("%v received %s before subscribing", sub, show(m))
		}
		if m, err := pub.recv(zring.DontWait); err == nil {
			if d := diff(m, want); d != "" {
				t.Fatalf("%v: %s", pub, d)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v never received %s", pub, show(want))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestXPubXSub: subscriptions seen as messages, across implementations.
// "ZMQ_XPUB: Same as ZMQ_PUB except that you can receive subscriptions from
// the peers in form of incoming messages. Subscription message is a byte 1
// (for subscriptions) or byte 0 (for unsubscriptions) followed by the
// subscription body." "ZMQ_XSUB: Same as ZMQ_SUB except that you subscribe
// by sending subscription messages to the socket." On the wire they are
// SUBSCRIBE and CANCEL commands (ZMTP 3.1), so this checks that each
// implementation's commands become the other's messages.
func TestXPubXSub(t *testing.T) {
	topic, data := "topic", [][]byte{[]byte("topic data"), []byte("more")}
	cases := []struct {
		name     string
		pub, sub side
	}{
		{"zring_XPUB<-libzmq_SUB", zringSide(zring.XPUB), libzmqSide(zring.SUB)},
		{"libzmq_XPUB<-zring_SUB", libzmqSide(zring.XPUB), zringSide(zring.SUB)},
		{"zring_XPUB<-libzmq_XSUB", zringSide(zring.XPUB), libzmqSide(zring.XSUB)},
		{"libzmq_XPUB<-zring_XSUB", libzmqSide(zring.XPUB), zringSide(zring.XSUB)},
		{"libzmq_PUB->zring_XSUB", libzmqSide(zring.PUB), zringSide(zring.XSUB)},
		{"zring_PUB->libzmq_XSUB", zringSide(zring.PUB), libzmqSide(zring.XSUB)},
	}
	for _, tr := range transports {
		for _, c := range cases {
			for _, binder := range []impl{zringImpl, libzmqImpl} {
				t.Run(tr+"/"+c.name+"/"+string(binder)+"_binds", func(t *testing.T) {
					t.Parallel()
					cs := newContexts(t)
					pub, sub := cs.socket(t, c.pub), cs.socket(t, c.sub)
					if c.pub.impl == binder {
						link(t, tr, pub, sub, binder)
					} else {
						link(t, tr, sub, pub, binder)
					}
					if c.sub.typ == zring.XSUB {
						mustSend(t, sub, [][]byte{[]byte("\x01" + topic)})
					} else {
						subscribe(t, sub, topic)
					}
					if c.pub.typ == zring.XPUB {
						expectAtXPub(t, pub, sub, [][]byte{[]byte("\x01" + topic)})
					}
					flowsUntil(t, pub, sub, data)
					// Unsubscribing reaches an XPUB as a byte 0 message.
					if c.sub.typ == zring.XSUB {
						mustSend(t, sub, [][]byte{[]byte("\x00" + topic)})
					} else if s, ok := sub.(*zringPeer); ok {
						if err := s.s.SetOption(zring.Unsubscribe, topic); err != nil {
							t.Fatal(err)
						}
					} else if err := sub.(*libzmqPeer).s.SetUnsubscribe(topic); err != nil {
						t.Fatal(err)
					}
					if c.pub.typ == zring.XPUB {
						expect(t, pub, [][]byte{[]byte("\x00" + topic)})
					}
				})
			}
		}
	}
}

// TestXPubManual: a zring XPUB with ZMQ_XPUB_MANUAL and a libzmq SUB: the
// SUB's subscription reaches the XPUB as a message and is not applied;
// ZMQ_SUBSCRIBE on the XPUB applies a topic of the application's choosing
// to that subscriber.
func TestXPubManual(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			cs := newContexts(t)
			xpub, sub := cs.socket(t, zringSide(zring.XPUB)), cs.socket(t, libzmqSide(zring.SUB))
			zx := xpub.(*zringPeer).s
			if err := zx.SetOption(zring.XPubManual, 1); err != nil {
				t.Fatal(err)
			}
			link(t, tr, xpub, sub, zringImpl)
			subscribe(t, sub, "")
			expectAtXPub(t, xpub, sub, [][]byte{[]byte("\x01")})
			mustSend(t, xpub, frames("dropped: nothing applied"))
			if err := zx.SetOption(zring.Subscribe, "news"); err != nil {
				t.Fatal(err)
			}
			mustSend(t, xpub, frames("weather"))
			mustSend(t, xpub, frames("news"))
			expect(t, sub, frames("news"))
			expectNothing(t, sub, 50*time.Millisecond)
		})
	}
}
