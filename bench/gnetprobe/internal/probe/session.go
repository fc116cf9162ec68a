package probe

import (
	"errors"
	"fmt"
	"os"

	"github.com/panjf2000/gnet/v2"
	"github.com/zring/zring/internal/zmtp"
)

// BigFrame: a frame with a larger body that is not yet whole in gnet's
// buffer is streamed into memory the sink provides (Conn.Read straight into
// it) instead of waiting for gnet's buffer to hold all of it. Same value as
// zring's loop.
const BigFrame = 32 << 10

// Sink receives the frames a Session decodes. Frame and BigStart may refuse
// (return false / nil), e.g. at a high-water mark: the frame then stays in
// gnet's inbound buffer and decoding stops until the next OnTraffic (new
// bytes, or Conn.Wake).
type Sink interface {
	// Frame is one complete data frame; body is borrowed from gnet's buffer
	// and valid only during the call.
	Frame(s *Session, flags byte, body []byte) bool
	// BigStart returns memory of size bytes for a big frame's body.
	BigStart(s *Session, flags byte, size int) []byte
	// BigEnd hands over the filled body BigStart returned.
	BigEnd(s *Session, flags byte, body []byte)
	// Flush ends one OnTraffic's batch.
	Flush(s *Session)
}

// Session is one ZMTP connection on a gnet loop.
type Session struct {
	Conn gnet.Conn
	Sink Sink

	// Closing is set while OnClose drains what gnet still buffers: gnet
	// releases a connection's inbound buffer right after OnClose, so a
	// sink must take everything then, high-water mark or not.
	Closing bool

	hs      *zmtp.Handshake
	hsOut   []byte
	pending int // bytes we left in gnet's inbound ring at the last return

	big      []byte // big frame body being streamed in
	bigFill  int
	bigFlags byte
}

// Handler is a gnet.EventHandler that runs a ZMTP handshake as SocketType
// on every connection and then feeds its frames to the Sink NewSink makes.
type Handler struct {
	gnet.BuiltinEventEngine
	SocketType string
	NewSink    func(*Session) Sink
}

func (h *Handler) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	s := &Session{Conn: c, hs: zmtp.NewHandshake(zmtp.Config{SocketType: h.SocketType})}
	s.Sink = h.NewSink(s)
	c.SetContext(s)
	return s.hs.Output(nil), gnet.None // our greeting
}

func (h *Handler) OnTraffic(c gnet.Conn) gnet.Action {
	s := c.Context().(*Session)
	if s.hs != nil {
		if !s.handshake() {
			return gnet.Close
		}
		if s.hs != nil {
			return gnet.None
		}
	}
	err := s.decode()
	s.Sink.Flush(s)
	s.pending = c.InboundBuffered()
	if err != nil {
		fmt.Fprintln(os.Stderr, "zmtp:", err)
		return gnet.Close
	}
	return gnet.None
}

// OnClose decodes whatever complete frames gnet still holds. A peer that
// sends and closes (libzmq's remote_thr) is read to EOF by gnet at once,
// whatever the receiver's high-water mark, and the bytes left in gnet's
// ring would otherwise be lost with the connection.
func (h *Handler) OnClose(c gnet.Conn, _ error) gnet.Action {
	s, _ := c.Context().(*Session)
	if s == nil || s.hs != nil {
		return gnet.None
	}
	s.Closing = true
	if err := s.decode(); err != nil {
		fmt.Fprintln(os.Stderr, "zmtp:", err)
	}
	s.Sink.Flush(s)
	return gnet.None
}

// handshake feeds gnet's buffer to the Handshake; false means close.
func (s *Session) handshake() bool {
	c := s.Conn
	if avail := c.InboundBuffered(); avail > 0 {
		buf, _ := c.Peek(avail)
		n, err := s.hs.Input(buf)
		if n > 0 {
			c.Discard(n)
		}
		if out := s.hs.Output(s.hsOut[:0]); len(out) > 0 {
			s.hsOut = out
			c.Write(out)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "zmtp handshake:", err)
			return false
		}
	}
	if s.hs.Done() {
		s.hs = nil
		s.pending = c.InboundBuffered() // conservative: take the slow path first
	}
	return true
}

var errPaused = errors.New("paused")

// consume discards n > 0 bytes from gnet's buffer.
func (s *Session) consume(n int) {
	s.Conn.Discard(n)
	s.pending = max(0, s.pending-n)
}

// decode takes every complete frame out of gnet's inbound buffer.
//
// gnet reads into its loop's buffer, calls OnTraffic with that buffer as
// the connection's view, then copies whatever OnTraffic left unconsumed into
// the connection's elastic ring. Peek(-1) is zero-copy only while that ring
// is empty, so when the last call left a partial frame (s.pending > 0) we
// take frames one at a time (a straddling frame costs a pooled copy) until
// the leftover is consumed, then parse the rest in place.
func (s *Session) decode() error {
	c := s.Conn
	for {
		if s.big != nil {
			n, _ := c.Read(s.big[s.bigFill:])
			s.pending = max(0, s.pending-n)
			s.bigFill += n
			if s.bigFill < len(s.big) {
				return nil
			}
			b := s.big
			s.big = nil
			if s.bigFlags&zmtp.FlagCommand == 0 {
				s.Sink.BigEnd(s, s.bigFlags, b)
			}
		}
		avail := c.InboundBuffered()
		if avail == 0 {
			return nil
		}
		if s.pending == 0 {
			buf, _ := c.Peek(avail) // contiguous: the loop's read buffer
			used, err := s.parse(buf)
			if used > 0 {
				c.Discard(used)
			}
			if err != nil || s.big == nil {
				if err == errPaused {
					err = nil
				}
				return err
			}
			continue
		}
		// Slow path: one frame at a time across gnet's ring and new bytes.
		hdr, _ := c.Peek(min(avail, 9))
		flags, size, n, err := zmtp.ParseFrameHeader(hdr, -1)
		if err != nil || n == 0 {
			return err
		}
		if avail >= n+size {
			fr, _ := c.Peek(n + size)
			if flags&zmtp.FlagCommand == 0 && !s.Sink.Frame(s, flags, fr[n:]) {
				return nil
			}
			s.consume(n + size)
			continue
		}
		if size < BigFrame {
			return nil
		}
		if s.startBig(flags, size) == nil {
			return nil
		}
		s.consume(n)
	}
}

func (s *Session) startBig(flags byte, size int) []byte {
	var dst []byte
	if flags&zmtp.FlagCommand != 0 {
		dst = make([]byte, size) // a big command: read and ignore
	} else if dst = s.Sink.BigStart(s, flags, size); dst == nil {
		return nil
	}
	s.big, s.bigFill, s.bigFlags = dst[:size], 0, flags
	return dst
}

// parse decodes frames from one contiguous slice and returns how many bytes
// it used. If it ends inside a big frame, s.big is set with the part of the
// body that was there already copied in.
func (s *Session) parse(buf []byte) (int, error) {
	off := 0
	for off < len(buf) {
		flags, size, n, err := zmtp.ParseFrameHeader(buf[off:], -1)
		if err != nil {
			return off, err
		}
		if n == 0 {
			break
		}
		end := off + n + size
		if end <= len(buf) {
			if flags&zmtp.FlagCommand == 0 && !s.Sink.Frame(s, flags, buf[off+n:end]) {
				return off, errPaused
			}
			off = end
			continue
		}
		if size < BigFrame {
			break
		}
		dst := s.startBig(flags, size)
		if dst == nil {
			return off, errPaused
		}
		s.bigFill = copy(s.big, buf[off+n:])
		return len(buf), nil
	}
	return off, nil
}
