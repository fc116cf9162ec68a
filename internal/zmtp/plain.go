package zmtp

import "fmt"

// PLAIN's commands (RFC 24), beside READY and ERROR.
const (
	cmdHello    = "HELLO"
	cmdWelcome  = "WELCOME"
	cmdInitiate = "INITIATE"
)

// appendPropsCommand appends a command whose data is props as metadata:
// READY, and PLAIN's INITIATE.
func appendPropsCommand(b []byte, name string, props []Property) []byte {
	b = appendCommandStart(b, name, metadataSize(props))
	return AppendMetadata(b, props)
}

// plainClient is RFC 24's PLAIN client: HELLO with the username and
// password in clear text, INITIATE with our metadata once the server sends
// WELCOME, done when its READY brings the server's metadata. A server that
// refuses the credentials answers HELLO with ERROR, which the Handshake
// turns into an *AuthError when it carries a ZAP status code.
type plainClient struct {
	sentInitiate bool
}

func (*plainClient) name() string { return MechanismPlain }

func (*plainClient) start(h *Handshake, out []byte) []byte {
	u, p := h.cfg.PlainUsername, h.cfg.PlainPassword
	out = appendCommandStart(out, cmdHello, 2+len(u)+len(p))
	out = append(append(out, byte(len(u))), u...)
	return append(append(out, byte(len(p))), p...)
}

func (c *plainClient) command(h *Handshake, name, data []byte, out []byte) ([]byte, bool, error) {
	switch {
	case !c.sentInitiate && string(name) == cmdWelcome:
		// libzmq sends WELCOME with no data and refuses one that has any.
		if len(data) != 0 {
			return out, false, withCode(CodeMalformedWelcome, fmt.Errorf("%w: PLAIN WELCOME with %d bytes of data", ErrMalformed, len(data)))
		}
		c.sentInitiate = true
		return appendPropsCommand(out, cmdInitiate, h.ourProperties()), false, nil
	case c.sentInitiate && string(name) == cmdReady:
		if err := h.readPeerProperties(data); err != nil {
			return out, false, err
		}
		return out, true, nil
	}
	return out, false, withCode(CodeUnexpectedCommand, fmt.Errorf("%w: unexpected %q command in the PLAIN handshake", ErrMalformed, name))
}

func (*plainClient) zapAccepted(h *Handshake, out []byte) ([]byte, bool, error) {
	return out, false, fmt.Errorf("zmtp: a PLAIN client has no ZAP request")
}

func (*plainClient) transform() Transform { return nil }

// plainServer is RFC 24's PLAIN server: it reads HELLO, asks the caller's
// ZAP handler about the username and password, answers WELCOME when the
// handler accepts (ERROR with the status code otherwise: ZAPReply), then
// reads INITIATE and answers READY with our metadata.
type plainServer struct {
	state uint8 // 0: waiting for HELLO; 1: asked ZAP; 2: waiting for INITIATE
}

func (*plainServer) name() string { return MechanismPlain }

func (*plainServer) start(h *Handshake, out []byte) []byte { return out }

func (s *plainServer) command(h *Handshake, name, data []byte, out []byte) ([]byte, bool, error) {
	switch {
	case s.state == 0 && string(name) == cmdHello:
		user, pass, err := parsePlainHello(data)
		if err != nil {
			return out, false, err
		}
		s.state = 1
		h.askZAP(MechanismPlain, user, pass)
		return out, false, nil
	case s.state == 2 && string(name) == cmdInitiate:
		if err := h.readPeerProperties(data); err != nil {
			return out, false, err
		}
		return appendPropsCommand(out, cmdReady, h.ourProperties()), true, nil
	}
	return out, false, withCode(CodeUnexpectedCommand, fmt.Errorf("%w: unexpected %q command in the PLAIN handshake", ErrMalformed, name))
}

func (s *plainServer) zapAccepted(h *Handshake, out []byte) ([]byte, bool, error) {
	s.state = 2
	return AppendCommand(out, cmdWelcome, nil), false, nil
}

func (*plainServer) transform() Transform { return nil }

// parsePlainHello splits HELLO's data into the username and password, each
// a length byte and that many bytes, with nothing after, as libzmq 4.3.4
// requires. Both are subslices of data.
func parsePlainHello(data []byte) (user, pass []byte, err error) {
	if len(data) < 1 || len(data)-1 < int(data[0]) {
		return nil, nil, withCode(CodeMalformedHello, fmt.Errorf("%w: PLAIN HELLO: bad username", ErrMalformed))
	}
	user, data = data[1:1+int(data[0])], data[1+int(data[0]):]
	if len(data) < 1 || len(data)-1 != int(data[0]) {
		return nil, nil, withCode(CodeMalformedHello, fmt.Errorf("%w: PLAIN HELLO: bad password", ErrMalformed))
	}
	return user, data[1:], nil
}

// libzmq's PLAIN ERROR. libzmq (4.3.4, and its master still) spells the
// prefix of PLAIN's ERROR command "\x05ERROR" in C, where a hex escape
// takes every hex digit after it: the prefix is 0x5E 'R' 'R' 'O' 'R', five
// bytes, not a name length and "ERROR". So a libzmq PLAIN server refuses a
// client with the body "^RROR", a reason length and the reason, and a
// libzmq PLAIN client recognises an ERROR only in that form (a correct one
// is to it an unexpected command). zring's PLAIN server sends libzmq's
// form, so that libzmq and pyzmq clients report the refusal as libzmq's
// servers make them (HANDSHAKE_FAILED_AUTH with the status code); zring's
// PLAIN client takes both forms.
const libzmqPlainError = "\x5eRROR"

// appendLibzmqPlainError appends a whole PLAIN ERROR frame in libzmq's form.
func appendLibzmqPlainError(b []byte, reason string) []byte {
	if len(reason) > maxErrorReason {
		reason = reason[:maxErrorReason]
	}
	b = AppendFrameHeader(b, FlagCommand, len(libzmqPlainError)+1+len(reason))
	b = append(b, libzmqPlainError...)
	b = append(b, byte(len(reason)))
	return append(b, reason...)
}

// libzmqPlainErrorReason reports whether a command frame's body is an ERROR
// in libzmq's PLAIN form, and its reason.
func libzmqPlainErrorReason(body []byte) (string, bool) {
	if len(body) <= len(libzmqPlainError) || string(body[:len(libzmqPlainError)]) != libzmqPlainError {
		return "", false
	}
	return string(parseErrorReason(body[len(libzmqPlainError):])), true
}
