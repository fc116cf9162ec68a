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

// newMetadata gathers a connection's properties: those of the handshake
// (pi), in the order the peer sent them, then the peer's address (if
// known). pi is nil for a raw connection.
func newMetadata(pi *zmtp.PeerInfo, peerAddress string) *Metadata {
	n := 1
	if pi != nil {
		n += 2 + len(pi.Metadata)
	}
	m := &Metadata{props: make([]prop, 0, n)}
	if pi != nil {
		if pi.SocketType != "" {
			m.props = append(m.props, prop{propSocketType, pi.SocketType})
		}
		if pi.Identity != nil {
			m.props = append(m.props, prop{propIdentity, string(pi.Identity)})
		}
		for _, p := range pi.Metadata {
			m.props = append(m.props, prop{p.Name, string(p.Value)})
		}
		// What our ZAP handler said of the peer (RFC 27): the user it
		// authenticated, and its reply's metadata.
		if pi.UserID != "" {
			m.props = append(m.props, prop{PropUserID, pi.UserID})
		}
		for _, p := range pi.ZAPMetadata {
			m.props = append(m.props, prop{p.Name, string(p.Value)})
		}
	}
	if peerAddress != "" {
		m.props = append(m.props, prop{PropPeerAddress, peerAddress})
	}
	return m
}
