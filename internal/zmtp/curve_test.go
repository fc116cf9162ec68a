package zmtp

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
)

// ---- keys, configurations, and a pump that answers ZAP ----

// curveTestKey is a key pair made from a label, the same in every run, so
// that seeds and failures reproduce.
func curveTestKey(label string) (public, secret [32]byte) {
	secret = sha256.Sum256([]byte("zmtp curve test key " + label))
	return curvePublicOf(&secret), secret
}

var (
	testServerPublic, testServerSecret = curveTestKey("server")
	testClientPublic, testClientSecret = curveTestKey("client")
)

// curveConfigs: a DEALER client with metadata and a ROUTER server, which is
// given only its secret key, as a libzmq server is.
func curveConfigs() (client, server Config) {
	client = Config{SocketType: "DEALER", Identity: []byte("client-1"), Metadata: []Property{prop("X-Hello", "world")},
		Mechanism: MechanismCurve, CurvePublicKey: testClientPublic, CurveSecretKey: testClientSecret, CurveServerKey: testServerPublic}
	server = Config{SocketType: "ROUTER", Mechanism: MechanismCurve, AsServer: true, CurveSecretKey: testServerSecret}
	return client, server
}

func curveGreeting(asServer bool) []byte {
	return Greeting{Major: 3, Minor: 1, Mechanism: MechanismCurve, AsServer: asServer}.Append(nil)
}

func zap200(ZAPRequest) ZAPReply { return ZAPReply{StatusCode: "200"} }

// curvePair runs a client and a server handshake to the end and returns
// their Transforms: client's, then server's.
func curvePair(t testing.TB) (client, server *curveTransform) {
	t.Helper()
	cc, sc := curveConfigs()
	c, s := NewHandshake(cc), NewHandshake(sc)
	if errC, errS := pumpZAP(c, s, 1<<20, zap200); errC != nil || errS != nil || !c.Done() || !s.Done() {
		t.Fatalf("handshake: client %v Done %v, server %v Done %v", errC, c.Done(), errS, s.Done())
	}
	return c.Transform().(*curveTransform), s.Transform().(*curveTransform)
}

// commandFrames splits a stream of command frames into their names and
// data.
func commandFrames(t testing.TB, b []byte) (names []string, data [][]byte) {
	t.Helper()
	for len(b) > 0 {
		flags, size, n, err := ParseFrameHeader(b, -1)
		if err != nil || n == 0 || flags != FlagCommand || len(b)-n < size {
			t.Fatalf("not a whole command frame: %x (%v)", b, err)
		}
		name, d, err := ParseCommand(b[n : n+size])
		if err != nil {
			t.Fatal(err)
		}
		names, data = append(names, string(name)), append(data, d)
		b = b[n+size:]
	}
	return names, data
}

// ---- the handshake ----

func TestCurveHandshake(t *testing.T) {
	for _, size := range []int{1, 7, 64, 1 << 20} {
		t.Run(fmt.Sprint("chunks of ", size), func(t *testing.T) {
			cc, sc := curveConfigs()
			client, server := NewHandshake(cc), NewHandshake(sc)
			var asked []ZAPRequest
			errC, errS := pumpZAP(client, server, size, func(r ZAPRequest) ZAPReply {
				asked = append(asked, r)
				return ZAPReply{StatusCode: "200", UserID: []byte("alice"), Metadata: AppendMetadata(nil, []Property{prop("X-Role", "admin")})}
			})
			if errC != nil || errS != nil || !client.Done() || !server.Done() {
				t.Fatalf("client %v Done %v, server %v Done %v", errC, client.Done(), errS, server.Done())
			}
			wantZAP := []ZAPRequest{{Mechanism: MechanismCurve, Credentials: [][]byte{testClientPublic[:]}}}
			if !reflect.DeepEqual(asked, wantZAP) {
				t.Errorf("ZAP asked %+v, want %+v", asked, wantZAP)
			}
			atServer := PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismCurve, SocketType: "DEALER", Identity: []byte("client-1"),
				Metadata: []Property{prop("X-Hello", "world")}, UserID: "alice", ZAPMetadata: []Property{prop("X-Role", "admin")}}
			if got := server.Peer(); !reflect.DeepEqual(got, atServer) {
				t.Errorf("server sees %+v\nwant %+v", got, atServer)
			}
			atClient := client.Peer()
			if atClient.Mechanism != MechanismCurve || atClient.SocketType != "ROUTER" || len(atClient.Identity) != 0 || atClient.Metadata != nil || atClient.UserID != "" {
				t.Errorf("client sees %+v", atClient)
			}
			if client.Transform() == nil || server.Transform() == nil {
				t.Fatal("no Transform once done")
			}
		})
	}
}

func TestCurveTransformOnlyWhenDone(t *testing.T) {
	cc, sc := curveConfigs()
	c, s := NewHandshake(cc), NewHandshake(sc)
	if c.Transform() != nil || s.Transform() != nil {
		t.Fatal("a Transform before the handshake")
	}
	s.Input(curveGreeting(false))
	s.Input(curveClientHello(t, c))
	if c.Transform() != nil || s.Transform() != nil {
		t.Fatal("a Transform mid-handshake")
	}
}

// TestCurveOnTheWire checks the commands against the sizes and nonces
// libzmq 4.3.4 sends and expects: HELLO 200 bytes with nonce 1, WELCOME 168,
// INITIATE 257 plus the metadata with nonce 2, READY 30 plus the metadata
// with nonce 1; then MESSAGEs in flagless frames, nonces going on from
// there.
func TestCurveOnTheWire(t *testing.T) {
	cc, sc := curveConfigs()
	c, s := NewHandshake(cc), NewHandshake(sc)
	step := func(h *Handshake, in []byte) []byte {
		t.Helper()
		if n, err := h.Input(in); err != nil || n != len(in) {
			t.Fatalf("Input = %d of %d, %v", n, len(in), err)
		}
		return h.Output(nil)
	}
	gc, gs := c.Output(nil), s.Output(nil)
	if !bytes.Equal(gc, curveGreeting(false)) || !bytes.Equal(gs, curveGreeting(true)) {
		t.Fatalf("greetings %x, %x", gc, gs)
	}
	hello := step(c, gs)
	if out := step(s, gc); len(out) != 0 {
		t.Fatalf("server spoke first: %x", out)
	}
	welcome := step(s, hello)
	initiate := step(c, welcome)
	step(s, initiate)
	if _, ok := s.ZAPPending(); !ok {
		t.Fatal("no ZAP request after INITIATE")
	}
	if err := s.ZAPReply(ZAPReply{StatusCode: "200"}); err != nil {
		t.Fatal(err)
	}
	ready := s.Output(nil)
	if out := step(c, ready); len(out) != 0 || !c.Done() || !s.Done() {
		t.Fatalf("after READY: client sent %x, Done %v %v", out, c.Done(), s.Done())
	}

	initiateMeta := metadataSize([]Property{prop("Socket-Type", "DEALER"), prop("Identity", "client-1"), prop("X-Hello", "world")})
	readyMeta := metadataSize([]Property{prop("Socket-Type", "ROUTER"), prop("Identity", "")})
	for _, tt := range []struct {
		frame     []byte
		name      string
		bodySize  int
		nonceAt   int // of the short nonce in the data; -1 for none
		wantNonce uint64
	}{
		{hello, "HELLO", 200, 106, 1},
		{welcome, "WELCOME", 168, -1, 0},
		{initiate, "INITIATE", 257 + initiateMeta, 96, 2},
		{ready, "READY", 30 + readyMeta, 0, 1},
	} {
		names, data := commandFrames(t, tt.frame)
		if len(names) != 1 || names[0] != tt.name || 1+len(tt.name)+len(data[0]) != tt.bodySize {
			t.Errorf("%s: got %q with %d bytes of data, want one of %d bytes in all", tt.name, names, len(data[0]), tt.bodySize)
			continue
		}
		if tt.nonceAt >= 0 {
			if got := binary.BigEndian.Uint64(data[0][tt.nonceAt:]); got != tt.wantNonce {
				t.Errorf("%s nonce %d, want %d", tt.name, got, tt.wantNonce)
			}
		}
	}
	_, hdata := commandFrames(t, hello)
	if !bytes.Equal(hdata[0][:2], []byte{1, 0}) || !bytes.Equal(hdata[0][2:74], make([]byte, 72)) {
		t.Errorf("HELLO version and padding %x", hdata[0][:74])
	}

	// MESSAGE frames as libzmq 4.3.4 writes them: no flags outside,
	// "\x07MESSAGE", the nonce, the box, which opens under the direction's
	// prefix to the flags (MORE 1, COMMAND 2) and the body.
	ct, st := c.Transform().(*curveTransform), s.Transform().(*curveTransform)
	for i, tt := range []struct {
		tr        *curveTransform
		prefix    string
		flags     byte
		body      string
		wantNonce uint64
		wantInner byte
	}{
		{ct, noncePrefixMessageC, 0, "hi", 3, 0},
		{ct, noncePrefixMessageC, FlagMore, strings.Repeat("m", 223), 4, 1}, // 223 + 33 = 256: a long header
		{ct, noncePrefixMessageC, FlagCommand, "\x04PING\x00\x0a", 5, 2},
		{st, noncePrefixMessageS, 0, "", 2, 0},
		{st, noncePrefixMessageS, FlagMore, strings.Repeat("s", 222), 3, 1},
	} {
		wire := tt.tr.Seal([]byte("x"), tt.flags, []byte(tt.body))[1:]
		flags, size, n, err := ParseFrameHeader(wire, -1)
		if err != nil || flags != 0 || size != 33+len(tt.body) || n+size != len(wire) || (size > 255) != (n == 9) {
			t.Errorf("%d: frame header flags %#x size %d n %d of %d, %v", i, flags, size, n, len(wire), err)
			continue
		}
		body := wire[n:]
		if string(body[:8]) != "\x07MESSAGE" || binary.BigEndian.Uint64(body[8:]) != tt.wantNonce {
			t.Errorf("%d: body starts %q, nonce %d, want nonce %d", i, body[:8], binary.BigEndian.Uint64(body[8:]), tt.wantNonce)
			continue
		}
		nonce := testNonce(tt.prefix, body[8:16])
		plain, ok := box.OpenAfterPrecomputation(nil, body[16:], nonce, &tt.tr.key)
		if !ok || plain[0] != tt.wantInner || string(plain[1:]) != tt.body {
			t.Errorf("%d: box opens %v to flags %#x %q", i, ok, plain[0], plain[1:])
		}
	}
}

// testNonce writes a nonce out by hand: prefix, then rest.
func testNonce(prefix string, rest []byte) *[24]byte {
	var n [24]byte
	if len(prefix)+len(rest) != 24 {
		panic("testNonce: not 24 bytes")
	}
	copy(n[copy(n[:], prefix):], rest)
	return &n
}

func TestCurveZAPRefused(t *testing.T) {
	for _, code := range []int{300, 400, 500} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			cc, sc := curveConfigs()
			client, server := NewHandshake(cc), NewHandshake(sc)
			errC, errS := pumpZAP(client, server, 1<<20, func(ZAPRequest) ZAPReply {
				return ZAPReply{StatusCode: fmt.Sprint(code), StatusText: "no"}
			})
			var ac, as *AuthError
			if !errors.As(errC, &ac) || *ac != (AuthError{StatusCode: code, Remote: true}) || !errors.Is(errC, ErrAuth) || !errors.Is(errC, ErrPeerError) {
				t.Errorf("client: %v, want a Remote *AuthError %d", errC, code)
			}
			if !errors.As(errS, &as) || *as != (AuthError{StatusCode: code, StatusText: "no"}) || !errors.Is(errS, ErrAuth) {
				t.Errorf("server: %v, want an *AuthError %d", errS, code)
			}
			if client.Done() || server.Done() || client.Transform() != nil || server.Transform() != nil {
				t.Error("a refused handshake is done")
			}
		})
	}
}

func TestCurveBadConfig(t *testing.T) {
	cc, sc := curveConfigs()
	otherPublic, _ := curveTestKey("other")
	edit := func(cfg Config, f func(*Config)) Config { f(&cfg); return cfg }
	for _, tt := range []struct {
		name string
		cfg  Config
		want string // in the error
	}{
		{"client without a server key", edit(cc, func(c *Config) { c.CurveServerKey = [32]byte{} }), "CurveServerKey"},
		{"client without a secret key", edit(cc, func(c *Config) { c.CurveSecretKey = [32]byte{} }), "CurveSecretKey"},
		{"server without a secret key", edit(sc, func(c *Config) { c.CurveSecretKey = [32]byte{} }), "CurveSecretKey"},
		{"client public key not its secret's", edit(cc, func(c *Config) { c.CurvePublicKey = otherPublic }), "CurvePublicKey"},
		{"server public key not its secret's", edit(sc, func(c *Config) { c.CurvePublicKey = otherPublic }), "CurvePublicKey"},
		{"server key of small order", edit(cc, func(c *Config) { c.CurveServerKey = [32]byte{1} }), "CurveServerKey"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandshake(tt.cfg)
			if out := h.Output(nil); len(out) != 0 {
				t.Errorf("Output %x from a bad Config", out)
			}
			if _, err := h.Input(curveGreeting(!tt.cfg.AsServer)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Input: %v, want an error naming %s", err, tt.want)
			}
		})
	}
	// A server's public key may be given, when it is the right one.
	sc.CurvePublicKey = testServerPublic
	if _, err := NewHandshake(sc).Input(nil); err != nil {
		t.Errorf("server with its own public key: %v", err)
	}
}

// ---- a client and a server written out by hand ----

// curveRawClient is CURVE's client side written out from RFC 26 apart from
// curveClient, so that tests can make the commands a correct client never
// sends. Its fields are the knobs.
type curveRawClient struct {
	server, public, secret [32]byte // S, C, c
	cnPublic, cnSecret     [32]byte // C', c'
	cnServer               [32]byte // S', from WELCOME
	cookie                 []byte   // from WELCOME
}

func newCurveRawClient(label string) *curveRawClient {
	c := &curveRawClient{server: testServerPublic, public: testClientPublic, secret: testClientSecret}
	c.cnPublic, c.cnSecret = curveTestKey(label + " short-term")
	return c
}

func (c *curveRawClient) helloData(nonce uint64) []byte {
	d := append([]byte{1, 0}, make([]byte, 72)...)
	d = append(d, c.cnPublic[:]...)
	n := binary.BigEndian.AppendUint64(nil, nonce)
	d = append(d, n...)
	return box.Seal(d, make([]byte, 64), testNonce("CurveZMQHELLO---", n), &c.server, &c.cnSecret)
}

func (c *curveRawClient) readWelcome(t testing.TB, data []byte) {
	t.Helper()
	plain, ok := box.Open(nil, data[16:], testNonce("WELCOME-", data[:16]), &c.server, &c.cnSecret)
	if !ok || len(plain) != 128 {
		t.Fatalf("WELCOME does not open (%v) or is %d bytes", ok, len(plain))
	}
	c.cnServer, c.cookie = [32]byte(plain[:32]), plain[32:]
}

// curveInitiate is what goes into an INITIATE; the zero value is a correct
// one from c (see curveRawClient.initiateData).
type curveInitiate struct {
	nonce       uint64    // 2 if 0
	cookie      []byte    // the server's if nil
	claim       *[32]byte // the long-term key named in the box: C if nil
	vouchShort  *[32]byte // the short-term key in the vouch: C' if nil
	vouchServer *[32]byte // the server key in the vouch: S if nil
	vouchSigner *[32]byte // the secret that boxes the vouch: c if nil
	metadata    []byte    // a DEALER's if nil
}

func (c *curveRawClient) initiateData(in curveInitiate) []byte {
	or := func(p *[32]byte, def [32]byte) *[32]byte {
		if p == nil {
			return &def
		}
		return p
	}
	if in.nonce == 0 {
		in.nonce = 2
	}
	if in.cookie == nil {
		in.cookie = c.cookie
	}
	if in.metadata == nil {
		in.metadata = AppendMetadata(nil, []Property{prop("Socket-Type", "DEALER"), prop("Identity", "")})
	}
	vn := bytes.Repeat([]byte{7}, 16)
	vouch := box.Seal(nil, cat(or(in.vouchShort, c.cnPublic)[:], or(in.vouchServer, c.server)[:]),
		testNonce("VOUCH---", vn), &c.cnServer, or(in.vouchSigner, c.secret))
	plain := cat(or(in.claim, c.public)[:], vn, vouch, in.metadata)
	n := binary.BigEndian.AppendUint64(nil, in.nonce)
	return box.Seal(cat(in.cookie, n), plain, testNonce("CurveZMQINITIATE", n), &c.cnServer, &c.cnSecret)
}

// curveServerAfterHello is a server handshake that has read the greeting
// and c's HELLO, and c with the WELCOME it answered.
func curveServerAfterHello(t testing.TB, cfg Config, c *curveRawClient) *Handshake {
	t.Helper()
	s := NewHandshake(cfg)
	s.Output(nil)
	in := cat(curveGreeting(false), AppendCommand(nil, cmdHello, c.helloData(1)))
	if n, err := s.Input(in); err != nil || n != len(in) {
		t.Fatalf("server took HELLO: %d of %d, %v", n, len(in), err)
	}
	names, data := commandFrames(t, s.Output(nil))
	if len(names) != 1 || names[0] != cmdWelcome {
		t.Fatalf("server answered HELLO with %q", names)
	}
	c.readWelcome(t, data[0])
	return s
}

func TestCurveRawClientAccepted(t *testing.T) {
	// The hand-written client is right: the server takes its INITIATE.
	_, sc := curveConfigs()
	c := newCurveRawClient("raw")
	s := curveServerAfterHello(t, sc, c)
	if n, err := s.Input(AppendCommand(nil, cmdInitiate, c.initiateData(curveInitiate{}))); err != nil || n == 0 {
		t.Fatalf("INITIATE: %d, %v", n, err)
	}
	req, ok := s.ZAPPending()
	if !ok || req.Mechanism != MechanismCurve || len(req.Credentials) != 1 || !bytes.Equal(req.Credentials[0], testClientPublic[:]) {
		t.Fatalf("ZAP request %+v, %v", req, ok)
	}
}

func TestCurveServerRejects(t *testing.T) {
	otherPublic, otherSecret := curveTestKey("other")
	bigMeta := AppendMetadata(nil, []Property{prop("Socket-Type", "DEALER"), prop("X-Big", strings.Repeat("b", 2000))})
	type testCase struct {
		name string
		// stream is what the server reads after the greeting; c has read
		// the WELCOME when after is set.
		stream func(t *testing.T, c *curveRawClient) []byte
		after  bool // start from curveServerAfterHello
		want   error
		why    string // in the error
	}
	hello := func(edit func(d []byte) []byte) func(*testing.T, *curveRawClient) []byte {
		return func(_ *testing.T, c *curveRawClient) []byte {
			return AppendCommand(nil, cmdHello, edit(c.helloData(1)))
		}
	}
	initiate := func(in curveInitiate, edit func(d []byte) []byte) func(*testing.T, *curveRawClient) []byte {
		return func(_ *testing.T, c *curveRawClient) []byte {
			d := c.initiateData(in)
			if edit != nil {
				d = edit(d)
			}
			return AppendCommand(nil, cmdInitiate, d)
		}
	}
	flip := func(at int) func(d []byte) []byte {
		return func(d []byte) []byte {
			if at < 0 {
				at += len(d)
			}
			d[at] ^= 0x20
			return d
		}
	}
	command := func(name string, data []byte) func(*testing.T, *curveRawClient) []byte {
		return func(*testing.T, *curveRawClient) []byte { return AppendCommand(nil, name, data) }
	}
	tests := []testCase{
		{name: "HELLO of 199 bytes", why: "HELLO of 199 bytes", stream: hello(func(d []byte) []byte { return d[:len(d)-1] }), want: ErrMalformed},
		{name: "HELLO of 201 bytes", why: "HELLO of 201 bytes", stream: hello(func(d []byte) []byte { return append(d, 0) }), want: ErrMalformed},
		{name: "HELLO of 6 bytes", why: "HELLO of 6 bytes", stream: command(cmdHello, nil), want: ErrMalformed},
		{name: "HELLO version 2.0", why: "version 2.0", stream: hello(func(d []byte) []byte { d[0] = 2; return d }), want: ErrMalformed},
		{name: "HELLO version 1.1", why: "version 1.1", stream: hello(func(d []byte) []byte { d[1] = 1; return d }), want: ErrMalformed},
		{name: "HELLO box altered", why: "HELLO does not open", stream: hello(flip(-1)), want: ErrMalformed},
		{name: "HELLO nonce altered", why: "HELLO does not open", stream: hello(flip(curveHelloNonceAt + 7)), want: ErrMalformed},
		{name: "HELLO C' altered", why: "HELLO does not open", stream: hello(flip(curveHelloClientKeyAt)), want: ErrMalformed},
		{name: "HELLO for another server key", why: "HELLO does not open", stream: func(_ *testing.T, c *curveRawClient) []byte {
			c.server = otherPublic
			return AppendCommand(nil, cmdHello, c.helloData(1))
		}, want: ErrMalformed},
		{name: "HELLO box not of zeros", why: "other than 64 zero bytes", stream: func(_ *testing.T, c *curveRawClient) []byte {
			d := c.helloData(1)
			sig := box.Seal(nil, bytes.Repeat([]byte{1}, 64), testNonce("CurveZMQHELLO---", d[curveHelloNonceAt:curveHelloBoxAt]), &c.server, &c.cnSecret)
			return AppendCommand(nil, cmdHello, append(d[:curveHelloBoxAt], sig...))
		}, want: ErrMalformed},
		{name: "HELLO with a C' of small order", why: "small order", stream: hello(func(d []byte) []byte {
			clear(d[curveHelloClientKeyAt:curveHelloNonceAt])
			return d
		}), want: ErrMalformed},
		{name: "INITIATE first", why: "unexpected \"INITIATE\"", stream: func(_ *testing.T, c *curveRawClient) []byte {
			return AppendCommand(nil, cmdInitiate, make([]byte, 300))
		}, want: ErrMalformed},
		{name: "READY to a server", why: "unexpected \"READY\"", stream: command(cmdReady, make([]byte, 30)), want: ErrMalformed},
		{name: "MESSAGE to a server", why: "unexpected \"MESSAGE\"", stream: command(cmdMessage, make([]byte, 40)), want: ErrMalformed},
		{name: "WELCOME to a server", why: "unexpected \"WELCOME\"", stream: command(cmdWelcome, make([]byte, 160)), want: ErrMalformed},
		{name: "unknown command", why: "unexpected \"X\"", stream: command("X", nil), want: ErrMalformed},
		{name: "second HELLO", why: "unexpected \"HELLO\"", after: true, stream: func(_ *testing.T, c *curveRawClient) []byte {
			return AppendCommand(nil, cmdHello, c.helloData(2))
		}, want: ErrMalformed},
		{name: "INITIATE of 256 bytes", why: "INITIATE of 256 bytes", after: true, stream: initiate(curveInitiate{}, func(d []byte) []byte { return d[:curveInitiateMinData-1] }), want: ErrMalformed},
		{name: "INITIATE of 9 bytes", why: "INITIATE of 9 bytes", after: true, stream: command(cmdInitiate, nil), want: ErrMalformed},
		{name: "INITIATE with its cookie altered", why: "cookie that is not ours", after: true, stream: initiate(curveInitiate{}, flip(40)), want: ErrMalformed},
		{name: "INITIATE with its cookie nonce altered", why: "cookie that is not ours", after: true, stream: initiate(curveInitiate{}, flip(3)), want: ErrMalformed},
		{name: "INITIATE with a forged cookie", why: "cookie that is not ours", after: true, stream: func(_ *testing.T, c *curveRawClient) []byte {
			// A cookie that holds C' and some s', under a key of our own.
			var k [32]byte
			cn := bytes.Repeat([]byte{9}, 16)
			forged := secretbox.Seal(cn, cat(c.cnPublic[:], c.cnSecret[:]), testNonce("COOKIE--", cn), &k)
			return AppendCommand(nil, cmdInitiate, c.initiateData(curveInitiate{cookie: forged}))
		}, want: ErrMalformed},
		{name: "INITIATE with another connection's cookie", why: "cookie that is not ours", after: true, stream: func(t *testing.T, c *curveRawClient) []byte {
			// Same client, same short-term key, another connection: the
			// cookie it got there is boxed under that connection's key.
			_, sc := curveConfigs()
			other := newCurveRawClient("raw")
			curveServerAfterHello(t, sc, other)
			return AppendCommand(nil, cmdInitiate, c.initiateData(curveInitiate{cookie: other.cookie}))
		}, want: ErrMalformed},
		{name: "INITIATE nonce not above HELLO's", why: "not above HELLO's", after: true, stream: initiate(curveInitiate{nonce: 1}, nil), want: ErrMalformed},
		{name: "INITIATE box altered", why: "INITIATE does not open", after: true, stream: initiate(curveInitiate{}, flip(-1)), want: ErrMalformed},
		{name: "INITIATE nonce altered", why: "INITIATE does not open", after: true, stream: initiate(curveInitiate{}, flip(curveCookieSize+7)), want: ErrMalformed},
		{name: "vouch for another server key", why: "vouch is for another server", after: true, stream: initiate(curveInitiate{vouchServer: &otherPublic}, nil), want: ErrMalformed},
		{name: "vouch for another short-term key", why: "vouch is for another connection", after: true, stream: initiate(curveInitiate{vouchShort: &otherPublic}, nil), want: ErrMalformed},
		{name: "vouch by another key than the one named", why: "not made by the key it names", after: true, stream: initiate(curveInitiate{vouchSigner: &otherSecret}, nil), want: ErrMalformed},
		{name: "vouch by a key of small order", why: "small order", after: true, stream: initiate(curveInitiate{claim: &[32]byte{}}, nil), want: ErrMalformed},
		{name: "metadata cut short", why: "\"X-Big\" value of 2000 bytes", after: true, stream: initiate(curveInitiate{metadata: bigMeta[:len(bigMeta)-1]}, nil), want: ErrMalformed},
		{name: "metadata value length overruns", why: "\"Socket-Type\" value of 2147483647", after: true, stream: initiate(curveInitiate{metadata: []byte("\x0bSocket-Type\x7f\xff\xff\xffDEALER")}, nil), want: ErrMalformed},
		{name: "metadata without Socket-Type", why: "no Socket-Type", after: true, stream: initiate(curveInitiate{metadata: []byte{}}, nil), want: ErrIncompatible},
		{name: "incompatible peer", why: "peer is \"PUB\"", after: true, stream: initiate(curveInitiate{metadata: AppendMetadata(nil, []Property{prop("Socket-Type", "PUB")})}, nil), want: ErrIncompatible},
		{name: "INITIATE over MaxFrame", why: "limit 65536", after: true, stream: initiate(curveInitiate{metadata: AppendMetadata(nil, []Property{prop("Socket-Type", "DEALER"), prop("X-Big", strings.Repeat("b", 70000))})}, nil), want: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sc := curveConfigs()
			c := newCurveRawClient("raw")
			var s *Handshake
			prefix := curveGreeting(false)
			if tt.after {
				s, prefix = curveServerAfterHello(t, sc, c), nil
			} else {
				s = NewHandshake(sc)
				s.Output(nil)
			}
			stream := cat(prefix, tt.stream(t, c))
			// Whole, then a byte at a time: the same end.
			_, _, err := feed(t, s, [][]byte{stream})
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.why) {
				t.Fatalf("got %v, want %v: ...%s...", err, tt.want, tt.why)
			}
			if _, ok := s.ZAPPending(); ok || s.Done() || s.Transform() != nil {
				t.Fatal("went on after the error")
			}
			if !tt.after {
				s2 := NewHandshake(sc)
				if _, _, err2 := feed(t, s2, split(stream, 1)); fmt.Sprint(err2) != fmt.Sprint(err) {
					t.Errorf("a byte at a time: %v, whole: %v", err2, err)
				}
			}
		})
	}
}

// TestCurveInitiateLargeMetadata is CVE-2019-13132's input made legal:
// INITIATE metadata far over the 256 bytes libzmq before 4.3.2 had room
// for, within MaxFrame, is read whole.
func TestCurveInitiateLargeMetadata(t *testing.T) {
	_, sc := curveConfigs()
	c := newCurveRawClient("raw")
	s := curveServerAfterHello(t, sc, c)
	big := strings.Repeat("v", 10000)
	meta := AppendMetadata(nil, []Property{prop("Socket-Type", "DEALER"), prop("X-Big", big)})
	if _, err := s.Input(AppendCommand(nil, cmdInitiate, c.initiateData(curveInitiate{metadata: meta}))); err != nil {
		t.Fatal(err)
	}
	if err := s.ZAPReply(ZAPReply{StatusCode: "200"}); err != nil || !s.Done() {
		t.Fatalf("ZAPReply: %v, Done %v", err, s.Done())
	}
	if p := s.Peer(); len(p.Metadata) != 1 || string(p.Metadata[0].Value) != big {
		t.Errorf("metadata %d properties", len(p.Metadata))
	}
}

// curveRawServer is CURVE's server side written out from RFC 26, for the
// client's tests.
type curveRawServer struct {
	public, secret     [32]byte // S, s
	cnPublic, cnSecret [32]byte // S', s'
	cnClient           [32]byte // C'
}

func newCurveRawServer() *curveRawServer {
	s := &curveRawServer{public: testServerPublic, secret: testServerSecret}
	s.cnPublic, s.cnSecret = curveTestKey("raw server short-term")
	return s
}

func (s *curveRawServer) readHello(t testing.TB, data []byte) {
	t.Helper()
	s.cnClient = [32]byte(data[74:106])
	if _, ok := box.Open(nil, data[114:], testNonce("CurveZMQHELLO---", data[106:114]), &s.cnClient, &s.secret); !ok {
		t.Fatal("client's HELLO does not open")
	}
}

// welcomeData boxes S' and a cookie (any 96 bytes: the client only carries
// it) from signer to C'.
func (s *curveRawServer) welcomeData(signer *[32]byte, cnPublic [32]byte) []byte {
	wn := bytes.Repeat([]byte{5}, 16)
	return box.Seal(wn, cat(cnPublic[:], bytes.Repeat([]byte{6}, 96)), testNonce("WELCOME-", wn), &s.cnClient, signer)
}

func (s *curveRawServer) readyData(prefix string, nonce uint64, metadata []byte) []byte {
	n := binary.BigEndian.AppendUint64(nil, nonce)
	return box.Seal(n, metadata, testNonce(prefix, n), &s.cnClient, &s.cnSecret)
}

// curveClientHello gives c the server's greeting and returns the HELLO it
// answers with.
func curveClientHello(t testing.TB, c *Handshake) []byte {
	t.Helper()
	if n, err := c.Input(curveGreeting(true)); n != GreetingSize || err != nil {
		t.Fatalf("client took the greeting: %d, %v", n, err)
	}
	return c.Output(nil)[GreetingSize:]
}

func TestCurveClientRejects(t *testing.T) {
	_, otherSecret := curveTestKey("other")
	routerMeta := AppendMetadata(nil, []Property{prop("Socket-Type", "ROUTER")})
	welcome := func(s *curveRawServer) []byte {
		return AppendCommand(nil, cmdWelcome, s.welcomeData(&s.secret, s.cnPublic))
	}
	ready := func(s *curveRawServer) []byte {
		return AppendCommand(nil, cmdReady, s.readyData("CurveZMQREADY---", 1, routerMeta))
	}
	tests := []struct {
		name   string
		stream func(s *curveRawServer) []byte
		want   error
		why    string // in the error
	}{
		{"WELCOME of 167 bytes", func(s *curveRawServer) []byte {
			return AppendCommand(nil, cmdWelcome, s.welcomeData(&s.secret, s.cnPublic)[1:])
		}, ErrMalformed, "WELCOME of 167 bytes"},
		{"WELCOME of 169 bytes", func(s *curveRawServer) []byte {
			return AppendCommand(nil, cmdWelcome, append(s.welcomeData(&s.secret, s.cnPublic), 0))
		}, ErrMalformed, "WELCOME of 169 bytes"},
		{"WELCOME altered", func(s *curveRawServer) []byte {
			d := s.welcomeData(&s.secret, s.cnPublic)
			d[100] ^= 1
			return AppendCommand(nil, cmdWelcome, d)
		}, ErrMalformed, "WELCOME does not open"},
		{"WELCOME from another server", func(s *curveRawServer) []byte {
			return AppendCommand(nil, cmdWelcome, s.welcomeData(&otherSecret, s.cnPublic))
		}, ErrMalformed, "WELCOME does not open"},
		{"WELCOME with an S' of small order", func(s *curveRawServer) []byte {
			return AppendCommand(nil, cmdWelcome, s.welcomeData(&s.secret, [32]byte{}))
		}, ErrMalformed, "small order"},
		{"READY first", ready, ErrMalformed, "unexpected \"READY\""},
		{"HELLO to a client", func(*curveRawServer) []byte { return AppendCommand(nil, cmdHello, make([]byte, 194)) }, ErrMalformed, "unexpected \"HELLO\""},
		{"INITIATE to a client", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdInitiate, make([]byte, 300)))
		}, ErrMalformed, "unexpected \"INITIATE\""},
		{"MESSAGE in the handshake", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdMessage, make([]byte, 40)))
		}, ErrMalformed, "unexpected \"MESSAGE\""},
		{"second WELCOME", func(s *curveRawServer) []byte { return cat(welcome(s), welcome(s)) }, ErrMalformed, "unexpected \"WELCOME\""},
		{"READY of 29 bytes", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdReady, s.readyData("CurveZMQREADY---", 1, nil)[1:]))
		}, ErrMalformed, "READY of 29 bytes"},
		{"READY altered", func(s *curveRawServer) []byte {
			d := s.readyData("CurveZMQREADY---", 1, routerMeta)
			d[len(d)-1] ^= 1
			return cat(welcome(s), AppendCommand(nil, cmdReady, d))
		}, ErrMalformed, "READY does not open"},
		{"READY under MESSAGE's prefix", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdReady, s.readyData("CurveZMQMESSAGES", 1, routerMeta)))
		}, ErrMalformed, "READY does not open"},
		{"READY metadata cut short", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdReady, s.readyData("CurveZMQREADY---", 1, routerMeta[:len(routerMeta)-1])))
		}, ErrMalformed, "\"Socket-Type\" value of 6 bytes"},
		{"READY from an incompatible peer", func(s *curveRawServer) []byte {
			return cat(welcome(s), AppendCommand(nil, cmdReady, s.readyData("CurveZMQREADY---", 1, AppendMetadata(nil, []Property{prop("Socket-Type", "PUB")}))))
		}, ErrIncompatible, "peer is \"PUB\""},
		{"ERROR 400", func(s *curveRawServer) []byte { return cat(welcome(s), AppendError(nil, "400")) }, ErrAuth, "ERROR 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCurveRawServer()
			cc, _ := curveConfigs()
			c := NewHandshake(cc)
			names, data := commandFrames(t, curveClientHello(t, c))
			if len(names) != 1 || names[0] != cmdHello {
				t.Fatalf("client opened with %q", names)
			}
			s.readHello(t, data[0])
			_, _, err := feed(t, c, [][]byte{tt.stream(s)})
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.why) {
				t.Fatalf("got %v, want %v: ...%s...", err, tt.want, tt.why)
			}
			if c.Done() || c.Transform() != nil {
				t.Fatal("went on after the error")
			}
			// RFC 25 and 26 give ERROR to the server alone, and this
			// one would go out unboxed: a client just closes.
			names, _ = commandFrames(t, c.Output(nil))
			for _, name := range names {
				if name == cmdError {
					t.Fatalf("client sent %q", names)
				}
			}
		})
	}

	// And the hand-written server is right: the client takes its READY.
	s := newCurveRawServer()
	cc, _ := curveConfigs()
	c := NewHandshake(cc)
	_, data := commandFrames(t, curveClientHello(t, c))
	s.readHello(t, data[0])
	if _, _, err := feed(t, c, [][]byte{cat(welcome(s), ready(s))}); err != nil || !c.Done() {
		t.Fatalf("correct WELCOME and READY: %v, Done %v", err, c.Done())
	}
}

// ---- MESSAGE: the Transform ----

// curveFrames is traffic for the codec tests: messages (multipart, empty,
// around the short/long header boundary, large) and commands.
type curveFrame struct {
	flags byte
	body  string
	ping  bool // send with AppendPing instead
}

var curveFrames = []curveFrame{
	{0, "hello", false},
	{FlagMore, "a", false}, {FlagMore, "", false}, {FlagMore, strings.Repeat("x", 222), false}, {0, strings.Repeat("y", 223), false},
	{0, "", true},
	{0, "\x01topic", false}, // a subscription, with SubscriptionCommands
	{0, strings.Repeat("z", 70000), false},
}

// encodeCurve seals the frames with an Encoder over tr and returns the
// stream and the events a Decoder should find.
func encodeCurve(tr Transform, frames []curveFrame) (stream []byte, want []event) {
	var e Encoder
	e.Reset(EncoderConfig{Transform: tr, SubscriptionCommands: true})
	first := true
	for _, f := range frames {
		switch {
		case f.ping:
			stream = e.AppendPing(stream, 10, []byte("ctx"))
			want = append(want, event{kind: FramePing, ttl: 10, body: "ctx"})
		case first && f.flags == 0 && strings.HasPrefix(f.body, "\x01"):
			stream, _ = e.AppendFrame(stream, f.flags, []byte(f.body))
			want = append(want, event{kind: FrameSubscribe, first: true, body: f.body[1:]})
		default:
			var tail []byte
			stream, tail = e.AppendFrame(stream, f.flags, []byte(f.body))
			if tail != nil {
				panic("a Transform left a tail")
			}
			want = append(want, msg(f.body, f.flags&FlagMore != 0, first))
			first = f.flags&FlagMore == 0
		}
	}
	return stream, want
}

// cloneTransform copies a transform's state, so that one stream can be
// opened again from the same point.
func cloneTransform(tr *curveTransform) *curveTransform {
	c := *tr
	return &c
}

func TestCurveTransformStream(t *testing.T) {
	ct, st := curvePair(t)
	for _, dir := range []struct {
		name     string
		from, to *curveTransform
	}{{"client to server", ct, st}, {"server to client", st, ct}} {
		t.Run(dir.name, func(t *testing.T) {
			stream, want := encodeCurve(dir.from, curveFrames)
			for _, direct := range []int{0, 1 << 30} {
				var d Decoder
				d.Reset(DecoderConfig{MaxMsgSize: -1, Direct: direct, Subscriptions: true, Transform: cloneTransform(dir.to)})
				r := decodeChunks(t, &d, [][]byte{stream})
				if r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, want) {
					t.Fatalf("Direct %d: %v rest %d err %v\nwant %v", direct, r.events, r.rest, r.err, want)
				}
			}
			// Every split, and a byte at a time, of the part before the
			// large frame.
			small := stream[:len(stream)-(70000+33+9)]
			for cut := 0; cut <= len(small); cut++ {
				var d Decoder
				d.Reset(DecoderConfig{MaxMsgSize: -1, Subscriptions: true, Transform: cloneTransform(dir.to)})
				r := decodeChunks(t, &d, [][]byte{small[:cut], small[cut:]})
				if r.err != nil || r.rest != 0 || !reflect.DeepEqual(r.events, want[:len(want)-1]) {
					t.Fatalf("split at %d: %v rest %d err %v", cut, r.events, r.rest, r.err)
				}
			}
			var d Decoder
			d.Reset(DecoderConfig{MaxMsgSize: -1, Subscriptions: true, Transform: cloneTransform(dir.to)})
			if r := decodeChunks(t, &d, split(small, 1)); r.err != nil || !reflect.DeepEqual(r.events, want[:len(want)-1]) {
				t.Fatalf("a byte at a time: %v err %v", r.events, r.err)
			}
		})
	}
}

// TestCurveMaxMsgSize: the Decoder's limit is on the frame inside the box;
// the MESSAGE around it may be Overhead bytes longer.
func TestCurveMaxMsgSize(t *testing.T) {
	ct, st := curvePair(t)
	var d Decoder
	d.Reset(DecoderConfig{MaxMsgSize: 100, Transform: st})
	ok := ct.Seal(nil, 0, make([]byte, 100))
	if r := decodeChunks(t, &d, [][]byte{ok}); r.err != nil || len(r.events) != 1 {
		t.Fatalf("100 bytes: %v, %v", r.events, r.err)
	}
	if r := decodeChunks(t, &d, [][]byte{ct.Seal(nil, 0, make([]byte, 101))}); !errors.Is(r.err, ErrTooLarge) {
		t.Fatalf("101 bytes: %v, want ErrTooLarge", r.err)
	}
}

func TestCurveOpenRejects(t *testing.T) {
	var ct, st *curveTransform // each case's, from a handshake of its own
	body := func(frame []byte) []byte {
		_, _, n, _ := ParseFrameHeader(frame, -1)
		return frame[n:]
	}
	tests := []struct {
		name string
		// frames are opened in turn by the server's transform; all but
		// the last must open.
		frames func() [][]byte
		flags  byte   // of the last frame
		why    string // in the error
	}{
		{"replayed", func() [][]byte {
			f := body(ct.Seal(nil, 0, []byte("once")))
			return [][]byte{bytes.Clone(f), f}
		}, 0, "nonce 3, not above the last one, 3"},
		{"nonce going back", func() [][]byte {
			a := body(ct.Seal(nil, 0, []byte("a")))
			b := body(ct.Seal(nil, 0, []byte("b")))
			return [][]byte{b, a}
		}, 0, "nonce 3, not above the last one, 4"},
		{"nonce of INITIATE's", func() [][]byte {
			f := body(ct.Seal(nil, 0, []byte("x")))
			binary.BigEndian.PutUint64(f[8:], 2)
			return [][]byte{f}
		}, 0, "nonce 2, not above"},
		{"from the other direction", func() [][]byte {
			// The server's own frame reflected back: both directions box
			// under one key, and only the nonce prefix tells them apart.
			f := body(st.Seal(nil, 0, []byte("mine")))
			binary.BigEndian.PutUint64(f[8:], 1000) // above the client's nonces
			return [][]byte{f}
		}, 0, "does not open"},
		{"box altered", func() [][]byte {
			f := body(ct.Seal(nil, 0, []byte("x")))
			f[len(f)-1] ^= 1
			return [][]byte{f}
		}, 0, "does not open"},
		{"MAC altered", func() [][]byte {
			f := body(ct.Seal(nil, 0, []byte("x")))
			f[16] ^= 1
			return [][]byte{f}
		}, 0, "does not open"},
		{"nonce altered", func() [][]byte {
			f := body(ct.Seal(nil, 0, []byte("x")))
			f[15] ^= 0x10
			return [][]byte{f}
		}, 0, "does not open"},
		{"reserved flag 0x04 in the box", func() [][]byte { return [][]byte{body(ct.seal(nil, 0x04, []byte("x")))} }, 0, "flags 0x04"},
		{"reserved flag 0x80 in the box", func() [][]byte { return [][]byte{body(ct.seal(nil, 0x80, nil))} }, 0, "flags 0x80"},
		{"MORE outside the box", func() [][]byte { return [][]byte{body(ct.Seal(nil, 0, []byte("x")))} }, FlagMore, "MORE flag"},
		{"32 bytes", func() [][]byte { return [][]byte{body(ct.Seal(nil, 0, nil))[:32]} }, 0, "32 bytes, at least 33"},
		{"PING, not in a box", func() [][]byte { return [][]byte{body(AppendPing(nil, 1, nil))} }, FlagCommand, "\"PING\" command"},
		{"a message frame", func() [][]byte { return [][]byte{[]byte("hello, world, how are you today?!!")} }, 0, "not a CURVE MESSAGE"},
		{"MESSAGE without its data", func() [][]byte { return [][]byte{[]byte("\x07MESSAGE")} }, FlagCommand, "8 bytes, at least 33"},
		{"MESSAGF", func() [][]byte { return [][]byte{[]byte("\x07MESSAGF" + strings.Repeat("\x00", 40))} }, 0, "\"MESSAGF\" command"},
		{"empty", func() [][]byte { return [][]byte{nil} }, 0, "not a CURVE MESSAGE"},
		{"name length only", func() [][]byte { return [][]byte{{7}} }, 0, "not a CURVE MESSAGE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, st = curvePair(t)
			frames := tt.frames()
			for i, f := range frames[:len(frames)-1] {
				if _, _, err := st.Open(0, f); err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
			}
			last := frames[len(frames)-1]
			before := bytes.Clone(last)
			_, _, err := st.Open(tt.flags, last)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(fmt.Sprint(err), tt.why) {
				t.Fatalf("Open: %v, want ErrMalformed: ...%s...", err, tt.why)
			}
			if !bytes.Equal(last, before) {
				t.Error("a refused frame was written over")
			}
		})
	}
}

func TestCurveOpenInPlace(t *testing.T) {
	ct, st := curvePair(t)
	for _, flags := range []byte{0, FlagMore, FlagCommand} {
		wire := ct.Seal(nil, flags, []byte("in place"))
		_, _, n, _ := ParseFrameHeader(wire, -1)
		for _, outer := range []byte{0, FlagCommand} { // libzmq sends 0; RFC 25 would say COMMAND
			ct2 := cloneTransform(st)
			b := bytes.Clone(wire[n:])
			gotFlags, inner, err := ct2.Open(outer, b)
			inPlace := err == nil && len(inner) > 0 && &inner[0] == &b[len(b)-len(inner)]
			if err != nil || gotFlags != flags || string(inner) != "in place" || !inPlace {
				t.Errorf("Open(%#x) = %#x %q %v; in place %v", outer, gotFlags, inner, err, inPlace)
			}
		}
		st.Open(0, wire[n:]) // and on with the real one
	}
}

func TestCurveTransformAllocs(t *testing.T) {
	ct, st := curveTestTransforms()
	for _, size := range []int{8, 64, 1024, 65536, 1 << 20} {
		body := make([]byte, size)
		var wire []byte
		n := testing.AllocsPerRun(100, func() {
			wire = ct.Seal(wire[:0], FlagMore, body)
			_, _, hn, _ := ParseFrameHeader(wire, -1)
			if _, _, err := st.Open(0, wire[hn:]); err != nil {
				panic(err)
			}
		})
		if n != 0 {
			t.Errorf("%d-byte frames: %v allocations per Seal and Open", size, n)
		}
	}
}

// curveTestTransforms is a connected pair of transforms with a fixed key,
// as a handshake would leave them, without one: for benchmarks and fuzzing.
func curveTestTransforms() (client, server *curveTransform) {
	key := sha256.Sum256([]byte("zmtp curve test session key"))
	return newCurveTransform(&key, noncePrefixMessageC, noncePrefixMessageS, 3, 1),
		newCurveTransform(&key, noncePrefixMessageS, noncePrefixMessageC, 2, 2)
}

var curveBenchSizes = []struct {
	name string
	size int
}{{"8B", 8}, {"64B", 64}, {"1KiB", 1024}, {"64KiB", 65536}}

func BenchmarkCurveSeal(b *testing.B) {
	for _, bs := range curveBenchSizes {
		b.Run(bs.name, func(b *testing.B) {
			ct, _ := curveTestTransforms()
			body := make([]byte, bs.size)
			var wire []byte
			b.SetBytes(int64(bs.size))
			b.ReportAllocs()
			for b.Loop() {
				wire = ct.Seal(wire[:0], 0, body)
			}
		})
	}
}

// BenchmarkCurveOpen opens the same MESSAGE again and again: each round
// copies it back (Open decrypts in place) and sets the last nonce back, a
// copy of the frame that the figure includes.
func BenchmarkCurveOpen(b *testing.B) {
	for _, bs := range curveBenchSizes {
		b.Run(bs.name, func(b *testing.B) {
			ct, st := curveTestTransforms()
			wire := ct.Seal(nil, 0, make([]byte, bs.size))
			_, _, hn, _ := ParseFrameHeader(wire, -1)
			sealed := wire[hn:]
			work := make([]byte, len(sealed))
			last := st.peerNonce
			b.SetBytes(int64(bs.size))
			b.ReportAllocs()
			for b.Loop() {
				copy(work, sealed)
				st.peerNonce = last
				if _, _, err := st.Open(0, work); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCurveEncodeDecode is the codec's whole path for one frame each
// way: Encoder.AppendFrame seals, Decoder.Next opens.
func BenchmarkCurveEncodeDecode(b *testing.B) {
	for _, bs := range curveBenchSizes {
		b.Run(bs.name, func(b *testing.B) {
			ct, st := curveTestTransforms()
			var e Encoder
			var d Decoder
			e.Reset(EncoderConfig{Transform: ct})
			d.Reset(DecoderConfig{MaxMsgSize: -1, Transform: st})
			body := make([]byte, bs.size)
			var wire []byte
			b.SetBytes(int64(bs.size))
			b.ReportAllocs()
			for b.Loop() {
				wire, _ = e.AppendFrame(wire[:0], 0, body)
				if f, _, err := d.Next(wire); err != nil || f.Kind != FrameMessage {
					b.Fatal(f.Kind, err)
				}
			}
		})
	}
}

// A CURVE client and server in memory. The server's handshake stops to ask
// the caller's ZAP handler about the client's long-term key; once both are
// done, every frame goes through the Transform, boxed into a MESSAGE.
func ExampleHandshake_curve() {
	serverPublic, serverSecret, _ := CurveKeypair(rand.Reader)
	clientPublic, clientSecret, _ := CurveKeypair(rand.Reader)
	client := NewHandshake(Config{SocketType: "PUSH", Mechanism: MechanismCurve,
		CurvePublicKey: clientPublic, CurveSecretKey: clientSecret, CurveServerKey: serverPublic})
	server := NewHandshake(Config{SocketType: "PULL", Mechanism: MechanismCurve, AsServer: true,
		CurvePublicKey: serverPublic, CurveSecretKey: serverSecret})

	var toServer, toClient []byte
	for !client.Done() || !server.Done() {
		if req, ok := server.ZAPPending(); ok {
			fmt.Printf("ZAP: %s, key known: %v\n", req.Mechanism, bytes.Equal(req.Credentials[0], clientPublic[:]))
			server.ZAPReply(ZAPReply{StatusCode: "200", UserID: []byte("alice")})
		}
		toServer = client.Output(toServer)
		toClient = server.Output(toClient)
		n, err := server.Input(toServer)
		if err != nil {
			fmt.Println("server:", err)
			return
		}
		toServer = toServer[n:]
		if n, err = client.Input(toClient); err != nil {
			fmt.Println("client:", err)
			return
		}
		toClient = toClient[n:]
	}
	fmt.Printf("server sees a %s, user %q\n", server.Peer().SocketType, server.Peer().UserID)

	var enc Encoder
	var dec Decoder
	enc.Reset(EncoderConfig{Transform: client.Transform()})
	dec.Reset(DecoderConfig{MaxMsgSize: -1, Transform: server.Transform()})
	wire, _ := enc.AppendFrame(nil, 0, []byte("secret"))
	fmt.Printf("%d bytes on the wire, readable: %v\n", len(wire), bytes.Contains(wire, []byte("secret")))
	f, _, err := dec.Next(wire) // opens the box in place, in wire
	fmt.Printf("opened: %q, %v\n", f.Body, err)
	// Output:
	// ZAP: CURVE, key known: true
	// server sees a PUSH, user "alice"
	// 41 bytes on the wire, readable: false
	// opened: "secret", <nil>
}
