package loop

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/zring/zring/internal/errno"
)

// The client side of a SOCKS5 exchange (RFC 1928, with RFC 1929's
// username/password method), sans I/O: the connecter writes what Output
// gives, reads what need asks for and hands it to Input, until Done. It is
// what ZMQ_SOCKS_PROXY puts between the TCP connect to the proxy and the
// ZMTP greeting.
//
// The exchange, as libzmq 4.3.4 runs it: a greeting offering one method
// (no authentication, or username/password when ZMQ_SOCKS_USERNAME is
// set), the proxy's choice, the credentials and their verdict if that
// method was chosen, a CONNECT request naming the endpoint's host as an
// IPv4 or IPv6 address if it is a literal, else as the domain name
// unresolved, and the proxy's reply. After a successful reply the
// connection carries the peer's bytes.

// SOCKS5 protocol numbers.
const (
	socksVersion     = 0x05
	socksAuthVersion = 0x01 // RFC 1929's subnegotiation version
	socksNoAuth      = 0x00
	socksUserPass    = 0x02
	socksNoMethod    = 0xff
	socksConnect     = 0x01
	socksIPv4        = 0x01
	socksDomain      = 0x03
	socksIPv6        = 0x04
)

// socksMaxReply is the longest message a proxy may send: a reply with a
// 255-byte domain name (4 + 1 + 255 + 2). The connecter's buffer has this
// size, and need never asks for more.
const socksMaxReply = 262

// Why a SOCKS5 exchange failed, besides a refused request (SOCKSReplyError).
var (
	// ErrSOCKSProtocol: the proxy sent something that is not SOCKS5 (a
	// wrong version byte, an unknown address type, a method that was not
	// offered).
	ErrSOCKSProtocol = errors.New("zring: SOCKS5 proxy broke the protocol")
	// ErrSOCKSNoMethod: the proxy accepts none of the offered
	// authentication methods (its choice was 0xFF).
	ErrSOCKSNoMethod = errors.New("zring: SOCKS5 proxy accepts no offered authentication method")
	// ErrSOCKSAuth: the proxy refused the username and password.
	ErrSOCKSAuth = errors.New("zring: SOCKS5 proxy refused the username and password")
)

// SOCKSReplyError is a SOCKS5 proxy's refusal of the CONNECT request: the
// REP field of its reply (RFC 1928, section 6). It unwraps to the errno of
// the same meaning, where there is one: ECONNREFUSED for "connection
// refused" (so ZMQ_RECONNECT_STOP_CONN_REFUSED applies to a refusal the
// proxy relays), EHOSTUNREACH, ENETUNREACH, ETIMEDOUT.
type SOCKSReplyError struct{ Code byte }

var socksReplies = [...]string{1: "general failure", 2: "connection not allowed by ruleset",
	3: "network unreachable", 4: "host unreachable", 5: "connection refused", 6: "TTL expired",
	7: "command not supported", 8: "address type not supported"}

func (e *SOCKSReplyError) Error() string {
	s := "reply " + strconv.Itoa(int(e.Code))
	if int(e.Code) < len(socksReplies) && socksReplies[e.Code] != "" {
		s = socksReplies[e.Code]
	}
	return "zring: SOCKS5 proxy refused the connection: " + s
}

func (e *SOCKSReplyError) Unwrap() error {
	switch e.Code {
	case 3:
		return errno.Errno(101) // ENETUNREACH
	case 4:
		return errno.EHOSTUNREACH
	case 5:
		return errno.ECONNREFUSED
	case 6:
		return errno.ETIMEDOUT
	}
	return nil
}

type socksState uint8

const (
	socksWantChoice socksState = iota // greeting sent; the method choice is next
	socksWantAuth                     // credentials sent; their verdict is next
	socksWantReply                    // CONNECT sent; the reply is next
	socksDone
)

// socksClient is one SOCKS5 exchange. The connecter's loop goroutine owns
// it.
type socksClient struct {
	state      socksState
	user, pass string // user non-empty: offer username/password only
	host       string // the endpoint's host: an IP literal or a name
	port       uint16
	out        []byte // what Output has yet to hand over
}

// newSOCKSClient starts an exchange asking the proxy to connect to
// host:port. host, user and pass are at most 255 bytes (the caller checks:
// ResolveSOCKS and the options table).
func newSOCKSClient(host string, port uint16, user, pass string) *socksClient {
	c := &socksClient{user: user, pass: pass, host: host, port: port}
	method := byte(socksNoAuth)
	if user != "" {
		method = socksUserPass
	}
	c.out = append(c.out, socksVersion, 1, method)
	return c
}

// Output appends what is to be sent next to b. The bytes are c's no more.
func (c *socksClient) Output(b []byte) []byte {
	b = append(b, c.out...)
	c.out = c.out[:0]
	return b
}

// Done reports whether the proxy has connected us: what follows on the
// connection is the peer's.
func (c *socksClient) Done() bool { return c.state == socksDone }

// need is the length of the message the proxy sends next, as far as the
// first bytes of it in b tell: the connecter reads no further, so the
// peer's first bytes, which may follow the reply at once, stay in the
// kernel for the session. It is at most socksMaxReply.
func (c *socksClient) need(b []byte) int {
	switch c.state {
	case socksWantChoice, socksWantAuth:
		return 2
	case socksWantReply:
		// VER REP RSV ATYP, then the bound address and port.
		if len(b) < 5 {
			return 5
		}
		switch b[3] {
		case socksIPv4:
			return 4 + 4 + 2
		case socksIPv6:
			return 4 + 16 + 2
		case socksDomain:
			return 4 + 1 + int(b[4]) + 2
		}
		return 5 // Input rejects the address type
	}
	return 0
}

// Input takes the proxy's bytes. It consumes one whole message and reports
// how many bytes that was, or 0 when b does not yet hold one; it fails on
// anything but the message expected.
func (c *socksClient) Input(b []byte) (int, error) {
	switch c.state {
	case socksWantChoice:
		if len(b) < 2 {
			return 0, nil
		}
		if b[0] != socksVersion {
			return 0, ErrSOCKSProtocol
		}
		switch {
		case b[1] == socksNoMethod:
			return 0, ErrSOCKSNoMethod
		case b[1] == socksUserPass && c.user != "":
			// RFC 1929: VER ULEN UNAME PLEN PASSWD.
			c.out = append(c.out, socksAuthVersion, byte(len(c.user)))
			c.out = append(c.out, c.user...)
			c.out = append(c.out, byte(len(c.pass)))
			c.out = append(c.out, c.pass...)
			c.state = socksWantAuth
		case b[1] == socksNoAuth && c.user == "":
			c.request()
		default:
			return 0, ErrSOCKSProtocol // a method we did not offer
		}
		return 2, nil
	case socksWantAuth:
		if len(b) < 2 {
			return 0, nil
		}
		if b[0] != socksAuthVersion {
			return 0, ErrSOCKSProtocol
		}
		if b[1] != 0 {
			return 0, ErrSOCKSAuth
		}
		c.request()
		return 2, nil
	case socksWantReply:
		if len(b) >= 1 && b[0] != socksVersion {
			return 0, ErrSOCKSProtocol
		}
		if len(b) >= 4 && b[3] != socksIPv4 && b[3] != socksIPv6 && b[3] != socksDomain {
			return 0, ErrSOCKSProtocol
		}
		n := c.need(b)
		if len(b) < n {
			return 0, nil
		}
		if b[1] != 0 {
			return 0, &SOCKSReplyError{Code: b[1]}
		}
		c.state = socksDone
		return n, nil
	}
	return 0, nil
}

// request queues the CONNECT: VER CMD RSV ATYP DST.ADDR DST.PORT. A host
// that parses as an IP address goes as one (an IPv4-mapped IPv6 address as
// IPv6, as written); anything else as a domain name, unresolved.
func (c *socksClient) request() {
	c.out = append(c.out, socksVersion, socksConnect, 0)
	if ip, err := netip.ParseAddr(c.host); err == nil && ip.Is4() {
		a := ip.As4()
		c.out = append(append(c.out, socksIPv4), a[:]...)
	} else if err == nil {
		a := ip.As16() // a zone, if any, cannot be sent
		c.out = append(append(c.out, socksIPv6), a[:]...)
	} else {
		c.out = append(c.out, socksDomain, byte(len(c.host)))
		c.out = append(c.out, c.host...)
	}
	c.out = append(c.out, byte(c.port>>8), byte(c.port))
	c.state = socksWantReply
}
