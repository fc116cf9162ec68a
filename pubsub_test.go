package zring_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// recvWithin receives one message, failing after d.
func recvWithin(t *testing.T, s *zring.Socket, d time.Duration) (string, bool) {
	t.Helper()
	s.SetOption(zring.RcvTimeo, int(d/time.Millisecond))
	defer s.SetOption(zring.RcvTimeo, 5000)
	m, err := s.Recv(0)
	if errors.Is(err, zring.ErrAgain) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(m), true
}

// awaitSubscribed publishes probe until sub receives it: subscriptions
// travel to the publisher asynchronously (the slow joiner of zmq_socket(3)).
func awaitSubscribed(t *testing.T, pub, sub *zring.Socket, probe string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := pub.Send([]byte(probe), 0); err != nil {
			t.Fatal(err)
		}
		if m, ok := recvWithin(t, sub, 20*time.Millisecond); ok {
			if m != probe {
				t.Fatalf("got %q while waiting for %q", m, probe)
			}
			// Drain probes still in flight.
			for {
				if _, ok := recvWithin(t, sub, 20*time.Millisecond); !ok {
					return
				}
			}
		}
	}
	t.Fatal("the subscription never reached the publisher")
}

// TestPubSub: a SUB receives what matches its subscriptions and nothing
// else, over every transport, either side binding.
func TestPubSub(t *testing.T) {
	for _, ep := range endpoints(t) {
		for _, pubBinds := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pub_binds=%v", ep[:3], pubBinds), func(t *testing.T) {
				ctx := newCtx(t)
				pub, sub := sock(t, ctx, zring.PUB), sock(t, ctx, zring.SUB)
				if pubBinds {
					sub.Connect(bindAt(t, pub, ep))
				} else {
					pub.Connect(bindAt(t, sub, ep))
				}
				// "Initially a ZMQ_SUB socket is not subscribed to any
				// messages."
				if err := sub.SetOption(zring.Subscribe, "news"); err != nil {
					t.Fatal(err)
				}
				awaitSubscribed(t, pub, sub, "news probe")
				for _, m := range []string{"news 1", "weather", "news 2"} {
					pub.Send([]byte(m), 0)
				}
				pub.SendMultipart([][]byte{[]byte("news"), []byte("body")}, 0)
				mustRecv(t, sub, "news 1")
				mustRecv(t, sub, "news 2")
				if got := mustRecvParts(t, sub); fmt.Sprint(got) != "[news body]" {
					t.Fatalf("multipart %q", got)
				}
				if m, ok := recvWithin(t, sub, 50*time.Millisecond); ok {
					t.Fatalf("unsubscribed message %q arrived", m)
				}
				// Two instances: one unsubscribe leaves one.
				sub.SetOption(zring.Subscribe, "w")
				sub.SetOption(zring.Subscribe, "w")
				sub.SetOption(zring.Unsubscribe, "w")
				awaitSubscribed(t, pub, sub, "w probe")
				sub.SetOption(zring.Unsubscribe, "w")
				sub.SetOption(zring.Unsubscribe, "news")
				time.Sleep(50 * time.Millisecond)
				pub.Send([]byte("weather"), 0)
				pub.Send([]byte("news 3"), 0)
				if m, ok := recvWithin(t, sub, 50*time.Millisecond); ok {
					t.Fatalf("%q arrived after unsubscribing", m)
				}
			})
		}
	}
}

// TestSlowJoiner: a publisher sends only to the subscriptions it has heard
// of, and it "shall never block" waiting for one. A SUB's connection and
// its subscriptions reach the PUB some time after Connect and SetOption
// return (zmq_socket(3)'s slow joiner): what the PUB sends before then is
// not delivered, not queued. A program that must not miss the start
// waits until it hears from its subscribers (awaitSubscribed's probes
// here, or an XPUB's subscription messages); the window between Connect
// and the subscription's arrival has no fixed length, so only what comes
// before the SUB exists is checked exactly.
func TestSlowJoiner(t *testing.T) {
	for _, ep := range endpoints(t)[:2] { // tcp, ipc: inproc attaches at Connect
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			pub := sock(t, ctx, zring.PUB)
			addr := bindAt(t, pub, ep)
			start := time.Now()
			for i := 0; i < 3000; i++ { // past any HWM: a PUB with no subscriber drops
				if err := pub.Send([]byte("before"), 0); err != nil {
					t.Fatal(err)
				}
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("3,000 sends to nobody took %v", d)
			}
			sub := sock(t, ctx, zring.SUB)
			if err := sub.SetOption(zring.Subscribe, ""); err != nil {
				t.Fatal(err)
			}
			if err := sub.Connect(addr); err != nil {
				t.Fatal(err)
			}
			awaitSubscribed(t, pub, sub, "probe")
			pub.Send([]byte("after"), 0)
			mustRecv(t, sub, "after")
			if m, ok := recvWithin(t, sub, 50*time.Millisecond); ok {
				t.Fatalf("%q arrived; only \"after\" was sent once the subscriber was there", m)
			}
		})
	}
}

// TestSubResubscribesOnReconnect: "subscriptions must survive a
// reconnect": a SUB that connected tells a publisher bound anew on the
// same endpoint what it subscribed to.
func TestSubResubscribesOnReconnect(t *testing.T) {
	ctx := newCtx(t)
	sub := sock(t, ctx, zring.SUB)
	sub.SetOption(zring.ReconnectIvl, 10)
	pub := sock(t, ctx, zring.PUB)
	addr := bindAt(t, pub, "tcp://127.0.0.1:0")
	sub.SetOption(zring.Subscribe, "k")
	sub.Connect(addr)
	awaitSubscribed(t, pub, sub, "k1")
	pub.Close()
	pub2 := sock(t, ctx, zring.PUB)
	deadline := time.Now().Add(5 * time.Second)
	for pub2.Bind(addr) != nil {
		if time.Now().After(deadline) {
			t.Fatal("cannot bind again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	awaitSubscribed(t, pub2, sub, "k2")
}

func TestSubscribeOptionErrors(t *testing.T) {
	ctx := newCtx(t)
	pub, sub := sock(t, ctx, zring.PUB), sock(t, ctx, zring.SUB)
	if err := pub.SetOption(zring.Subscribe, "x"); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("ZMQ_SUBSCRIBE on PUB: %v", err)
	}
	if err := sub.SetOption(zring.Subscribe, 5); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("ZMQ_SUBSCRIBE with an int: %v", err)
	}
	if err := sub.SetOption(zring.Subscribe, ""); err != nil {
		t.Errorf("empty subscription: %v", err)
	}
	if _, err := sub.GetOption(zring.Subscribe); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("reading ZMQ_SUBSCRIBE: %v", err)
	}
	if err := sub.Send([]byte("x"), 0); !errors.Is(err, zring.ErrNotSupported) {
		t.Errorf("SUB send: %v", err)
	}
	if _, err := pub.Recv(zring.DontWait); !errors.Is(err, zring.ErrNotSupported) {
		t.Errorf("PUB recv: %v", err)
	}
}

// TestXPubXSubForwarding: the proxy pattern of zmq_socket(3)'s XPUB and
// XSUB. A SUB's subscription reaches an XPUB as a message; sent on through
// an XSUB it reaches the PUB, whose messages then flow back the same way.
// A second subscriber to the same topic is not passed on (only a topic's
// first subscription is), and the last one leaving cancels upstream.
func TestXPubXSubForwarding(t *testing.T) {
	ctx := newCtx(t)
	pub, xsub := sock(t, ctx, zring.PUB), sock(t, ctx, zring.XSUB)
	xpub, sub1, sub2 := sock(t, ctx, zring.XPUB), sock(t, ctx, zring.SUB), sock(t, ctx, zring.SUB)
	xsub.Connect(bindAt(t, pub, "tcp://127.0.0.1:0"))
	front := bindAt(t, xpub, "tcp://127.0.0.1:0")
	sub1.Connect(front)
	sub2.Connect(front)
	sub1.SetOption(zring.Subscribe, "")
	if m, err := xpub.Recv(0); err != nil || string(m) != "\x01" {
		t.Fatalf("XPUB got %q, %v; want the subscription", m, err)
	}
	sub2.SetOption(zring.Subscribe, "")
	if m, err := xpub.Recv(zring.DontWait); err == nil {
		t.Fatalf("a second subscription to the same topic was passed on: %q", m)
	}
	if err := xsub.Send([]byte("\x01"), 0); err != nil { // upstream
		t.Fatal(err)
	}
	// Forward until both subscribers have the publisher's messages.
	deadline := time.Now().Add(5 * time.Second)
	got := map[*zring.Socket]bool{}
	for len(got) < 2 && time.Now().Before(deadline) {
		pub.Send([]byte("tick"), 0)
		if m, err := xsub.Recv(zring.DontWait); err == nil {
			xpub.Send(m, 0)
		}
		for _, s := range []*zring.Socket{sub1, sub2} {
			if m, err := s.Recv(zring.DontWait); err == nil && string(m) == "tick" {
				got[s] = true
			}
		}
		time.Sleep(time.Millisecond)
	}
	if len(got) < 2 {
		t.Fatal("messages did not reach both subscribers through XSUB and XPUB")
	}
	sub1.SetOption(zring.Unsubscribe, "")
	sub2.Close()
	if m, err := xpub.Recv(0); err != nil || string(m) != "\x00" {
		t.Fatalf("XPUB got %q, %v; want the last cancel", m, err)
	}
}

// TestPubReconnectsToSub: a PUB that connects (its pipes outlive each
// connection) takes the subscriptions a SUB bound anew sends it.
func TestPubReconnectsToSub(t *testing.T) {
	ctx := newCtx(t)
	pub := sock(t, ctx, zring.PUB)
	pub.SetOption(zring.ReconnectIvl, 10)
	sub := sock(t, ctx, zring.SUB)
	addr := bindAt(t, sub, "tcp://127.0.0.1:0")
	pub.Connect(addr)
	sub.SetOption(zring.Subscribe, "a")
	awaitSubscribed(t, pub, sub, "a1")
	sub.Close()
	sub2 := sock(t, ctx, zring.SUB)
	deadline := time.Now().Add(5 * time.Second)
	for sub2.Bind(addr) != nil {
		if time.Now().After(deadline) {
			t.Fatal("cannot bind again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sub2.SetOption(zring.Subscribe, "b")
	awaitSubscribed(t, pub, sub2, "b1")
}

// TestXPubManual: ZMQ_XPUB_MANUAL: "subscription requests are not added to
// the subscription list. To add subscription the user need to call
// setsockopt with ZMQ_SUBSCRIBE on XPUB socket" — here a narrower topic
// than the one asked for, which is what manual mode allows.
func TestXPubManual(t *testing.T) {
	ctx := newCtx(t)
	xpub, sub := sock(t, ctx, zring.XPUB), sock(t, ctx, zring.SUB)
	if err := xpub.SetOption(zring.Subscribe, "x"); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("ZMQ_SUBSCRIBE on an automatic XPUB: %v", err)
	}
	xpub.SetOption(zring.XPubManual, 1)
	sub.Connect(bindAt(t, xpub, "tcp://127.0.0.1:0"))
	sub.SetOption(zring.Subscribe, "") // everything, it asks
	if m, err := xpub.Recv(0); err != nil || string(m) != "\x01" {
		t.Fatalf("XPUB got %q, %v", m, err)
	}
	xpub.Send([]byte("news 1"), 0) // nothing applied yet: dropped
	if err := xpub.SetOption(zring.Subscribe, "news"); err != nil {
		t.Fatal(err)
	}
	xpub.Send([]byte("weather"), 0) // not what was applied
	xpub.Send([]byte("news 2"), 0)
	if m, ok := recvWithin(t, sub, time.Second); !ok || m != "news 2" {
		t.Fatalf("SUB got %q, %v; want only news after the manual subscribe", m, ok)
	}
	xpub.SetOption(zring.Unsubscribe, "news")
	xpub.Send([]byte("news 3"), 0)
	if m, ok := recvWithin(t, sub, 100*time.Millisecond); ok {
		t.Fatalf("%q after the manual unsubscribe", m)
	}
}

// TestXPubCancelsWhenSubscriberGoes: a SUB that closes or disconnects
// cancels what it held, and the XPUB receives the cancels, over every
// transport; inproc too, where no session reports the end (libzmq sends
// them there as well). The XPUB learns of it while waiting in a Poller.
func TestXPubCancelsWhenSubscriberGoes(t *testing.T) {
	for _, ep := range endpoints(t) {
		for _, how := range []string{"close", "disconnect"} {
			t.Run(ep[:3]+"/"+how, func(t *testing.T) {
				ctx := newCtx(t)
				xpub := sock(t, ctx, zring.XPUB)
				addr := bindAt(t, xpub, ep)
				sub := sock(t, ctx, zring.SUB)
				sub.SetOption(zring.Subscribe, "a")
				sub.SetOption(zring.Subscribe, "b")
				if err := sub.Connect(addr); err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for len(got) < 2 {
					b, err := xpub.Recv(0)
					if err != nil {
						t.Fatal(err)
					}
					got[string(b)] = true
				}
				if !got["\x01a"] || !got["\x01b"] {
					t.Fatalf("subscriptions %v", got)
				}
				if how == "close" {
					sub.Close()
				} else if err := sub.Disconnect(addr); err != nil {
					t.Fatal(err)
				}
				p := zring.NewPoller()
				p.Add(xpub, zring.PollIn)
				got = map[string]bool{}
				for len(got) < 2 {
					if ready, err := p.Wait(5 * time.Second); err != nil || len(ready) == 0 {
						t.Fatalf("no cancel within 5 s (have %v): %v", got, err)
					}
					b, err := xpub.Recv(zring.DontWait)
					if err != nil {
						t.Fatal(err)
					}
					got[string(b)] = true
				}
				if !got["\x00a"] || !got["\x00b"] {
					t.Fatalf("cancels %v", got)
				}
			})
		}
	}
}
