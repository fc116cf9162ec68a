package loop

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkLoopbackSendZeroCopy is the measurement behind not using
// MSG_ZEROCOPY (the kernel's send-zero-copy) for large bodies: it sends
// size-byte writes over tcp loopback, copied as the sessions send them or
// with MSG_ZEROCOPY (reaping the completions from the error queue as a
// sender must before it may reuse the memory), while a goroutine reads
// them. On loopback the kernel copies zero-copy pages anyway when it
// delivers them to the local socket, so zero-copy can only add the
// completion work; see BENCHMARKS.md for the figures.
func BenchmarkLoopbackSendZeroCopy(b *testing.B) {
	for _, size := range []int{64 << 10, 1 << 20} {
		for _, zc := range []bool{false, true} {
			b.Run(fmt.Sprintf("size=%dKiB/zerocopy=%v", size>>10, zc), func(b *testing.B) {
				benchLoopbackSend(b, size, zc)
			})
		}
	}
}

func benchLoopbackSend(b *testing.B, size int, zerocopy bool) {
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		b.Fatal(err)
	}
	if err := unix.Listen(ln, 1); err != nil {
		b.Fatal(err)
	}
	sa, _ := unix.Getsockname(ln)
	snd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(snd)
	if err := unix.Connect(snd, sa); err != nil {
		b.Fatal(err)
	}
	rcv, _, err := unix.Accept4(ln, unix.SOCK_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(rcv)
	if zerocopy {
		if err := unix.SetsockoptInt(snd, unix.SOL_SOCKET, unix.SO_ZEROCOPY, 1); err != nil {
			b.Skipf("SO_ZEROCOPY: %v", err)
		}
	}
	total := int64(b.N) * int64(size)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 256<<10)
		for got := int64(0); got < total; {
			n, err := unix.Read(rcv, buf)
			if err != nil || n == 0 {
				done <- fmt.Errorf("read: %d, %v", n, err)
				return
			}
			got += int64(n)
		}
		done <- nil
	}()
	body := make([]byte, size)
	ctrl := make([]byte, 128)
	flags := 0
	if zerocopy {
		flags = unix.MSG_ZEROCOPY
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for range b.N {
		for off := 0; off < size; {
			n, err := unix.SendmsgN(snd, body[off:], nil, nil, flags)
			if err == unix.ENOBUFS && zerocopy {
				reapZeroCopy(snd, ctrl) // too many completions outstanding
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			off += n
		}
		if zerocopy {
			reapZeroCopy(snd, ctrl)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// reapZeroCopy drains the zero-copy completions waiting on fd's error
// queue without blocking.
func reapZeroCopy(fd int, ctrl []byte) {
	for {
		_, _, _, _, err := unix.Recvmsg(fd, nil, ctrl, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
		if err != nil {
			return
		}
	}
}
