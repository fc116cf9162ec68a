package zmtp

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Framing is the frame syntax of a connection's stream after its
// handshake. Handshake.Framing says which one the peer's version calls
// for; DecoderConfig and EncoderConfig take it.
type Framing uint8

const (
	// FramingZMTP3 is the framing of ZMTP 3.0 and 3.1 (RFC 23, RFC 37):
	// a flags byte (MORE, LONG, COMMAND) then a one- or eight-byte size,
	// with commands (PING, SUBSCRIBE, ...) beside message frames.
	FramingZMTP3 Framing = iota
	// FramingZMTP2 is ZMTP 2.0's (RFC 15): the same header for message
	// frames, but bit 2 is reserved, not COMMAND, and there are no
	// commands at all. A short message frame is the same bytes in both, so
	// Decoder.Short serves both.
	FramingZMTP2
	// FramingZMTP1 is ZMTP 1.0's (RFC 13), spoken by 0MQ 2.x: the length
	// comes first and counts the flags byte that follows it (an empty frame
	// has length 1); a length of 255 or more is 0xFF and then eight bytes.
	// Only the MORE flag exists, and there are no commands.
	FramingZMTP1
)

func (f Framing) String() string {
	switch f {
	case FramingZMTP3:
		return "ZMTP 3"
	case FramingZMTP2:
		return "ZMTP 2.0"
	case FramingZMTP1:
		return "ZMTP 1.0"
	}
	return fmt.Sprintf("Framing(%d)", uint8(f))
}

// v1LongLength is the first byte of a ZMTP 1.0 frame whose length follows
// in eight bytes; a one-byte length is therefore at most 254.
const v1LongLength = 0xFF

// appendV1FrameHeader appends a ZMTP 1.0 frame header for a body of size
// bytes: the length (size+1, counting the flags byte) in one byte when it
// is below 255, else 0xFF and eight bytes, then the flags byte, of which
// only FlagMore is kept. libzmq 4.3.4's v1 encoder picks the form the same
// way. size must not be negative (a caller's bug, which panics).
func appendV1FrameHeader(b []byte, flags byte, size int) []byte {
	if size < 0 {
		panic("zmtp: appendV1FrameHeader with negative size")
	}
	flags &= FlagMore
	length := uint64(size) + 1
	if length < v1LongLength {
		return append(b, byte(length), flags)
	}
	b = binary.BigEndian.AppendUint64(append(b, v1LongLength), length)
	return append(b, flags)
}

// parseV1FrameHeader parses a ZMTP 1.0 frame header at the start of b, as
// ParseFrameHeader does a ZMTP 3 one: flags (FlagMore or 0), body size,
// header length n (2 or 10), or n == 0 and no error when b holds too little.
//
// A length of 0 (no room even for the flags byte; RFC 13 says such frames
// are invalid, libzmq 4.3.4 fails the connection on them) and flags other
// than MORE are ErrMalformed. RFC 13 only says the reserved bits "SHOULD be
// zero", and libzmq 4.3.4 ignores them; but the only peers that frame this
// way are 0MQ 2.x, whose encoder never sets them, so a set bit means the
// bytes are not ZMTP at all. A body over maxSize (when >= 0) or over
// MaxFrameSize is ErrTooLarge. Each error is reported as soon as the bytes
// that decide it are in b.
func parseV1FrameHeader(b []byte, maxSize int64) (flags byte, size int, n int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, nil
	}
	var length uint64
	if b[0] != v1LongLength {
		length, n = uint64(b[0]), 2
	} else {
		if len(b) < 9 {
			return 0, 0, 0, nil
		}
		length, n = binary.BigEndian.Uint64(b[1:9]), 10
	}
	if length == 0 {
		return 0, 0, 0, fmt.Errorf("%w: ZMTP 1.0 frame of length 0 (the length counts the flags byte)", ErrMalformed)
	}
	sz := length - 1
	if maxSize >= 0 && sz > uint64(maxSize) {
		return 0, 0, 0, tooLarge(sz, maxSize)
	}
	if sz > MaxFrameSize || sz > math.MaxInt {
		return 0, 0, 0, tooLarge(sz, MaxFrameSize)
	}
	if len(b) < n {
		return 0, 0, 0, nil
	}
	flags = b[n-1]
	if flags&^FlagMore != 0 {
		return 0, 0, 0, fmt.Errorf("%w: ZMTP 1.0 frame flags %#02x have reserved bits set", ErrMalformed, flags)
	}
	return flags, int(sz), n, nil
}

// parseV2FrameHeader parses a ZMTP 2.0 frame header: ZMTP 3's, with bit 2
// reserved (RFC 15: bits 2-7 "MUST be zero") instead of meaning COMMAND.
func parseV2FrameHeader(b []byte, maxSize int64) (flags byte, size int, n int, err error) {
	if len(b) > 0 && b[0]&FlagCommand != 0 {
		return 0, 0, 0, fmt.Errorf("%w: ZMTP 2.0 frame flags %#02x have reserved bits set (there are no commands)", ErrMalformed, b[0])
	}
	return ParseFrameHeader(b, maxSize)
}

// parseHeader parses a frame header in framing f; need is, when n == 0 and
// err == nil, how many more bytes the header needs at least.
func parseHeader(f Framing, b []byte, maxSize int64) (flags byte, size, n, need int, err error) {
	switch f {
	case FramingZMTP1:
		flags, size, n, err = parseV1FrameHeader(b, maxSize)
		if n == 0 && err == nil {
			need = 2 - len(b)
			if len(b) > 0 && b[0] == v1LongLength {
				need = 10 - len(b)
			}
		}
		return flags, size, n, need, err
	case FramingZMTP2:
		flags, size, n, err = parseV2FrameHeader(b, maxSize)
	default:
		flags, size, n, err = ParseFrameHeader(b, maxSize)
	}
	if n == 0 && err == nil {
		need = 2 - len(b)
		if len(b) > 0 && b[0]&FlagLong != 0 {
			need = 9 - len(b)
		}
	}
	return flags, size, n, need, err
}
