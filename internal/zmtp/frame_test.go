package zmtp

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestAppendFrameHeader(t *testing.T) {
	tests := []struct {
		name  string
		flags byte
		size  int
		want  []byte
	}{
		{"empty last frame", 0, 0, []byte{0x00, 0x00}},
		{"more", FlagMore, 5, []byte{0x01, 0x05}},
		{"command", FlagCommand, 255, []byte{0x04, 0xFF}},
		{"long", 0, 256, []byte{0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x00}},
		{"long more", FlagMore, 1 << 40, []byte{0x03, 0, 0, 0x01, 0, 0, 0, 0, 0}},
		{"long command", FlagCommand, 70000, []byte{0x06, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70}},
		{"FlagLong from the caller is ignored", FlagLong, 3, []byte{0x00, 0x03}},
		{"reserved bits from the caller are ignored", 0xF9, 1, []byte{0x01, 0x01}},
		{"largest size", 0, math.MaxInt, []byte{0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendFrameHeader([]byte{0xAA}, tt.flags, tt.size)
			if !bytes.Equal(got, append([]byte{0xAA}, tt.want...)) {
				t.Errorf("AppendFrameHeader(%#x, %d) = %x, want aa%x", tt.flags, tt.size, got, tt.want)
			}
		})
	}
}

func TestAppendFrameHeaderNegativeSizePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AppendFrameHeader with size -1 did not panic")
		}
	}()
	AppendFrameHeader(nil, 0, -1)
}

func TestParseFrameHeader(t *testing.T) {
	long := func(flags byte, size uint64) []byte {
		b := []byte{flags, 0, 0, 0, 0, 0, 0, 0, 0}
		for i := 0; i < 8; i++ {
			b[8-i] = byte(size >> (8 * i))
		}
		return b
	}
	tests := []struct {
		name      string
		in        []byte
		max       int64
		wantFlags byte
		wantSize  int
		wantN     int
		wantErr   error
	}{
		{"empty: need more", nil, -1, 0, 0, 0, nil},
		{"short flags only: need more", []byte{0x00}, -1, 0, 0, 0, nil},
		{"short", []byte{0x00, 0x05, 'h'}, -1, 0, 5, 2, nil},
		{"short more", []byte{0x01, 0x00}, -1, FlagMore, 0, 2, nil},
		{"short command", []byte{0x04, 0xFF}, -1, FlagCommand, 255, 2, nil},
		{"long: need more", long(0x02, 300)[:8], -1, 0, 0, 0, nil},
		{"long", long(0x02, 300), -1, 0, 300, 9, nil},
		{"long more, FlagLong cleared", long(0x03, 1<<33), -1, FlagMore, 1 << 33, 9, nil},
		{"long command", long(0x06, 256), -1, FlagCommand, 256, 9, nil},
		{"long form of a small size is fine", long(0x02, 3), -1, 0, 3, 9, nil},
		{"largest legal size, no limit", long(0x02, math.MaxInt64), -1, 0, math.MaxInt64, 9, nil},
		{"size equal to limit", []byte{0x00, 10}, 10, 0, 10, 2, nil},
		{"limit 0, empty frame", []byte{0x00, 0}, 0, 0, 0, 2, nil},

		{"reserved bit 3", []byte{0x08, 0x00}, -1, 0, 0, 0, ErrMalformed},
		{"reserved bit 7, flags byte only", []byte{0x80}, -1, 0, 0, 0, ErrMalformed},
		{"all flags", []byte{0xFF}, -1, 0, 0, 0, ErrMalformed},
		{"command with MORE", []byte{0x05, 0x00}, -1, 0, 0, 0, ErrMalformed},
		{"long command with MORE", []byte{0x07}, -1, 0, 0, 0, ErrMalformed},
		{"long size with top bit set", long(0x02, 1<<63), -1, 0, 0, 0, ErrMalformed},
		{"long size all ones", long(0x02, math.MaxUint64), -1, 0, 0, 0, ErrMalformed},
		{"short over limit", []byte{0x00, 11}, 10, 0, 0, 0, ErrTooLarge},
		{"long over limit", long(0x02, 65537), 65536, 0, 0, 0, ErrTooLarge},
		{"limit 0", []byte{0x00, 1}, 0, 0, 0, 0, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags, size, n, err := ParseFrameHeader(tt.in, tt.max)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseFrameHeader(%x, %d) error = %v, want %v", tt.in, tt.max, err, tt.wantErr)
			}
			if flags != tt.wantFlags || size != tt.wantSize || n != tt.wantN {
				t.Errorf("ParseFrameHeader(%x, %d) = flags %#x size %d n %d, want %#x %d %d",
					tt.in, tt.max, flags, size, n, tt.wantFlags, tt.wantSize, tt.wantN)
			}
		})
	}
}

func TestFrameHeaderRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 254, 255, 256, 65535, 65536, 1 << 31, math.MaxInt} {
		for _, flags := range []byte{0, FlagMore, FlagCommand} {
			b := AppendFrameHeader(nil, flags, size)
			// Every proper prefix asks for more.
			for i := 0; i < len(b); i++ {
				if _, _, n, err := ParseFrameHeader(b[:i], -1); n != 0 || err != nil {
					t.Fatalf("size %d flags %#x: prefix of %d bytes gave n %d err %v", size, flags, i, n, err)
				}
			}
			gotFlags, gotSize, n, err := ParseFrameHeader(b, -1)
			if err != nil || gotFlags != flags || gotSize != size || n != len(b) {
				t.Errorf("size %d flags %#x: got flags %#x size %d n %d err %v", size, flags, gotFlags, gotSize, n, err)
			}
		}
	}
}

func TestFrameHeaderAllocs(t *testing.T) {
	buf := make([]byte, 0, 16)
	hdr := AppendFrameHeader(nil, FlagMore, 1000)
	if n := testing.AllocsPerRun(100, func() {
		buf = AppendFrameHeader(buf[:0], FlagMore, 1000)
		ParseFrameHeader(hdr, 1<<20)
	}); n != 0 {
		t.Errorf("frame header append+parse allocates %v times", n)
	}
}

func BenchmarkParseFrameHeader(b *testing.B) {
	short := AppendFrameHeader(nil, FlagMore, 64)
	long := AppendFrameHeader(nil, 0, 1<<20)
	b.Run("short", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, n, err := ParseFrameHeader(short, 1<<30); n != 2 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("long", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, n, err := ParseFrameHeader(long, 1<<30); n != 9 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
}

func BenchmarkAppendFrameHeader(b *testing.B) {
	buf := make([]byte, 0, 16)
	b.Run("short", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendFrameHeader(buf[:0], FlagMore, 64)
		}
	})
	b.Run("long", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendFrameHeader(buf[:0], 0, 1<<20)
		}
	})
}
