package zmtp

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

// Key pairs that libzmq 4.3.4 ships in Z85: the example keys of its
// zmq_curve(7) page (RFC 26's test keys, also used by tests/test_heartbeats)
// and the fixed keys of tests/test_bind_curve_fuzzer.
var curveKeyPairs = []struct {
	name, public, secret string
}{
	{"zmq_curve(7) client", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"},
	{"zmq_curve(7) server", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"},
	{"curve fuzzer client", "{{k*81)yMWEF{/BxdMd[5RL^qRFxBgoL<8m.D^KD", "N?Gmik8R[2ACw{b7*[-$S6[4}aO#?DB?#=<OQPc7"},
	{"curve fuzzer server", "3.9-xXwy{g*w72TP*3iB9IJJRxlBH<ufTAvPd2>C", "T}t5GLq%&Qm1)y3ywu-}pY3KEA//{^Ut!M1ut+B4"},
}

func z85Key(t *testing.T, text string) (k [32]byte) {
	t.Helper()
	b, err := AppendZ85Decode(nil, []byte(text))
	if err != nil || len(b) != 32 {
		t.Fatalf("key %q: %d bytes, %v", text, len(b), err)
	}
	return [32]byte(b)
}

func TestCurvePublicKnownPairs(t *testing.T) {
	for _, p := range curveKeyPairs {
		t.Run(p.name, func(t *testing.T) {
			pub := CurvePublic(z85Key(t, p.secret))
			if got := AppendZ85(nil, pub[:]); string(got) != p.public {
				t.Errorf("CurvePublic(%s) = %s, want %s", p.secret, got, p.public)
			}
		})
	}
}

func TestCurveKeypair(t *testing.T) {
	seen := map[[32]byte]bool{}
	for range 20 {
		public, secret, err := CurveKeypair(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if CurvePublic(secret) != public {
			t.Fatalf("public %x is not CurvePublic of secret %x", public, secret)
		}
		if seen[secret] {
			t.Fatalf("secret %x twice", secret)
		}
		seen[secret] = true
	}
}

func TestCurveKeypairKeepsSecretAsRead(t *testing.T) {
	// NaCl's crypto_box_keypair stores the random bytes unclamped; the
	// clamping happens inside X25519. So must we, or a secret written by
	// one side would not be the one the other side reads.
	raw := bytes.Repeat([]byte{0xFF}, 32)
	public, secret, err := CurveKeypair(bytes.NewReader(raw))
	if err != nil || !bytes.Equal(secret[:], raw) {
		t.Fatalf("secret %x, %v; want the bytes read", secret, err)
	}
	if public != CurvePublic(secret) {
		t.Fatal("public key is not CurvePublic of the secret")
	}
}

func TestCurveKeypairShortRand(t *testing.T) {
	cases := []struct {
		name string
		r    io.Reader
		want error
	}{
		{"empty", bytes.NewReader(nil), io.EOF},
		{"31 bytes", bytes.NewReader(make([]byte, 31)), io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		if _, _, err := CurveKeypair(c.r); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
}
