package zring

import (
	"os"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/sockets"
)

// Context holds the I/O loops and the sockets made from it
// (zmq_ctx_new). It is safe for use by many goroutines.
type Context struct {
	c *sockets.Context
}

type contextConfig struct {
	ioThreads  int
	spin       time.Duration
	cpus       []int
	namePrefix string
	backend    string
	connWait   bool
	connSend   bool
}

// ContextOption configures NewContext.
type ContextOption func(*contextConfig) error

// IOThreads sets the number of I/O loops (ZMQ_IO_THREADS, default 1).
func IOThreads(n int) ContextOption {
	return func(c *contextConfig) error {
		if n < 1 {
			return errno.EINVAL
		}
		c.ioThreads = n
		return nil
	}
}

// Spin sets how long a socket about to block in Send or Recv keeps
// working before it parks. While it spins, the socket does its own
// connections' I/O on the calling goroutine: it reads what the kernel has
// and writes what it sends, so a request/reply hop costs no thread wake-up
// on either side (a loop asleep in the poller, then the application woken
// by the loop, each cost tens of microseconds on a virtual machine). The
// connection goes back to its I/O loop when the socket parks, or after a
// millisecond without a call; a socket with more than 8 connections only
// spins and leaves the I/O to the loops. The spin adapts: a wait longer
// than 8 spin times halves the next spin (down to none), and a shorter
// one restores it (an unspun wait is slowed by the wake-ups spinning
// avoids, so it can be several spin times and still worth spinning for),
// so a socket with sporadic traffic soon stops burning CPU. Spinning also
// stops while the machine has no CPU to spare: a spinning socket that
// finds a gap of 200 µs between its tries was preempted by the kernel for
// another thread, and the context's sockets then park without spinning
// for 50 ms, doubling with each further stall up to 2 s. And each socket
// keeps checking that spinning pays: now and then it parks at once for a
// few waits, and stops spinning if those waits were shorter by a fifth
// (a spinner that is never preempted can still hold the CPU its woken
// peer needs); it tries spinning again the same way. Measured with one
// busy-loop process on two vCPUs, 64 B request/reply p50 was 40-80 µs
// spinning without these checks, 17-18 µs with them, as without spinning;
// on an idle machine spinning keeps its lead (6-8 µs against 18 µs).
//
// The default, DefaultSpin (50 µs), was chosen by measurement on a shared
// 2-vCPU virtual machine (BENCHMARKS.md): against no spin, 64 B
// request/reply p50 fell from about 35 µs to about 5 µs, and no case got
// worse — streaming throughput and CPU per message were unchanged, a
// socket fed every 200 µs used no more CPU per message (the Go scheduler's
// own wake-ups cost more than the spin), and 64 PULL sockets streaming, or
// 64 REQ/REP pairs all waiting at once, did as well or better. Spin(0)
// never spins, for machines where no CPU may be burnt while waiting;
// dedicated latency boxes can spin longer (200 µs measured a p99 about
// half that of 50 µs). The I/O loops themselves never spin: measured, a
// spinning loop only took CPU from the sockets and tripled p99. The
// environment variable ZRING_SPIN (a Go duration, e.g. "200us" or "0")
// sets the default, so tools such as the perf tools can be tuned without
// changing their command lines.
func Spin(d time.Duration) ContextOption {
	return func(c *contextConfig) error {
		if d < 0 {
			return errno.EINVAL
		}
		c.spin = d
		return nil
	}
}

// IOThreadCPUs pins every I/O loop's thread to these CPUs
// (sched_setaffinity), as libzmq's ZMQ_THREAD_AFFINITY_CPU_ADD does for its
// I/O threads. A CPU the machine does not have makes NewContext fail with
// ErrInvalid. By default the threads may run anywhere.
func IOThreadCPUs(cpus ...int) ContextOption {
	return func(c *contextConfig) error {
		for _, cpu := range cpus {
			if cpu < 0 {
				return errno.EINVAL
			}
		}
		c.cpus = append([]int(nil), cpus...)
		return nil
	}
}

// ThreadNamePrefix names the I/O loops' threads prefix+"/IO/"+index (as
// ps and /proc show them; "zring/IO/0" by default), like libzmq's
// ZMQ_THREAD_NAME_PREFIX. Linux keeps the first 15 bytes of a name.
func ThreadNamePrefix(prefix string) ContextOption {
	return func(c *contextConfig) error {
		c.namePrefix = prefix
		return nil
	}
}

// Backend chooses how the I/O loops wait for the network: "epoll" (Linux;
// each loop owns an OS thread blocked in epoll_wait), "uring" (Linux; each
// loop owns an OS thread blocked in io_uring_enter, with polls in the ring;
// where io_uring cannot be set up, the loops run on epoll and the context
// logs why, once), "netpoll" (Unix; loops are goroutines woken
// through Go's own netpoller, so hand-offs are between goroutines, not
// threads) or "conn" (any system, and Windows' only one: each connection is
// a net.Conn with a reader and a writer goroutine; ipc is refused on
// Windows). The environment variable ZRING_BACKEND sets the default;
// without either, netpoll (conn on Windows), which measured far lower
// request/reply latency on the machines zring is tested on
// (BENCHMARKS.md). epoll and uring are the choices for pinned loops
// (IOThreadCPUs). Their loops are OS threads,
// which compete with spinning sockets (see Spin) for the CPUs: on a
// 2-vCPU machine, small-message throughput measured 0.85-0.97x libzmq
// with the default spin against 1.43-1.51x on netpoll (request/reply p50
// is 0.10-0.11x on all three); give them dedicated cores (IOThreadCPUs)
// or ZRING_SPIN=0 where throughput matters more.
func Backend(name string) ContextOption {
	return func(c *contextConfig) error {
		switch name {
		case loop.BackendEpoll, loop.BackendUring, loop.BackendNetpoll, loop.BackendConn:
			c.backend = name
			return nil
		}
		return errno.EINVAL
	}
}

// WaitOnConnection says how a socket blocked in Recv waits when its only
// peer is a tcp or ipc connection. On (the default), it waits the way a
// goroutine reading a net.Conn does: parked in Go's netpoller on the
// connection itself, reading and decoding what arrives on its own
// goroutine, with no I/O loop and no pipe hand-off between the kernel and
// the application. Off, it parks until its I/O loop has read the message
// for it, as sockets with several peers always do. Measured on a 2-vCPU
// machine with one busy-loop process running (BENCHMARKS.md), 64 B
// request/reply p50 was about 30 µs off and about 20 µs on, against 13 µs
// for a plain Go TCP loop. The environment variable ZRING_CONNWAIT ("0"
// or "1") sets the default.
func WaitOnConnection(on bool) ContextOption {
	return func(c *contextConfig) error {
		c.connWait = on
		return nil
	}
}

// SendOnConnection says how a socket sends to a tcp or ipc peer. On (the
// default), its own goroutine encodes each small frame straight into the
// connection's write buffer, as a bufio.Writer takes a write, and writes
// the buffer to the kernel when it holds a batch (ZMQ_OUT_BATCH_SIZE) or
// when the socket goes on to wait for a reply; an I/O loop writes what a
// sender leaves buffered when it goes quiet. Off, every frame goes
// through a pipe to the connection's I/O loop, which is also the way
// whenever the direct one is busy or full (the pipe's ZMQ_SNDHWM then
// applies as always). The environment variable ZRING_CONNSEND ("0" or
// "1") sets the default.
func SendOnConnection(on bool) ContextOption {
	return func(c *contextConfig) error {
		c.connSend = on
		return nil
	}
}

// DefaultSpin is how long sockets spin before they park unless the Spin
// option or ZRING_SPIN says otherwise (see Spin).
const DefaultSpin = 50 * time.Microsecond

// NewContext starts a context.
func NewContext(opts ...ContextOption) (*Context, error) {
	cfg := contextConfig{ioThreads: 1, spin: DefaultSpin, connWait: true, connSend: true}
	if v := os.Getenv("ZRING_SPIN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, errno.Wrap("ZRING_SPIN", v, errno.EINVAL)
		}
		cfg.spin = d
	}
	for _, e := range []struct {
		name string
		dst  *bool
	}{{"ZRING_CONNWAIT", &cfg.connWait}, {"ZRING_CONNSEND", &cfg.connSend}} {
		switch v := os.Getenv(e.name); v {
		case "":
		case "0", "1":
			*e.dst = v == "1"
		default:
			return nil, errno.Wrap(e.name, v, errno.EINVAL)
		}
	}
	if v := os.Getenv("ZRING_BACKEND"); v != "" {
		if err := Backend(v)(&cfg); err != nil {
			return nil, errno.Wrap("ZRING_BACKEND", v, err)
		}
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c, err := sockets.NewContext(loop.PoolConfig{Loops: cfg.ioThreads, CPUs: cfg.cpus, NamePrefix: cfg.namePrefix, Backend: cfg.backend}, cfg.spin, cfg.connWait, cfg.connSend)
	if err != nil {
		return nil, err
	}
	return &Context{c: c}, nil
}

// NewSocket makes a socket of type t (zmq_socket).
func (c *Context) NewSocket(t SocketType) (*Socket, error) {
	s, err := c.c.NewSocket(t)
	if err != nil {
		return nil, err
	}
	return &Socket{s: s}, nil
}

// Shutdown makes blocking calls on the context's sockets return ErrTerm,
// and later calls too (but Close), without waiting (zmq_ctx_shutdown).
func (c *Context) Shutdown() { c.c.Shutdown() }

// Term is zmq_ctx_term: it shuts the context down, waits until every
// socket is closed and each has sent its pending messages or run out its
// ZMQ_LINGER, then stops the I/O loops. With the default linger (-1) it
// waits for as long as that takes.
func (c *Context) Term() error { return c.c.Term() }

// Close is Term.
func (c *Context) Close() error { return c.Term() }
