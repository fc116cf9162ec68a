package zmtp

import "fmt"

// mechanism is one security mechanism's part of the handshake: what happens
// between the greetings and the end of the metadata exchange. The Handshake
// owns the byte stream (greetings, frame headers, the ERROR command, limits)
// and hands a mechanism one whole command at a time, so a mechanism is
// only its protocol's state machine. NULL is below; PLAIN (RFC 24) and CURVE
// (RFC 25) join it as further implementations, chosen by NewHandshake.
type mechanism interface {
	// name is the mechanism as the greeting spells it.
	name() string

	// start runs once both greetings are known good, and appends the
	// commands this side opens with (if any) to out.
	start(h *Handshake, out []byte) []byte

	// command handles one command from the peer, other than ERROR, and
	// appends any reply to out. It reports done once the peer's metadata
	// has been accepted (into h.peer) and all of ours has been appended.
	// name and data are borrowed from the caller's input.
	command(h *Handshake, name, data []byte, out []byte) (_ []byte, done bool, err error)

	// zapAccepted goes on after the caller's ZAP handler accepted the peer
	// (status 200), for a mechanism that asked (Handshake.askZAP), and
	// appends what is next to out; done as for command.
	zapAccepted(h *Handshake, out []byte) (_ []byte, done bool, err error)

	// transform is what the mechanism does to every frame once done: nil
	// for NULL and PLAIN.
	transform() Transform
}

// nullMechanism is RFC 37's NULL: no authentication, no encryption; each
// side sends READY with its metadata and reads the other's.
//
// RFC 37 has the client send READY first and the server answer it. libzmq
// sends READY from both sides as soon as the greetings are done, and so do
// we: a server waiting for the client's READY would gain nothing, and a
// libzmq client is not waiting for us anyway.
//
// With Config.ZAP (libzmq: ZMQ_ZAP_DOMAIN set), our READY waits for the
// caller's ZAP handler to accept the peer, on either side, as libzmq's does;
// the handshake is done once both READYs have passed.
type nullMechanism struct {
	sentReady, gotReady bool
}

func (*nullMechanism) name() string { return MechanismNull }

func (m *nullMechanism) start(h *Handshake, out []byte) []byte {
	if h.cfg.ZAP {
		h.askZAP(MechanismNull)
		return out
	}
	if h.cfg.Dialled && h.staged {
		return out // sent once the peer's READY has come (Config.Dialled)
	}
	m.sentReady = true
	return AppendReady(out, h.ourProperties())
}

func (m *nullMechanism) command(h *Handshake, name, data []byte, out []byte) ([]byte, bool, error) {
	if string(name) != cmdReady || m.gotReady {
		return out, false, withCode(CodeUnexpectedCommand, fmt.Errorf("%w: unexpected %q command in the NULL handshake", ErrMalformed, name))
	}
	if err := h.readPeerProperties(data); err != nil {
		return out, false, err
	}
	m.gotReady = true
	if !m.sentReady && !h.cfg.ZAP {
		m.sentReady = true
		out = AppendReady(out, h.ourProperties())
	}
	return out, m.sentReady, nil
}

func (m *nullMechanism) zapAccepted(h *Handshake, out []byte) ([]byte, bool, error) {
	m.sentReady = true
	return AppendReady(out, h.ourProperties()), m.gotReady, nil
}

func (*nullMechanism) transform() Transform { return nil }
