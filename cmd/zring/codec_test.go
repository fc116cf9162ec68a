package main

import (
	"bytes"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// readAll reads every message of input as zring would from standard input.
func readAll(input string, enc encoding, sep string) ([][][]byte, error) {
	mr := newMessageReader(strings.NewReader(input), enc, sep)
	var msgs [][][]byte
	for {
		m, err := mr.read()
		if err == io.EOF {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, m)
	}
}

func frames(parts ...string) [][]byte {
	f := make([][]byte, len(parts))
	for i, p := range parts {
		f[i] = []byte(p)
	}
	return f
}

func TestMessageReader(t *testing.T) {
	cases := []struct {
		name, input string
		enc         encoding
		sep         string
		want        [][][]byte
		err         string
	}{
		{"lines", "a\n\nb c", encText, "", [][][]byte{frames("a"), frames(""), frames("b c")}, ""},
		{"no input", "", encText, "", nil, ""},
		{"carriage return kept", "a\r\n", encText, "", [][][]byte{frames("a\r")}, ""},
		{"sep", "a|b||\n", encText, "|", [][][]byte{frames("a", "b", "", "")}, ""},
		{"long sep", "a::b\n", encText, "::", [][][]byte{frames("a", "b")}, ""},
		{"hex", "6869|FF\n", encHex, "|", [][][]byte{frames("hi", "\xff")}, ""},
		{"odd hex", "686\n", encHex, "", nil, "input line 1: not hex"},
		{"bad hex frame", "68|zz\n", encHex, "|", nil, "input line 1, frame 2: not hex"},
		{"base64 with and without padding", "aGk=\naGk\n", encBase64, "", [][][]byte{frames("hi"), frames("hi")}, ""},
		{"bad base64", "ok\n!!\n", encBase64, "", nil, "input line 2: not base64"},
		{"frames", "\x01\x00\x00\x00\x02ab\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\n", encFrames, "", [][][]byte{frames("ab", ""), frames("\n")}, ""},
		{"frames: header cut", "\x00\x00\x00", encFrames, "", nil, "ends inside a message"},
		{"frames: more then end", "\x01\x00\x00\x00\x00", encFrames, "", nil, "ends inside a message"},
		{"frames: body cut", "\x00\x00\x00\x00\x05abc", encFrames, "", nil, "a frame of 5 bytes ends after 3"},
		{"frames: unknown flag", "\x02\x00\x00\x00\x00", encFrames, "", nil, "only bit 0 (more) is defined"},
	}
	for _, c := range cases {
		got, err := readAll(c.input, c.enc, c.sep)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

// A length prefix claiming 4 GiB costs what the input holds, not 4 GiB.
func TestMessageReaderTrustsNoLength(t *testing.T) {
	input := "\x00\xff\xff\xff\xff" + strings.Repeat("x", 1000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readAll(input, encFrames, "")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "ends after 1000") {
		t.Fatalf("error %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("reading 1 KB that claims 4 GiB allocated %d bytes", grew)
	}
}

func TestMessageWriter(t *testing.T) {
	msg := frames("hi", "", "\x00\n")
	cases := []struct {
		enc  encoding
		sep  string
		want string
	}{
		{encText, "", "hi\t\t\x00\n\n"},
		{encText, " | ", "hi |  | \x00\n\n"},
		{encHex, ",", "6869,,000a\n"},
		{encBase64, ",", "aGk=,,AAo=\n"},
		{encFrames, "ignored", "\x01\x00\x00\x00\x02hi\x01\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		mw := newMessageWriter(&b, c.enc, c.sep)
		if err := mw.write(msg); err != nil {
			t.Fatal(err)
		}
		mw.flush()
		if b.String() != c.want {
			t.Errorf("%s, sep %q: wrote %q, want %q", c.enc, c.sep, b.String(), c.want)
		}
	}
	// Hex is written in chunks; a frame longer than a chunk is whole.
	var b bytes.Buffer
	mw := newMessageWriter(&b, encHex, "")
	mw.write([][]byte{bytes.Repeat([]byte{0xab}, 1000)})
	mw.flush()
	if b.String() != strings.Repeat("ab", 1000)+"\n" {
		t.Errorf("a 1000-byte frame in hex: %d characters", b.Len())
	}
}

// What the writer writes, the reader reads back, for every encoding that
// can carry any bytes.
func FuzzFramesRoundTrip(f *testing.F) {
	f.Add([]byte("hello"), []byte(""), []byte("\n\x00|"))
	f.Add([]byte{}, []byte{0xff}, []byte("\t"))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		msg := [][]byte{a, b, c}
		for _, enc := range []encoding{encHex, encBase64, encFrames} {
			var buf bytes.Buffer
			mw := newMessageWriter(&buf, enc, "|")
			if err := mw.write(msg); err != nil {
				t.Fatal(err)
			}
			mw.flush()
			got, err := readAll(buf.String(), enc, "|")
			if err != nil || len(got) != 1 || !reflect.DeepEqual(normalize(got[0]), normalize(msg)) {
				t.Fatalf("%s: wrote %q, read %q, %v", enc, msg, got, err)
			}
		}
	})
}

// Whatever standard input holds, reading it ends in messages or an error,
// never a panic.
func FuzzMessageReader(f *testing.F) {
	f.Add([]byte("a|b\n\n"), uint8(encText))
	f.Add([]byte("\x01\x00\x00\x00\x01a\x00\x00\x00\x00\x00"), uint8(encFrames))
	f.Add([]byte("zz|00\n"), uint8(encHex))
	f.Fuzz(func(t *testing.T, input []byte, enc uint8) {
		readAll(string(input), encoding(enc%4), "|")
	})
}

func normalize(m [][]byte) []string {
	s := make([]string, len(m))
	for i, f := range m {
		s[i] = string(f)
	}
	return s
}

func TestParseEndpoint(t *testing.T) {
	cases := []struct {
		arg  string
		bind bool // the default
		want endpoint
		bad  bool
	}{
		{"tcp://h:1", false, endpoint{"tcp://h:1", false}, false},
		{"tcp://h:1", true, endpoint{"tcp://h:1", true}, false},
		{"@tcp://*:1", false, endpoint{"tcp://*:1", true}, false},
		{">ipc:///tmp/x", true, endpoint{"ipc:///tmp/x", false}, false},
		{"h:1", false, endpoint{}, true},
		{"tcp://", false, endpoint{}, true},
		{"@", false, endpoint{}, true},
	}
	for _, c := range cases {
		got, err := parseEndpoint(c.arg, c.bind)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parseEndpoint(%q, %v) = %v, %v", c.arg, c.bind, got, err)
		}
	}
	for ep, want := range map[string]bool{"tcp://127.0.0.1:0": true, "tcp://*:*": true, "ipc://*": true, "tcp://*:5555": false, "inproc://0": false} {
		if ephemeral(ep) != want {
			t.Errorf("ephemeral(%q) = %v", ep, !want)
		}
	}
}

func TestMillis(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ms   int
		bad  bool
	}{
		{"250", 250 * time.Millisecond, 250, false},
		{"1.5s", 1500 * time.Millisecond, 1500, false},
		{"0", 0, 0, false},
		{"-1", -1, -1, false},
		{"-2", 0, 0, true},
		{"-1s", 0, 0, true},
		{"soon", 0, 0, true},
	}
	for _, c := range cases {
		var m millis
		err := m.Set(c.in)
		if (err != nil) != c.bad || (!c.bad && (m.d != c.want || m.ms() != c.ms || !m.set)) {
			t.Errorf("millis.Set(%q): %v, %v", c.in, m, err)
		}
	}
}

// Flags may come after the endpoints, as users type them; "--" ends them.
func TestParseFlagsInterspersed(t *testing.T) {
	c := &cli{stdout: io.Discard, stderr: io.Discard}
	var n int
	var sep string
	fs := newFlagSet("x", "", "", "")
	fs.IntVar(&n, "n", 0, "")
	fs.StringVar(&sep, "sep", "", "")
	args, err := parseFlags(c, fs, []string{"tcp://a:1", "-n", "3", "tcp://b:2", "-sep", "--", "--", "-n"})
	if err != nil || n != 3 || sep != "--" || !reflect.DeepEqual(args, []string{"tcp://a:1", "tcp://b:2", "-n"}) {
		t.Fatalf("args %q, n %d, sep %q, err %v", args, n, sep, err)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four\nfive\n\n  kept   as is\n\nsix", 9)
	want := "one two\nthree\nfour five\n\n  kept   as is\n\nsix\n"
	if got != want {
		t.Fatalf("wrap: %q, want %q", got, want)
	}
}
