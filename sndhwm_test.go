package zring_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/zring/zring"
)

// TestSndHWMWithKernelPushingBack: a PUSH whose peer stops reading takes
// small messages until the kernel's buffers and its SNDHWM are full, then
// is mute (EAGAIN with DontWait). Sends of at most 256 bytes go straight
// into the connection's write buffer, and while the kernel pushed back
// each one used to move another batch out of the pipe into that buffer:
// the pipe never reached SNDHWM and the buffer grew without bound (issue
// 12's torture, halfopen/no-heartbeat).
func TestSndHWMWithKernelPushingBack(t *testing.T) {
	ctx := newCtx(t)
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.SndHWM, 1000)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	mon := watch(t, ctx, push, "sndhwm-kernel", zring.EventHandshakeSucceeded)
	conns := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		conns <- c
	}()
	if err := push.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	c := <-conns
	defer c.Close()
	rawHandshake(t, c, "PULL") // then reads nothing more
	expect(t, mon, zring.EventHandshakeSucceeded)
	msg := []byte(strings.Repeat("m", 16))
	// The kernel holds a few MiB at most (tcp_wmem's and the receive
	// buffer's); 2 million 18-byte frames are far beyond that.
	const limit = 2_000_000
	sent := 0
	for ; sent < limit; sent++ {
		if err := push.Send(msg, zring.DontWait); err != nil {
			if !errors.Is(err, zring.ErrAgain) {
				t.Fatal(err)
			}
			break
		}
	}
	if sent == limit {
		t.Fatalf("%d messages taken by a PUSH whose peer reads nothing: SNDHWM never reached", sent)
	}
	t.Logf("%d messages taken before EAGAIN", sent)
}
