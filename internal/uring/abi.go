//go:build linux

package uring

import (
	"encoding/binary"
	"unsafe"
)

// The kernel's structs, field for field (include/uapi/linux/io_uring.h).
// abi_test.go checks every size and offset against the kernel's layout.

// Params is struct io_uring_params: passed to io_uring_setup, which fills
// in the sizes, features and mmap offsets.
type Params struct {
	SQEntries    uint32
	CQEntries    uint32
	Flags        uint32
	SQThreadCPU  uint32
	SQThreadIdle uint32
	Features     uint32
	WQFd         uint32
	Resv         [3]uint32
	SQOff        SQRingOffsets
	CQOff        CQRingOffsets
}

// SQRingOffsets is struct io_sqring_offsets: where each field of the
// submission ring lies in its mmap.
type SQRingOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Flags       uint32
	Dropped     uint32
	Array       uint32
	Resv1       uint32
	UserAddr    uint64
}

// CQRingOffsets is struct io_cqring_offsets.
type CQRingOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Overflow    uint32
	CQEs        uint32
	Flags       uint32
	Resv1       uint32
	UserAddr    uint64
}

// SQE is struct io_uring_sqe (64 bytes). The kernel's unions are named
// after the member this package uses; the others share their bytes.
type SQE struct {
	Opcode      uint8
	Flags       uint8  // IOSQE_*
	IOPrio      uint16 // also send/recv/accept flags
	Fd          int32
	Off         uint64 // off, addr2
	Addr        uint64 // addr; for POLL_REMOVE the user_data to remove
	Len         uint32 // for POLL_ADD the IORING_POLL_* flags
	OpFlags     uint32 // rw_flags, poll32_events, timeout_flags, ...
	UserData    uint64
	BufIndex    uint16 // buf_index, buf_group
	Personality uint16
	FileIndex   uint32 // splice_fd_in, file_index, optlen
	Addr3       uint64
	_           uint64
}

// CQE is struct io_uring_cqe (16 bytes; rings set up without CQE32).
type CQE struct {
	UserData uint64
	Res      int32 // result, or a negated errno
	Flags    uint32
}

// GeteventsArg is struct io_uring_getevents_arg, passed to io_uring_enter
// with EnterExtArg. Ts holds the address of a KernelTimespec.
type GeteventsArg struct {
	Sigmask     uint64
	SigmaskSz   uint32
	MinWaitUsec uint32 // "pad" before Linux 6.12
	Ts          uint64
}

// KernelTimespec is struct __kernel_timespec: 64-bit fields on every
// architecture, unlike unix.Timespec on 32-bit ones.
type KernelTimespec struct {
	Sec  int64
	Nsec int64
}

// io_uring_setup flags.
const (
	SetupCQSize uint32 = 1 << 3 // Params.CQEntries is valid
	SetupClamp  uint32 = 1 << 4 // clamp too-large sizes instead of EINVAL
)

// Params.Features bits.
const (
	FeatSingleMmap uint32 = 1 << 0  // SQ and CQ rings share one mmap (5.4)
	FeatNodrop     uint32 = 1 << 1  // no CQE is dropped on CQ overflow (5.5)
	FeatExtArg     uint32 = 1 << 8  // io_uring_enter takes GeteventsArg (5.11)
	FeatCQESkip    uint32 = 1 << 11 // SQECQESkipSuccess (5.17)
)

// Opcodes (enum io_uring_op).
const (
	OpNop        uint8 = 0
	OpPollAdd    uint8 = 6
	OpPollRemove uint8 = 7
)

// SQE.Flags.
const (
	SQECQESkipSuccess uint8 = 1 << 6 // post no CQE if the request succeeds
)

// POLL_ADD flags, in SQE.Len.
const (
	PollAddMulti uint32 = 1 << 0 // multishot: CQEs with CQEFMore until it ends (5.13)
)

// CQE.Flags.
const (
	CQEFMore uint32 = 1 << 1 // the request stays armed and will post again
)

// Words of the SQ ring's flags field.
const (
	SQNeedWakeup uint32 = 1 << 0
	SQCQOverflow uint32 = 1 << 1 // CQEs wait in the kernel for room in the CQ ring
)

// io_uring_enter flags.
const (
	EnterGetEvents uint32 = 1 << 0
	EnterExtArg    uint32 = 1 << 3
)

// mmap offsets of the three regions.
const (
	OffSQRing int64 = 0
	OffCQRing int64 = 0x8000000
	OffSQEs   int64 = 0x10000000
)

// Sizes the kernel expects.
const (
	sqeSize         = 64
	cqeSize         = 16
	geteventsArgLen = unsafe.Sizeof(GeteventsArg{})
)

// poll32 encodes a poll mask for SQE.OpFlags. The kernel reads
// poll32_events with its 16-bit halves swapped on big-endian machines, so
// that the old 16-bit poll_events field, which shares its first two bytes,
// keeps working there.
func poll32(mask uint32) uint32 {
	if bigEndian {
		return mask<<16 | mask>>16
	}
	return mask
}

var bigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1
