package loop

// Readiness bits a handler asks for and receives. They have epoll's values
// (which are poll(2)'s too) so the epoll and io_uring backends pass them
// through unchanged.
const (
	evRead  uint32 = 0x001 // EPOLLIN
	evWrite uint32 = 0x004 // EPOLLOUT
	evErr   uint32 = 0x008 // EPOLLERR
	evHup   uint32 = 0x010 // EPOLLHUP
)

// handler is an fd owner registered with a loop's poller.
type handler interface {
	// handle is called on the loop goroutine with the ready bits.
	handle(events uint32)
}

// poller is the backend seam: one per loop. wait runs on the loop
// goroutine and calls the handlers there, without the loop's exec lock
// (the handlers registered through Loop.watch take it). add, mod and del
// are called under exec: by the loop goroutine, or by a socket driving its
// connections (Peer.Drive, session.Wake) while wait may be running or
// blocked; such a change must take effect, if need be by waking the loop.
// Any goroutine may call wake.
type poller interface {
	add(fd int, events uint32, h handler) error
	mod(fd int, events uint32) error
	del(fd int) error
	// quiet says that fd, whose interest is 0, will keep it for a while:
	// a backend that would still be woken by its activity stops listening
	// until the next mod with interest, and reports that it did. Called
	// under exec.
	quiet(fd int) bool
	// wait blocks for at most timeoutMs (-1 forever, 0 poll) and calls
	// h.handle for every ready fd; a wake() makes it return early. It
	// returns how many fds it handled.
	wait(timeoutMs int) (int, error)
	wake()
	// dedicated reports whether the loop must own an OS thread (epoll,
	// io_uring) or is an ordinary goroutine (netpoll).
	dedicated() bool
	close()
}

// Backends by name: ZRING_BACKEND and the context's Backend option take
// these. "" picks the default for the system (netpoll on Unix, conn on
// Windows). BackendEpoll and BackendUring are Linux's; where io_uring
// cannot be set up (an old kernel, seccomp, kernel.io_uring_disabled),
// BackendUring runs on epoll instead and logs why once per pool.
// BackendNetpoll needs Unix's file descriptors; BackendConn (conn.go) runs
// wherever package net does.
const (
	BackendEpoll   = "epoll"
	BackendUring   = "uring"
	BackendNetpoll = "netpoll"
	BackendConn    = "conn"
)
