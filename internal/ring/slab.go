package ring

import "sync"

// Small frames are carved from slab blocks instead of taking a pooled
// buffer each: a session decoding thousands of 8-byte messages would
// otherwise pay a sync.Pool Get per message on its goroutine and a Put on
// the reader's, and the pools then steal from each other across Ps (a third
// of the CPU of a small-message stream, measured with
// BenchmarkPushPullTCP8).
const (
	// SlabMax is the largest frame a Slab carves; larger ones use NewMsg.
	SlabMax = 256
	// slabSize is one block. A block returns to the pool when its last
	// frame is freed, so a frame kept forever pins at most this much.
	slabSize = 16 << 10
	// slabBias is the count a block starts with while its owner carves
	// from it; the owner takes it back, less what it handed out, when it
	// moves on. So carving costs no atomic operation, and freeing one.
	slabBias = 1 << 40
)

var slabPool = sync.Pool{New: func() any { return &poolBuf{buf: make([]byte, slabSize), slab: true} }}

// Slab allocates small frames for one goroutine (its owner). Frames it
// returns may be freed by any goroutine, with Msg.Free as usual. The zero
// Slab is ready to use. As with NewMsg, copies of a Msg share its memory
// and only one may be freed.
type Slab struct {
	cur  *poolBuf
	buf  []byte // cur.buf, kept here so carving never reads cur's cache lines
	off  int
	used int64 // frames carved from cur
}

// NewMsg returns a frame of size bytes: from the current block when size is
// at most SlabMax, else from ring.NewMsg.
func (s *Slab) NewMsg(size int) Msg {
	if size > SlabMax || size <= 0 {
		return NewMsg(size)
	}
	if s.cur == nil || s.off+size > slabSize {
		s.Release()
		s.cur = slabPool.Get().(*poolBuf)
		s.cur.refs.Store(slabBias)
		s.buf = s.cur.buf
		s.off, s.used = 0, 0
	}
	b := s.buf[s.off : s.off+size : s.off+size] // capped: an append cannot reach a neighbour
	s.off += (size + 7) &^ 7
	s.used++
	return Msg{Data: b, pooled: s.cur}
}

// NewMsgAt is NewMsg(size) written into *m (whatever *m held is
// overwritten, not freed): a receiver filling a slice of frames builds each
// in place instead of copying it there.
func (s *Slab) NewMsgAt(m *Msg, size int) {
	if uint(size-1) >= SlabMax || s.off+size > len(s.buf) {
		*m = s.NewMsg(size)
		return
	}
	off := s.off
	m.Data = s.buf[off : off+size : off+size] // capped: an append cannot reach a neighbour
	m.Flags, m.gen, m.pooled = 0, 0, s.cur
	s.off = off + (size+7)&^7
	s.used++
}

// Free frees m, as m.Free does; a frame carved from s's current block
// costs no atomic operation when s's owner frees it. The owner only.
func (s *Slab) Free(m *Msg) {
	if m.pooled != nil && m.pooled == s.cur {
		s.used-- // as if never carved: Release gives the block's count back
		*m = Msg{}
		return
	}
	m.Free()
}

// Release gives up the current block (its frames stay valid until freed).
// Call it when the owner is done, or the block is only recycled by the
// garbage collector.
func (s *Slab) Release() {
	if s.cur != nil {
		s.cur.release(slabBias - s.used)
		s.cur, s.buf = nil, nil
	}
}

// release drops n references to a slab block and recycles it at zero.
func (pb *poolBuf) release(n int64) {
	if pb.refs.Add(-n) == 0 {
		slabPool.Put(pb)
	}
}
