package loop

import (
	"encoding/binary"
	"log"
	"sync"

	"github.com/zring/zring/internal/errno"

	"golang.org/x/sys/unix"
)

// epollPoller is the epoll backend: level-triggered, one eventfd for wake-ups.
// add and del may come from a socket driving its connection while the
// loop is in wait, so mu guards handlers (epoll_ctl is safe anyway).
type epollPoller struct {
	epfd     int
	evfd     int
	events   []unix.EpollEvent
	mu       sync.Mutex
	handlers map[int32]handler
	wakeBuf  [8]byte
}

func newEpollPoller() (poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	evfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &epollPoller{epfd: epfd, evfd: evfd, events: make([]unix.EpollEvent, 256), handlers: make(map[int32]handler)}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(evfd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		p.close()
		return nil, err
	}
	binary.LittleEndian.PutUint64(p.wakeBuf[:], 1)
	return p, nil
}

func (p *epollPoller) add(fd int, events uint32, h handler) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return err
	}
	p.mu.Lock()
	p.handlers[int32(fd)] = h
	p.mu.Unlock()
	return nil
}

func (p *epollPoller) mod(fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &ev)
}

func (p *epollPoller) del(fd int) error {
	p.mu.Lock()
	delete(p.handlers, int32(fd))
	p.mu.Unlock()
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

func (p *epollPoller) wait(timeoutMs int) (int, error) {
	n, err := unix.EpollWait(p.epfd, p.events, timeoutMs)
	if err != nil {
		if err == unix.EINTR {
			return 0, nil
		}
		return 0, err
	}
	handled := 0
	for i := 0; i < n; i++ {
		ev := &p.events[i]
		if ev.Fd == int32(p.evfd) {
			var buf [8]byte
			unix.Read(p.evfd, buf[:])
			continue
		}
		// A handler may have been removed by an earlier event of this batch.
		p.mu.Lock()
		h, ok := p.handlers[ev.Fd]
		p.mu.Unlock()
		if ok {
			h.handle(ev.Events)
			handled++
		}
	}
	return handled, nil
}

func (p *epollPoller) wake() {
	unix.Write(p.evfd, p.wakeBuf[:])
}

// dedicated: an epoll loop blocks its thread in epoll_wait.
// quiet: an fd with no interest already wakes nothing here.
func (p *epollPoller) quiet(int) bool { return false }

func (p *epollPoller) dedicated() bool { return true }

func (p *epollPoller) close() {
	unix.Close(p.evfd)
	unix.Close(p.epfd)
}

// newPoller makes the backend cfg.Backend names; "" is netpoll, chosen by
// measurement (see the package doc). If io_uring cannot be set up, it logs
// the reason and makes an epoll poller instead, and sets cfg.Backend to
// epoll so that the pool's other loops do not try again (one log line per
// pool).
func newPoller(cfg *PoolConfig) (poller, error) {
	switch cfg.Backend {
	case BackendEpoll:
		return newEpollPoller()
	case BackendUring:
		p, err := newUringPoller(cfg.uringEntries)
		if err == nil {
			return p, nil
		}
		log.Printf("zring: io_uring unavailable (%v), using epoll", err)
		cfg.Backend = BackendEpoll
		return newEpollPoller()
	case "", BackendNetpoll:
		return newNetPoller()
	case BackendConn:
		return newConnPoller()
	}
	return nil, errno.EINVAL
}
