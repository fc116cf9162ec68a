package zring

import (
	"time"

	"github.com/zring/zring/internal/sockets"
)

// PollEvents are the readiness bits of Poll and of the Events option.
type PollEvents int

const (
	PollIn  PollEvents = sockets.PollIn  // ZMQ_POLLIN: a Recv would not block
	PollOut PollEvents = sockets.PollOut // ZMQ_POLLOUT: a Send would not block
)

// Events (ZMQ_EVENTS, read-only) is the socket's readiness now, an int of
// PollIn and PollOut bits. For PollIn the socket may receive a frame ahead,
// which the next Recv returns.
const Events = sockets.Events

// PollItem is one socket of a Poller: what to wait for, and what Wait found.
type PollItem struct {
	Socket  *Socket
	Events  PollEvents
	Revents PollEvents
}

// Poller waits on several sockets at once, as zmq_poll does. Like the
// sockets, it belongs to one goroutine; a socket should be in one Poller at
// a time. Waiting allocates nothing.
type Poller struct {
	items []PollItem
	ready []PollItem
	ch    chan struct{}
	timer *time.Timer // stopped between Waits
}

// NewPoller returns an empty Poller.
func NewPoller() *Poller {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &Poller{ch: make(chan struct{}, 1), timer: t}
}

// Add adds s, waiting for events (PollIn, PollOut or both), or changes
// what it waits for.
func (p *Poller) Add(s *Socket, events PollEvents) {
	for i := range p.items {
		if p.items[i].Socket == s {
			p.items[i].Events = events
			return
		}
	}
	p.items = append(p.items, PollItem{Socket: s, Events: events})
	s.s.SetPollChannel(&p.ch)
}

// Remove takes s out of the Poller.
func (p *Poller) Remove(s *Socket) {
	for i := range p.items {
		if p.items[i].Socket == s {
			s.s.SetPollChannel(nil)
			p.items = append(p.items[:i], p.items[i+1:]...)
			return
		}
	}
}

// Wait returns the items that are ready, with Revents set, once at least
// one is, or after timeout (negative: no limit; 0: look once) with none.
// The slice is reused by the next Wait. It fails with ErrTerm once a
// socket's context is terminated, and ErrNotSocket for a closed socket.
func (p *Poller) Wait(timeout time.Duration) ([]PollItem, error) {
	var deadline time.Time
	armed := false
	defer func() {
		if armed {
			p.timer.Stop()
		}
	}()
	for {
		p.ready = p.ready[:0]
		for i := range p.items {
			it := &p.items[i]
			ev, err := it.Socket.s.Events()
			if err != nil {
				return nil, err
			}
			if it.Revents = PollEvents(ev) & it.Events; it.Revents != 0 {
				p.ready = append(p.ready, *it)
			}
		}
		if len(p.ready) > 0 || timeout == 0 {
			return p.ready, nil
		}
		if timeout < 0 {
			<-p.ch
			continue
		}
		if !armed {
			deadline = time.Now().Add(timeout)
			p.timer.Reset(timeout)
			armed = true
		}
		select {
		case <-p.ch:
		case <-p.timer.C:
			armed = false
			if !time.Now().Before(deadline) {
				timeout = 0 // one last look
			} else {
				p.timer.Reset(time.Until(deadline))
				armed = true
			}
		}
	}
}

// Poll is zmq_poll over items: it sets each item's Revents and returns how
// many are ready, waiting as Poller.Wait does.
func Poll(items []PollItem, timeout time.Duration) (int, error) {
	if len(items) == 0 {
		if timeout > 0 {
			time.Sleep(timeout)
		}
		return 0, nil
	}
	p := NewPoller()
	for _, it := range items {
		p.Add(it.Socket, it.Events)
	}
	defer func() {
		for _, it := range items {
			it.Socket.s.SetPollChannel(nil)
		}
	}()
	ready, err := p.Wait(timeout)
	if err != nil {
		return 0, err
	}
	for i := range items {
		items[i].Revents = 0
		for _, r := range ready {
			if r.Socket == items[i].Socket {
				items[i].Revents = r.Revents
			}
		}
	}
	return len(ready), nil
}
