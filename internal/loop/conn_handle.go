package loop

import (
	"sync"
	"sync/atomic"
)

// Handles of the conn backend. The engine names every connection, listener
// and connect in progress by an int, its "fd" (session.fd, Connecter.fd,
// Listener.fd, the poller's keys, the monitor's event values). The conn
// backend's objects have no file descriptor the engine could use, so they
// get numbers of their own, from connBase up, which no kernel hands out:
// the fd-level functions (readFD, writevFD, closeFD ...) tell the two kinds
// apart by a comparison and nothing else, so the fd backends pay one
// predictable branch per system call for the conn backend's existence. On
// Windows every handle is one of these.
const (
	connBase   = 1 << 30
	connChunk  = 1024
	connChunks = 1024 // at most connChunk*connChunks handles open at once
)

// isConnFD reports whether fd is a conn backend handle.
func isConnFD(fd int) bool { return fd >= connBase }

// connHandle is what a handle names: a stream (connected, or a connect in
// progress) or a listener.
type connHandle interface {
	// state is the handle's mutex and poller registration.
	state() *handleState
	// readyBits is the readiness the handle has now (evRead, evWrite,
	// evErr), whatever the interest. Under state().mu.
	readyBits() uint32
	// close ends the handle's goroutines and its connection (a stream
	// first writes what it holds, see connStream.close). Called once, by
	// closeFD.
	close()
}

// handleState is the part of a handle the poller shares.
type handleState struct {
	mu  sync.Mutex
	reg *connReg // the poller's registration; nil while not watched
}

func (h *handleState) state() *handleState { return h }

// connSlot holds one open handle.
type connSlot struct{ h connHandle }

// connTable maps handles to their objects. Lookups (every read and write)
// are two atomic loads; opening and closing take mu.
var connTable struct {
	mu     sync.Mutex
	free   []int // released indexes, reused last-in first-out as fds are
	next   int
	chunks [connChunks]atomic.Pointer[[connChunk]atomic.Pointer[connSlot]]
}

// connOpen gives h a handle; EMFILE when all are taken.
func connOpen(h connHandle) (int, error) {
	t := &connTable
	t.mu.Lock()
	defer t.mu.Unlock()
	var i int
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.next == connChunk*connChunks {
			return -1, errEMFILE
		}
		i = t.next
		t.next++
	}
	c := t.chunks[i/connChunk].Load()
	if c == nil {
		c = new([connChunk]atomic.Pointer[connSlot])
		t.chunks[i/connChunk].Store(c)
	}
	c[i%connChunk].Store(&connSlot{h})
	return connBase + i, nil
}

// connLookup returns fd's object, or nil when fd is not an open handle.
func connLookup(fd int) connHandle {
	i := fd - connBase
	if i < 0 || i >= connChunk*connChunks {
		return nil
	}
	c := connTable.chunks[i/connChunk].Load()
	if c == nil {
		return nil
	}
	if s := c[i%connChunk].Load(); s != nil {
		return s.h
	}
	return nil
}

// connRelease frees fd's number and returns its object (nil if fd was not
// open). The caller closes the object.
func connRelease(fd int) connHandle {
	i := fd - connBase
	if i < 0 || i >= connChunk*connChunks {
		return nil
	}
	t := &connTable
	c := t.chunks[i/connChunk].Load()
	if c == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := c[i%connChunk].Swap(nil)
	if s == nil {
		return nil
	}
	t.free = append(t.free, i)
	return s.h
}

// connClose closes a conn backend handle: it is taken out of the table at
// once (a later lookup finds nothing, and the number may be handed out
// again), and its object ends its goroutines.
func connClose(fd int) {
	if h := connRelease(fd); h != nil {
		st := h.state()
		st.mu.Lock()
		if st.reg != nil {
			st.reg.gone = true
			st.reg = nil
		}
		st.mu.Unlock()
		h.close()
	}
}
