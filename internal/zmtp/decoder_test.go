package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// event is one frame a Decoder reported, with its body copied.
type event struct {
	kind  FrameKind
	flags byte
	first bool
	ttl   uint16
	body  string
}

func (e event) String() string {
	return fmt.Sprintf("{%d %#x first=%v ttl=%d %q}", e.kind, e.flags, e.first, e.ttl, e.body)
}

func eventOf(f Frame) event {
	return event{f.Kind, f.Flags, f.First, f.TTL, string(f.Body)}
}

// Shorthands for expected events.
func msg(body string, more, first bool) event {
	e := event{kind: FrameMessage, first: first, body: body}
	if more {
		e.flags = FlagMore
	}
	return e
}

// single is a one-frame message.
func single(body string) event { return msg(body, false, true) }

// decoded is what decodeChunks saw.
type decoded struct {
	events []event
	bodies int // FrameBody reports
	rest   int // bytes of an unfinished frame left over
	err    error
}

// decodeChunks feeds d the stream in chunks as the session does: unconsumed
// bytes are kept and the next chunk appended; a FrameBody's body is
// gathered apart, starting with what followed its header, and handed to
// Body. It checks the Decoder's promises on the way.
func decodeChunks(t testing.TB, d *Decoder, chunks [][]byte) (r decoded) {
	t.Helper()
	var buf, body []byte
	want := -1 // the pending FrameBody's size
	hdr := 0   // and its header's
	for _, c := range chunks {
		buf = append(buf, c...)
		for {
			if want >= 0 {
				k := min(want-len(body), len(buf))
				body = append(body, buf[:k]...)
				buf = buf[k:]
				if len(body) < want {
					break
				}
				f, err := d.Body(body)
				if err != nil {
					r.err = err
					return r
				}
				if f.Kind < FrameMessage {
					t.Fatalf("Body returned kind %d", f.Kind)
				}
				r.events = append(r.events, eventOf(f))
				want, body, hdr = -1, nil, 0
				continue
			}
			f, n, err := d.Next(buf)
			if err != nil {
				if n != 0 {
					t.Fatalf("Next consumed %d with error %v", n, err)
				}
				r.err = err
				return r
			}
			if n < 0 || n > len(buf) {
				t.Fatalf("Next consumed %d of %d bytes", n, len(buf))
			}
			if f.Kind == FrameNone {
				if n != 0 || f.Need <= 0 {
					t.Fatalf("FrameNone with n %d, Need %d", n, f.Need)
				}
				break
			}
			buf = buf[n:]
			if f.Kind == FrameBody {
				if f.Size <= d.cfg.Direct || f.Size <= len(buf) {
					t.Fatalf("FrameBody of %d bytes, Direct %d, %d in hand", f.Size, d.cfg.Direct, len(buf))
				}
				r.bodies++
				want, body, hdr = f.Size, []byte{}, n
				continue
			}
			r.events = append(r.events, eventOf(f))
		}
	}
	r.rest = len(buf) + hdr + len(body)
	return r
}

// frame builds one wire frame.
func frame(flags byte, body string) []byte {
	return append(AppendFrameHeader(nil, flags, len(body)), body...)
}

// longFrame builds a frame whose small body has a long (9-byte) header.
func longFrame(flags byte, body string) []byte {
	b := binary.BigEndian.AppendUint64([]byte{flags | FlagLong}, uint64(len(body)))
	return append(b, body...)
}

func cmd(name, data string) []byte { return AppendCommand(nil, name, []byte(data)) }

var big300 = strings.Repeat("x", 300)

// decoderTests: every stream is also fed split at every offset and a byte
// at a time (TestDecoderSplits).
var decoderTests = []struct {
	name string
	cfg  DecoderConfig
	in   []byte
	want []event
	rest int
	err  error
}{
	{name: "empty stream", cfg: DecoderConfig{MaxMsgSize: -1}},
	{name: "one frame", cfg: DecoderConfig{MaxMsgSize: -1}, in: frame(0, "hello"), want: []event{single("hello")}},
	{name: "empty frame", cfg: DecoderConfig{MaxMsgSize: -1}, in: frame(0, ""), want: []event{single("")}},
	{
		name: "multipart, then a message",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(frame(FlagMore, ""), frame(FlagMore, "a"), frame(0, "b"), frame(0, "c")),
		want: []event{msg("", true, true), msg("a", true, false), msg("b", false, false), single("c")},
	},
	{
		name: "a long frame, and a short body with a long header (RFC 37 allows it)",
		cfg:  DecoderConfig{MaxMsgSize: -1, Direct: 100},
		in:   cat(frame(FlagMore, big300), longFrame(0, "tiny")),
		want: []event{msg(big300, true, true), msg("tiny", false, false)},
	},
	{
		name: "an unfinished frame is left over",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(frame(0, "a"), frame(0, "bcd")[:3]),
		want: []event{single("a")},
		rest: 3,
	},
	{
		name: "PING, PONG and an unknown command between frames of a message",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in: cat(frame(FlagMore, "a"), AppendPing(nil, 300, []byte("ctx")), AppendPong(nil, []byte("c")),
			cmd("FUTURE", "whatever"), frame(0, "b")),
		want: []event{msg("a", true, true), {kind: FramePing, ttl: 300, body: "ctx"}, {kind: FramePong},
			{kind: FrameIgnored}, msg("b", false, false)},
	},
	{
		name: "PING with no context, and one of 16 bytes",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(AppendPing(nil, 0, nil), AppendPing(nil, 0xffff, bytes.Repeat([]byte{7}, 16))),
		want: []event{{kind: FramePing}, {kind: FramePing, ttl: 0xffff, body: strings.Repeat("\x07", 16)}},
	},
	{
		name: "commands are matched by exact name",
		cfg:  DecoderConfig{MaxMsgSize: -1, Subscriptions: true},
		in:   cat(cmd("ping", "\x00\x00"), cmd("SUBSCRIBEX", "t"), cmd("PONG", "")),
		want: []event{{kind: FrameIgnored}, {kind: FrameIgnored}, {kind: FramePong}},
	},
	{
		name: "SUBSCRIBE and CANCEL to a socket that takes subscriptions",
		cfg:  DecoderConfig{MaxMsgSize: -1, Subscriptions: true},
		in:   cat(AppendSubscribe(nil, []byte("topic")), AppendCancel(nil, nil), frame(0, "\x01t")),
		want: []event{{kind: FrameSubscribe, first: true, body: "topic"}, {kind: FrameCancel, first: true}, single("\x01t")},
	},
	{
		name: "a SUBSCRIBE inside a multipart message ends it, as its message would",
		cfg:  DecoderConfig{MaxMsgSize: -1, Subscriptions: true},
		in:   cat(frame(FlagMore, "a"), AppendSubscribe(nil, []byte("t")), frame(0, "b")),
		want: []event{msg("a", true, true), {kind: FrameSubscribe, body: "t"}, single("b")},
	},
	{
		name: "SUBSCRIBE and CANCEL to other sockets are ignored",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(frame(FlagMore, "a"), AppendSubscribe(nil, []byte("t")), AppendCancel(nil, []byte("t")), frame(0, "b")),
		want: []event{msg("a", true, true), {kind: FrameIgnored}, {kind: FrameIgnored}, msg("b", false, false)},
	},
	{
		name: "a big command read directly",
		cfg:  DecoderConfig{MaxMsgSize: -1, Direct: 10, Subscriptions: true},
		in:   AppendSubscribe(nil, []byte(big300)),
		want: []event{{kind: FrameSubscribe, first: true, body: big300}},
	},
	{
		name: "MAXMSGSIZE: a frame of exactly the limit",
		cfg:  DecoderConfig{MaxMsgSize: 5},
		in:   frame(0, "hello"),
		want: []event{single("hello")},
	},
	{
		name: "MAXMSGSIZE: one byte over, refused at the header",
		cfg:  DecoderConfig{MaxMsgSize: 5},
		in:   cat(frame(0, "ok"), frame(0, "hello!")[:2]),
		want: []event{single("ok")},
		err:  ErrTooLarge,
	},
	{
		name: "MAXMSGSIZE: commands too, as in libzmq",
		cfg:  DecoderConfig{MaxMsgSize: 5},
		in:   AppendPing(nil, 0, nil),
		err:  ErrTooLarge,
	},
	{
		name: "MAXMSGSIZE 0 allows empty frames only",
		cfg:  DecoderConfig{MaxMsgSize: 0},
		in:   cat(frame(0, ""), frame(0, "x")),
		want: []event{single("")},
		err:  ErrTooLarge,
	},
	{
		name: "no MAXMSGSIZE: 2^62 bytes announced is refused at its header",
		cfg:  DecoderConfig{MaxMsgSize: -1, Direct: 1 << 15},
		in:   []byte{FlagLong, 0x40, 0, 0, 0, 0, 0, 0, 0},
		err:  ErrTooLarge,
	},
	{
		name: "no MAXMSGSIZE: MaxFrameSize+1 is refused",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   binary.BigEndian.AppendUint64([]byte{FlagLong}, MaxFrameSize+1),
		err:  ErrTooLarge,
	},
	{
		name: "a MAXMSGSIZE over MaxFrameSize is MaxFrameSize",
		cfg:  DecoderConfig{MaxMsgSize: 1 << 62},
		in:   binary.BigEndian.AppendUint64([]byte{FlagLong}, 1<<61),
		err:  ErrTooLarge,
	},
	{
		name: "long size with its top bit set",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   []byte{FlagLong, 0x80, 0, 0, 0, 0, 0, 0, 0},
		err:  ErrMalformed,
	},
	{
		name: "reserved flag bits",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(frame(0, "a"), []byte{0x08}),
		want: []event{single("a")},
		err:  ErrMalformed,
	},
	{
		name: "a command with MORE",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   []byte{FlagCommand | FlagMore, 0},
		err:  ErrMalformed,
	},
	{
		name: "an empty command",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   frame(FlagCommand, ""),
		err:  ErrMalformed,
	},
	{
		name: "a command name overrunning its frame",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   frame(FlagCommand, "\x05PIN"),
		err:  ErrMalformed,
	},
	{
		name: "a PING cut short",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cmd("PING", "\x00"),
		err:  ErrMalformed,
	},
	{
		name: "a PING context over 16 bytes",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cmd("PING", "\x00\x01"+strings.Repeat("c", 17)),
		err:  ErrMalformed,
	},
	{
		name: "ERROR ends the stream",
		cfg:  DecoderConfig{MaxMsgSize: -1},
		in:   cat(frame(0, "a"), AppendError(nil, "bye"), frame(0, "b")),
		want: []event{single("a")},
		err:  ErrPeerError,
	},
}

func TestDecoder(t *testing.T) {
	for _, tt := range decoderTests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			d.Reset(tt.cfg)
			r := decodeChunks(t, &d, [][]byte{tt.in})
			if !reflect.DeepEqual(r.events, tt.want) {
				t.Errorf("events %v\nwant   %v", r.events, tt.want)
			}
			if !errors.Is(r.err, tt.err) || (tt.err == nil) != (r.err == nil) {
				t.Errorf("err %v, want %v", r.err, tt.err)
			}
			if r.err == nil && r.rest != tt.rest {
				t.Errorf("%d bytes left, want %d", r.rest, tt.rest)
			}
		})
	}
}

// TestDecoderSplits: "feed every valid stream split at every offset and one
// byte at a time" (STYLE.md): the same frames, the same end. Invalid ones
// too: the same frames before the same error. Each way, partial frames are
// read by the caller (Direct 0) and waited for whole (Direct MaxInt), and
// NullTransform, which takes Next's general path for every frame, must
// change nothing.
func TestDecoderSplits(t *testing.T) {
	for _, tt := range decoderTests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			d.Reset(tt.cfg)
			whole := decodeChunks(t, &d, [][]byte{tt.in})
			ways := map[string][][]byte{"a byte at a time": split(tt.in, 1)}
			for i := 0; i <= len(tt.in); i++ {
				ways[fmt.Sprintf("split at %d", i)] = [][]byte{tt.in[:i], tt.in[i:]}
			}
			for how, chunks := range ways {
				for _, direct := range []int{0, tt.cfg.Direct, math.MaxInt} {
					for _, tr := range []Transform{nil, NullTransform{}} {
						cfg := tt.cfg
						cfg.Direct, cfg.Transform = direct, tr
						d.Reset(cfg)
						r := decodeChunks(t, &d, chunks)
						if !reflect.DeepEqual(r.events, whole.events) || r.rest != whole.rest ||
							fmt.Sprint(r.err) != fmt.Sprint(whole.err) {
							t.Fatalf("%s, Direct %d, Transform %T: %v rest %d err %v\nwhole: %v rest %d err %v",
								how, direct, tr, r.events, r.rest, r.err, whole.events, whole.rest, whole.err)
						}
					}
				}
			}
		})
	}
}

// TestDecoderDirect: a frame over Direct bytes that is not whole in the
// input is the caller's to read; a smaller one is waited for; a big one
// that is whole is decoded at once.
func TestDecoderDirect(t *testing.T) {
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: 256})
	in := frame(FlagMore, big300)

	f, n, err := d.Next(in[:100])
	if err != nil || f.Kind != FrameBody || n != 9 || f.Size != 300 || f.Flags != FlagMore {
		t.Fatalf("big frame, 100 bytes in hand: %+v n %d err %v", f, n, err)
	}
	if d.Mid() {
		t.Fatal("Mid before the frame's body is in")
	}
	f, err = d.Body([]byte(big300))
	if err != nil || !reflect.DeepEqual(eventOf(f), msg(big300, true, true)) || !d.Mid() {
		t.Fatalf("Body: %v err %v Mid %v", eventOf(f), err, d.Mid())
	}

	small := frame(0, strings.Repeat("y", 256))
	f, n, err = d.Next(small[:100])
	if err != nil || f.Kind != FrameNone || n != 0 || f.Need != 265-100 {
		t.Fatalf("frame of Direct bytes, 100 in hand: %+v n %d err %v", f, n, err)
	}
	f, n, err = d.Next(small)
	if err != nil || f.Kind != FrameMessage || n != len(small) || f.First || d.Mid() {
		t.Fatalf("whole frame: %+v n %d err %v", f, n, err)
	}

	// Need counts what a header still lacks.
	for _, tc := range []struct {
		in   []byte
		need int
	}{{nil, 2}, {[]byte{0}, 1}, {[]byte{FlagLong}, 8}, {[]byte{FlagLong, 0, 0}, 6}} {
		if f, n, err := d.Next(tc.in); err != nil || n != 0 || f.Kind != FrameNone || f.Need != tc.need {
			t.Errorf("Next(%x) = %+v, %d, %v; want Need %d", tc.in, f, n, err, tc.need)
		}
	}
}

// TestDecoderHugeHeader: with no MAXMSGSIZE, a header announcing more than
// MaxFrameSize fails from its 9 bytes alone; MaxFrameSize itself is handed
// to the caller, who allocates as the bytes arrive.
func TestDecoderHugeHeader(t *testing.T) {
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: 1 << 15})
	for _, size := range []uint64{1 << 62, 1<<63 - 1, MaxFrameSize + 1} {
		hdr := binary.BigEndian.AppendUint64([]byte{FlagLong}, size)
		if _, n, err := d.Next(hdr); !errors.Is(err, ErrTooLarge) || n != 0 {
			t.Errorf("size %#x: n %d err %v, want ErrTooLarge", size, n, err)
		}
	}
	hdr := binary.BigEndian.AppendUint64([]byte{FlagLong}, MaxFrameSize)
	if f, n, err := d.Next(hdr); err != nil || f.Kind != FrameBody || f.Size != MaxFrameSize || n != 9 {
		t.Errorf("MaxFrameSize: %+v n %d err %v", f, n, err)
	}
}

// TestDecoderFrameLimit: a message may have 65536 frames, not one more;
// commands between them do not count.
func TestDecoderFrameLimit(t *testing.T) {
	more := frame(FlagMore, "")
	in := bytes.Repeat(more, maxFrames-1)
	in = append(in, AppendPing(nil, 0, nil)...)
	for _, last := range []byte{0, FlagMore} {
		var d Decoder
		d.Reset(DecoderConfig{MaxMsgSize: -1})
		r := decodeChunks(t, &d, [][]byte{in, frame(last, "end")})
		if r.err != nil || len(r.events) != maxFrames+1 || d.Mid() != (last != 0) {
			t.Fatalf("65536th frame with flags %#x: %d events, err %v", last, len(r.events), r.err)
		}
		if last == 0 {
			// The next message starts the count again.
			r = decodeChunks(t, &d, [][]byte{bytes.Repeat(more, maxFrames-1), frame(0, "")})
			if r.err != nil {
				t.Fatalf("next message: %v", r.err)
			}
			continue
		}
		r = decodeChunks(t, &d, [][]byte{frame(0, "one too many")})
		if !errors.Is(r.err, ErrTooLarge) || len(r.events) != 0 {
			t.Fatalf("65537th frame: %v, err %v", r.events, r.err)
		}
	}
}

// TestDecoderLibzmqTraffic reads the traffic after the handshake in the
// libzmq 4.3.4 transcripts as the session would.
func TestDecoderLibzmqTraffic(t *testing.T) {
	tests := []struct {
		file string
		cfg  Config
		dcfg DecoderConfig
		want []event
	}{
		{"testdata/libzmq-push-handshake.hex", Config{SocketType: "PULL"}, DecoderConfig{MaxMsgSize: -1},
			[]event{single("hello")}},
		{"testdata/libzmq-req-handshake.hex", Config{SocketType: "REP"}, DecoderConfig{MaxMsgSize: -1},
			[]event{msg("", true, true), msg("hello", false, false)}},
		{"testdata/libzmq-sub-handshake.hex", Config{SocketType: "PUB"}, DecoderConfig{MaxMsgSize: -1, Subscriptions: true},
			[]event{{kind: FrameSubscribe, first: true, body: "topic"}, {kind: FrameCancel, first: true, body: "topic"}}},
	}
	for _, tt := range tests {
		h := NewHandshake(tt.cfg)
		_, rest, err := feed(t, h, readTranscript(t, tt.file))
		if err != nil || !h.Done() {
			t.Fatalf("%s: handshake: %v", tt.file, err)
		}
		var d Decoder
		d.Reset(tt.dcfg)
		if r := decodeChunks(t, &d, [][]byte{rest}); r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, tt.want) {
			t.Errorf("%s: %v rest %d err %v, want %v", tt.file, r.events, r.rest, r.err, tt.want)
		}
	}
}

func TestDecoderMisusePanics(t *testing.T) {
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1})
	mustPanic(t, "Body without FrameBody", func() { d.Body(nil) })
	if f, _, _ := d.Next(frame(0, big300)[:20]); f.Kind != FrameBody {
		t.Fatalf("got %+v", f)
	}
	mustPanic(t, "Body of the wrong size", func() { d.Body(make([]byte, 299)) })
	mustPanic(t, "Next before Body", func() { d.Next(nil) })
}

func mustPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	fn()
}

// TestDecoderAllocs: nothing is allocated per frame.
func TestDecoderAllocs(t *testing.T) {
	in := cat(frame(FlagMore, "routing"), frame(0, strings.Repeat("m", 64)), AppendPing(nil, 10, []byte("c")),
		AppendSubscribe(nil, []byte("t")), frame(0, big300))
	big := frame(0, big300)
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: 256, Subscriptions: true})
	allocs := testing.AllocsPerRun(100, func() {
		for b := in; len(b) > 0; {
			f, n, err := d.Next(b)
			if err != nil || f.Kind == FrameNone || f.Kind == FrameBody {
				t.Fatalf("%+v %v", f, err)
			}
			b = b[n:]
		}
		// And a big frame read by the caller.
		_, n, _ := d.Next(big[:100])
		d.Body(big[n:])
	})
	if allocs != 0 {
		t.Errorf("%v allocations per stream", allocs)
	}
}

// BenchmarkDecoder decodes a stream of 64-byte messages, as a PUSH/PULL
// stream does.
func BenchmarkDecoder(b *testing.B) {
	one := frame(0, strings.Repeat("m", 64))
	in := bytes.Repeat(one, 128)
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: 32 << 10})
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		for p := in; len(p) > 0; {
			_, n, err := d.Next(p)
			if err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
}

// TestDecoderShort: wherever Short takes a frame, Next takes the same one
// (the same length, body, flags and place in its message) and leaves the
// decoder in the same state; with a Transform, Short takes none. Run over
// every stream of the table and over a message at the frame limit.
func TestDecoderShort(t *testing.T) {
	type stream struct {
		name string
		cfg  DecoderConfig
		in   []byte
	}
	streams := []stream{{"frame limit", DecoderConfig{MaxMsgSize: -1},
		cat(bytes.Repeat(frame(FlagMore, ""), maxFrames), frame(0, "one too many"))}}
	for _, tt := range decoderTests {
		streams = append(streams, stream{tt.name, tt.cfg, tt.in})
	}
	for _, st := range streams {
		for _, tr := range []Transform{nil, NullTransform{}} {
			cfg := st.cfg
			cfg.Transform = tr
			var d Decoder
			d.Reset(cfg)
			taken := 0
			for b := st.in; ; {
				short := d
				n, more, first := short.Short(b)
				f, fn, err := d.Next(b)
				if n > 0 {
					taken++
					if tr != nil {
						t.Fatalf("%s: Short took a frame with a Transform", st.name)
					}
					if err != nil || f.Kind != FrameMessage || fn != n || !bytes.Equal(f.Body, b[2:n]) ||
						more != (f.Flags&FlagMore != 0) || first != f.First || short != d {
						t.Fatalf("%s: Short n %d more %v first %v; Next %+v n %d err %v", st.name, n, more, first, f, fn, err)
					}
				}
				if err != nil || fn == 0 || f.Kind == FrameBody {
					break
				}
				b = b[fn:]
			}
			if tr == nil && st.name == "frame limit" && taken != maxFrames {
				t.Errorf("frame limit: Short took %d frames, want %d (and not the one too many)", taken, maxFrames)
			}
		}
	}
}
