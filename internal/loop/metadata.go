package loop

import (
	"strings"

	"github.com/zring/zring/internal/zmtp"
)

// Metadata is what is known of a connection's peer, under the names
// zmq_msg_gets(3) reads from a message: the properties the peer sent in
// its ZMTP handshake ("Socket-Type", "Identity", "Resource" and its "X-"
// properties of ZMQ_METADATA, with names as it spelled them), and
// "Peer-Address", the address it connects from, and what a ZAP handler
// said of it ("User-Id" and its reply's properties). A raw (STREAM) connection
// has only "Peer-Address". It is made once per connection and never
// changed, so any goroutine may read it.
type Metadata struct {
	props []prop
}

type prop struct{ name, value string }

// Property names that are not the peer's own.
const (
	PropPeerAddress = "Peer-Address"
	PropUserID      = "User-Id"
	propSocketType  = "Socket-Type"
	propRoutingID   = "Routing-Id"
	propIdentity    = "Identity"
)

// Get returns the value of the property name. Names are matched without
// regard to case, as RFC 37 has them ("Property names are
// case-insensitive"), and "Routing-Id", libzmq's newer name for
// "Identity", finds the Identity the peer sent (and the reverse). It
// allocates nothing.
func (m *Metadata) Get(name string) (string, bool) {
	if m == nil {
		return "", false
	}
	if v, ok := m.get(name); ok {
		return v, true
	}
	switch {
	case strings.EqualFold(name, propRoutingID):
		return m.get(propIdentity)
	case strings.EqualFold(name, propIdentity):
		return m.get(propRoutingID)
	}
	return "", false
}

func (m *Metadata) get(name string) (string, bool) {
	for _, p := range m.props {
		if strings.EqualFold(p.name, name) {
			return p.value, true
		}
	}
	return "", false
}

// newMetadata gathers a connection's properties. A name may come more
// than once, and the first wins, in libzmq 4.3.4's order of precedence:
// the peer's address (if known), then what our ZAP handler said of the
// peer (RFC 27: the user it authenticated, its reply's metadata), then the
// handshake's (pi) in the order the peer sent them. So a ZAP handler's
// "Identity" is what the application reads, not the peer's. pi is nil for
// a raw connection.
func newMetadata(pi *zmtp.PeerInfo, peerAddress string) *Metadata {
	n := 1
	if pi != nil {
		n += 3 + len(pi.Metadata) + len(pi.ZAPMetadata)
	}
	m := &Metadata{props: make([]prop, 0, n)}
	if peerAddress != "" {
		m.props = append(m.props, prop{PropPeerAddress, peerAddress})
	}
	if pi != nil {
		if pi.UserID != "" {
			m.props = append(m.props, prop{PropUserID, pi.UserID})
		}
		for _, p := range pi.ZAPMetadata {
			m.props = append(m.props, prop{p.Name, string(p.Value)})
		}
		if pi.SocketType != "" {
			m.props = append(m.props, prop{propSocketType, pi.SocketType})
		}
		if pi.Identity != nil {
			m.props = append(m.props, prop{propIdentity, string(pi.Identity)})
		}
		for _, p := range pi.Metadata {
			m.props = append(m.props, prop{p.Name, string(p.Value)})
		}
	}
	return m
}
