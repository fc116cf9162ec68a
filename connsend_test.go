package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// connModes are the ways a socket's messages may cross its connection:
// sent and received on the socket's goroutine (the defaults), or through
// the pipes and the I/O loops, with and without spinning. The tests here
// run in all of them, so each path keeps the order and the framing of
// what it is handed, also when it falls back to the other one midway (a
// big frame, a busy loop, a full buffer).
var connModes = []ctxMode{
	{"conn", []zring.ContextOption{zring.SendOnConnection(true), zring.WaitOnConnection(true)}},
	{"conn-nospin", []zring.ContextOption{zring.SendOnConnection(true), zring.WaitOnConnection(true), zring.Spin(0)}},
	{"sendconn-loopwait", []zring.ContextOption{zring.SendOnConnection(true), zring.WaitOnConnection(false)}},
	{"loop", []zring.ContextOption{zring.SendOnConnection(false), zring.WaitOnConnection(false)}},
}

func forEachConnMode(t *testing.T, f func(t *testing.T, ctx *zring.Context)) {
	forEachMode(t, connModes, f)
}

// pushPullOver is a PULL bound at ep with a PUSH connected to it.
func pushPullOver(t *testing.T, ctx *zring.Context, ep string) (pull, push *zring.Socket) {
	t.Helper()
	pull = sock(t, ctx, zring.PULL)
	push = sock(t, ctx, zring.PUSH)
	if err := push.Connect(bindAt(t, pull, ep)); err != nil {
		t.Fatal(err)
	}
	return pull, push
}

// mixedSizes cycle through empty frames, small ones, the sizes around the
// direct send's limit (2 KiB) and the big-frame read (32 KiB).
var mixedSizes = []int{8, 0, 1, 2047, 2048, 2049, 100, 5000, 40000, 8, 8, 300}

// mixedMessage is message i of a mixed stream: 1 to 3 frames, each
// filled with a pattern of (i, frame) so a frame out of place shows.
func mixedMessage(i int) [][]byte {
	parts := make([][]byte, 1+i%3)
	for j := range parts {
		n := mixedSizes[(i+j*5)%len(mixedSizes)]
		b := make([]byte, n)
		tag := fmt.Sprintf("%d/%d;", i, j)
		for k := range b {
			b[k] = tag[k%len(tag)]
		}
		parts[j] = b
	}
	return parts
}

// TestConnMixedStream: a PUSH sends messages of mixed sizes and frame
// counts as fast as it can; the PULL must see every one whole, in order.
func TestConnMixedStream(t *testing.T) {
	const n = 3000
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		for _, ep := range endpoints(t)[:2] {
			t.Run(ep[:3], func(t *testing.T) {
				pull, push := pushPullOver(t, ctx, ep)
				errc := make(chan error, 1)
				go func() {
					for i := 0; i < n; i++ {
						if err := push.SendMultipart(mixedMessage(i), 0); err != nil {
							errc <- fmt.Errorf("send %d: %w", i, err)
							return
						}
					}
					errc <- nil
				}()
				for i := 0; i < n; i++ {
					got, err := pull.RecvMultipart(0)
					if err != nil {
						t.Fatalf("recv %d: %v", i, err)
					}
					want := mixedMessage(i)
					if len(got) != len(want) {
						t.Fatalf("message %d: %d frames, want %d", i, len(got), len(want))
					}
					for j := range want {
						if !bytes.Equal(got[j], want[j]) {
							t.Fatalf("message %d frame %d: %d bytes %.20q, want %d bytes %.20q", i, j, len(got[j]), got[j], len(want[j]), want[j])
						}
					}
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestConnRoundTripsMixed: DEALER to ROUTER and REQ to REP round trips
// of the same mixed messages, each side sending while the other waits.
func TestConnRoundTripsMixed(t *testing.T) {
	const n = 300
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		for _, pair := range [][2]zring.SocketType{{zring.REQ, zring.REP}, {zring.DEALER, zring.DEALER}, {zring.PAIR, zring.PAIR}} {
			t.Run(pair[0].String(), func(t *testing.T) {
				a := sock(t, ctx, pair[0])
				b := sock(t, ctx, pair[1])
				if err := a.Connect(bindAt(t, b, "tcp://127.0.0.1:0")); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() {
					for i := 0; i < n; i++ {
						parts, err := b.RecvMultipart(0)
						if err == nil {
							err = b.SendMultipart(parts, 0)
						}
						if err != nil {
							done <- fmt.Errorf("echo %d: %w", i, err)
							return
						}
					}
					done <- nil
				}()
				for i := 0; i < n; i++ {
					want := mixedMessage(i)
					if err := a.SendMultipart(want, 0); err != nil {
						t.Fatalf("send %d: %v", i, err)
					}
					got, err := a.RecvMultipart(0)
					if err != nil {
						t.Fatalf("recv %d: %v", i, err)
					}
					if len(got) != len(want) {
						t.Fatalf("reply %d: %d frames, want %d", i, len(got), len(want))
					}
					for j := range want {
						if !bytes.Equal(got[j], want[j]) {
							t.Fatalf("reply %d frame %d differs (%d bytes, want %d)", i, j, len(got[j]), len(want[j]))
						}
					}
				}
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestConnSendThenQuiet: a message sent by a socket that then does
// nothing more with zring still leaves: its I/O loop writes what the
// sender left in the connection's buffer.
func TestConnSendThenQuiet(t *testing.T) {
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		pull, push := pushPullOver(t, ctx, "tcp://127.0.0.1:0")
		push.Send([]byte("up"), 0)
		mustRecv(t, pull, "up")
		for i := 0; i < 20; i++ {
			// The sender stays away from zring while the receiver waits.
			msg := fmt.Sprint("quiet ", i)
			if err := push.Send([]byte(msg), zring.DontWait); err != nil {
				t.Fatal(err)
			}
			got := make(chan error, 1)
			go func() {
				b, err := pull.Recv(0)
				if err == nil && string(b) != msg {
					err = fmt.Errorf("got %q, want %q", b, msg)
				}
				got <- err
			}()
			select {
			case err := <-got:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(4 * time.Second):
				t.Fatalf("message %d not delivered while the sender was quiet", i)
			}
		}
	})
}

// TestConnLocalQueueSeen: messages a socket's own wait decoded for it
// ahead (the peer's local queue) are seen by a Poller and by a DontWait
// Recv, not only by a blocking Recv; and a socket closed with some of
// them unread closes cleanly.
func TestConnLocalQueueSeen(t *testing.T) {
	const n = 5000
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		pull, push := pushPullOver(t, ctx, "tcp://127.0.0.1:0")
		for i := 0; i < n; i++ {
			if err := push.Send([]byte(fmt.Sprint(i)), 0); err != nil {
				t.Fatal(err)
			}
		}
		mustRecv(t, pull, "0") // blocking: its wait reads ahead
		p := zring.NewPoller()
		p.Add(pull, zring.PollIn)
		for i := 1; i < n; i++ {
			if i%2 == 0 {
				ready, err := p.Wait(4 * time.Second)
				if err != nil || len(ready) != 1 {
					t.Fatalf("message %d: poll %v, %v", i, ready, err)
				}
			}
			flags := zring.Flag(0)
			if i%3 == 0 {
				flags = zring.DontWait
			}
			b, err := pull.Recv(flags)
			for err != nil && flags == zring.DontWait {
				// Not read ahead yet: the DontWait may say EAGAIN, but
				// the message must come.
				if _, werr := p.Wait(4 * time.Second); werr != nil {
					t.Fatal(werr)
				}
				b, err = pull.Recv(flags)
			}
			if err != nil || string(b) != fmt.Sprint(i) {
				t.Fatalf("message %d: %q, %v", i, b, err)
			}
		}
		// Some read ahead and left unread: Close and Term must not hang.
		for i := 0; i < 100; i++ {
			push.Send([]byte("left"), 0)
		}
		mustRecv(t, pull, "left")
		if err := pull.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConnManyFrames: messages of more frames than a drive decodes for
// the socket at once (256) arrive whole, between small ones.
func TestConnManyFrames(t *testing.T) {
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		pull, push := pushPullOver(t, ctx, "tcp://127.0.0.1:0")
		big := make([][]byte, 700)
		for i := range big {
			big[i] = []byte(fmt.Sprint(i))
		}
		sent := make(chan struct{})
		defer func() { <-sent }() // the socket is closed on this goroutine
		go func() {
			defer close(sent)
			for r := 0; r < 20; r++ {
				push.Send([]byte("small"), 0)
				push.SendMultipart(big, 0)
			}
		}()
		for r := 0; r < 20; r++ {
			mustRecv(t, pull, "small")
			got, err := pull.RecvMultipart(0)
			if err != nil || len(got) != len(big) {
				t.Fatalf("round %d: %d frames, %v", r, len(got), err)
			}
			for i := range got {
				if string(got[i]) != fmt.Sprint(i) {
					t.Fatalf("round %d frame %d: %q", r, i, got[i])
				}
			}
		}
	})
}

// TestConnStreamAcrossReconnect: a PUSH streams 3-frame messages while its
// PULL is closed and another binds the endpoint: whatever arrives at the
// second is whole messages, in order (a message the first connection cut
// short must not leave its rest to the next one), and the stream goes on.
func TestConnStreamAcrossReconnect(t *testing.T) {
	forEachConnMode(t, func(t *testing.T, ctx *zring.Context) {
		pull := sock(t, ctx, zring.PULL)
		ep := bindAt(t, pull, "tcp://127.0.0.1:0")
		push := sock(t, ctx, zring.PUSH)
		push.SetOption(zring.ReconnectIvl, 10)
		push.SetOption(zring.SndHWM, 100)
		push.SetOption(zring.SndTimeo, 100) // so the sender sees stop soon
		if err := push.Connect(ep); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		sent := make(chan int, 1)
		go func() {
			i := 0
			defer func() { sent <- i }()
			for ; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tag := []byte(fmt.Sprint(i))
				if err := push.SendMultipart([][]byte{tag, []byte("middle"), tag}, 0); errors.Is(err, zring.ErrAgain) {
					i-- // not sent: the HWM, with no reader
				} else if err != nil {
					return
				}
			}
		}()
		check := func(s *zring.Socket, n int) int {
			t.Helper()
			last := -1
			for k := 0; k < n; k++ {
				parts, err := s.RecvMultipart(0)
				if err != nil {
					t.Fatalf("recv: %v", err)
				}
				if len(parts) != 3 || string(parts[0]) != string(parts[2]) || string(parts[1]) != "middle" {
					t.Fatalf("not a whole message: %q", parts)
				}
				var i int
				fmt.Sscan(string(parts[0]), &i)
				if i <= last {
					t.Fatalf("message %d after %d", i, last)
				}
				last = i
			}
			return last
		}
		check(pull, 2000)
		pull.Close()
		pull2 := sock(t, ctx, zring.PULL)
		bindAgain(t, pull2, ep)
		check(pull2, 2000)
		close(stop)
		<-sent // the sender is done with push (its Close is the cleanup's)
	})
}
