//go:build linux

package uring

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// newStreamPair returns a connected non-blocking stream socket pair, closed
// when the test ends (fd -1 once the test closed it itself).
func newStreamPair(t testing.TB) *[2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &[2]int{fds[0], fds[1]}
	t.Cleanup(func() {
		for _, fd := range p {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
	})
	return p
}

func newBufRing(t testing.TB, r *Ring, count, size int) *BufRing {
	t.Helper()
	br, err := r.RegisterBufRing(1, count, size)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		t.Skipf("provided-buffer rings unavailable: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return br
}

// waitCQE waits up to 5 s for one CQE.
func waitCQE(t testing.TB, r *Ring) CQE {
	t.Helper()
	if r.CQReady() == 0 {
		if _, err := r.SubmitAndWait(1, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	return mustPop(t, r)
}

// TestRecvMultishot: one armed receive delivers each write into a provided
// buffer, stays armed (CQEFMore), and ends with Res 0 at end of stream.
func TestRecvMultishot(t *testing.T) {
	r := newRing(t, 8)
	br := newBufRing(t, r, 4, 64)
	defer br.Close()
	p := newStreamPair(t)
	sqe := mustSQE(t, r)
	sqe.PrepRecvMultishot(p[0], 1)
	sqe.UserData = 5
	if _, err := r.Submit(); err != nil {
		t.Fatal(err)
	}
	// More writes than buffers: recycling keeps the receive armed.
	for i := range 10 {
		msg := bytes.Repeat([]byte{byte('a' + i)}, 10+i)
		unix.Write(p[1], msg)
		c := waitCQE(t, r)
		data, bid, ok := br.Buffer(c)
		if !ok || c.UserData != 5 || c.Flags&CQEFMore == 0 || !bytes.Equal(data, msg) {
			t.Fatalf("write %d: CQE %+v data %q ok %v, want %q with CQEFMore", i, c, data, ok, msg)
		}
		br.Recycle(bid)
	}
	unix.Close(p[1])
	p[1] = -1
	c := waitCQE(t, r)
	if c.Res != 0 || c.Flags&CQEFMore != 0 {
		t.Fatalf("end of stream: CQE %+v, want Res 0 without CQEFMore", c)
	}
	if _, _, ok := br.Buffer(c); ok {
		t.Fatal("end of stream carries a buffer")
	}
}

// TestRecvMultishotNoBufs: with every buffer held by the reader, the
// receive ends with -ENOBUFS and loses nothing: re-armed after a Recycle it
// delivers what the socket kept.
func TestRecvMultishotNoBufs(t *testing.T) {
	r := newRing(t, 8)
	br := newBufRing(t, r, 2, 4)
	defer br.Close()
	p := newStreamPair(t)
	arm := func() {
		sqe := mustSQE(t, r)
		sqe.PrepRecvMultishot(p[0], 1)
		if _, err := r.Submit(); err != nil {
			t.Fatal(err)
		}
	}
	arm()
	var got []byte
	var held []uint16
	unix.Write(p[1], []byte("0123456789abcdef"))
	for {
		c := waitCQE(t, r)
		if data, bid, ok := br.Buffer(c); ok {
			got = append(got, data...)
			held = append(held, bid)
			continue
		}
		if c.Res != -int32(unix.ENOBUFS) || c.Flags&CQEFMore != 0 {
			t.Fatalf("CQE %+v, want -ENOBUFS, final", c)
		}
		break
	}
	if len(held) != 2 || string(got) != "01234567" {
		t.Fatalf("held %v got %q, want both buffers and 8 bytes", held, got)
	}
	for len(got) < 16 {
		for _, bid := range held {
			br.Recycle(bid)
		}
		held = held[:0]
		arm()
		for {
			c := waitCQE(t, r)
			data, bid, ok := br.Buffer(c)
			if !ok {
				break // ENOBUFS again: recycle and re-arm
			}
			got = append(got, data...)
			held = append(held, bid)
			if len(got) == 16 {
				break
			}
		}
	}
	if string(got) != "0123456789abcdef" {
		t.Fatalf("got %q", got)
	}
}

func TestRegisterBufRingArgs(t *testing.T) {
	r := newRing(t, 8)
	for _, c := range []struct{ count, size int }{{0, 8}, {3, 8}, {1 << 16, 8}, {4, 0}} {
		if _, err := r.RegisterBufRing(2, c.count, c.size); !errors.Is(err, unix.EINVAL) {
			t.Errorf("RegisterBufRing(%d, %d) = %v, want EINVAL", c.count, c.size, err)
		}
	}
}
