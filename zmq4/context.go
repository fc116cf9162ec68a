package zmq4

import (
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zring/zring"
)

// Context holds a zring.Context and the options of zmq_ctx_set(3) that
// pebbe/zmq4 exposes. It is safe for use by many goroutines.
//
// The I/O loops of the zring.Context behind it are those set when its
// first socket is made (NewContext starts one loop, and starts them again
// then if SetIoThreads changed the number): libzmq too starts its I/O
// threads with the first socket, and ignores later changes. The context
// options only libzmq's own threads could honour are kept and validated as
// libzmq 4.3.4 validates them, without effect: see SetThreadPriority,
// SetThreadSchedPolicy and SetMaxMsgsz.
type Context struct {
	mu         sync.Mutex // guards every field below
	zc         *zring.Context
	zcLoops    int  // how many I/O loops zc was made with
	started    bool // a socket was made: ioThreads and maxSockets are fixed
	terminated bool

	ioThreads, maxSockets, maxMsgsz   int
	threadPriority, threadSchedPolicy int
	ipv6, blocky, retryEINTR          bool

	// Fixed when the first socket is made, as libzmq fixes them.
	startedIOThreads, startedMaxSockets int
	open                                int // sockets made here and not yet closed

	// live is zc again, for the cleanup that terminates a context the
	// program drops without Term (NewContext's; the default one lives on).
	live    *liveLoops
	cleanup runtime.Cleanup
}

type liveLoops struct{ zc atomic.Pointer[zring.Context] }

// termLost terminates the loops of a Context the garbage collector found
// unreachable, as pebbe/zmq4 does; its sockets were unreachable too, and
// are closed by their own cleanups, which run on the same goroutine as
// this one: so Term, which waits for them, runs on another.
func termLost(l *liveLoops) {
	if zc := l.zc.Load(); zc != nil {
		go zc.Term()
	}
}

func newContext() *Context {
	return &Context{
		live:              new(liveLoops),
		ioThreads:         IoThreadsDflt,
		maxSockets:        MaxSocketsDflt,
		maxMsgsz:          math.MaxInt32,
		threadPriority:    -1,
		threadSchedPolicy: -1,
		blocky:            true,
		retryEINTR:        true,
	}
}

// defaultCtx is the context of the package-level functions (NewSocket,
// Term, SetIoThreads ...). Its zring.Context is made with its first socket,
// so that importing the package starts nothing.
var defaultCtx = newContext()

// NewContext makes a context other than the default one. Its I/O loops
// start at once, so that a zring configuration error (a bad ZRING_BACKEND,
// say) is reported here, as zmq_ctx_new would fail. A context the program
// drops without Term is terminated when the garbage collector finds it.
func NewContext() (ctx *Context, err error) {
	c := newContext()
	if err := c.makeLoops(); err != nil {
		return nil, err
	}
	c.cleanup = runtime.AddCleanup(c, termLost, c.live)
	return c, nil
}

// makeLoops makes zc for the ioThreads set now, replacing one made for
// another number. Called with mu held, before the first socket.
func (ctx *Context) makeLoops() error {
	loops := max(ctx.ioThreads, 1) // zring needs a loop even for inproc alone
	if ctx.zc != nil && ctx.zcLoops == loops {
		return nil
	}
	if ctx.zc != nil {
		if err := ctx.zc.Term(); err != nil { // no sockets yet: returns at once
			return bare(err)
		}
		ctx.zc = nil
	}
	zc, err := zring.NewContext(zring.IOThreads(loops))
	if err != nil {
		return bare(err)
	}
	ctx.zc, ctx.zcLoops = zc, loops
	ctx.live.zc.Store(zc)
	return nil
}

// NewSocket makes a socket of type t in the context (zmq_socket). Like a
// libzmq socket, it must be used by one goroutine at a time. A socket the
// program drops without Close is closed when the garbage collector finds
// it, as pebbe/zmq4 does, so that Term does not wait for it forever.
//
// Past the context's MaxSockets open sockets the error is
// Errno(syscall.EMFILE), as libzmq's. After Term it is ErrorContextClosed.
func (ctx *Context) NewSocket(t Type) (soc *Socket, err error) {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return nil, ErrorContextClosed
	}
	if err := ctx.start(); err != nil {
		return nil, err
	}
	if ctx.open >= ctx.startedMaxSockets {
		return nil, emfile
	}
	zs, err := ctx.zc.NewSocket(zring.SocketType(t))
	if err != nil {
		return nil, bare(err)
	}
	// The context's ZMQ_IPV6 and ZMQ_BLOCKY are defaults for new sockets:
	// libzmq's socket takes IPV6 from the context, and a linger of 0
	// instead of -1 when the context is not blocky.
	if ctx.ipv6 {
		if err := zs.SetOption(zring.IPv6, 1); err != nil {
			zs.Close()
			return nil, bare(err)
		}
	}
	if !ctx.blocky {
		if err := zs.SetOption(zring.Linger, 0); err != nil {
			zs.Close()
			return nil, bare(err)
		}
	}
	ctx.open++
	soc = &Socket{zs: zs, ctx: ctx, t: t, noIOThreads: ctx.startedIOThreads == 0, mcast: defaultMulticast}
	soc.cleanup = runtime.AddCleanup(soc, closeLost, lostSocket{zs, ctx})
	return soc, nil
}

// start fixes the options libzmq fixes when it makes its first socket, and
// makes the loops for them. Called with mu held.
func (ctx *Context) start() error {
	if ctx.started {
		return nil
	}
	if err := ctx.makeLoops(); err != nil {
		return err
	}
	ctx.started = true
	ctx.startedIOThreads, ctx.startedMaxSockets = ctx.ioThreads, ctx.maxSockets
	return nil
}

// zringContext returns the zring.Context, started as for a first socket,
// for sockets this package makes for itself (the ZAP handler's).
func (ctx *Context) zringContext() (*zring.Context, error) {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return nil, ErrorContextClosed
	}
	if err := ctx.start(); err != nil {
		return nil, err
	}
	return ctx.zc, nil
}

// lostSocket is what closeLost needs of a Socket the program dropped
// without closing it; it must not refer to the Socket itself.
type lostSocket struct {
	zs  *zring.Socket
	ctx *Context
}

// closeLost closes a socket the garbage collector found unreachable. It
// runs on the runtime's cleanup goroutine, when no one else can use zs.
func closeLost(l lostSocket) {
	l.zs.Close()
	l.ctx.release()
}

// release counts a socket closed.
func (ctx *Context) release() {
	ctx.mu.Lock()
	ctx.open--
	ctx.mu.Unlock()
}

// Term terminates the context (zmq_ctx_term): blocking calls on its sockets
// return ETERM, and Term waits until every socket is closed and has sent
// what it holds or run out its linger. Later calls on the context return
// ErrorContextClosed; a context, the default one included, cannot be used
// after Term.
func (ctx *Context) Term() error {
	ctx.mu.Lock()
	if ctx.terminated {
		ctx.mu.Unlock()
		return ErrorContextClosed
	}
	ctx.terminated = true
	ctx.cleanup.Stop()
	zc := ctx.zc
	ctx.mu.Unlock()
	if zc == nil {
		return nil
	}
	return bare(zc.Term())
}

// setInt validates v as zmq_ctx_set does for a C int option with values
// from min up, and stores it.
func (ctx *Context) setInt(dst *int, v, min int) error {
	if v < min || v > math.MaxInt32 {
		return einval
	}
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return ErrorContextClosed
	}
	*dst = v
	return nil
}

func (ctx *Context) setBool(dst *bool, v bool) error {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return ErrorContextClosed
	}
	*dst = v
	return nil
}

func (ctx *Context) getInt(src *int) (int, error) {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return 0, ErrorContextClosed
	}
	return *src, nil
}

func (ctx *Context) getBool(src *bool) (bool, error) {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.terminated {
		return false, ErrorContextClosed
	}
	return *src, nil
}

// SetIoThreads sets the number of I/O threads (ZMQ_IO_THREADS, default 1),
// zring's I/O loops. It applies when the context makes its first socket,
// as in libzmq; later the value is kept but changes nothing. 0 is allowed,
// as libzmq allows it for inproc alone: zring then runs one loop, and Bind
// and Connect to anything but inproc fail with EMTHREAD, as libzmq's do.
// Below 0 the error is EINVAL.
func (ctx *Context) SetIoThreads(n int) error { return ctx.setInt(&ctx.ioThreads, n, 0) }

// GetIoThreads returns ZMQ_IO_THREADS as last set.
func (ctx *Context) GetIoThreads() (int, error) { return ctx.getInt(&ctx.ioThreads) }

// SetMaxSockets sets how many sockets may be open at once (ZMQ_MAX_SOCKETS,
// default MaxSocketsDflt, 1023); NewSocket past it fails with EMFILE. Like
// IoThreads it applies from the first socket on. It counts the sockets made
// through this package (zring's own, such as the ZAP handler's, are not
// counted; libzmq counts its monitor sockets). Below 1 the error is EINVAL.
func (ctx *Context) SetMaxSockets(n int) error { return ctx.setInt(&ctx.maxSockets, n, 1) }

// GetMaxSockets returns ZMQ_MAX_SOCKETS as last set.
func (ctx *Context) GetMaxSockets() (int, error) { return ctx.getInt(&ctx.maxSockets) }

// SetMaxMsgsz sets ZMQ_MAX_MSGSZ (default INT_MAX; below 0 EINVAL). It is
// kept and read back, and limits nothing: libzmq 4.3.4 does not enforce it
// either (the socket option SetMaxmsgsize does limit what a socket takes).
func (ctx *Context) SetMaxMsgsz(n int) error { return ctx.setInt(&ctx.maxMsgsz, n, 0) }

// GetMaxMsgsz returns ZMQ_MAX_MSGSZ as last set.
func (ctx *Context) GetMaxMsgsz() (int, error) { return ctx.getInt(&ctx.maxMsgsz) }

// SetThreadPriority sets ZMQ_THREAD_PRIORITY, which libzmq gives its I/O
// threads with sched_setscheduler. Values below 0 are EINVAL, as in libzmq
// 4.3.4; others are kept, and change nothing: zring's I/O loops are
// goroutines (or, with the epoll and uring backends, threads zring does not
// reschedule).
func (ctx *Context) SetThreadPriority(n int) error { return ctx.setInt(&ctx.threadPriority, n, 0) }

// SetThreadSchedPolicy sets ZMQ_THREAD_SCHED_POLICY, kept and without
// effect for the reasons SetThreadPriority gives; below 0 is EINVAL.
func (ctx *Context) SetThreadSchedPolicy(n int) error {
	return ctx.setInt(&ctx.threadSchedPolicy, n, 0)
}

// SetIpv6 sets ZMQ_IPV6 for the sockets the context makes from now on
// (their own SetIpv6 can change it).
func (ctx *Context) SetIpv6(i bool) error { return ctx.setBool(&ctx.ipv6, i) }

// GetIpv6 returns the context's ZMQ_IPV6.
func (ctx *Context) GetIpv6() (bool, error) { return ctx.getBool(&ctx.ipv6) }

// SetBlocky sets ZMQ_BLOCKY (default true). As in libzmq, false makes the
// sockets made from now on start with a linger of 0 instead of -1, so Term
// does not wait for what they could not send.
func (ctx *Context) SetBlocky(i bool) error { return ctx.setBool(&ctx.blocky, i) }

// GetBlocky returns ZMQ_BLOCKY.
func (ctx *Context) GetBlocky() (bool, error) { return ctx.getBool(&ctx.blocky) }

// SetRetryAfterEINTR keeps pebbe/zmq4's setting (initially true). zring is
// pure Go and its calls are never interrupted by signals, so there is
// nothing to retry: the setting changes nothing.
func (ctx *Context) SetRetryAfterEINTR(retry bool) {
	ctx.mu.Lock()
	ctx.retryEINTR = retry
	ctx.mu.Unlock()
}

// GetRetryAfterEINTR returns the setting of SetRetryAfterEINTR.
func (ctx *Context) GetRetryAfterEINTR() bool {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	return ctx.retryEINTR
}

// needsIOThread reports whether endpoint needs an I/O thread: every
// transport but inproc (and a malformed endpoint, which zring refuses
// on its own).
func needsIOThread(endpoint string) bool {
	proto, _, ok := strings.Cut(endpoint, "://")
	return ok && (proto == "tcp" || proto == "ipc")
}

// The default context's functions, as pebbe/zmq4 has them.

// NewSocket makes a socket in the default context; see Context.NewSocket.
func NewSocket(t Type) (soc *Socket, err error) { return defaultCtx.NewSocket(t) }

// Term terminates the default context; see Context.Term.
func Term() error { return defaultCtx.Term() }

// SetIoThreads sets the default context's ZMQ_IO_THREADS.
func SetIoThreads(n int) error { return defaultCtx.SetIoThreads(n) }

// GetIoThreads returns the default context's ZMQ_IO_THREADS.
func GetIoThreads() (int, error) { return defaultCtx.GetIoThreads() }

// SetMaxSockets sets the default context's ZMQ_MAX_SOCKETS.
func SetMaxSockets(n int) error { return defaultCtx.SetMaxSockets(n) }

// GetMaxSockets returns the default context's ZMQ_MAX_SOCKETS.
func GetMaxSockets() (int, error) { return defaultCtx.GetMaxSockets() }

// SetMaxMsgsz sets the default context's ZMQ_MAX_MSGSZ.
func SetMaxMsgsz(n int) error { return defaultCtx.SetMaxMsgsz(n) }

// GetMaxMsgsz returns the default context's ZMQ_MAX_MSGSZ.
func GetMaxMsgsz() (int, error) { return defaultCtx.GetMaxMsgsz() }

// SetThreadPriority sets the default context's ZMQ_THREAD_PRIORITY.
func SetThreadPriority(n int) error { return defaultCtx.SetThreadPriority(n) }

// SetThreadSchedPolicy sets the default context's ZMQ_THREAD_SCHED_POLICY.
func SetThreadSchedPolicy(n int) error { return defaultCtx.SetThreadSchedPolicy(n) }

// SetIpv6 sets the default context's ZMQ_IPV6.
func SetIpv6(i bool) error { return defaultCtx.SetIpv6(i) }

// GetIpv6 returns the default context's ZMQ_IPV6.
func GetIpv6() (bool, error) { return defaultCtx.GetIpv6() }

// SetBlocky sets the default context's ZMQ_BLOCKY.
func SetBlocky(i bool) error { return defaultCtx.SetBlocky(i) }

// GetBlocky returns the default context's ZMQ_BLOCKY.
func GetBlocky() (bool, error) { return defaultCtx.GetBlocky() }

// SetRetryAfterEINTR sets the default context's retry setting.
func SetRetryAfterEINTR(retry bool) { defaultCtx.SetRetryAfterEINTR(retry) }

// GetRetryAfterEINTR returns the default context's retry setting.
func GetRetryAfterEINTR() bool { return defaultCtx.GetRetryAfterEINTR() }
