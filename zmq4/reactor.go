package zmq4

import (
	"errors"
	"log"
	"slices"
	"time"
)

// Reactor runs handlers for ready sockets and for values arriving on
// channels (timers, say) on one goroutine, the one that calls Run:
//
//	reactor := zmq4.NewReactor()
//	reactor.AddSocket(frontend, zmq4.POLLIN, handleFrontend)
//	reactor.AddChannelTime(time.Tick(time.Second), 1, handleTick)
//	err := reactor.Run(100 * time.Millisecond)
//
// Handlers may add and remove sockets and channels, and their own. A
// Reactor and the sockets in it belong to the goroutine running it.
type Reactor struct {
	sockets  []*reactorSocket // in the order added
	channels []*reactorChannel
	ready    []*reactorChannel // Run's copy of channels, reused
	poller   *Poller
	nextID   uint64
	verbose  bool
}

type reactorSocket struct {
	soc     *Socket
	events  State
	handler func(State) error
}

type reactorChannel struct {
	id      uint64
	limit   int
	recv    func() (v interface{}, ok, closed bool) // takes a value if one waits
	handler func(interface{}) error
	removed bool
}

var (
	errReactorEmpty    = errors.New("zmq4: Reactor.Run: no sockets to poll and no channels to read")
	errReactorInterval = errors.New("zmq4: Reactor.Run: a negative interval with channels would never read them")
)

// NewReactor returns an empty Reactor.
func NewReactor() *Reactor { return &Reactor{poller: NewPoller()} }

// AddSocket makes handler run, with the events found, whenever soc is
// ready for events (POLLIN, POLLOUT or both). A socket has one handler:
// adding it again replaces the first.
func (r *Reactor) AddSocket(soc *Socket, events State, handler func(State) error) {
	for _, s := range r.sockets {
		if s.soc == soc {
			s.events, s.handler = events, handler
			r.poller.UpdateBySocket(soc, events)
			return
		}
	}
	r.sockets = append(r.sockets, &reactorSocket{soc, events, handler})
	r.poller.Add(soc, events)
}

// RemoveSocket removes soc's handler.
func (r *Reactor) RemoveSocket(soc *Socket) {
	r.sockets = slices.DeleteFunc(r.sockets, func(s *reactorSocket) bool { return s.soc == soc })
	r.poller.RemoveBySocket(soc)
}

// AddChannel makes handler run for each value received from ch, at most
// limit of them each time round Run's loop (no limit if limit is 0 or
// less), and returns an id for RemoveChannel. A closed channel is removed.
func (r *Reactor) AddChannel(ch <-chan interface{}, limit int, handler func(interface{}) error) (id uint64) {
	return r.addChannel(limit, handler, func() (interface{}, bool, bool) {
		select {
		case v, ok := <-ch:
			return v, ok, !ok
		default:
			return nil, false, false
		}
	})
}

// AddChannelTime is AddChannel for a channel of time.Time, such as
// time.Tick's; the handler gets each time.Time as an interface{}.
func (r *Reactor) AddChannelTime(ch <-chan time.Time, limit int, handler func(interface{}) error) (id uint64) {
	return r.addChannel(limit, handler, func() (interface{}, bool, bool) {
		select {
		case v, ok := <-ch:
			return v, ok, !ok
		default:
			return nil, false, false
		}
	})
}

func (r *Reactor) addChannel(limit int, handler func(interface{}) error, recv func() (interface{}, bool, bool)) uint64 {
	r.nextID++
	r.channels = append(r.channels, &reactorChannel{id: r.nextID, limit: limit, recv: recv, handler: handler})
	return r.nextID
}

// RemoveChannel removes the channel AddChannel or AddChannelTime returned
// id for.
func (r *Reactor) RemoveChannel(id uint64) {
	r.channels = slices.DeleteFunc(r.channels, func(c *reactorChannel) bool {
		if c.id == id {
			c.removed = true
			return true
		}
		return false
	})
}

// SetVerbose makes Run log what it does (the standard logger).
func (r *Reactor) SetVerbose(verbose bool) { r.verbose = verbose }

// Run runs the handlers until one returns an error, which Run returns (or
// until polling fails, ETERM once the sockets' context is terminated). Each
// time round, it polls the sockets for up to interval (negative: no limit;
// so with channels it must not be negative) and runs the handlers of those
// ready, then takes what the channels hold without waiting and runs their
// handlers. With neither sockets nor channels, it returns an error.
func (r *Reactor) Run(interval time.Duration) (err error) {
	for {
		if len(r.sockets) == 0 && len(r.channels) == 0 {
			return errReactorEmpty
		}
		if len(r.channels) > 0 && interval < 0 {
			return errReactorInterval
		}
		polled, err := r.poller.Poll(interval)
		if err != nil {
			if r.verbose {
				log.Printf("zmq4: reactor %p: poll: %v", r, err)
			}
			return err
		}
		for _, p := range polled {
			s := r.socket(p.Socket) // an earlier handler may have removed or changed it
			if s == nil || p.Events&s.events == 0 {
				continue
			}
			if r.verbose {
				log.Printf("zmq4: reactor %p: %v is ready: %v", r, p.Socket, p.Events&s.events)
			}
			if err := s.handler(p.Events & s.events); err != nil {
				return err
			}
		}
		r.ready = append(r.ready[:0], r.channels...)
		for _, c := range r.ready {
			for n := 0; !c.removed && (c.limit <= 0 || n < c.limit); n++ {
				v, ok, closed := c.recv()
				if closed {
					if r.verbose {
						log.Printf("zmq4: reactor %p: channel %d closed", r, c.id)
					}
					r.RemoveChannel(c.id)
					break
				}
				if !ok {
					break
				}
				if err := c.handler(v); err != nil {
					return err
				}
			}
		}
		clear(r.ready)
	}
}

func (r *Reactor) socket(soc *Socket) *reactorSocket {
	for _, s := range r.sockets {
		if s.soc == soc {
			return s
		}
	}
	return nil
}
