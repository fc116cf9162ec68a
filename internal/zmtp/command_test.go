package zmtp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// cat joins pieces of wire bytes.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestAppendCommand(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		data []byte
		want []byte
	}{
		{"no data", "PING", nil, []byte("\x04\x05\x04PING")},
		{"data", "X", []byte("ab"), []byte("\x04\x04\x01Xab")},
		{"body of exactly 255", "A", bytes.Repeat([]byte{'z'}, 253), cat([]byte("\x04\xff\x01A"), bytes.Repeat([]byte{'z'}, 253))},
		{"body of 256 goes long", "A", bytes.Repeat([]byte{'z'}, 254), cat([]byte("\x06\x00\x00\x00\x00\x00\x00\x01\x00\x01A"), bytes.Repeat([]byte{'z'}, 254))},
		{"255-byte name", strings.Repeat("N", 255), nil, cat([]byte("\x06\x00\x00\x00\x00\x00\x00\x01\x00\xff"), bytes.Repeat([]byte{'N'}, 255))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendCommand(nil, tt.cmd, tt.data)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("AppendCommand = %x\nwant %x", got, tt.want)
			}
			// And it reads back.
			flags, size, n, err := ParseFrameHeader(got, -1)
			if err != nil || flags != FlagCommand || n+size != len(got) {
				t.Fatalf("header: flags %#x size %d n %d err %v", flags, size, n, err)
			}
			name, data, err := ParseCommand(got[n:])
			if err != nil || string(name) != tt.cmd || !bytes.Equal(data, tt.data) {
				t.Errorf("ParseCommand = %q, %q, %v", name, data, err)
			}
		})
	}
}

func TestAppendCommandBadNamePanics(t *testing.T) {
	for _, name := range []string{"", strings.Repeat("N", 256)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendCommand with a %d-byte name did not panic", len(name))
				}
			}()
			AppendCommand(nil, name, nil)
		}()
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		wantName string
		wantData string
		wantErr  error
	}{
		{"name and data", []byte("\x05READYabc"), "READY", "abc", nil},
		{"name fills the body", []byte("\x04PING"), "PING", "", nil},
		{"one-letter name", []byte("\x01X"), "X", "", nil},
		{"empty body", nil, "", "", ErrMalformed},
		{"empty name", []byte("\x00abc"), "", "", ErrMalformed},
		{"only the length byte", []byte("\x05"), "", "", ErrMalformed},
		{"name longer than its frame", []byte("\x09SUBSCR"), "", "", ErrMalformed},
		{"name length 255 in a short body", []byte("\xffREADY"), "", "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data, err := ParseCommand(tt.body)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseCommand(%q) error = %v, want %v", tt.body, err, tt.wantErr)
			}
			if string(name) != tt.wantName || string(data) != tt.wantData {
				t.Errorf("ParseCommand(%q) = %q, %q", tt.body, name, data)
			}
		})
	}
}

func TestParseCommandAllocs(t *testing.T) {
	body := []byte("\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH")
	if n := testing.AllocsPerRun(100, func() { ParseCommand(body) }); n != 0 {
		t.Errorf("ParseCommand allocates %v times", n)
	}
}

func TestAppendReady(t *testing.T) {
	// The READY libzmq 4.3.4's PUSH sends (testdata/libzmq-push-handshake.hex).
	want := []byte("\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH")
	if got := AppendReady(nil, []Property{{"Socket-Type", []byte("PUSH")}}); !bytes.Equal(got, want) {
		t.Errorf("AppendReady = %q, want %q", got, want)
	}
	if got := AppendReady(nil, nil); !bytes.Equal(got, []byte("\x04\x06\x05READY")) {
		t.Errorf("AppendReady with no properties = %q", got)
	}
	// Big metadata makes a long frame whose size counts everything.
	props := []Property{{"X-Big", bytes.Repeat([]byte{1}, 1000)}}
	got := AppendReady(nil, props)
	_, size, n, err := ParseFrameHeader(got, -1)
	if err != nil || n != 9 || n+size != len(got) || size != 6+metadataSize(props) {
		t.Errorf("long READY: size %d n %d len %d err %v", size, n, len(got), err)
	}
}

func TestAppendError(t *testing.T) {
	tests := []struct {
		reason string
		want   []byte
	}{
		{"", []byte("\x04\x07\x05ERROR\x00")},
		{"no", []byte("\x04\x09\x05ERROR\x02no")},
		{strings.Repeat("r", 255), cat([]byte("\x06\x00\x00\x00\x00\x00\x00\x01\x06\x05ERROR\xff"), bytes.Repeat([]byte{'r'}, 255))},
		{strings.Repeat("r", 300), cat([]byte("\x06\x00\x00\x00\x00\x00\x00\x01\x06\x05ERROR\xff"), bytes.Repeat([]byte{'r'}, 255))},
	}
	for _, tt := range tests {
		got := AppendError(nil, tt.reason)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("AppendError(%d bytes) = %x\nwant %x", len(tt.reason), got, tt.want)
		}
	}
}

func TestParseErrorReason(t *testing.T) {
	tests := []struct{ data, want string }{
		{"", ""},
		{"\x00", ""},
		{"\x03400", "400"},
		{"\x03400trailing", "400"},
		{"\x09cut", "cut"}, // overrunning length: keep what is there
	}
	for _, tt := range tests {
		if got := parseErrorReason([]byte(tt.data)); string(got) != tt.want {
			t.Errorf("parseErrorReason(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}

func TestPingPong(t *testing.T) {
	tests := []struct {
		name    string
		ttl     uint16
		context []byte
		want    []byte
		wantCtx []byte
	}{
		{"no context", 0, nil, []byte("\x04\x07\x04PING\x00\x00"), nil},
		{"ttl and context", 300, []byte("ctx"), []byte("\x04\x0a\x04PING\x01\x2cctx"), []byte("ctx")},
		{"16-byte context", 1, []byte("0123456789abcdef"), []byte("\x04\x17\x04PING\x00\x010123456789abcdef"), []byte("0123456789abcdef")},
		{"context cut to 16", 1, []byte("0123456789abcdefXYZ"), []byte("\x04\x17\x04PING\x00\x010123456789abcdef"), []byte("0123456789abcdef")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendPing(nil, tt.ttl, tt.context)
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("AppendPing = %q, want %q", got, tt.want)
			}
			name, data, err := ParseCommand(got[2:])
			if err != nil || string(name) != "PING" {
				t.Fatalf("ParseCommand = %q, %v", name, err)
			}
			ttl, ctx, err := ParsePing(data)
			if err != nil || ttl != tt.ttl || !bytes.Equal(ctx, tt.wantCtx) {
				t.Errorf("ParsePing = %d, %q, %v", ttl, ctx, err)
			}
			pong := AppendPong(nil, ctx)
			if want := cat([]byte{0x04, byte(5 + len(ctx)), 4}, []byte("PONG"), ctx); !bytes.Equal(pong, want) {
				t.Errorf("AppendPong = %q, want %q", pong, want)
			}
		})
	}
	if got := AppendPong(nil, []byte("0123456789abcdefXYZ")); !bytes.Equal(got, []byte("\x04\x15\x04PONG0123456789abcdef")) {
		t.Errorf("AppendPong with a long context = %q", got)
	}
}

func TestParsePing(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantTTL uint16
		wantCtx string
		wantErr error
	}{
		{"ttl only", []byte{0xFF, 0xFF}, 0xFFFF, "", nil},
		{"16-byte context", []byte("\x00\x0a0123456789abcdef"), 10, "0123456789abcdef", nil},
		{"empty", nil, 0, "", ErrMalformed},
		{"half a ttl", []byte{0x01}, 0, "", ErrMalformed},
		{"17-byte context", []byte("\x00\x0a0123456789abcdefg"), 0, "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ttl, ctx, err := ParsePing(tt.data)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParsePing error = %v, want %v", err, tt.wantErr)
			}
			if ttl != tt.wantTTL || string(ctx) != tt.wantCtx {
				t.Errorf("ParsePing = %d, %q", ttl, ctx)
			}
		})
	}
}

func TestSubscribeCancel(t *testing.T) {
	if got := AppendSubscribe(nil, []byte("topic")); !bytes.Equal(got, []byte("\x04\x0f\x09SUBSCRIBEtopic")) {
		t.Errorf("AppendSubscribe = %q", got)
	}
	if got := AppendSubscribe(nil, nil); !bytes.Equal(got, []byte("\x04\x0a\x09SUBSCRIBE")) {
		t.Errorf("AppendSubscribe of everything = %q", got)
	}
	if got := AppendCancel(nil, []byte("topic")); !bytes.Equal(got, []byte("\x04\x0c\x06CANCELtopic")) {
		t.Errorf("AppendCancel = %q", got)
	}
	long := bytes.Repeat([]byte{'t'}, 300)
	got := AppendSubscribe(nil, long)
	flags, size, n, err := ParseFrameHeader(got, -1)
	if err != nil || flags != FlagCommand || n != 9 || size != 310 {
		t.Fatalf("long SUBSCRIBE header: %#x %d %d %v", flags, size, n, err)
	}
	name, topic, err := ParseCommand(got[n:])
	if err != nil || string(name) != "SUBSCRIBE" || !bytes.Equal(topic, long) {
		t.Errorf("long SUBSCRIBE = %q, %d bytes, %v", name, len(topic), err)
	}
}
