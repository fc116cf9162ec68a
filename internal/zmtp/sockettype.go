package zmtp

// Compatible reports whether a socket of type ours may talk to a peer whose
// READY said Socket-Type peer. Types are named as on the wire ("PUSH",
// "ROUTER", ...) and compared exactly: Socket-Type values, unlike property
// names, are case-sensitive.
//
// The table is the one libzmq 4.3.4 enforces (mechanism_t::check_socket_type)
// with its draft types included, which matches RFC 37's table plus DGRAM
// pairing with DGRAM. STREAM is compatible with nothing: it speaks raw TCP,
// never ZMTP. An unknown type on either side is compatible with nothing.
func Compatible(ours, peer string) bool {
	switch ours {
	case "REQ":
		return peer == "REP" || peer == "ROUTER"
	case "REP":
		return peer == "REQ" || peer == "DEALER"
	case "DEALER":
		return peer == "REP" || peer == "DEALER" || peer == "ROUTER"
	case "ROUTER":
		return peer == "REQ" || peer == "DEALER" || peer == "ROUTER"
	case "PUSH":
		return peer == "PULL"
	case "PULL":
		return peer == "PUSH"
	case "PUB", "XPUB":
		return peer == "SUB" || peer == "XSUB"
	case "SUB", "XSUB":
		return peer == "PUB" || peer == "XPUB"
	case "PAIR":
		return peer == "PAIR"
	case "SERVER":
		return peer == "CLIENT"
	case "CLIENT":
		return peer == "SERVER"
	case "RADIO":
		return peer == "DISH"
	case "DISH":
		return peer == "RADIO"
	case "GATHER":
		return peer == "SCATTER"
	case "SCATTER":
		return peer == "GATHER"
	case "DGRAM":
		return peer == "DGRAM"
	case "PEER":
		return peer == "PEER"
	case "CHANNEL":
		return peer == "CHANNEL"
	}
	return false
}

// speaksZMTP reports whether a socket of type t runs the ZMTP handshake at
// all, which is every type Compatible knows (STREAM is not one of them).
func speaksZMTP(t string) bool {
	switch t {
	case "REQ", "REP", "DEALER", "ROUTER", "PUSH", "PULL", "PUB", "XPUB", "SUB", "XSUB", "PAIR",
		"SERVER", "CLIENT", "RADIO", "DISH", "GATHER", "SCATTER", "DGRAM", "PEER", "CHANNEL":
		return true
	}
	return false
}

// sendsIdentity reports whether a socket of type t announces an Identity
// property in its metadata. libzmq 4.3.4 sends one for exactly REQ, DEALER
// and ROUTER (mechanism_t::add_basic_properties), even when no routing id
// was set, in which case the value is empty; we do the same so that a libzmq
// ROUTER sees us as it sees its own kind.
func sendsIdentity(t string) bool {
	return t == "REQ" || t == "DEALER" || t == "ROUTER"
}
