package loop

// Readiness bits a handler asks for and receives. They have epoll's values
// so the epoll backend passes them through unchanged.
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

// poller is the backend seam: one per loop, used only on that loop's
// goroutine, except wake, which any goroutine may call.
type poller interface {
	add(fd int, events uint32, h handler) error
	mod(fd int, events uint32) error
	del(fd int) error
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
// these. "" picks the default for the system.
const (
	BackendEpoll   = "epoll"
	BackendNetpoll = "netpoll"
)
