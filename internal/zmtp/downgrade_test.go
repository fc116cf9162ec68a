package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Wire forms of older peers' first bytes, built by hand from RFC 13 and
// RFC 15 rather than with this package's encoders.

// legacySignature is the ten bytes libzmq 3.x/4.x and JeroMQ send first:
// 0xFF, identity length + 1 in eight bytes, 0x7F.
func legacySignature(identity string) []byte {
	b := binary.BigEndian.AppendUint64([]byte{0xFF}, uint64(len(identity))+1)
	return append(b, 0x7F)
}

// zmtp2Hello is a ZMTP 2.0 peer's greeting and identity message.
func zmtp2Hello(socketType byte, identity string) []byte {
	return cat(legacySignature(identity), []byte{1, socketType, 0, byte(len(identity))}, []byte(identity))
}

// zmtp10Hello is a versioned ZMTP 1.0 peer's (revision 0): its identity
// is a ZMTP 1.0 frame, length counting the flags byte.
func zmtp10Hello(socketType byte, identity string) []byte {
	return cat(legacySignature(identity), []byte{0, socketType, byte(len(identity) + 1), 0}, []byte(identity))
}

// v1Frame is a ZMTP 1.0 frame with a one-byte length.
func v1Frame(flags byte, body string) []byte {
	return append([]byte{byte(len(body) + 1), flags}, body...)
}

// v1LongFrame is a ZMTP 1.0 frame with the 0xFF escape and eight-byte length.
func v1LongFrame(flags byte, body string) []byte {
	b := binary.BigEndian.AppendUint64([]byte{0xFF}, uint64(len(body))+1)
	return append(append(b, flags), body...)
}

// TestDowngradeStagedGreeting: with Downgrade, a ZMTP 3 peer gets our
// greeting in libzmq's three stages, each only once the peer's bytes call
// for it, and the handshake then goes on as without Downgrade.
func TestDowngradeStagedGreeting(t *testing.T) {
	h := NewHandshake(Config{SocketType: "DEALER", Identity: []byte("me"), Downgrade: true})
	if got := h.Output(nil); !bytes.Equal(got, legacySignature("me")) {
		t.Fatalf("first Output % x, want the signature with the identity length", got)
	}
	peer := cat(greetingBytes(3, 1, "NULL", 0, map[int]byte{8: 1}), AppendReady(nil, []Property{prop("Socket-Type", "ROUTER")}))
	steps := []struct {
		upTo int
		want []byte
	}{
		{9, nil},                   // not yet a whole signature
		{10, []byte{3}},            // its signature: our major version
		{11, nullGreeting(1)[11:]}, // its major version: the rest of ours
		{63, nil},                  // not yet its whole greeting
		{64, AppendReady(nil, []Property{prop("Socket-Type", "DEALER"), prop("Identity", "me")})},
		{len(peer), nil},
	}
	in, fed := []byte(nil), 0
	for _, st := range steps {
		in = append(in, peer[fed:st.upTo]...)
		fed = st.upTo
		n, err := h.Input(in)
		if err != nil {
			t.Fatalf("after %d bytes: %v", st.upTo, err)
		}
		in = in[n:]
		if got := h.Output(nil); !bytes.Equal(got, st.want) {
			t.Fatalf("after %d bytes: Output % x, want % x", st.upTo, got, st.want)
		}
	}
	if !h.Done() || h.Framing() != FramingZMTP3 || h.Peer().SocketType != "ROUTER" {
		t.Fatalf("Done %v Framing %v Peer %+v", h.Done(), h.Framing(), h.Peer())
	}
}

// TestDowngradeWholeGreetingWithoutIt: the zero Config keeps the whole
// greeting with zero padding, and refuses older peers as before.
func TestDowngradeWholeGreetingWithoutIt(t *testing.T) {
	h := NewHandshake(Config{SocketType: "DEALER", Identity: []byte("me")})
	if got := h.Output(nil); !bytes.Equal(got, nullGreeting(1)) {
		t.Fatalf("Output % x", got)
	}
	if _, err := h.Input(zmtp2Hello(6, "")); !errors.Is(err, ErrVersion) || errors.Is(err, ErrDowngradeRefused) {
		t.Fatalf("2.0 peer: %v", err)
	}
}

func TestDowngradeAccepts(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		peer    []byte // its greeting and identity message
		extra   []byte // traffic after them
		wantOut []byte // all we send
		want    PeerInfo
		framing Framing
	}{
		{
			name:    "ZMTP 2.0 DEALER with an identity (libzmq 3.x, JeroMQ 0.3)",
			cfg:     Config{SocketType: "ROUTER", Identity: []byte("r")},
			peer:    zmtp2Hello(5, "jdealer"),
			extra:   []byte("\x01\x00\x00\x05hello"),
			wantOut: cat(legacySignature("r"), []byte{3, 6}, []byte("\x00\x01r")),
			want:    PeerInfo{Major: 2, SocketType: "DEALER", Identity: []byte("jdealer")},
			framing: FramingZMTP2,
		},
		{
			name:    "ZMTP 2.0 anonymous PUSH; we send an identity whatever our type",
			cfg:     Config{SocketType: "PULL", Identity: []byte("pull-1")},
			peer:    zmtp2Hello(8, ""),
			extra:   []byte("\x02\x00\x00\x00\x00\x00\x00\x00\x01x"),
			wantOut: cat(legacySignature("pull-1"), []byte{3, 7}, []byte("\x00\x06pull-1")),
			want:    PeerInfo{Major: 2, SocketType: "PUSH", Identity: []byte{}},
			framing: FramingZMTP2,
		},
		{
			name:    "ZMTP 2.0 XPUB (type 9) to a SUB, identity in a long frame",
			cfg:     Config{SocketType: "SUB"},
			peer:    cat(legacySignature(""), []byte{1, 9}, longFrame(0, "x")),
			wantOut: cat(legacySignature(""), []byte{3, 2}, []byte("\x00\x00")),
			want:    PeerInfo{Major: 2, SocketType: "XPUB", Identity: []byte("x")},
			framing: FramingZMTP2,
		},
		{
			name:    "ZMTP 1.0 framing with revision 0",
			cfg:     Config{SocketType: "REP", Identity: []byte("rep")},
			peer:    zmtp10Hello(3, "req"),
			extra:   v1Frame(1, ""),
			wantOut: cat(legacySignature("rep"), []byte{3, 4}, v1Frame(0, "rep")),
			want:    PeerInfo{Major: 1, SocketType: "REQ", Identity: []byte("req")},
			framing: FramingZMTP1,
		},
		{
			name:    "0MQ 2.x (no version): its identity frame is its greeting",
			cfg:     Config{SocketType: "ROUTER", Identity: []byte("router")},
			peer:    v1Frame(0, "zmq2"),
			extra:   v1Frame(0, "msg"),
			wantOut: cat(legacySignature("router"), []byte("router")),
			want:    PeerInfo{SocketType: "", Identity: []byte("zmq2")},
			framing: FramingZMTP1,
		},
		{
			name:    "0MQ 2.x anonymous",
			cfg:     Config{SocketType: "PUB"},
			peer:    v1Frame(0, ""),
			wantOut: legacySignature(""),
			want:    PeerInfo{Identity: []byte{}},
			framing: FramingZMTP1,
		},
		{
			name:    "0MQ 2.x with a long identity frame (first byte 0xFF, tenth's bit 0 clear)",
			cfg:     Config{SocketType: "DEALER"},
			peer:    v1LongFrame(0, strings.Repeat("i", 255)),
			wantOut: legacySignature(""),
			want:    PeerInfo{Identity: []byte(strings.Repeat("i", 255))},
			framing: FramingZMTP1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Downgrade = true
			stream := cat(tt.peer, tt.extra)
			for i := 0; i <= len(stream); i++ {
				for _, chunks := range [][][]byte{{stream[:i], stream[i:]}, split(stream, max(i, 1))} {
					h := NewHandshake(cfg)
					out := h.Output(nil)
					var buf []byte
					consumed := 0
					for _, c := range chunks {
						buf = append(buf, c...)
						n, err := h.Input(buf)
						if err != nil {
							t.Fatalf("split %d: %v", i, err)
						}
						consumed += n
						buf = buf[n:]
						out = h.Output(out)
					}
					if !h.Done() || consumed != len(tt.peer) || !bytes.Equal(buf, tt.extra) {
						t.Fatalf("split %d: Done %v consumed %d rest %q", i, h.Done(), consumed, buf)
					}
					if !bytes.Equal(out, tt.wantOut) {
						t.Fatalf("split %d: we sent % x\nwant % x", i, out, tt.wantOut)
					}
					if got := h.Peer(); !reflect.DeepEqual(got, tt.want) {
						t.Fatalf("split %d: Peer %+v\nwant %+v", i, got, tt.want)
					}
					if h.Framing() != tt.framing || h.Transform() != nil {
						t.Fatalf("split %d: Framing %v Transform %v", i, h.Framing(), h.Transform())
					}
				}
			}
		})
	}
}

// TestDowngradeSocketTypeByte: a ZMTP 2.0 peer reads our twelfth byte as
// our socket type, so we send it only once its version byte says it is
// one, and send the rest of a ZMTP 3 greeting to no one else.
func TestDowngradeSocketTypeByte(t *testing.T) {
	for typ, want := range map[string]byte{"PAIR": 0, "PUB": 1, "SUB": 2, "REQ": 3, "REP": 4, "DEALER": 5,
		"ROUTER": 6, "PULL": 7, "PUSH": 8, "XPUB": 9, "XSUB": 10, "SERVER": 12, "CHANNEL": 20} {
		h := NewHandshake(Config{SocketType: typ, Downgrade: true})
		h.Input(cat(legacySignature(""), []byte{1}))
		if out := h.Output(nil); len(out) != 12 || out[10] != 3 || out[11] != want {
			t.Errorf("%s: sent % x, want byte 11 = %d", typ, out, want)
		}
	}
}

func TestDowngradeRejects(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		in       []byte
		wantErr  []error
		wantCode ProtocolCode
	}{
		{name: "first byte 0: a ZMTP 1.0 frame of length 0", in: []byte{0}, wantErr: []error{ErrSignature, ErrMalformed}, wantCode: CodeUnspecified},
		{name: "tenth byte bit 0 clear, eight-byte length 0", in: cat([]byte{0xFF}, make([]byte, 8), []byte{0x7E}), wantErr: []error{ErrSignature, ErrMalformed}},
		{name: "an HTTP request (length 'G', flags 'E')", in: []byte("GET / HTTP/1.1\r\n\r\n"), wantErr: []error{ErrSignature, ErrMalformed}},
		{name: "0MQ 2.x identity with MORE", in: v1Frame(1, "id"), wantErr: []error{ErrSignature, ErrMalformed}},
		{name: "0MQ 2.x identity over 255 bytes", in: v1LongFrame(0, strings.Repeat("i", 256)), wantErr: []error{ErrSignature, ErrTooLarge}},
		{name: "version byte 2", in: greetingBytes(2, 0, "NULL", 0, nil), wantErr: []error{ErrVersion}},
		{name: "ZMTP 2.0 incompatible socket type", cfg: Config{SocketType: "PUSH"}, in: zmtp2Hello(8, ""), wantErr: []error{ErrIncompatible}, wantCode: CodeInvalidMetadata},
		{name: "ZMTP 2.0 STREAM (11)", in: zmtp2Hello(11, ""), wantErr: []error{ErrIncompatible}},
		{name: "ZMTP 2.0 unknown socket type", in: zmtp2Hello(0xEE, ""), wantErr: []error{ErrIncompatible}},
		{name: "ZMTP 1.0 socket type garbage, then garbage", in: greetingBytes(0, 0xEE, "", 0, nil), wantErr: []error{ErrIncompatible}},
		{name: "ZMTP 2.0 identity with MORE", in: cat(legacySignature(""), []byte{1, 8}, frame(FlagMore, "id")), wantErr: []error{ErrMalformed}},
		{name: "ZMTP 2.0 identity with bit 2 (no commands)", in: cat(legacySignature(""), []byte{1, 8}, cmd("READY", "")), wantErr: []error{ErrMalformed}},
		{name: "ZMTP 2.0 identity over 255 bytes", in: cat(legacySignature(""), []byte{1, 8}, AppendFrameHeader(nil, 0, 256)), wantErr: []error{ErrTooLarge}},
		{name: "ZMTP 1.0 (revision 0) identity with reserved flags", in: cat(legacySignature(""), []byte{0, 8, 3, 2, 'i', 'd'}), wantErr: []error{ErrMalformed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.SocketType == "" {
				cfg.SocketType = "PULL"
			}
			cfg.Downgrade = true
			for _, size := range []int{len(tt.in), 1} {
				h := NewHandshake(cfg)
				h.Output(nil)
				_, _, err := feed(t, h, split(tt.in, size))
				for _, want := range tt.wantErr {
					if !errors.Is(err, want) {
						t.Fatalf("chunks of %d: error %v, want %v", size, err, want)
					}
				}
				if errors.Is(err, ErrDowngradeRefused) {
					t.Errorf("NULL refused with ErrDowngradeRefused: %v", err)
				}
				if code, _ := CodeOf(err); tt.wantCode != 0 && code != tt.wantCode {
					t.Errorf("code %#x, want %#x", code, tt.wantCode)
				}
				if h.Done() {
					t.Error("Done after a failure")
				}
				// RFC 15: an older peer of the wrong type is disconnected
				// silently; there is no ERROR command to send it.
				if out := h.Output(nil); bytes.Contains(out, []byte("ERROR")) {
					t.Errorf("Output after failure % x", out)
				}
			}
		})
	}
}

// TestDowngradeRefusedWithSecurity is CVE-2014-9721: a socket that must
// authenticate or encrypt (PLAIN, CURVE, or NULL with a ZAP domain) never
// talks ZMTP 1.0 or 2.0, which have no mechanism to run. Its greeting is
// staged all the same, and the peer is refused at the byte that shows its
// version: it is sent no socket type, no identity, and no rest of a ZMTP 3
// greeting to misread.
func TestDowngradeRefusedWithSecurity(t *testing.T) {
	curveClient, curveServer := curveConfigs()
	configs := map[string]Config{
		"PLAIN client":  {SocketType: "DEALER", Mechanism: MechanismPlain, PlainUsername: []byte("u"), PlainPassword: []byte("p")},
		"PLAIN server":  {SocketType: "ROUTER", Mechanism: MechanismPlain, AsServer: true},
		"CURVE client":  curveClient,
		"CURVE server":  curveServer,
		"NULL with ZAP": {SocketType: "ROUTER", ZAP: true},
	}
	peers := []struct {
		name string
		in   []byte
		want error
		sent []byte // all we send after the signature: the major version, to a versioned peer
	}{
		{"ZMTP 2.0 DEALER", zmtp2Hello(5, "id"), ErrVersion, []byte{3}},
		{"ZMTP 2.0 ROUTER", zmtp2Hello(6, "id"), ErrVersion, []byte{3}},
		{"ZMTP 1.0 with revision 0", zmtp10Hello(5, "id"), ErrVersion, []byte{3}},
		{"0MQ 2.x", v1Frame(0, "id"), ErrSignature, nil},
		{"0MQ 2.x, long identity frame", v1LongFrame(0, "id"), ErrSignature, nil},
	}
	for name, cfg := range configs {
		cfg.Downgrade = true
		for _, p := range peers {
			for _, size := range []int{1, len(p.in)} {
				h := NewHandshake(cfg)
				_, _, err := feed(t, h, split(p.in, size))
				if !errors.Is(err, ErrDowngradeRefused) || !errors.Is(err, p.want) || h.Done() {
					t.Errorf("%s, %s: %v (Done %v); want ErrDowngradeRefused and %v", name, p.name, err, h.Done(), p.want)
				}
				if out, want := h.Output(nil), cat(legacySignature(string(cfg.Identity)), p.sent); !bytes.Equal(out, want) {
					t.Errorf("%s, %s: sent % x, want % x", name, p.name, out, want)
				}
			}
		}
		// A version byte of 2 is no downgrade: ErrVersion alone.
		h := NewHandshake(cfg)
		if _, err := h.Input(greetingBytes(2, 0, "NULL", 0, nil)); !errors.Is(err, ErrVersion) || errors.Is(err, ErrDowngradeRefused) {
			t.Errorf("%s, version 2: %v", name, err)
		}
	}
}

// TestDowngradeSecureStaged: with Downgrade, PLAIN and CURVE stage their
// greeting too and then run as they do without it.
func TestDowngradeSecureStaged(t *testing.T) {
	cc, sc := curveConfigs()
	cc.Downgrade, sc.Downgrade = true, true
	for _, size := range []int{1, 7, 1 << 20} {
		c, s := NewHandshake(cc), NewHandshake(sc)
		if out := c.Output(nil); len(out) != 10 {
			t.Fatalf("CURVE client's first Output % x, want the signature alone", out)
		}
		c, s = NewHandshake(cc), NewHandshake(sc)
		if errC, errS := pumpZAP(c, s, size, zap200); errC != nil || errS != nil || !c.Done() || !s.Done() {
			t.Fatalf("chunks of %d: %v / %v, Done %v %v", size, errC, errS, c.Done(), s.Done())
		}
		if c.Transform() == nil || s.Framing() != FramingZMTP3 {
			t.Fatalf("chunks of %d: no CURVE transform", size)
		}
	}
}

// TestDowngradeHandshakes: staged greetings meet each other, and a whole
// one, in any chunking.
func TestDowngradeHandshakes(t *testing.T) {
	for _, size := range []int{1, 5, 11, 64, 1 << 20} {
		for _, serverDowngrades := range []bool{true, false} {
			client := NewHandshake(Config{SocketType: "DEALER", Identity: []byte("c"), Downgrade: true})
			server := NewHandshake(Config{SocketType: "ROUTER", Downgrade: serverDowngrades})
			errC, errS := pump(client, server, size)
			if errC != nil || errS != nil || !client.Done() || !server.Done() {
				t.Fatalf("chunks of %d, server Downgrade %v: %v / %v", size, serverDowngrades, errC, errS)
			}
			if p := server.Peer(); p.Major != 3 || p.Minor != 1 || string(p.Identity) != "c" || server.Framing() != FramingZMTP3 {
				t.Errorf("server sees %+v, Framing %v", p, server.Framing())
			}
		}
	}
}

// TestDowngradeHugeIdentity: a peer announcing a huge identity is refused
// at its header, before anything is allocated for it.
func TestDowngradeHugeIdentity(t *testing.T) {
	h := NewHandshake(Config{SocketType: "PULL", Downgrade: true})
	huge := v1LongFrame(0, "")
	binary.BigEndian.PutUint64(huge[1:9], 1<<62)
	if _, err := h.Input(huge[:10]); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%v", err)
	}
}

// TestDialledHoldsGreetingAndReady: with Config.Dialled (and Downgrade)
// the rest of our greeting waits for the peer's whole greeting, and our
// NULL READY for the peer's READY, so that a peer that refuses us has
// already told us why. Each step gives the peer's bytes so far (appended
// to those before) and what we must have sent by then.
func TestDialledHoldsGreetingAndReady(t *testing.T) {
	ours := Greeting{Major: 3, Minor: 1, Mechanism: MechanismNull}.Append(nil)
	ours[8] = 1 // staged, the signature is a ZMTP 1.0 identity header: length 0, plus 1
	ready := func(socketType string) []byte {
		return AppendReady(nil, []Property{prop("Socket-Type", socketType)})
	}
	ourReady := ready("PUSH")
	peer := nullGreeting(1)
	type step struct {
		in      []byte // the peer's next bytes
		out     []byte // what we send after them
		done    bool
		wantErr error
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"a compatible peer", []step{
			{nil, ours[:10], false, nil},
			{peer[:10], ours[10:11], false, nil}, // its signature: our major
			{peer[10:11], nil, false, nil},       // its major: the rest waits
			{peer[11:], ours[11:], false, nil},   // its whole greeting: the rest, no READY
			{ready("PULL"), ourReady, true, nil}, // its READY: ours
		}},
		{"a peer of another mechanism", []step{
			{nil, ours[:10], false, nil},
			{curveGreeting(true), cat(ours[10:11], ours[11:]), false, ErrMechanism}, // the rest goes, so the peer knows why
		}},
		{"a peer of an incompatible type", []step{
			{nil, ours[:10], false, nil},
			{peer, ours[10:], false, nil},
			{ready("PUSH"), AppendError(nil, "Incompatible Socket-Type"), false, ErrIncompatible}, // no READY of ours
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := NewHandshake(Config{SocketType: "PUSH", Downgrade: true, Dialled: true})
			var in []byte
			for i, st := range c.steps {
				in = append(in, st.in...)
				n, err := h.Input(in)
				in = in[n:]
				if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
					t.Fatalf("step %d: error %v, want %v", i, err, st.wantErr)
				}
				if out := h.Output(nil); !bytes.Equal(out, st.out) {
					t.Fatalf("step %d: sent\n% x\nwant\n% x", i, out, st.out)
				}
				if h.Done() != st.done {
					t.Fatalf("step %d: Done %v, want %v", i, h.Done(), st.done)
				}
			}
		})
	}
}
