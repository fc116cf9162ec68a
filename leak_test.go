package zring_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/zring/zring"
)

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestNoLeaks: a context with live tcp, ipc and inproc connections leaves
// no goroutine and no fd behind after Term.
func TestNoLeaks(t *testing.T) {
	runtime.GC()
	fds, gs := openFDs(t), runtime.NumGoroutine()
	for round := 0; round < 3; round++ {
		ctx, _ := zring.NewContext(zring.IOThreads(2))
		var socks []*zring.Socket
		for _, ep := range []string{"tcp://127.0.0.1:0", "ipc://" + t.TempDir() + "/l", "inproc://leak"} {
			pull, _ := ctx.NewSocket(zring.PULL)
			pull.Bind(ep)
			addr, _ := pull.GetOption(zring.LastEndpoint)
			for i := 0; i < 3; i++ {
				push, _ := ctx.NewSocket(zring.PUSH)
				push.Connect(addr.(string))
				push.Send([]byte("x"), 0)
				socks = append(socks, push)
			}
			for i := 0; i < 3; i++ {
				if _, err := pull.Recv(0); err != nil {
					t.Fatal(err)
				}
			}
			socks = append(socks, pull)
		}
		for _, s := range socks {
			s.SetOption(zring.Linger, 0)
			s.Close()
		}
		ctx.Term()
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if openFDs(t) <= fds && runtime.NumGoroutine() <= gs {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fds %d -> %d, goroutines %d -> %d", fds, openFDs(t), gs, runtime.NumGoroutine())
}
