package zmq4

import "github.com/zring/zring"

// Z85encode returns the Z85 text (RFC 32) of data, whose length must be a
// multiple of 4; for any other length it returns "", as zmq_z85_encode
// returns NULL.
func Z85encode(data string) string {
	s, err := zring.Z85Encode([]byte(data))
	if err != nil {
		return ""
	}
	return s
}

// Z85decode returns the bytes the Z85 text s stands for, or "" if s is not
// Z85 (a length that is not a multiple of 5, a character outside the
// alphabet, a group over 32 bits), as zmq_z85_decode returns NULL.
func Z85decode(s string) string {
	b, err := zring.Z85Decode(s)
	if err != nil {
		return ""
	}
	return string(b)
}

// NewCurveKeypair makes a CURVE key pair (zmq_curve_keypair), both keys in
// Z85 (40 characters). An error means the system's random source failed.
func NewCurveKeypair() (z85_public_key, z85_secret_key string, err error) {
	return zring.CurveKeypair()
}

// AuthCurvePublic returns the public key of a CURVE secret key, both in
// Z85 (zmq_curve_public). A secret key that is not 40 characters of Z85 is
// EINVAL.
func AuthCurvePublic(z85SecretKey string) (z85PublicKey string, err error) {
	pub, err := zring.CurvePublic(z85SecretKey)
	return pub, bare(err)
}
