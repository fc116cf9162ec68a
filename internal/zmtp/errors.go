package zmtp

import "errors"

// Errors reported for bad input from the peer. Functions return them wrapped
// with detail ("zmtp: malformed: ..."), so compare with errors.Is. Every one
// of them means the connection cannot continue.
var (
	// ErrSignature: the first ten bytes are not a ZMTP 3 greeting signature
	// (0xFF, eight padding bytes, then a byte with bit 0 set). The peer does
	// not speak ZMTP 3.x, or speaks ZMTP 1.0 and Config.Downgrade is off.
	ErrSignature = errors.New("zmtp: bad greeting signature")

	// ErrVersion: the peer's major version is below 3. We do not downgrade
	// to ZMTP 1.0 or 2.0 without Config.Downgrade, nor ever to a version 2.
	ErrVersion = errors.New("zmtp: unsupported protocol version")

	// ErrMechanism: the peer's greeting names a security mechanism that is
	// not well formed or is not the one we use.
	ErrMechanism = errors.New("zmtp: security mechanism mismatch")

	// ErrTooLarge: a frame's size is over the configured maximum, or does
	// not fit in an int on this platform.
	ErrTooLarge = errors.New("zmtp: frame too large")

	// ErrMalformed: bytes that break the grammar of RFC 23/37: reserved
	// frame flags, a long size with its top bit set, a command or metadata
	// whose lengths overrun their frame, a message frame where a command
	// must be, and so on.
	ErrMalformed = errors.New("zmtp: malformed")

	// ErrIncompatible: the peer's Socket-Type may not talk to ours, or its
	// READY did not say what it is.
	ErrIncompatible = errors.New("zmtp: incompatible socket type")

	// ErrPeerError: the peer sent an ERROR command; its reason follows in the
	// wrapping error's text.
	ErrPeerError = errors.New("zmtp: peer sent ERROR")
)

// ProtocolCode says which rule of the protocol a peer broke, numbered as
// libzmq's monitor numbers them (ZMQ_PROTOCOL_ERROR_ZMTP_*, the value of
// ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL). The mechanisms attach one to each
// error of theirs (CodeOf reads it); errors without one are the codec's and
// the handshake's own.
type ProtocolCode uint32

// The codes, as libzmq 4.3.4's zmq.h has them.
const (
	CodeUnspecified       ProtocolCode = 0x10000000
	CodeUnexpectedCommand ProtocolCode = 0x10000001
	CodeInvalidSequence   ProtocolCode = 0x10000002
	CodeKeyExchange       ProtocolCode = 0x10000003
	CodeMalformedCommand  ProtocolCode = 0x10000011
	CodeMalformedMessage  ProtocolCode = 0x10000012
	CodeMalformedHello    ProtocolCode = 0x10000013
	CodeMalformedInitiate ProtocolCode = 0x10000014
	CodeMalformedError    ProtocolCode = 0x10000015
	CodeMalformedReady    ProtocolCode = 0x10000016
	CodeMalformedWelcome  ProtocolCode = 0x10000017
	CodeInvalidMetadata   ProtocolCode = 0x10000018
	CodeCryptographic     ProtocolCode = 0x11000001
	CodeMechanismMismatch ProtocolCode = 0x11000002
)

// codedError is an error with the ProtocolCode it breaks.
type codedError struct {
	code ProtocolCode
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// withCode attaches code to err (nil stays nil; an err that has a code
// keeps its own, the more precise one).
func withCode(code ProtocolCode, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := CodeOf(err); ok {
		return err
	}
	return &codedError{code, err}
}

// CodeOf returns the ProtocolCode a mechanism attached to err, if any.
func CodeOf(err error) (ProtocolCode, bool) {
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code, true
	}
	return 0, false
}
