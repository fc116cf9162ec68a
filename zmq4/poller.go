package zmq4

import (
	"fmt"
	"strings"
	"time"

	"github.com/zring/zring"
)

// Polled is one item of a Poll's result.
type Polled struct {
	Socket *Socket // the item's socket
	Events State   // what it was found ready for, of what the item waits for
}

// Poller waits on several sockets at once, as zmq_poll does, over a
// zring.Poller. Items are numbered in the order they were added, and
// renumbered when one is removed, so an id is an index into PollAll's
// result. A socket may be added more than once, and may be in several
// Pollers (the guide's load-balancing broker polls its backend in two);
// each Poll then takes the socket's wake-ups for itself, which costs the
// first Poll after a switch a pass over its sockets. Like its sockets, a
// Poller belongs to one goroutine at a time.
type Poller struct {
	items []pollItem
	zp    *zring.Poller
	// registered are the sockets zp holds, each with the OR of the events
	// its items ask for; rebuilt from items when dirty.
	registered []pollItem
	dirty      bool
}

type pollItem struct {
	soc    *Socket
	events State
}

// NewPoller returns an empty Poller.
func NewPoller() *Poller { return &Poller{zp: zring.NewPoller()} }

// Add adds soc, waiting for events (POLLIN, POLLOUT or both), and returns
// the item's id.
func (p *Poller) Add(soc *Socket, events State) int {
	p.items = append(p.items, pollItem{soc, events})
	p.dirty = true
	return len(p.items) - 1
}

// Update sets what item id waits for and returns what it waited for, or
// ErrorNoSocket if there is no such item.
func (p *Poller) Update(id int, events State) (previous State, err error) {
	if id < 0 || id >= len(p.items) {
		return 0, ErrorNoSocket
	}
	previous, p.items[id].events = p.items[id].events, events
	p.dirty = true
	return previous, nil
}

// UpdateBySocket sets what every item of soc waits for and returns what
// the first waited for, or ErrorNoSocket if soc is not in the Poller.
func (p *Poller) UpdateBySocket(soc *Socket, events State) (previous State, err error) {
	err = ErrorNoSocket
	for i := range p.items {
		if p.items[i].soc == soc {
			if err != nil {
				previous, err = p.items[i].events, nil
			}
			p.items[i].events = events
		}
	}
	p.dirty = true
	return previous, err
}

// Remove removes item id; the items after it move down one id. The error
// is ErrorNoSocket if there is no such item.
func (p *Poller) Remove(id int) error {
	if id < 0 || id >= len(p.items) {
		return ErrorNoSocket
	}
	p.items = append(p.items[:id], p.items[id+1:]...)
	p.dirty = true
	return nil
}

// RemoveBySocket removes every item of soc, or returns ErrorNoSocket if
// there is none.
func (p *Poller) RemoveBySocket(soc *Socket) error {
	kept := p.items[:0]
	for _, it := range p.items {
		if it.soc != soc {
			kept = append(kept, it)
		}
	}
	if len(kept) == len(p.items) {
		return ErrorNoSocket
	}
	clear(p.items[len(kept):])
	p.items = kept
	p.dirty = true
	return nil
}

// Poll waits until at least one item is ready for what it waits for, or
// until timeout (negative: no limit; 0: look once), and returns the ready
// items in id order. The timeout counts in whole milliseconds, as
// zmq_poll's does: less than a millisecond looks once. On error the list is
// empty; a socket whose context was terminated makes it ETERM, a closed one
// ENOTSOCK.
func (p *Poller) Poll(timeout time.Duration) ([]Polled, error) { return p.poll(timeout, false) }

// PollAll is Poll returning every item in id order, each with the events
// found (perhaps none).
func (p *Poller) PollAll(timeout time.Duration) ([]Polled, error) { return p.poll(timeout, true) }

func (p *Poller) poll(timeout time.Duration, all bool) ([]Polled, error) {
	p.register()
	if timeout < 0 {
		timeout = -1
	} else {
		timeout = timeout.Truncate(time.Millisecond)
	}
	ready, err := p.zp.Wait(timeout)
	if err != nil {
		return []Polled{}, bare(err)
	}
	polled := make([]Polled, 0, len(p.items))
	for _, it := range p.items {
		var found State
		for _, r := range ready {
			if r.Socket == it.soc.zs {
				found = State(r.Revents) & it.events
				break
			}
		}
		if all || found != 0 {
			polled = append(polled, Polled{it.soc, found})
		}
	}
	return polled, nil
}

// register brings zp up to date with the items, and makes this Poller the
// one each socket's readiness wakes. zring keeps one wake-up per socket, so
// adding a socket to a zring.Poller takes it from any other; a socket this
// Poller registered but another took since is registered again.
func (p *Poller) register() {
	if p.dirty {
		for _, r := range p.registered {
			// Remove clears the socket's wake-up, whoever had it: its
			// owner, this Poller or another, must register it again.
			p.zp.Remove(r.soc.zs)
			r.soc.pollOwner = nil
		}
		p.registered = p.registered[:0]
	next:
		for _, it := range p.items {
			for i := range p.registered {
				if p.registered[i].soc == it.soc {
					p.registered[i].events |= it.events
					continue next
				}
			}
			p.registered = append(p.registered, it)
		}
		p.dirty = false
	}
	for _, r := range p.registered {
		if r.soc.pollOwner != p {
			p.zp.Remove(r.soc.zs)
			p.zp.Add(r.soc.zs, zring.PollEvents(r.events))
			r.soc.pollOwner = p
		}
	}
}

// String lists the items: "Poller[Socket(REP,0x...):POLLIN, ...]".
func (p *Poller) String() string {
	var b strings.Builder
	b.WriteString("Poller[")
	for i, it := range p.items {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%v:%v", it.soc, it.events)
	}
	b.WriteString("]")
	return b.String()
}
