package zmtp

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/salsa20/salsa"
)

// CURVE (RFC 25, carrying RFC 26's CurveZMQ) as libzmq 4.3.4 speaks it
// (src/curve_client_tools.hpp, curve_client.cpp, curve_server.cpp,
// curve_mechanism_base.cpp).
//
// Four key pairs meet: the client's and the server's long-term ones (C, S;
// the client must know S beforehand) and a short-term pair each side makes
// for this connection alone (C', S'). INITIATE, READY and every MESSAGE are
// boxed between the short-term keys, which die with the connection, so a
// recorded session cannot be opened later even with the long-term secrets.
//
//	client                              server
//	HELLO    C', Box[64 zeros](C'->S)   ->
//	         <- WELCOME  Box[S' + cookie](S->C')
//	INITIATE cookie, Box[C + vouch + metadata](C'->S')  ->
//	         (server: cookie, vouch = Box[C' + S](C->S'), ZAP asks about C)
//	         <- READY    Box[metadata](S'->C')
//	MESSAGE  Box[flags + body](C'->S')  <->  Box[flags + body](S'->C')
//
// Every box is NaCl's crypto_box (x/crypto/nacl/box) under a 24-byte nonce:
// a fixed prefix naming the command, then either a "short nonce", the
// sender's 64-bit counter of boxes it sent on this connection, or a "long
// nonce" of 16 random bytes where no counter fits (WELCOME, cookie, vouch).
// On the wire a box is its 16-byte MAC followed by the ciphertext.
//
// A Handshake hands the mechanism one whole command at a time (name and
// data, the data borrowed from the caller's input, never written to), so
// every size below is of a command's data, after its name: RFC 26 counts
// the whole command body, name included, which the comments give too.

// CURVE's own commands, beside HELLO, WELCOME, INITIATE and READY.
const cmdMessage = "MESSAGE"

// Nonce prefixes (RFC 26; the same strings in libzmq 4.3.4). Short-nonce
// prefixes are 16 bytes, long-nonce prefixes 8.
const (
	noncePrefixHello    = "CurveZMQHELLO---"
	noncePrefixWelcome  = "WELCOME-"
	noncePrefixCookie   = "COOKIE--"
	noncePrefixInitiate = "CurveZMQINITIATE"
	noncePrefixVouch    = "VOUCH---"
	noncePrefixReady    = "CurveZMQREADY---"
	noncePrefixMessageC = "CurveZMQMESSAGEC" // client to server
	noncePrefixMessageS = "CurveZMQMESSAGES" // server to client
)

// Sizes of the commands' data (after the name), and of their parts.
const (
	curveBoxOverhead = box.Overhead // the MAC in front of every box's ciphertext: 16

	// HELLO: version (1, 0), 72 zero bytes of anti-amplification padding,
	// C', short nonce, Box[64 zeros](C'->S). 200 bytes with its name; the
	// server refuses any other size, so that a HELLO always costs its
	// sender more than the WELCOME it draws. The ...At are offsets.
	curveHelloData        = 2 + 72 + 32 + 8 + curveBoxOverhead + 64
	curveHelloPadAt       = 2
	curveHelloClientKeyAt = curveHelloPadAt + 72
	curveHelloNonceAt     = curveHelloClientKeyAt + 32
	curveHelloBoxAt       = curveHelloNonceAt + 8

	// The cookie: a long nonce and Box[C' + s'](K), K a secret of the
	// server's that never leaves it.
	curveCookieSize = 16 + curveBoxOverhead + 64

	// WELCOME: long nonce, Box[S' + cookie](S->C'). 168 bytes with its name.
	curveWelcomeData = 16 + curveBoxOverhead + 32 + curveCookieSize

	// INITIATE: cookie, short nonce, Box[C + vouch + metadata](C'->S'),
	// the vouch a long nonce and Box[C' + S](C->S'). At least 257 bytes
	// with its name.
	curveVouchSize       = 16 + curveBoxOverhead + 64
	curveInitiatePlain   = 32 + curveVouchSize // before the metadata
	curveInitiateMinData = curveCookieSize + 8 + curveBoxOverhead + curveInitiatePlain

	// READY: short nonce, Box[metadata](S'->C'). At least 30 bytes with its
	// name.
	curveReadyMinData = 8 + curveBoxOverhead

	// MESSAGE, whole body: name, short nonce, Box[flags + frame body].
	// At least 33 bytes.
	curveMessageHeader   = 1 + len(cmdMessage) + 8
	curveMessageOverhead = curveMessageHeader + curveBoxOverhead + 1
)

// The flags byte inside a MESSAGE box. RFC 26 defines bit 0 (MORE) and
// reserves the rest; libzmq 4.3.4 also sets bit 1 for a command (its
// msg_t::command), which is how PING, PONG, SUBSCRIBE and CANCEL travel
// once a connection is boxed. Those two are all it ever sets.
const (
	curveFlagMore    = 0x01
	curveFlagCommand = 0x02
)

// newCurveMechanism makes CURVE's client or server, as cfg.AsServer says,
// with our long-term key pair from cfg. The public key may be left zero: it
// is then derived from the secret (a libzmq server is given only its
// secret). A secret that is all zeros (none set), a public key that is not
// the secret's, or a client without CurveServerKey is refused here rather
// than found out by a failed handshake.
func newCurveMechanism(cfg *Config) (mechanism, error) {
	if cfg.CurveSecretKey == ([32]byte{}) {
		return nil, errors.New("zmtp: CURVE needs Config.CurveSecretKey")
	}
	public := curvePublicOf(&cfg.CurveSecretKey)
	if cfg.CurvePublicKey != ([32]byte{}) && cfg.CurvePublicKey != public {
		return nil, errors.New("zmtp: Config.CurvePublicKey is not the public key of Config.CurveSecretKey")
	}
	if cfg.AsServer {
		return &curveServer{public: public, secret: cfg.CurveSecretKey, rand: randOf(cfg)}, nil
	}
	if cfg.CurveServerKey == ([32]byte{}) {
		return nil, errors.New("zmtp: a CURVE client needs Config.CurveServerKey")
	}
	c := &curveClient{public: public, secret: cfg.CurveSecretKey, server: cfg.CurveServerKey, nonce: 1, rand: randOf(cfg)}
	c.cnPublic, c.cnSecret = newCurveKeyPair(c.rand)
	var err error
	if c.helloKey, err = curveSharedKey(&c.server, &c.cnSecret); err != nil {
		return nil, errors.New("zmtp: Config.CurveServerKey is not a usable Curve25519 public key")
	}
	return c, nil
}

// ---- the client ----

// curveClient is CURVE's client: HELLO on start, INITIATE once WELCOME
// has opened, done when READY brings the server's metadata. A server that
// refuses us answers INITIATE with ERROR, which the Handshake reports.
type curveClient struct {
	public, secret     [32]byte // C, c: ours, long-term
	server             [32]byte // S: the server's long-term public key
	cnPublic, cnSecret [32]byte // C', c': ours for this connection
	helloKey           [32]byte // shared by c' and S: HELLO's box, WELCOME's
	key                [32]byte // shared by c' and S': everything after WELCOME
	nonce              uint64   // our next short nonce: HELLO's is 1, as libzmq's
	sentInitiate       bool
	tr                 *curveTransform // once done
	rand               io.Reader       // Config.Rand, or crypto/rand
}

func (*curveClient) name() string { return MechanismCurve }

// start appends HELLO.
func (c *curveClient) start(h *Handshake, out []byte) []byte {
	nonce := curveShortNonce(noncePrefixHello, c.nonce)
	out = appendCommandStart(out, cmdHello, curveHelloData)
	out = append(out, 1, 0) // CurveZMQ 1.0
	out = append(out, make([]byte, 72)...)
	out = append(out, c.cnPublic[:]...)
	out = binary.BigEndian.AppendUint64(out, c.nonce)
	c.nonce++
	var zeros [64]byte
	return box.SealAfterPrecomputation(out, zeros[:], &nonce, &c.helloKey)
}

func (c *curveClient) command(h *Handshake, name, data []byte, out []byte) ([]byte, bool, error) {
	switch {
	case !c.sentInitiate && string(name) == cmdWelcome:
		return c.welcome(h, data, out)
	case c.sentInitiate && string(name) == cmdReady:
		return c.ready(h, data, out)
	}
	return out, false, curveUnexpected(name)
}

// welcome opens WELCOME, learns S' and the cookie, and answers INITIATE.
func (c *curveClient) welcome(h *Handshake, data []byte, out []byte) ([]byte, bool, error) {
	if len(data) != curveWelcomeData {
		return out, false, withCode(CodeMalformedWelcome, fmt.Errorf("%w: CURVE WELCOME of %d bytes, must be 168", ErrMalformed, 1+len(cmdWelcome)+len(data)))
	}
	nonce := curveLongNonce(noncePrefixWelcome, data[:16])
	plain, ok := box.OpenAfterPrecomputation(nil, data[16:], &nonce, &c.helloKey)
	if !ok {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE WELCOME does not open: altered, or not from the server whose key we have", ErrMalformed))
	}
	serverShort := [32]byte(plain[:32])
	cookie := plain[32:]
	var err error
	if c.key, err = curveSharedKey(&serverShort, &c.cnSecret); err != nil {
		return out, false, err
	}

	// vouch = Box[C' + S](C->S'): only the holder of c could make it, for
	// this connection (C') and this server (S).
	vouchNonce := curveLongNonce(noncePrefixVouch, randomBytes(c.rand, 16))
	vouchKey, err := curveSharedKey(&serverShort, &c.secret)
	if err != nil {
		return out, false, err
	}
	vouched := make([]byte, 0, 64)
	vouched = append(append(vouched, c.cnPublic[:]...), c.server[:]...)
	vouch := box.SealAfterPrecomputation(nil, vouched, &vouchNonce, &vouchKey)

	props := h.ourProperties()
	plain = make([]byte, 0, curveInitiatePlain+metadataSize(props))
	plain = append(plain, c.public[:]...)
	plain = append(plain, vouchNonce[8:]...)
	plain = append(plain, vouch...)
	plain = AppendMetadata(plain, props)

	nonce = curveShortNonce(noncePrefixInitiate, c.nonce)
	out = appendCommandStart(out, cmdInitiate, curveCookieSize+8+curveBoxOverhead+len(plain))
	out = append(out, cookie...)
	out = binary.BigEndian.AppendUint64(out, c.nonce)
	c.nonce++
	out = box.SealAfterPrecomputation(out, plain, &nonce, &c.key)
	c.sentInitiate = true
	// c' has done its work: the two shared keys are all that is needed.
	clear(c.cnSecret[:])
	return out, false, nil
}

// ready opens READY and takes the server's metadata.
func (c *curveClient) ready(h *Handshake, data []byte, out []byte) ([]byte, bool, error) {
	if len(data) < curveReadyMinData {
		return out, false, withCode(CodeMalformedReady, fmt.Errorf("%w: CURVE READY of %d bytes, at least 30", ErrMalformed, 1+len(cmdReady)+len(data)))
	}
	peerNonce := binary.BigEndian.Uint64(data)
	nonce := curveShortNonce(noncePrefixReady, peerNonce)
	plain, ok := box.OpenAfterPrecomputation(nil, data[8:], &nonce, &c.key)
	if !ok {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE READY does not open", ErrMalformed))
	}
	if err := h.readPeerProperties(plain); err != nil {
		return out, false, err
	}
	c.tr = newCurveTransform(&c.key, noncePrefixMessageC, noncePrefixMessageS, c.nonce, peerNonce)
	return out, true, nil
}

func (*curveClient) zapAccepted(h *Handshake, out []byte) ([]byte, bool, error) {
	return out, false, errors.New("zmtp: a CURVE client has no ZAP request")
}

func (c *curveClient) transform() Transform {
	if c.tr == nil {
		return nil
	}
	return c.tr
}

// ---- the server ----

// curveServerState is where a CURVE server is; each state but the last
// has the method named beside it.
type curveServerState uint8

const (
	curveWaitHello    curveServerState = iota // hello
	curveWaitInitiate                         // initiate
	curveWaitZAP                              // zapAccepted
	curveDone
)

// curveServer is CURVE's server: it answers HELLO with WELCOME, checks
// INITIATE (cookie, box, vouch, metadata), asks the caller's ZAP handler
// about the client's long-term key, and sends READY once it says 200.
//
// RFC 26 would have the server keep nothing between WELCOME and INITIATE
// but the cookie key, since the cookie carries C' and s' back. Like
// libzmq 4.3.4 we keep the connection's state anyway (a Handshake is per
// connection, so there is nothing to save), and still require the cookie
// to open under this connection's fresh cookie key and to hold exactly that
// C' and s': a cookie forged, altered or taken from another connection is
// refused.
type curveServer struct {
	state              curveServerState
	public, secret     [32]byte // S, s: ours, long-term
	cnClient           [32]byte // C': the client's for this connection
	cnPublic, cnSecret [32]byte // S', s': ours for this connection
	cookieKey          [32]byte // K: opens the cookie; this connection's alone
	key                [32]byte // shared by s' and C'
	peerNonce          uint64   // the client's last short nonce
	tr                 *curveTransform
	rand               io.Reader // Config.Rand, or crypto/rand
}

func (*curveServer) name() string { return MechanismCurve }

func (*curveServer) start(h *Handshake, out []byte) []byte { return out }

func (s *curveServer) command(h *Handshake, name, data []byte, out []byte) ([]byte, bool, error) {
	switch {
	case s.state == curveWaitHello && string(name) == cmdHello:
		return s.hello(data, out)
	case s.state == curveWaitInitiate && string(name) == cmdInitiate:
		return s.initiate(h, data, out)
	}
	return out, false, curveUnexpected(name)
}

// hello checks HELLO and answers WELCOME.
func (s *curveServer) hello(data []byte, out []byte) ([]byte, bool, error) {
	if len(data) != curveHelloData {
		return out, false, withCode(CodeMalformedHello, fmt.Errorf("%w: CURVE HELLO of %d bytes, must be 200", ErrMalformed, 1+len(cmdHello)+len(data)))
	}
	if data[0] != 1 || data[1] != 0 {
		return out, false, withCode(CodeMalformedHello, fmt.Errorf("%w: CURVE HELLO version %d.%d, want 1.0", ErrMalformed, data[0], data[1]))
	}
	// The padding's content is not checked: libzmq 4.3.4 does not, and it
	// is there for its size.
	s.cnClient = [32]byte(data[curveHelloClientKeyAt:curveHelloNonceAt])
	helloKey, err := curveSharedKey(&s.cnClient, &s.secret)
	if err != nil {
		return out, false, err
	}
	s.peerNonce = binary.BigEndian.Uint64(data[curveHelloNonceAt:])
	nonce := curveShortNonce(noncePrefixHello, s.peerNonce)
	plain, ok := box.OpenAfterPrecomputation(nil, data[curveHelloBoxAt:], &nonce, &helloKey)
	if !ok {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE HELLO does not open: altered, or made for another server key", ErrMalformed))
	}
	var zeros [64]byte
	if !bytes.Equal(plain, zeros[:]) {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE HELLO's box holds other than 64 zero bytes", ErrMalformed))
	}

	s.cnPublic, s.cnSecret = newCurveKeyPair(s.rand)
	if s.key, err = curveSharedKey(&s.cnClient, &s.cnSecret); err != nil {
		return out, false, err
	}
	copy(s.cookieKey[:], randomBytes(s.rand, 32))
	cookieNonce := curveLongNonce(noncePrefixCookie, randomBytes(s.rand, 16))
	cookiePlain := make([]byte, 0, 64)
	cookiePlain = append(append(cookiePlain, s.cnClient[:]...), s.cnSecret[:]...)
	cookie := secretbox.Seal(nil, cookiePlain, &cookieNonce, &s.cookieKey)

	welcomePlain := make([]byte, 0, 32+curveCookieSize)
	welcomePlain = append(welcomePlain, s.cnPublic[:]...)
	welcomePlain = append(welcomePlain, cookieNonce[8:]...)
	welcomePlain = append(welcomePlain, cookie...)
	nonce = curveLongNonce(noncePrefixWelcome, randomBytes(s.rand, 16))
	out = appendCommandStart(out, cmdWelcome, curveWelcomeData)
	out = append(out, nonce[8:]...)
	out = box.SealAfterPrecomputation(out, welcomePlain, &nonce, &helloKey)
	s.state = curveWaitInitiate
	return out, false, nil
}

// initiate checks INITIATE, takes the client's metadata and asks ZAP about
// its long-term key. READY waits for the answer (zapAccepted).
func (s *curveServer) initiate(h *Handshake, data []byte, out []byte) ([]byte, bool, error) {
	// The metadata's size is the frame's, which the Handshake has held to
	// Config.MaxFrame, and every buffer below is sized from bytes that have
	// arrived. (libzmq before 4.3.2 copied INITIATE's box, unopened, into a
	// stack buffer with room for 256 bytes of metadata: CVE-2019-13132.)
	if len(data) < curveInitiateMinData {
		return out, false, withCode(CodeMalformedInitiate, fmt.Errorf("%w: CURVE INITIATE of %d bytes, at least 257", ErrMalformed, 1+len(cmdInitiate)+len(data)))
	}
	cookieNonce := curveLongNonce(noncePrefixCookie, data[:16])
	cookie, ok := secretbox.Open(nil, data[16:curveCookieSize], &cookieNonce, &s.cookieKey)
	if !ok || subtle.ConstantTimeCompare(cookie[:32], s.cnClient[:]) != 1 ||
		subtle.ConstantTimeCompare(cookie[32:], s.cnSecret[:]) != 1 {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE INITIATE carries a cookie that is not ours", ErrMalformed))
	}
	peerNonce := binary.BigEndian.Uint64(data[curveCookieSize:])
	if peerNonce <= s.peerNonce {
		return out, false, withCode(CodeInvalidSequence, fmt.Errorf("%w: CURVE INITIATE's nonce %d is not above HELLO's %d", ErrMalformed, peerNonce, s.peerNonce))
	}
	nonce := curveShortNonce(noncePrefixInitiate, peerNonce)
	plain, ok := box.OpenAfterPrecomputation(nil, data[curveCookieSize+8:], &nonce, &s.key)
	if !ok {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE INITIATE does not open", ErrMalformed))
	}
	client := [32]byte(plain[:32])
	vouchNonce := curveLongNonce(noncePrefixVouch, plain[32:48])
	vouchKey, err := curveSharedKey(&client, &s.cnSecret)
	if err != nil {
		return out, false, err
	}
	vouched, ok := box.OpenAfterPrecomputation(nil, plain[48:curveInitiatePlain], &vouchNonce, &vouchKey)
	if !ok {
		return out, false, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE INITIATE's vouch was not made by the key it names", ErrMalformed))
	}
	// libzmq 4.3.4 checks only C' here; RFC 26 puts S in the vouch so that
	// a vouch made for one server cannot be presented to another.
	if subtle.ConstantTimeCompare(vouched[:32], s.cnClient[:]) != 1 {
		return out, false, withCode(CodeKeyExchange, fmt.Errorf("%w: CURVE INITIATE's vouch is for another connection", ErrMalformed))
	}
	if subtle.ConstantTimeCompare(vouched[32:], s.public[:]) != 1 {
		return out, false, withCode(CodeKeyExchange, fmt.Errorf("%w: CURVE INITIATE's vouch is for another server", ErrMalformed))
	}
	if err := h.readPeerProperties(plain[curveInitiatePlain:]); err != nil {
		return out, false, err
	}
	s.peerNonce = peerNonce
	// The cookie has come back: RFC 26 says to forget its key now, and s'
	// lives on only in the shared key.
	clear(s.cookieKey[:])
	clear(s.cnSecret[:])
	s.state = curveWaitZAP
	h.askZAP(MechanismCurve, client[:])
	return out, false, nil
}

// zapAccepted sends READY with our metadata: the handshake is done.
func (s *curveServer) zapAccepted(h *Handshake, out []byte) ([]byte, bool, error) {
	if s.state != curveWaitZAP {
		return out, false, errors.New("zmtp: CURVE server: ZAP reply before INITIATE")
	}
	props := h.ourProperties()
	plain := AppendMetadata(make([]byte, 0, metadataSize(props)), props)
	const ourNonce = 1 // READY is the server's first short-nonce box, as in libzmq
	nonce := curveShortNonce(noncePrefixReady, ourNonce)
	out = appendCommandStart(out, cmdReady, 8+curveBoxOverhead+len(plain))
	out = binary.BigEndian.AppendUint64(out, ourNonce)
	out = box.SealAfterPrecomputation(out, plain, &nonce, &s.key)
	s.tr = newCurveTransform(&s.key, noncePrefixMessageS, noncePrefixMessageC, ourNonce+1, s.peerNonce)
	s.state = curveDone
	return out, true, nil
}

func (s *curveServer) transform() Transform {
	if s.tr == nil {
		return nil
	}
	return s.tr
}

// ---- MESSAGE: the Transform ----

// curveTransform boxes every frame after the handshake into a MESSAGE and
// opens the peer's.
//
// On the wire a MESSAGE is what libzmq 4.3.4 sends: a frame with no flags
// (neither COMMAND nor MORE: libzmq builds it as a new, flagless message),
// whose body is the command "\x07MESSAGE", the sender's next short nonce,
// and Box[flags + body] under "CurveZMQMESSAGEC" or "...S" and the
// nonce. The frame's own flags travel in the box. The outer ones must stay
// clear: libzmq ORs them into the frame it opens, so a MESSAGE in a COMMAND
// frame would reach its socket as a command and be lost (the interop test
// TestCurveWireZmtpClient fails so). We do not trust them either (see
// Open).
//
// Sealing and opening share nothing: the send side's fields are Seal's
// alone and the receive side's Open's, so one goroutine may seal while
// another opens. Each side alone is one goroutine's.
type curveTransform struct {
	key [32]byte // shared by our short-term secret and the peer's short-term key

	// Seal's side.
	sendNonce uint64     // the next short nonce we send
	sealState salsaState // XSalsa20 under key and our direction's prefix: see curveMessageState

	// Open's side.
	peerNonce uint64     // the peer's last short nonce; a MESSAGE must be above it
	openState salsaState // as sealState, for the peer's direction
}

func newCurveTransform(key *[32]byte, sendPrefix, openPrefix string, sendNonce, peerNonce uint64) *curveTransform {
	t := &curveTransform{key: *key, sendNonce: sendNonce, peerNonce: peerNonce}
	curveMessageState(&t.sealState, key, sendPrefix)
	curveMessageState(&t.openState, key, openPrefix)
	return t
}

// curveMessageState sets s up for the MESSAGE boxes of one direction.
// A box's XSalsa20 runs HSalsa20 over the key and the nonce's first 16
// bytes, which for every MESSAGE one way are the same prefix, into a
// subkey; then Salsa20 under the subkey with the nonce's last 8 bytes, the
// short nonce. So the subkey is made here once, and each box only sets the
// short nonce (s.setNonce) and runs Salsa20 (~90 ns of HSalsa20 saved a
// frame).
func curveMessageState(s *salsaState, key *[32]byte, prefix string) {
	var subKey [32]byte
	hin := [16]byte([]byte(prefix))
	salsa.HSalsa20(&subKey, &hin, key, &salsa.Sigma)
	s.setKey(&subKey)
}

// Overhead is a MESSAGE's name, nonce, MAC and flags byte: 33 bytes.
func (*curveTransform) Overhead() int { return curveMessageOverhead }

// Seal appends the MESSAGE frame that carries a frame with flags (FlagMore,
// FlagCommand) and body. It keeps no reference to body.
//
// Our short nonce is a 64-bit counter; at a billion frames a second it
// would run out after five centuries, so it is not checked.
func (t *curveTransform) Seal(dst []byte, flags byte, body []byte) []byte {
	var inner byte
	if flags&FlagMore != 0 {
		inner |= curveFlagMore
	}
	if flags&FlagCommand != 0 {
		inner |= curveFlagCommand
	}
	return t.seal(dst, inner, body)
}

// seal is Seal with the flags byte as it goes in the box.
func (t *curveTransform) seal(dst []byte, inner byte, body []byte) []byte {
	dst = AppendFrameHeader(dst, 0, curveMessageOverhead+len(body))
	dst = append(dst, byte(len(cmdMessage)))
	dst = append(dst, cmdMessage...)
	dst = binary.BigEndian.AppendUint64(dst, t.sendNonce)
	st := t.sealState
	st.setNonce(dst[len(dst)-8:], 0)
	t.sendNonce++
	// The box is the tag, then the flags byte and the body enciphered:
	// the body is enciphered on its way into dst, one pass over it.
	tagAt := len(dst)
	dst = slices.Grow(dst, secretboxTag+1+len(body))
	dst = dst[:tagAt+secretboxTag+1+len(body)]
	tag := secretboxSeal(dst[tagAt+secretboxTag:], inner, body, &st)
	copy(dst[tagAt:], tag[:])
	return dst
}

// Open returns the frame a MESSAGE carries. The body is opened in place:
// inner is a subslice of body, which is overwritten.
//
// It fails, wrapping ErrMalformed, for anything but a MESSAGE (libzmq sends
// nothing else once the handshake is done), for one too short to hold a
// box, for a nonce not above the peer's last (a replayed or reordered
// frame: libzmq before 4.0.5 did not check, CVE-2014-7203), for a box that
// does not open (forged, altered, or sealed for the other direction), and
// for flags RFC 26 reserves. The outer frame may have FlagCommand (RFC 25
// calls MESSAGE a command) or not (libzmq sends none), but not FlagMore:
// libzmq would merge an outer MORE into the frame, which would let anyone on
// the path split messages the box says are whole, so it is refused.
func (t *curveTransform) Open(flags byte, body []byte) (innerFlags byte, inner []byte, err error) {
	if len(body) < 1+len(cmdMessage) || body[0] != byte(len(cmdMessage)) || string(body[1:1+len(cmdMessage)]) != cmdMessage {
		return 0, nil, curveNotMessage(body)
	}
	if flags&FlagMore != 0 {
		return 0, nil, withCode(CodeMalformedMessage, fmt.Errorf("%w: CURVE MESSAGE in a frame with the MORE flag", ErrMalformed))
	}
	if len(body) < curveMessageOverhead {
		return 0, nil, withCode(CodeMalformedMessage, fmt.Errorf("%w: CURVE MESSAGE of %d bytes, at least %d", ErrMalformed, len(body), curveMessageOverhead))
	}
	nonce := binary.BigEndian.Uint64(body[1+len(cmdMessage):])
	if nonce <= t.peerNonce {
		return 0, nil, withCode(CodeInvalidSequence, fmt.Errorf("%w: CURVE MESSAGE nonce %d, not above the last one, %d", ErrMalformed, nonce, t.peerNonce))
	}
	st := t.openState
	st.setNonce(body[1+len(cmdMessage):curveMessageHeader], 0)
	// The box is opened where it lies: the plain text takes the cipher
	// text's place in body.
	var tag [secretboxTag]byte
	copy(tag[:], body[curveMessageHeader:])
	opened := body[curveMessageHeader+secretboxTag:]
	const reserved = ^byte(curveFlagMore | curveFlagCommand)
	authentic, head := secretboxOpen(opened, &tag, &st, reserved)
	if !authentic {
		return 0, nil, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE MESSAGE does not open", ErrMalformed))
	}
	if head&reserved != 0 {
		return 0, nil, withCode(CodeMalformedMessage, fmt.Errorf("%w: CURVE MESSAGE flags %#02x have reserved bits set", ErrMalformed, head))
	}
	t.peerNonce = nonce
	if head&curveFlagMore != 0 {
		innerFlags |= FlagMore
	}
	if head&curveFlagCommand != 0 {
		innerFlags |= FlagCommand
	}
	return innerFlags, opened[1:], nil
}

// secretboxTag is the size of a box's Poly1305 tag, which comes before its
// cipher text.
const secretboxTag = 16

// secretboxSeal enciphers head and then body into out (1+len(body) bytes,
// which must not overlap body) with NaCl's secretbox (XSalsa20 and
// Poly1305: what box.SealAfterPrecomputation does with a precomputed key)
// and returns the tag that goes before it. s is the box's Salsa20 after
// HSalsa20 (see curveMessageState), its nonce set, at block 0; it is used
// as scratch. The body is read once, enciphered on its way into out: a
// MESSAGE is built in the frame's own bytes with no scratch copy, and
// opened in them (secretboxOpen; x/crypto's Seal and Open refuse to write
// over their input, which a stream cipher need not).
func secretboxSeal(out []byte, head byte, body []byte, s *salsaState) (tag [secretboxTag]byte) {
	var first [64]byte
	salsaBlock(&first, s)
	out[0] = head ^ first[32]
	n := subtle.XORBytes(out[1:], body, first[33:])
	if len(body) > n {
		s.setCounter(1)
		salsaXOR(out[1+n:], body[n:], s)
	}
	polyKey := [32]byte(first[:32])
	poly1305Sum(&tag, out, &polyKey)
	return tag
}

// secretboxOpen checks c (not empty) against tag and reports whether it is
// authentic, and its first byte deciphered. It deciphers c in place only
// if it is, and that byte has none of the bits of refuse set: a refused
// frame is left as it came. s is as for secretboxSeal.
func secretboxOpen(c []byte, tag *[secretboxTag]byte, s *salsaState, refuse byte) (authentic bool, head byte) {
	var first [64]byte
	salsaBlock(&first, s)
	polyKey := [32]byte(first[:32])
	var want [secretboxTag]byte
	poly1305Sum(&want, c, &polyKey)
	if subtle.ConstantTimeCompare(want[:], tag[:]) != 1 {
		return false, 0
	}
	head = c[0] ^ first[32]
	if head&refuse == 0 {
		xorFrom(c, &first, s)
	}
	return true, head
}

// xorFrom XORs p with the key stream: its first 32 bytes with the second
// half of first, block 0 of s (whose first half keyed Poly1305), the rest
// from block 1 on. It sets the counter of s to 1.
func xorFrom(p []byte, first *[64]byte, s *salsaState) {
	n := subtle.XORBytes(p, p, first[32:])
	if len(p) > n {
		s.setCounter(1)
		salsaXOR(p[n:], p[n:], s)
	}
}

// ---- helpers ----

func curveUnexpected(name []byte) error {
	return withCode(CodeUnexpectedCommand, fmt.Errorf("%w: unexpected %q command in the CURVE handshake", ErrMalformed, name))
}

// curveNotMessage is Open's error for a frame that is not a MESSAGE; out
// of line so that Open's own frame stays small.
func curveNotMessage(body []byte) error {
	if name, _, err := ParseCommand(body); err == nil {
		return withCode(CodeUnexpectedCommand, fmt.Errorf("%w: %q command where CURVE allows only MESSAGE", ErrMalformed, name))
	}
	return withCode(CodeUnexpectedCommand, fmt.Errorf("%w: a frame that is not a CURVE MESSAGE", ErrMalformed))
}

// curveShortNonce is a short nonce with its 16-byte prefix.
func curveShortNonce(prefix string, n uint64) (nonce [24]byte) {
	copy(nonce[:], prefix)
	binary.BigEndian.PutUint64(nonce[16:], n)
	return nonce
}

// curveLongNonce is a 16-byte long nonce with its 8-byte prefix.
func curveLongNonce(prefix string, long []byte) (nonce [24]byte) {
	copy(nonce[:], prefix)
	copy(nonce[8:], long)
	return nonce
}

// weakSharedKey is what box.Precompute makes of a public key of small
// order (the zero point among them): X25519 gives all zeros whatever our
// secret, so the box key is one anyone can compute.
var weakSharedKey = func() (k [32]byte) {
	var zeroPoint, someSecret [32]byte
	someSecret[0] = 1
	box.Precompute(&k, &zeroPoint, &someSecret)
	return k
}()

// curveSharedKey is the box key of our secret and the peer's public key
// (box.Precompute). A peer key of small order is refused with
// ErrMalformed, as libsodium (libzmq's NaCl) refuses it; it would make a
// key that does not depend on our secret.
func curveSharedKey(peer, secret *[32]byte) ([32]byte, error) {
	var k [32]byte
	box.Precompute(&k, peer, secret)
	if k == weakSharedKey {
		return k, withCode(CodeCryptographic, fmt.Errorf("%w: CURVE public key %x is of small order", ErrMalformed, peer[:]))
	}
	return k, nil
}

// newCurveKeyPair makes a short-term key pair from r.
func newCurveKeyPair(r io.Reader) (public, secret [32]byte) {
	copy(secret[:], randomBytes(r, 32))
	return curvePublicOf(&secret), secret
}

// curvePublicOf is the public key of a secret: X25519 with the base point.
func curvePublicOf(secret *[32]byte) [32]byte {
	pub, err := curve25519.X25519(secret[:], curve25519.Basepoint)
	if err != nil {
		// Only a small-order result fails, which the base point times a
		// clamped scalar never is.
		panic("zmtp: X25519 with the base point: " + err.Error())
	}
	return [32]byte(pub)
}

// randOf is where a CURVE handshake's randomness comes from: Config.Rand,
// or crypto/rand.
func randOf(cfg *Config) io.Reader {
	if cfg.Rand != nil {
		return cfg.Rand
	}
	return rand.Reader
}

// randomBytes returns n bytes from r. crypto/rand never fails (it crashes
// the program rather than return short, since Go 1.24); a test's Rand that
// runs dry is a bug in the test, and panics.
func randomBytes(r io.Reader, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("zmtp: Config.Rand: " + err.Error())
	}
	return b
}
