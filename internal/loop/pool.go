package loop

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zring/zring/internal/affinity"
	"github.com/zring/zring/internal/errno"
)

// Pool is the fixed set of I/O loops of one context.
type Pool struct {
	loops []*Loop
	live  sync.WaitGroup // sessions, listeners and connecters not yet finished
	// frameCeiling is the largest frame a connection will try to receive
	// (see memoryCeiling); set once by NewPool.
	frameCeiling int
}

// PoolConfig says how many loops to start and how they run.
type PoolConfig struct {
	Loops int // number of loops (at least 1)
	// CPUs, when not empty, pins every loop's thread to these CPUs
	// (sched_setaffinity), as ZMQ_THREAD_AFFINITY_CPU_ADD does in libzmq.
	CPUs []int
	// NamePrefix names the loops' threads NamePrefix+"/IO/"+index, as
	// ps and /proc show them ("zring" when empty; Linux keeps 15 bytes).
	NamePrefix string
	// Backend is BackendEpoll, BackendUring, BackendNetpoll, BackendConn
	// or "" (the system's default). BackendUring falls back to epoll, with
	// one log line, where io_uring cannot be set up. Pinning (CPUs) needs
	// a backend whose loops own a thread.
	Backend string

	// uringEntries sizes an io_uring loop's submission queue (0: the
	// default). Tests set an impossible size to make the setup fail.
	uringEntries uint32
}

// NewPool starts the loops. It returns once each has named and pinned its
// thread, with the first error any of them met.
func NewPool(cfg PoolConfig) (*Pool, error) {
	n := max(cfg.Loops, 1)
	if cfg.NamePrefix == "" {
		cfg.NamePrefix = "zring"
	}
	p := &Pool{frameCeiling: memoryCeiling()}
	for i := 0; i < n; i++ {
		l, err := newLoop(p, i, &cfg)
		if err != nil {
			for _, l := range p.loops {
				l.poller.close()
			}
			return nil, err
		}
		p.loops = append(p.loops, l)
	}
	started := make(chan error, n)
	for _, l := range p.loops {
		go l.run(cfg, started)
	}
	var first error
	for range p.loops {
		if err := <-started; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		p.stop()
		return nil, first
	}
	return p, nil
}

// Choose picks the loop for a new endpoint or connection as ZMQ_AFFINITY
// says (see package affinity): the least loaded loop among the bitmap's
// bits, or among all loops for 0.
func (p *Pool) Choose(bitmap uint64) *Loop {
	return p.loops[affinity.Choose(bitmap, len(p.loops), func(i int) int32 { return p.loops[i].load.Load() })]
}

// Len is the number of loops.
func (p *Pool) Len() int { return len(p.loops) }

// Close waits until every session, listener and connecter has finished (the
// sockets were closed and their linger ran out), and on the conn backend
// until what they wrote has gone to the kernel (connPoller.flushing), then
// stops the loops.
func (p *Pool) Close() {
	p.live.Wait()
	for _, l := range p.loops {
		if cp, ok := l.poller.(*connPoller); ok {
			cp.flushing.Wait()
		}
	}
	p.stop()
}

func (p *Pool) stop() {
	for _, l := range p.loops {
		select {
		case <-l.done: // already gone (it failed to start)
		default:
			l.Post(func() { l.stopping = true })
		}
	}
	for _, l := range p.loops {
		<-l.done
	}
}

// Loop is one I/O thread.
type Loop struct {
	pool   *Pool
	index  int
	poller poller
	load   atomic.Int32 // endpoints and sessions on this loop, for Choose
	done   chan struct{}
	// conns: the backend is BackendConn, whose handles are net.Conns and
	// net.Listeners (conn.go), not file descriptors.
	conns bool

	// exec is held by whoever runs the loop's state: the loop goroutine
	// while it runs posted work, timers and ready handlers, or a spinning
	// socket doing its own connections' I/O (see Peer.Drive). It is not
	// held while the loop sleeps in the poller.
	exec    sync.Mutex
	watched map[int]*execHandler // under exec: the handlers of watched fds

	mu       sync.Mutex
	posted   []func()
	ready    []*session
	sleeping atomic.Bool // in (or about to enter) poller.wait
	notified atomic.Bool // a wake() is in flight
	queued   atomic.Bool // posted or ready is not empty
	tid      int

	// Loop-goroutine state.
	stopping  bool
	timers    []*timer
	runPosted []func()
	runReady  []*session
}

// newLoop makes loop i. newPoller may change cfg.Backend (a fallback), so
// the pool's later loops follow the first and the fallback is logged once.
func newLoop(p *Pool, i int, cfg *PoolConfig) (*Loop, error) {
	pl, err := newPoller(cfg)
	if err != nil {
		return nil, err
	}
	_, conns := pl.(*connPoller)
	return &Loop{pool: p, index: i, poller: pl, conns: conns, done: make(chan struct{}), watched: make(map[int]*execHandler)}, nil
}

// watch registers fd with the poller; h runs under exec. Under exec.
func (l *Loop) watch(fd int, events uint32, h handler) error {
	e := &execHandler{l: l, h: h}
	if err := l.poller.add(fd, events, e); err != nil {
		return err
	}
	l.watched[fd] = e
	return nil
}

// unwatch takes fd out of the poller. Its handler is never called again,
// even if the poller had already picked it when unwatch ran on another
// goroutine (a socket driving its connection). Under exec.
func (l *Loop) unwatch(fd int) {
	if e := l.watched[fd]; e != nil {
		e.gone = true
		delete(l.watched, fd)
	}
	l.poller.del(fd)
}

// execHandler runs a handler under its loop's exec lock: pollers call
// handlers without it, since a socket may hold it (see Peer.Drive).
type execHandler struct {
	l    *Loop
	h    handler
	gone bool // unwatched; under exec
}

func (e *execHandler) handle(events uint32) {
	e.l.exec.Lock()
	if !e.gone {
		e.h.handle(events)
	}
	e.l.exec.Unlock()
}

// Post runs fn on the loop goroutine. It is for control operations; the
// message path uses pipe wakers instead.
func (l *Loop) Post(fn func()) {
	l.mu.Lock()
	l.posted = append(l.posted, fn)
	l.queued.Store(true)
	l.mu.Unlock()
	l.kick()
}

// schedule queues s to have its out pipe drained. Called by s.Wake from the
// socket's goroutine.
func (l *Loop) schedule(s *session) {
	l.mu.Lock()
	l.ready = append(l.ready, s)
	l.queued.Store(true)
	l.mu.Unlock()
	l.kick()
}

// kick wakes the loop if it sleeps. The loop sets sleeping before its last
// look at the queues, and posters append before they read sleeping, so one
// of the two always sees the other (Go's atomics are sequentially
// consistent).
func (l *Loop) kick() {
	if l.sleeping.Load() && !l.notified.Swap(true) {
		l.poller.wake()
	}
}

// ThreadID is the id of the loop's OS thread (for tests and tools).
func (l *Loop) ThreadID() int { return l.tid }

func (l *Loop) run(cfg PoolConfig, started chan<- error) {
	// The loop owns its thread for good: the thread is named and maybe
	// pinned, and epoll and io_uring want one thread.
	defer close(l.done)
	defer l.poller.close()
	var err error
	if l.poller.dedicated() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		l.tid = affinity.ThreadID()
		// The thread goes back to Go's pool when the loop ends (it may be
		// the main thread, which never exits): with its old name and CPUs.
		var restore func()
		restore, err = affinity.ClaimThread(cfg.NamePrefix+"/IO/"+strconv.Itoa(l.index), cfg.CPUs)
		defer restore()
	} else if len(cfg.CPUs) > 0 {
		err = errno.ENOTSUP // a goroutine cannot be pinned
	}
	if err != nil {
		started <- sysErr(err)
		l.stopping = true
	} else {
		started <- nil
	}
	for !l.stopping {
		l.exec.Lock()
		l.runQueues()
		if l.stopping {
			l.exec.Unlock()
			break
		}
		timeout := l.runTimers()
		l.exec.Unlock()
		l.sleeping.Store(true)
		l.mu.Lock()
		pending := len(l.posted) + len(l.ready)
		l.mu.Unlock()
		if pending > 0 {
			timeout = 0
		}
		l.poller.wait(timeout)
		l.sleeping.Store(false)
		l.notified.Store(false)
	}
}

func (l *Loop) runQueues() {
	for {
		l.mu.Lock()
		l.runPosted, l.posted = l.posted, l.runPosted[:0]
		l.runReady, l.ready = l.ready, l.runReady[:0]
		l.queued.Store(false)
		l.mu.Unlock()
		if len(l.runPosted) == 0 && len(l.runReady) == 0 {
			return
		}
		for i, fn := range l.runPosted {
			fn()
			l.runPosted[i] = nil
		}
		for i, s := range l.runReady {
			s.scheduled.Store(false)
			s.onPipeReady()
			l.runReady[i] = nil
		}
	}
}

// timer is a one-shot callback on the loop goroutine.
type timer struct {
	at  time.Time
	fn  func()
	off bool
}

// after schedules fn on the loop goroutine after d. Loop goroutine only.
func (l *Loop) after(d time.Duration, fn func()) *timer {
	t := &timer{at: time.Now().Add(d), fn: fn}
	l.timers = append(l.timers, t)
	return t
}

// cancel stops t; safe on nil and on a timer that already ran.
func (t *timer) cancel() {
	if t != nil {
		t.off = true
	}
}

// runTimers runs due timers and returns the poll timeout until the next one.
func (l *Loop) runTimers() int {
	if len(l.timers) == 0 {
		return -1
	}
	now := time.Now()
	timeout := -1
	kept := l.timers[:0]
	var due []*timer
	for _, t := range l.timers {
		switch {
		case t.off:
		case !t.at.After(now):
			due = append(due, t)
		default:
			kept = append(kept, t)
			ms := int(t.at.Sub(now)/time.Millisecond) + 1
			if timeout < 0 || ms < timeout {
				timeout = ms
			}
		}
	}
	for i := len(kept); i < len(l.timers); i++ {
		l.timers[i] = nil
	}
	l.timers = kept
	for _, t := range due {
		if !t.off {
			t.off = true
			t.fn()
		}
	}
	if len(due) > 0 {
		return 0 // a timer may have added work; look again before sleeping
	}
	return timeout
}
