package zmtp

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
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

		sameInChunks(t, whole, n, errWhole, NewHandshake(cfg), data, int(chunk)+1)
		if whole.Done() {
			p := whole.Peer()
			if !Compatible("ROUTER", p.SocketType) {
				t.Fatalf("Done with peer %q", p.SocketType)
			}
		}
	})
}

// FuzzStreamDecoder feeds arbitrary bytes to a Decoder as the stream after
// a handshake, whole and in chunks of chunk+1 bytes, with the fast path and
// with NullTransform (the general path), and with big frames read by the
// caller or waited for. It must never panic, never claim more bytes than it
// was given, keep to MaxMsgSize, and find the same frames and the same end
// however the input was split. The message frames it found, encoded again,
// decode to the same.
func FuzzStreamDecoder(f *testing.F) {
	f.Add(cat(frame(FlagMore, ""), frame(0, "hello")), uint8(0), int64(-1), uint16(0), false)
	f.Add(cat(AppendPing(nil, 10, []byte("ctx")), AppendPong(nil, nil), cmd("X", "y")), uint8(2), int64(-1), uint16(1), false)
	f.Add(cat(AppendSubscribe(nil, []byte("t")), AppendCancel(nil, []byte("t")), frame(0, "\x01t")), uint8(1), int64(100), uint16(4), true)
	f.Add(cat(frame(0, strings.Repeat("x", 300)), longFrame(FlagMore, "s"), frame(0, "")), uint8(7), int64(300), uint16(16), false)
	f.Add([]byte{FlagLong, 0x40, 0, 0, 0, 0, 0, 0, 0}, uint8(0), int64(-1), uint16(0), false)
	f.Add(cat(frame(0, "a"), AppendError(nil, "bye")), uint8(3), int64(-1), uint16(0), false)
	f.Add([]byte{FlagCommand | FlagMore, 0}, uint8(0), int64(0), uint16(0), false)
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8, maxMsgSize int64, direct uint16, subs bool) {
		cfg := DecoderConfig{MaxMsgSize: maxMsgSize, Direct: int(direct), Subscriptions: subs}
		var d Decoder
		d.Reset(cfg)
		whole := decodeChunks(t, &d, [][]byte{data})
		for _, e := range whole.events {
			if maxMsgSize >= 0 && int64(len(e.body)) > maxMsgSize {
				t.Fatalf("a frame of %d bytes with MaxMsgSize %d", len(e.body), maxMsgSize)
			}
		}
		if whole.err != nil && !(errors.Is(whole.err, ErrMalformed) || errors.Is(whole.err, ErrTooLarge) || errors.Is(whole.err, ErrPeerError)) {
			t.Fatalf("error %v", whole.err)
		}

		cfg.Direct, cfg.Transform = int(direct)*int(chunk), NullTransform{}
		d.Reset(cfg)
		pieces := decodeChunks(t, &d, split(data, int(chunk)+1))
		if !reflect.DeepEqual(pieces.events, whole.events) || pieces.rest != whole.rest || fmt.Sprint(pieces.err) != fmt.Sprint(whole.err) {
			t.Fatalf("whole: %v rest %d err %v\nin chunks of %d: %v rest %d err %v",
				whole.events, whole.rest, whole.err, int(chunk)+1, pieces.events, pieces.rest, pieces.err)
		}

		var e Encoder
		e.Reset(EncoderConfig{CopyMax: int(direct)})
		var again []byte
		var msgs []event
		for _, ev := range whole.events {
			if ev.kind != FrameMessage {
				continue
			}
			// (A SUBSCRIBE between frames ended a message: First may differ.)
			ev.first = false
			msgs = append(msgs, ev)
			var tail []byte
			again, tail = e.AppendFrame(again, ev.flags, []byte(ev.body))
			again = append(again, tail...)
		}
		d.Reset(DecoderConfig{MaxMsgSize: -1})
		r := decodeChunks(t, &d, [][]byte{again})
		for i := range r.events {
			r.events[i].first = false
		}
		if r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, msgs) {
			t.Fatalf("re-encoded messages: %v rest %d err %v\nwant %v", r.events, r.rest, r.err, msgs)
		}
	})
}
