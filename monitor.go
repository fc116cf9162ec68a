package zring

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
)

// Event is a socket event of zmq_socket_monitor, numbered as in zmq.h.
type Event uint16

// The events.
const (
	EventConnected               = Event(loop.EventConnected)               // value: fd
	EventConnectDelayed          = Event(loop.EventConnectDelayed)          // value: errno
	EventConnectRetried          = Event(loop.EventConnectRetried)          // value: reconnect interval, ms
	EventListening               = Event(loop.EventListening)               // value: fd
	EventBindFailed              = Event(loop.EventBindFailed)              // value: errno
	EventAccepted                = Event(loop.EventAccepted)                // value: fd
	EventAcceptFailed            = Event(loop.EventAcceptFailed)            // value: errno
	EventClosed                  = Event(loop.EventClosed)                  // value: fd
	EventCloseFailed             = Event(loop.EventCloseFailed)             // value: errno
	EventDisconnected            = Event(loop.EventDisconnected)            // value: fd
	EventMonitorStopped          = Event(loop.EventMonitorStopped)          // value: 0
	EventHandshakeFailedNoDetail = Event(loop.EventHandshakeFailedNoDetail) // value: errno
	EventHandshakeSucceeded      = Event(loop.EventHandshakeSucceeded)      // value: 0
	EventHandshakeFailedProtocol = Event(loop.EventHandshakeFailedProtocol) // value: a ProtocolError code
	EventHandshakeFailedAuth     = Event(loop.EventHandshakeFailedAuth)     // value: ZAP status code
	// EventMessagesDropped is zring's own (zmq.h leaves 0x8000 unused): a
	// PUB, XPUB or ROUTER dropped messages for one peer at its high-water
	// mark; the value is how many since that peer's last such event, the
	// endpoint the peer's. It comes when the peer takes a message again,
	// or goes. Socket.Dropped is the socket's total.
	EventMessagesDropped = Event(loop.EventMessagesDropped) // value: messages dropped
	EventAll             = Event(loop.EventAll)
)

// eventNames are zmq.h's names of the events, without "ZMQ_".
var eventNames = [...]struct {
	e    Event
	name string
}{
	{EventConnected, "EVENT_CONNECTED"}, {EventConnectDelayed, "EVENT_CONNECT_DELAYED"},
	{EventConnectRetried, "EVENT_CONNECT_RETRIED"}, {EventListening, "EVENT_LISTENING"},
	{EventBindFailed, "EVENT_BIND_FAILED"}, {EventAccepted, "EVENT_ACCEPTED"},
	{EventAcceptFailed, "EVENT_ACCEPT_FAILED"}, {EventClosed, "EVENT_CLOSED"},
	{EventCloseFailed, "EVENT_CLOSE_FAILED"}, {EventDisconnected, "EVENT_DISCONNECTED"},
	{EventMonitorStopped, "EVENT_MONITOR_STOPPED"},
	{EventHandshakeFailedNoDetail, "EVENT_HANDSHAKE_FAILED_NO_DETAIL"},
	{EventHandshakeSucceeded, "EVENT_HANDSHAKE_SUCCEEDED"},
	{EventHandshakeFailedProtocol, "EVENT_HANDSHAKE_FAILED_PROTOCOL"},
	{EventHandshakeFailedAuth, "EVENT_HANDSHAKE_FAILED_AUTH"},
	{EventMessagesDropped, "EVENT_MESSAGES_DROPPED"},
}

// String is the event's zmq.h name without "ZMQ_" ("EVENT_CONNECTED"), or
// several joined with "|" for a mask (EventAll names them all).
func (e Event) String() string {
	if e == 0 {
		return "0"
	}
	var b strings.Builder
	for _, n := range eventNames {
		if e&n.e != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n.name)
			e &^= n.e
		}
	}
	if e != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		fmt.Fprintf(&b, "%#x", uint16(e))
	}
	return b.String()
}

// The ZMQ_PROTOCOL_ERROR_* values of EventHandshakeFailedProtocol that
// zring reports.
const (
	ProtocolErrorUnspecified       = loop.ProtocolErrorUnspecified
	ProtocolErrorUnexpectedCommand = loop.ProtocolErrorUnexpectedCommand
	ProtocolErrorInvalidSequence   = loop.ProtocolErrorInvalidSequence
	ProtocolErrorKeyExchange       = loop.ProtocolErrorKeyExchange
	ProtocolErrorMalformedCommand  = loop.ProtocolErrorMalformedCommand
	ProtocolErrorMalformedMessage  = loop.ProtocolErrorMalformedMessage
	ProtocolErrorMalformedHello    = loop.ProtocolErrorMalformedHello
	ProtocolErrorMalformedInitiate = loop.ProtocolErrorMalformedInitiate
	ProtocolErrorMalformedError    = loop.ProtocolErrorMalformedError
	ProtocolErrorMalformedReady    = loop.ProtocolErrorMalformedReady
	ProtocolErrorMalformedWelcome  = loop.ProtocolErrorMalformedWelcome
	ProtocolErrorInvalidMetadata   = loop.ProtocolErrorInvalidMetadata
	ProtocolErrorCryptographic     = loop.ProtocolErrorCryptographic
	ProtocolErrorMechanismMismatch = loop.ProtocolErrorMechanismMismatch

	// A ZAP handler's reply that is not RFC 27's (libzmq's ZAP codes).
	ProtocolErrorZAPUnspecified       = loop.ProtocolErrorZAPUnspecified
	ProtocolErrorZAPMalformedReply    = loop.ProtocolErrorZAPMalformedReply
	ProtocolErrorZAPBadRequestID      = loop.ProtocolErrorZAPBadRequestID
	ProtocolErrorZAPBadVersion        = loop.ProtocolErrorZAPBadVersion
	ProtocolErrorZAPInvalidStatusCode = loop.ProtocolErrorZAPInvalidStatusCode
	ProtocolErrorZAPInvalidMetadata   = loop.ProtocolErrorZAPInvalidMetadata
)

// Monitor is zmq_socket_monitor: the events in mask are published on a
// PAIR socket bound to endpoint (inproc only), which another socket
// connects to. Each event is two frames, as libzmq sends them: 6 bytes
// (event as uint16, value as uint32, little-endian) and the endpoint.
// RecvEvent reads one. An empty endpoint stops monitoring, after a last
// EventMonitorStopped. Events past 4096 unread ones are dropped.
func (s *Socket) Monitor(endpoint string, mask Event) error {
	return errno.Wrap("monitor", endpoint, s.s.Monitor(endpoint, int(mask)))
}

// MonitorEvent is one event read by RecvEvent.
type MonitorEvent struct {
	Event    Event
	Value    uint32
	Endpoint string
}

// RecvEvent reads one monitor event from a socket connected to a monitor
// endpoint.
func (s *Socket) RecvEvent(flags Flag) (MonitorEvent, error) {
	parts, err := s.RecvMultipart(flags)
	if err != nil {
		return MonitorEvent{}, err
	}
	if len(parts) != 2 || len(parts[0]) != 6 {
		return MonitorEvent{}, errno.EPROTONOSUPPORT
	}
	return MonitorEvent{
		Event:    Event(binary.LittleEndian.Uint16(parts[0])),
		Value:    binary.LittleEndian.Uint32(parts[0][2:]),
		Endpoint: string(parts[1]),
	}, nil
}
