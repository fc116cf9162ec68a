package zmtp

import (
	"encoding/binary"
	"fmt"
)

// Command names this package builds or reads. Commands of the security
// mechanisms live beside them.
const (
	cmdReady     = "READY"
	cmdError     = "ERROR"
	cmdPing      = "PING"
	cmdPong      = "PONG"
	cmdSubscribe = "SUBSCRIBE"
	cmdCancel    = "CANCEL"
)

const (
	maxErrorReason = 255 // error-reason = short-size 0*255VCHAR
	maxPingContext = 16  // ping-context = 0*16OCTET
)

// AppendCommand appends a whole command frame: a header with FlagCommand
// (long when the body is over 255 bytes), then the body, which is the name's
// length in one byte, the name, and data.
//
// name must be 1 to 255 bytes. Names are the caller's constants, never
// peer input, so a bad one is a bug and panics.
func AppendCommand(b []byte, name string, data []byte) []byte {
	b = appendCommandStart(b, name, len(data))
	return append(b, data...)
}

// appendCommandStart appends a command frame's header, name length and name
// for dataLen bytes of data that the caller appends next. Building data in
// place after this avoids a second copy of it.
func appendCommandStart(b []byte, name string, dataLen int) []byte {
	if len(name) == 0 || len(name) > 255 {
		panic("zmtp: command name must be 1 to 255 bytes")
	}
	b = AppendFrameHeader(b, FlagCommand, 1+len(name)+dataLen)
	b = append(b, byte(len(name)))
	return append(b, name...)
}

// ParseCommand splits the body of a frame that had FlagCommand into the
// command's name and data. Both are subslices of body (nothing is copied or
// allocated) and valid while body is. It fails with ErrMalformed when the
// body is empty, the name is empty, or the name's length overruns the body.
//
// The name's characters are not checked: a peer's unknown command is for the
// caller to ignore or refuse by name.
func ParseCommand(body []byte) (name, data []byte, err error) {
	if len(body) == 0 {
		return nil, nil, fmt.Errorf("%w: empty command", ErrMalformed)
	}
	nameLen := int(body[0])
	if nameLen == 0 {
		return nil, nil, fmt.Errorf("%w: command with an empty name", ErrMalformed)
	}
	if nameLen > len(body)-1 {
		return nil, nil, fmt.Errorf("%w: command name of %d bytes in a %d-byte frame", ErrMalformed, nameLen, len(body))
	}
	return body[1 : 1+nameLen], body[1+nameLen:], nil
}

// AppendReady appends a whole READY command frame carrying props as
// metadata: the NULL mechanism's one handshake command. The same property
// rules as AppendMetadata apply.
func AppendReady(b []byte, props []Property) []byte {
	return appendPropsCommand(b, cmdReady, props)
}

// AppendError appends a whole ERROR command frame. RFC 37 gives the reason
// a one-byte length, so a reason over 255 bytes is cut to its first 255.
func AppendError(b []byte, reason string) []byte {
	if len(reason) > maxErrorReason {
		reason = reason[:maxErrorReason]
	}
	b = appendCommandStart(b, cmdError, 1+len(reason))
	b = append(b, byte(len(reason)))
	return append(b, reason...)
}

// parseErrorReason returns the reason in an ERROR command's data. A reason
// whose length overruns the frame is cut to what is there: the peer is
// refusing us either way, and what it managed to say is worth logging.
func parseErrorReason(data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	n := int(data[0])
	if n > len(data)-1 {
		n = len(data) - 1
	}
	return data[1 : 1+n]
}

// AppendPing appends a whole PING command frame (ZMTP 3.1 heartbeat). ttl is
// in tenths of a second (0 for none); context is echoed back in the PONG,
// and only its first 16 bytes are sent, the most RFC 37 allows.
func AppendPing(b []byte, ttl uint16, context []byte) []byte {
	if len(context) > maxPingContext {
		context = context[:maxPingContext]
	}
	b = appendCommandStart(b, cmdPing, 2+len(context))
	b = binary.BigEndian.AppendUint16(b, ttl)
	return append(b, context...)
}

// AppendPong appends a whole PONG command frame echoing a PING's context;
// only its first 16 bytes are sent.
func AppendPong(b []byte, context []byte) []byte {
	if len(context) > maxPingContext {
		context = context[:maxPingContext]
	}
	b = appendCommandStart(b, cmdPong, len(context))
	return append(b, context...)
}

// ParsePing parses a PING command's data (what ParseCommand returned after
// the name): a two-byte big-endian TTL in tenths of a second, then a context
// of at most 16 bytes. context is a subslice of data. It fails with
// ErrMalformed when the TTL is cut short or the context is over 16 bytes.
// (libzmq truncates an overlong context instead; RFC 37 says it MUST NOT
// exceed 16, and we hold peers to that.)
func ParsePing(data []byte) (ttl uint16, context []byte, err error) {
	if len(data) < 2 {
		return 0, nil, fmt.Errorf("%w: PING of %d bytes has no room for its TTL", ErrMalformed, len(data))
	}
	if len(data)-2 > maxPingContext {
		return 0, nil, fmt.Errorf("%w: PING context of %d bytes, limit %d", ErrMalformed, len(data)-2, maxPingContext)
	}
	return binary.BigEndian.Uint16(data), data[2:], nil
}

// AppendSubscribe appends a whole SUBSCRIBE command frame for topic, which
// is how a SUB or XSUB tells a ZMTP 3.1 peer what to send it. ZMTP 3.0
// peers (Greeting.Minor 0) expect a message frame of 0x01 and the topic
// instead; choosing is the caller's business.
func AppendSubscribe(b []byte, topic []byte) []byte {
	b = appendCommandStart(b, cmdSubscribe, len(topic))
	return append(b, topic...)
}

// AppendCancel appends a whole CANCEL command frame for topic, undoing one
// earlier SUBSCRIBE to it (ZMTP 3.0 peers expect 0x00 and the topic).
func AppendCancel(b []byte, topic []byte) []byte {
	b = appendCommandStart(b, cmdCancel, len(topic))
	return append(b, topic...)
}
