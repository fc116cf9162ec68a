//go:build linux

package uring

import (
	"net"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The benchmarks here compare ways for a loop to receive from a TCP
// connection, to decide by measurement whether zring's io_uring backend
// should move from readiness (poll, then read(2), as the loop does now) to
// completion I/O (multishot receives into provided buffers):
//
//	epoll            epoll_wait, then read until EAGAIN (the epoll backend)
//	uring-poll       one-shot POLL_ADD, then read until EAGAIN, re-armed (the uring backend)
//	uring-recv       one multishot RECV into provided buffers, no read(2) at all
//	spin-read        read(2) until data comes (a spinning socket's driven connection)
//	uring-recv-spin  multishot RECV, waiting by watching the CQ ring: no syscall to wait
//
// Each reports CPU time per operation (user+sys of the whole process, both
// ends included) beside wall time, since on a loaded machine the CPU a path
// burns matters as much as its speed.

// tcpPair returns the two ends of a loopback TCP connection as raw
// non-blocking fds with TCP_NODELAY, closed when the benchmark ends.
func tcpPair(b *testing.B) (int, int) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	raw := func(c net.Conn) int {
		f, err := c.(*net.TCPConn).File()
		if err != nil {
			b.Fatal(err)
		}
		fd, err := unix.Dup(int(f.Fd()))
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
		c.Close()
		unix.SetNonblock(fd, true)
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		b.Cleanup(func() { unix.Close(fd) })
		return fd
	}
	return raw(c), raw(s)
}

// receiver is one way of waiting for and taking in a connection's bytes.
type receiver interface {
	// recv waits for data and hands each piece to take; it returns the
	// number of bytes taken.
	recv(take func([]byte)) int
	// send writes p whole, or queues it for the next recv; flush
	// submits what is queued.
	send(fd int, p []byte)
	flush()
}

// plainSend is write(2), for every receiver but uring-recv-send.
type plainSend struct{}

func (plainSend) send(fd int, p []byte) { writeFull(fd, p) }
func (plainSend) flush()                {}

type epollRecv struct {
	plainSend
	fd, ep int
	buf    []byte
	evs    []unix.EpollEvent
}

func newEpollRecv(b *testing.B, fd int) *epollRecv {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(ep) })
	unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)})
	return &epollRecv{fd: fd, ep: ep, buf: make([]byte, 8192), evs: make([]unix.EpollEvent, 8)}
}

func (e *epollRecv) recv(take func([]byte)) int {
	for {
		if _, err := unix.EpollWait(e.ep, e.evs, -1); err != nil && err != unix.EINTR {
			panic(err)
		}
		if n := readAll(e.fd, e.buf, take); n > 0 {
			return n
		}
	}
}

// readAll reads until EAGAIN, as the loop's readIn does.
func readAll(fd int, buf []byte, take func([]byte)) int {
	total := 0
	for {
		n, err := unix.Read(fd, buf)
		if n > 0 {
			take(buf[:n])
			total += n
			if n == len(buf) {
				continue
			}
		}
		if n == 0 && err == nil {
			panic("EOF")
		}
		return total
	}
}

type uringPollRecv struct {
	plainSend
	r   *Ring
	fd  int
	buf []byte
}

func (u *uringPollRecv) recv(take func([]byte)) int {
	for {
		sqe := u.r.GetSQE()
		sqe.PrepPollAdd(u.fd, unix.POLLIN, 0)
		if _, err := u.r.SubmitAndWait(1, -1); err != nil && err != unix.EINTR {
			panic(err)
		}
		for {
			if _, ok := u.r.PopCQE(); !ok {
				break
			}
		}
		if n := readAll(u.fd, u.buf, take); n > 0 {
			return n
		}
	}
}

type uringRecv struct {
	r         *Ring
	br        *BufRing
	fd        int
	spin      bool
	deferTask bool // DEFER_TASKRUN: completions are posted only inside io_uring_enter
	ringSend  bool // send through the ring, submitted with the next wait
}

func (u *uringRecv) send(fd int, p []byte) {
	if !u.ringSend {
		writeFull(fd, p)
		return
	}
	// A loopback send of 64 B completes at submission; the benchmark's
	// buffers are never reused before that.
	sqe := u.r.GetSQE()
	sqe.PrepSend(fd, p)
	sqe.Flags |= SQECQESkipSuccess
}

func (u *uringRecv) flush() {
	if u.r.Pending() > 0 {
		u.r.Submit()
	}
}

// Setup flags for the deferred variants (Linux 6.1).
const (
	setupSingleIssuer = 1 << 12
	setupDeferTaskrun = 1 << 13
)

func newUringRecv(b *testing.B, fd int, spin, deferTask bool) *uringRecv {
	var r *Ring
	if deferTask {
		var err error
		if r, err = Setup(64, setupSingleIssuer|setupDeferTaskrun); err != nil {
			b.Skipf("DEFER_TASKRUN: %v", err)
		}
		b.Cleanup(func() { r.Close() })
	} else {
		r = newRing(b, 64)
	}
	br := newBufRing(b, r, 64, 8192)
	b.Cleanup(func() { br.Close() })
	u := &uringRecv{r: r, br: br, fd: fd, spin: spin, deferTask: deferTask}
	u.arm()
	return u
}

func (u *uringRecv) arm() {
	sqe := u.r.GetSQE()
	sqe.PrepRecvMultishot(u.fd, 1)
	if _, err := u.r.Submit(); err != nil {
		panic(err)
	}
}

func (u *uringRecv) recv(take func([]byte)) int {
	for {
		if u.r.CQReady() == 0 {
			if u.spin && u.deferTask {
				for u.r.CQReady() == 0 {
					u.r.Enter(0, 0, EnterGetEvents, -1)
				}
			} else if u.spin {
				for u.r.CQReady() == 0 {
				}
			} else if _, err := u.r.SubmitAndWait(1, -1); err != nil && err != unix.EINTR {
				panic(err)
			}
		}
		total := 0
		for {
			c, ok := u.r.PopCQE()
			if !ok {
				break
			}
			if data, bid, ok := u.br.Buffer(c); ok {
				take(data)
				total += len(data)
				u.br.Recycle(bid)
			} else if c.Res == 0 {
				panic("EOF")
			}
			if c.Flags&CQEFMore == 0 {
				u.arm() // ENOBUFS: buffers are back now
			}
		}
		if total > 0 {
			return total
		}
	}
}

type spinRecv struct {
	plainSend
	fd  int
	buf []byte
}

func (s *spinRecv) recv(take func([]byte)) int {
	for {
		if n := readAll(s.fd, s.buf, take); n > 0 {
			return n
		}
	}
}

var receivers = []struct {
	name string
	make func(b *testing.B, fd int) receiver
}{
	{"epoll", func(b *testing.B, fd int) receiver { return newEpollRecv(b, fd) }},
	{"uring-poll", func(b *testing.B, fd int) receiver {
		return &uringPollRecv{r: newRing(b, 64), fd: fd, buf: make([]byte, 8192)}
	}},
	{"uring-recv", func(b *testing.B, fd int) receiver { return newUringRecv(b, fd, false, false) }},
	{"uring-recv-defer", func(b *testing.B, fd int) receiver { return newUringRecv(b, fd, false, true) }},
	{"uring-recv-defer-send", func(b *testing.B, fd int) receiver {
		u := newUringRecv(b, fd, false, true)
		u.ringSend = true
		return u
	}},
	{"spin-read", func(b *testing.B, fd int) receiver { return &spinRecv{fd: fd, buf: make([]byte, 8192)} }},
	{"uring-recv-spin", func(b *testing.B, fd int) receiver { return newUringRecv(b, fd, true, false) }},
	{"uring-recv-defer-spin", func(b *testing.B, fd int) receiver { return newUringRecv(b, fd, true, true) }},
}

func cpuNow() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeFull writes all of p to a non-blocking fd, waiting in poll(2) when
// the socket is full.
func writeFull(fd int, p []byte) {
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if n > 0 {
			p = p[n:]
			continue
		}
		if err == unix.EAGAIN {
			unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, -1)
			continue
		}
		panic(err)
	}
}

// BenchmarkRecvStream: a stream of 8 KiB writes (one out batch of a
// sending loop), taken in by each receiver. One op is 8 KiB received.
func BenchmarkRecvStream(b *testing.B) {
	for _, rc := range receivers {
		b.Run(rc.name, func(b *testing.B) {
			wfd, rfd := tcpPair(b)
			runtime.LockOSThread()
			rx := rc.make(b, rfd)
			chunk := make([]byte, 8192)
			total := b.N * len(chunk)
			b.SetBytes(int64(len(chunk)))
			done := make(chan struct{})
			cpu0 := cpuNow()
			b.ResetTimer()
			go func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for range b.N {
					writeFull(wfd, chunk)
				}
				close(done)
			}()
			for got := 0; got < total; {
				got += rx.recv(func([]byte) {})
			}
			runtime.UnlockOSThread()
			<-done
			b.StopTimer()
			b.ReportMetric(float64(cpuNow()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkRecvPingPong: 64 B round trips, both ends receiving the same way
// and answering with write(2). One op is one round trip.
func BenchmarkRecvPingPong(b *testing.B) {
	for _, rc := range receivers {
		b.Run(rc.name, func(b *testing.B) {
			cfd, sfd := tcpPair(b)
			msg := make([]byte, 64)
			done, ready := make(chan struct{}), make(chan struct{})
			go func() {
				// Made on the thread that uses it: a SINGLE_ISSUER ring
				// refuses submissions from any other (EEXIST).
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				srx := rc.make(b, sfd)
				close(ready)
				for i := 0; i < b.N; {
					for got := srx.recv(func([]byte) {}); got > 0; got -= 64 {
						srx.send(sfd, msg)
						i++
					}
				}
				srx.flush()
				close(done)
			}()
			runtime.LockOSThread()
			crx := rc.make(b, cfd)
			<-ready
			cpu0 := cpuNow()
			b.ResetTimer()
			for range b.N {
				crx.send(cfd, msg)
				for got := 0; got < 64; {
					got += crx.recv(func([]byte) {})
				}
			}
			runtime.UnlockOSThread()
			<-done
			b.StopTimer()
			b.ReportMetric(float64(cpuNow()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
