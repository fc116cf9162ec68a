//go:build linux

package uring

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// BufReg is struct io_uring_buf_reg, the argument of
// IORING_REGISTER_PBUF_RING.
type BufReg struct {
	RingAddr    uint64
	RingEntries uint32
	Bgid        uint16
	Flags       uint16
	_           [3]uint64
}

// Buf is struct io_uring_buf, one entry of a provided-buffer ring. The
// ring's tail is the 16-bit Resv of entry 0: the kernel reads it there.
type Buf struct {
	Addr uint64
	Len  uint32
	Bid  uint16
	Resv uint16
}

// Opcodes and flags for receives into provided buffers.
const (
	OpSend uint8 = 26
	OpRecv uint8 = 27

	SQEBufferSelect uint8 = 1 << 5 // take a buffer from group BufIndex

	RecvMultishot uint16 = 1 << 1 // in SQE.IOPrio: keep receiving (6.0)

	CQEFBuffer       uint32 = 1 << 0 // the upper 16 bits of Flags are a buffer id
	CQEFSockNonempty uint32 = 1 << 2 // more data was queued when the receive completed
	cqeBufferShift          = 16

	registerPbufRing   = 22
	unregisterPbufRing = 23
)

// BufRing is a ring of provided buffers (IORING_REGISTER_PBUF_RING, Linux
// 5.19): the kernel picks a free buffer for each receive that selects its
// group, and the CQE names it; the owner reads the data there and hands the
// buffer back with Recycle. Ring and buffers are anonymous mappings, so
// the garbage collector never sees or moves memory the kernel writes to.
// A BufRing belongs to its Ring's goroutine.
type BufRing struct {
	ring    *Ring
	bgid    uint16
	entries []Buf
	mem     []byte // the entries' mapping
	bufs    []byte // count × size bytes of buffer space
	size    int
	mask    uint16
	tail    uint16
}

// RegisterBufRing gives the kernel count buffers of size bytes each as
// group bgid. count must be a power of two, at most 32768.
func (r *Ring) RegisterBufRing(bgid uint16, count, size int) (*BufRing, error) {
	if count <= 0 || count > 1<<15 || count&(count-1) != 0 || size <= 0 {
		return nil, unix.EINVAL
	}
	const prot, flags = unix.PROT_READ | unix.PROT_WRITE, unix.MAP_PRIVATE | unix.MAP_ANONYMOUS | unix.MAP_POPULATE
	mem, err := unix.Mmap(-1, 0, count*int(unsafe.Sizeof(Buf{})), prot, flags)
	if err != nil {
		return nil, err
	}
	bufs, err := unix.Mmap(-1, 0, count*size, prot, flags)
	if err != nil {
		unix.Munmap(mem)
		return nil, err
	}
	br := &BufRing{ring: r, bgid: bgid, mem: mem, bufs: bufs, size: size, mask: uint16(count - 1)}
	br.entries = unsafe.Slice((*Buf)(unsafe.Pointer(&mem[0])), count)
	reg := BufReg{RingAddr: uint64(uintptr(unsafe.Pointer(&mem[0]))), RingEntries: uint32(count), Bgid: bgid}
	if _, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerPbufRing, uintptr(unsafe.Pointer(&reg)), 1, 0, 0); errno != 0 {
		unix.Munmap(bufs)
		unix.Munmap(mem)
		return nil, errno
	}
	for i := range count {
		br.add(uint16(i))
	}
	br.publish()
	return br, nil
}

// add queues buffer bid for the kernel; publish makes queued ones visible.
func (br *BufRing) add(bid uint16) {
	e := &br.entries[br.tail&br.mask]
	off := int(bid) * br.size
	e.Addr = uint64(uintptr(unsafe.Pointer(&br.bufs[off])))
	e.Len = uint32(br.size)
	e.Bid = bid
	br.tail++
}

func (br *BufRing) publish() {
	// The kernel loads the tail with acquire semantics; the entries written
	// before must be visible first. A 16-bit atomic store does not exist in
	// sync/atomic, so the release goes through the 32-bit word that holds
	// the tail in its upper half (entry 0's Bid and Resv).
	// Only this side writes the ring, so the other half is read plainly.
	w := (*uint32)(unsafe.Pointer(&br.mem[12]))
	if bigEndian {
		atomic.StoreUint32(w, *w&^0xffff|uint32(br.tail))
	} else {
		atomic.StoreUint32(w, *w&0xffff|uint32(br.tail)<<16)
	}
}

// Buffer returns the data a CQE delivered: its buffer, cut to the CQE's
// result. ok is false for a CQE that carries no buffer (an error, or the end
// of the stream).
func (br *BufRing) Buffer(cqe CQE) (data []byte, bid uint16, ok bool) {
	if cqe.Flags&CQEFBuffer == 0 || cqe.Res <= 0 {
		return nil, 0, false
	}
	bid = uint16(cqe.Flags >> cqeBufferShift)
	off := int(bid) * br.size
	return br.bufs[off : off+int(cqe.Res) : off+br.size], bid, true
}

// Recycle hands buffer bid back to the kernel. The data Buffer returned for
// it must not be used after.
func (br *BufRing) Recycle(bid uint16) {
	br.add(bid)
	br.publish()
}

// Close unregisters the group and unmaps its memory. Receives still armed
// on it must be cancelled first (or the ring closed).
func (br *BufRing) Close() error {
	reg := BufReg{Bgid: br.bgid}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(br.ring.fd), unregisterPbufRing, uintptr(unsafe.Pointer(&reg)), 1, 0, 0)
	unix.Munmap(br.bufs)
	unix.Munmap(br.mem)
	br.entries, br.bufs, br.mem = nil, nil, nil
	if errno != 0 {
		return errno
	}
	return nil
}

// PrepRecvMultishot makes sqe receive from socket fd into buffers of group
// bgid, again and again: one CQE per receive with CQEFMore set while it
// stays armed. It ends with a CQE without CQEFMore: Res 0 at end of stream,
// -ENOBUFS when the group ran out of buffers (re-arm after Recycle), or
// another negated errno.
func (sqe *SQE) PrepRecvMultishot(fd int, bgid uint16) {
	sqe.Opcode = OpRecv
	sqe.Fd = int32(fd)
	sqe.Flags = SQEBufferSelect
	sqe.IOPrio = RecvMultishot
	sqe.BufIndex = bgid
}

// PrepSend makes sqe send b on socket fd. b must stay untouched until the
// CQE comes.
func (sqe *SQE) PrepSend(fd int, b []byte) {
	sqe.Opcode = OpSend
	sqe.Fd = int32(fd)
	sqe.Addr = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	sqe.Len = uint32(len(b))
}
