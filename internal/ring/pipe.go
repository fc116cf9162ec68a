package ring

import (
	"sync"
	"sync/atomic"
)

// A Waker is told that the other end of a pipe has made progress: new frames
// were published (the reader's waker) or room was made below the high-water
// mark, or the reader detached (the writer's waker). Wake is called on the
// goroutine of the other end, so it must not block; a typical Wake does a
// non-blocking send on a channel with a buffer of one. Wake-ups may be
// spurious: the woken side always re-checks the pipe.
type Waker interface{ Wake() }

// chunkSize is the number of frames in one chunk of a pipe's queue. A chunk is
// 64×40 B = 2.5 KiB; small enough for a ROUTER with many peers, large enough
// that moving between chunks (one atomic exchange on the spare) is rare.
const chunkSize = 64

// chunk is one fixed-size piece of a pipe's queue. The writer fills chunks in
// order and links the next one before it publishes any frame in it; the reader
// empties them in order and, once it moves past a chunk, hands it back to the
// writer through Pipe.spare, like libzmq's yqueue, so a steady flow allocates
// nothing. If the spare is still there, the older chunk goes to chunkPool.
type chunk struct {
	msgs [chunkSize]Msg
	next *chunk
}

// chunkPool takes the chunks a reader frees faster than its writer needs them
// (a pipe that drains from its high-water mark frees many at once), so that
// the writer's refill does not allocate, while idle pipes hold only their
// current chunk and one spare. Chunks in it have every slot zeroed.
var chunkPool = sync.Pool{New: func() any { return new(chunk) }}

// The state word is the only variable both ends write on the data path. It
// packs, so that one atomic operation publishes all of them together:
//
//	bit 0       asleep: the reader found nothing and waits for a Wake
//	bit 1       closed: the writer has closed; no frame follows the published ones
//	bit 2       detached: the reader has gone; the writer frees whatever it still holds
//	bits 3..33  frames published, modulo 2^31
//	bits 34..63 complete messages published, modulo 2^30
//
// The counters are modular: an end keeps its own 64-bit count and only the
// difference to the published one matters. That is exact as long as fewer
// than 2^31 frames (and 2^30 messages) sit in a pipe at once, which would
// already take 80 GiB of frame headers.
const (
	asleepBit   = 1 << 0
	closedBit   = 1 << 1
	detachedBit = 1 << 2

	frameShift = 3
	frameBits  = 31
	frameMask  = 1<<frameBits - 1
	msgShift   = frameShift + frameBits
	msgMask    = 1<<(64-msgShift) - 1
)

func packState(frames, msgs uint64) uint64 {
	return (frames&frameMask)<<frameShift | (msgs&msgMask)<<msgShift
}

func framesOf(s uint64) uint64 { return s >> frameShift & frameMask }
func msgsOf(s uint64) uint64   { return s >> msgShift }

// cacheLine separates fields written by different goroutines. 128 bytes, not
// 64, because x86's adjacent-line prefetcher and some arm64 cores move lines
// in pairs.
const cacheLine = 128

type pad [cacheLine]byte

type wakerRef struct{ w Waker }

// A Pipe is a lock-free single-producer single-consumer queue of frames with
// a high-water mark counted in messages, the pipe of libzmq.
//
// Exactly one goroutine at a time may use the writer side (CheckWrite, Write,
// Flush, Rollback, Close) and exactly one the reader side (Read, Peek,
// Closed, Detach). Either side may pass to another goroutine if the hand-over
// is itself synchronized (a channel send, a mutex). SetReaderWaker,
// SetWriterWaker, Detached, Len and HWM may be called from any goroutine.
//
// The writer batches: written frames become visible to the reader only at
// Flush. The reader never waits inside the pipe: when Read finds nothing it
// records that the reader is asleep, and the next Flush or Close that
// publishes something calls the reader's Waker, once. A burst of flushes while
// the reader is awake calls nothing. In the other direction CheckWrite
// refuses at the high-water mark and the reader's progress calls the writer's
// Waker, once, when the pipe has drained below the low-water mark.
type Pipe struct {
	// Read-mostly: set at creation, or rarely.
	cf *conflate // non-nil: a conflating pipe (NewConflatePipe); nothing below is used
	// hwm is the high-water mark, 0: no limit. It is the sum of the
	// writer's and the reader's parts (parts, under partsMu), as libzmq adds
	// the SNDHWM and RCVHWM of two inproc sockets; SetHWMParts changes it
	// from any goroutine. The low-water mark is max(hwm/2, 1): a blocked
	// writer is woken once fewer messages than that are queued.
	hwm         atomic.Uint64
	partsMu     sync.Mutex
	parts       [2]int // writer's, reader's; -1: that side has no part
	readerWaker atomic.Pointer[wakerRef]
	writerWaker atomic.Pointer[wakerRef]
	// wakeAt is 0, or the reader's message count at which it must wake the
	// writer. Written by the writer only when CheckWrite refuses; loaded by the
	// reader once per message, so it lives on this mostly-read line.
	wakeAt atomic.Uint64
	_      pad

	state atomic.Uint64
	_     pad

	// spare is a chunk the reader has finished with, for the writer's next
	// chunk. Touched once per chunkSize frames by each side.
	spare atomic.Pointer[chunk]
	_     pad

	w pipeWriter
	_ pad
	r pipeReader
	_ pad
}

// pipeWriter is touched only by the writer goroutine.
type pipeWriter struct {
	chunk *chunk // chunk of the next slot to write; idx == chunkSize means full
	idx   int
	pos   uint64 // frames written
	msgs  uint64 // complete messages written

	// The flush point: where pos, msgs and the slot were at the last
	// publication. Frames in [fpos, pos) are the writer's alone.
	fchunk *chunk
	fidx   int
	fpos   uint64
	fmsgs  uint64

	last     uint64 // the state word as the writer last stored it
	readSeen uint64 // the reader's message count as last loaded
	blocked  bool   // wakeAt is set
	closed   bool
	detached bool // the writer has seen detachedBit
}

// pipeReader is touched only by the reader goroutine, except readCount.
type pipeReader struct {
	chunk *chunk // chunk of the next slot to read; idx == chunkSize means done with it
	idx   int
	pos   uint64 // frames read
	limit uint64 // frames published, as last loaded
	msgs  uint64 // complete messages read
	// readCount is msgs, published for the writer's HWM check and for Len.
	readCount atomic.Uint64
	detached  bool
}

// NewPipe returns an empty pipe. hwm is the number of complete messages the
// pipe may hold before CheckWrite refuses; 0 means no limit. A negative hwm
// panics.
func NewPipe(hwm int) *Pipe {
	if hwm < 0 {
		panic("ring: negative high-water mark")
	}
	return NewPipeParts(hwm, -1)
}

// NewPipeParts returns an empty pipe whose high-water mark is made of the
// writer's part and the reader's: their sum, 0 (no limit) if either is 0,
// and a part of -1 does not count (one side alone sets it). libzmq's inproc
// pipes are made so: the sender's SNDHWM plus the receiver's RCVHWM.
func NewPipeParts(writer, reader int) *Pipe {
	c := new(chunk)
	p := &Pipe{parts: [2]int{writer, reader}}
	p.hwm.Store(hwmOf(p.parts))
	p.w.chunk, p.w.fchunk = c, c
	p.r.chunk = c
	return p
}

func hwmOf(parts [2]int) uint64 {
	sum := 0
	for _, n := range parts {
		if n == 0 {
			return 0
		}
		if n > 0 {
			sum += n
		}
	}
	return uint64(sum)
}

// SetHWMParts changes the writer's part (side 0) or the reader's (side 1)
// of the high-water mark, -1 for none, from any goroutine, for messages
// written from then on (those queued stay). A writer refused at the old
// mark is woken to look again. A conflating pipe has no mark: nothing
// changes.
func (p *Pipe) SetHWMParts(side, n int) {
	if p.cf != nil {
		return
	}
	p.partsMu.Lock()
	p.parts[side] = n
	p.hwm.Store(hwmOf(p.parts))
	p.partsMu.Unlock()
	wake(&p.writerWaker)
}

// SetReaderWaker sets the Waker called when frames are published while the
// reader is asleep, or the writer closes. nil means nobody is woken.
func (p *Pipe) SetReaderWaker(w Waker) { setWaker(&p.readerWaker, w) }

// SetWriterWaker sets the Waker called when a writer refused by CheckWrite
// may write again, or the reader detaches while the writer is refused. nil
// means nobody is woken.
func (p *Pipe) SetWriterWaker(w Waker) { setWaker(&p.writerWaker, w) }

func setWaker(ref *atomic.Pointer[wakerRef], w Waker) {
	if w == nil {
		ref.Store(nil)
		return
	}
	ref.Store(&wakerRef{w})
}

func wake(ref *atomic.Pointer[wakerRef]) {
	if wr := ref.Load(); wr != nil {
		wr.w.Wake()
	}
}

// HWM returns the high-water mark the pipe was created with.
func (p *Pipe) HWM() int { return int(p.hwm.Load()) }

// Len returns the number of complete messages flushed and not yet read: exact
// when both ends are quiet, approximate while they run. It is 0 once the
// reader has detached.
func (p *Pipe) Len() int {
	if p.cf != nil {
		if p.cf.peek() {
			return 1
		}
		return 0
	}
	// Load the reader's count first: it can only fall behind the published
	// count, so the difference is never negative.
	read := p.r.readCount.Load()
	s := p.state.Load()
	if s&detachedBit != 0 {
		return 0
	}
	return int((msgsOf(s) - read) & msgMask)
}

// Detached reports whether the reader has detached. The writer should then
// drop its end; CheckWrite refuses and Write frees what it is given.
func (p *Pipe) Detached() bool {
	if p.cf != nil {
		return p.cf.isDetached()
	}
	return p.state.Load()&detachedBit != 0
}

// ---- writer side ----

// CheckWrite reports whether a new message may start: whether fewer than
// hwm complete messages are written and not yet read. It is exact, and false
// after Close or once the reader has detached.
//
// When it refuses because of the high-water mark, it records that the writer
// is blocked: the reader calls the writer's Waker once, when fewer than
// max(hwm/2, 1) messages remain queued (the low-water mark, so that a writer
// and a reader at full speed do not wake each other for every message). The
// writer must Flush what it wrote before it waits for that Wake, or the
// reader cannot make room.
func (p *Pipe) CheckWrite() bool {
	if p.cf != nil {
		return p.cf.checkWrite()
	}
	w := &p.w
	if w.closed || w.detached {
		return false
	}
	if p.state.Load()&detachedBit != 0 {
		w.detached = true
		return false
	}
	if h := p.hwm.Load(); h == 0 || w.msgs-w.readSeen < h {
		return true
	}
	return p.checkWriteSlow()
}

func (p *Pipe) checkWriteSlow() bool {
	w := &p.w
	hwm := p.hwm.Load()
	w.readSeen = p.r.readCount.Load()
	if hwm == 0 || w.msgs-w.readSeen < hwm {
		if w.blocked {
			// Refused earlier, but room appeared before the low-water mark:
			// withdraw the request. A Wake already under way is spurious.
			w.blocked = false
			p.wakeAt.Store(0)
		}
		return true
	}
	// Ask to be woken, then look again. The reader stores its count before
	// it loads wakeAt, we store wakeAt before we load the count, so (atomics
	// being sequentially consistent) at least one of us sees the other's
	// store: either this check sees the room, or the reader sees wakeAt.
	t := w.msgs - max(hwm/2, 1) + 1
	p.wakeAt.Store(t)
	w.blocked = true
	w.readSeen = p.r.readCount.Load()
	if p.state.Load()&detachedBit != 0 {
		w.detached = true
		return false
	}
	if w.msgs-w.readSeen < hwm {
		w.blocked = false
		p.wakeAt.CompareAndSwap(t, 0)
		return true
	}
	return false
}

// Write appends one frame. Ownership of m passes to the pipe. The frame is
// not visible to the reader until Flush; a frame without More completes a
// message. Write never refuses: call CheckWrite before the first frame of a
// message, and write the rest of the message regardless, since a multipart
// message is atomic and counts as one message against the high-water mark.
// After Close, or once the reader has detached, Write frees m.
func (p *Pipe) Write(m Msg) {
	if p.cf != nil {
		p.cf.write(m)
		return
	}
	w := &p.w
	if w.closed || w.detached || p.state.Load()&detachedBit != 0 {
		p.discard(m)
		return
	}
	if w.idx == chunkSize {
		nc := p.spare.Swap(nil)
		if nc == nil {
			nc = chunkPool.Get().(*chunk)
		}
		nc.next = nil
		// Linked before any frame in nc is published, so the reader, which
		// follows next only to read a published frame, sees the link.
		w.chunk.next = nc
		w.chunk, w.idx = nc, 0
	}
	w.chunk.msgs[w.idx] = m
	w.idx++
	w.pos++
	if m.Flags&More == 0 {
		w.msgs++
	}
}

// discard frees a frame written after Close or Detach. It is not inlined so
// that Write never takes m's address: m then stays in registers and is stored
// into its slot directly, not copied through the stack.
//
//go:noinline
func (p *Pipe) discard(m Msg) {
	if !p.w.closed {
		p.w.detached = true
	}
	m.Free()
}

// Flush publishes every frame written so far. If the reader was asleep, Flush
// clears that and calls the reader's Waker, once. Callers should flush whole
// messages only (a reader may otherwise see the first frames of a message
// whose last frame never comes), but the pipe does not check.
func (p *Pipe) Flush() {
	if p.cf != nil {
		p.cf.flush(p, false)
		return
	}
	if p.w.pos == p.w.fpos {
		return
	}
	p.publish(0)
}

// publish stores the written counts, with flags, into the state word. Normally
// one compare-and-swap against the value the writer itself stored last; it
// fails only when the reader has since marked itself asleep or detached.
func (p *Pipe) publish(flags uint64) {
	w := &p.w
	next := packState(w.pos, w.msgs) | flags
	old := w.last
	for !p.state.CompareAndSwap(old, next) {
		old = p.state.Load()
		if old&detachedBit != 0 {
			// The reader has freed what was published before it detached;
			// what the writer holds beyond that is the writer's to free.
			w.detached = true
			p.dropUnflushed()
			if flags&closedBit != 0 {
				// Closed must still come true, so that the reader can let
				// go of a pipe it gave up (a socket's fair queue holds a
				// peer until its In is Closed).
				for !p.state.CompareAndSwap(old, old|closedBit) {
					old = p.state.Load()
				}
			}
			return
		}
	}
	w.last = next
	w.fchunk, w.fidx, w.fpos, w.fmsgs = w.chunk, w.idx, w.pos, w.msgs
	if old&asleepBit != 0 {
		wake(&p.readerWaker)
	}
}

// Rollback frees the frames written since the last Flush, as when a
// connection breaks in the middle of a message.
func (p *Pipe) Rollback() {
	if p.cf != nil {
		p.cf.rollback()
		return
	}
	if p.w.pos == p.w.fpos {
		return
	}
	p.dropUnflushed()
}

// dropUnflushed frees [fpos, pos) and rewinds the writer to the flush point.
func (p *Pipe) dropUnflushed() {
	w := &p.w
	c, i := w.fchunk, w.fidx
	for n := w.pos - w.fpos; n > 0; n-- {
		if i == chunkSize {
			c, i = c.next, 0
		}
		c.msgs[i].Free() // zeroes the slot too
		i++
	}
	// Chunks linked after the flush point were never published, so the
	// reader cannot be following fchunk.next: unlink them, now empty.
	for c := w.fchunk.next; c != nil; {
		next := c.next
		c.next = nil
		chunkPool.Put(c)
		c = next
	}
	w.fchunk.next = nil
	w.chunk, w.idx, w.pos, w.msgs = w.fchunk, w.fidx, w.fpos, w.fmsgs
}

// Close ends the writer side: it flushes what was written, marks the pipe
// closed and wakes the reader if it is asleep. Later calls to Write free
// their frame; CheckWrite refuses. Close twice does nothing.
func (p *Pipe) Close() {
	if p.cf != nil {
		p.cf.flush(p, true)
		return
	}
	w := &p.w
	if w.closed {
		return
	}
	w.closed = true
	p.publish(closedBit)
}

// ---- reader side ----

// Read returns the next published frame; ownership passes to the caller. When
// nothing is published it returns false and marks the reader asleep, so that
// the next Flush or Close calls the reader's Waker. Marking and re-checking
// are one compare-and-swap on the state word, so no wake-up is lost: if a
// frame is published between the check and the mark, either Read returns it
// or the Waker is called. Read also returns false, without marking, once the
// pipe is closed and drained, and after Detach.
func (p *Pipe) Read() (Msg, bool) {
	if p.cf != nil {
		return p.cf.read()
	}
	r := &p.r
	if r.pos == r.limit && !p.fetch(true) {
		return Msg{}, false
	}
	if r.idx == chunkSize {
		// There is a published frame past this chunk, so the writer has
		// linked the next one and no longer writes here: recycle it.
		old := r.chunk
		r.chunk, r.idx = old.next, 0
		if prev := p.spare.Swap(old); prev != nil {
			prev.next = nil
			chunkPool.Put(prev)
		}
	}
	slot := &r.chunk.msgs[r.idx]
	m := *slot
	*slot = Msg{} // drop the reference to Data for the garbage collector
	r.idx++
	r.pos++
	if m.Flags&More == 0 {
		r.msgs++
		// Store, then load wakeAt: the other half of checkWriteSlow's
		// handshake.
		r.readCount.Store(r.msgs)
		if t := p.wakeAt.Load(); t != 0 && r.msgs >= t && p.wakeAt.CompareAndSwap(t, 0) {
			wake(&p.writerWaker)
		}
	}
	return m, true
}

// fetch loads the published frame count. If nothing new is published and
// sleep is set, it marks the reader asleep, unless the pipe is closed or the
// reader is already marked.
func (p *Pipe) fetch(sleep bool) bool {
	r := &p.r
	if r.detached {
		return false
	}
	s := p.state.Load()
	for {
		if avail := (framesOf(s) - r.pos) & frameMask; avail != 0 {
			r.limit = r.pos + avail
			return true
		}
		if !sleep || s&(closedBit|asleepBit) != 0 {
			return false
		}
		if p.state.CompareAndSwap(s, s|asleepBit) {
			return false
		}
		s = p.state.Load() // the writer published or closed meanwhile
	}
}

// Peek reports whether a published frame is waiting to be read. Unlike Read
// it neither consumes the frame nor marks the reader asleep.
func (p *Pipe) Peek() bool {
	if p.cf != nil {
		return p.cf.peek()
	}
	return p.r.pos != p.r.limit || p.fetch(false)
}

// Closed reports whether the writer has closed the pipe and every frame it
// published has been read (or freed by Detach).
func (p *Pipe) Closed() bool {
	if p.cf != nil {
		return p.cf.isClosed()
	}
	s := p.state.Load()
	return s&closedBit != 0 && (framesOf(s)-p.r.pos)&frameMask == 0
}

// Detach ends the reader side: it frees every frame queued, and from then on
// the writer frees whatever it writes or had not yet flushed. If the writer
// is blocked by the high-water mark, its Waker is called so it can notice
// (Detached) and drop its end. Detach twice does nothing.
func (p *Pipe) Detach() {
	if p.cf != nil {
		p.cf.detach()
		return
	}
	r := &p.r
	if r.detached {
		return
	}
	r.detached = true
	s := p.state.Load()
	for !p.state.CompareAndSwap(s, s|detachedBit) {
		s = p.state.Load()
	}
	// The frames published up to that swap are ours; the writer will not
	// publish more.
	for end := r.pos + (framesOf(s)-r.pos)&frameMask; r.pos != end; r.pos++ {
		if r.idx == chunkSize {
			r.chunk, r.idx = r.chunk.next, 0
		}
		r.chunk.msgs[r.idx].Free()
		r.idx++
	}
	r.limit = r.pos
	if p.wakeAt.Swap(0) != 0 {
		wake(&p.writerWaker)
	}
}
