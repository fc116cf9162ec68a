package interop

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zring/zring"
)

// z85Alphabet is RFC 32's alphabet, digit 0 first.
const z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

func newRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, 0x85))
}

// TestZ85EncodeLikeLibzmq: for random data of every length from 0 to 257
// bytes, zring's Z85Encode writes what zmq_z85_encode writes, each side
// decodes the other's text, and both refuse a length that is not a multiple
// of 4 with EINVAL.
func TestZ85EncodeLikeLibzmq(t *testing.T) {
	r := newRand(t)
	for n := 0; n <= 257; n++ {
		for range 8 {
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			want, cerr := libzmqZ85Encode(data)
			got, gerr := zring.Z85Encode(data)
			if n%4 != 0 {
				if !errors.Is(cerr, syscall.EINVAL) || !errors.Is(gerr, zring.ErrInvalid) {
					t.Fatalf("%d bytes: libzmq %v, zring %v; want EINVAL from both", n, cerr, gerr)
				}
				continue
			}
			if cerr != nil || gerr != nil || got != want {
				t.Fatalf("encode %x:\nlibzmq %q, %v\nzring  %q, %v", data, want, cerr, got, gerr)
			}
			if n == 0 {
				// Both encode nothing to "", and both refuse to decode "".
				if _, err := libzmqZ85Decode(""); !errors.Is(err, syscall.EINVAL) {
					t.Fatalf("libzmq decodes \"\": %v", err)
				}
				if _, err := zring.Z85Decode(""); !errors.Is(err, zring.ErrInvalid) {
					t.Fatalf("zring decodes \"\": %v", err)
				}
				continue
			}
			if back, err := zring.Z85Decode(want); err != nil || !bytes.Equal(back, data) {
				t.Fatalf("zring decodes libzmq's %q to %x, %v; want %x", want, back, err, data)
			}
			if back, err := libzmqZ85Decode(got); err != nil || !bytes.Equal(back, data) {
				t.Fatalf("libzmq decodes zring's %q to %x, %v; want %x", got, back, err, data)
			}
		}
	}
}

// z85DecodeBoth decodes s with libzmq and zring and fails the test unless
// they agree: the same bytes, or EINVAL from both.
func z85DecodeBoth(t *testing.T, s string) (ok bool) {
	t.Helper()
	want, cerr := libzmqZ85Decode(s)
	got, gerr := zring.Z85Decode(s)
	switch {
	case cerr != nil && gerr != nil:
		if !errors.Is(cerr, syscall.EINVAL) || !errors.Is(gerr, zring.ErrInvalid) {
			t.Fatalf("decode %q: libzmq %v, zring %v; want EINVAL from both", s, cerr, gerr)
		}
		return false
	case cerr != nil || gerr != nil || !bytes.Equal(got, want):
		t.Fatalf("decode %q:\nlibzmq %x, %v\nzring  %x, %v", s, want, cerr, got, gerr)
	}
	return true
}

// TestZ85DecodeLikeLibzmq: zring's Z85Decode takes and refuses the same
// text as zmq_z85_decode and gives the same bytes.
func TestZ85DecodeLikeLibzmq(t *testing.T) {
	t.Run("every byte in every place of a group", func(t *testing.T) {
		accepted := 0
		for c := 1; c < 256; c++ { // not NUL: see TestZ85DecodeNUL
			for at := range 5 {
				g := []byte("00000")
				g[at] = byte(c)
				if z85DecodeBoth(t, string(g)) {
					accepted++
				}
			}
		}
		// Each of the 85 characters in each place, but for "$0000" and
		// "#0000": a first digit of 83 or 84 is over 32 bits whatever follows.
		if accepted != 85*5-2 {
			t.Fatalf("%d of 255*5 groups accepted, want 85*5-2", accepted)
		}
	})
	t.Run("around 2^32", func(t *testing.T) {
		// Every group whose first digits are those of "%nSc0" (0xFFFFFFFF)
		// and whose last ones run through the alphabet: the groups at the
		// edge of libzmq's overflow checks.
		for _, prefix := range []string{"", "%", "%n", "%nS", "%nSc", "$", "#", "%o", "%nT", "%nSd"} {
			for _, c := range z85Alphabet {
				s := prefix + string(c)
				s += strings.Repeat("0", 5-len(s))
				z85DecodeBoth(t, s)
				z85DecodeBoth(t, "HelloWorld"+s)
				if len(prefix) == 4 {
					continue
				}
				s = prefix + string(c)
				s += strings.Repeat("#", 5-len(s))
				z85DecodeBoth(t, s)
			}
		}
	})
	t.Run("random text", func(t *testing.T) {
		r := newRand(t)
		// Mostly alphabet, a few bytes outside it, first digits often large
		// enough to overflow; lengths 0 to 50, most of them multiples of 5.
		accepted, refused := 0, 0
		for range 20000 {
			n := 5 * r.IntN(11)
			if r.IntN(10) == 0 {
				n = r.IntN(51)
			}
			b := make([]byte, n)
			for i := range b {
				switch {
				case r.IntN(200) == 0:
					b[i] = byte(1 + r.IntN(255))
				case i%5 == 0 && r.IntN(2) == 0:
					b[i] = z85Alphabet[80+r.IntN(5)]
				default:
					b[i] = z85Alphabet[r.IntN(85)]
				}
			}
			if z85DecodeBoth(t, string(b)) {
				accepted++
			} else {
				refused++
			}
		}
		t.Logf("%d accepted, %d refused", accepted, refused)
		if accepted < 1000 || refused < 1000 {
			t.Fatalf("%d accepted, %d refused: the mix does not test both", accepted, refused)
		}
	})
}

// TestZ85DecodeNUL documents the one difference on purpose: libzmq reads
// a C string and stops at a NUL, so it decodes the text before it; Go
// strings hold NULs, and zring refuses one like any byte outside the
// alphabet rather than drop what follows.
func TestZ85DecodeNUL(t *testing.T) {
	s := "HelloWorld\x00tail!"
	got, err := libzmqZ85Decode(s)
	if err != nil || !bytes.Equal(got, []byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B}) {
		t.Fatalf("libzmq decodes %q to %x, %v; want HelloWorld's bytes", s, got, err)
	}
	if _, err := zring.Z85Decode(s); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("zring decodes %q: %v; want EINVAL", s, err)
	}
}

// TestCurveKeysLikeLibzmq: the two sides derive the same public key from a
// secret, whichever made the pair.
func TestCurveKeysLikeLibzmq(t *testing.T) {
	r := newRand(t)
	for range 200 {
		// A zring pair: libzmq's zmq_curve_public of its secret is its public.
		pub, sec, err := zring.CurveKeypair()
		if err != nil {
			t.Fatal(err)
		}
		if got, err := libzmqCurvePublic(sec); err != nil || got != pub {
			t.Fatalf("zring pair %q/%q: libzmq derives %q, %v", pub, sec, got, err)
		}

		// A libzmq pair: zring's CurvePublic of its secret is its public.
		cpub, csec, err := libzmqCurveKeypair()
		if err != nil {
			t.Fatalf("zmq_curve_keypair: %v (libzmq built without CURVE?)", err)
		}
		if got, err := zring.CurvePublic(csec); err != nil || got != cpub {
			t.Fatalf("libzmq pair %q/%q: zring derives %q, %v", cpub, csec, got, err)
		}

		// Any 32 bytes, clamped or not: both derive the same public key.
		raw := make([]byte, 32)
		for i := range raw {
			raw[i] = byte(r.Uint32())
		}
		secret, _ := zring.Z85Encode(raw)
		want, cerr := libzmqCurvePublic(secret)
		got, gerr := zring.CurvePublic(secret)
		if cerr != nil || gerr != nil || got != want {
			t.Fatalf("secret %x: libzmq %q, %v; zring %q, %v", raw, want, cerr, got, gerr)
		}
	}
}

// TestCurvePublicRefusalsLikeLibzmq: a 40-character secret that is not
// Z85 is EINVAL for both. (Other lengths are not tried on libzmq, which
// writes past its 32-byte buffer when the text is longer.)
func TestCurvePublicRefusalsLikeLibzmq(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("0", 39) + "~",
		strings.Repeat("0", 35) + "%nSc1",
		"#####" + strings.Repeat("0", 35),
		strings.Repeat("0", 20) + "'" + strings.Repeat("0", 19),
	} {
		_, cerr := libzmqCurvePublic(s)
		_, gerr := zring.CurvePublic(s)
		if !errors.Is(cerr, syscall.EINVAL) || !errors.Is(gerr, zring.ErrInvalid) {
			t.Errorf("secret %q: libzmq %v, zring %v; want EINVAL from both", s, cerr, gerr)
		}
	}
}
