package zring

import (
	"encoding/binary"
	"fmt"

	"github.com/zring/zring/internal/errno"
)

// proxyBurst is how many messages one direction forwards before the proxy
// looks at the other direction and the control socket again (libzmq 4.3.4
// forwards bursts of 1,000 too).
const proxyBurst = 1000

// Proxy is zmq_proxy: it forwards whole messages from frontend to backend
// and from backend to frontend, frame by frame with their More flags, and
// sends a copy of every frame it forwards to capture when capture is not
// nil (a PUB, PUSH, DEALER or PAIR socket; the copy shares the frame's
// bytes, nothing is copied). A ROUTER frontend with a DEALER backend is a
// shared queue, XSUB and XPUB a forwarder (subscriptions go up through
// it), PULL and PUSH a streamer; frontend and backend may be the same
// socket, which then forwards to itself. It runs until the sockets'
// context is terminated, and then returns ErrTerm.
//
// As in libzmq, a direction is read only while its destination can take
// a message (PollOut), so a slow destination holds messages in the
// source's queue, where its high-water mark and mute state apply, rather
// than in the proxy; sends are blocking, so a destination that fills up
// in the middle of a burst blocks the proxy until it has room. Proxy owns
// the sockets while it runs: no other goroutine may use them. It uses a
// Poller of its own, so the sockets must not be in another Poller.
// Forwarding allocates nothing.
func Proxy(frontend, backend, capture *Socket) error {
	return ProxySteerable(frontend, backend, capture, nil)
}

// ProxySteerable is zmq_proxy_steerable: Proxy, and a control socket that
// takes single-frame commands, each of which is also sent to capture:
//
//   - "PAUSE": stop forwarding (messages wait in the sockets' queues);
//   - "RESUME": forward again;
//   - "TERMINATE": return nil;
//   - "STATISTICS": reply on control with 8 frames, each a little-endian
//     uint64: messages received by frontend, bytes received by frontend,
//     messages sent by frontend, bytes sent by frontend, then the same four
//     for backend. As in libzmq 4.3.4, a multipart message counts once,
//     with the bytes of all its frames.
//
// A control socket of type REP gets an empty reply to each other command,
// as REP's send-after-receive requires (libzmq 4.3.4 sends none, and its
// REP control socket then fails the next command with EFSM; later libzmq
// replies as here). A command of several frames, or one that is none of
// the four, returns an error matching ErrInvalid (libzmq 4.3.4 aborts the
// process). A nil control makes it Proxy.
func ProxySteerable(frontend, backend, capture, control *Socket) error {
	if frontend == nil || backend == nil {
		return fmt.Errorf("proxy: %w: frontend and backend are required", ErrFault)
	}
	p := proxy{front: frontend, back: backend, capture: capture, control: control, poller: NewPoller()}
	defer p.release()
	return p.run()
}

// proxy is the state of one ProxySteerable call, all of it on the caller's
// goroutine.
type proxy struct {
	front, back, capture, control *Socket
	poller                        *Poller
	m                             Msg
	// stats[0] is the frontend's, stats[1] the backend's: messages in,
	// bytes in, messages out, bytes out.
	stats  [2][4]uint64
	paused bool
}

func (p *proxy) release() {
	p.m.Free()
	for _, s := range []*Socket{p.front, p.back, p.control} {
		if s != nil {
			p.poller.Remove(s)
		}
	}
}

func (p *proxy) run() error {
	same := p.front == p.back
	for {
		if p.control != nil {
			ev, err := p.control.s.Events()
			if err != nil {
				return err
			}
			if PollEvents(ev)&PollIn != 0 {
				done, err := p.command()
				if done || err != nil {
					return err
				}
				continue
			}
		}
		if p.paused {
			// Only the control socket is waited for.
			p.poller.Add(p.front, 0)
			p.poller.Add(p.back, 0)
			p.poller.Add(p.control, PollIn)
			if _, err := p.poller.Wait(-1); err != nil {
				return err
			}
			continue
		}
		// What each direction waits for: its source's input, or, when the
		// source has input and its destination is full, the destination's
		// room.
		var wantFront, wantBack PollEvents
		forwarded := false
		for dir := 0; dir < 2; dir++ {
			src, dst := p.front, p.back
			if dir == 1 {
				if same {
					break
				}
				src, dst = p.back, p.front
			}
			srcEv, err := src.s.Events()
			if err != nil {
				return err
			}
			dstEv := srcEv
			if !same {
				if dstEv, err = dst.s.Events(); err != nil {
					return err
				}
			}
			want := PollIn // on src
			switch {
			case PollEvents(srcEv)&PollIn != 0 && (same || PollEvents(dstEv)&PollOut != 0):
				if err := p.forward(src, dst, dir); err != nil {
					return err
				}
				forwarded = true
			case PollEvents(srcEv)&PollIn != 0:
				want = 0
				if dir == 0 {
					wantBack |= PollOut
				} else {
					wantFront |= PollOut
				}
			}
			if dir == 0 {
				wantFront |= want
			} else {
				wantBack |= want
			}
		}
		if forwarded {
			continue // look again before sleeping
		}
		p.poller.Add(p.front, wantFront)
		if !same {
			p.poller.Add(p.back, wantBack)
		}
		if p.control != nil {
			p.poller.Add(p.control, PollIn)
		}
		if _, err := p.poller.Wait(-1); err != nil {
			return err
		}
	}
}

// forward moves up to proxyBurst whole messages from src to dst; dir 0 is
// frontend to backend. It is called when src has a frame ready.
func (p *proxy) forward(src, dst *Socket, dir int) error {
	in, out := &p.stats[dir], &p.stats[1-dir]
	for i := 0; i < proxyBurst; i++ {
		var size uint64
		for {
			if err := src.s.Recv(p.m.ring(), int(DontWait)); err != nil {
				if err == errno.EAGAIN && i > 0 && size == 0 {
					return nil // the end of the burst
				}
				return err
			}
			more := p.m.More()
			size += uint64(len(p.m.Data))
			var flags Flag
			if more {
				flags = SndMore
			}
			if p.capture != nil {
				c := p.m.Clone()
				if err := p.capture.s.Send(c.ring(), int(flags)); err != nil {
					c.Free()
					return err
				}
			}
			if err := dst.s.Send(p.m.ring(), int(flags)); err != nil {
				return err
			}
			if !more {
				break
			}
		}
		in[0]++
		in[1] += size
		out[2]++
		out[3] += size
	}
	return nil
}

// command takes one command from the control socket; done is true for
// TERMINATE.
func (p *proxy) command() (done bool, err error) {
	if err := p.control.s.Recv(p.m.ring(), 0); err != nil {
		return false, err
	}
	if p.m.More() {
		return false, fmt.Errorf("proxy: %w: a control command of more than one frame", ErrInvalid)
	}
	if p.capture != nil {
		c := p.m.Clone()
		if err := p.capture.s.Send(c.ring(), 0); err != nil {
			c.Free()
			return false, err
		}
	}
	switch string(p.m.Data) { // compared without a copy

	case "PAUSE":
		p.paused = true
	case "RESUME":
		p.paused = false
	case "TERMINATE":
		done = true
	case "STATISTICS":
		p.m.Free()
		return false, p.statistics()
	default:
		err := fmt.Errorf("proxy: %w: unknown control command %q", ErrInvalid, p.m.Data)
		p.m.Free()
		return false, err
	}
	p.m.Free()
	if p.control.Type() == REP {
		var empty Msg
		if err := p.control.s.Send(empty.ring(), 0); err != nil {
			return done, err
		}
	}
	return done, nil
}

// statistics sends the eight counters on the control socket.
func (p *proxy) statistics() error {
	for i := 0; i < 8; i++ {
		m := p.control.NewMsg(8)
		binary.LittleEndian.PutUint64(m.Data, p.stats[i/4][i%4])
		flags := SndMore
		if i == 7 {
			flags = 0
		}
		if err := p.control.s.Send(m.ring(), int(flags)); err != nil {
			m.Free()
			return err
		}
	}
	return nil
}
