package zring_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// spinPair connects two PAIR sockets of one spinning context over ep: a
// socket that would block spins, doing its connections' I/O itself.
func spinPair(t *testing.T, ep string) (a, b *zring.Socket) {
	t.Helper()
	ctx, err := zring.NewContext(zring.Spin(200 * time.Microsecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Term() })
	a, b = sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
	if err := b.Connect(bindAt(t, a, ep)); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// recvAfterPark has a receive on a wait far past its spin, so that it
// parks, and b's message must still wake it.
func recvAfterPark(t *testing.T, a, b *zring.Socket) {
	t.Helper()
	got := make(chan error, 1)
	go func() {
		m, err := a.Recv(0)
		if err == nil && string(m) != "late" {
			err = fmt.Errorf("got %q", m)
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond) // far past the spin
	b.Send([]byte("late"), 0)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// TestSpinDrivenConnections covers the hand-over between a spinning socket
// that reads and writes its connection itself and the loop that owns it:
// nothing is lost or stuck whichever of them holds the connection.
func TestSpinDrivenConnections(t *testing.T) {
	for _, ep := range endpoints(t)[:2] { // tcp, ipc: inproc has no connection
		t.Run(ep[:3], func(t *testing.T) {
			t.Run("ping-pong", func(t *testing.T) {
				a, b := spinPair(t, ep)
				for i := 0; i < 2000; i++ {
					msg := fmt.Sprint(i)
					if err := b.Send([]byte(msg), 0); err != nil {
						t.Fatal(err)
					}
					mustRecv(t, a, msg)
					if err := a.Send([]byte(msg), 0); err != nil {
						t.Fatal(err)
					}
					mustRecv(t, b, msg)
				}
			})
			t.Run("send after spin", func(t *testing.T) {
				// a drives its connection (its Recv spun), then sends and
				// never blocks again: the send must still go out, when
				// the loop takes the connection back.
				a, b := spinPair(t, ep)
				sent := make(chan struct{})
				go func() {
					defer close(sent)
					time.Sleep(time.Millisecond)
					b.Send([]byte("wake"), 0)
				}()
				mustRecv(t, a, "wake")
				<-sent // b is this goroutine's again
				for i := 0; i < 10; i++ {
					if err := a.Send([]byte(fmt.Sprint(i)), zring.DontWait); err != nil {
						t.Fatal(err)
					}
				}
				for i := 0; i < 10; i++ {
					mustRecv(t, b, fmt.Sprint(i))
				}
			})
			t.Run("arrivals while away", func(t *testing.T) {
				// a stops calling after a driven receive: what arrives
				// meanwhile is read by the loop, so a non-blocking Recv
				// later finds it in the pipe.
				a, b := spinPair(t, ep)
				b.Send([]byte("first"), 0)
				mustRecv(t, a, "first")
				for i := 0; i < 5; i++ {
					b.Send([]byte(fmt.Sprint(i)), 0)
				}
				deadline := time.Now().Add(5 * time.Second)
				for i := 0; i < 5; {
					m, err := a.Recv(zring.DontWait)
					if errors.Is(err, zring.ErrAgain) {
						if time.Now().After(deadline) {
							t.Fatalf("message %d never reached the pipe", i)
						}
						time.Sleep(time.Millisecond)
						continue
					}
					if err != nil || string(m) != fmt.Sprint(i) {
						t.Fatalf("recv %q, %v; want %d", m, err, i)
					}
					i++
				}
			})
			t.Run("quieted, then parked and away", func(t *testing.T) {
				// Driven for milliseconds, the connections are quieted (the
				// netpoll backend drops their registration). When a then
				// parks, and later stops calling at all, the loop must
				// hear the connection again.
				a, b := spinPair(t, ep)
				pingPong := func(d time.Duration) {
					for end := time.Now().Add(d); time.Now().Before(end); {
						b.Send([]byte("ping"), 0)
						mustRecv(t, a, "ping")
						a.Send([]byte("pong"), 0)
						mustRecv(t, b, "pong")
					}
				}
				pingPong(5 * time.Millisecond)
				recvAfterPark(t, a, b)
				pingPong(5 * time.Millisecond)
				b.Send([]byte("away"), 0)
				deadline := time.Now().Add(5 * time.Second)
				for {
					m, err := a.Recv(zring.DontWait)
					if err == nil {
						if string(m) != "away" {
							t.Fatalf("got %q", m)
						}
						break
					}
					if !errors.Is(err, zring.ErrAgain) || time.Now().After(deadline) {
						t.Fatalf("Recv: %v", err)
					}
					time.Sleep(time.Millisecond)
				}
			})
			t.Run("park after spin", func(t *testing.T) {
				// a spins out and parks: the connection goes back to the
				// loop at once, whose read wakes a.
				a, b := spinPair(t, ep)
				recvAfterPark(t, a, b)
			})
		})
	}
}
