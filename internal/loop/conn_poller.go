package loop

import (
	"sync"
)

// connPoller is the conn backend's poller. Its handles know their own
// readiness exactly (bytes in a ring, room in a ring, a queued accept, a
// finished connect: see connHandle.readyBits), so there is nothing to poll:
// whoever changes a handle's readiness (its reader, writer, acceptor or
// dial goroutine, or the loop's own read, write or mod) posts it here if
// the loop asked for it and it is not posted already, and wait hands the
// posts to the handlers on the loop goroutine. After a handler ran, the
// handle is looked at again and posted again if it is still ready, which
// gives the level-triggered behaviour the sessions expect of every
// backend. The loop sleeps on a channel, as the netpoll backend's does.
type connPoller struct {
	postQueue[connReady]                  // posted by the handles' goroutines, taken by wait
	regs                 map[int]*connReg // under exec: what close must let go of
	// flushing counts the streams watched here that were closed with
	// bytes still in their writer's ring (connStream.close): Pool.Close
	// waits for them, since those bytes are, for the session that wrote
	// them, already in the kernel, where a process's exit would not lose
	// them.
	flushing sync.WaitGroup
}

type connReady struct {
	r    *connReg
	bits uint32
}

// connReg is one registration of a handle with a poller (add to del).
// interest, posted and gone are under the handle's mutex.
type connReg struct {
	p        *connPoller
	h        handler
	hd       connHandle
	interest uint32
	posted   uint32 // bits posted and not yet handled
	gone     bool
}

func newConnPoller() (poller, error) {
	return &connPoller{postQueue: newPostQueue[connReady](), regs: make(map[int]*connReg)}, nil
}

// connNotify posts hd's readiness to its poller if the loop wants it and
// has not been told yet. Under hd's mutex.
func connNotify(hd connHandle) {
	r := hd.state().reg
	if r == nil {
		return
	}
	ready := hd.readyBits()
	if bits := ready & r.interest &^ r.posted; bits != 0 {
		bits |= ready & evErr // with a direction asked for, as poll(2) adds it
		r.posted |= bits
		r.p.post(connReady{r, bits})
	}
}

func (p *connPoller) add(fd int, events uint32, h handler) error {
	hd := connLookup(fd)
	if hd == nil {
		return errBadFD
	}
	r := &connReg{p: p, h: h, hd: hd, interest: events}
	st := hd.state()
	st.mu.Lock()
	if st.reg != nil {
		st.reg.gone = true
	}
	st.reg = r
	if s, ok := hd.(*connStream); ok {
		s.flushing = &p.flushing
	}
	connNotify(hd)
	st.mu.Unlock()
	p.regs[fd] = r
	return nil
}

func (p *connPoller) mod(fd int, events uint32) error {
	r := p.regs[fd]
	if r == nil {
		return nil
	}
	st := r.hd.state()
	st.mu.Lock()
	if !r.gone {
		r.interest = events
		connNotify(r.hd)
	}
	st.mu.Unlock()
	return nil
}

func (p *connPoller) del(fd int) error {
	r := p.regs[fd]
	if r == nil {
		return nil
	}
	delete(p.regs, fd)
	st := r.hd.state()
	st.mu.Lock()
	r.gone = true
	if st.reg == r {
		st.reg = nil
	}
	st.mu.Unlock()
	return nil
}

// quiet: a handle with no interest costs the loop nothing here (its
// goroutines post nothing), so there is nothing to let go of.
func (p *connPoller) quiet(int) bool { return false }

func (p *connPoller) wait(timeoutMs int) (int, error) {
	batch := p.take(timeoutMs)
	handled := 0
	for i, e := range batch {
		batch[i] = connReady{}
		st := e.r.hd.state()
		st.mu.Lock()
		var bits uint32
		if !e.r.gone {
			if bits = e.bits & e.r.interest; bits != 0 {
				bits |= e.bits & evErr
			}
		}
		st.mu.Unlock()
		if bits != 0 {
			e.r.h.handle(bits)
			handled++
		}
		// Level-triggered: still ready (and wanted) means posted again.
		st.mu.Lock()
		e.r.posted &^= e.bits
		if !e.r.gone {
			connNotify(e.r.hd)
		}
		st.mu.Unlock()
	}
	return handled, nil
}

// dedicated: the conn backend's loop is an ordinary goroutine.
func (p *connPoller) dedicated() bool { return false }

func (p *connPoller) close() {
	for fd := range p.regs {
		p.del(fd)
	}
}
