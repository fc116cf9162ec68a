package ring

import "sync"

// conflate is a Pipe that keeps one message, the last written (the pipes
// of ZMQ_CONFLATE: "a socket shall keep only one message in its
// inbound/outbound queue, this message being the last message
// received/the last message to be sent. Ignores ZMQ_RCVHWM and ZMQ_SNDHWM
// options. Does not support multi-part messages, in particular, only one
// part of it is kept"). A newer frame replaces the one not yet read, which
// is freed. The slot is guarded by a mutex: conflation is for latest-value
// feeds, where the pipe's lock-free path buys nothing.
type conflate struct {
	// The writer's own: written and not yet flushed.
	pend    Msg
	hasPend bool

	mu       sync.Mutex
	slot     Msg
	has      bool
	asleep   bool // the reader found nothing and waits for a Wake
	closed   bool
	detached bool
}

// NewConflatePipe returns a pipe that keeps only the last frame written.
func NewConflatePipe() *Pipe { return &Pipe{cf: &conflate{}} }

func (c *conflate) checkWrite() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.closed && !c.detached
}

func (c *conflate) write(m Msg) {
	if c.hasPend {
		c.pend.Free()
	}
	c.pend, c.hasPend = m, true
}

func (c *conflate) flush(p *Pipe, close bool) {
	c.mu.Lock()
	if c.hasPend {
		if c.detached || c.closed {
			c.pend.Free()
		} else {
			if c.has {
				c.slot.Free()
			}
			c.slot, c.has = c.pend, true
		}
		c.pend, c.hasPend = Msg{}, false
	}
	if close {
		c.closed = true
	}
	wakeReader := c.asleep && (c.has || c.closed)
	if wakeReader {
		c.asleep = false
	}
	c.mu.Unlock()
	if wakeReader {
		wake(&p.readerWaker)
	}
}

func (c *conflate) rollback() {
	if c.hasPend {
		c.pend.Free()
		c.pend, c.hasPend = Msg{}, false
	}
}

func (c *conflate) read() (Msg, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.has {
		m := c.slot
		c.slot, c.has = Msg{}, false
		return m, true
	}
	if !c.closed && !c.detached {
		c.asleep = true
	}
	return Msg{}, false
}

func (c *conflate) peek() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.has
}

func (c *conflate) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed && !c.has
}

func (c *conflate) detach() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.detached = true
	if c.has {
		c.slot.Free()
		c.slot, c.has = Msg{}, false
	}
}

func (c *conflate) isDetached() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.detached
}
