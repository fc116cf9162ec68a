package sockets

import (
	"testing"
	"time"

	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// TestRecvWaitsOnConnection: a receive blocked on a socket whose one peer
// is a tcp connection waits on that connection (waitingOn is set while it
// waits), and one with connWait off, or with two peers, waits behind the
// loops; all three get the message.
func TestRecvWaitsOnConnection(t *testing.T) {
	for _, c := range []struct {
		name       string
		connWait   bool
		peers      int
		wantDirect bool
	}{
		{"one peer", true, 1, true},
		{"connWait off", false, 1, false},
		{"two peers", true, 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, err := NewContext(loop.PoolConfig{Loops: 1}, 0, c.connWait, true)
			if err != nil {
				t.Fatal(err)
			}
			defer ctx.Term()
			pull, _ := ctx.NewSocket(PULL)
			defer pull.Close()
			pull.SetOption(Linger, 0)
			if err := pull.Bind("tcp://127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			addr := pull.opts.LastEndpoint
			var pushes []*Socket
			for i := 0; i < c.peers; i++ {
				push, _ := ctx.NewSocket(PUSH)
				defer push.Close()
				push.SetOption(Linger, 0)
				push.Connect(addr)
				pushes = append(pushes, push)
				m := push.NewMsg(2)
				copy(m.Data, "up")
				push.Send(&m, 0)
				var in ring.Msg
				if err := pull.Recv(&in, 0); err != nil {
					t.Fatal(err)
				}
				in.Free()
			}
			got := make(chan string, 1)
			go func() {
				var in ring.Msg
				if err := pull.Recv(&in, 0); err != nil {
					got <- err.Error()
					return
				}
				got <- string(in.Data)
				in.Free()
			}()
			direct := false
			for end := time.Now().Add(200 * time.Millisecond); time.Now().Before(end) && !direct; {
				direct = pull.waitingOn.Load() != nil
				time.Sleep(time.Millisecond)
			}
			if direct != c.wantDirect {
				t.Errorf("waiting on the connection: %v, want %v", direct, c.wantDirect)
			}
			m := pushes[0].NewMsg(5)
			copy(m.Data, "hello")
			pushes[0].Send(&m, 0)
			select {
			case s := <-got:
				if s != "hello" {
					t.Fatalf("received %q", s)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("nothing received")
			}
			if pull.waitingOn.Load() != nil {
				t.Fatal("waitingOn still set after the receive")
			}
			if pull.drove != c.wantDirect {
				t.Fatalf("drove %v after the receive, want %v", pull.drove, c.wantDirect)
			}
			// A Poller asks Events before it sleeps: the connection must
			// go back to its loop then, or nothing would read it for the
			// Poller until the loop's check found it idle.
			if ev, err := pull.Events(); err != nil || ev&PollIn != 0 {
				t.Fatalf("Events: %d, %v; want nothing to read", ev, err)
			}
			if pull.drove {
				t.Fatal("Events left the connection driven")
			}
		})
	}
}
