package zmtp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Config is our side of a handshake. NewHandshake keeps it: the caller must
// not change Identity or Metadata (or what they point to) until the
// handshake is over.
type Config struct {
	// SocketType is ours as on the wire, e.g. "PUSH". It is sent as the
	// Socket-Type property and decides which peers Compatible accepts.
	SocketType string

	// Identity is our routing id. Like libzmq 4.3.4 we send it as the
	// Identity property only when SocketType is REQ, DEALER or ROUTER,
	// and then always, empty if Identity is; other types ignore it. At most
	// 255 bytes.
	Identity []byte

	// Metadata holds extra application properties (names beginning "X-",
	// set with ZMQ_METADATA) appended to our READY after Socket-Type and
	// Identity.
	Metadata []Property

	// Mechanism is the security mechanism we speak: MechanismNull (also
	// when empty), MechanismPlain or MechanismCurve. The peer must speak the
	// same one; a greeting naming another fails with ErrMechanism.
	Mechanism string

	// AsServer is the greeting's as-server bit and, for PLAIN and CURVE,
	// our role: the server authenticates the client (through the caller's
	// ZAP handler: ZAPPending). NULL has no roles and wants it false.
	AsServer bool

	// PlainUsername and PlainPassword are a PLAIN client's credentials, at
	// most 255 bytes each.
	PlainUsername, PlainPassword []byte

	// CurvePublicKey and CurveSecretKey are our long-term CURVE key pair
	// (either role); CurveServerKey is the server's long-term public key,
	// which a CURVE client must know.
	CurvePublicKey, CurveSecretKey, CurveServerKey [32]byte

	// ZAP makes a NULL handshake ask the caller's ZAP handler before it
	// accepts the peer, as libzmq does when ZMQ_ZAP_DOMAIN is set. PLAIN
	// and CURVE servers always ask; the caller answers for a missing
	// handler by libzmq's rules (see ZAPPending).
	ZAP bool

	// MaxFrame is the largest handshake command frame body we accept; a
	// larger one fails with ErrTooLarge as soon as its header arrives.
	// 0 or less means 65536. It bounds how much the caller must buffer to
	// make progress: GreetingSize, then one command frame at a time.
	MaxFrame int

	// Downgrade detects ZMTP 1.0 and 2.0 peers and talks to them, as
	// libzmq 4.3.4 does (RFC 37, "Detecting ZMTP 1.0 and 2.0 Peers"; see
	// downgrade.go): our greeting goes out in stages, each once the peer's
	// bytes so far say what to send next, and Framing says how the stream
	// goes on. Only the NULL mechanism without ZAP downgrades: those
	// versions carry no security mechanism (CVE-2014-9721). With PLAIN,
	// CURVE or ZAP an older peer is refused, as soon as its first bytes
	// show what it is, with an error that matches ErrDowngradeRefused; the
	// greeting is staged all the same, so that such a peer never reads the
	// rest of a ZMTP 3 greeting as its own version's bytes.
	//
	// Without Downgrade our greeting goes out whole at once and only ZMTP
	// 3.x peers are accepted (RFC 37: a peer that "does not need backwards
	// interoperability").
	Downgrade bool

	// Dialled says we connected (the peer accepted). With Downgrade, the
	// rest of our ZMTP 3 greeting, which carries our mechanism, waits
	// until the peer's greeting is whole (and then goes even if the
	// mechanisms differ), and with NULL our READY, which carries our
	// Socket-Type, waits for the peer's READY. libzmq's server writes its
	// greeting and its READY each a turn of its loop after it has read
	// what they answer, and closes as soon as it reads a mechanism or a
	// Socket-Type it refuses: a client quick enough to send its own in
	// between was closed on before it could learn why, took that for a
	// failed connection and redialled, where libzmq's slower client sees
	// the refusal and stops (interop's TestConnecterEndsOnProtocolError:
	// 6-23 connections in 400 ms for a NULL client of a CURVE server, 1
	// run in 10 for a PUSH client of a PUSH server, where libzmq's client
	// makes 1). It costs the connecting side about a round trip, once per
	// connection. The accepting side must not hold them too, or neither
	// would send.
	Dialled bool

	// Rand is where CURVE's short-term key pair, its server's cookie key
	// and the random halves of its long nonces come from; nil means
	// crypto/rand. Only tests set it: with a fixed stream the handshake is
	// deterministic, so a transcript captured from libzmq replays
	// (testdata/libzmq-curve-*.hex).
	Rand io.Reader
}

const defaultMaxHandshakeFrame = 65536

// PeerInfo is what the handshake learned about the peer. It owns its
// slices: they are copies, safe to keep after the input is gone.
type PeerInfo struct {
	// Major and Minor are the ZMTP version from the peer's greeting. Peers
	// older than ZMTP 3 (accepted with Config.Downgrade) have 2.0 for
	// ZMTP 2.0 (revision byte 1), 1.0 for ZMTP 1.0 framing announced with
	// revision byte 0, and 0.0 for ZMTP 1.0 with no version information at
	// all (0MQ 2.x).
	Major, Minor uint8
	// Mechanism is the security mechanism from the peer's greeting; empty
	// for a ZMTP 1.0 or 2.0 peer, whose greeting names none.
	Mechanism string
	// SocketType is the peer's Socket-Type property, or, from a ZMTP 1.0
	// or 2.0 peer, the name of the socket-type byte of its greeting (see
	// legacySocketTypes); empty from a 0MQ 2.x peer, which says nothing of
	// its type.
	SocketType string
	// Identity is the peer's Identity property, nil if it sent none; from
	// a ZMTP 1.0 or 2.0 peer, the identity message every one of them sends
	// first, never nil (empty for an anonymous peer).
	Identity []byte
	// Metadata holds every other property the peer sent, in order, with
	// names as the peer spelled them: "Resource", "X-..." and any others
	// we do not know.
	Metadata []Property
	// UserID is the user our ZAP handler authenticated the peer as (its
	// reply's user id); empty without ZAP.
	UserID string
	// ZAPMetadata holds the properties of our ZAP handler's reply.
	ZAPMetadata []Property
}

// handshakeState is where a Handshake is in the stream it reads. Each state
// has one method that consumes its part of the input.
type handshakeState uint8

const (
	stateGreeting  handshakeState = iota // waiting for the peer's greeting, or as much of it as says its version (readGreeting)
	stateIdentity                        // a ZMTP 1.0 or 2.0 peer: reading its identity message (readIdentity)
	stateMechanism                       // greetings done; reading commands until the mechanism is done (readCommand)
	stateZAP                             // the mechanism waits for the caller's ZAP reply (ZAPReply); nothing is read
	stateDone                            // handshake complete; input beyond is traffic
	stateFailed                          // err says why; nothing more is read
)

// Handshake drives one connection through its ZMTP handshake: greeting,
// security mechanism, metadata. It does no I/O. The caller sends what Output
// gives it and feeds what it receives to Input, in any pieces, until Done
// or an error.
//
//	h := zmtp.NewHandshake(cfg)
//	send(h.Output(nil))               // our greeting
//	for !h.Done() {
//		buf = append(buf, recv()...)
//		n, err := h.Input(buf)
//		buf = buf[n:]
//		send(h.Output(nil))            // READY, or an ERROR before err
//		if err != nil { close; return }
//	}
//	// buf now begins with message traffic.
//
// Our greeting is version 3.1. Without Config.Downgrade it is sent whole
// and we expect a whole ZMTP 3 greeting back. With it, it goes out in
// stages as libzmq 4.3.4 sends it, and (with NULL without ZAP) a ZMTP 1.0
// or 2.0 peer is answered in its own version (downgrade.go); the loop
// above does not change, since Output always holds what is due. With NULL
// both sides send READY as soon as the greetings are exchanged, as libzmq
// does, so the handshake costs one round trip after the greeting (which
// itself takes one round trip staged, half of one whole); a side that
// dialled with Config.Dialled answers the peer's greeting and READY
// instead of crossing them, about one round trip more.
//
// A Handshake belongs to one goroutine.
type Handshake struct {
	cfg      Config
	maxFrame int64
	mech     mechanism
	state    handshakeState
	err      error  // set with stateFailed; every later Input returns it
	out      []byte // bytes for the peer that Output has not taken yet
	peer     PeerInfo
	zap      ZAPRequest // what the mechanism asked, in stateZAP

	// staged: Config.Downgrade, our greeting goes out in stages; refuseOld:
	// the mechanism or ZAP forbids talking to older peers; sent: how much
	// of our greeting is queued (downgrade.go).
	staged    bool
	refuseOld bool
	sent      greetingStage
	framing   Framing // the stream's framing once the peer's version is known
}

// NewHandshake returns a Handshake for our side of a new connection with
// our greeting already queued for Output (with Config.Downgrade, its first
// stage), for the mechanism and role cfg names.
//
// A Config that cannot be sent (an unknown SocketType or Mechanism, an
// Identity over 255 bytes, a Metadata name that is empty, over 255 bytes,
// or one of the reserved Socket-Type and Identity, PLAIN credentials over
// 255 bytes) does not panic: the Handshake starts failed, Output gives
// nothing, and Input returns the reason.
func NewHandshake(cfg Config) *Handshake {
	h := &Handshake{cfg: cfg, maxFrame: int64(cfg.MaxFrame)}
	if h.maxFrame <= 0 {
		h.maxFrame = defaultMaxHandshakeFrame
	}
	var err error
	if h.mech, err = newMechanism(&cfg); err == nil {
		err = checkConfig(&cfg)
	}
	if err != nil {
		h.mech = &nullMechanism{}
		h.state, h.err = stateFailed, err
		return h
	}
	h.staged = cfg.Downgrade
	h.refuseOld = h.mech.name() != MechanismNull || cfg.ZAP
	if h.staged {
		h.out = h.appendSignature(h.out)
		h.sent = sentSignature
		return h
	}
	h.out = h.greeting().Append(h.out)
	h.sent = sentAll
	return h
}

// greeting is ours.
func (h *Handshake) greeting() Greeting {
	return Greeting{Major: 3, Minor: 1, Mechanism: h.mech.name(), AsServer: h.cfg.AsServer}
}

func checkConfig(cfg *Config) error {
	if !speaksZMTP(cfg.SocketType) {
		return fmt.Errorf("zmtp: Config.SocketType %q does not speak ZMTP", cfg.SocketType)
	}
	if len(cfg.Identity) > 255 {
		return fmt.Errorf("zmtp: Config.Identity is %d bytes, limit 255", len(cfg.Identity))
	}
	for _, p := range cfg.Metadata {
		if err := checkProperty(p); err != nil {
			return fmt.Errorf("zmtp: Config.Metadata: %v", err)
		}
		if isProperty([]byte(p.Name), propSocketType) || isProperty([]byte(p.Name), propIdentity) {
			return fmt.Errorf("zmtp: Config.Metadata: property %q is the handshake's own", p.Name)
		}
	}
	return nil
}

// Output appends to b every byte that must be sent to the peer now and
// forgets them: our greeting on the first call, our READY once the peer's
// greeting is accepted, and, when Input fails for a reason RFC 37 says to
// report (an incompatible Socket-Type), an ERROR command. Call it after
// every Input, even one that failed, and send the result before closing.
func (h *Handshake) Output(b []byte) []byte {
	b = append(b, h.out...)
	h.out = h.out[:0]
	return b
}

// Input consumes the greeting and whole command frames at the start of b
// and returns how many bytes it used (never more than len(b)). n < len(b)
// with a nil error means it needs more bytes: keep the rest and call again
// with it extended. Once Done, Input consumes nothing more; whatever follows
// in b is message traffic for the caller. After an error, every call
// returns that error again and consumes nothing; the connection is over.
//
// Input keeps no reference to b, and allocates nothing for a length the
// peer announced until those bytes are in b (then only copies for PeerInfo).
// The largest unit it waits for whole is GreetingSize bytes, then one
// command frame of at most Config.MaxFrame bytes plus its header.
func (h *Handshake) Input(b []byte) (n int, err error) {
	for h.state != stateDone && h.state != stateFailed {
		var m int
		prev := h.state
		switch h.state {
		case stateGreeting:
			m, err = h.readGreeting(b[n:])
		case stateIdentity:
			m, err = h.readIdentity(b[n:])
		case stateMechanism:
			m, err = h.readCommand(b[n:])
		}
		n += m
		if err != nil {
			h.fail(err)
			return n, err
		}
		if m == 0 && h.state == prev {
			break // (a ZMTP 1.0 peer's greeting is its identity message: readGreeting moves on consuming nothing)
		}
	}
	return n, h.err
}

// Done reports whether the handshake completed: the peer's metadata has
// been accepted and ours is queued (perhaps still in Output).
func (h *Handshake) Done() bool { return h.state == stateDone }

// Peer returns what is known of the peer: the greeting's fields once it has
// been read, the metadata once Done.
func (h *Handshake) Peer() PeerInfo { return h.peer }

// Framing is the framing of the stream after the handshake, for the
// connection's Decoder and Encoder: FramingZMTP3 unless a ZMTP 1.0 or 2.0
// peer was accepted (Config.Downgrade). Valid once Done.
func (h *Handshake) Framing() Framing { return h.framing }

func (h *Handshake) fail(err error) {
	h.state, h.err = stateFailed, err
	h.zap = ZAPRequest{}
	if errors.Is(err, ErrIncompatible) && h.framing == FramingZMTP3 &&
		(h.mech.name() == MechanismNull || h.cfg.AsServer) {
		// RFC 37: a peer that validates the socket type SHOULD answer a bad
		// one with ERROR, then disconnect. Our READY has gone first (NULL
		// sends it before seeing the peer's), so the peer reads READY then
		// ERROR; libzmq closes on either. (RFC 15 has an older peer of
		// the wrong type disconnected silently: it has no ERROR.) A PLAIN
		// or CURVE client sends none: RFC 24 and 26 give ERROR to the
		// server alone, and a CURVE client's would go out unboxed after
		// the boxes began. It closes, as libzmq's client does.
		h.out = AppendError(h.out, "Incompatible Socket-Type")
	}
}

// readGreeting reads the peer's greeting. It fails as soon as the bytes it
// has rule the peer out, rather than waiting for all 64. It consumes
// nothing until the greeting is whole, so b always starts with the
// greeting's first byte.
func (h *Handshake) readGreeting(b []byte) (int, error) {
	if h.staged {
		// The peer's version decides what we send next and what follows;
		// a ZMTP 1.0 or 2.0 peer goes on in stateIdentity.
		if n, zmtp3, err := h.detectVersion(b); !zmtp3 || err != nil {
			return n, err
		}
	} else if err := checkGreetingPrefix(b); err != nil {
		return 0, err
	}
	if len(b) < GreetingSize {
		return 0, nil
	}
	g, err := ParseGreeting(b[:GreetingSize])
	if err != nil {
		return 0, err
	}
	// Config.Dialled: the rest of our greeting, held until now. It goes
	// even to a peer whose mechanism we refuse, which then knows why.
	h.sendGreetingRest()
	// RFC 37: if the mechanism received does not exactly match the one
	// sent, close the connection.
	if g.Mechanism != h.mech.name() {
		return 0, fmt.Errorf("%w: peer uses %s, we use %s", ErrMechanism, g.Mechanism, h.mech.name())
	}
	h.peer.Major, h.peer.Minor, h.peer.Mechanism = g.Major, g.Minor, g.Mechanism
	h.state = stateMechanism
	h.out = h.mech.start(h, h.out)
	return GreetingSize, nil
}

// readCommand reads one whole command frame of the mechanism handshake.
// ERROR is handled here, the same for every mechanism; the rest go to the
// mechanism.
func (h *Handshake) readCommand(b []byte) (int, error) {
	flags, size, hn, err := ParseFrameHeader(b, h.maxFrame)
	if err != nil || hn == 0 {
		return 0, err
	}
	if flags&FlagCommand == 0 {
		return 0, fmt.Errorf("%w: message frame during the handshake", ErrMalformed)
	}
	if len(b)-hn < size {
		return 0, nil
	}
	if h.mech.name() == MechanismPlain {
		if reason, ok := libzmqPlainErrorReason(b[hn : hn+size]); ok {
			return 0, peerError(reason)
		}
	}
	name, data, err := ParseCommand(b[hn : hn+size])
	if err != nil {
		return 0, err
	}
	if string(name) == cmdError {
		return 0, peerError(string(parseErrorReason(data)))
	}
	var done bool
	h.out, done, err = h.mech.command(h, name, data, h.out)
	if err != nil {
		return 0, err
	}
	if done {
		h.state = stateDone
	}
	return hn + size, nil
}

// Property names the handshake itself sends and reads.
const (
	propSocketType = "Socket-Type"
	propIdentity   = "Identity"
)

// isProperty reports whether a received property name is want. Names are
// case-insensitive (RFC 37, "Connection Metadata").
func isProperty(name []byte, want string) bool {
	return len(name) == len(want) && bytes.EqualFold(name, []byte(want))
}

// ourProperties is the metadata every mechanism sends in its last command
// (READY for NULL and PLAIN, INITIATE/READY for CURVE).
func (h *Handshake) ourProperties() []Property {
	props := make([]Property, 0, 2+len(h.cfg.Metadata))
	props = append(props, Property{Name: propSocketType, Value: []byte(h.cfg.SocketType)})
	if sendsIdentity(h.cfg.SocketType) {
		props = append(props, Property{Name: propIdentity, Value: h.cfg.Identity})
	}
	return append(props, h.cfg.Metadata...)
}

// readPeerProperties takes in the peer's metadata, checks its Socket-Type
// against ours, and copies everything into h.peer.
func (h *Handshake) readPeerProperties(data []byte) error {
	sawSocketType := false
	err := ParseMetadata(data, func(name, value []byte) error {
		switch {
		case isProperty(name, propSocketType):
			if !Compatible(h.cfg.SocketType, string(value)) {
				return fmt.Errorf("%w: we are %s, peer is %q", ErrIncompatible, h.cfg.SocketType, value)
			}
			sawSocketType = true
			h.peer.SocketType = string(value)
		case isProperty(name, propIdentity):
			h.peer.Identity = bytes.Clone(value)
		default:
			h.peer.Metadata = append(h.peer.Metadata, Property{Name: string(name), Value: bytes.Clone(value)})
		}
		return nil
	})
	if err != nil {
		return withCode(CodeInvalidMetadata, err)
	}
	if !sawSocketType {
		return withCode(CodeInvalidMetadata, fmt.Errorf("%w: peer's metadata has no Socket-Type", ErrIncompatible))
	}
	return nil
}
