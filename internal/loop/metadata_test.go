package loop

import (
	"testing"

	"github.com/zring/zring/internal/zmtp"
)

func TestMetadataGet(t *testing.T) {
	pi := &zmtp.PeerInfo{SocketType: "DEALER", Identity: []byte{},
		Metadata: []zmtp.Property{{Name: "X-Key", Value: []byte("v")}, {Name: "Resource", Value: []byte("/r")}}}
	m := newMetadata(pi, "10.0.0.1")
	raw := newMetadata(nil, "10.0.0.2")
	var none *Metadata // inproc
	for _, c := range []struct {
		m          *Metadata
		name, want string
		ok         bool
	}{
		{m, "Socket-Type", "DEALER", true},
		{m, "socket-type", "DEALER", true}, // RFC 37: "case-insensitive"
		{m, "Identity", "", true},          // sent, empty
		{m, "Routing-Id", "", true},        // the same, by libzmq's newer name
		{m, "X-KEY", "v", true},
		{m, "Resource", "/r", true},
		{m, "Peer-Address", "10.0.0.1", true},
		{m, "User-Id", "", false},
		{raw, "Peer-Address", "10.0.0.2", true},
		{raw, "Socket-Type", "", false},
		{raw, "Identity", "", false},
		{none, "Socket-Type", "", false},
		{newMetadata(&zmtp.PeerInfo{SocketType: "PUSH"}, ""), "Identity", "", false}, // a PUSH sends none
	} {
		if v, ok := c.m.Get(c.name); v != c.want || ok != c.ok {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", c.name, v, ok, c.want, c.ok)
		}
	}
}
