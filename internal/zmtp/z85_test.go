package zmtp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// z85Vectors hold in both directions.
var z85Vectors = []struct {
	name, hex, text string
}{
	{"RFC 32 test case", "864fd26fb559f75b", "HelloWorld"},
	{"empty", "", ""},
	{"zero", "00000000", "00000"},
	{"largest group", "ffffffff", "%nSc0"},
	{"digit 84 last", "00000054", "0000#"},
	{"85^4", "031c84b1", "10000"},
	// The example keys of libzmq's zmq_curve(7) page (RFC 26's test keys),
	// which it prints in hex and in Z85.
	{"zmq_curve(7) client public", "bb88471d65e2659b30c55a5321cebb5aab2b70a398645c26dca2b2fcb43fc518", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"},
	{"zmq_curve(7) client secret", "7bb864b489afa3671fbe69101f94b38972f24816dfb01b51656b3fec8dfd0888", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"},
	{"zmq_curve(7) server public", "54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"},
	{"zmq_curve(7) server secret", "8e0bdd697628b91d8f245587ee95c5b04d48963f79259877b49cd9063aead3b7", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"},
}

func TestAppendZ85(t *testing.T) {
	for _, v := range z85Vectors {
		t.Run(v.name, func(t *testing.T) {
			if got := AppendZ85(nil, mustHex(t, v.hex)); string(got) != v.text {
				t.Errorf("AppendZ85(%s) = %q, want %q", v.hex, got, v.text)
			}
			// It appends: what dst held stays in front.
			if got := AppendZ85([]byte("key="), mustHex(t, v.hex)); string(got) != "key="+v.text {
				t.Errorf("AppendZ85(\"key=\", %s) = %q", v.hex, got)
			}
			if n := Z85EncodedLen(len(v.hex) / 2); n != len(v.text) {
				t.Errorf("Z85EncodedLen(%d) = %d, want %d", len(v.hex)/2, n, len(v.text))
			}
		})
	}
}

func TestAppendZ85Decode(t *testing.T) {
	for _, v := range z85Vectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := AppendZ85Decode(nil, []byte(v.text))
			if err != nil || !bytes.Equal(got, mustHex(t, v.hex)) {
				t.Errorf("AppendZ85Decode(%q) = %x, %v; want %s", v.text, got, err, v.hex)
			}
			got, err = AppendZ85Decode([]byte{0xAA}, []byte(v.text))
			if err != nil || !bytes.Equal(got, append([]byte{0xAA}, mustHex(t, v.hex)...)) {
				t.Errorf("AppendZ85Decode(0xAA, %q) = %x, %v", v.text, got, err)
			}
			if n := Z85DecodedLen(len(v.text)); n != len(v.hex)/2 {
				t.Errorf("Z85DecodedLen(%d) = %d, want %d", len(v.text), n, len(v.hex)/2)
			}
		})
	}
}

func TestAppendZ85DecodeErrors(t *testing.T) {
	cases := []struct {
		name, text, why string
	}{
		// "The string frame SHALL have a length that is divisible by 5."
		{"one character", "0", "length 1 is not a multiple of 5"},
		{"eight characters", "01234567", "length 8 is not a multiple of 5"},
		{"a group and a bit", "HelloWorld!", "length 11 is not a multiple of 5"},
		// Groups over 32 bits, which libzmq 4.3.4 refuses too.
		{"just over 2^32-1", "%nSc1", "group \"%nSc1\" at offset 0 is over 32 bits"},
		{"largest digits", "#####", "group \"#####\" at offset 0 is over 32 bits"},
		{"second group over", "00000%nScz", "group \"%nScz\" at offset 5 is over 32 bits"},
		{"first digit 83", "$0000", "group \"$0000\" at offset 0 is over 32 bits"},
		// Characters outside the alphabet: the nine printable ones RFC 32
		// leaves out, space, and bytes outside printable ASCII.
		{"double quote", "0000\"", "byte 0x22 at offset 4 is not in the alphabet"},
		{"single quote", "'0000", "byte 0x27 at offset 0 is not in the alphabet"},
		{"comma", "00,00", "byte 0x2c at offset 2 is not in the alphabet"},
		{"semicolon", "000;0", "byte 0x3b at offset 3 is not in the alphabet"},
		{"backslash", "0\\000", "byte 0x5c at offset 1 is not in the alphabet"},
		{"underscore", "0000_", "byte 0x5f at offset 4 is not in the alphabet"},
		{"backquote", "0000`", "byte 0x60 at offset 4 is not in the alphabet"},
		{"bar", "0000|", "byte 0x7c at offset 4 is not in the alphabet"},
		{"tilde", "00000~0000", "byte 0x7e at offset 5 is not in the alphabet"},
		{"space", "0000 ", "byte 0x20 at offset 4 is not in the alphabet"},
		{"NUL, where C would stop", "00000\x000000", "byte 0x00 at offset 5 is not in the alphabet"},
		{"below the printable range", "0000\x1f", "byte 0x1f at offset 4 is not in the alphabet"},
		{"DEL", "0000\x7f", "byte 0x7f at offset 4 is not in the alphabet"},
		{"above ASCII", "0000\x80", "byte 0x80 at offset 4 is not in the alphabet"},
		{"0xFF", "0000\xff", "byte 0xff at offset 4 is not in the alphabet"},
		{"UTF-8", "000é", "byte 0xc3 at offset 3 is not in the alphabet"},
		// A bad character is reported even in a group that would overflow.
		{"bad character after overflow digits", "####~", "byte 0x7e at offset 4 is not in the alphabet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := make([]byte, 2, 64)
			got, err := AppendZ85Decode(dst, []byte(c.text))
			if !errors.Is(err, ErrZ85) {
				t.Fatalf("AppendZ85Decode(%q) error %v, want ErrZ85", c.text, err)
			}
			if want := "zmtp: invalid Z85 text: " + c.why; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if len(got) != 2 || &got[0] != &dst[0] {
				t.Errorf("on error it returned %d bytes, not dst as it was", len(got))
			}
		})
	}
}

// TestZ85Alphabet checks the decoding table against RFC 32's list: each of
// the 85 characters decodes to its position, and the other 171 bytes fail.
func TestZ85Alphabet(t *testing.T) {
	if len(z85Alphabet) != 85 {
		t.Fatalf("alphabet of %d characters", len(z85Alphabet))
	}
	for c := range 256 {
		text := []byte{'0', '0', '0', '0', byte(c)}
		got, err := AppendZ85Decode(nil, text)
		d := strings.IndexByte(z85Alphabet, byte(c))
		if d < 0 {
			if err == nil {
				t.Errorf("byte %#x decoded to %x", c, got)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, []byte{0, 0, 0, byte(d)}) {
			t.Errorf("byte %q decoded to %x, %v; want digit %d", byte(c), got, err, d)
		}
	}
}

func TestAppendZ85PanicsOnBadLength(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 31, 33} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendZ85 of %d bytes did not panic", n)
				}
			}()
			AppendZ85(nil, make([]byte, n))
		}()
	}
}

func TestZ85RoundTrip(t *testing.T) {
	// Every length from 0 to 64 bytes, with bytes that reach both ends of
	// each group's range.
	for n := 0; n <= 64; n += 4 {
		for _, fill := range []func(i int) byte{
			func(int) byte { return 0x00 },
			func(int) byte { return 0xFF },
			func(i int) byte { return byte(i*167 + 13) },
		} {
			src := make([]byte, n)
			for i := range src {
				src[i] = fill(i)
			}
			text := AppendZ85(nil, src)
			if len(text) != Z85EncodedLen(n) {
				t.Fatalf("%d bytes gave %d characters", n, len(text))
			}
			back, err := AppendZ85Decode(nil, text)
			if err != nil || !bytes.Equal(back, src) {
				t.Fatalf("round trip of %x: %q -> %x, %v", src, text, back, err)
			}
		}
	}
}

func TestZ85AllocatesNothing(t *testing.T) {
	key := mustHex(t, z85Vectors[len(z85Vectors)-1].hex)
	text := make([]byte, 0, 40)
	bin := make([]byte, 0, 32)
	if n := testing.AllocsPerRun(100, func() { text = AppendZ85(text[:0], key) }); n != 0 {
		t.Errorf("AppendZ85 into a large enough dst: %v allocations", n)
	}
	if n := testing.AllocsPerRun(100, func() { bin, _ = AppendZ85Decode(bin[:0], text) }); n != 0 {
		t.Errorf("AppendZ85Decode into a large enough dst: %v allocations", n)
	}
}

// FuzzZ85: decoding never panics, its errors are ErrZ85 and leave dst alone,
// and whatever decodes encodes back to the very same text (Z85 has one text
// per value). Seeds are also in testdata/fuzz/FuzzZ85/.
func FuzzZ85(f *testing.F) {
	f.Add("HelloWorld")
	f.Add("%nSc0")
	f.Add("%nSc1")
	f.Add("0000~")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		dst := []byte("prefix")
		got, err := AppendZ85Decode(dst, []byte(text))
		if err != nil {
			if !errors.Is(err, ErrZ85) {
				t.Fatalf("error %v is not ErrZ85", err)
			}
			if string(got) != "prefix" {
				t.Fatalf("on error dst became %q", got)
			}
			return
		}
		bin := got[len("prefix"):]
		if len(bin) != Z85DecodedLen(len(text)) {
			t.Fatalf("%d characters decoded to %d bytes", len(text), len(bin))
		}
		if again := AppendZ85(nil, bin); string(again) != text {
			t.Fatalf("%q decoded to %x, which encodes to %q", text, bin, again)
		}
	})
}

func BenchmarkZ85(b *testing.B) {
	for _, size := range []int{32, 4096} {
		src := make([]byte, size)
		for i := range src {
			src[i] = byte(i * 131)
		}
		text := AppendZ85(nil, src)
		b.Run("AppendZ85/"+strconv.Itoa(size), func(b *testing.B) {
			dst := make([]byte, 0, len(text))
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendZ85(dst[:0], src)
			}
		})
		b.Run("AppendZ85Decode/"+strconv.Itoa(size), func(b *testing.B) {
			dst := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				dst, _ = AppendZ85Decode(dst[:0], text)
			}
		})
	}
}
