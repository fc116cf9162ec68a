package zmtp

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// out is one frame for an Encoder.
type out struct {
	flags byte
	body  string
}

// encodeAll encodes frames and returns the stream, each frame's bytes
// followed by its tail, and how many frames left a tail.
func encodeAll(e *Encoder, frames []out) (stream []byte, tails int) {
	for _, f := range frames {
		var tail []byte
		body := []byte(f.body)
		stream, tail = e.AppendFrame(stream, f.flags, body)
		if tail != nil {
			if len(tail) == 0 || &tail[len(tail)-1] != &body[len(body)-1] {
				panic("tail is not a suffix of body")
			}
			tails++
			stream = append(stream, tail...)
		}
	}
	return stream, tails
}

func TestEncoderAppendFrame(t *testing.T) {
	long := strings.Repeat("L", 300)
	tests := []struct {
		name   string
		cfg    EncoderConfig
		frames []out
		want   []byte
		tails  int
	}{
		{"one frame", EncoderConfig{CopyMax: 8}, []out{{0, "abc"}}, []byte("\x00\x03abc"), 0},
		{"multipart", EncoderConfig{CopyMax: 8}, []out{{FlagMore, ""}, {0, "x"}}, []byte("\x01\x00\x00\x01x"), 0},
		{"other flag bits are dropped", EncoderConfig{CopyMax: 8}, []out{{0xf8 | FlagLong, "a"}}, []byte("\x00\x01a"), 0},
		{"a body of CopyMax bytes is copied", EncoderConfig{CopyMax: 3}, []out{{0, "abc"}}, []byte("\x00\x03abc"), 0},
		{"a larger one is the tail", EncoderConfig{CopyMax: 2}, []out{{0, "abc"}}, []byte("\x00\x03abc"), 1},
		{"long header", EncoderConfig{CopyMax: 1 << 10}, []out{{FlagMore, long}},
			cat([]byte{FlagMore | FlagLong, 0, 0, 0, 0, 0, 0, 1, 44}, []byte(long)), 0},
		{"an empty body is never a tail", EncoderConfig{}, []out{{0, ""}}, []byte("\x00\x00"), 0},
		{
			"subscriptions as commands",
			EncoderConfig{CopyMax: 8, SubscriptionCommands: true},
			[]out{{0, "\x01topic"}, {0, "\x00topic"}, {0, "\x01"}},
			cat(AppendSubscribe(nil, []byte("topic")), AppendCancel(nil, []byte("topic")), AppendSubscribe(nil, nil)),
			0,
		},
		{
			"a subscription's topic is copied whatever its size",
			EncoderConfig{CopyMax: 8, SubscriptionCommands: true},
			[]out{{0, "\x01" + long}},
			AppendSubscribe(nil, []byte(long)),
			0,
		},
		{
			"only a subscription alone in its message is a command",
			EncoderConfig{CopyMax: 8, SubscriptionCommands: true},
			[]out{{FlagMore, "\x01a"}, {0, "\x01b"}, {0, "\x02c"}, {0, ""}, {FlagCommand, "\x01d"}},
			cat(frame(FlagMore, "\x01a"), frame(0, "\x01b"), frame(0, "\x02c"), frame(0, ""), frame(FlagCommand, "\x01d")),
			0,
		},
		{
			"without SubscriptionCommands (ZMTP 3.0 peers) subscriptions are messages",
			EncoderConfig{CopyMax: 8},
			[]out{{0, "\x01topic"}, {0, "\x00topic"}},
			cat(frame(0, "\x01topic"), frame(0, "\x00topic")),
			0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Encoder
			e.Reset(tt.cfg)
			got, tails := encodeAll(&e, tt.frames)
			if !bytes.Equal(got, tt.want) || tails != tt.tails {
				t.Errorf("got %q with %d tails\nwant %q with %d", got, tails, tt.want, tt.tails)
			}
			if e.Mid() != (tt.frames[len(tt.frames)-1].flags&FlagMore != 0) {
				t.Errorf("Mid %v after the last frame", e.Mid())
			}
		})
	}
}

// TestEncoderCommands: the heartbeat commands are the package's functions'
// frames when there is no Transform.
func TestEncoderCommands(t *testing.T) {
	var e Encoder
	e.Reset(EncoderConfig{})
	if got, want := e.AppendPing([]byte("x"), 7, []byte("ctx")), AppendPing([]byte("x"), 7, []byte("ctx")); !bytes.Equal(got, want) {
		t.Errorf("AppendPing %q, want %q", got, want)
	}
	if got, want := e.AppendPong(nil, []byte("ctx")), AppendPong(nil, []byte("ctx")); !bytes.Equal(got, want) {
		t.Errorf("AppendPong %q, want %q", got, want)
	}
}

// boxTransform is a stand-in for a mechanism that boxes frames, to show the
// seam works: every frame travels as a BOX command whose data is the inner
// frame's flags and body. No cryptography: that is CURVE's business.
type boxTransform struct{ sealed, opened int }

const boxName = "\x03BOX"

func (*boxTransform) Overhead() int { return len(boxName) + 1 }

func (b *boxTransform) Open(flags byte, body []byte) (byte, []byte, error) {
	if flags != FlagCommand || len(body) < len(boxName)+1 || string(body[:len(boxName)]) != boxName {
		return 0, nil, fmt.Errorf("%w: not a BOX", ErrMalformed)
	}
	b.opened++
	return body[len(boxName)], body[len(boxName)+1:], nil
}

func (b *boxTransform) Seal(dst []byte, flags byte, body []byte) []byte {
	b.sealed++
	dst = AppendFrameHeader(dst, FlagCommand, len(boxName)+1+len(body))
	dst = append(dst, boxName...)
	dst = append(dst, flags)
	return append(dst, body...)
}

// TestRoundTrip: what an Encoder writes, a Decoder reads back, with no
// Transform, with NullTransform and through a boxing one, whole and a byte
// at a time.
func TestRoundTrip(t *testing.T) {
	long := strings.Repeat("L", 5000)
	frames := []out{{FlagMore, ""}, {FlagMore, "a"}, {0, long}, {0, "\x01topic"}, {0, "single"}, {FlagMore, "\x00x"}, {0, ""}}
	want := []event{
		msg("", true, true), msg("a", true, false), msg(long, false, false),
		{kind: FrameSubscribe, first: true, body: "topic"},
		single("single"), msg("\x00x", true, true), msg("", false, false),
		{kind: FramePing, ttl: 9, body: "c"}, {kind: FramePong, body: ""},
	}
	for _, tc := range []struct {
		name string
		t    func() Transform
	}{
		{"no Transform", func() Transform { return nil }},
		{"NullTransform", func() Transform { return NullTransform{} }},
		{"boxing Transform", func() Transform { return &boxTransform{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seal, open := tc.t(), tc.t()
			var e Encoder
			e.Reset(EncoderConfig{CopyMax: 100, SubscriptionCommands: true, Transform: seal})
			stream, tails := encodeAll(&e, frames)
			stream = e.AppendPing(stream, 9, []byte("c"))
			stream = e.AppendPong(stream, nil)
			if wantTails := map[bool]int{true: 1, false: 0}[seal == nil]; tails != wantTails {
				t.Errorf("%d tails, want %d", tails, wantTails)
			}
			for how, chunks := range map[string][][]byte{"whole": {stream}, "a byte at a time": split(stream, 1)} {
				var d Decoder
				d.Reset(DecoderConfig{MaxMsgSize: 5000, Direct: 1000, Subscriptions: true, Transform: open})
				r := decodeChunks(t, &d, chunks)
				if r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, want) {
					t.Fatalf("%s: %v rest %d err %v\nwant %v", how, r.events, r.rest, r.err, want)
				}
			}
			if b, ok := seal.(*boxTransform); ok && (b.sealed != 9 || open.(*boxTransform).opened != 18) {
				t.Errorf("sealed %d, opened %d", b.sealed, open.(*boxTransform).opened)
			}
		})
	}
}

// TestNullTransformSameStream: NullTransform puts the same bytes on the
// wire as no Transform.
func TestNullTransformSameStream(t *testing.T) {
	frames := []out{{FlagMore, "a"}, {0, strings.Repeat("b", 3000)}, {0, "\x00t"}, {FlagCommand, "\x01X"}}
	var plain, null Encoder
	plain.Reset(EncoderConfig{CopyMax: 10, SubscriptionCommands: true})
	null.Reset(EncoderConfig{CopyMax: 10, SubscriptionCommands: true, Transform: NullTransform{}})
	a, _ := encodeAll(&plain, frames)
	b, tails := encodeAll(&null, frames)
	if !bytes.Equal(a, b) || tails != 0 {
		t.Errorf("NullTransform wrote %q (%d tails), no Transform %q", b, tails, a)
	}
}

// TestDecoderTransform: the Decoder classifies, counts and limits the
// frames a Transform opens, not the frames that carry them.
func TestDecoderTransform(t *testing.T) {
	var box boxTransform
	sealed := func(flags byte, body string) []byte { return box.Seal(nil, flags, []byte(body)) }
	tests := []struct {
		name string
		max  int64
		in   []byte
		want []event
		err  error
	}{
		{"inner flags decide", -1, cat(sealed(FlagMore, "a"), sealed(0, "b")), []event{msg("a", true, true), msg("b", false, false)}, nil},
		{"inner commands", -1, sealed(FlagCommand, "\x04PONG"), []event{{kind: FramePong}}, nil},
		{"MAXMSGSIZE allows the overhead", 1, sealed(0, "a"), []event{single("a")}, nil},
		{"MAXMSGSIZE, over", 1, sealed(0, "ab")[:2], nil, ErrTooLarge},
		{"a frame that does not open", -1, frame(0, "plain"), nil, ErrMalformed},
		{"bad inner flags", -1, sealed(FlagCommand|FlagMore, "x"), nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			d.Reset(DecoderConfig{MaxMsgSize: tt.max, Transform: &boxTransform{}})
			r := decodeChunks(t, &d, [][]byte{tt.in})
			if !reflect.DeepEqual(r.events, tt.want) || !errors.Is(r.err, tt.err) || (r.err == nil) != (tt.err == nil) {
				t.Errorf("%v err %v, want %v err %v", r.events, r.err, tt.want, tt.err)
			}
		})
	}
}

// TestEncoderAllocs: nothing is allocated per frame once the buffers have
// grown, with a Transform too.
func TestEncoderAllocs(t *testing.T) {
	body, sub, big := []byte(strings.Repeat("m", 64)), []byte("\x01topic"), make([]byte, 4096)
	for _, tr := range []Transform{nil, NullTransform{}} {
		var e Encoder
		e.Reset(EncoderConfig{CopyMax: 2048, SubscriptionCommands: true, Transform: tr})
		buf := make([]byte, 0, 1<<14)
		allocs := testing.AllocsPerRun(100, func() {
			b := buf[:0]
			b, _ = e.AppendFrame(b, FlagMore, body)
			b, _ = e.AppendFrame(b, 0, big)
			b, _ = e.AppendFrame(b, 0, sub)
			b = e.AppendPing(b, 1, nil)
			_ = e.AppendPong(b, []byte("c"))
		})
		if allocs != 0 {
			t.Errorf("Transform %v: %v allocations", tr, allocs)
		}
	}
}

// BenchmarkEncoder encodes 64-byte messages into a reused buffer, as the
// session's fill does.
func BenchmarkEncoder(b *testing.B) {
	body := []byte(strings.Repeat("m", 64))
	var e Encoder
	e.Reset(EncoderConfig{CopyMax: 2048})
	buf := make([]byte, 0, 128*(len(body)+2))
	b.ReportAllocs()
	b.SetBytes(int64(128 * len(body)))
	for b.Loop() {
		out := buf[:0]
		for range 128 {
			out, _ = e.AppendFrame(out, 0, body)
		}
	}
}
