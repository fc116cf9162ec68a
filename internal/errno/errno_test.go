package errno

import (
	"errors"
	"syscall"
	"testing"
)

func TestErrnoIs(t *testing.T) {
	cases := []struct {
		err    error
		target error
		want   bool
	}{
		{EAGAIN, syscall.EAGAIN, true},
		{EINVAL, syscall.EINVAL, true},
		{EHOSTUNREACH, syscall.EHOSTUNREACH, true},
		{EAGAIN, EINVAL, false},
		{EFSM, EFSM, true},
		{ETERM, syscall.Errno(ETERM), false}, // ZeroMQ numbers are not syscall numbers
		{Wrap("bind", "tcp://x", EADDRINUSE), syscall.EADDRINUSE, true},
		{Wrap("bind", "tcp://x", EADDRINUSE), EADDRINUSE, true},
	}
	for _, c := range cases {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", c.err, c.target, got, c.want)
		}
	}
}

func TestErrnoNumbers(t *testing.T) {
	// zmq.h: EFSM = ZMQ_HAUSNUMERO + 51, ETERM = ZMQ_HAUSNUMERO + 53.
	if EFSM != 156384763 || ETERM != 156384765 || EMTHREAD != 156384766 || ENOCOMPATPROTO != 156384764 {
		t.Fatalf("ZeroMQ errno numbers differ from zmq.h")
	}
	if EAGAIN.Error() != syscall.EAGAIN.Error() {
		t.Fatalf("EAGAIN text %q", EAGAIN.Error())
	}
	if e := Wrap("connect", "tcp://a:1", EINVAL).Error(); e != "connect tcp://a:1: invalid argument" {
		t.Fatalf("OpError text %q", e)
	}
	if Wrap("x", "", nil) != nil {
		t.Fatal("Wrap(nil) != nil")
	}
}
