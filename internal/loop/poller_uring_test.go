//go:build linux

package loop

import (
	"bytes"
	"log"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// newTestUring makes an io_uring poller, or skips where the kernel has none
// to give (the fallback is tested on its own).
func newTestUring(t testing.TB) *uringPoller {
	t.Helper()
	p, err := newUringPoller(0)
	if err != nil {
		t.Skipf("io_uring unavailable: %v", err)
	}
	t.Cleanup(p.close)
	return p
}

func socketpair(t testing.TB) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds
}

// countHandler counts its calls and keeps the last bits.
type countHandler struct {
	calls atomic.Int32
	last  atomic.Uint32
}

func (h *countHandler) handle(ev uint32) { h.calls.Add(1); h.last.Store(ev) }

// waitCalls runs wait until h was called, for at most 3 s.
func waitCalls(t *testing.T, p poller, h *countHandler) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); h.calls.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("handler not called")
		}
		p.wait(50)
	}
}

// TestUringStaleAfterReuse: a completion still in the ring for a deleted
// fd must not reach the old handler when the fd number has been closed and
// registered again, nor be taken for the new registration's.
func TestUringStaleAfterReuse(t *testing.T) {
	p := newTestUring(t)
	old := socketpair(t)
	unix.Write(old[1], []byte("x"))
	hOld := &countHandler{}
	if err := p.add(old[0], evRead, hOld); err != nil {
		t.Fatal(err)
	}
	// Submit the poll, which completes at once, and leave its CQE unread.
	if _, err := p.ring.SubmitAndWait(1, time.Second); err != nil {
		t.Fatal(err)
	}
	if p.ring.CQReady() == 0 {
		t.Fatal("no completion in the ring")
	}
	num := old[0]
	p.del(num)
	unix.Close(num)

	// The same number, now a socket with nothing to read but room to write.
	fresh := socketpair(t)
	if fresh[0] != num {
		if err := unix.Dup3(fresh[0], num, unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		defer unix.Close(num)
	}
	hNew := &countHandler{}
	if err := p.add(num, evRead, hNew); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		p.wait(20)
	}
	if n := hOld.calls.Load(); n != 0 {
		t.Fatalf("old handler called %d times after del", n)
	}
	if n := hNew.calls.Load(); n != 0 {
		t.Fatalf("new handler called (%#x) with nothing to read: the old completion leaked into it", hNew.last.Load())
	}
	unix.Write(fresh[1], []byte("y"))
	waitCalls(t, p, hNew)
	if hNew.last.Load()&evRead == 0 || hOld.calls.Load() != 0 {
		t.Fatalf("new handler got %#x, old called %d times", hNew.last.Load(), hOld.calls.Load())
	}
}

// TestUringHalfClosedNotRead: a socket whose peer shut down its side, with
// an interest that does not include reading, reports nothing and does not
// spin (the kernel's POLLRDHUP is never cleared), yet still reports
// writability when asked, and the hang-up when it comes.
func TestUringHalfClosedNotRead(t *testing.T) {
	p := newTestUring(t)
	fds := socketpair(t)
	h := &countHandler{}
	if err := p.add(fds[0], 0, h); err != nil {
		t.Fatal(err)
	}
	unix.Shutdown(fds[1], unix.SHUT_WR)
	for i := 0; i < 5; i++ {
		p.wait(20)
	}
	if h.calls.Load() != 0 {
		t.Fatalf("handler called with %#x under no interest", h.last.Load())
	}
	// Not spinning: a blocking wait blocks.
	start := time.Now()
	p.wait(50)
	if time.Since(start) < 40*time.Millisecond {
		t.Fatal("wait returned early: the half-closed socket keeps completing")
	}
	p.mod(fds[0], evWrite)
	waitCalls(t, p, h)
	if h.last.Load()&evWrite == 0 {
		t.Fatalf("got %#x, want evWrite", h.last.Load())
	}
	p.mod(fds[0], 0)
	p.wait(0)
	h.calls.Store(0)
	unix.Shutdown(fds[1], unix.SHUT_RDWR) // full hang-up: reported whatever the interest
	waitCalls(t, p, h)
	if h.last.Load()&evHup == 0 {
		t.Fatalf("got %#x, want evHup", h.last.Load())
	}
}

// TestUringFallback: where io_uring cannot be set up, the pool runs on epoll
// and says so in one log line, not one per loop.
func TestUringFallback(t *testing.T) {
	var buf bytes.Buffer
	log.SetOutput(&buf)
	defer log.SetOutput(os.Stderr)
	// Above the kernel's limit (32768) and no IORING_SETUP_CLAMP: EINVAL.
	pool, err := NewPool(PoolConfig{Loops: 2, Backend: BackendUring, uringEntries: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, l := range pool.loops {
		if _, ok := l.poller.(*epollPoller); !ok {
			t.Fatalf("loop %d runs %T, want the epoll fallback", l.index, l.poller)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "zring: io_uring unavailable (invalid argument), using epoll") {
		t.Fatalf("log %q, want one line naming the reason", buf.String())
	}
}

// TestUringPool: a pool asked for io_uring gets it where the kernel allows.
func TestUringPool(t *testing.T) {
	newTestUring(t)
	pool, err := NewPool(PoolConfig{Loops: 2, Backend: BackendUring})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, l := range pool.loops {
		if _, ok := l.poller.(*uringPoller); !ok {
			t.Fatalf("loop %d runs %T", l.index, l.poller)
		}
	}
}

// TestUringSmallRing: more fds than the queues hold, all ready at once:
// add submits when the submission queue is full, completions beyond the
// completion queue wait in the kernel, and every fd is still reported,
// again and again while it stays ready.
func TestUringSmallRing(t *testing.T) {
	newTestUring(t)
	p, err := newUringPoller(8) // 8 SQEs, 16 CQEs
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	const n = 100
	hs := make([]*countHandler, n)
	for i := range hs {
		fds := socketpair(t)
		unix.Write(fds[1], []byte("x"))
		hs[i] = &countHandler{}
		if err := p.add(fds[0], evRead, hs[i]); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		low := int32(1 << 30)
		for _, h := range hs {
			low = min(low, h.calls.Load())
		}
		if low >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("some fd reported only %d times", low)
		}
		p.wait(10)
	}
}

func TestUringWaitZeroDoesNotBlock(t *testing.T) {
	p := newTestUring(t)
	fds := socketpair(t)
	p.add(fds[0], evRead, &countHandler{}) // queued, submitted by the wait
	for i := 0; i < 100; i++ {
		start := time.Now()
		if n, err := p.wait(0); n != 0 || err != nil {
			t.Fatalf("wait(0) = %d, %v", n, err)
		}
		if el := time.Since(start); el > 100*time.Millisecond {
			t.Fatalf("wait(0) took %v", el)
		}
	}
}

// TestUringWake: wake from another goroutine ends wait(-1), again and
// again (the eventfd's multishot poll posts once per write), and a timed
// wait without a wake lasts its time.
func TestUringWake(t *testing.T) {
	p := newTestUring(t)
	for i := 0; i < 20; i++ {
		done := make(chan struct{})
		go func() {
			time.Sleep(time.Millisecond)
			p.wake()
			close(done)
		}()
		start := time.Now()
		p.wait(-1)
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("round %d: wake did not end wait(-1) (%v)", i, el)
		}
		<-done
		p.wait(0) // a wake that came before the wait returns it at once; drain it
	}
	start := time.Now()
	p.wait(30)
	if el := time.Since(start); el < 25*time.Millisecond || el > 2*time.Second {
		t.Fatalf("wait(30) took %v", el)
	}
}

// TestUringNoFDLeak: a poller closes everything it opened.
func TestUringNoFDLeak(t *testing.T) {
	newTestUring(t)
	fds := socketpair(t)
	before := countFDs(t)
	for i := 0; i < 5; i++ {
		p, err := newUringPoller(0)
		if err != nil {
			t.Fatal(err)
		}
		p.add(fds[0], evRead|evWrite, &countHandler{})
		p.wait(10)
		p.wake()
		p.wait(10)
		p.close()
	}
	if after := countFDs(t); after != before {
		t.Fatalf("%d fds open before, %d after", before, after)
	}
}

func countFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(ents)
}

// TestUringWaitAllocs: a wait that reports a ready fd and arms it again
// allocates nothing.
func TestUringWaitAllocs(t *testing.T) {
	p := newTestUring(t)
	fds := socketpair(t)
	unix.Write(fds[1], []byte("x")) // left unread: reported by every wait
	h := &countHandler{}
	p.add(fds[0], evRead, h)
	waitCalls(t, p, h)
	if a := testing.AllocsPerRun(200, func() { p.wait(-1) }); a != 0 {
		t.Fatalf("%v allocations per wait", a)
	}
	if h.calls.Load() < 200 {
		t.Fatalf("handler called %d times in 200+ waits", h.calls.Load())
	}
}

// BenchmarkPollerWait: one wait that reports one level-ready fd, per
// backend with a dedicated thread.
func BenchmarkPollerWait(b *testing.B) {
	for _, backend := range []string{BackendEpoll, BackendUring} {
		b.Run(backend, func(b *testing.B) {
			p, err := newPoller(&PoolConfig{Backend: backend})
			if err != nil {
				b.Fatal(err)
			}
			defer p.close()
			if _, ok := p.(*uringPoller); backend == BackendUring && !ok {
				b.Skip("io_uring unavailable")
			}
			fds := socketpair(b)
			unix.Write(fds[1], []byte("x"))
			h := &countHandler{}
			p.add(fds[0], evRead, h)
			b.ReportAllocs()
			for b.Loop() {
				p.wait(-1)
			}
			if int(h.calls.Load()) < b.N {
				b.Fatalf("%d events in %d waits", h.calls.Load(), b.N)
			}
		})
	}
}
