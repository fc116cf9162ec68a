package sockets

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
)

// Context owns a loop pool, the inproc names bound in it, and the set of
// its open sockets (zmq_ctx_new's context).
type Context struct {
	pool *loop.Pool
	spin time.Duration
	gov  spinGovernor // whether spinning pays now (see spinGovernor)
	// connWait: a socket blocked in a receive with one tcp or ipc peer
	// waits in Go's netpoller on that connection (Socket.park).
	connWait bool
	// connSend: a socket's sends to a tcp or ipc peer are encoded into
	// the connection's write buffer by its own goroutine when they can
	// (loop.Peer.Write).
	connSend bool

	termOnce sync.Once
	term     chan struct{} // closed by Shutdown/Term: blocking calls return ETERM
	// ended is set just before term closes: every Send and Recv looks at
	// it, and an atomic load costs less than a select on the channel.
	ended atomic.Bool

	mu      sync.Mutex
	inproc  map[string]*inprocEntry
	sockets map[*Socket]struct{}
	idle    *sync.Cond // signalled when a socket closes
	done    bool       // Term finished
}

// NewContext starts the I/O loops cfg describes. spin is how long a socket
// about to block in Send or Recv keeps working, driving its own
// connections, before it parks (0: never spin); connWait lets a socket
// blocked in a receive wait on its one connection itself rather than
// behind the loops; connSend lets a socket's goroutine encode what it
// sends straight into its connections' write buffers.
func NewContext(cfg loop.PoolConfig, spin time.Duration, connWait, connSend bool) (*Context, error) {
	pool, err := loop.NewPool(cfg)
	if err != nil {
		return nil, err
	}
	c := &Context{pool: pool, spin: spin, connWait: connWait, connSend: connSend, term: make(chan struct{}), inproc: make(map[string]*inprocEntry), sockets: make(map[*Socket]struct{})}
	c.idle = sync.NewCond(&c.mu)
	return c, nil
}

// IOThreads is the number of I/O loops.
func (c *Context) IOThreads() int { return c.pool.Len() }

// NewSocket makes a socket of type t. After Shutdown or Term it fails with
// ETERM; an unknown type is EINVAL.
func (c *Context) NewSocket(t Type) (*Socket, error) {
	s := newSocket(c, t)
	if s.pat == nil {
		return nil, errno.EINVAL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terminated() {
		return nil, errno.ETERM
	}
	c.sockets[s] = struct{}{}
	return s, nil
}

func (c *Context) terminated() bool { return c.ended.Load() }

// Shutdown makes every blocking and future call on the context's sockets
// (but Close) return ETERM, without waiting (zmq_ctx_shutdown).
func (c *Context) Shutdown() {
	c.termOnce.Do(func() {
		c.ended.Store(true)
		close(c.term)
		// Blocking calls select on term; a Poller waits on its own
		// channel, which Wake signals.
		c.mu.Lock()
		for s := range c.sockets {
			s.Wake()
		}
		c.mu.Unlock()
	})
}

// Term is zmq_ctx_term: Shutdown, then wait until the application has
// closed every socket and each socket's pending messages were sent or its
// linger period ran out, then stop the I/O loops.
func (c *Context) Term() error {
	c.Shutdown()
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return nil
	}
	for len(c.sockets) > 0 {
		c.idle.Wait()
	}
	c.done = true
	c.mu.Unlock()
	c.pool.Close()
	return nil
}

func (c *Context) forget(s *Socket) {
	c.mu.Lock()
	delete(c.sockets, s)
	c.idle.Broadcast()
	c.mu.Unlock()
}
