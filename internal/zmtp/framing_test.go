package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// legacyDecoderTests are ZMTP 2.0 and 1.0 streams, each also fed split at
// every offset, a byte at a time, and with big frames read by the caller.
var legacyDecoderTests = []struct {
	name    string
	cfg     DecoderConfig
	in      []byte
	want    []event
	wantErr error
}{
	{
		name: "ZMTP 2.0: short, long and multipart frames",
		cfg:  DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP2},
		in:   cat(frame(FlagMore, ""), frame(0, "hello"), longFrame(0, "l"), frame(0, big300)),
		want: []event{msg("", true, true), msg("hello", false, false), single("l"), single(big300)},
	},
	{
		name:    "ZMTP 2.0: bit 2 is reserved, not COMMAND",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP2},
		in:      cat(frame(0, "a"), AppendPing(nil, 1, nil)),
		want:    []event{single("a")},
		wantErr: ErrMalformed,
	},
	{
		name:    "ZMTP 2.0: SUBSCRIBE is no command either, even to a publisher",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP2, Subscriptions: true},
		in:      cat(frame(0, "\x01topic"), AppendSubscribe(nil, []byte("t"))),
		want:    []event{single("\x01topic")},
		wantErr: ErrMalformed,
	},
	{
		name:    "ZMTP 2.0: MaxMsgSize at the header",
		cfg:     DecoderConfig{MaxMsgSize: 4, Framing: FramingZMTP2},
		in:      cat(frame(0, "four"), frame(0, "fives")),
		want:    []event{single("four")},
		wantErr: ErrTooLarge,
	},
	{
		name: "ZMTP 1.0: lengths count the flags byte",
		cfg:  DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:   cat(v1Frame(1, ""), v1Frame(1, "a"), v1Frame(0, strings.Repeat("b", 253))),
		want: []event{msg("", true, true), msg("a", true, false), msg(strings.Repeat("b", 253), false, false)},
	},
	{
		name: "ZMTP 1.0: 0xFF and an eight-byte length, for any size",
		cfg:  DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:   cat(v1LongFrame(0, strings.Repeat("c", 254)), v1LongFrame(1, "s"), v1LongFrame(0, big300)),
		want: []event{single(strings.Repeat("c", 254)), msg("s", true, true), msg(big300, false, false)},
	},
	{
		name:    "ZMTP 1.0: length 0 has no room for the flags",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:      cat(v1Frame(0, "x"), []byte{0, 0}),
		want:    []event{single("x")},
		wantErr: ErrMalformed,
	},
	{
		name:    "ZMTP 1.0: eight-byte length 0",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:      cat([]byte{0xFF}, make([]byte, 9)),
		wantErr: ErrMalformed,
	},
	{
		name:    "ZMTP 1.0: reserved flag bits",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:      v1Frame(0x04, "cmd?"),
		wantErr: ErrMalformed,
	},
	{
		name:    "ZMTP 1.0: MaxMsgSize counts the body, not the flags",
		cfg:     DecoderConfig{MaxMsgSize: 3, Framing: FramingZMTP1},
		in:      cat(v1Frame(0, "abc"), v1Frame(0, "abcd")),
		want:    []event{single("abc")},
		wantErr: ErrTooLarge,
	},
	{
		name:    "ZMTP 1.0: a length no memory could hold, refused at the header",
		cfg:     DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1},
		in:      binary.BigEndian.AppendUint64([]byte{0xFF}, 1<<62),
		wantErr: ErrTooLarge,
	},
}

func TestLegacyDecoder(t *testing.T) {
	for _, tt := range legacyDecoderTests {
		t.Run(tt.name, func(t *testing.T) {
			var chunkings [][][]byte
			for i := 0; i <= len(tt.in); i++ {
				chunkings = append(chunkings, [][]byte{tt.in[:i], tt.in[i:]})
			}
			chunkings = append(chunkings, split(tt.in, 1))
			for _, direct := range []int{1 << 20, 8} {
				for _, chunks := range chunkings {
					cfg := tt.cfg
					cfg.Direct = direct
					var d Decoder
					d.Reset(cfg)
					r := decodeChunks(t, &d, chunks)
					if !reflect.DeepEqual(r.events, tt.want) && !(len(r.events) == 0 && len(tt.want) == 0) {
						t.Fatalf("Direct %d, chunks %d: events %v\nwant %v", direct, len(chunks), r.events, tt.want)
					}
					if !errors.Is(r.err, tt.wantErr) || (r.err == nil) != (tt.wantErr == nil) {
						t.Fatalf("Direct %d, chunks %d: error %v, want %v", direct, len(chunks), r.err, tt.wantErr)
					}
				}
			}
		})
	}
}

// TestLegacyShort: ZMTP 2.0 short frames take Decoder.Short as ZMTP 3 ones
// do; ZMTP 1.0 ones never do (their header is another).
func TestLegacyShort(t *testing.T) {
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP2})
	if n, _, _ := d.Short(frame(0, "abc")); n != 5 {
		t.Errorf("ZMTP 2.0: Short took %d bytes", n)
	}
	d.Reset(DecoderConfig{MaxMsgSize: -1, Framing: FramingZMTP1})
	if n, _, _ := d.Short(cat(v1Frame(0, "a"), v1Frame(0, "b"))); n != 0 {
		t.Errorf("ZMTP 1.0: Short took %d bytes", n)
	}
}

func TestLegacyEncoder(t *testing.T) {
	long := strings.Repeat("L", 300)
	tests := []struct {
		name   string
		cfg    EncoderConfig
		frames []out
		want   []byte
	}{
		{"ZMTP 2.0 frames are ZMTP 3's", EncoderConfig{CopyMax: 1 << 10, Framing: FramingZMTP2},
			[]out{{FlagMore, ""}, {0, "x"}, {0, long}},
			cat(frame(FlagMore, ""), frame(0, "x"), frame(0, long))},
		{"ZMTP 2.0: commands are dropped, subscriptions stay messages", EncoderConfig{CopyMax: 8, Framing: FramingZMTP2, SubscriptionCommands: true},
			[]out{{FlagCommand, "\x04PING\x00\x00"}, {0, "\x01topic"}},
			frame(0, "\x01topic")},
		{"ZMTP 1.0: one-byte length up to 254", EncoderConfig{CopyMax: 1 << 10, Framing: FramingZMTP1},
			[]out{{FlagMore, ""}, {0, strings.Repeat("b", 253)}},
			cat(v1Frame(1, ""), v1Frame(0, strings.Repeat("b", 253)))},
		{"ZMTP 1.0: a length of 255 takes the escape", EncoderConfig{CopyMax: 1 << 10, Framing: FramingZMTP1},
			[]out{{0, strings.Repeat("c", 254)}, {FlagMore | FlagLong, long}, {0, ""}},
			cat(v1LongFrame(0, strings.Repeat("c", 254)), v1LongFrame(1, long), v1Frame(0, ""))},
		{"ZMTP 1.0: no commands", EncoderConfig{CopyMax: 8, Framing: FramingZMTP1},
			[]out{{FlagCommand, "\x04PONG"}, {0, "m"}},
			v1Frame(0, "m")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, copyMax := range []int{tt.cfg.CopyMax, 0} {
				cfg := tt.cfg
				cfg.CopyMax = copyMax
				var e Encoder
				e.Reset(cfg)
				got, _ := encodeAll(&e, tt.frames)
				if !bytes.Equal(got, tt.want) {
					t.Fatalf("CopyMax %d:\n% x\nwant\n% x", copyMax, got, tt.want)
				}
				if b := e.AppendPing([]byte("x"), 10, nil); string(b) != "x" {
					t.Errorf("AppendPing appended % x", b[1:])
				}
				if b := e.AppendPong(nil, []byte("c")); len(b) != 0 {
					t.Errorf("AppendPong appended % x", b)
				}
			}
		})
	}
}

func TestLegacyWithTransformPanics(t *testing.T) {
	for _, f := range []Framing{FramingZMTP2, FramingZMTP1} {
		mustPanic(t, "Decoder "+f.String(), func() {
			var d Decoder
			d.Reset(DecoderConfig{Framing: f, Transform: NullTransform{}})
		})
		mustPanic(t, "Encoder "+f.String(), func() {
			var e Encoder
			e.Reset(EncoderConfig{Framing: f, Transform: NullTransform{}})
		})
	}
}

// TestLegacyAllocs: nothing is allocated per frame in either direction.
func TestLegacyAllocs(t *testing.T) {
	for _, f := range []Framing{FramingZMTP2, FramingZMTP1} {
		var e Encoder
		e.Reset(EncoderConfig{CopyMax: 1 << 10, Framing: f})
		buf := make([]byte, 0, 4096)
		in, _ := encodeAll(&e, []out{{FlagMore, "id"}, {0, strings.Repeat("m", 64)}, {0, big300}})
		var d Decoder
		d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: 1 << 20, Framing: f})
		allocs := testing.AllocsPerRun(100, func() {
			out := buf[:0]
			out, _ = e.AppendFrame(out, 0, in[:64])
			for b := in; len(b) > 0; {
				fr, n, err := d.Next(b)
				if err != nil || fr.Kind != FrameMessage {
					t.Fatalf("%+v %v", fr, err)
				}
				b = b[n:]
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations", f, allocs)
		}
	}
}

// FuzzLegacyDecoder feeds arbitrary bytes to a Decoder as a ZMTP 1.0 or
// 2.0 stream, whole and in chunks of chunk+1 bytes, with big frames read
// by the caller or waited for. It must never panic, keep to MaxMsgSize,
// report only message frames, find the same frames and the same end however
// the input was split, and what it found must encode back to the same.
func FuzzLegacyDecoder(f *testing.F) {
	f.Add(cat(v1Frame(1, ""), v1Frame(0, "hello")), true, uint8(0), int64(-1), uint16(0))
	f.Add(cat(v1LongFrame(0, big300), []byte{0}), true, uint8(3), int64(300), uint16(16))
	f.Add(cat(frame(FlagMore, ""), frame(0, "hello"), longFrame(0, "x")), false, uint8(1), int64(-1), uint16(0))
	f.Add(cat(frame(0, "a"), AppendPing(nil, 1, nil)), false, uint8(0), int64(-1), uint16(0))
	f.Add([]byte{0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0}, true, uint8(0), int64(-1), uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, v1 bool, chunk uint8, maxMsgSize int64, direct uint16) {
		framing := FramingZMTP2
		if v1 {
			framing = FramingZMTP1
		}
		cfg := DecoderConfig{MaxMsgSize: maxMsgSize, Direct: int(direct), Framing: framing, Subscriptions: true}
		var d Decoder
		d.Reset(cfg)
		whole := decodeChunks(t, &d, [][]byte{data})
		for _, e := range whole.events {
			if e.kind != FrameMessage || e.flags&^FlagMore != 0 {
				t.Fatalf("%v from %v framing", e, framing)
			}
			if maxMsgSize >= 0 && int64(len(e.body)) > maxMsgSize {
				t.Fatalf("a frame of %d bytes with MaxMsgSize %d", len(e.body), maxMsgSize)
			}
		}
		if whole.err != nil && !(errors.Is(whole.err, ErrMalformed) || errors.Is(whole.err, ErrTooLarge)) {
			t.Fatalf("error %v", whole.err)
		}

		cfg.Direct = int(direct) * int(chunk)
		d.Reset(cfg)
		pieces := decodeChunks(t, &d, split(data, int(chunk)+1))
		if !reflect.DeepEqual(pieces.events, whole.events) || pieces.rest != whole.rest || fmt.Sprint(pieces.err) != fmt.Sprint(whole.err) {
			t.Fatalf("whole: %v rest %d err %v\nin chunks of %d: %v rest %d err %v",
				whole.events, whole.rest, whole.err, int(chunk)+1, pieces.events, pieces.rest, pieces.err)
		}

		var e Encoder
		e.Reset(EncoderConfig{CopyMax: int(direct), Framing: framing})
		var again []byte
		for _, ev := range whole.events {
			var tail []byte
			again, tail = e.AppendFrame(again, ev.flags, []byte(ev.body))
			again = append(again, tail...)
		}
		d.Reset(DecoderConfig{MaxMsgSize: -1, Framing: framing})
		r := decodeChunks(t, &d, [][]byte{again})
		if r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, whole.events) {
			t.Fatalf("re-encoded: %v rest %d err %v\nwant %v", r.events, r.rest, r.err, whole.events)
		}
	})
}

// FuzzDowngrade feeds arbitrary bytes to a ROUTER's handshake with
// Downgrade, whole and in chunks of chunk+1 bytes: version detection, the
// staged greeting, and a ZMTP 1.0 or 2.0 peer's greeting and identity. It
// must never panic, never claim more bytes than it was given, reach the
// same end however the input was split, and queue the same bytes for the
// peer; once done, its Framing must fit the peer's version and the peer
// be one a ROUTER may talk to. With secure set the handshake is a PLAIN
// server's, which must refuse every peer older than ZMTP 3.
func FuzzDowngrade(f *testing.F) {
	f.Add(zmtp2Hello(5, "jdealer"), uint8(0), false)
	f.Add(zmtp2Hello(3, ""), uint8(10), true)
	f.Add(zmtp10Hello(6, "r"), uint8(1), false)
	f.Add(v1Frame(0, "zmq2"), uint8(0), false)
	f.Add(v1Frame(0, "zmq2"), uint8(0), true)
	f.Add(v1LongFrame(0, "id"), uint8(4), false)
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), uint8(2), false)
	f.Add(cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "DEALER")})), uint8(10), false)
	f.Add(greetingBytes(2, 0, "NULL", 0, nil), uint8(0), true)
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8, secure bool) {
		cfg := Config{SocketType: "ROUTER", Identity: []byte("me"), MaxFrame: 512, Downgrade: true}
		if secure {
			cfg.Mechanism, cfg.AsServer = MechanismPlain, true
		}
		whole := NewHandshake(cfg)
		outWhole := whole.Output(nil)
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
		outWhole = whole.Output(outWhole)

		pieces := NewHandshake(cfg)
		outPieces := pieces.Output(nil)
		var buf []byte
		consumed := 0
		var errPieces error
		for _, c := range split(data, int(chunk)+1) {
			buf = append(buf, c...)
			m, err := pieces.Input(buf)
			consumed += m
			buf = buf[m:]
			outPieces = pieces.Output(outPieces)
			if err != nil {
				errPieces = err
				break
			}
		}
		switch {
		case whole.Done() != pieces.Done(),
			(errWhole == nil) != (errPieces == nil),
			errWhole != nil && errWhole.Error() != errPieces.Error(),
			consumed != n:
			t.Fatalf("whole: n %d Done %v err %v; in chunks of %d: n %d Done %v err %v",
				n, whole.Done(), errWhole, int(chunk)+1, consumed, pieces.Done(), errPieces)
		}
		// What was sent may differ only by what a later stage adds.
		if !bytes.HasPrefix(outWhole, outPieces) && !bytes.HasPrefix(outPieces, outWhole) {
			t.Fatalf("sent\n% x\nand in chunks\n% x", outWhole, outPieces)
		}
		p := whole.Peer()
		if secure && (whole.Framing() != FramingZMTP3 || whole.state == stateIdentity || (whole.Done() && p.Major < 3)) {
			t.Fatalf("a PLAIN server went on with %+v, Framing %v", p, whole.Framing())
		}
		if !whole.Done() {
			return
		}
		switch {
		case p.Major >= 3 && whole.Framing() != FramingZMTP3,
			p.Major == 2 && whole.Framing() != FramingZMTP2,
			p.Major < 2 && whole.Framing() != FramingZMTP1:
			t.Fatalf("peer %d.%d with %v framing", p.Major, p.Minor, whole.Framing())
		}
		if p.Major == 0 {
			if p.SocketType != "" {
				t.Fatalf("a peer without a version has type %q", p.SocketType)
			}
		} else if !Compatible("ROUTER", p.SocketType) {
			t.Fatalf("Done with peer %q", p.SocketType)
		}
		if p.Major < 3 && (p.Identity == nil || len(p.Identity) > maxIdentity) {
			t.Fatalf("identity %q", p.Identity)
		}
	})
}
