package zmtp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Talking to ZMTP 1.0 and 2.0 peers (Config.Downgrade).
//
// A peer's first bytes say its version (RFC 15, "Backwards
// Interoperability"; RFC 37, "Detecting ZMTP 1.0 and 2.0 Peers"; libzmq
// 4.3.4's zmtp_engine.cpp, receive_greeting and select_handshake_fun):
//
//   - a first byte other than 0xFF, or a tenth byte with bit 0 clear: ZMTP
//     1.0 as 0MQ 2.x speaks it, with no version at all. Those bytes are
//     already its identity message, a ZMTP 1.0 frame.
//   - otherwise the eleventh byte is the version: 0 (ZMTP 1.0 framing) and 1
//     (ZMTP 2.0, as libzmq 3.x and JeroMQ 0.3 speak it) are followed by a
//     twelfth, the peer's socket type, and then its identity message in
//     that version's framing; 3 and above by the rest of a ZMTP 3 greeting.
//
// So our greeting goes out in stages, each sent once the peer's bytes so
// far say it is due, as libzmq sends it:
//
//  1. at once, ten bytes that are both a ZMTP 3 signature and, to a 0MQ
//     2.x peer, the header of our identity frame: 0xFF, the identity's
//     length plus one in eight bytes (the signature's padding), 0x7F (a
//     signature end with bit 0 set, and that frame's flags, which RFC 13
//     says are not validated);
//  2. once the peer's first ten bytes are a signature too: our major
//     version, 3;
//  3. once its version byte is in: to a ZMTP 3 peer, the rest of our
//     greeting; to a ZMTP 1.0 or 2.0 peer, our socket-type byte, then,
//     once its own socket-type byte passed the RFC 15 check, our identity
//     message in its framing.
//
// To a 0MQ 2.x peer we send, once its first byte is in, only our
// identity's bytes: the ten already sent were their frame's header.
//
// Neither version has a security mechanism, commands, or metadata beyond
// the socket type (none in ZMTP 1.0) and the identity, so the handshake is
// done once the peer's identity message is in. Talking down to one from a
// socket that must authenticate or encrypt would let any peer past the
// mechanism (CVE-2014-9721); libzmq 4.3.4 refuses them whenever a
// mechanism other than NULL or a ZAP domain is set, and so do we
// (ErrDowngradeRefused), at the byte that shows the peer's version. The
// greeting is staged there too: a ZMTP 2.0 peer handed the rest of a ZMTP
// 3 greeting reads it as its own frames, and JeroMQ 0.3.6 then closes the
// connection itself, often before its version byte has been read here;
// staged, the refusal is ours and is the same every time.

// ErrDowngradeRefused: the peer speaks ZMTP 1.0 or 2.0 (or sent bytes that
// a ZMTP 1.0 peer might: those are not told apart without reading on), and
// Config.Downgrade was asked for but our mechanism is PLAIN or CURVE, or
// NULL with ZAP. Those versions carry no security mechanism, so accepting
// the peer would bypass ours (CVE-2014-9721). The error also matches
// ErrSignature or ErrVersion, for what the peer sent. libzmq 4.3.4 closes
// such a connection with no handshake-failed event (a plain close: its
// monitor shows only ZMQ_EVENT_DISCONNECTED).
var ErrDowngradeRefused = errors.New("zmtp: no ZMTP 1.0 or 2.0 peer with a security mechanism or ZAP (CVE-2014-9721)")

// greetingStage is how much of our greeting is queued for the peer.
type greetingStage uint8

const (
	sentSignature  greetingStage = iota + 1 // ten bytes: 0xFF, identity length + 1, 0x7F
	sentMajor                               // and 3, our major version
	sentSocketType                          // and, to a ZMTP 1.0 or 2.0 peer, our socket-type byte
	sentAll                                 // the whole ZMTP 3 greeting
)

// sendGreetingRest queues the rest of our ZMTP 3 greeting after the major
// version, once: when the peer's major version says it speaks ZMTP 3, or,
// with Config.Dialled, when its whole greeting is in.
func (h *Handshake) sendGreetingRest() {
	if h.staged && h.sent < sentAll {
		var g [GreetingSize]byte
		h.out = append(h.out, h.greeting().Append(g[:0])[greetingMajor+1:]...)
		h.sent = sentAll
	}
}

// Where a versioned ZMTP 1.0 or 2.0 greeting has its fields: signature
// (10 bytes), revision, socket type.
const (
	legacyRevision   = greetingMajor // 0 for ZMTP 1.0 framing, 1 for ZMTP 2.0
	legacySocketType = greetingMinor
	legacyGreeting   = legacySocketType + 1
)

// maxIdentity is the longest identity message accepted from a ZMTP 1.0 or
// 2.0 peer: RFC 13's identity is 1 to 255 octets, as is every routing id.
const maxIdentity = 255

// legacySocketTypes names the socket-type byte of a ZMTP 1.0 or 2.0
// greeting. RFC 15 numbers PAIR to PUSH 0 to 8; its implementations send
// their socket option's value (libzmq 3.x and 4.x, JeroMQ 0.3), which is
// 9 and 10 for XPUB and XSUB, and libzmq 4.3.4's zmq.h goes on with its
// draft types, so we send and read those numbers. 11 is STREAM, which has
// no greeting at all.
var legacySocketTypes = [...]string{
	0: "PAIR", 1: "PUB", 2: "SUB", 3: "REQ", 4: "REP", 5: "DEALER", 6: "ROUTER", 7: "PULL", 8: "PUSH",
	9: "XPUB", 10: "XSUB", 12: "SERVER", 13: "CLIENT", 14: "RADIO", 15: "DISH", 16: "GATHER",
	17: "SCATTER", 18: "DGRAM", 19: "PEER", 20: "CHANNEL",
}

// legacySocketTypeByte is t's number; t is one Config allows.
func legacySocketTypeByte(t string) byte {
	for i, name := range legacySocketTypes {
		if name == t && name != "" {
			return byte(i)
		}
	}
	return 0xFF // unreachable: checkConfig accepts only types in the table
}

// appendSignature appends the first stage of our greeting (see above).
func (h *Handshake) appendSignature(b []byte) []byte {
	b = append(b, 0xFF)
	b = binary.BigEndian.AppendUint64(b, uint64(len(h.cfg.Identity))+1)
	return append(b, 0x7F)
}

// detectVersion is readGreeting with Config.Downgrade: it reads as much of
// the peer's first bytes as decides its version, queuing our greeting's
// stages as they fall due. zmtp3 reports a ZMTP 3 peer, whose greeting
// readGreeting goes on to read; for a ZMTP 1.0 or 2.0 one it moves to
// stateIdentity and returns the greeting's length (0 for a 0MQ 2.x peer,
// whose first bytes are its identity message).
func (h *Handshake) detectVersion(b []byte) (n int, zmtp3 bool, err error) {
	if len(b) == 0 {
		return 0, false, nil
	}
	if b[0] != 0xFF || len(b) >= greetingSignatureEnd && b[greetingSignatureEnd-1]&1 == 0 {
		if h.refuseOld {
			if b[0] != 0xFF {
				return 0, false, fmt.Errorf("%w: %w: first byte %#02x (a ZMTP 1.0 peer?)", ErrDowngradeRefused, ErrSignature, b[0])
			}
			return 0, false, fmt.Errorf("%w: %w: tenth byte %#02x has bit 0 clear (a ZMTP 1.0 peer?)",
				ErrDowngradeRefused, ErrSignature, b[greetingSignatureEnd-1])
		}
		// 0MQ 2.x: ours were the header of our identity frame; its body
		// follows, and the peer's identity frame is what we have.
		h.peer.Major, h.peer.Minor = 0, 0
		h.framing = FramingZMTP1
		h.out = append(h.out, h.cfg.Identity...)
		h.state = stateIdentity
		return 0, false, nil
	}
	if len(b) < greetingSignatureEnd {
		return 0, false, nil
	}
	if h.sent < sentMajor {
		h.out = append(h.out, 3)
		h.sent = sentMajor
	}
	if len(b) <= legacyRevision {
		return 0, false, nil
	}
	switch rev := b[legacyRevision]; {
	case rev >= 3:
		if !h.cfg.Dialled {
			h.sendGreetingRest()
		}
		return 0, true, nil
	case rev == 2:
		return 0, false, fmt.Errorf("%w: peer's version byte is 2, which no ZMTP has", ErrVersion)
	case h.refuseOld:
		return 0, false, fmt.Errorf("%w: %w: peer speaks ZMTP %d.0", ErrDowngradeRefused, ErrVersion, rev+1)
	}
	if h.sent < sentSocketType {
		h.out = append(h.out, legacySocketTypeByte(h.cfg.SocketType))
		h.sent = sentSocketType
	}
	if len(b) < legacyGreeting {
		return 0, false, nil
	}
	h.peer.Major, h.peer.Minor = b[legacyRevision]+1, 0
	h.framing = FramingZMTP2
	if b[legacyRevision] == 0 {
		h.framing = FramingZMTP1
	}
	// RFC 15: "The implementation SHOULD enforce that an incoming
	// connection has a valid socket type" and silently disconnect
	// otherwise (fail sends no ERROR in this framing). libzmq 4.3.4 does
	// not check; a peer of the wrong type is a misconfiguration either way.
	code := b[legacySocketType]
	var peerType string
	if int(code) < len(legacySocketTypes) {
		peerType = legacySocketTypes[code]
	}
	if peerType == "" {
		return 0, false, withCode(CodeInvalidMetadata, fmt.Errorf("%w: %s peer's socket type byte %d names no type", ErrIncompatible, h.framing, code))
	}
	if !Compatible(h.cfg.SocketType, peerType) {
		return 0, false, withCode(CodeInvalidMetadata, fmt.Errorf("%w: we are %s, %s peer is %s", ErrIncompatible, h.cfg.SocketType, h.framing, peerType))
	}
	h.peer.SocketType = peerType
	h.out = h.appendIdentity(h.out)
	h.state = stateIdentity
	return legacyGreeting, false, nil
}

// appendIdentity appends our identity message in h.framing, flags clear,
// as libzmq sends its routing id to these peers: the option's value
// whatever the socket type (an empty one makes an anonymous peer).
func (h *Handshake) appendIdentity(b []byte) []byte {
	if h.framing == FramingZMTP1 {
		b = appendV1FrameHeader(b, 0, len(h.cfg.Identity))
	} else {
		b = AppendFrameHeader(b, 0, len(h.cfg.Identity))
	}
	return append(b, h.cfg.Identity...)
}

// readIdentity reads a ZMTP 1.0 or 2.0 peer's identity message, one frame
// of at most 255 bytes, which ends the handshake.
//
// RFC 13 says a ZMTP 1.0 identity frame's flags "SHALL not be validated":
// libzmq 3.x and later send 0x7F there (our signature's last byte), which
// 0MQ 2.x takes. But what reaches this from a peer without a version is
// 0MQ 2.x's own encoder's output, which sets no flag on an identity, so
// flags other than zero are refused as bytes that are not ZMTP at all: an
// HTTP request ("GET ...", length 'G', flags 'E') is turned away at once
// rather than kept open until ZMQ_HANDSHAKE_IVL while its "identity" of 70
// bytes never completes.
func (h *Handshake) readIdentity(b []byte) (int, error) {
	var flags byte
	var size, n int
	var err error
	if h.framing == FramingZMTP1 {
		flags, size, n, err = parseV1FrameHeader(b, maxIdentity)
	} else {
		flags, size, n, err = parseV2FrameHeader(b, maxIdentity)
	}
	if err == nil && n > 0 && flags != 0 {
		err = fmt.Errorf("%w: identity message with flags %#02x", ErrMalformed, flags)
	}
	if err != nil {
		if h.peer.Major == 0 {
			// A peer without a version: its bytes are neither a ZMTP 3
			// greeting nor a ZMTP 1.0 identity.
			err = fmt.Errorf("%w: not ZMTP 3, nor a ZMTP 1.0 identity frame: %w", ErrSignature, err)
		}
		return 0, withCode(CodeUnspecified, err)
	}
	if n == 0 || len(b)-n < size {
		return 0, nil
	}
	h.peer.Identity = append([]byte{}, b[n:n+size]...)
	h.state = stateDone
	return n + size, nil
}
