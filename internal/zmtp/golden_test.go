package zmtp

import (
	"bytes"
	"encoding/hex"
	mathrand "math/rand/v2"
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

// The fixed material of interop/cmd/transcript, which captured the secure
// transcripts; change them together.
var (
	goldenSeed         = [32]byte([]byte("zring golden transcript seed 001"))
	goldenServerSecret = [32]byte([]byte("SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS"))
	goldenClientSecret = [32]byte([]byte("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"))
)

// readDialogue reads a two-way transcript: "< hex" lines are what libzmq
// sent (one per read), "> hex" what our side sent.
func readDialogue(t *testing.T, path string) (theirs [][]byte, ours []byte) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(line[2:])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		switch line[:2] {
		case "< ":
			theirs = append(theirs, b)
		case "> ":
			ours = append(ours, b...)
		default:
			t.Fatalf("%s: line %q", path, line)
		}
	}
	return theirs, ours
}

// TestLibzmqSecureTranscripts replays PLAIN and CURVE handshakes captured
// from libzmq 4.3.4 in both roles (interop/cmd/transcript). With the
// capture's randomness and keys our side must send exactly what libzmq
// accepted then, take libzmq's bytes however they are cut, and open the
// message libzmq sent after the handshake.
func TestLibzmqSecureTranscripts(t *testing.T) {
	serverPublic := CurvePublic(goldenServerSecret)
	tests := []struct {
		file string
		cfg  Config
		want PeerInfo
	}{
		{
			file: "testdata/libzmq-plain-client.hex",
			cfg:  Config{SocketType: "PULL", Mechanism: MechanismPlain, AsServer: true},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismPlain, SocketType: "PUSH", UserID: "golden"},
		},
		{
			file: "testdata/libzmq-plain-server.hex",
			cfg:  Config{SocketType: "PULL", Mechanism: MechanismPlain, PlainUsername: []byte("admin"), PlainPassword: []byte("secret")},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismPlain, SocketType: "PUSH"},
		},
		{
			file: "testdata/libzmq-curve-client.hex",
			cfg:  Config{SocketType: "PULL", Mechanism: MechanismCurve, AsServer: true, CurveSecretKey: goldenServerSecret},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismCurve, SocketType: "PUSH", UserID: "golden"},
		},
		{
			file: "testdata/libzmq-curve-server.hex",
			cfg:  Config{SocketType: "PULL", Mechanism: MechanismCurve, CurveSecretKey: goldenClientSecret, CurveServerKey: serverPublic},
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismCurve, SocketType: "PUSH"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			theirs, wantOurs := readDialogue(t, tt.file)
			whole := bytes.Join(theirs, nil)
			for name, chunks := range map[string][][]byte{
				"as read":        theirs,
				"whole":          {whole},
				"byte at a time": split(whole, 1),
			} {
				cfg := tt.cfg
				cfg.Rand = mathrand.NewChaCha8(goldenSeed)
				h := NewHandshake(cfg)
				ours, rest, err := converse(h, chunks)
				if err != nil || !h.Done() {
					t.Fatalf("%s: err %v, Done %v", name, err, h.Done())
				}
				if !bytes.Equal(ours, wantOurs) {
					t.Fatalf("%s: we sent\n%x\nlibzmq was sent\n%x", name, ours, wantOurs)
				}
				if got := h.Peer(); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("%s: Peer = %+v\nwant %+v", name, got, tt.want)
				}
				tr := h.Transform()
				if tr == nil {
					tr = NullTransform{}
				}
				var frames []wantFrame
				for len(rest) > 0 {
					flags, size, n, err := ParseFrameHeader(rest, -1)
					if err != nil || n == 0 || len(rest) < n+size {
						t.Fatalf("%s: traffic %x: flags %#x size %d n %d err %v", name, rest, flags, size, n, err)
					}
					flags, body, err := tr.Open(flags, rest[n:n+size])
					if err != nil {
						t.Fatalf("%s: Open: %v", name, err)
					}
					frames = append(frames, wantFrame{flags, string(body)})
					rest = rest[n+size:]
				}
				if want := []wantFrame{{0, "hello"}}; !reflect.DeepEqual(frames, want) {
					t.Errorf("%s: frames after the handshake = %q, want %q", name, frames, want)
				}
			}
		})
	}
}

// converse runs h against a peer whose bytes arrive in chunks, answering
// ZAP with 200 and User-Id "golden" as the capture did, and returns what h
// sent and the bytes after the handshake.
func converse(h *Handshake, chunks [][]byte) (ours, rest []byte, err error) {
	var buf []byte
	for i := 0; ; {
		ours = h.Output(ours)
		if _, ok := h.ZAPPending(); ok {
			if err := h.ZAPReply(ZAPReply{StatusCode: "200", UserID: []byte("golden")}); err != nil {
				return ours, nil, err
			}
			continue
		}
		if h.Done() {
			return ours, append(buf, bytes.Join(chunks[i:], nil)...), nil
		}
		n, err := h.Input(buf)
		buf = buf[n:]
		if err != nil {
			return ours, buf, err
		}
		if n > 0 {
			continue
		}
		if i == len(chunks) {
			return ours, buf, nil
		}
		buf = append(buf, chunks[i]...)
		i++
	}
}
