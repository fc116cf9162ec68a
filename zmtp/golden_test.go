package zmtp

import (
	"bytes"
	"encoding/hex"
	"os"
	"reflect"
	"strings"
	"testing"
)

// readTranscript reads a testdata/*.hex transcript: one hex line per read
// the capturing listener made, lines starting with # are comments.
func readTranscript(t *testing.T, path string) (reads [][]byte) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		reads = append(reads, b)
	}
	return reads
}

type wantFrame struct {
	flags byte
	body  string
}

// TestLibzmqTranscripts feeds what real libzmq 4.3.4 sockets sent (see the
// comment at the top of each file) to our side of the handshake, then reads
// the traffic after it as frames.
func TestLibzmqTranscripts(t *testing.T) {
	tests := []struct {
		file   string
		cfg    Config
		want   PeerInfo
		frames []wantFrame
	}{
		{
			file:   "testdata/libzmq-push-handshake.hex",
			cfg:    Config{SocketType: "PULL"},
			want:   PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "PUSH"},
			frames: []wantFrame{{0, "hello"}},
		},
		{
			file: "testdata/libzmq-req-handshake.hex",
			cfg:  Config{SocketType: "REP"},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "REQ", Identity: []byte("abc")},
			// REQ puts an empty delimiter frame before the request.
			frames: []wantFrame{{FlagMore, ""}, {0, "hello"}},
		},
		{
			file: "testdata/libzmq-sub-handshake.hex",
			cfg:  Config{SocketType: "PUB"},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "SUB"},
			// Exactly what AppendSubscribe and AppendCancel build.
			frames: []wantFrame{
				{FlagCommand, string(AppendSubscribe(nil, []byte("topic"))[2:])},
				{FlagCommand, string(AppendCancel(nil, []byte("topic"))[2:])},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			reads := readTranscript(t, tt.file)
			whole := bytes.Join(reads, nil)
			for name, chunks := range map[string][][]byte{
				"as read":        reads,
				"whole":          {whole},
				"byte at a time": split(whole, 1),
			} {
				h := NewHandshake(tt.cfg)
				_, rest, err := feed(t, h, chunks)
				if err != nil || !h.Done() {
					t.Fatalf("%s: err %v, Done %v", name, err, h.Done())
				}
				if got := h.Peer(); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("%s: Peer = %+v\nwant %+v", name, got, tt.want)
				}
				var frames []wantFrame
				for len(rest) > 0 {
					flags, size, n, err := ParseFrameHeader(rest, -1)
					if err != nil || n == 0 || len(rest) < n+size {
						t.Fatalf("%s: traffic %x: flags %#x size %d n %d err %v", name, rest, flags, size, n, err)
					}
					frames = append(frames, wantFrame{flags, string(rest[n : n+size])})
					rest = rest[n+size:]
				}
				if !reflect.DeepEqual(frames, tt.frames) {
					t.Errorf("%s: frames after the handshake = %q, want %q", name, frames, tt.frames)
				}
			}
		})
	}
}
