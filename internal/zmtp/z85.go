package zmtp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Z85 (rfc.zeromq.org/spec:32) is how ZeroMQ writes CURVE keys as text: 40
// printable characters for 32 bytes. Every 4 bytes, read as a big-endian
// uint32, become 5 base-85 digits, most significant first. The alphabet is
// printable ASCII without space and " ' , ; \ _ ` | ~, so that a key can sit
// in quotes in source code, JSON or a shell command line.
//
// The codec follows libzmq 4.3.4's zmq_z85_encode and zmq_z85_decode, with
// two differences that come from Go's strings not being C strings: a NUL is
// a bad character here (libzmq stops reading at it), and empty text decodes
// to nothing (libzmq refuses text shorter than 5 characters; the root
// package's Z85Decode keeps that refusal).

// ErrZ85 is wrapped by every error of AppendZ85Decode: text whose length is
// not a multiple of 5, a character outside the alphabet, or a group of five
// digits whose value does not fit in 32 bits. Compare with errors.Is.
var ErrZ85 = errors.New("zmtp: invalid Z85 text")

// z85Alphabet maps a digit (0 to 84) to its character, as RFC 32 lists them.
const z85Alphabet = "0123456789" +
	"abcdefghijklmnopqrstuvwxyz" +
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
	".-:+=^!/*?&<>()[]{}@%$#"

// z85Invalid marks a byte that is not in the alphabet in z85Digit.
const z85Invalid = 0xFF

// z85Digit maps every byte to its digit, or to z85Invalid. A full 256-entry
// table needs no range check before the lookup.
var z85Digit = func() (t [256]byte) {
	for i := range t {
		t[i] = z85Invalid
	}
	for d := range len(z85Alphabet) {
		t[z85Alphabet[d]] = byte(d)
	}
	return t
}()

// Z85EncodedLen is the length of the Z85 text for n bytes of binary; n must
// be a multiple of 4.
func Z85EncodedLen(n int) int { return n / 4 * 5 }

// Z85DecodedLen is the number of bytes that n characters of Z85 text decode
// to; n must be a multiple of 5.
func Z85DecodedLen(n int) int { return n / 5 * 4 }

// AppendZ85 appends the Z85 text of src to dst and returns the extended
// slice. It allocates only when dst has too little spare capacity, and then
// once. src is read, not kept.
//
// len(src) must be a multiple of 4 (RFC 32 leaves padding to the
// application): AppendZ85 panics otherwise, since src is the caller's data
// and a length that does not fit is the caller's bug. Code that takes the
// length from a user checks it first and reports EINVAL, as the root
// package's Z85Encode does.
func AppendZ85(dst, src []byte) []byte {
	if len(src)%4 != 0 {
		panic(fmt.Sprintf("zmtp: AppendZ85 of %d bytes, not a multiple of 4", len(src)))
	}
	n := len(dst)
	dst = slices.Grow(dst, Z85EncodedLen(len(src)))[:n+Z85EncodedLen(len(src))]
	// The two lengths run out together; testing both lets the compiler
	// drop the bounds checks inside.
	for out := dst[n:]; len(src) >= 4 && len(out) >= 5; src, out = src[4:], out[5:] {
		v := binary.BigEndian.Uint32(src)
		for i := 4; i >= 0; i-- {
			out[i] = z85Alphabet[v%85]
			v /= 85
		}
	}
	return dst
}

// AppendZ85Decode appends the bytes that the Z85 text src stands for to dst
// and returns the extended slice. Like AppendZ85 it allocates only when dst
// has too little spare capacity. src is read, not kept.
//
// The text must be a multiple of 5 characters long, every character must be
// in RFC 32's alphabet, and every group of five must stand for a value
// below 2^32 ("%nSc0" is 0xFFFFFFFF; "%nSc1" and "#####" are too large).
// These are libzmq 4.3.4's checks. Otherwise the error wraps ErrZ85 and says
// which check failed and at which offset, and the returned slice is dst as
// it was (its spare capacity may have been written to).
//
// Every text that decodes is the one AppendZ85 writes for what it decodes
// to: no two texts decode to the same bytes.
func AppendZ85Decode(dst, src []byte) ([]byte, error) {
	if len(src)%5 != 0 {
		return dst, fmt.Errorf("%w: length %d is not a multiple of 5", ErrZ85, len(src))
	}
	start := len(dst)
	dst = slices.Grow(dst, Z85DecodedLen(len(src)))
	for off := 0; off < len(src); off += 5 {
		// 85^5 - 1 fits in a uint64, so the sum cannot wrap before the
		// 32-bit check, which is then exact: the same groups libzmq
		// refuses with its checks before each multiply and add.
		var v uint64
		for i, c := range src[off : off+5] {
			d := z85Digit[c]
			if d == z85Invalid {
				return dst[:start], fmt.Errorf("%w: byte 0x%02x at offset %d is not in the alphabet", ErrZ85, c, off+i)
			}
			v = v*85 + uint64(d)
		}
		if v > math.MaxUint32 {
			return dst[:start], fmt.Errorf("%w: group %q at offset %d is over 32 bits", ErrZ85, src[off:off+5], off)
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(v))
	}
	return dst, nil
}
