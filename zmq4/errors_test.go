package zmq4_test

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/zring/zring"
	zmq "github.com/zring/zring/zmq4"
)

// newContext returns a context Term'd when the test ends (after the
// sockets it made are closed: register their Close after this).
func newContext(t *testing.T) *zmq.Context {
	t.Helper()
	ctx, err := zmq.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Term() })
	return ctx
}

// newSocket makes a socket of ctx with linger 0, closed when the test ends.
func newSocket(t *testing.T, ctx *zmq.Context, typ zmq.Type) *zmq.Socket {
	t.Helper()
	s, err := ctx.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetLinger(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestErrnoNumbersAreLinux(t *testing.T) {
	// zring uses Linux's numbers everywhere; on Linux they are syscall's.
	for _, c := range []struct {
		got  zmq.Errno
		want syscall.Errno
	}{
		{zmq.EADDRINUSE, syscall.EADDRINUSE}, {zmq.EADDRNOTAVAIL, syscall.EADDRNOTAVAIL},
		{zmq.EAFNOSUPPORT, syscall.EAFNOSUPPORT}, {zmq.ECONNABORTED, syscall.ECONNABORTED},
		{zmq.ECONNREFUSED, syscall.ECONNREFUSED}, {zmq.ECONNRESET, syscall.ECONNRESET},
		{zmq.EHOSTUNREACH, syscall.EHOSTUNREACH}, {zmq.EINPROGRESS, syscall.EINPROGRESS},
		{zmq.EMSGSIZE, syscall.EMSGSIZE}, {zmq.ENETDOWN, syscall.ENETDOWN},
		{zmq.ENETRESET, syscall.ENETRESET}, {zmq.ENETUNREACH, syscall.ENETUNREACH},
		{zmq.ENOBUFS, syscall.ENOBUFS}, {zmq.ENOTCONN, syscall.ENOTCONN},
		{zmq.ENOTSOCK, syscall.ENOTSOCK}, {zmq.ENOTSUP, syscall.ENOTSUP},
		{zmq.EPROTONOSUPPORT, syscall.EPROTONOSUPPORT}, {zmq.ETIMEDOUT, syscall.ETIMEDOUT},
	} {
		if uintptr(c.got) != uintptr(c.want) {
			t.Errorf("%v is %d, syscall's %d", c.want, uintptr(c.got), uintptr(c.want))
		}
	}
	// zmq.h: ZMQ_HAUSNUMERO 156384712 + 51, 52, 53, 54.
	for _, c := range []struct {
		got  zmq.Errno
		want uintptr
		text string
	}{
		{zmq.EFSM, 156384763, "Operation cannot be accomplished in current state"},
		{zmq.ENOCOMPATPROTO, 156384764, "The protocol is not compatible with the socket type"},
		{zmq.ETERM, 156384765, "Context was terminated"},
		{zmq.EMTHREAD, 156384766, "No thread available"},
	} {
		if uintptr(c.got) != c.want || c.got.Error() != c.text {
			t.Errorf("got %d %q, want %d %q", uintptr(c.got), c.got.Error(), c.want, c.text)
		}
	}
	if got, want := zmq.Errno(syscall.EAGAIN).Error(), syscall.EAGAIN.Error(); got != want {
		t.Errorf("EAGAIN reads %q, want %q", got, want)
	}
	if got := zmq.Error(int(syscall.EINVAL)); got != syscall.EINVAL.Error() {
		t.Errorf("Error(EINVAL) = %q", got)
	}
}

func TestAsErrno(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", &zring.OpError{Op: "bind", Endpoint: "tcp://x", Err: zring.ErrInvalid})
	for _, c := range []struct {
		err  error
		want zmq.Errno
	}{
		{nil, 0},
		{zmq.ETERM, zmq.ETERM},
		{zring.ErrAgain, zmq.Errno(syscall.EAGAIN)},
		{syscall.EINTR, zmq.Errno(syscall.EINTR)},
		{wrapped, zmq.Errno(syscall.EINVAL)},
		{fmt.Errorf("x: %w", zmq.EFSM), zmq.EFSM},
		{errors.New("other"), 0},
		{zmq.ErrorSocketClosed, 0},
	} {
		if got := zmq.AsErrno(c.err); got != c.want {
			t.Errorf("AsErrno(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestErrnoIs(t *testing.T) {
	var err error = zmq.Errno(syscall.EAGAIN)
	if !errors.Is(err, syscall.EAGAIN) || !errors.Is(err, zring.ErrAgain) || !errors.Is(err, zmq.Errno(syscall.EAGAIN)) {
		t.Error("EAGAIN does not match syscall.EAGAIN, zring.ErrAgain and itself")
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(zmq.ETERM, syscall.Errno(zmq.ETERM)) {
		t.Error("matches another number, or a ZeroMQ number as a system one")
	}
}

// TestErrorsAreBare checks that calls fail with the bare Errno, as
// pebbe/zmq4's do, so that pebbe-style comparisons hold.
func TestErrorsAreBare(t *testing.T) {
	ctx := newContext(t)
	s := newSocket(t, ctx, zmq.PULL)
	for _, c := range []struct {
		name string
		err  error
		want zmq.Errno
	}{
		{"bind to a bad endpoint", s.Bind("tcp://no-port"), zmq.Errno(syscall.EINVAL)},
		{"bind to pgm", s.Bind("pgm://eth0;239.192.1.1:5555"), zmq.EPROTONOSUPPORT},
		{"connect to tipc", s.Connect("tipc://{5560,0,0}"), zmq.EPROTONOSUPPORT},
		{"unbind what is not bound", s.Unbind("tcp://127.0.0.1:1"), zmq.Errno(syscall.ENOENT)},
		{"an option of another type", s.SetSubscribe("x"), zmq.Errno(syscall.EINVAL)},
		{"a bad value", s.SetSndhwm(-1), zmq.Errno(syscall.EINVAL)},
	} {
		if c.err != c.want {
			t.Errorf("%s: got %#v (%v), want the bare %v", c.name, c.err, c.err, c.want)
		}
	}
	_, err := s.Recv(zmq.DONTWAIT)
	if err != zmq.Errno(syscall.EAGAIN) {
		t.Errorf("Recv(DONTWAIT) with nothing queued: %#v", err)
	}
	s.SetRcvtimeo(10 * time.Millisecond)
	if _, err := s.RecvMessage(0); zmq.AsErrno(err) != zmq.Errno(syscall.EAGAIN) {
		t.Errorf("RecvMessage past RCVTIMEO: %v", err)
	}
	req := newSocket(t, ctx, zmq.REQ)
	if _, err := req.Recv(0); err != zmq.EFSM {
		t.Errorf("REQ Recv before Send: %v, want EFSM", err)
	}
}

func TestETERM(t *testing.T) {
	ctx, _ := zmq.NewContext()
	s, _ := ctx.NewSocket(zmq.PULL)
	got := make(chan error)
	go func() {
		_, err := s.Recv(0)
		s.Close()
		got <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if err := ctx.Term(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != zmq.ETERM {
		t.Errorf("Recv when the context is terminated: %v, want ETERM", err)
	}
	if _, err := ctx.NewSocket(zmq.PUSH); err != zmq.ErrorContextClosed {
		t.Errorf("NewSocket after Term: %v", err)
	}
	if err := ctx.Term(); err != zmq.ErrorContextClosed {
		t.Errorf("Term twice: %v", err)
	}
	if err := ctx.SetIoThreads(2); err != zmq.ErrorContextClosed {
		t.Errorf("SetIoThreads after Term: %v", err)
	}
}

func TestSocketClosed(t *testing.T) {
	ctx := newContext(t)
	s, _ := ctx.NewSocket(zmq.PAIR)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != zmq.ErrorSocketClosed {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Send("x", 0); err != zmq.ErrorSocketClosed {
		t.Errorf("Send: %v", err)
	}
	if err := s.Bind("inproc://closed"); err != zmq.ErrorSocketClosed {
		t.Errorf("Bind: %v", err)
	}
	if _, err := s.GetLinger(); err != zmq.ErrorSocketClosed {
		t.Errorf("GetLinger: %v", err)
	}
	if _, err := s.Context(); err != zmq.ErrorSocketClosed {
		t.Errorf("Context: %v", err)
	}
}
