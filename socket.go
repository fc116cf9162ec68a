package zring

import (
	"fmt"
	"strconv"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/sockets"
	"github.com/zring/zring/internal/zmtp"
)

// Msg is one frame of a message. Its Data field holds the frame's bytes,
// either the caller's own (MsgFrom) or pooled memory (NewMsg, and every Msg
// RecvMsg fills). Free gives pooled memory back; SendMsg takes the memory
// over. A Msg is a small value: copying it copies the reference to the
// same bytes, and only one copy may be used after the Msg is sent or freed.
type Msg ring.Msg

// Free gives m's pooled memory back (a Msg from MsgFrom has none) and
// zeroes m, so freeing the same variable twice is harmless. m's Data must
// not be used afterwards.
func (m *Msg) Free() { (*ring.Msg)(m).Free() }

// Clone returns another reference to m's bytes, to be sent or freed on its
// own: pooled memory goes back once every reference is freed or sent. The
// bytes are shared, not copied, so neither copy may be written.
func (m *Msg) Clone() Msg { return Msg((*ring.Msg)(m).Clone()) }

// More reports whether another frame of the same message follows m.
func (m *Msg) More() bool { return (*ring.Msg)(m).More() }

// ring is m as the engine's type (the same memory).
func (m *Msg) ring() *ring.Msg { return (*ring.Msg)(m) }

// NewMsg returns a frame of size bytes backed by pooled memory.
func NewMsg(size int) Msg { return Msg(ring.NewMsg(size)) }

// NewMsg returns a frame of size bytes for this socket's SendMsg. Small
// frames are carved from a block the socket owns, which saves a pool
// operation per message; call it on the socket's goroutine. The frame may
// be freed anywhere, like any Msg.
func (s *Socket) NewMsg(size int) Msg { return Msg(s.s.NewMsg(size)) }

// MsgFrom wraps b without copying. After SendMsg the caller must not
// change b until the message has gone out (the socket may write it to the
// kernel straight from b).
func MsgFrom(b []byte) Msg { return Msg(ring.MsgFrom(b)) }

// Socket is a ZeroMQ socket. Like a libzmq socket it must be used by one
// goroutine at a time.
type Socket struct {
	s *sockets.Socket
}

// Bind accepts connections on endpoint (tcp://, ipc://, inproc://);
// "tcp://*:0" picks a free port that GetOption(LastEndpoint) tells.
func (s *Socket) Bind(endpoint string) error {
	return errno.Wrap("bind", endpoint, s.s.Bind(endpoint))
}

// Connect connects to endpoint; tcp and ipc connections are made, and
// remade after ZMQ_RECONNECT_IVL, in the background.
func (s *Socket) Connect(endpoint string) error {
	return errno.Wrap("connect", endpoint, s.s.Connect(endpoint))
}

// Unbind stops accepting on endpoint.
func (s *Socket) Unbind(endpoint string) error {
	return errno.Wrap("unbind", endpoint, s.s.Unbind(endpoint))
}

// Disconnect drops the connection(s) made to endpoint.
func (s *Socket) Disconnect(endpoint string) error {
	return errno.Wrap("disconnect", endpoint, s.s.Disconnect(endpoint))
}

// Close closes the socket; its pending messages are sent in the background
// within ZMQ_LINGER.
func (s *Socket) Close() error { return s.s.Close() }

// Send sends b as one frame (SndMore: more follow). b is copied (small
// frames into a block of the socket's, without a pool operation each).
func (s *Socket) Send(b []byte, flags Flag) error {
	m := s.s.NewMsg(len(b))
	copy(m.Data, b)
	if err := s.s.Send(&m, int(flags)); err != nil {
		m.Free()
		return err
	}
	return nil
}

// SendMsg sends m without copying. On success the socket owns m's memory
// and m is zeroed; on error m is the caller's still.
func (s *Socket) SendMsg(m *Msg, flags Flag) error { return s.s.Send((*ring.Msg)(m), int(flags)) }

// Recv receives one frame into a new slice the caller owns.
func (s *Socket) Recv(flags Flag) ([]byte, error) {
	var m ring.Msg
	if err := s.s.Recv(&m, int(flags)); err != nil {
		return nil, err
	}
	b := make([]byte, len(m.Data))
	copy(b, m.Data)
	m.Free()
	return b, nil
}

// RecvMsg receives one frame into m without copying; m.More() tells whether
// more frames follow. Free m when done with it (allocation-free receiving).
func (s *Socket) RecvMsg(m *Msg, flags Flag) error { return s.s.Recv((*ring.Msg)(m), int(flags)) }

// Property returns a property of the connection the frame received last
// (by Recv, RecvMsg, RecvMultipart, ...) came from, and whether that
// connection has it: what zmq_msg_gets(3) reads from a message in libzmq.
// The names are those of zmq_msg_gets:
//
//   - "Socket-Type": the peer's socket type, e.g. "DEALER";
//   - "Identity" (or "Routing-Id"): the routing id the peer announced; a
//     REQ, DEALER or ROUTER peer always announces one, perhaps empty;
//   - "Resource", if the peer sent one;
//   - "Peer-Address": the peer's IP address for tcp ("127.0.0.1", "::1"),
//     "localhost:uid:gid:pid" for ipc on Linux;
//   - the peer's ZMQ_METADATA properties, e.g. "X-Region";
//   - "User-Id" and the reply's metadata properties, when a ZAP handler
//     authenticated the peer (PLAIN, CURVE, or NULL with ZAPDomain).
//
// Names match whatever their case (RFC 37 makes them case-insensitive;
// libzmq matches them exactly). A STREAM socket's connections have only
// "Peer-Address"; inproc ones have none, as in libzmq. For pipes a Connect made that outlive their connections (without
// Immediate), the properties are those of the latest connection.
//
// It costs nothing on the message path and allocates nothing: the socket
// remembers which connection it read last, and each connection's
// properties are gathered once, when its handshake completes.
func (s *Socket) Property(name string) (string, bool) { return s.s.Property(name) }

// Dropped is how many messages the socket has dropped because the peer
// they were for was at its high-water mark: a PUB's or XPUB's ("dropped
// until the mute state ends", zmq_socket(3)), or a ROUTER's without
// RouterMandatory ("shall also be dropped"). libzmq counts none of them.
// EventMessagesDropped says for which peer, and how many. 0 for the other
// socket types.
func (s *Socket) Dropped() uint64 { return s.s.Dropped() }

// RecvWithMetadata receives one frame, like Recv, and returns with it the
// properties named that its connection has (see Property), as pebbe/zmq4's
// RecvBytesWithMetadata does; the map is empty, not nil, when it has none.
func (s *Socket) RecvWithMetadata(flags Flag, names ...string) ([]byte, map[string]string, error) {
	b, err := s.Recv(flags)
	md := make(map[string]string, len(names))
	if err != nil {
		return nil, md, err
	}
	for _, n := range names {
		if v, ok := s.s.Property(n); ok {
			md[n] = v
		}
	}
	return b, md, nil
}

// SendMultipart sends parts as one message.
func (s *Socket) SendMultipart(parts [][]byte, flags Flag) error {
	for i, p := range parts {
		f := flags &^ SndMore
		if i < len(parts)-1 {
			f |= SndMore
		}
		if err := s.Send(p, f); err != nil {
			return err
		}
		flags &^= DontWait // the first frame decided; the rest must follow
	}
	return nil
}

// RecvMultipart receives every frame of one message.
func (s *Socket) RecvMultipart(flags Flag) ([][]byte, error) {
	var parts [][]byte
	for {
		var m ring.Msg
		if err := s.s.Recv(&m, int(flags)); err != nil {
			return parts, err
		}
		b := make([]byte, len(m.Data))
		copy(b, m.Data)
		more := m.More()
		m.Free()
		parts = append(parts, b)
		if !more {
			return parts, nil
		}
	}
}

// SetOption sets a socket option; a bad option, type or value is
// ErrInvalid.
func (s *Socket) SetOption(opt Option, value any) error {
	return errno.Wrap("setsockopt", optionName(opt), s.s.SetOption(opt, value))
}

// optionName names opt in errors: its zmq.h name, or its number.
func optionName(opt Option) string {
	if name := sockets.OptionName(opt); name != "" {
		return name
	}
	return "option " + strconv.Itoa(int(opt))
}

// GetOption reads a socket option.
func (s *Socket) GetOption(opt Option) (any, error) {
	v, err := s.s.GetOption(opt)
	return v, errno.Wrap("getsockopt", optionName(opt), err)
}

// GetOptionInt reads an int option (and RcvMore, Type, Linger ...).
func (s *Socket) GetOptionInt(opt Option) (int, error) {
	v, err := s.GetOption(opt)
	if err != nil {
		return 0, err
	}
	n, ok := v.(int)
	if !ok {
		return 0, errno.Wrap("getsockopt", optionName(opt), fmt.Errorf("%w: not an int option (%T)", errno.EINVAL, v))
	}
	return n, nil
}

// GetOptionZ85 reads a CURVE key option (CurvePublicKey, CurveSecretKey,
// CurveServerKey) as its 40 characters of Z85, as zmq_getsockopt gives it
// for a 41-byte buffer; GetOption gives the 32 bytes. Any other option is
// ErrInvalid.
func (s *Socket) GetOptionZ85(opt Option) (string, error) {
	if opt != CurvePublicKey && opt != CurveSecretKey && opt != CurveServerKey {
		return "", errno.Wrap("getsockopt", optionName(opt), fmt.Errorf("%w: not a CURVE key", errno.EINVAL))
	}
	v, err := s.GetOption(opt)
	if err != nil {
		return "", err
	}
	return string(zmtp.AppendZ85(nil, v.([]byte))), nil
}

// Type is the socket's type.
func (s *Socket) Type() SocketType { return s.s.Type() }
