package sockets

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// monitorQueue bounds the events waiting for the monitor goroutine; past it
// events are dropped, so a monitor nobody reads cannot grow memory (libzmq's
// monitor socket drops at its HWM too).
const monitorQueue = 4096

// monitor is one zmq_socket_monitor: a PAIR socket bound to an inproc
// endpoint, fed with the events of its socket by a goroutine that alone owns
// the PAIR. Events come from the loops and from the socket's goroutine, so
// they meet in a locked queue.
type monitor struct {
	mask uint16
	pair *Socket

	mu      sync.Mutex
	queue   []loop.Event
	stopped bool
	wake    chan struct{}
	done    chan struct{}
}

// Monitor starts publishing the events in mask to a PAIR socket bound to
// endpoint, which must be inproc (as in libzmq). Each event is two frames:
// 6 bytes (the event number as uint16 and its value as uint32, in host
// order, little-endian here) and the endpoint. An empty endpoint stops
// monitoring; a new Monitor replaces the old one.
func (s *Socket) Monitor(endpoint string, mask int) error {
	if err := s.check(); err != nil {
		return err
	}
	s.stopMonitor()
	if endpoint == "" {
		return nil
	}
	if !strings.HasPrefix(endpoint, "inproc://") {
		return errno.EPROTONOSUPPORT
	}
	if mask < 0 || mask > int(loop.EventAll) {
		return errno.EINVAL
	}
	pair, err := s.ctx.NewSocket(PAIR)
	if err != nil {
		return err
	}
	pair.opts.Linger = 0
	if err := pair.Bind(endpoint); err != nil {
		pair.Close()
		return err
	}
	m := &monitor{mask: uint16(mask), pair: pair, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.monitor.Store(m)
	go m.run()
	return nil
}

// eventSink takes monitor events: the Socket, for the patterns that report
// their own (EventMessagesDropped).
type eventSink interface{ Event(loop.Event) }

// reportDrops posts EventMessagesDropped for n messages dropped for p.
func reportDrops(to eventSink, p *loop.Peer, n uint64) {
	if to == nil || n == 0 {
		return
	}
	to.Event(loop.Event{Kind: loop.EventMessagesDropped, Value: uint32(min(n, math.MaxUint32)), Endpoint: p.Endpoint})
}

// Dropped is how many messages the socket has dropped because the peer
// they were for was at its high-water mark: a PUB's or XPUB's ("dropped
// until the mute state ends"), a ROUTER's without ZMQ_ROUTER_MANDATORY
// ("shall also be dropped"). EventMessagesDropped says for which peer.
// libzmq counts none of them (its users ask: libzmq#2037, #4322). 0 for
// the other types. The socket's goroutine, as every call.
func (s *Socket) Dropped() uint64 {
	if d, ok := s.pat.(interface{ droppedTotal() uint64 }); ok {
		return d.droppedTotal()
	}
	return 0
}

// Event implements loop.Host: it queues e for the monitor, if one wants it.
// Any goroutine; never blocks.
func (s *Socket) Event(e loop.Event) {
	if m := s.monitor.Load(); m != nil && m.mask&e.Kind != 0 {
		m.post(e)
	}
}

func (s *Socket) stopMonitor() {
	if m := s.monitor.Swap(nil); m != nil {
		m.post(loop.Event{Kind: loop.EventMonitorStopped})
		m.mu.Lock()
		m.stopped = true
		m.mu.Unlock()
		m.signal()
		<-m.done
	}
}

func (m *monitor) post(e loop.Event) {
	m.mu.Lock()
	if !m.stopped && len(m.queue) < monitorQueue {
		m.queue = append(m.queue, e)
	}
	m.mu.Unlock()
	m.signal()
}

func (m *monitor) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// run is the goroutine that owns m.pair.
func (m *monitor) run() {
	defer close(m.done)
	var batch []loop.Event
	for {
		<-m.wake
		m.mu.Lock()
		batch, m.queue = m.queue, batch[:0]
		stopped := m.stopped
		m.mu.Unlock()
		for _, e := range batch {
			if e.Kind == loop.EventMonitorStopped && m.mask&e.Kind == 0 {
				continue
			}
			m.send(e)
		}
		if stopped {
			m.pair.Close()
			return
		}
	}
}

// send writes one event without blocking: when the reader lags past the
// PAIR's HWM, events are dropped.
func (m *monitor) send(e loop.Event) {
	head := ring.NewMsg(6)
	binary.LittleEndian.PutUint16(head.Data, e.Kind)
	binary.LittleEndian.PutUint32(head.Data[2:], e.Value)
	if err := m.pair.Send(&head, DontWait|SndMore); err != nil {
		head.Free()
		return
	}
	ep := ring.NewMsg(len(e.Endpoint))
	copy(ep.Data, e.Endpoint)
	m.pair.Send(&ep, 0) // the head went out, so the pipe takes the tail too
}
