package zmq4

import (
	"strings"

	"github.com/zring/zring"
)

// Type is a socket type of zmq_socket(3), numbered as in zmq.h.
type Type int

// The socket types, for NewSocket.
const (
	REQ    = Type(zring.REQ)
	REP    = Type(zring.REP)
	DEALER = Type(zring.DEALER)
	ROUTER = Type(zring.ROUTER)
	PUB    = Type(zring.PUB)
	SUB    = Type(zring.SUB)
	XPUB   = Type(zring.XPUB)
	XSUB   = Type(zring.XSUB)
	PUSH   = Type(zring.PUSH)
	PULL   = Type(zring.PULL)
	PAIR   = Type(zring.PAIR)
	STREAM = Type(zring.STREAM)
)

// String is the type's name in zmq.h without ZMQ_ ("REQ"), or "<INVALID>".
func (t Type) String() string {
	if t < PAIR || t > STREAM {
		return "<INVALID>"
	}
	return zring.SocketType(t).String()
}

// Flag modifies Send and Recv (zmq_send, zmq_msg_recv).
type Flag int

// The flags, numbered as in zmq.h.
const (
	DONTWAIT = Flag(zring.DontWait)
	SNDMORE  = Flag(zring.SndMore)
)

// String names the flags set, "DONTWAIT|SNDMORE", or "<NONE>".
func (f Flag) String() string {
	return bitNames(int(f), []bitName{{int(DONTWAIT), "DONTWAIT"}, {int(SNDMORE), "SNDMORE"}})
}

// State is a socket's readiness: what GetEvents returns, what a Poller
// waits for and reports.
type State int

// The readiness bits (ZMQ_POLLIN, ZMQ_POLLOUT).
const (
	POLLIN  = State(zring.PollIn)
	POLLOUT = State(zring.PollOut)
)

// String names the bits set, "POLLIN|POLLOUT", or "<NONE>".
func (s State) String() string {
	return bitNames(int(s), []bitName{{int(POLLIN), "POLLIN"}, {int(POLLOUT), "POLLOUT"}})
}

// Event is a socket event of zmq_socket_monitor(3), numbered as in zmq.h;
// Monitor takes an OR of them.
type Event int

// The events libzmq 4.3.4 reports, and EVENT_ALL for all of them.
const (
	EVENT_ALL                        = Event(0xFFFF)
	EVENT_CONNECTED                  = Event(zring.EventConnected)
	EVENT_CONNECT_DELAYED            = Event(zring.EventConnectDelayed)
	EVENT_CONNECT_RETRIED            = Event(zring.EventConnectRetried)
	EVENT_LISTENING                  = Event(zring.EventListening)
	EVENT_BIND_FAILED                = Event(zring.EventBindFailed)
	EVENT_ACCEPTED                   = Event(zring.EventAccepted)
	EVENT_ACCEPT_FAILED              = Event(zring.EventAcceptFailed)
	EVENT_CLOSED                     = Event(zring.EventClosed)
	EVENT_CLOSE_FAILED               = Event(zring.EventCloseFailed)
	EVENT_DISCONNECTED               = Event(zring.EventDisconnected)
	EVENT_MONITOR_STOPPED            = Event(zring.EventMonitorStopped)
	EVENT_HANDSHAKE_FAILED_NO_DETAIL = Event(zring.EventHandshakeFailedNoDetail)
	EVENT_HANDSHAKE_SUCCEEDED        = Event(zring.EventHandshakeSucceeded)
	EVENT_HANDSHAKE_FAILED_PROTOCOL  = Event(zring.EventHandshakeFailedProtocol)
	EVENT_HANDSHAKE_FAILED_AUTH      = Event(zring.EventHandshakeFailedAuth)
)

// libzmqEvents is every event libzmq 4.3.4 can report. zring has one more,
// EventMessagesDropped, which a pebbe/zmq4 program does not expect: Monitor
// leaves it out even of EVENT_ALL.
const libzmqEvents = EVENT_CONNECTED | EVENT_CONNECT_DELAYED | EVENT_CONNECT_RETRIED |
	EVENT_LISTENING | EVENT_BIND_FAILED | EVENT_ACCEPTED | EVENT_ACCEPT_FAILED |
	EVENT_CLOSED | EVENT_CLOSE_FAILED | EVENT_DISCONNECTED | EVENT_MONITOR_STOPPED |
	EVENT_HANDSHAKE_FAILED_NO_DETAIL | EVENT_HANDSHAKE_SUCCEEDED |
	EVENT_HANDSHAKE_FAILED_PROTOCOL | EVENT_HANDSHAKE_FAILED_AUTH

var eventNames = []bitName{
	{int(EVENT_CONNECTED), "EVENT_CONNECTED"},
	{int(EVENT_CONNECT_DELAYED), "EVENT_CONNECT_DELAYED"},
	{int(EVENT_CONNECT_RETRIED), "EVENT_CONNECT_RETRIED"},
	{int(EVENT_LISTENING), "EVENT_LISTENING"},
	{int(EVENT_BIND_FAILED), "EVENT_BIND_FAILED"},
	{int(EVENT_ACCEPTED), "EVENT_ACCEPTED"},
	{int(EVENT_ACCEPT_FAILED), "EVENT_ACCEPT_FAILED"},
	{int(EVENT_CLOSED), "EVENT_CLOSED"},
	{int(EVENT_CLOSE_FAILED), "EVENT_CLOSE_FAILED"},
	{int(EVENT_DISCONNECTED), "EVENT_DISCONNECTED"},
	{int(EVENT_MONITOR_STOPPED), "EVENT_MONITOR_STOPPED"},
	{int(EVENT_HANDSHAKE_FAILED_NO_DETAIL), "EVENT_HANDSHAKE_FAILED_NO_DETAIL"},
	{int(EVENT_HANDSHAKE_SUCCEEDED), "EVENT_HANDSHAKE_SUCCEEDED"},
	{int(EVENT_HANDSHAKE_FAILED_PROTOCOL), "EVENT_HANDSHAKE_FAILED_PROTOCOL"},
	{int(EVENT_HANDSHAKE_FAILED_AUTH), "EVENT_HANDSHAKE_FAILED_AUTH"},
}

// String names the events set ("EVENT_CONNECTED|EVENT_CLOSED"),
// "EVENT_ALL", or "<NONE>".
func (e Event) String() string {
	if e == EVENT_ALL {
		return "EVENT_ALL"
	}
	return bitNames(int(e), eventNames)
}

// Mechanism is a security mechanism, as GetMechanism reports it.
type Mechanism int

// The mechanisms, numbered as in zmq.h. zring has no GSSAPI (HasGssapi).
const (
	NULL   = Mechanism(zring.MechanismNull)
	PLAIN  = Mechanism(zring.MechanismPlain)
	CURVE  = Mechanism(zring.MechanismCurve)
	GSSAPI = Mechanism(3)
)

// String is the mechanism's name ("CURVE"), or "<INVALID>".
func (m Mechanism) String() string {
	switch m {
	case NULL:
		return "NULL"
	case PLAIN:
		return "PLAIN"
	case CURVE:
		return "CURVE"
	case GSSAPI:
		return "GSSAPI"
	}
	return "<INVALID>"
}

// The defaults of the context options, as zmq.h has them.
const (
	MaxSocketsDflt = int(1023)
	IoThreadsDflt  = int(1)
)

// CURVE_ALLOW_ANY, given to AuthCurveAdd as a key, lets in every CURVE
// client whatever its key.
const CURVE_ALLOW_ANY = "*"

type bitName struct {
	bit  int
	name string
}

// bitNames joins the names of the bits of v that names lists with "|".
func bitNames(v int, names []bitName) string {
	var b strings.Builder
	for _, n := range names {
		if v&n.bit != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n.name)
		}
	}
	if b.Len() == 0 {
		return "<NONE>"
	}
	return b.String()
}
