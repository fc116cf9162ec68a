package interop

import (
	"fmt"
	"slices"
	"testing"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// zmq.h's numbers for the DRAFT options (pebbe/zmq4 has no setters).
const (
	zmqXPubManualLastValue = 98
	zmqOnlyFirstSubscribe  = 108
)

// setRawBoth sets an int option by its zmq.h number on either
// implementation.
func setRawBoth(t testing.TB, p peer, opt, value int) {
	t.Helper()
	setBoth(t, p, func(s *zring.Socket) error { return s.SetOption(zring.Option(opt), value) },
		func(s *zmq.Socket) error { return setDraftInt(s, opt, value) })
}

// recvUntil receives on p until a message equal to last, returning all of
// them (last included) as strings, frames joined by "|".
func recvUntil(t *testing.T, p peer, last string) []string {
	t.Helper()
	var out []string
	for {
		m, err := p.recv(0)
		if err != nil {
			t.Fatalf("%v recv (so far %q, waiting for %q): %v", p, out, last, err)
		}
		s := ""
		for i, f := range m {
			if i > 0 {
				s += "|"
			}
			s += string(f)
		}
		out = append(out, s)
		if s == last {
			return out
		}
	}
}

// multipartSubs are messages an XSUB sends, with subscriptions in parts
// other than the first, after a subscription to "Z0" that shows the
// connection is up.
var multipartSubs = [][]string{
	{"\x01A", "\x01B"},
	{"dat", "\x01C"},
	{"\x01D", "dat", "\x01E"},
	{"hdr", "\x00A"}, // with ONLY_FIRST_SUBSCRIBE, not a cancel
	{"\x01Z"},        // the end
}

// pubSubOutcome drives xpub (VERBOSER) and xsub, linked, through
// multipartSubs, and returns what the XPUB received and which of the
// topics A to E the XSUB then receives messages of.
func pubSubOutcome(t *testing.T, xpub, xsub peer) (received, reached []string) {
	t.Helper()
	mustSend(t, xsub, frames("\x01Z0"))
	expectAtXPub(t, xpub, xsub, frames("\x01Z0"))
	for _, m := range multipartSubs {
		mustSend(t, xsub, frames(m...))
	}
	received = recvUntil(t, xpub, "\x01Z")
	for _, topic := range []string{"A", "B", "C", "D", "E", "Z-end"} {
		mustSend(t, xpub, frames(topic+"-msg"))
	}
	reached = recvUntil(t, xsub, "Z-end-msg")
	return received, reached
}

// TestOnlyFirstSubscribeInterop: ZMQ_ONLY_FIRST_SUBSCRIBE on an XPUB and
// on an XSUB, each of zring and libzmq in turn with a libzmq peer, over
// tcp and ipc. The zring socket must see and do exactly what the libzmq
// one in its place does; the expected outcomes spell out what that is.
func TestOnlyFirstSubscribeInterop(t *testing.T) {
	// What the XPUB receives (frames joined by "|": a subscription part
	// ends a multipart message as libzmq hands it out), and what reaches
	// the XSUB after.
	wantRecv := map[int][]string{
		// Every part starting with 1 or 0 is a subscription.
		0: {"\x01A", "\x01B", "dat|\x01C", "\x01D", "dat|\x01E", "hdr|\x00A", "\x01Z"},
		1: {"\x01A", "\x01B", "dat|\x01C", "\x01D", "dat|\x01E", "hdr|\x00A", "\x01Z"},
	}
	wantReached := map[int][]string{
		0: {"B-msg", "C-msg", "D-msg", "E-msg", "Z-end-msg"}, // A cancelled
		// Only subscriptions in a message whose first part is one: B,
		// D, E; C and the cancel of A are data.
		1: {"A-msg", "B-msg", "D-msg", "E-msg", "Z-end-msg"},
	}
	for _, tr := range transports {
		for _, under := range []zring.SocketType{zring.XPUB, zring.XSUB} {
			for _, onlyFirst := range []int{0, 1} {
				name := fmt.Sprintf("%s/%s_only_first=%d", tr, under, onlyFirst)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					var results [2][2][]string
					for i, im := range []impl{libzmqImpl, zringImpl} {
						cs := newContexts(t)
						xs, xp := side{libzmqImpl, zring.XSUB}, side{libzmqImpl, zring.XPUB}
						if under == zring.XPUB {
							xp.impl = im
						} else {
							xs.impl = im
						}
						xpub, xsub := cs.socket(t, xp), cs.socket(t, xs)
						setBoth(t, xpub, func(s *zring.Socket) error { return s.SetOption(zring.XPubVerboser, 1) },
							func(s *zmq.Socket) error { return s.SetXpubVerboser(1) })
						if under == zring.XPUB {
							setRawBoth(t, xpub, zmqOnlyFirstSubscribe, onlyFirst)
						} else {
							setRawBoth(t, xsub, zmqOnlyFirstSubscribe, onlyFirst)
						}
						link(t, tr, xpub, xsub, xp.impl)
						results[i][0], results[i][1] = pubSubOutcome(t, xpub, xsub)
					}
					wr, wre := wantRecv[onlyFirst], wantReached[onlyFirst]
					if under == zring.XSUB {
						// The XSUB's option changes what it holds, not what
						// it sends: the libzmq XPUB takes every part.
						wre = wantReached[0]
					}
					for i, im := range []impl{libzmqImpl, zringImpl} {
						if !slices.Equal(results[i][0], wr) || !slices.Equal(results[i][1], wre) {
							t.Errorf("%s %s: XPUB received %q, XSUB reached by %q; want %q and %q",
								im, under, results[i][0], results[i][1], wr, wre)
						}
					}
				})
			}
		}
	}
}

// TestXPubManualLastValueInterop: ZMQ_XPUB_MANUAL_LAST_VALUE "send the
// first message to the last subscriber after the socket receives a
// subscription and call setsockopt with ZMQ_SUBSCRIBE on XPUB socket" —
// a zring XPUB and a libzmq XPUB, each with libzmq SUBs, put through the
// same steps, deliver the same messages to the same subscribers.
func TestXPubManualLastValueInterop(t *testing.T) {
	want := map[string][]string{
		"s1": {"A0", "A2", "A4", "A6"},
		"s2": {"A1", "A2", "A4", "A6"},
		"s3": {"A5", "A6"},
	}
	for _, tr := range transports {
		for _, im := range []impl{libzmqImpl, zringImpl} {
			t.Run(tr+"/"+string(im), func(t *testing.T) {
				t.Parallel()
				cs := newContexts(t)
				xpub := cs.socket(t, side{im, zring.XPUB})
				setRawBoth(t, xpub, zmqXPubManualLastValue, 1)
				ep, err := xpub.bind(wildcard(t, tr, im))
				if err != nil {
					t.Fatal(err)
				}
				apply := func(topic string) {
					setBoth(t, xpub, func(s *zring.Socket) error { return s.SetOption(zring.Subscribe, topic) },
						func(s *zmq.Socket) error { return s.SetSubscribe(topic) })
				}
				subs := map[string]peer{}
				join := func(name string) {
					s := cs.socket(t, side{libzmqImpl, zring.SUB})
					if err := s.connect(ep); err != nil {
						t.Fatal(err)
					}
					subscribe(t, s, "A")
					expect(t, xpub, frames("\x01A"))
					subs[name] = s
				}
				join("s1")
				apply("A")
				mustSend(t, xpub, frames("A0"))
				join("s2")
				apply("A")
				mustSend(t, xpub, frames("A1")) // s2's last value
				mustSend(t, xpub, frames("A2"))
				// s3's subscription read but not applied: the next message
				// goes to s3 alone, which holds nothing, and so to no one.
				join("s3")
				mustSend(t, xpub, frames("A3"))
				mustSend(t, xpub, frames("A4"))
				// Now the subscription is taken from s3 again and applied.
				subscribe(t, subs["s3"], "A")
				expect(t, xpub, frames("\x01A"))
				apply("A")
				mustSend(t, xpub, frames("A5")) // s3 alone
				mustSend(t, xpub, frames("A6")) // everyone
				for name, s := range subs {
					if got := recvUntil(t, s, "A6"); !slices.Equal(got, want[name]) {
						t.Errorf("%s got %q, want %q", name, got, want[name])
					}
				}
			})
		}
	}
}
