package ring

// defaultBufferSize is the capacity of a Buffer made without one: libzmq's
// default ZMQ_IN_BATCH_SIZE, the bytes an engine reads in one go.
const defaultBufferSize = 8192

// A Buffer holds a connection's inbound bytes between the read that brought
// them and the decoder that consumes them. It belongs to one goroutine.
//
// Its bytes are buf[r:w]: the reader fills the writable tail from Free and
// reports with Commit; the decoder looks at Bytes and reports with Consume.
// Slices returned by Free and Bytes are borrowed from the Buffer: they are
// valid only until the next call of Free, Commit, Consume, Grow or Reset, any
// of which may move the bytes. Keep the data, not the slice, or copy it.
//
// The zero Buffer is empty and gets 8 KiB on its first Free or Grow.
type Buffer struct {
	buf  []byte
	r, w int
}

// NewBuffer returns an empty Buffer of the given capacity (8 KiB if size <= 0).
func NewBuffer(size int) *Buffer {
	if size <= 0 {
		size = defaultBufferSize
	}
	return &Buffer{buf: make([]byte, size)}
}

// Free returns the writable tail of the buffer, to read into. It has length
// at least 1 unless the buffer is full (Len equals its capacity; Grow it).
// Unread bytes are first moved to the front when that costs nothing (nothing
// is unread), when the tail is empty, or when the tail is small (under a
// quarter of the buffer) and the bytes to move are no more than the bytes
// already consumed, which keeps copying to at most one byte per byte consumed.
// The slice is borrowed: write into it, then Commit how much was written,
// before any other call on b.
func (b *Buffer) Free() []byte {
	if b.buf == nil {
		b.buf = make([]byte, defaultBufferSize)
	}
	if b.r > 0 {
		tail, unread := len(b.buf)-b.w, b.w-b.r
		if tail == 0 || unread == 0 || (tail < len(b.buf)/4 && unread <= b.r) {
			b.compact()
		}
	}
	return b.buf[b.w:]
}

// compact moves the unread bytes to the front.
func (b *Buffer) compact() {
	n := copy(b.buf, b.buf[b.r:b.w])
	b.r, b.w = 0, n
}

// Commit records that n bytes were written at the start of the slice Free
// returned. It panics if n is negative or more than that slice's length.
func (b *Buffer) Commit(n int) {
	if n < 0 || n > len(b.buf)-b.w {
		panic("ring: Buffer.Commit out of range")
	}
	b.w += n
}

// Bytes returns the unread bytes. The slice is borrowed: it is valid until
// the next Free, Commit, Consume, Grow or Reset, and the caller must not
// write into it.
func (b *Buffer) Bytes() []byte { return b.buf[b.r:b.w] }

// Consume discards the first n unread bytes. It panics if n is negative or
// more than Len.
func (b *Buffer) Consume(n int) {
	if n < 0 || n > b.w-b.r {
		panic("ring: Buffer.Consume out of range")
	}
	b.r += n
	if b.r == b.w {
		b.r, b.w = 0, 0
	}
}

// Cap returns the buffer's capacity: the most it can hold unread.
func (b *Buffer) Cap() int { return len(b.buf) }

// Resize moves the unread bytes to the front of a new array of size bytes,
// or of Len bytes if size is smaller.
func (b *Buffer) Resize(size int) {
	unread := b.w - b.r
	nb := make([]byte, max(size, unread))
	copy(nb, b.buf[b.r:b.w])
	b.buf, b.r, b.w = nb, 0, unread
}

// Len returns the number of unread bytes.
func (b *Buffer) Len() int { return b.w - b.r }

// Reset discards every unread byte and keeps the memory.
func (b *Buffer) Reset() { b.r, b.w = 0, 0 }

// Grow makes room for at least n more bytes, so that the next Free returns
// a slice of length >= n: by moving the unread bytes to the front if that
// suffices, or else by moving them to a new array of twice the size (or
// more, if n needs it). A decoder calls it when a frame is larger than the
// buffer. It panics if n is negative.
func (b *Buffer) Grow(n int) {
	if n < 0 {
		panic("ring: Buffer.Grow with negative count")
	}
	if b.buf == nil {
		b.buf = make([]byte, max(defaultBufferSize, n))
		return
	}
	if len(b.buf)-b.w >= n {
		return
	}
	unread := b.w - b.r
	if len(b.buf)-unread >= n {
		b.compact()
		return
	}
	nb := make([]byte, max(2*len(b.buf), unread+n))
	copy(nb, b.buf[b.r:b.w])
	b.buf, b.r, b.w = nb, 0, unread
}
