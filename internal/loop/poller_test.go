//go:build linux

package loop

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

type recordHandler struct{ got chan uint32 }

func (h recordHandler) handle(ev uint32) { h.got <- ev }

// TestPollers drives each backend with a socketpair: readiness is reported
// while it lasts (level-triggered), follows mod, and stops after del.
func TestPollers(t *testing.T) {
	for _, backend := range []string{BackendEpoll, BackendUring, BackendNetpoll} {
		t.Run(backend, func(t *testing.T) {
			p, err := newPoller(&PoolConfig{Backend: backend})
			if err != nil {
				t.Fatal(err)
			}
			defer p.close()
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			h := recordHandler{make(chan uint32, 16)}
			if err := p.add(fds[0], evRead, h); err != nil {
				t.Fatal(err)
			}
			// waitFor runs the poller until the handler saw want.
			waitFor := func(want uint32) {
				t.Helper()
				deadline := time.Now().Add(3 * time.Second)
				for time.Now().Before(deadline) {
					p.wait(50)
					select {
					case ev := <-h.got:
						if ev&want != 0 {
							return
						}
					default:
					}
				}
				t.Fatalf("no event %#x", want)
			}
			quiet := func() {
				t.Helper()
				p.wait(50)
				p.wait(50)
				select {
				case ev := <-h.got:
					t.Fatalf("unexpected event %#x", ev)
				default:
				}
			}
			quiet()
			unix.Write(fds[1], []byte("x"))
			waitFor(evRead)
			waitFor(evRead) // not read yet: still ready
			var b [8]byte
			unix.Read(fds[0], b[:])
			// A readiness seen before the read may still be delivered
			// (netpoll's watcher can post it just before): a level-
			// triggered handler meets it with EAGAIN. Let it pass first.
			p.wait(20)
			for len(h.got) > 0 {
				<-h.got
			}
			quiet()
			p.mod(fds[0], evRead|evWrite)
			waitFor(evWrite)
			p.mod(fds[0], 0)
			for len(h.got) > 0 {
				<-h.got
			}
			quiet()
			// quiet: data that comes while nobody listens is reported once
			// interest returns (netpoll dropped and re-made its
			// registration), twice over.
			for range 2 {
				if got := p.quiet(fds[0]); got != (backend == BackendNetpoll) {
					t.Fatalf("quiet = %v", got)
				}
				if p.quiet(fds[0]) {
					t.Fatal("quiet twice did something")
				}
				if np, ok := p.(*netPoller); ok && np.watches[fds[0]].file != nil {
					t.Fatal("netpoll: quiet kept the fd in the netpoller")
				}
				unix.Write(fds[1], []byte("q"))
				quiet()
				p.mod(fds[0], evRead)
				waitFor(evRead)
				unix.Read(fds[0], b[:])
				p.mod(fds[0], 0)
				p.wait(20)
				for len(h.got) > 0 {
					<-h.got
				}
			}
			p.quiet(fds[0])
			p.mod(fds[0], evRead)
			p.del(fds[0])
			unix.Write(fds[1], []byte("y"))
			quiet()
			// wake interrupts a blocking wait.
			go func() { time.Sleep(20 * time.Millisecond); p.wake() }()
			start := time.Now()
			p.wait(-1)
			if time.Since(start) > 2*time.Second {
				t.Fatal("wake did not interrupt wait")
			}
			if p.dedicated() != (backend != BackendNetpoll) {
				t.Fatal("dedicated()")
			}
		})
	}
}
