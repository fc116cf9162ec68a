package zmtp

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func nullGreeting(minor byte) []byte {
	return Greeting{Major: 3, Minor: minor, Mechanism: "NULL"}.Append(nil)
}

func prop(name, value string) Property { return Property{Name: name, Value: []byte(value)} }

// feed gives h the stream in chunks as a caller would: unconsumed bytes are
// kept and the next chunk appended to them. It checks Input's promises on
// the way and returns the total consumed and the bytes left over.
func feed(t testing.TB, h *Handshake, chunks [][]byte) (consumed int, rest []byte, err error) {
	t.Helper()
	var buf []byte
	for _, c := range chunks {
		buf = append(buf, c...)
		n, err := h.Input(buf)
		if n < 0 || n > len(buf) {
			t.Fatalf("Input consumed %d of %d bytes", n, len(buf))
		}
		consumed += n
		buf = buf[n:]
		if err != nil {
			return consumed, buf, err
		}
	}
	return consumed, buf, nil
}

// sameInChunks feeds data to pieces in chunks of size and fails t unless
// that ends as feeding it whole to whole ended (n bytes consumed, errWhole):
// the same Done, the same error, the same bytes consumed.
func sameInChunks(t testing.TB, whole *Handshake, n int, errWhole error, pieces *Handshake, data []byte, size int) {
	t.Helper()
	consumed, _, errPieces := feed(t, pieces, split(data, size))
	if whole.Done() != pieces.Done() || (errWhole == nil) != (errPieces == nil) ||
		errWhole != nil && errWhole.Error() != errPieces.Error() || consumed != n {
		t.Fatalf("whole: n %d Done %v err %v; in chunks of %d: n %d Done %v err %v",
			n, whole.Done(), errWhole, size, consumed, pieces.Done(), errPieces)
	}
}

// split cuts b into pieces of size (the last one shorter).
func split(b []byte, size int) [][]byte {
	var out [][]byte
	for len(b) > size {
		out = append(out, b[:size])
		b = b[size:]
	}
	return append(out, b)
}

func TestHandshakeOutput(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantReady []Property
	}{
		{"PUSH sends only Socket-Type", Config{SocketType: "PUSH", Identity: []byte("ignored")},
			[]Property{prop("Socket-Type", "PUSH")}},
		{"REQ sends its Identity", Config{SocketType: "REQ", Identity: []byte("abc")},
			[]Property{prop("Socket-Type", "REQ"), prop("Identity", "abc")}},
		{"DEALER sends an empty Identity when it has none, as libzmq does", Config{SocketType: "DEALER"},
			[]Property{prop("Socket-Type", "DEALER"), prop("Identity", "")}},
		{"ROUTER with application metadata", Config{SocketType: "ROUTER", Identity: []byte{1}, Metadata: []Property{prop("X-Color", "blue"), prop("X-Empty", "")}},
			[]Property{prop("Socket-Type", "ROUTER"), {Name: "Identity", Value: []byte{1}}, prop("X-Color", "blue"), prop("X-Empty", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandshake(tt.cfg)
			if got := h.Output(nil); !bytes.Equal(got, nullGreeting(1)) {
				t.Fatalf("first Output = %x, want our greeting", got)
			}
			if got := h.Output(nil); len(got) != 0 {
				t.Fatalf("second Output = %x, want nothing", got)
			}
			if n, err := h.Input(nullGreeting(1)); n != GreetingSize || err != nil {
				t.Fatalf("Input(greeting) = %d, %v", n, err)
			}
			if got, want := h.Output(nil), AppendReady(nil, tt.wantReady); !bytes.Equal(got, want) {
				t.Errorf("Output after the greeting = %q\nwant %q", got, want)
			}
			if h.Done() {
				t.Error("Done before the peer's READY")
			}
		})
	}
}

func TestHandshakeOutputKeepsOrder(t *testing.T) {
	// Input before the first Output: the greeting still goes first.
	h := NewHandshake(Config{SocketType: "PULL"})
	in := cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "PUSH")}))
	if n, err := h.Input(in); n != len(in) || err != nil || !h.Done() {
		t.Fatalf("Input = %d, %v, Done %v", n, err, h.Done())
	}
	want := cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "PULL")}))
	if got := h.Output([]byte("x")); !bytes.Equal(got, cat([]byte("x"), want)) {
		t.Errorf("Output = %q, want x%q", got, want)
	}
}

func TestHandshakeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		peer  []byte
		want  PeerInfo
		extra []byte // traffic after the handshake
	}{
		{
			name:  "PULL from PUSH, then a message",
			cfg:   Config{SocketType: "PULL"},
			peer:  cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "PUSH")})),
			want:  PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "PUSH"},
			extra: []byte("\x00\x05hello"),
		},
		{
			name: "ROUTER from DEALER with identity and metadata, in order",
			cfg:  Config{SocketType: "ROUTER"},
			peer: cat(nullGreeting(1), AppendReady(nil, []Property{
				prop("Socket-Type", "DEALER"), prop("Identity", "peer-1"), prop("X-A", "1"), prop("Resource", "svc/x"), prop("X-B", ""),
			})),
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "DEALER", Identity: []byte("peer-1"),
				Metadata: []Property{prop("X-A", "1"), prop("Resource", "svc/x"), prop("X-B", "")}},
			extra: []byte("\x01\x00\x00\x02hi\x04\x07\x04PING\x00\x00"),
		},
		{
			name: "property names are case-insensitive",
			cfg:  Config{SocketType: "REP"},
			peer: cat(nullGreeting(1), AppendReady(nil, []Property{prop("socket-TYPE", "REQ"), prop("IDENTITY", "")})),
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "REQ", Identity: []byte{}},
		},
		{
			name: "ZMTP 3.0 peer",
			cfg:  Config{SocketType: "SUB"},
			peer: cat(nullGreeting(0), AppendReady(nil, []Property{prop("Socket-Type", "XPUB")})),
			want: PeerInfo{Major: 3, Minor: 0, Mechanism: "NULL", SocketType: "XPUB"},
		},
		{
			name: "libzmq-style greeting padding, newer version",
			cfg:  Config{SocketType: "PAIR"},
			peer: cat(greetingBytes(3, 2, "NULL", 0, map[int]byte{8: 4}), AppendReady(nil, []Property{prop("Socket-Type", "PAIR")})),
			want: PeerInfo{Major: 3, Minor: 2, Mechanism: "NULL", SocketType: "PAIR"},
		},
		{
			name: "a READY in a long frame",
			cfg:  Config{SocketType: "CLIENT", MaxFrame: 1 << 20},
			peer: cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "SERVER"), prop("X-Big", strings.Repeat("b", 70000))})),
			want: PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "SERVER", Metadata: []Property{prop("X-Big", strings.Repeat("b", 70000))}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := cat(tt.peer, tt.extra)
			for _, size := range []int{len(stream), 1, 2, 3, 7, 63, 64, 65} {
				h := NewHandshake(tt.cfg)
				consumed, rest, err := feed(t, h, split(stream, size))
				if err != nil || !h.Done() {
					t.Fatalf("chunks of %d: err %v, Done %v", size, err, h.Done())
				}
				if consumed != len(tt.peer) || !bytes.Equal(rest, tt.extra) {
					t.Fatalf("chunks of %d: consumed %d, rest %q; want %d, %q", size, consumed, rest, len(tt.peer), tt.extra)
				}
				if got := h.Peer(); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("chunks of %d: Peer = %+v\nwant %+v", size, got, tt.want)
				}
				if n, err := h.Input(rest); n != 0 || err != nil {
					t.Fatalf("Input after Done = %d, %v; want 0, nil", n, err)
				}
			}
		})
	}
}

// TestHandshakeSplitEverywhere cuts a valid stream at every offset into two
// Inputs, and then into three around the READY.
func TestHandshakeSplitEverywhere(t *testing.T) {
	ready := AppendReady(nil, []Property{prop("Socket-Type", "ROUTER"), prop("Identity", "x"), prop("X-Y", "z")})
	peer := cat(nullGreeting(1), ready)
	stream := cat(peer, []byte("\x01\x00\x00\x03abc"))
	want := PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "ROUTER", Identity: []byte("x"), Metadata: []Property{prop("X-Y", "z")}}
	for i := 0; i <= len(stream); i++ {
		for _, j := range []int{i, i + 1, i + 9, len(stream)} {
			if j > len(stream) {
				continue
			}
			h := NewHandshake(Config{SocketType: "DEALER"})
			consumed, rest, err := feed(t, h, [][]byte{stream[:i], stream[i:j], stream[j:]})
			if err != nil || !h.Done() || consumed != len(peer) || !bytes.Equal(rest, stream[len(peer):]) {
				t.Fatalf("split at %d,%d: err %v Done %v consumed %d rest %q", i, j, err, h.Done(), consumed, rest)
			}
			if !reflect.DeepEqual(h.Peer(), want) {
				t.Fatalf("split at %d,%d: Peer = %+v", i, j, h.Peer())
			}
		}
	}
}

func TestHandshakeRejects(t *testing.T) {
	greeting := nullGreeting(1)
	readyFrom := func(props ...Property) []byte { return cat(greeting, AppendReady(nil, props)) }
	// A READY whose property value length overruns its frame.
	truncatedReady := cat(greeting, AppendCommand(nil, "READY", []byte("\x0bSocket-Type\x00\x00\x00\x09PUSH")))
	tests := []struct {
		name      string
		cfg       Config
		in        []byte
		wantErr   error
		wantText  string
		wantERROR bool // an ERROR command is queued for the peer
	}{
		{name: "not ZMTP: first byte", in: []byte("GET / HTTP/1.1\r\n"), wantErr: ErrSignature},
		{name: "refused on the first byte alone", in: []byte{0x00}, wantErr: ErrSignature},
		{name: "ZMTP 1.0 signature", in: greetingBytes(3, 1, "NULL", 0, map[int]byte{9: 0x00})[:10], wantErr: ErrSignature},
		{name: "ZMTP 2.0 peer, refused at its version byte", in: greetingBytes(1, 0, "NULL", 0, nil)[:11], wantErr: ErrVersion},
		{name: "mechanism mismatch", in: Greeting{3, 1, "PLAIN", false}.Append(nil), wantErr: ErrMechanism, wantText: "PLAIN"},
		{name: "unknown mechanism", in: greetingBytes(3, 1, "MAGIC", 0, nil), wantErr: ErrMechanism},
		{name: "garbage mechanism", in: greetingBytes(3, 1, "\xffNULL", 0, nil), wantErr: ErrMechanism},
		{name: "frame longer than MaxFrame", cfg: Config{MaxFrame: 100}, in: cat(greeting, AppendFrameHeader(nil, FlagCommand, 101)), wantErr: ErrTooLarge},
		{name: "frame longer than the default 65536", in: cat(greeting, AppendFrameHeader(nil, FlagCommand, 65537)), wantErr: ErrTooLarge},
		{name: "long size with top bit set", in: cat(greeting, []byte{0x06, 0x80, 0, 0, 0, 0, 0, 0, 0}), wantErr: ErrMalformed},
		{name: "reserved flag bits", in: cat(greeting, []byte{0x0C}), wantErr: ErrMalformed},
		{name: "message frame before READY", in: cat(greeting, []byte("\x00\x05hello")), wantErr: ErrMalformed},
		{name: "command with MORE", in: cat(greeting, []byte("\x05\x06\x05READY")), wantErr: ErrMalformed},
		{name: "empty command frame", in: cat(greeting, []byte{0x04, 0x00}), wantErr: ErrMalformed},
		{name: "command name longer than its frame", in: cat(greeting, []byte("\x04\x04\x05REA")), wantErr: ErrMalformed},
		{name: "truncated metadata", in: truncatedReady, wantErr: ErrMalformed},
		{name: "metadata with a stray byte", in: cat(greeting, AppendCommand(nil, "READY", cat(AppendMetadata(nil, []Property{prop("Socket-Type", "PUSH")}), []byte{3}))), wantErr: ErrMalformed},
		{name: "unexpected command in NULL", in: cat(greeting, AppendCommand(nil, "HELLO", nil)), wantErr: ErrMalformed, wantText: "HELLO"},
		{name: "PING before READY", in: cat(greeting, AppendPing(nil, 0, nil)), wantErr: ErrMalformed},
		{name: "incompatible socket type", in: readyFrom(prop("Socket-Type", "PULL")), wantErr: ErrIncompatible, wantText: "PULL", wantERROR: true},
		{name: "socket type values are case-sensitive", in: readyFrom(prop("Socket-Type", "push")), wantErr: ErrIncompatible, wantERROR: true},
		{name: "STREAM peer", in: readyFrom(prop("Socket-Type", "STREAM")), wantErr: ErrIncompatible, wantERROR: true},
		{name: "a second, bad Socket-Type", in: readyFrom(prop("Socket-Type", "PUSH"), prop("Socket-Type", "PUB")), wantErr: ErrIncompatible, wantERROR: true},
		{name: "no Socket-Type", in: readyFrom(prop("Identity", "x")), wantErr: ErrIncompatible, wantERROR: true},
		{name: "empty READY", in: readyFrom(), wantErr: ErrIncompatible, wantERROR: true},
		{name: "peer ERROR", in: cat(greeting, AppendError(nil, "Go away")), wantErr: ErrPeerError, wantText: "Go away"},
		{name: "peer ERROR with an overrunning reason", in: cat(greeting, AppendCommand(nil, "ERROR", []byte("\x20short"))), wantErr: ErrPeerError, wantText: "short"},
		{name: "peer ERROR with no reason", in: cat(greeting, AppendCommand(nil, "ERROR", nil)), wantErr: ErrPeerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.SocketType = "PULL"
			for _, size := range []int{len(tt.in), 1} {
				h := NewHandshake(cfg)
				h.Output(nil)
				_, _, err := feed(t, h, split(tt.in, size))
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("chunks of %d: error %v, want %v", size, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("error %q does not mention %q", err, tt.wantText)
				}
				if h.Done() {
					t.Error("Done after a failure")
				}
				// The failure sticks and consumes nothing more.
				if n, err2 := h.Input(tt.in); n != 0 || err2 != err {
					t.Errorf("Input after failure = %d, %v; want 0, %v", n, err2, err)
				}
				out := h.Output(nil)
				if got := bytes.HasSuffix(out, AppendError(nil, "Incompatible Socket-Type")); got != tt.wantERROR {
					t.Errorf("Output after failure = %q; ERROR queued %v, want %v", out, got, tt.wantERROR)
				}
				if got := h.Output(nil); len(got) != 0 {
					t.Errorf("second Output after failure = %q", got)
				}
			}
		})
	}
}

func TestHandshakeMaxFrameBoundary(t *testing.T) {
	// A frame of exactly MaxFrame is waited for, not refused.
	h := NewHandshake(Config{SocketType: "PULL"})
	in := cat(nullGreeting(1), AppendFrameHeader(nil, FlagCommand, 65536))
	if n, err := h.Input(in); n != GreetingSize || err != nil {
		t.Errorf("Input = %d, %v; want %d, nil", n, err, GreetingSize)
	}
}

func TestHandshakeBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no socket type", Config{}},
		{"unknown socket type", Config{SocketType: "push"}},
		{"STREAM does not speak ZMTP", Config{SocketType: "STREAM"}},
		{"identity over 255 bytes", Config{SocketType: "DEALER", Identity: make([]byte, 256)}},
		{"empty metadata name", Config{SocketType: "PUSH", Metadata: []Property{{Name: ""}}}},
		{"metadata name over 255 bytes", Config{SocketType: "PUSH", Metadata: []Property{{Name: strings.Repeat("X", 256)}}}},
		{"metadata naming Socket-Type", Config{SocketType: "PUSH", Metadata: []Property{prop("socket-type", "PULL")}}},
		{"metadata naming Identity", Config{SocketType: "PUSH", Metadata: []Property{prop("Identity", "x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandshake(tt.cfg)
			if out := h.Output(nil); len(out) != 0 {
				t.Errorf("Output = %x, want nothing", out)
			}
			n, err := h.Input(nullGreeting(1))
			if n != 0 || err == nil || !strings.Contains(err.Error(), "Config") {
				t.Errorf("Input = %d, %v; want 0 and a Config error", n, err)
			}
			if h.Done() {
				t.Error("Done")
			}
		})
	}
}

func TestPeerOwnsItsBytes(t *testing.T) {
	in := cat(nullGreeting(1), AppendReady(nil, []Property{prop("Socket-Type", "DEALER"), prop("Identity", "id"), prop("X-K", "v")}))
	h := NewHandshake(Config{SocketType: "ROUTER"})
	if _, err := h.Input(in); err != nil || !h.Done() {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 0
	}
	p := h.Peer()
	if string(p.Identity) != "id" || p.SocketType != "DEALER" || p.Metadata[0].Name != "X-K" || string(p.Metadata[0].Value) != "v" {
		t.Errorf("Peer changed with its input: %+v", p)
	}
}

// pump runs two handshakes against each other in memory. Each round moves
// at most size bytes each way, and each side feeds Input everything it has
// received and not yet consumed, as a connection's reader would.
func pump(a, b *Handshake, size int) (errA, errB error) { return pumpZAP(a, b, size, nil) }

// pumpZAP is pump with zap answering each side's ZAP request as it comes;
// with a nil zap, a request stops that side, as it waits for its caller.
func pumpZAP(a, b *Handshake, size int, zap func(ZAPRequest) ZAPReply) (errA, errB error) {
	var wireAB, wireBA, inA, inB []byte
	deliver := func(h *Handshake, wire, in *[]byte, err *error) {
		k := min(len(*wire), size)
		*in = append(*in, (*wire)[:k]...)
		*wire = (*wire)[k:]
		if *err != nil || h.Done() {
			return
		}
		n, e := h.Input(*in)
		*in, *err = (*in)[n:], e
	}
	for {
		if zap != nil {
			if req, ok := a.ZAPPending(); ok {
				errA = a.ZAPReply(zap(req))
			}
			if req, ok := b.ZAPPending(); ok {
				errB = b.ZAPReply(zap(req))
			}
		}
		wireAB = a.Output(wireAB)
		wireBA = b.Output(wireBA)
		if len(wireAB) == 0 && len(wireBA) == 0 {
			return errA, errB
		}
		deliver(b, &wireAB, &inB, &errB)
		deliver(a, &wireBA, &inA, &errA)
	}
}

func TestHandshakeClientServer(t *testing.T) {
	for _, size := range []int{1, 5, 64, 1 << 20} {
		client := NewHandshake(Config{SocketType: "DEALER", Identity: []byte("client-1"), Metadata: []Property{prop("X-Hello", "world")}})
		server := NewHandshake(Config{SocketType: "ROUTER", Identity: []byte("ignored by nobody")})
		errC, errS := pump(client, server, size)
		if errC != nil || errS != nil || !client.Done() || !server.Done() {
			t.Fatalf("chunks of %d: client %v Done %v, server %v Done %v", size, errC, client.Done(), errS, server.Done())
		}
		wantAtServer := PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "DEALER", Identity: []byte("client-1"), Metadata: []Property{prop("X-Hello", "world")}}
		if got := server.Peer(); !reflect.DeepEqual(got, wantAtServer) {
			t.Errorf("server sees %+v\nwant %+v", got, wantAtServer)
		}
		wantAtClient := PeerInfo{Major: 3, Minor: 1, Mechanism: "NULL", SocketType: "ROUTER", Identity: []byte("ignored by nobody")}
		if got := client.Peer(); !reflect.DeepEqual(got, wantAtClient) {
			t.Errorf("client sees %+v\nwant %+v", got, wantAtClient)
		}
	}
}

func TestHandshakeClientServerIncompatible(t *testing.T) {
	a := NewHandshake(Config{SocketType: "PUSH"})
	b := NewHandshake(Config{SocketType: "PUB"})
	errA, errB := pump(a, b, 1<<20)
	if !errors.Is(errA, ErrIncompatible) || !errors.Is(errB, ErrIncompatible) {
		t.Errorf("PUSH got %v, PUB got %v; want ErrIncompatible for both", errA, errB)
	}
}
