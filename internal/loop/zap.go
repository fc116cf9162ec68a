package loop

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

// ZAP (RFC 27). A handshake that must have its peer authenticated stops
// (zmtp.Handshake.ZAPPending) until the session has asked the context's
// ZAP handler, the socket bound at inproc://zeromq.zap.01, through a pipe
// pair of its own (Config.ZAPConnect), as a libzmq session does. The
// request is libzmq 4.3.4's: an empty delimiter, "1.0", request id "1",
// the domain (ZMQ_ZAP_DOMAIN), the peer's address, our routing id, the
// mechanism and its credentials. The reply comes back through the pipe,
// whose waker posts its reading to the loop; it must be libzmq's seven
// frames. With no handler bound, the session answers itself as 4.3.4
// does: a PLAIN server fails (EventHandshakeFailedNoDetail, EFAULT), a
// CURVE server and a NULL socket accept unless ZMQ_ZAP_ENFORCE_DOMAIN.

// zapRequestID is the request id libzmq sends and wants back.
const zapRequestID = "1"

// zapClient is one session's conversation with the ZAP handler.
type zapClient struct {
	s     *session
	peer  *Peer      // our ends of the pipes to the handler
	reply []ring.Msg // the reply's frames so far
}

// Wake is the reader waker of the reply pipe: the handler wrote to it.
// Called on the handler's goroutine; the reading is the loop's.
func (z *zapClient) Wake() {
	z.s.loop.Post(func() { z.s.zapReadable(z) })
}

// close lets go of the pipes: the handler sees the peer go.
func (z *zapClient) close() {
	for i := range z.reply {
		z.reply[i].Free()
	}
	z.reply = nil
	z.peer.Out.Close()
	z.peer.In.Detach()
}

// errZAPNoHandler: a handshake needs ZAP and no handler is bound, where
// libzmq 4.3.4 then refuses (a PLAIN server, or ZMQ_ZAP_ENFORCE_DOMAIN).
var errZAPNoHandler = errors.New("zap: no handler bound at inproc://zeromq.zap.01")

// zapProtocolError is a ZAP reply libzmq would refuse, with the protocol
// error code its monitor reports.
type zapProtocolError struct {
	code uint32
	why  string
}

func (e *zapProtocolError) Error() string { return "zap: " + e.why }

// startZAP sends the handshake's pending request, or answers it at once
// when no handler is bound. Loop goroutine.
func (s *session) startZAP(req zmtp.ZAPRequest) error {
	var p *Peer
	if s.cfg.ZAPConnect != nil {
		p = s.cfg.ZAPConnect()
	}
	if p == nil {
		if req.Mechanism == zmtp.MechanismPlain || s.cfg.ZAPEnforceDomain {
			return errZAPNoHandler
		}
		return s.hs.ZAPReply(zmtp.ZAPReply{StatusCode: "200"})
	}
	z := &zapClient{s: s, peer: p}
	s.zap = z
	frames := [][]byte{nil, []byte("1.0"), []byte(zapRequestID), []byte(s.cfg.ZAPDomain),
		[]byte(peerAddress(s.fd, s.transport)), s.cfg.RoutingID, []byte(req.Mechanism)}
	frames = append(frames, req.Credentials...)
	for i, f := range frames {
		m := ring.NewMsg(len(f))
		copy(m.Data, f)
		if i < len(frames)-1 {
			m.Flags = ring.More
		}
		p.Out.Write(m)
	}
	p.In.SetReaderWaker(z)
	p.Out.Flush()
	// The first look, later on this loop: it marks the reply pipe's reader
	// asleep, so the handler's flush wakes it, and it is not nested in the
	// session's processing of its input.
	s.loop.Post(func() { s.zapReadable(z) })
	return nil
}

// zapReadable reads what the handler sent and, once the reply is whole,
// hands it to the handshake and goes on with the connection. Loop
// goroutine.
func (s *session) zapReadable(z *zapClient) {
	if s.zap != z || s.fd < 0 || s.active {
		return // the connection went on or ended meanwhile
	}
	for {
		m, ok := z.peer.In.Read()
		if !ok {
			if z.peer.In.Closed() {
				s.zapDone(fmt.Errorf("%w: the ZAP handler went away", errZAPNoHandler))
			}
			return
		}
		z.reply = append(z.reply, m)
		if m.More() {
			if len(z.reply) > 7 {
				s.zapDone(&zapProtocolError{ProtocolErrorZAPMalformedReply, "reply of more than 7 frames"})
				return
			}
			continue
		}
		r, err := parseZAPReply(z.reply)
		if err != nil {
			s.zapDone(err)
			return
		}
		err = s.hs.ZAPReply(r)
		s.zapDone(err)
		return
	}
}

// zapDone ends the conversation and goes on with the handshake: its next
// output, and any input that waited meanwhile, or its end.
func (s *session) zapDone(err error) {
	s.zap.close()
	s.zap = nil
	if err == nil {
		s.queueBytes(s.hs.Output(nil))
		s.process()
		if s.fd >= 0 {
			s.writeOut()
		}
		return
	}
	if s.hs != nil {
		s.queueBytes(s.hs.Output(nil)) // an ERROR with the status code
	}
	s.fail(err)
}

// parseZAPReply checks a reply's frames as libzmq 4.3.4 does: seven, an
// empty delimiter, version "1.0", our request id, status 200/300/400/500,
// then text, user id and metadata (checked by the handshake).
func parseZAPReply(f []ring.Msg) (zmtp.ZAPReply, error) {
	if len(f) != 7 {
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPMalformedReply, fmt.Sprintf("reply of %d frames, want 7", len(f))}
	}
	if len(f[0].Data) != 0 {
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPUnspecified, "reply without an empty delimiter"}
	}
	if string(f[1].Data) != "1.0" {
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPBadVersion, fmt.Sprintf("reply version %q", f[1].Data)}
	}
	if string(f[2].Data) != zapRequestID {
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPBadRequestID, fmt.Sprintf("reply to request %q", f[2].Data)}
	}
	switch string(f[3].Data) {
	case "200", "300", "400", "500":
	default:
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPInvalidStatusCode, fmt.Sprintf("reply status %q", f[3].Data)}
	}
	if err := zmtp.ParseMetadata(f[6].Data, func(_, _ []byte) error { return nil }); err != nil {
		return zmtp.ZAPReply{}, &zapProtocolError{ProtocolErrorZAPInvalidMetadata, "reply metadata: " + err.Error()}
	}
	return zmtp.ZAPReply{StatusCode: string(f[3].Data), StatusText: string(f[4].Data),
		UserID: append([]byte(nil), f[5].Data...), Metadata: append([]byte(nil), f[6].Data...)}, nil
}

// zapFailure is the monitor event of a handshake that ZAP ended, and
// whether err was one.
func zapFailure(err error) (kind uint16, value uint32, ok bool) {
	var auth *zmtp.AuthError
	var pe *zapProtocolError
	switch {
	case errors.As(err, &auth):
		return EventHandshakeFailedAuth, uint32(auth.StatusCode), true
	case errors.As(err, &pe):
		return EventHandshakeFailedProtocol, pe.code, true
	case errors.Is(err, errZAPNoHandler):
		return EventHandshakeFailedNoDetail, uint32(syscall.EFAULT), true
	}
	return 0, 0, false
}
