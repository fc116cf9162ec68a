//go:build linux

package uring

import (
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Ring is one io_uring instance: the ring fd and its mapped queues. It is
// used by one goroutine (see the package doc).
type Ring struct {
	fd       int
	features uint32

	sqRing []byte // mmap of the SQ ring
	cqRing []byte // mmap of the CQ ring; the same as sqRing with FeatSingleMmap
	sqeMem []byte // mmap of the SQE array

	// Submission queue. The kernel advances *sqHead as it consumes SQEs;
	// this side owns *sqTail. sqeTail runs ahead of *sqTail by the SQEs
	// handed out and not yet published.
	sqHead    *uint32
	sqTail    *uint32
	sqFlags   *uint32
	sqMask    uint32
	sqEntries uint32
	sqes      []SQE
	sqeTail   uint32

	// Completion queue. The kernel advances *cqTail as it posts; this side
	// owns *cqHead, and cqHeadLocal mirrors it.
	cqHead      *uint32
	cqTail      *uint32
	cqMask      uint32
	cqEntries   uint32
	cqes        []CQE
	cqHeadLocal uint32

	// Reused by SubmitAndWait so that a timed wait allocates nothing; arg.Ts
	// holds the address of ts, both inside this heap object.
	arg GeteventsArg
	ts  KernelTimespec
}

// Setup makes a ring with room for entries SQEs (rounded up to a power of
// two by the kernel; the CQ ring gets twice as many) and the IORING_SETUP_*
// flags given. It fails with the kernel's error: ENOSYS without io_uring,
// EPERM when seccomp or kernel.io_uring_disabled forbid it, ENOMEM when
// RLIMIT_MEMLOCK is too low (before Linux 5.12), EINVAL for sizes above the
// kernel's limit without SetupClamp.
func Setup(entries, flags uint32) (*Ring, error) {
	var p Params
	p.Flags = flags
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errno
	}
	r := &Ring{fd: int(fd), features: p.Features}
	if err := r.mapRings(&p); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Ring) mapRings(p *Params) error {
	const prot, flags = unix.PROT_READ | unix.PROT_WRITE, unix.MAP_SHARED | unix.MAP_POPULATE
	sqSize := int(p.SQOff.Array) + int(p.SQEntries)*4
	cqSize := int(p.CQOff.CQEs) + int(p.CQEntries)*cqeSize
	single := p.Features&FeatSingleMmap != 0
	if single {
		sqSize = max(sqSize, cqSize)
	}
	var err error
	if r.sqRing, err = unix.Mmap(r.fd, OffSQRing, sqSize, prot, flags); err != nil {
		return err
	}
	if single {
		r.cqRing = r.sqRing
	} else if r.cqRing, err = unix.Mmap(r.fd, OffCQRing, cqSize, prot, flags); err != nil {
		return err
	}
	if r.sqeMem, err = unix.Mmap(r.fd, OffSQEs, int(p.SQEntries)*sqeSize, prot, flags); err != nil {
		return err
	}

	// Every pointer into the shared memory is taken from the mapped slices,
	// never made from an integer, so checkptr can follow it.
	sq, cq := r.sqRing, r.cqRing
	r.sqHead = word(sq, p.SQOff.Head)
	r.sqTail = word(sq, p.SQOff.Tail)
	r.sqFlags = word(sq, p.SQOff.Flags)
	r.sqMask = *word(sq, p.SQOff.RingMask)
	r.sqEntries = *word(sq, p.SQOff.RingEntries)
	r.sqes = unsafe.Slice((*SQE)(unsafe.Pointer(&r.sqeMem[0])), r.sqEntries)
	r.sqeTail = *r.sqTail
	// SQE i always sits in slot i of the index array: SQEs are handed out
	// in ring order, so the array is written once, here.
	array := unsafe.Slice(word(sq, p.SQOff.Array), r.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}

	r.cqHead = word(cq, p.CQOff.Head)
	r.cqTail = word(cq, p.CQOff.Tail)
	r.cqMask = *word(cq, p.CQOff.RingMask)
	r.cqEntries = *word(cq, p.CQOff.RingEntries)
	r.cqes = unsafe.Slice((*CQE)(unsafe.Pointer(&cq[p.CQOff.CQEs])), r.cqEntries)
	r.cqHeadLocal = *r.cqHead
	return nil
}

func word(mem []byte, off uint32) *uint32 {
	return (*uint32)(unsafe.Pointer(&mem[off]))
}

// Close unmaps the rings and closes the ring fd; the kernel cancels what is
// still in flight. The Ring must not be used after.
func (r *Ring) Close() error {
	if r.sqeMem != nil {
		unix.Munmap(r.sqeMem)
	}
	if r.cqRing != nil && (r.sqRing == nil || &r.cqRing[0] != &r.sqRing[0]) {
		unix.Munmap(r.cqRing)
	}
	if r.sqRing != nil {
		unix.Munmap(r.sqRing)
	}
	r.sqeMem, r.cqRing, r.sqRing = nil, nil, nil
	r.sqes, r.cqes = nil, nil
	r.sqHead, r.sqTail, r.sqFlags, r.cqHead, r.cqTail = nil, nil, nil, nil, nil
	if r.fd < 0 {
		return nil
	}
	err := unix.Close(r.fd)
	r.fd = -1
	return err
}

// Fd is the ring's file descriptor.
func (r *Ring) Fd() int { return r.fd }

// Features are the IORING_FEAT_* bits the kernel reported at setup.
func (r *Ring) Features() uint32 { return r.features }

// SQEntries and CQEntries are the sizes the kernel gave the queues.
func (r *Ring) SQEntries() uint32 { return r.sqEntries }
func (r *Ring) CQEntries() uint32 { return r.cqEntries }

// GetSQE hands out the next free SQE, zeroed, or nil when the submission
// queue is full (Submit makes room). The SQE is the caller's to fill until
// the next Flush (Submit and SubmitAndWait flush) hands it to the kernel;
// it must not be touched after.
func (r *Ring) GetSQE() *SQE {
	if r.sqeTail-atomic.LoadUint32(r.sqHead) >= r.sqEntries {
		return nil
	}
	sqe := &r.sqes[r.sqeTail&r.sqMask]
	*sqe = SQE{}
	r.sqeTail++
	return sqe
}

// Pending is how many SQEs were handed out and not yet consumed by the
// kernel (a submission can stop early at a request that fails; the rest
// stay queued for the next one).
func (r *Ring) Pending() uint32 {
	return r.sqeTail - atomic.LoadUint32(r.sqHead)
}

// Submit hands the pending SQEs to the kernel without waiting, and returns
// how many it consumed.
func (r *Ring) Submit() (int, error) {
	return r.Enter(r.Flush(), 0, 0, -1)
}

// SubmitAndWait submits the pending SQEs and waits until at least
// minComplete CQEs are ready, or timeout passes (negative: no limit), in
// one io_uring_enter. It fails with ETIME when the time ran out and EINTR
// when a signal came first; with minComplete 0 it only submits and moves
// CQEs the CQ ring had no room for into it. It allocates nothing.
func (r *Ring) SubmitAndWait(minComplete uint32, timeout time.Duration) (int, error) {
	return r.Enter(r.Flush(), minComplete, EnterGetEvents, timeout)
}

// Flush publishes the SQEs handed out so far (the kernel reads none before)
// and returns how many the kernel has yet to consume, the toSubmit for
// Enter.
func (r *Ring) Flush() uint32 {
	atomic.StoreUint32(r.sqTail, r.sqeTail)
	return r.sqeTail - atomic.LoadUint32(r.sqHead)
}

// Enter is io_uring_enter(2): it submits up to toSubmit published SQEs
// (the kernel takes no more than Flush published) and, with
// EnterGetEvents in flags, waits for minComplete CQEs or timeout (negative:
// no limit; else passed with EnterExtArg). It returns how many SQEs the
// kernel consumed.
//
// Enter uses only the ring fd and, for a timeout, a buffer in the Ring: it
// may block on one goroutine while another hands out, flushes and submits
// SQEs (the kernel serializes submissions), provided that only one
// goroutine at a time passes a timeout and the calls other than Enter are
// serialized by the caller.
func (r *Ring) Enter(toSubmit, minComplete, flags uint32, timeout time.Duration) (int, error) {
	var arg, argSize uintptr
	if flags&EnterGetEvents != 0 && timeout >= 0 {
		r.ts = KernelTimespec{Sec: int64(timeout / time.Second), Nsec: int64(timeout % time.Second)}
		r.arg = GeteventsArg{Ts: uint64(uintptr(unsafe.Pointer(&r.ts)))}
		flags |= EnterExtArg
		arg, argSize = uintptr(unsafe.Pointer(&r.arg)), geteventsArgLen
	}
	n, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), uintptr(minComplete), uintptr(flags), arg, argSize)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// CQReady is how many CQEs wait in the CQ ring.
func (r *Ring) CQReady() uint32 {
	return atomic.LoadUint32(r.cqTail) - r.cqHeadLocal
}

// CQOverflow reports whether the kernel holds CQEs the CQ ring had no room
// for; SubmitAndWait moves them in.
func (r *Ring) CQOverflow() bool {
	return atomic.LoadUint32(r.sqFlags)&SQCQOverflow != 0
}

// PopCQE copies out the oldest ready CQE and gives its slot back to the
// kernel; ok is false when none is ready.
func (r *Ring) PopCQE() (cqe CQE, ok bool) {
	head := r.cqHeadLocal
	if head == atomic.LoadUint32(r.cqTail) {
		return CQE{}, false
	}
	cqe = r.cqes[head&r.cqMask]
	r.cqHeadLocal = head + 1
	atomic.StoreUint32(r.cqHead, head+1)
	return cqe, true
}

// PrepNop makes sqe a no-op, which completes with 0.
func (sqe *SQE) PrepNop() {
	sqe.Opcode = OpNop
}

// PrepPollAdd makes sqe wait until fd is ready for one of the poll(2)
// events in mask (the kernel always adds POLLERR, POLLHUP, POLLNVAL and
// POLLRDHUP). The CQE's Res is the ready events. flags is 0 for one-shot
// or PollAddMulti.
func (sqe *SQE) PrepPollAdd(fd int, mask, flags uint32) {
	sqe.Opcode = OpPollAdd
	sqe.Fd = int32(fd)
	sqe.Len = flags
	sqe.OpFlags = poll32(mask)
}

// PrepPollRemove makes sqe cancel the poll whose SQE carried userData. The
// canceled poll completes with -ECANCELED; this one with 0, or -ENOENT if
// that poll had already completed.
func (sqe *SQE) PrepPollRemove(userData uint64) {
	sqe.Opcode = OpPollRemove
	sqe.Fd = -1
	sqe.Addr = userData
}
