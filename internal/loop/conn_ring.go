package loop

// byteRing is a bounded ring of bytes between one producer and one
// consumer; its positions are guarded by the owner's mutex. The producer
// may fill the slice free returns without holding the mutex (the consumer
// never touches those bytes) and publishes them with commit under it; the
// consumer may likewise read the slice data returns without the mutex and
// gives the bytes back with consume under it. free and commit are the
// producer's only, data and consume the consumer's only.
type byteRing struct {
	buf  []byte
	r, w uint64 // read and write positions, counted from the start
}

func (b *byteRing) len() int { return int(b.w - b.r) }

// free is the contiguous room after the data. While the ring is empty
// (when the consumer holds none of its bytes) it starts again at the
// front, so that a ring that keeps up fills in whole slices.
func (b *byteRing) free() []byte {
	if b.r == b.w {
		b.r, b.w = 0, 0
	}
	i := int(b.w % uint64(len(b.buf)))
	return b.buf[i : i+min(len(b.buf)-b.len(), len(b.buf)-i)]
}

func (b *byteRing) commit(n int) { b.w += uint64(n) }

// data is the contiguous data at the front; the rest, if the data wraps,
// is the next call's after consume.
func (b *byteRing) data() []byte {
	i := int(b.r % uint64(len(b.buf)))
	return b.buf[i : i+min(b.len(), len(b.buf)-i)]
}

func (b *byteRing) consume(n int) { b.r += uint64(n) }
