package zmtp

import "testing"

func TestCompatible(t *testing.T) {
	// Each type's legal peers: RFC 37's table, as libzmq 4.3.4 enforces it
	// (mechanism_t::check_socket_type, draft types included).
	legal := map[string][]string{
		"REQ":     {"REP", "ROUTER"},
		"REP":     {"REQ", "DEALER"},
		"DEALER":  {"REP", "DEALER", "ROUTER"},
		"ROUTER":  {"REQ", "DEALER", "ROUTER"},
		"PUB":     {"SUB", "XSUB"},
		"XPUB":    {"SUB", "XSUB"},
		"SUB":     {"PUB", "XPUB"},
		"XSUB":    {"PUB", "XPUB"},
		"PUSH":    {"PULL"},
		"PULL":    {"PUSH"},
		"PAIR":    {"PAIR"},
		"CLIENT":  {"SERVER"},
		"SERVER":  {"CLIENT"},
		"RADIO":   {"DISH"},
		"DISH":    {"RADIO"},
		"SCATTER": {"GATHER"},
		"GATHER":  {"SCATTER"},
		"DGRAM":   {"DGRAM"},
		"PEER":    {"PEER"},
		"CHANNEL": {"CHANNEL"},
		"STREAM":  nil, // raw TCP, never ZMTP
	}
	all := []string{"", "req", "Push", "BOGUS"}
	for typ := range legal {
		all = append(all, typ)
	}
	for _, ours := range all {
		ok := map[string]bool{}
		for _, p := range legal[ours] {
			ok[p] = true
		}
		for _, peer := range all {
			if got := Compatible(ours, peer); got != ok[peer] {
				t.Errorf("Compatible(%q, %q) = %v, want %v", ours, peer, got, ok[peer])
			}
			// The table is symmetric.
			if Compatible(ours, peer) != Compatible(peer, ours) {
				t.Errorf("Compatible(%q, %q) is not symmetric", ours, peer)
			}
		}
		if speaksZMTP(ours) != (len(legal[ours]) > 0) {
			t.Errorf("speaksZMTP(%q) = %v", ours, speaksZMTP(ours))
		}
	}
}
