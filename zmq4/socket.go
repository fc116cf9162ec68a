package zmq4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"

	"github.com/zring/zring"
)

// Socket is a zring.Socket with pebbe/zmq4's methods: strings and []byte
// for frames, SendMessage and RecvMessage for whole messages, and a SetXxx
// and GetXxx for each option. Like a libzmq socket, it must be used by one
// goroutine at a time; pebbe/zmq4 says the same of its sockets.
//
// Its methods return ErrorSocketClosed once Close has been called, and a
// bare Errno for every failure zring reports.
type Socket struct {
	zs          *zring.Socket
	ctx         *Context
	t           Type
	closed      bool
	noIOThreads bool // the context started with ZMQ_IO_THREADS 0: inproc only
	// The multicast options, which libzmq keeps and validates even where
	// it has no multicast transport; zring has none, so they live here.
	mcast multicastOptions
	// pollOwner is the Poller whose wake-up channel the socket's readiness
	// rings now (zring keeps one per socket): a Poller re-registers the
	// socket before it waits if another took it since. nil: none.
	pollOwner *Poller
	cleanup   runtime.Cleanup // closes zs if the program drops the Socket
}

type multicastOptions struct{ rate, recoveryIvl, hops, maxTPDU int }

// defaultMulticast are libzmq 4.3.4's defaults (zmq_setsockopt(3)).
var defaultMulticast = multicastOptions{rate: 100, recoveryIvl: 10000, hops: 1, maxTPDU: 1500}

// errNotEvent is RecvEvent's error for a message that is not a monitor
// event (a first frame other than 6 bytes).
var errNotEvent = errors.New("zmq4: not a monitor event")

// Bind accepts connections on endpoint (zmq_bind): tcp://, ipc:// and
// inproc://; "tcp://127.0.0.1:*" picks a free port, which GetLastEndpoint
// tells. Transports zring does not carry (pgm, epgm, norm, tipc, vmci,
// udp) fail with EPROTONOSUPPORT.
func (soc *Socket) Bind(endpoint string) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	if soc.noIOThreads && needsIOThread(endpoint) {
		return EMTHREAD
	}
	return bare(soc.zs.Bind(endpoint))
}

// Connect connects to endpoint (zmq_connect); tcp and ipc connections are
// made, and remade, in the background.
func (soc *Socket) Connect(endpoint string) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	if soc.noIOThreads && needsIOThread(endpoint) {
		return EMTHREAD
	}
	return bare(soc.zs.Connect(endpoint))
}

// Unbind stops accepting connections on endpoint (zmq_unbind).
func (soc *Socket) Unbind(endpoint string) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	return bare(soc.zs.Unbind(endpoint))
}

// Disconnect drops the connections made to endpoint (zmq_disconnect).
func (soc *Socket) Disconnect(endpoint string) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	return bare(soc.zs.Disconnect(endpoint))
}

// Close closes the socket (zmq_close); what it has not sent goes out in
// the background within its linger. A second Close is ErrorSocketClosed.
func (soc *Socket) Close() error {
	if soc.closed {
		return ErrorSocketClosed
	}
	soc.closed = true
	soc.cleanup.Stop()
	err := soc.zs.Close()
	soc.ctx.release()
	return bare(err)
}

// Context returns the context the socket was made in.
func (soc *Socket) Context() (*Context, error) {
	if soc.closed {
		return nil, ErrorSocketClosed
	}
	return soc.ctx, nil
}

// String names the socket: its type and its ZMQ_IDENTITY if it has one,
// `Socket(DEALER,"worker-1")`, else its type and address,
// "Socket(REQ,0xc000123450)"; "Socket(CLOSED)" once closed.
func (soc Socket) String() string {
	if soc.closed {
		return "Socket(CLOSED)"
	}
	if id, err := soc.GetIdentity(); err == nil && id != "" {
		return fmt.Sprintf("Socket(%v,%q)", soc.t, id)
	}
	return fmt.Sprintf("Socket(%v,%p)", soc.t, soc.zs)
}

// Send sends data as one frame (zmq_send; SNDMORE: more frames follow) and
// returns its length, or -1 with the error (0 with ErrorSocketClosed).
func (soc *Socket) Send(data string, flags Flag) (int, error) {
	if soc.closed {
		return 0, ErrorSocketClosed
	}
	if err := soc.sendString(data, zring.Flag(flags)); err != nil {
		return -1, err
	}
	return len(data), nil
}

// sendString sends s with one copy, straight into the frame's memory.
func (soc *Socket) sendString(s string, flags zring.Flag) error {
	m := soc.zs.NewMsg(len(s))
	copy(m.Data, s)
	if err := soc.zs.SendMsg(&m, flags); err != nil {
		m.Free()
		return bare(err)
	}
	return nil
}

// SendBytes is Send for a []byte, which is copied: the caller may reuse it
// as soon as SendBytes returns.
func (soc *Socket) SendBytes(data []byte, flags Flag) (int, error) {
	if soc.closed {
		return 0, ErrorSocketClosed
	}
	if err := soc.zs.Send(data, zring.Flag(flags)); err != nil {
		return -1, bare(err)
	}
	return len(data), nil
}

// SendMessage sends parts as one message and returns how many bytes its
// frames held, or -1 with the error. A string or []byte is one frame; a
// []string or [][]byte is one frame per element (none if empty); anything
// else is one frame of its fmt "%v" text. With no frames at all nothing is
// sent.
func (soc *Socket) SendMessage(parts ...interface{}) (total int, err error) {
	return soc.sendMessage(0, parts)
}

// SendMessageDontwait is SendMessage with DONTWAIT: if the message cannot
// be queued at once, the error is Errno(syscall.EAGAIN) and nothing is sent.
func (soc *Socket) SendMessageDontwait(parts ...interface{}) (total int, err error) {
	return soc.sendMessage(DONTWAIT, parts)
}

func (soc *Socket) sendMessage(dontwait Flag, parts []interface{}) (total int, err error) {
	if soc.closed {
		return -1, ErrorSocketClosed
	}
	frames := 0
	for _, p := range parts {
		switch p := p.(type) {
		case []string:
			frames += len(p)
		case [][]byte:
			frames += len(p)
		default:
			frames++
		}
	}
	// Only the first frame may fail for want of room: once it is queued,
	// the rest of the message follows it (libzmq's pipes count whole
	// messages against the HWM), so DONTWAIT goes with it alone.
	sent := 0
	flags := func() zring.Flag {
		var f zring.Flag
		if sent == 0 {
			f = zring.Flag(dontwait)
		}
		if sent < frames-1 {
			f |= zring.SndMore
		}
		sent++
		return f
	}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			err = soc.sendString(p, flags())
			total += len(p)
		case []byte:
			err = bare(soc.zs.Send(p, flags()))
			total += len(p)
		case []string:
			for _, s := range p {
				if err = soc.sendString(s, flags()); err != nil {
					break
				}
				total += len(s)
			}
		case [][]byte:
			for _, b := range p {
				if err = bare(soc.zs.Send(b, flags())); err != nil {
					break
				}
				total += len(b)
			}
		default:
			s := fmt.Sprintf("%v", p)
			err = soc.sendString(s, flags())
			total += len(s)
		}
		if err != nil {
			return -1, err
		}
	}
	return total, nil
}

// Recv receives one frame (zmq_msg_recv); GetRcvmore tells whether more
// of the message follows.
func (soc *Socket) Recv(flags Flag) (string, error) {
	if soc.closed {
		return "", ErrorSocketClosed
	}
	var m zring.Msg
	if err := soc.zs.RecvMsg(&m, zring.Flag(flags)); err != nil {
		return "", bare(err)
	}
	s := string(m.Data)
	m.Free()
	return s, nil
}

// RecvBytes is Recv into a new []byte the caller owns.
func (soc *Socket) RecvBytes(flags Flag) ([]byte, error) {
	if soc.closed {
		return nil, ErrorSocketClosed
	}
	b, err := soc.zs.Recv(zring.Flag(flags))
	return b, bare(err)
}

// RecvMessage receives every frame of one message. On error it returns no
// frames.
func (soc *Socket) RecvMessage(flags Flag) (msg []string, err error) {
	if soc.closed {
		return nil, ErrorSocketClosed
	}
	for {
		var m zring.Msg
		if err := soc.zs.RecvMsg(&m, zring.Flag(flags)); err != nil {
			return nil, bare(err)
		}
		msg = append(msg, string(m.Data))
		more := m.More()
		m.Free()
		if !more {
			return msg, nil
		}
	}
}

// RecvMessageBytes is RecvMessage with each frame a new []byte.
func (soc *Socket) RecvMessageBytes(flags Flag) (msg [][]byte, err error) {
	if soc.closed {
		return nil, ErrorSocketClosed
	}
	msg, err = soc.zs.RecvMultipart(zring.Flag(flags))
	if err != nil {
		return nil, bare(err)
	}
	return msg, nil
}

// RecvWithMetadata receives one frame and the properties named of the
// connection it came from (zmq_msg_gets): "Socket-Type", "Identity",
// "Peer-Address", "User-Id", a peer's "X-" properties... The map holds only
// those the connection has (an inproc one has none). zring matches the names
// whatever their case; libzmq matches them exactly.
func (soc *Socket) RecvWithMetadata(flags Flag, properties ...string) (msg string, metadata map[string]string, err error) {
	b, md, err := soc.RecvBytesWithMetadata(flags, properties...)
	return string(b), md, err
}

// RecvBytesWithMetadata is RecvWithMetadata into a []byte.
func (soc *Socket) RecvBytesWithMetadata(flags Flag, properties ...string) (msg []byte, metadata map[string]string, err error) {
	if soc.closed {
		return nil, map[string]string{}, ErrorSocketClosed
	}
	b, md, err := soc.zs.RecvWithMetadata(zring.Flag(flags), properties...)
	return b, md, bare(err)
}

// RecvMessageWithMetadata receives every frame of one message, and the
// properties named of the connection its first frame came from (see
// RecvWithMetadata).
func (soc *Socket) RecvMessageWithMetadata(flags Flag, properties ...string) (msg []string, metadata map[string]string, err error) {
	frames, md, err := soc.RecvMessageBytesWithMetadata(flags, properties...)
	if err != nil {
		return nil, md, err
	}
	msg = make([]string, len(frames))
	for i, f := range frames {
		msg[i] = string(f)
	}
	return msg, md, nil
}

// RecvMessageBytesWithMetadata is RecvMessageWithMetadata with each frame a
// []byte.
func (soc *Socket) RecvMessageBytesWithMetadata(flags Flag, properties ...string) (msg [][]byte, metadata map[string]string, err error) {
	first, md, err := soc.RecvBytesWithMetadata(flags, properties...)
	if err != nil {
		return nil, md, err
	}
	more, err := soc.zs.GetOptionInt(zring.RcvMore)
	if err != nil {
		return nil, md, bare(err)
	}
	msg = [][]byte{first}
	if more != 0 {
		rest, err := soc.zs.RecvMultipart(zring.Flag(flags))
		if err != nil {
			return nil, md, bare(err)
		}
		msg = append(msg, rest...)
	}
	return msg, md, nil
}

// Monitor publishes the socket's events in the mask events on a PAIR
// socket bound at addr, an inproc endpoint, which another PAIR socket
// connects to and reads with RecvEvent (zmq_socket_monitor). An empty addr
// stops it. zring's own EventMessagesDropped, which libzmq does not have,
// is never published here, even for EVENT_ALL.
func (soc *Socket) Monitor(addr string, events Event) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	return bare(soc.zs.Monitor(addr, zring.Event(events&libzmqEvents)))
}

// RecvEvent receives one event from a monitor endpoint: the event, the
// endpoint it concerns, and its value (a file descriptor, an errno, an
// interval in ms or a status code, as zmq_socket_monitor(3) says for each).
// A one-frame message is ErrorMoreExpected.
func (soc *Socket) RecvEvent(flags Flag) (event_type Event, addr string, value int, err error) {
	parts, err := soc.RecvMessageBytes(flags)
	if err != nil {
		return 0, "", 0, err
	}
	if len(parts) < 2 {
		return 0, "", 0, ErrorMoreExpected
	}
	if len(parts[0]) != 6 {
		return 0, "", 0, errNotEvent
	}
	event := binary.LittleEndian.Uint16(parts[0])
	value = int(binary.LittleEndian.Uint32(parts[0][2:]))
	return Event(event), string(parts[1]), value, nil
}
