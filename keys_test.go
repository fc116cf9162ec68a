package zring_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/zring/zring"
)

func TestZ85Encode(t *testing.T) {
	cases := []struct {
		name, hex, text, err string
	}{
		// zmq_z85_encode(3): "The function shall encode the binary block
		// specified by data and size into a string in dest."
		{"RFC 32 test case", "864fd26fb559f75b", "HelloWorld", ""},
		{"empty", "", "", ""},
		{"a CURVE key", "54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", ""},
		// "The size of the binary block must be divisible by 4."
		{"1 byte", "00", "", "z85 encode: invalid argument: length 1 is not a multiple of 4"},
		{"5 bytes", "0102030405", "", "z85 encode: invalid argument: length 5 is not a multiple of 4"},
		{"42 bytes", strings.Repeat("ab", 42), "", "z85 encode: invalid argument: length 42 is not a multiple of 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, _ := hex.DecodeString(c.hex)
			got, err := zring.Z85Encode(data)
			if c.err != "" {
				if !errors.Is(err, zring.ErrInvalid) || !errors.Is(err, syscall.EINVAL) || err.Error() != c.err {
					t.Fatalf("Z85Encode(%s) = %q, %v; want EINVAL %q", c.hex, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.text {
				t.Fatalf("Z85Encode(%s) = %q, %v; want %q", c.hex, got, err, c.text)
			}
		})
	}
}

func TestZ85Decode(t *testing.T) {
	cases := []struct {
		name, text, hex, err string
	}{
		{"RFC 32 test case", "HelloWorld", "864fd26fb559f75b", ""},
		{"largest group", "%nSc0", "ffffffff", ""},
		{"a CURVE key", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6", "8e0bdd697628b91d8f245587ee95c5b04d48963f79259877b49cd9063aead3b7", ""},
		// zmq_z85_decode(3): "The length of string shall be divisible by 5."
		// libzmq also refuses the empty string (fewer than 5 characters).
		{"empty", "", "", "z85 decode: invalid argument: empty text"},
		{"one character", "0", "", "z85 decode: invalid argument: length 1 is not a multiple of 5"},
		{"eight characters", "01234567", "", "z85 decode: invalid argument: length 8 is not a multiple of 5"},
		// "The encoding shall follow the ZMQ RFC 32 specification": its
		// alphabet, and groups that stand for at most 32 bits.
		{"quote", "0000'", "", "z85 decode: invalid argument: byte 0x27 at offset 4 is not in the alphabet"},
		{"tilde", "~0000", "", "z85 decode: invalid argument: byte 0x7e at offset 0 is not in the alphabet"},
		{"NUL", "HelloWorld\x00abcd", "", "z85 decode: invalid argument: byte 0x00 at offset 10 is not in the alphabet"},
		{"non-ASCII", "0000\xff", "", "z85 decode: invalid argument: byte 0xff at offset 4 is not in the alphabet"},
		{"over 32 bits", "%nSc1", "", "z85 decode: invalid argument: group \"%nSc1\" at offset 0 is over 32 bits"},
		{"largest digits", "Hello#####", "", "z85 decode: invalid argument: group \"#####\" at offset 5 is over 32 bits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := zring.Z85Decode(c.text)
			if c.err != "" {
				if !errors.Is(err, zring.ErrInvalid) || err.Error() != c.err || got != nil {
					t.Fatalf("Z85Decode(%q) = %x, %v; want EINVAL %q", c.text, got, err, c.err)
				}
				return
			}
			want, _ := hex.DecodeString(c.hex)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Z85Decode(%q) = %x, %v; want %s", c.text, got, err, c.hex)
			}
		})
	}
}

func TestCurvePublic(t *testing.T) {
	cases := []struct {
		name, secret, public, err string
	}{
		// The key pairs of libzmq's zmq_curve(7) page.
		{"zmq_curve(7) server", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", ""},
		{"zmq_curve(7) client", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", ""},
		// zmq_curve_public(3): "In z85_secret_key the caller shall provide
		// the private key", a 40-character Z85 key.
		{"empty", "", "", "curve public: invalid argument: secret key of 0 characters, want 40"},
		{"35 characters", strings.Repeat("0", 35), "", "curve public: invalid argument: secret key of 35 characters, want 40"},
		{"45 characters", strings.Repeat("0", 45), "", "curve public: invalid argument: secret key of 45 characters, want 40"},
		{"bad character", strings.Repeat("0", 39) + "~", "", "curve public: invalid argument: byte 0x7e at offset 39 is not in the alphabet"},
		{"over 32 bits", strings.Repeat("0", 35) + "#####", "", "curve public: invalid argument: group \"#####\" at offset 35 is over 32 bits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := zring.CurvePublic(c.secret)
			if c.err != "" {
				if !errors.Is(err, zring.ErrInvalid) || err.Error() != c.err {
					t.Fatalf("CurvePublic(%q) = %q, %v; want EINVAL %q", c.secret, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.public {
				t.Fatalf("CurvePublic(%q) = %q, %v; want %q", c.secret, got, err, c.public)
			}
		})
	}
}

func TestCurveKeypair(t *testing.T) {
	// zmq_curve_keypair(3): "the function shall return a newly generated
	// random keypair consisting of a public key and a secret key. The keys
	// are encoded using zmq_z85_encode(3)."
	seen := map[string]bool{}
	for range 10 {
		public, secret, err := zring.CurveKeypair()
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 40 || len(secret) != 40 || public == secret {
			t.Fatalf("keys %q %q", public, secret)
		}
		for _, k := range []string{public, secret} {
			if b, err := zring.Z85Decode(k); err != nil || len(b) != 32 {
				t.Fatalf("key %q decodes to %d bytes, %v", k, len(b), err)
			}
		}
		// zmq_curve_public(3)'s example: the derived public key is the
		// keypair's.
		if derived, err := zring.CurvePublic(secret); err != nil || derived != public {
			t.Fatalf("CurvePublic(%q) = %q, %v; want %q", secret, derived, err, public)
		}
		if seen[secret] {
			t.Fatalf("secret %q twice", secret)
		}
		seen[secret] = true
	}
}
