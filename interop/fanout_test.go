package interop

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestPubFanOutToThousandSubscribers: one PUB over tcp to 1,000 SUBs of the
// other implementation, in both directions. "A socket of type ZMQ_PUB is
// used by a publisher to distribute data. Messages sent are distributed in
// a fan out fashion to all connected peers." Every subscriber must get every
// message, in order; 200 messages stay well under the default SNDHWM, so
// the PUB has no reason to drop any.
func TestPubFanOutToThousandSubscribers(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 connections")
	}
	const (
		subscribers = 1000
		messages    = 200
	)
	for _, pubImpl := range []impl{zringImpl, libzmqImpl} {
		subImpl := libzmqImpl
		if pubImpl == libzmqImpl {
			subImpl = zringImpl
		}
		t.Run(fmt.Sprintf("%s PUB to %s SUBs", pubImpl, subImpl), func(t *testing.T) {
			cs := newContexts(t)
			if err := cs.l.SetMaxSockets(subscribers + 64); err != nil {
				t.Fatal(err)
			}
			pub := cs.socket(t, side{pubImpl, zring.PUB})
			ep, err := pub.bind(wildcard(t, "tcp", pubImpl))
			if err != nil {
				t.Fatal(err)
			}
			subs := make([]peer, subscribers)
			for i := range subs {
				subs[i] = cs.socket(t, side{subImpl, zring.SUB})
				subscribe(t, subs[i], "")
				if err := subs[i].connect(ep); err != nil {
					t.Fatalf("subscriber %d: %v", i, err)
				}
			}

			// The slow joiner: a subscription reaches the PUB some time
			// after the connect. Ping until every subscriber has heard one,
			// reading every ping so that none piles up towards the HWM.
			joined := make([]bool, subscribers)
			for waiting := subscribers; waiting > 0; {
				mustSend(t, pub, frames("ping"))
				time.Sleep(time.Millisecond)
				for i, s := range subs {
					for {
						m, err := s.recv(zring.DontWait)
						if isAgain(err) {
							break
						}
						if err != nil {
							t.Fatalf("subscriber %d: %v", i, err)
						}
						if !bytes.Equal(m[0], []byte("ping")) {
							t.Fatalf("subscriber %d: %s before any message was sent", i, show(m))
						}
						if !joined[i] {
							joined[i] = true
							waiting--
						}
					}
				}
			}

			for n := range messages {
				mustSend(t, pub, frames(fmt.Sprintf("m%d", n)))
			}
			for i, s := range subs {
				for n := 0; n < messages; {
					m, err := s.recv(0)
					if err != nil {
						t.Fatalf("subscriber %d, after %d of %d messages: %v", i, n, messages, err)
					}
					if bytes.Equal(m[0], []byte("ping")) {
						continue
					}
					if want := fmt.Sprintf("m%d", n); len(m) != 1 || string(m[0]) != want {
						t.Fatalf("subscriber %d: got %s, want %s", i, show(m), want)
					}
					n++
				}
			}
		})
	}
}
