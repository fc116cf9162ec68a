package zmtp

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Frame flags as they are on the wire (RFC 37, "Framing").
const (
	FlagMore    = 0x01 // more frames of this message follow; never on a command
	FlagLong    = 0x02 // the size is 8 bytes, not 1
	FlagCommand = 0x04 // the frame is a command, not part of a message

	flagsReserved = 0xF8 // bits 7-3, which must be zero
)

// maxShortFrame is the largest body a short (two-byte) header can carry.
const maxShortFrame = 255

// AppendFrameHeader appends the header of a frame whose body is size bytes:
// a flags byte and a one-byte size, or, when size is over 255, the flags
// byte with FlagLong and an eight-byte big-endian size. flags may hold
// FlagMore and FlagCommand; other bits, FlagLong included, are ignored,
// since the size decides the header's form.
//
// size must not be negative; a negative size is a bug in the caller and
// panics rather than putting a lie on the wire.
func AppendFrameHeader(b []byte, flags byte, size int) []byte {
	flags &= FlagMore | FlagCommand
	if size <= maxShortFrame {
		if size < 0 {
			panic("zmtp: AppendFrameHeader with negative size")
		}
		return append(b, flags, byte(size))
	}
	return binary.BigEndian.AppendUint64(append(b, flags|FlagLong), uint64(size))
}

// ParseFrameHeader parses one frame header at the start of b and returns
// the frame's flags (FlagMore and/or FlagCommand; FlagLong is cleared, the
// header's form is none of the caller's business), its body size, and n,
// the header's length (2 or 9). When b does not yet hold a whole header it
// returns n == 0 and a nil error: wait for more bytes.
//
// It fails with ErrMalformed when any reserved flag bit is set, when a
// command frame has FlagMore, or when a long size has its top bit set (RFC
// 37 caps bodies at 2^63-1); and with ErrTooLarge when maxSize >= 0 and the
// size is over it, or when the size does not fit in an int. A negative
// maxSize means no limit. Bad flags are reported as soon as the first byte
// is there.
//
// It does not look at the body: the caller decides when it has all size
// bytes of it, and nothing is allocated from the size here.
func ParseFrameHeader(b []byte, maxSize int64) (flags byte, size int, n int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, nil
	}
	flags = b[0]
	if flags&flagsReserved != 0 || flags&(FlagCommand|FlagMore) == FlagCommand|FlagMore {
		return 0, 0, 0, badFlags(flags)
	}
	var sz uint64
	if flags&FlagLong == 0 {
		if len(b) < 2 {
			return 0, 0, 0, nil
		}
		sz, n = uint64(b[1]), 2
	} else {
		if len(b) < 9 {
			return 0, 0, 0, nil
		}
		sz, n = binary.BigEndian.Uint64(b[1:9]), 9
		if sz > math.MaxInt64 {
			return 0, 0, 0, fmt.Errorf("%w: long frame size %#x has its top bit set", ErrMalformed, sz)
		}
	}
	if maxSize >= 0 && sz > uint64(maxSize) {
		return 0, 0, 0, tooLarge(sz, maxSize)
	}
	if sz > math.MaxInt {
		return 0, 0, 0, tooLarge(sz, math.MaxInt)
	}
	return flags &^ FlagLong, int(sz), n, nil
}

// The error constructors sit out of line so ParseFrameHeader's fast path
// stays small.

func badFlags(flags byte) error {
	if flags&flagsReserved != 0 {
		return fmt.Errorf("%w: frame flags %#02x have reserved bits set", ErrMalformed, flags)
	}
	return fmt.Errorf("%w: command frame with the MORE flag (flags %#02x)", ErrMalformed, flags)
}

func tooLarge(size uint64, limit int64) error {
	return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, limit)
}
