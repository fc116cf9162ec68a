package ring

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Flags are the per-frame flags of a Msg.
type Flags uint8

const (
	// More says another frame of the same message follows this one.
	More Flags = 1 << 0
	// Command marks a ZMTP command frame; it is the same bit as on the wire.
	Command Flags = 1 << 2
)

// Size classes of the frame pool: powers of two from 64 B to 1 MiB. Larger
// frames are allocated with make and left to the garbage collector.
const (
	minClassShift = 6  // 64 B
	maxClassShift = 20 // 1 MiB
	numClasses    = maxClassShift - minClassShift + 1

	// maxPooled is the largest frame size NewMsg takes from the pool.
	maxPooled = 1 << maxClassShift
)

// poolBuf is the pooled backing of a Msg. The pools hold *poolBuf, a pointer,
// so that Get and Put do not allocate. gen counts how many times the buffer has
// been handed out; a Msg remembers the generation it was given, so a Free
// through a stale copy (whose generation no longer matches) does nothing
// instead of returning a buffer that someone else now owns.
type poolBuf struct {
	buf  []byte
	gen  uint32
	slab bool
	// refs counts the Msgs carved from a slab block (see Slab). For a
	// buffer that backs one frame it counts the extra copies Share made:
	// 0 while the frame has one holder. Other goroutines decrement it
	// while the owner carves, so it has a cache line to itself.
	_    [64]byte
	refs atomic.Int64
	_    [56]byte
}

var pools [numClasses]sync.Pool

func init() {
	for i := range pools {
		size := 1 << (minClassShift + i)
		pools[i].New = func() any { return &poolBuf{buf: make([]byte, size)} }
	}
}

// sizeClass returns the pool index for a frame of size bytes, 0 < size <= maxPooled.
func sizeClass(size int) int {
	if size <= 1<<minClassShift {
		return 0
	}
	return bits.Len(uint(size-1)) - minClassShift
}

// Msg is one frame of a message.
//
// Data may be borrowed from an internal pool (NewMsg) or owned by the caller
// (MsgFrom). Whoever holds a Msg owns its Data until it hands the Msg on (for
// example with Pipe.Write, after which the pipe and then the reader own it) or
// calls Free. A Msg is a small value: copying it copies the reference to the
// same bytes, not the bytes, and only one of the copies may be used or freed
// after the Msg has been handed on. Free zeroes the variable it is called on,
// so freeing the same variable twice is harmless; freeing a stale copy of a
// Msg whose buffer has already gone back to the pool is detected and ignored,
// but the stale copy's Data must not be read or written after the first Free.
type Msg struct {
	Data  []byte
	Flags Flags

	gen    uint32   // poolBuf.gen when this Msg received pooled
	pooled *poolBuf // backing buffer of Data, nil when Data is caller-owned
}

// NewMsg returns a frame with len(Data) == size. For 0 < size <= 1 MiB the
// bytes come from a pool of size classes and are not zeroed: the caller must
// overwrite all of Data before sending it. cap(Data) is the size class and may
// be larger than size. Larger frames are allocated with make. NewMsg(0)
// returns a zero Msg (an empty frame). In steady state NewMsg followed by Free
// allocates nothing.
func NewMsg(size int) Msg {
	if size <= 0 || size > maxPooled {
		if size < 0 {
			panic("ring: NewMsg with negative size")
		}
		if size == 0 {
			return Msg{}
		}
		return Msg{Data: make([]byte, size)}
	}
	pb := pools[sizeClass(size)].Get().(*poolBuf)
	pb.gen++
	return Msg{Data: pb.buf[:size], gen: pb.gen, pooled: pb}
}

// MsgFrom wraps caller-owned bytes in a Msg without copying them. The Msg is
// not pooled: Free only forgets b. The caller must not modify b while the Msg
// is in a pipe.
func MsgFrom(b []byte) Msg {
	return Msg{Data: b}
}

// Free returns m's pooled buffer, if any, to the pool and sets *m to the zero
// Msg. It is safe on a zero Msg, on a Msg wrapping caller-owned bytes, and
// twice on the same variable. Copies of a Msg share one buffer: only one of
// them may be freed (see Msg).
func (m *Msg) Free() {
	if pb := m.pooled; pb != nil {
		if pb.slab {
			pb.release(1) // a frame carved by a Slab
		} else if pb.gen == m.gen {
			// A shared frame (Share) goes back when its last copy is freed:
			// with refs at 0 this is the only one left (the others' frees
			// brought it there); otherwise one reference is given back,
			// and whoever takes it below 0 was the last.
			if pb.refs.Load() != 0 {
				if pb.refs.Add(-1) >= 0 {
					*m = Msg{}
					return
				}
				pb.refs.Store(0)
			}
			// Bump the generation on return as well as on hand-out, so that
			// a stale copy cannot match even before the buffer is reused.
			pb.gen++
			pools[sizeClass(cap(pb.buf))].Put(pb)
		}
	}
	*m = Msg{}
}

// Clone returns another Msg with the same bytes and flags, for sending one
// frame to several pipes (PUB's fan-out): Share(1) and a copy of m. The
// bytes are shared, not copied; each copy is freed on its own.
func (m *Msg) Clone() Msg {
	m.Share(1)
	return *m
}

// Share takes k more references to m's bytes at once, so that m and k
// copies of it (plain assignments) can each be freed on their own, the
// memory going back to its pool with the last. A fan-out to n pipes shares
// with k = n-1: one atomic add per frame instead of a copy of its bytes
// per pipe, as libzmq's reference-counted messages are shared. (Copying
// made each of ten stalled subscribers of a PUB hold its own copy of up to
// SNDHWM messages: five times libzmq's memory, issue 12.) Frames the
// collector owns (over 1 MiB, or the caller's bytes) need no count.
//
// Every holder of a shared frame reads the same bytes: none may write to
// them, whoever receives it.
func (m *Msg) Share(k int) {
	if pb := m.pooled; pb != nil {
		pb.refs.Add(int64(k))
	}
}

// More reports whether another frame of the same message follows m.
func (m *Msg) More() bool { return m.Flags&More != 0 }

// IsCommand reports whether m is a ZMTP command frame.
func (m *Msg) IsCommand() bool { return m.Flags&Command != 0 }
