package zmtp

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The security mechanisms, as a greeting spells them.
const (
	MechanismNull  = "NULL"
	MechanismPlain = "PLAIN"
	MechanismCurve = "CURVE"
)

// ErrAuth: authentication failed. Either our ZAP handler refused the peer,
// or the peer's refused us (its ERROR carried a ZAP status code). The error
// is an *AuthError, which says which and with what status.
var ErrAuth = errors.New("zmtp: authentication failed")

// AuthError is a handshake ended by a ZAP status code other than 200.
// errors.Is matches it to ErrAuth and, when the peer sent the code in an
// ERROR command (Remote), to ErrPeerError as well.
type AuthError struct {
	StatusCode int    // 300, 400 or 500
	StatusText string // our handler's text; empty for Remote
	Remote     bool   // the peer refused us, rather than we the peer
}

func (e *AuthError) Error() string {
	if e.Remote {
		return fmt.Sprintf("zmtp: authentication failed: peer sent ERROR %d", e.StatusCode)
	}
	if e.StatusText != "" {
		return fmt.Sprintf("zmtp: authentication failed: ZAP status %d (%s)", e.StatusCode, e.StatusText)
	}
	return fmt.Sprintf("zmtp: authentication failed: ZAP status %d", e.StatusCode)
}

// Is reports ErrAuth, and ErrPeerError for a Remote one.
func (e *AuthError) Is(target error) bool {
	return target == ErrAuth || (e.Remote && target == ErrPeerError)
}

// peerError turns an ERROR command's reason into the handshake's error: a
// ZAP status code (300, 400 or 500, as libzmq's servers send) is an
// *AuthError, anything else ErrPeerError with the reason.
func peerError(reason string) error {
	if len(reason) == 3 && reason[1] == '0' && reason[2] == '0' && reason[0] >= '3' && reason[0] <= '5' {
		return &AuthError{StatusCode: int(reason[0]-'0') * 100, Remote: true}
	}
	return fmt.Errorf("%w: %q", ErrPeerError, reason)
}

// ZAPRequest is what a handshake asks the application's ZAP handler (RFC
// 27) before it accepts the peer: the mechanism and its credentials. The
// caller adds what only it knows (domain, address, routing id, request id)
// and sends the request, or, with no handler bound, answers itself by
// libzmq 4.3.4's rules: a PLAIN server fails (there is no one to check the
// password), a CURVE server accepts unless ZMQ_ZAP_ENFORCE_DOMAIN, a NULL
// handshake accepts unless ZMQ_ZAP_ENFORCE_DOMAIN.
type ZAPRequest struct {
	Mechanism string // MechanismNull, MechanismPlain or MechanismCurve
	// Credentials: none for NULL; username and password for PLAIN; the
	// client's long-term public key (32 bytes) for CURVE. Owned by the
	// request: copies, safe to keep.
	Credentials [][]byte
}

// ZAPReply is a ZAP handler's answer, as the caller hands it to ZAPReply.
type ZAPReply struct {
	StatusCode string // "200", "300", "400" or "500"
	StatusText string
	UserID     []byte // the authenticated user, for the connection's User-Id property
	// Metadata is the reply's metadata frame, in ZMTP metadata encoding,
	// whose properties join the connection's. It is checked (a malformed
	// frame fails the handshake with ErrMalformed) and copied.
	Metadata []byte
}

// ZAPPending reports whether the handshake waits for a ZAP reply, and what
// it asks. While it waits, Input reads nothing more.
func (h *Handshake) ZAPPending() (ZAPRequest, bool) {
	return h.zap, h.state == stateZAP
}

// ZAPReply hands the handler's answer to a pending request. 200 lets the
// handshake go on (Output then has the next command); 300, 400 and 500 end
// it with an *AuthError, after an ERROR with the status code for the peer
// (none for 300 with NULL, as libzmq sends none; PLAIN's in libzmq's form,
// see libzmqPlainError). A reply that is not one
// of those four codes, or comes when none is pending, is an error that
// leaves the handshake failed. Call Output after it, then Input again with
// what was buffered meanwhile.
func (h *Handshake) ZAPReply(r ZAPReply) error {
	if h.state != stateZAP {
		err := fmt.Errorf("zmtp: ZAP reply with no request pending")
		if h.state != stateFailed {
			h.fail(err)
		}
		return err
	}
	code, err := strconv.Atoi(r.StatusCode)
	if err != nil || (code != 200 && code != 300 && code != 400 && code != 500) {
		err := fmt.Errorf("%w: ZAP reply status code %q", ErrMalformed, r.StatusCode)
		h.fail(err)
		return err
	}
	if code != 200 {
		err := &AuthError{StatusCode: code, StatusText: r.StatusText}
		switch {
		case code == 300 && h.mech.name() == MechanismNull:
		case h.mech.name() == MechanismPlain:
			h.out = appendLibzmqPlainError(h.out, r.StatusCode) // see libzmqPlainError
		default:
			h.out = AppendError(h.out, r.StatusCode)
		}
		h.fail(err)
		return err
	}
	if len(r.Metadata) > 0 {
		var props []Property
		if err := ParseMetadata(r.Metadata, func(name, value []byte) error {
			props = append(props, Property{Name: string(name), Value: bytes.Clone(value)})
			return nil
		}); err != nil {
			h.fail(err)
			return err
		}
		h.peer.ZAPMetadata = props
	}
	h.peer.UserID = string(r.UserID)
	h.zap = ZAPRequest{}
	h.state = stateMechanism
	var done bool
	h.out, done, err = h.mech.zapAccepted(h, h.out)
	if err != nil {
		h.fail(err)
		return err
	}
	if done {
		h.state = stateDone
	}
	return nil
}

// askZAP is how a mechanism asks for a ZAP reply: the handshake stops
// reading until the caller hands one to ZAPReply, which calls the
// mechanism's zapAccepted on a 200.
func (h *Handshake) askZAP(mechanism string, credentials ...[]byte) {
	req := ZAPRequest{Mechanism: mechanism}
	for _, c := range credentials {
		req.Credentials = append(req.Credentials, bytes.Clone(c))
	}
	h.zap = req
	h.state = stateZAP
}

// Transform returns what the mechanism does to every frame after the
// handshake (CURVE's boxes), for the Encoder and Decoder of the
// connection; nil for NULL and PLAIN. Valid once Done.
func (h *Handshake) Transform() Transform { return h.mech.transform() }

// newMechanism makes the mechanism cfg names, for its role.
func newMechanism(cfg *Config) (mechanism, error) {
	switch cfg.Mechanism {
	case "", MechanismNull:
		return &nullMechanism{}, nil
	case MechanismPlain:
		if cfg.AsServer {
			return &plainServer{}, nil
		}
		if len(cfg.PlainUsername) > 255 || len(cfg.PlainPassword) > 255 {
			return nil, fmt.Errorf("zmtp: PLAIN username and password are at most 255 bytes each")
		}
		return &plainClient{}, nil
	case MechanismCurve:
		return newCurveMechanism(cfg)
	}
	return nil, fmt.Errorf("zmtp: unknown mechanism %q", cfg.Mechanism)
}
