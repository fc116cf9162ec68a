package zmtp

import (
	"bytes"
	"errors"
	"testing"
)

// Seed corpora live in testdata/fuzz/FuzzX/ as well; the f.Add calls keep
// the smallest interesting cases next to the code.

func FuzzParseFrameHeader(f *testing.F) {
	f.Add([]byte{0x00, 0x05}, int64(-1))
	f.Add([]byte{0x06, 0, 0, 0, 0, 0, 0, 0x01, 0x00}, int64(65536))
	f.Add([]byte{0x02, 0x80, 0, 0, 0, 0, 0, 0, 0}, int64(-1))
	f.Add([]byte{0x05}, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, maxSize int64) {
		flags, size, n, err := ParseFrameHeader(b, maxSize)
		if err != nil {
			if n != 0 || !(errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge)) {
				t.Fatalf("n %d with error %v", n, err)
			}
			return
		}
		if n == 0 {
			if len(b) >= 9 || (len(b) >= 2 && b[0]&FlagLong == 0) {
				t.Fatalf("asked for more with %d bytes: %x", len(b), b)
			}
			return
		}
		if n != 2 && n != 9 || n > len(b) {
			t.Fatalf("n = %d of %d", n, len(b))
		}
		if flags&^(FlagMore|FlagCommand) != 0 || flags == FlagMore|FlagCommand {
			t.Fatalf("flags %#x", flags)
		}
		if size < 0 || maxSize >= 0 && int64(size) > maxSize {
			t.Fatalf("size %d, max %d", size, maxSize)
		}
		// What we would write for it reads back the same.
		f2, s2, _, err := ParseFrameHeader(AppendFrameHeader(nil, flags, size), maxSize)
		if err != nil || f2 != flags || s2 != size {
			t.Fatalf("re-encoded header: %#x %d %v", f2, s2, err)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte("\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH"))
	f.Add([]byte("\x04PING\x00\x0actx"))
	f.Add([]byte("\x09SUB"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		name, data, err := ParseCommand(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if len(name) == 0 || 1+len(name)+len(data) != len(body) {
			t.Fatalf("name %q data %q from %d bytes", name, data, len(body))
		}
		frame := AppendCommand(nil, string(name), data)
		if _, _, n, _ := ParseFrameHeader(frame, -1); !bytes.Equal(frame[n:], body) {
			t.Fatalf("AppendCommand(%q, %q) body = %q, want %q", name, data, frame[n:], body)
		}
		if string(name) == cmdPing {
			if _, ctx, err := ParsePing(data); err == nil && len(ctx) > maxPingContext {
				t.Fatalf("PING context of %d bytes accepted", len(ctx))
			}
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(AppendMetadata(nil, []Property{{"Socket-Type", []byte("DEALER")}, {"Identity", nil}, {"X-A", []byte("b")}}))
	f.Add([]byte("\x01A\x00\x00\x00\x05abc"))
	f.Add([]byte("\x00"))
	f.Add([]byte("\x01A\x80\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var props []Property
		err := ParseMetadata(data, func(name, value []byte) error {
			props = append(props, Property{string(name), bytes.Clone(value)})
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		// The encoding is canonical: what parsed re-encodes to the input.
		if again := AppendMetadata(nil, props); !bytes.Equal(again, data) {
			t.Fatalf("re-encoded %q as %q", data, again)
		}
	})
}

// FuzzHandshake feeds arbitrary bytes to a ROUTER's handshake, raw or after
// a valid greeting, whole and in chunks of chunk+1 bytes. It must never
// panic, never claim more bytes than it was given, and reach the same end
// however the input was split.
func FuzzHandshake(f *testing.F) {
	greeting := nullGreeting(1)
	f.Add(AppendReady(nil, []Property{{"Socket-Type", []byte("DEALER")}, {"Identity", []byte("x")}}), true, uint8(0))
	f.Add(cat(greeting, AppendReady(nil, []Property{{"Socket-Type", []byte("REQ")}})), false, uint8(6))
	f.Add(AppendError(nil, "go away"), true, uint8(3))
	f.Add(AppendReady(nil, []Property{{"Socket-Type", []byte("PUSH")}}), true, uint8(1))
	f.Add([]byte("\x04\xff\x05READY"), true, uint8(0))
	f.Add([]byte("GET / HTTP/1.0\r\n\r\n"), false, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, afterGreeting bool, chunk uint8) {
		if afterGreeting {
			data = cat(greeting, data)
		}
		cfg := Config{SocketType: "ROUTER", Identity: []byte("me"), MaxFrame: 512}

		whole := NewHandshake(cfg)
		whole.Output(nil)
		n, errWhole := whole.Input(data)
		if n < 0 || n > len(data) {
			t.Fatalf("Input consumed %d of %d bytes", n, len(data))
		}
		if whole.Done() && errWhole != nil {
			t.Fatalf("Done with error %v", errWhole)
		}
		if n2, err2 := whole.Input(data[n:]); n2 != 0 || err2 != errWhole {
			t.Fatalf("second Input = %d, %v after %v", n2, err2, errWhole)
		}
		whole.Output(nil)

		pieces := NewHandshake(cfg)
		consumed, _, errPieces := feed(t, pieces, split(data, int(chunk)+1))
		switch {
		case whole.Done() != pieces.Done(),
			(errWhole == nil) != (errPieces == nil),
			errWhole != nil && errWhole.Error() != errPieces.Error(),
			consumed != n:
			t.Fatalf("whole: n %d Done %v err %v; in chunks of %d: n %d Done %v err %v",
				n, whole.Done(), errWhole, int(chunk)+1, consumed, pieces.Done(), errPieces)
		}
		if whole.Done() {
			p := whole.Peer()
			if !Compatible("ROUTER", p.SocketType) {
				t.Fatalf("Done with peer %q", p.SocketType)
			}
		}
	})
}
