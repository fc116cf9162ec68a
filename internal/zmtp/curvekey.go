package zmtp

import (
	"fmt"
	"io"

	"golang.org/x/crypto/curve25519"
)

// CURVE's long-term keys (RFC 26) are Curve25519 key pairs as NaCl's
// crypto_box makes them: the secret key is 32 random bytes, kept as drawn,
// and the public key is X25519 of the secret with the base point (the
// scalar is clamped inside X25519, not in the stored secret). These are
// what libzmq 4.3.4's zmq_curve_keypair and zmq_curve_public compute through
// libsodium or tweetnacl, before they write the keys in Z85.

// CurvePublic returns the public key of a CURVE secret key, as libzmq's
// zmq_curve_public does (there with both keys in Z85). Every 32 bytes are a
// valid secret.
func CurvePublic(secret [32]byte) [32]byte {
	pub, err := curve25519.X25519(secret[:], curve25519.Basepoint)
	if err != nil {
		// X25519 fails only when the result is the all-zero point, which a
		// clamped scalar times the base point never is.
		panic("zmtp: X25519 with the base point failed: " + err.Error())
	}
	return [32]byte(pub)
}

// CurveKeypair makes a new CURVE key pair, as libzmq's zmq_curve_keypair
// does: the secret is 32 bytes read from rand (crypto/rand.Reader unless a
// test needs the same keys every time), the public key CurvePublic of it.
// An error wraps rand's, when it cannot give 32 bytes.
func CurveKeypair(rand io.Reader) (public, secret [32]byte, err error) {
	if _, err := io.ReadFull(rand, secret[:]); err != nil {
		return public, [32]byte{}, fmt.Errorf("zmtp: CURVE key pair: reading the secret: %w", err)
	}
	return CurvePublic(secret), secret, nil
}
