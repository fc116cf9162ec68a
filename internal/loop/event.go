package loop

import (
	"errors"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/zmtp"
)

// Event is something that happened to one of a socket's endpoints or
// connections, for zmq_socket_monitor. Kind and Value follow zmq.h:
// Value is an fd, an errno, a reconnect interval or a protocol error code,
// as the kind says. Err carries the cause in Go terms where there is one.
type Event struct {
	Kind     uint16
	Value    uint32
	Endpoint string
	Err      error
}

// The event kinds of zmq.h.
const (
	EventConnected               uint16 = 0x0001
	EventConnectDelayed          uint16 = 0x0002
	EventConnectRetried          uint16 = 0x0004
	EventListening               uint16 = 0x0008
	EventBindFailed              uint16 = 0x0010
	EventAccepted                uint16 = 0x0020
	EventAcceptFailed            uint16 = 0x0040
	EventClosed                  uint16 = 0x0080
	EventCloseFailed             uint16 = 0x0100
	EventDisconnected            uint16 = 0x0200
	EventMonitorStopped          uint16 = 0x0400
	EventHandshakeFailedNoDetail uint16 = 0x0800
	EventHandshakeSucceeded      uint16 = 0x1000
	EventHandshakeFailedProtocol uint16 = 0x2000
	EventHandshakeFailedAuth     uint16 = 0x4000
	// EventMessagesDropped is zring's own (zmq.h leaves 0x8000 unused):
	// a PUB, XPUB or ROUTER dropped messages for one peer at its
	// high-water mark. Value is how many, since that peer's last such
	// event; Endpoint is the peer's. It comes when the peer takes a
	// message again, or goes.
	EventMessagesDropped uint16 = 0x8000
	EventAll             uint16 = 0xFFFF
)

// Protocol error codes of zmq.h, the Value of EventHandshakeFailedProtocol
// (zmtp.ProtocolCode's values, and the ZAP ones).
const (
	ProtocolErrorUnspecified       = uint32(zmtp.CodeUnspecified)
	ProtocolErrorUnexpectedCommand = uint32(zmtp.CodeUnexpectedCommand)
	ProtocolErrorInvalidSequence   = uint32(zmtp.CodeInvalidSequence)
	ProtocolErrorKeyExchange       = uint32(zmtp.CodeKeyExchange)
	ProtocolErrorMalformedCommand  = uint32(zmtp.CodeMalformedCommand)
	ProtocolErrorMalformedMessage  = uint32(zmtp.CodeMalformedMessage)
	ProtocolErrorMalformedHello    = uint32(zmtp.CodeMalformedHello)
	ProtocolErrorMalformedInitiate = uint32(zmtp.CodeMalformedInitiate)
	ProtocolErrorMalformedError    = uint32(zmtp.CodeMalformedError)
	ProtocolErrorMalformedReady    = uint32(zmtp.CodeMalformedReady)
	ProtocolErrorMalformedWelcome  = uint32(zmtp.CodeMalformedWelcome)
	ProtocolErrorInvalidMetadata   = uint32(zmtp.CodeInvalidMetadata)
	ProtocolErrorCryptographic     = uint32(zmtp.CodeCryptographic)
	ProtocolErrorMechanismMismatch = uint32(zmtp.CodeMechanismMismatch)

	ProtocolErrorZAPUnspecified       uint32 = 0x20000000
	ProtocolErrorZAPMalformedReply    uint32 = 0x20000001
	ProtocolErrorZAPBadRequestID      uint32 = 0x20000002
	ProtocolErrorZAPBadVersion        uint32 = 0x20000003
	ProtocolErrorZAPInvalidStatusCode uint32 = 0x20000004
	ProtocolErrorZAPInvalidMetadata   uint32 = 0x20000005
)

// handshakeFailure turns why a handshake failed into libzmq's event.
func handshakeFailure(err error) (uint16, uint32) {
	if kind, value, ok := zapFailure(err); ok {
		return kind, value
	}
	if code, ok := zmtp.CodeOf(err); ok {
		return EventHandshakeFailedProtocol, uint32(code)
	}
	switch {
	case errors.Is(err, zmtp.ErrMechanism):
		return EventHandshakeFailedProtocol, ProtocolErrorMechanismMismatch
	case errors.Is(err, zmtp.ErrIncompatible):
		return EventHandshakeFailedProtocol, ProtocolErrorInvalidMetadata
	case errors.Is(err, zmtp.ErrTooLarge):
		// A command frame over the handshake's limit is refused at its
		// header, before its name is read: which command it meant to be
		// is unknown. (libzmq 4.3.4 fails to allocate it and reports only
		// the disconnection.)
		return EventHandshakeFailedProtocol, ProtocolErrorMalformedCommand
	case errors.Is(err, zmtp.ErrMalformed):
		return EventHandshakeFailedProtocol, ProtocolErrorMalformedReady
	case errors.Is(err, zmtp.ErrPeerError):
		return EventHandshakeFailedProtocol, ProtocolErrorMalformedError
	case errors.Is(err, zmtp.ErrSignature), errors.Is(err, zmtp.ErrVersion):
		return EventHandshakeFailedProtocol, ProtocolErrorUnspecified
	}
	var e errno.Errno
	if errors.As(err, &e) {
		return EventHandshakeFailedNoDetail, uint32(e)
	}
	return EventHandshakeFailedNoDetail, 0
}
