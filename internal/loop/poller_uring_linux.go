package loop

import (
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"github.com/zring/zring/internal/uring"
	"golang.org/x/sys/unix"
)

// uringPoller is the io_uring backend. It gives the epoll backend's
// level-triggered contract with one-shot polls:
//
//   - Level. Each registered fd has at most one IORING_OP_POLL_ADD in
//     flight, with the fd's interest as its mask. When it completes, the
//     handler runs, and then a new poll is armed with the interest of that
//     moment. A poll armed on an fd that is already ready completes while
//     it is submitted, so data a handler left unread is reported by the
//     next wait, as epoll would.
//   - mod. A wider interest replaces the poll in flight (POLL_REMOVE, then a
//     new POLL_ADD); a narrower one keeps it, and wait drops the bits
//     nobody asks for any more and arms the narrower poll.
//   - del. The fd's slot is cleared and its poll removed. Every poll
//     carries a token, unique to it, in its user_data beside the fd; a
//     completion whose token is not the one its fd's slot holds now (the fd
//     was deleted, modified, or closed and its number registered again) is
//     dropped, so no handler ever sees another registration's readiness.
//   - Hang-up of the peer's side. The kernel adds POLLRDHUP to every poll,
//     and it stays set, so a one-shot poll on a half-closed socket whose
//     interest does not include reading would complete at once forever.
//     When a poll ends with nothing to report under an unchanged interest,
//     the fd gets a multishot poll instead, which reports changes only, and
//     a one-shot again after its handler runs.
//
// Submission. SQEs queued by add, mod, del and the re-arming after
// handlers wait in the SQ ring; the next wait submits them in the same
// io_uring_enter that waits, so a loop iteration costs one syscall (none
// for wait(0) with nothing queued and nothing ready).
//
// Wake-ups. An eventfd carries a multishot poll; wake writes to it, and
// every write posts a completion (eventfd wakes its waiters on each write),
// so the counter is never read. The poll is armed by the first wait, on the
// loop's own thread, because the kernel runs a poll's completion work on
// the thread that submitted it.
//
// Timeouts go to io_uring_enter itself (IORING_ENTER_EXT_ARG, Linux 5.11).
// Multishot polls need Linux 5.13; newUringPoller probes for them.
//
// Goroutines. wait, and the handlers it calls, run on the loop goroutine.
// add, mod and del also come from sockets driving their connections under
// the loop's exec lock (session.Wake, Peer.Drive), while wait runs without it
// or blocks; so mu guards the registrations and the submission queue, wait
// drops it only for the blocking io_uring_enter and around handlers, and a
// change made while wait blocks wakes the loop, whose thread submits it
// (polls belong to the thread that submits them).
type uringPoller struct {
	ring    *uring.Ring
	evfd    int
	wakeBuf [8]byte
	skip    uint8 // uring.SQECQESkipSuccess where the kernel has it, for removals

	mu        sync.Mutex
	blocked   bool // wait is in, or about to enter, its blocking io_uring_enter
	wakeArmed bool
	regs      []uringReg // by fd
	last      uint32     // the last registration id or poll token handed out
	rearm     []int32    // fds whose poll could not be queued (submission queue full)
}

// uringReg is one registered fd.
type uringReg struct {
	h        handler
	id       uint32 // this registration; 0: the fd is not registered
	interest uint32
	token    uint32 // the poll in flight (0: none)
	mask     uint32 // its mask
	multi    bool   // it is multishot
}

// user_data of the SQEs: token<<32 | fd for polls of registered fds.
const (
	uringRemoval uint64 = 0                  // POLL_REMOVE: its failure (the poll had completed) needs nothing
	uringWake    uint64 = 1<<32 | 0xffffffff // the eventfd's poll (no fd is 0xffffffff)
	uringProbe   uint64 = 2<<32 | 0xffffffff // the multishot probe of newUringPoller
)

// uringEntries is the default size of a loop's submission queue; the
// completion queue is twice as large, and completions it has no room for
// wait in the kernel (FeatNodrop) until wait moves them in.
const uringEntries = 256

// pollReport are the poll(2) bits handed to handlers: the same values as
// evRead, evWrite, evErr and evHup.
const pollReport = unix.POLLIN | unix.POLLOUT | unix.POLLERR | unix.POLLHUP

func newUringPoller(entries uint32) (*uringPoller, error) {
	if entries == 0 {
		entries = uringEntries
	}
	entries = max(entries, 2) // the probe takes two
	ring, err := uring.Setup(entries, 0)
	if err != nil {
		return nil, err
	}
	if ring.Features()&uring.FeatExtArg == 0 {
		ring.Close()
		return nil, errNoExtArg
	}
	evfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		ring.Close()
		return nil, err
	}
	p := &uringPoller{ring: ring, evfd: evfd}
	if ring.Features()&uring.FeatCQESkip != 0 {
		p.skip = uring.SQECQESkipSuccess
	}
	// Native order: the counter is never read, and a big-endian 1<<56 per
	// write would fill it after 255 wakes.
	binary.NativeEndian.PutUint64(p.wakeBuf[:], 1)
	if err := p.probeMultishot(); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

var (
	errNoExtArg    = errors.New("no IORING_FEAT_EXT_ARG (Linux 5.11)")
	errNoMultishot = errors.New("no multishot poll (Linux 5.13)")
)

// probeMultishot arms a multishot poll on the eventfd and removes it at
// once. A kernel without multishot polls fails the first with EINVAL.
func (p *uringPoller) probeMultishot() error {
	add, remove := p.ring.GetSQE(), p.ring.GetSQE()
	add.PrepPollAdd(p.evfd, unix.POLLIN, uring.PollAddMulti)
	add.UserData = uringProbe
	remove.PrepPollRemove(uringProbe)
	remove.UserData = uringRemoval
	if _, err := p.ring.SubmitAndWait(2, time.Second); err != nil {
		return err
	}
	for c, ok := p.ring.PopCQE(); ok; c, ok = p.ring.PopCQE() {
		if c.UserData == uringProbe && c.Res == -int32(unix.EINVAL) {
			return errNoMultishot
		}
	}
	return nil
}

func (p *uringPoller) add(fd int, events uint32, h handler) error {
	if fd < 0 {
		return unix.EBADF
	}
	p.mu.Lock()
	defer p.unlockSubmit()
	if fd >= len(p.regs) {
		regs := make([]uringReg, max(fd+1, 2*len(p.regs), 64))
		copy(regs, p.regs)
		p.regs = regs
	}
	r := &p.regs[fd]
	if r.id != 0 {
		return unix.EEXIST
	}
	*r = uringReg{h: h, id: p.next(), interest: events}
	if err := p.arm(fd, r, false); err != nil {
		*r = uringReg{}
		return err
	}
	return nil
}

func (p *uringPoller) mod(fd int, events uint32) error {
	p.mu.Lock()
	defer p.unlockSubmit()
	r := p.reg(fd)
	if r == nil {
		return unix.ENOENT
	}
	r.interest = events
	switch {
	case r.token == 0:
		// Its handler is running (wait re-arms after it) or its poll could
		// not be queued (wait retries): either way the new interest is used.
		return nil
	case r.multi && events != r.mask, !r.multi && events&^r.mask != 0:
		if err := p.cancel(fd, r); err != nil {
			return err
		}
		return p.arm(fd, r, false)
	}
	return nil // narrower: the poll in flight reports a superset, wait filters it
}

func (p *uringPoller) del(fd int) error {
	p.mu.Lock()
	defer p.unlockSubmit()
	r := p.reg(fd)
	if r == nil {
		return unix.ENOENT
	}
	err := p.cancel(fd, r)
	*r = uringReg{}
	return err
}

// unlockSubmit ends add, mod and del: if wait is blocked, which happens
// only when they are called off the loop goroutine, it wakes the loop so
// that the loop's thread submits what they queued. Submitting here
// instead would tie the polls to the socket's thread, which runs their
// completion work: measured, a hand-back of a driven connection (Undrive)
// then went unreported (TestBadInput with ZRING_SPIN).
func (p *uringPoller) unlockSubmit() {
	wake := p.blocked && p.ring.Pending() > 0
	p.mu.Unlock()
	if wake {
		p.wake()
	}
}

func (p *uringPoller) reg(fd int) *uringReg {
	if fd < 0 || fd >= len(p.regs) || p.regs[fd].id == 0 {
		return nil
	}
	return &p.regs[fd]
}

// next hands out registration ids and poll tokens, never 0. A token is
// compared only with the one its fd's slot holds now, and a completion
// waits at most one wait for its check, so wrapping after 2^32 is harmless.
func (p *uringPoller) next() uint32 {
	p.last++
	if p.last == 0 {
		p.last = 1
	}
	return p.last
}

// arm queues a poll for r's interest. If the submission queue has no room
// even after a submit, the fd goes on the rearm list for the next wait.
func (p *uringPoller) arm(fd int, r *uringReg, multi bool) error {
	sqe, err := p.getSQE()
	if sqe == nil {
		p.rearm = append(p.rearm, int32(fd))
		return err
	}
	var flags uint32
	if multi {
		flags = uring.PollAddMulti
	}
	r.token, r.mask, r.multi = p.next(), r.interest, multi
	sqe.PrepPollAdd(fd, r.mask, flags)
	sqe.UserData = uint64(r.token)<<32 | uint64(fd)
	return nil
}

// cancel queues the removal of r's poll in flight, if any. Its completion,
// if it comes, carries a token no slot holds any more and is dropped.
func (p *uringPoller) cancel(fd int, r *uringReg) error {
	if r.token == 0 {
		return nil
	}
	sqe, err := p.getSQE()
	if sqe == nil {
		return err
	}
	sqe.PrepPollRemove(uint64(r.token)<<32 | uint64(fd))
	sqe.Flags = p.skip
	sqe.UserData = uringRemoval
	r.token = 0
	return nil
}

func (p *uringPoller) getSQE() (*uring.SQE, error) {
	if sqe := p.ring.GetSQE(); sqe != nil {
		return sqe, nil
	}
	if _, err := p.ring.Submit(); err != nil {
		return nil, err
	}
	if sqe := p.ring.GetSQE(); sqe != nil {
		return sqe, nil
	}
	return nil, unix.EAGAIN
}

func (p *uringPoller) wait(timeoutMs int) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.wakeArmed {
		p.armWake()
	}
	for len(p.rearm) > 0 {
		fd := int(p.rearm[len(p.rearm)-1])
		p.rearm = p.rearm[:len(p.rearm)-1]
		if r := p.reg(fd); r != nil && r.token == 0 && p.arm(fd, r, false) != nil {
			break // still no room: arm put fd back on the list
		}
	}
	var err error
	switch {
	case p.ring.CQReady() == 0 && timeoutMs != 0:
		timeout := time.Duration(-1)
		if timeoutMs > 0 {
			timeout = time.Duration(timeoutMs) * time.Millisecond
		}
		toSubmit := p.ring.Flush()
		p.blocked = true
		p.mu.Unlock()
		_, err = p.ring.Enter(toSubmit, 1, uring.EnterGetEvents, timeout)
		p.mu.Lock()
		p.blocked = false
	case p.ring.Pending() > 0 || p.ring.CQOverflow():
		_, err = p.ring.SubmitAndWait(0, -1)
	}
	switch err {
	case nil, unix.ETIME, unix.EINTR:
	case unix.EBUSY, unix.EAGAIN:
		// The kernel holds completions it could not post, or had no memory
		// for a request: reap what is there, submit again next time.
	default:
		return 0, err
	}
	// Only what was ready at the start: completions that handlers cause (a
	// submit for room in the queue) wait for the next call, which bounds
	// this one.
	handled := 0
	for n := p.ring.CQReady(); n > 0; n-- {
		c, ok := p.ring.PopCQE()
		if !ok {
			break
		}
		handled += p.complete(c)
	}
	return handled, nil
}

// armWake queues the eventfd's multishot poll.
func (p *uringPoller) armWake() {
	if sqe, _ := p.getSQE(); sqe != nil {
		sqe.PrepPollAdd(p.evfd, unix.POLLIN, uring.PollAddMulti)
		sqe.UserData = uringWake
		p.wakeArmed = true
	}
}

// complete handles one completion and reports whether a handler ran. It
// is called with mu held, and drops it around the handler.
func (p *uringPoller) complete(c uring.CQE) int {
	switch c.UserData {
	case uringRemoval, uringProbe:
		return 0
	case uringWake:
		if c.Flags&uring.CQEFMore == 0 {
			p.wakeArmed = false // it ended (CQ overflow, say): armed again by the next wait
		}
		return 0
	}
	fd, token := int(uint32(c.UserData)), uint32(c.UserData>>32)
	r := p.reg(fd)
	if r == nil || r.token != token {
		return 0 // stale: deleted, modified, or another registration of the number
	}
	if !r.multi || c.Flags&uring.CQEFMore == 0 {
		r.token = 0 // this poll is over
	}
	var bits uint32
	switch {
	case c.Res >= 0:
		bits = uint32(c.Res) & pollReport
		if c.Res&unix.POLLNVAL != 0 {
			bits |= evErr
		}
	case c.Res == -int32(unix.ECANCELED):
		// Not canceled by this poller (its removals leave no token behind):
		// the kernel cancels the polls of a thread that exits (a poll armed
		// by a submit for room in a full queue off the loop). Arm again,
		// here.
		if r.token == 0 {
			p.arm(fd, r, false)
		}
		return 0
	default:
		bits = evErr // the poll could not be armed (EBADF: closed without del)
	}
	report := bits & (r.interest | evErr | evHup)
	if report == 0 {
		if r.token == 0 {
			// Nothing anyone asks for. Under the same interest that can only
			// be POLLRDHUP, which a one-shot poll would report again at
			// once: switch to a multishot poll, which reports changes.
			p.arm(fd, r, !r.multi && r.mask == r.interest)
		}
		return 0
	}
	p.cancel(fd, r) // a multishot poll still armed: a one-shot follows the handler
	id, h := r.id, r.h
	p.mu.Unlock() // the handler calls mod and del
	h.handle(report)
	p.mu.Lock()
	// The handler may have deleted the fd, registered the number again, or
	// grown regs; look it up afresh.
	if r = p.reg(fd); r != nil && r.id == id && r.token == 0 {
		p.arm(fd, r, false)
	}
	return 1
}

func (p *uringPoller) wake() {
	unix.Write(p.evfd, p.wakeBuf[:])
}

// dedicated: an io_uring loop blocks its thread in io_uring_enter, and the
// completion work of its polls runs on the thread that armed them.
// quiet: an fd with no interest already wakes nothing here.
func (p *uringPoller) quiet(int) bool { return false }

func (p *uringPoller) dedicated() bool { return true }

// close closes the ring, which cancels every poll still in flight.
func (p *uringPoller) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ring.Close()
	unix.Close(p.evfd)
	p.regs = nil
}
