package probe

import (
	"github.com/panjf2000/gnet/v2"
	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

// PipeSink hands each frame to an application goroutine over zring's
// ring.Pipe, the way zring's session feeds a socket: one pooled ring.Msg a
// frame (body copied out of gnet's buffer), a Flush per OnTraffic, and the
// pipe's high-water mark honoured by leaving bytes in gnet's buffer. gnet
// cannot stop reading a socket, so those bytes pile up in its elastic ring
// rather than in the kernel; the pipe's writer Waker resumes decoding with
// Conn.Wake. When the peer closes, OnClose pushes everything left into the
// pipe past the high-water mark (see Handler.OnClose).
type PipeSink struct {
	P      *ring.Pipe
	mid    bool
	bigMsg ring.Msg
}

// HWM is ZMQ_RCVHWM's default.
const HWM = 1000

type connWaker struct{ c gnet.Conn }

func (w connWaker) Wake() { _ = w.c.Wake(nil) }

// ChanWaker is a reader Waker: a channel with a buffer of one.
type ChanWaker chan struct{}

func (w ChanWaker) Wake() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// NewPipeSink makes the sink for s writing into p.
func NewPipeSink(s *Session, p *ring.Pipe) *PipeSink {
	p.SetWriterWaker(connWaker{s.Conn})
	return &PipeSink{P: p}
}

func rflags(flags byte) ring.Flags {
	if flags&zmtp.FlagMore != 0 {
		return ring.More
	}
	return 0
}

func (k *PipeSink) Frame(s *Session, flags byte, body []byte) bool {
	if !k.mid && !s.Closing && !k.P.CheckWrite() {
		return false
	}
	m := ring.NewMsg(len(body))
	copy(m.Data, body)
	m.Flags = rflags(flags)
	k.P.Write(m)
	k.mid = m.Flags&ring.More != 0
	return true
}

func (k *PipeSink) BigStart(s *Session, flags byte, size int) []byte {
	if !k.mid && !s.Closing && !k.P.CheckWrite() {
		return nil
	}
	k.bigMsg = ring.NewMsg(size)
	return k.bigMsg.Data
}

func (k *PipeSink) BigEnd(_ *Session, flags byte, _ []byte) {
	m := k.bigMsg
	k.bigMsg = ring.Msg{}
	m.Flags = rflags(flags)
	k.P.Write(m)
	k.mid = m.Flags&ring.More != 0
}

func (k *PipeSink) Flush(*Session) { k.P.Flush() }

// Recv returns the next frame from p, sleeping on w while there is none.
func Recv(p *ring.Pipe, w ChanWaker) ring.Msg {
	for {
		if m, ok := p.Read(); ok {
			return m
		}
		<-w
	}
}
