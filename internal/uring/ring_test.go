//go:build linux

package uring

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// newRing sets up a ring, or skips the test where io_uring is missing or
// forbidden (ENOSYS, EPERM: seccomp, kernel.io_uring_disabled).
func newRing(t testing.TB, entries uint32) *Ring {
	t.Helper()
	r, err := Setup(entries, 0)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		t.Skipf("io_uring unavailable: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustSQE(t testing.TB, r *Ring) *SQE {
	t.Helper()
	sqe := r.GetSQE()
	if sqe == nil {
		t.Fatal("submission queue full")
	}
	return sqe
}

func mustPop(t testing.TB, r *Ring) CQE {
	t.Helper()
	c, ok := r.PopCQE()
	if !ok {
		t.Fatal("no CQE")
	}
	return c
}

func TestNop(t *testing.T) {
	r := newRing(t, 8)
	if r.SQEntries() != 8 || r.CQEntries() != 16 {
		t.Fatalf("entries %d/%d, want 8/16", r.SQEntries(), r.CQEntries())
	}
	for i := uint64(1); i <= 20; i++ { // more than the ring holds: indices wrap
		sqe := mustSQE(t, r)
		sqe.PrepNop()
		sqe.UserData = i
		if n, err := r.SubmitAndWait(1, -1); err != nil || n != 1 {
			t.Fatalf("SubmitAndWait = %d, %v", n, err)
		}
		if r.CQReady() != 1 {
			t.Fatalf("CQReady = %d", r.CQReady())
		}
		if c := mustPop(t, r); c.UserData != i || c.Res != 0 {
			t.Fatalf("CQE %+v, want user data %d, res 0", c, i)
		}
		if _, ok := r.PopCQE(); ok {
			t.Fatal("a second CQE")
		}
	}
}

// newPipe returns a non-blocking pipe closed when the test ends.
func newPipe(t *testing.T) [2]int {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(p[0])
		unix.Close(p[1])
	})
	return p
}

// TestPollPipe: a one-shot poll completes when the pipe gets data, and at
// once when it is armed on a pipe that already has some (what gives the
// loop's poller its level-triggered behaviour).
func TestPollPipe(t *testing.T) {
	r := newRing(t, 8)
	p := newPipe(t)
	sqe := mustSQE(t, r)
	sqe.PrepPollAdd(p[0], unix.POLLIN, 0)
	sqe.UserData = 7
	if _, err := r.SubmitAndWait(0, -1); err != nil {
		t.Fatal(err)
	}
	if r.CQReady() != 0 {
		t.Fatal("poll completed on an empty pipe")
	}
	unix.Write(p[1], []byte("x"))
	if _, err := r.SubmitAndWait(1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if c := mustPop(t, r); c.UserData != 7 || c.Res&unix.POLLIN == 0 {
		t.Fatalf("CQE %+v, want POLLIN", c)
	}
	// Still unread: a new poll completes while being submitted.
	sqe = mustSQE(t, r)
	sqe.PrepPollAdd(p[0], unix.POLLIN, 0)
	sqe.UserData = 8
	if _, err := r.SubmitAndWait(0, -1); err != nil {
		t.Fatal(err)
	}
	if c := mustPop(t, r); c.UserData != 8 || c.Res&unix.POLLIN == 0 {
		t.Fatalf("CQE %+v, want POLLIN at once", c)
	}
}

// TestPollRemove: a removed poll ends with -ECANCELED; removing one that
// has completed fails with -ENOENT.
func TestPollRemove(t *testing.T) {
	r := newRing(t, 8)
	p := newPipe(t)
	sqe := mustSQE(t, r)
	sqe.PrepPollAdd(p[0], unix.POLLIN, 0)
	sqe.UserData = 1
	sqe = mustSQE(t, r)
	sqe.PrepPollRemove(1)
	sqe.UserData = 2
	sqe = mustSQE(t, r)
	sqe.PrepPollRemove(1)
	sqe.UserData = 3
	if _, err := r.SubmitAndWait(3, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	got := map[uint64]int32{}
	for c, ok := r.PopCQE(); ok; c, ok = r.PopCQE() {
		got[c.UserData] = c.Res
	}
	if got[1] != -int32(unix.ECANCELED) || got[2] != 0 || got[3] != -int32(unix.ENOENT) {
		t.Fatalf("results %v", got)
	}
}

// TestPollRDHUP: the kernel adds POLLRDHUP to every poll, so a one-shot
// poll asking for nothing completes at once, again and again, on a socket
// whose peer shut down its side. The loop's poller depends on knowing this
// (it switches such an fd to a multishot poll).
func TestPollRDHUP(t *testing.T) {
	r := newRing(t, 8)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	unix.Shutdown(fds[1], unix.SHUT_WR)
	for i := 0; i < 2; i++ {
		sqe := mustSQE(t, r)
		sqe.PrepPollAdd(fds[0], 0, 0)
		if _, err := r.SubmitAndWait(1, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if c := mustPop(t, r); c.Res != unix.POLLRDHUP {
			t.Fatalf("res %#x, want POLLRDHUP alone", c.Res)
		}
	}
}

// TestMultishotEventfd: a multishot poll on an eventfd posts once for each
// write, even when the counter is never read (eventfd wakes its waiters on
// every write); the loop's poller wakes its ring this way.
func TestMultishotEventfd(t *testing.T) {
	r := newRing(t, 8)
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	sqe := mustSQE(t, r)
	sqe.PrepPollAdd(efd, unix.POLLIN, PollAddMulti)
	sqe.UserData = 9
	if _, err := r.SubmitAndWait(0, -1); err != nil {
		t.Fatal(err)
	}
	if c, ok := r.PopCQE(); ok {
		t.Fatalf("CQE %+v before any write", c)
	}
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	for i := 0; i < 3; i++ {
		unix.Write(efd, one)
		if _, err := r.SubmitAndWait(1, 5*time.Second); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		c := mustPop(t, r)
		if c.UserData != 9 || c.Res&unix.POLLIN == 0 || c.Flags&CQEFMore == 0 {
			t.Fatalf("write %d: CQE %+v, want POLLIN with F_MORE", i, c)
		}
		if _, ok := r.PopCQE(); ok {
			t.Fatalf("write %d: more than one CQE", i)
		}
	}
}

func TestTimeout(t *testing.T) {
	r := newRing(t, 8)
	start := time.Now()
	_, err := r.SubmitAndWait(1, 50*time.Millisecond)
	if el := time.Since(start); err != unix.ETIME || el < 40*time.Millisecond || el > 2*time.Second {
		t.Fatalf("SubmitAndWait(1, 50ms) = %v after %v, want ETIME after about 50ms", err, el)
	}
	// Zero: look and return.
	start = time.Now()
	if _, err := r.SubmitAndWait(1, 0); err != unix.ETIME || time.Since(start) > time.Second {
		t.Fatalf("SubmitAndWait(1, 0) = %v after %v", err, time.Since(start))
	}
}

// TestFull: GetSQE returns nil when every SQE is handed out, and a Submit
// makes room.
func TestFull(t *testing.T) {
	r := newRing(t, 4)
	for i := 0; i < 4; i++ {
		mustSQE(t, r).PrepNop()
	}
	if r.GetSQE() != nil {
		t.Fatal("GetSQE on a full queue")
	}
	if r.Pending() != 4 {
		t.Fatalf("Pending = %d", r.Pending())
	}
	if n, err := r.Submit(); n != 4 || err != nil {
		t.Fatalf("Submit = %d, %v", n, err)
	}
	if r.Pending() != 0 || r.GetSQE() == nil {
		t.Fatal("no room after Submit")
	}
	r.Submit()
	if _, err := r.SubmitAndWait(5, time.Second); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ok := r.PopCQE(); ok; _, ok = r.PopCQE() {
		n++
	}
	if n != 5 {
		t.Fatalf("%d CQEs, want 5", n)
	}
}

func TestSetupTooLarge(t *testing.T) {
	newRing(t, 1) // skips where io_uring is unavailable
	if _, err := Setup(1<<20, 0); err != unix.EINVAL {
		t.Fatalf("Setup(1<<20) = %v, want EINVAL", err)
	}
	r, err := Setup(1<<20, SetupClamp)
	if err != nil {
		t.Fatalf("Setup(1<<20, clamp) = %v", err)
	}
	r.Close()
}

// TestNoAllocs: a submit-and-wait round and the CQE loop allocate nothing,
// with and without a timeout.
func TestNoAllocs(t *testing.T) {
	r := newRing(t, 8)
	for _, timeout := range []time.Duration{-1, time.Second} {
		allocs := testing.AllocsPerRun(200, func() {
			r.GetSQE().PrepNop()
			r.GetSQE().PrepNop()
			if _, err := r.SubmitAndWait(2, timeout); err != nil {
				t.Fatal(err)
			}
			for _, ok := r.PopCQE(); ok; _, ok = r.PopCQE() {
			}
		})
		if allocs != 0 {
			t.Fatalf("timeout %v: %v allocations per round", timeout, allocs)
		}
	}
}

func BenchmarkNopRoundTrip(b *testing.B) {
	r := newRing(b, 8)
	b.ReportAllocs()
	for b.Loop() {
		r.GetSQE().PrepNop()
		r.SubmitAndWait(1, -1)
		r.PopCQE()
	}
}

// TestEnterWhileSubmitting: Enter blocks on one goroutine while another
// submits (serialized by its own lock, as Enter's doc requires); the
// waiter sees the other's completion.
func TestEnterWhileSubmitting(t *testing.T) {
	r := newRing(t, 8)
	done := make(chan error, 1)
	go func() {
		_, err := r.Enter(0, 1, EnterGetEvents, 5*time.Second)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	sqe := mustSQE(t, r)
	sqe.PrepNop()
	sqe.UserData = 5
	if _, err := r.Submit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Enter = %v, want the NOP's completion", err)
	}
	if c := mustPop(t, r); c.UserData != 5 {
		t.Fatalf("CQE %+v", c)
	}
}
