package zmtp

import (
	"bytes"
	"errors"
	"testing"
)

// greetingBytes builds a greeting by hand, independently of Greeting.Append,
// and lets a test spoil any byte of it.
func greetingBytes(major, minor byte, mech string, asServer byte, spoil map[int]byte) []byte {
	b := make([]byte, GreetingSize)
	b[0], b[9], b[10], b[11] = 0xFF, 0x7F, major, minor
	copy(b[12:32], mech)
	b[32] = asServer
	for i, v := range spoil {
		b[i] = v
	}
	return b
}

func TestGreetingAppend(t *testing.T) {
	tests := []struct {
		name string
		g    Greeting
		want []byte
	}{
		{"NULL 3.1", Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}, greetingBytes(3, 1, "NULL", 0, nil)},
		{"CURVE as server", Greeting{Major: 3, Minor: 1, Mechanism: "CURVE", AsServer: true}, greetingBytes(3, 1, "CURVE", 1, nil)},
		{"mechanism cut at 20 bytes", Greeting{Major: 3, Minor: 0, Mechanism: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, greetingBytes(3, 0, "ABCDEFGHIJKLMNOPQRST", 0, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.g.Append([]byte("prefix"))
			if !bytes.Equal(got[:6], []byte("prefix")) {
				t.Fatalf("Append clobbered its prefix: %x", got[:6])
			}
			if !bytes.Equal(got[6:], tt.want) {
				t.Errorf("Append =\n%x\nwant\n%x", got[6:], tt.want)
			}
		})
	}
}

func TestParseGreeting(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    Greeting
		wantErr error
	}{
		{"NULL 3.1", greetingBytes(3, 1, "NULL", 0, nil), Greeting{3, 1, "NULL", false}, nil},
		{"ZMTP 3.0 peer", greetingBytes(3, 0, "NULL", 0, nil), Greeting{3, 0, "NULL", false}, nil},
		{"higher versions are accepted", greetingBytes(4, 7, "NULL", 0, nil), Greeting{4, 7, "NULL", false}, nil},
		{"PLAIN as server", greetingBytes(3, 1, "PLAIN", 1, nil), Greeting{3, 1, "PLAIN", true}, nil},
		{"full-width mechanism", greetingBytes(3, 1, "X-ABC_DEF.GHI+JKL-12", 0, nil), Greeting{3, 1, "X-ABC_DEF.GHI+JKL-12", false}, nil},
		{"padding is not significant (libzmq puts routing-id length there)", greetingBytes(3, 1, "NULL", 0, map[int]byte{1: 9, 8: 4}), Greeting{3, 1, "NULL", false}, nil},
		{"filler is not checked", greetingBytes(3, 1, "NULL", 0, map[int]byte{40: 1, 63: 0xFF}), Greeting{3, 1, "NULL", false}, nil},
		{"signature end byte only needs bit 0", greetingBytes(3, 1, "NULL", 0, map[int]byte{9: 0x01}), Greeting{3, 1, "NULL", false}, nil},
		{"longer input: only 64 bytes read", append(greetingBytes(3, 1, "NULL", 0, nil), 1, 2, 3), Greeting{3, 1, "NULL", false}, nil},

		{"empty", nil, Greeting{}, ErrMalformed},
		{"truncated", greetingBytes(3, 1, "NULL", 0, nil)[:63], Greeting{}, ErrMalformed},
		{"first byte not 0xFF", greetingBytes(3, 1, "NULL", 0, map[int]byte{0: 0x01}), Greeting{}, ErrSignature},
		{"tenth byte bit 0 clear (ZMTP 1.0)", greetingBytes(3, 1, "NULL", 0, map[int]byte{9: 0x7E}), Greeting{}, ErrSignature},
		{"bad signature wins over short input", []byte{0x00}, Greeting{}, ErrSignature},
		{"ZMTP 2.0", greetingBytes(1, 0, "NULL", 0, nil), Greeting{}, ErrVersion},
		{"ZMTP 2.x major 2", greetingBytes(2, 0, "NULL", 0, nil), Greeting{}, ErrVersion},
		{"major 0", greetingBytes(0, 0, "NULL", 0, nil), Greeting{}, ErrVersion},
		{"empty mechanism", greetingBytes(3, 1, "", 0, nil), Greeting{}, ErrMechanism},
		{"lower-case mechanism", greetingBytes(3, 1, "null", 0, nil), Greeting{}, ErrMechanism},
		{"space in mechanism", greetingBytes(3, 1, "NU LL", 0, nil), Greeting{}, ErrMechanism},
		{"bytes after the NUL padding starts", greetingBytes(3, 1, "NULL\x00X", 0, nil), Greeting{}, ErrMechanism},
		{"NUL first then name", greetingBytes(3, 1, "\x00NULL", 0, nil), Greeting{}, ErrMechanism},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGreeting(tt.in)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseGreeting error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseGreeting = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestGreetingRoundTrip(t *testing.T) {
	for _, g := range []Greeting{
		{3, 1, "NULL", false}, {3, 0, "PLAIN", true}, {3, 1, "CURVE", true}, {9, 255, "GSSAPI", false},
	} {
		b := g.Append(nil)
		if len(b) != GreetingSize {
			t.Fatalf("%+v: Append gave %d bytes", g, len(b))
		}
		got, err := ParseGreeting(b)
		if err != nil || got != g {
			t.Errorf("round trip of %+v = %+v, %v", g, got, err)
		}
	}
}

func TestParseGreetingAllocs(t *testing.T) {
	b := Greeting{3, 1, "NULL", false}.Append(nil)
	if n := testing.AllocsPerRun(100, func() { ParseGreeting(b) }); n != 0 {
		t.Errorf("ParseGreeting of a NULL greeting allocates %v times", n)
	}
}
