package zring_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestPubSubOptionTypes: ZMQ_ONLY_FIRST_SUBSCRIBE "Applicable socket types
// ZMQ_XSUB, ZMQ_XPUB"; ZMQ_XPUB_MANUAL_LAST_VALUE "Applicable socket types
// ZMQ_XPUB". Others refuse them with EINVAL, as do values other than 0 and
// 1.
func TestPubSubOptionTypes(t *testing.T) {
	ctx := newCtx(t)
	for _, c := range []struct {
		opt   zring.Option
		typ   zring.SocketType
		value int
		ok    bool
	}{
		{zring.OnlyFirstSubscribe, zring.XPUB, 1, true},
		{zring.OnlyFirstSubscribe, zring.XSUB, 1, true},
		{zring.OnlyFirstSubscribe, zring.XSUB, -1, false},
		{zring.OnlyFirstSubscribe, zring.SUB, 1, false},
		{zring.OnlyFirstSubscribe, zring.DEALER, 1, false},
		{zring.XPubManualLastValue, zring.XPUB, 1, true},
		{zring.XPubManualLastValue, zring.XPUB, -1, false},
		{zring.XPubManualLastValue, zring.XSUB, 1, false},
		{zring.XPubManualLastValue, zring.SUB, 1, false},
	} {
		s := sock(t, ctx, c.typ)
		err := s.SetOption(c.opt, c.value)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, zring.ErrInvalid)) {
			t.Errorf("%s option %d = %d: %v", c.typ, c.opt, c.value, err)
		}
		if c.ok {
			if v, err := s.GetOption(c.opt); err != nil || v != c.value {
				t.Errorf("%s option %d reads %v, %v", c.typ, c.opt, v, err)
			}
		}
	}
}

// TestOnlyFirstSubscribe: an XSUB forwards a multipart message whose
// second part starts with byte 1 to an XPUB, over each transport. With
// ZMQ_ONLY_FIRST_SUBSCRIBE on both, the part is user data ("The rest are
// forwarded as user data regardless of message contents"): nothing is
// subscribed. Without it, it subscribes ("processed as such regardless of
// their number and order").
func TestOnlyFirstSubscribe(t *testing.T) {
	for _, ep := range endpoints(t) {
		for _, onlyFirst := range []int{0, 1} {
			t.Run(ep[:3]+map[int]string{0: "/default", 1: "/only_first"}[onlyFirst], func(t *testing.T) {
				ctx := newCtx(t)
				xpub, xsub := sock(t, ctx, zring.XPUB), sock(t, ctx, zring.XSUB)
				for _, s := range []*zring.Socket{xpub, xsub} {
					if err := s.SetOption(zring.OnlyFirstSubscribe, onlyFirst); err != nil {
						t.Fatal(err)
					}
				}
				if err := xsub.Connect(bindAt(t, xpub, ep)); err != nil {
					t.Fatal(err)
				}
				mustSendParts(t, xsub, "header", "\x01B")
				// Either way Recv hands out "header" with More and then
				// "\x01B": as data, or as the subscription it made.
				if got := mustRecvParts(t, xpub); !equalParts(got, "header", "\x01B") {
					t.Fatalf("XPUB received %q", got)
				}
				// A one-part subscription is one either way; once it has
				// arrived, whatever B did has too.
				mustSendParts(t, xsub, "\x01A")
				if got := mustRecvParts(t, xpub); !equalParts(got, "\x01A") {
					t.Fatalf("XPUB received %q", got)
				}
				xpub.Send([]byte("B-msg"), 0)
				xpub.Send([]byte("A-msg"), 0)
				want := []string{"B-msg", "A-msg"}[onlyFirst:]
				for _, w := range want {
					if m, ok := recvWithin(t, xsub, time.Second); !ok || m != w {
						t.Fatalf("XSUB got %q, %v; want %q", m, ok, w)
					}
				}
			})
		}
	}
}

func equalParts(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestXPubManualLastValue: "send the first message to the last subscriber
// after the socket receives a subscription and call setsockopt with
// ZMQ_SUBSCRIBE on XPUB socket. This prevents duplicated messages when
// using last value caching (LVC)." A last-value cache over tcp: each new
// SUB gets the current value once, the others do not see it repeated.
func TestXPubManualLastValue(t *testing.T) {
	ctx := newCtx(t)
	xpub := sock(t, ctx, zring.XPUB)
	if err := xpub.SetOption(zring.XPubManualLastValue, 1); err != nil {
		t.Fatal(err)
	}
	ep := bindAt(t, xpub, "tcp://127.0.0.1:0")
	var subs []*zring.Socket
	for i, value := range []string{"price 1", "price 2", "price 3"} {
		s := sock(t, ctx, zring.SUB)
		s.Connect(ep)
		s.SetOption(zring.Subscribe, "price")
		if m, err := xpub.Recv(0); err != nil || string(m) != "\x01price" {
			t.Fatalf("XPUB got %q, %v", m, err)
		}
		if err := xpub.SetOption(zring.Subscribe, "price"); err != nil {
			t.Fatal(err)
		}
		xpub.Send([]byte(value), 0) // the cached value, for the newcomer
		subs = append(subs, s)
		if m, ok := recvWithin(t, s, time.Second); !ok || m != value {
			t.Fatalf("newcomer %d got %q, %v", i, m, ok)
		}
		for _, old := range subs[:i] {
			if m, ok := recvWithin(t, old, 20*time.Millisecond); ok {
				t.Fatalf("an older subscriber got %q again", m)
			}
		}
	}
	xpub.Send([]byte("price 4"), 0) // an update, for everyone
	for i, s := range subs {
		if m, ok := recvWithin(t, s, time.Second); !ok || m != "price 4" {
			t.Fatalf("subscriber %d got %q, %v", i, m, ok)
		}
	}
}
