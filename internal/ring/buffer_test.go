package ring

import (
	"bytes"
	"testing"
)

func TestBuffer(t *testing.T) {
	// Each step is applied in order to one Buffer of capacity 16 and
	// followed by the expected unread bytes and writable tail length.
	type step struct {
		op       string // "write" (Free+copy+Commit), "consume", "grow", "reset"
		data     string // for write
		n        int    // for consume and grow
		unread   string
		freeLen  int // len(Free()) afterwards
		capacity int
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"write and consume", []step{
			{op: "write", data: "hello", unread: "hello", freeLen: 11, capacity: 16},
			{op: "consume", n: 2, unread: "llo", freeLen: 11, capacity: 16},
			{op: "consume", n: 3, unread: "", freeLen: 16, capacity: 16}, // empty: offsets reset
		}},
		{"full", []step{
			{op: "write", data: "0123456789abcdef", unread: "0123456789abcdef", freeLen: 0, capacity: 16},
		}},
		{"empty tail compacts", []step{
			{op: "write", data: "0123456789abcdef", unread: "0123456789abcdef", freeLen: 0, capacity: 16},
			{op: "consume", n: 1, unread: "123456789abcdef", freeLen: 1, capacity: 16},
			{op: "write", data: "g", unread: "123456789abcdefg", freeLen: 0, capacity: 16},
		}},
		{"small tail, little unread: compacts", []step{
			{op: "write", data: "0123456789abcd", unread: "0123456789abcd", freeLen: 2, capacity: 16},
			{op: "consume", n: 12, unread: "cd", freeLen: 14, capacity: 16},
		}},
		{"small tail, much unread: does not copy", []step{
			{op: "write", data: "0123456789abcd", unread: "0123456789abcd", freeLen: 2, capacity: 16},
			{op: "consume", n: 2, unread: "23456789abcd", freeLen: 2, capacity: 16},
		}},
		{"large tail: does not copy", []step{
			{op: "write", data: "0123", unread: "0123", freeLen: 12, capacity: 16},
			{op: "consume", n: 3, unread: "3", freeLen: 12, capacity: 16},
		}},
		{"grow by compacting", []step{
			{op: "write", data: "0123456789ab", unread: "0123456789ab", freeLen: 4, capacity: 16},
			{op: "consume", n: 4, unread: "456789ab", freeLen: 4, capacity: 16},
			{op: "grow", n: 8, unread: "456789ab", freeLen: 8, capacity: 16},
		}},
		{"grow by doubling", []step{
			{op: "write", data: "0123456789ab", unread: "0123456789ab", freeLen: 4, capacity: 16},
			{op: "grow", n: 10, unread: "0123456789ab", freeLen: 20, capacity: 32},
			{op: "grow", n: 100, unread: "0123456789ab", freeLen: 100, capacity: 112},
			{op: "grow", n: 5, unread: "0123456789ab", freeLen: 100, capacity: 112},
		}},
		{"reset", []step{
			{op: "write", data: "abc", unread: "abc", freeLen: 13, capacity: 16},
			{op: "reset", unread: "", freeLen: 16, capacity: 16},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuffer(16)
			for i, s := range tc.steps {
				switch s.op {
				case "write":
					f := b.Free()
					if len(f) < len(s.data) {
						t.Fatalf("step %d: Free has %d bytes, want %d", i, len(f), len(s.data))
					}
					b.Commit(copy(f, s.data))
				case "consume":
					b.Consume(s.n)
				case "grow":
					b.Grow(s.n)
				case "reset":
					b.Reset()
				}
				if got := string(b.Bytes()); got != s.unread || b.Len() != len(s.unread) {
					t.Fatalf("step %d (%s): Bytes %q, Len %d; want %q", i, s.op, got, b.Len(), s.unread)
				}
				if n := len(b.Free()); n != s.freeLen {
					t.Fatalf("step %d (%s): len(Free()) = %d, want %d", i, s.op, n, s.freeLen)
				}
				if string(b.Bytes()) != s.unread {
					t.Fatalf("step %d (%s): Free changed the unread bytes to %q", i, s.op, b.Bytes())
				}
				if c := len(b.buf); c != s.capacity {
					t.Fatalf("step %d (%s): capacity %d, want %d", i, s.op, c, s.capacity)
				}
			}
		})
	}
}

func TestBufferZeroValue(t *testing.T) {
	var b Buffer
	if b.Len() != 0 || len(b.Bytes()) != 0 {
		t.Fatal("zero Buffer not empty")
	}
	if n := len(b.Free()); n != defaultBufferSize {
		t.Fatalf("zero Buffer Free: %d bytes, want %d", n, defaultBufferSize)
	}
	var g Buffer
	g.Grow(20000)
	if n := len(g.Free()); n < 20000 {
		t.Fatalf("zero Buffer after Grow(20000): Free has %d bytes", n)
	}
	if n := len(NewBuffer(0).Free()); n != defaultBufferSize {
		t.Fatalf("NewBuffer(0): Free has %d bytes", n)
	}
}

func TestBufferPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(b *Buffer)
	}{
		{"Commit past the tail", func(b *Buffer) { b.Commit(17) }},
		{"Commit negative", func(b *Buffer) { b.Commit(-1) }},
		{"Consume past Len", func(b *Buffer) { b.Commit(3); b.Consume(4) }},
		{"Consume negative", func(b *Buffer) { b.Consume(-1) }},
		{"Grow negative", func(b *Buffer) { b.Grow(-1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tc.f(NewBuffer(16))
		})
	}
}

// TestBufferStream pushes a byte stream through a small Buffer in uneven
// reads and consumes, as a connection and a decoder would.
func TestBufferStream(t *testing.T) {
	src := make([]byte, 100000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	var out []byte
	b := NewBuffer(64)
	in := src
	for step := 0; len(in) > 0 || b.Len() > 0; step++ {
		if f := b.Free(); len(f) > 0 && len(in) > 0 {
			n := copy(f, in[:min(len(in), 1+step%50)])
			b.Commit(n)
			in = in[n:]
		}
		n := min(b.Len(), step%37)
		out = append(out, b.Bytes()[:n]...)
		b.Consume(n)
	}
	if !bytes.Equal(out, src) {
		t.Fatal("stream corrupted")
	}
}

// TestBufferResize: Resize keeps the unread bytes, in order, at the front
// of an array of the new size, and never drops below them.
func TestBufferResize(t *testing.T) {
	b := NewBuffer(16)
	n := copy(b.Free(), "0123456789abcdef")
	b.Commit(n)
	b.Consume(4)
	if b.Cap() != 16 || len(b.Free()) != 4 {
		t.Fatalf("cap %d, free %d", b.Cap(), len(b.Free()))
	}
	b.Resize(64)
	if b.Cap() != 64 || string(b.Bytes()) != "456789abcdef" || len(b.Free()) != 52 {
		t.Fatalf("after Resize(64): cap %d, bytes %q, free %d", b.Cap(), b.Bytes(), len(b.Free()))
	}
	b.Resize(4) // below Len: keeps every unread byte
	if b.Cap() != 12 || string(b.Bytes()) != "456789abcdef" {
		t.Fatalf("after Resize(4): cap %d, bytes %q", b.Cap(), b.Bytes())
	}
}
