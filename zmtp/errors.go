package zmtp

import "errors"

// Errors reported for bad input from the peer. Functions return them wrapped
// with detail ("zmtp: malformed: ..."), so compare with errors.Is. Every one
// of them means the connection cannot continue.
var (
	// ErrSignature: the first ten bytes are not a ZMTP 3 greeting signature
	// (0xFF, eight padding bytes, then a byte with bit 0 set). The peer does
	// not speak ZMTP 3.x, or speaks ZMTP 1.0, which we do not.
	ErrSignature = errors.New("zmtp: bad greeting signature")

	// ErrVersion: the peer's major version is below 3. We do not downgrade
	// to ZMTP 1.0 or 2.0.
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
