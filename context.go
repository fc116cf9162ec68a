package zring

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/sockets"
)

// Context holds the I/O loops and the sockets made from it
// (zmq_ctx_new). It is safe for use by many goroutines.
type Context struct {
	c *sockets.Context
}

type contextConfig struct {
	ioThreads int
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

// NewContext starts a context.
func NewContext(opts ...ContextOption) (*Context, error) {
	cfg := contextConfig{ioThreads: 1}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c, err := sockets.NewContext(cfg.ioThreads)
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
