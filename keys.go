package zring

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/zring/zring/internal/zmtp"
)

// Z85 text and CURVE keys, as libzmq 4.3.4's zmq_z85_encode, zmq_z85_decode,
// zmq_curve_keypair and zmq_curve_public give them. A CURVE key is 32 bytes;
// its Z85 text, the form the CURVE options take, is 40 characters. Errors
// are ErrInvalid (EINVAL, as libzmq sets) with the reason in their text.

// z85KeyLen is the length of a CURVE key in Z85.
const z85KeyLen = 40

// Z85Encode returns the Z85 text (rfc.zeromq.org/spec:32) of data, as
// libzmq's zmq_z85_encode does. len(data) must be a multiple of 4, or the
// error is ErrInvalid; empty data gives "".
func Z85Encode(data []byte) (string, error) {
	if len(data)%4 != 0 {
		return "", fmt.Errorf("z85 encode: %w: length %d is not a multiple of 4", ErrInvalid, len(data))
	}
	return string(zmtp.AppendZ85(make([]byte, 0, zmtp.Z85EncodedLen(len(data))), data)), nil
}

// Z85Decode returns the bytes the Z85 text s stands for, as libzmq's
// zmq_z85_decode does. The error is ErrInvalid when s is empty (libzmq
// refuses text shorter than one group), when its length is not a multiple
// of 5, when it holds a character outside RFC 32's alphabet (a NUL among
// them: libzmq, reading a C string, would stop there), or when a group of
// five stands for more than 32 bits ("%nSc0" is the largest).
func Z85Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("z85 decode: %w: empty text", ErrInvalid)
	}
	b, err := zmtp.AppendZ85Decode(make([]byte, 0, zmtp.Z85DecodedLen(len(s))), []byte(s))
	if err != nil {
		return nil, z85Invalid("z85 decode", err)
	}
	return b, nil
}

// z85Invalid turns an error of zmtp's Z85 decoder into ErrInvalid, keeping
// its reason but not its package's prefix.
func z85Invalid(op string, err error) error {
	why := strings.TrimPrefix(err.Error(), zmtp.ErrZ85.Error()+": ")
	return fmt.Errorf("%s: %w: %s", op, ErrInvalid, why)
}

// CurveKeypair makes a new CURVE key pair from crypto/rand and returns both
// keys as 40-character Z85 text, as libzmq's zmq_curve_keypair does. The
// secret is 32 random bytes; the public key is CurvePublic of it. An error
// means the system's random source failed.
func CurveKeypair() (public, secret string, err error) {
	pub, sec, err := zmtp.CurveKeypair(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("curve keypair: %w", err)
	}
	return string(zmtp.AppendZ85(nil, pub[:])), string(zmtp.AppendZ85(nil, sec[:])), nil
}

// CurvePublic returns the public key of a CURVE secret key, both as
// 40-character Z85 text, as libzmq's zmq_curve_public does. The error is
// ErrInvalid when secret is not 40 characters of valid Z85. (libzmq takes
// any length and overruns its 32-byte buffer on longer text; we refuse.)
func CurvePublic(secret string) (string, error) {
	if len(secret) != z85KeyLen {
		return "", fmt.Errorf("curve public: %w: secret key of %d characters, want %d", ErrInvalid, len(secret), z85KeyLen)
	}
	var buf [32]byte
	if _, err := zmtp.AppendZ85Decode(buf[:0], []byte(secret)); err != nil {
		return "", z85Invalid("curve public", err)
	}
	pub := zmtp.CurvePublic(buf)
	return string(zmtp.AppendZ85(nil, pub[:])), nil
}
