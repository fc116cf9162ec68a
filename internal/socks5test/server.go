// Package socks5test is a small SOCKS5 proxy (RFC 1928, with RFC 1929's
// username/password method) for tests of ZMQ_SOCKS_PROXY: it serves
// CONNECT requests with IPv4, IPv6 and domain-name addresses, records what
// each client asked for, and can be told to refuse, to reject credentials,
// to answer with garbage or not to answer at all. The zring tests and the
// libzmq interop tests use the same server, so the libzmq client shows
// that it speaks SOCKS5 as libzmq does.
package socks5test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Mode is how the server answers.
type Mode int

const (
	// Relay connects to what the client asks for and relays both ways.
	Relay Mode = iota
	// Refuse answers every CONNECT with ReplyCode (default 5, "connection
	// refused").
	Refuse
	// Garbage answers the greeting with bytes that are not SOCKS5.
	Garbage
	// GarbageReply accepts the greeting and answers the CONNECT with a
	// reply of an unknown address type.
	GarbageReply
	// Silent accepts the TCP connection and never says anything.
	Silent
	// RelayCoalesced relays as Relay does, but sends its reply and the
	// peer's first bytes in one write, so that a client reading more than
	// the reply would take the peer's bytes with it.
	RelayCoalesced
)

// Request is what one client asked of the server.
type Request struct {
	Methods  []byte // offered in the greeting
	Username string // RFC 1929's, if that method was used
	Password string
	AddrType byte   // 1 IPv4, 3 domain name, 4 IPv6
	Host     string // the address as sent: an IP, or the name unresolved
	Port     uint16
	Granted  bool // the server relayed the connection
}

// Server is a running proxy.
type Server struct {
	// Addr is the "host:port" to give ZMQ_SOCKS_PROXY.
	Addr string

	mode               Mode
	replyCode          byte
	username, password string

	ln     net.Listener
	mu     sync.Mutex
	reqs   []Request
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
	closed bool
	// Resolve maps a domain name to the address the server connects to;
	// names it lacks go to the system resolver.
	resolve map[string]string
}

// Start listens on network ("tcp4" on 127.0.0.1, or "tcp6" on [::1]).
func Start(network string, mode Mode) (*Server, error) {
	host := "127.0.0.1:0"
	if network == "tcp6" {
		host = "[::1]:0"
	}
	ln, err := net.Listen(network, host)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), mode: mode, replyCode: 5, ln: ln,
		conns: map[net.Conn]bool{}, resolve: map[string]string{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// RequireAuth makes the server accept only RFC 1929's method (0x02), with
// these credentials; by default it accepts only "no authentication".
func (s *Server) RequireAuth(username, password string) {
	s.mu.Lock()
	s.username, s.password = username, password
	s.mu.Unlock()
}

// SetReplyCode sets the REP field Refuse mode answers with.
func (s *Server) SetReplyCode(code byte) {
	s.mu.Lock()
	s.replyCode = code
	s.mu.Unlock()
}

// MapName makes the server connect to addr when asked for the domain name
// name, without any resolver: a test can then show that a name which
// cannot resolve locally still reaches its peer through the proxy.
func (s *Server) MapName(name, addr string) {
	s.mu.Lock()
	s.resolve[name] = addr
	s.mu.Unlock()
}

// Requests returns what clients asked so far. A request is recorded
// before the server answers it.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Close stops the server and ends every connection through it.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return false
	}
	s.conns[c] = true
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(c) {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			s.handle(c)
		}()
	}
}

var errBad = errors.New("socks5test: bad client message")

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
}

func (s *Server) handle(c net.Conn) {
	if s.mode == Silent {
		io.Copy(io.Discard, c) // until the client gives up
		return
	}
	var r Request
	// Greeting: VER NMETHODS METHODS.
	var h [2]byte
	if _, err := io.ReadFull(c, h[:]); err != nil || h[0] != 5 {
		return
	}
	r.Methods = make([]byte, h[1])
	if _, err := io.ReadFull(c, r.Methods); err != nil {
		return
	}
	if s.mode == Garbage {
		s.record(r)
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		return
	}
	s.mu.Lock()
	user, pass := s.username, s.password
	s.mu.Unlock()
	want := byte(0)
	if user != "" {
		want = 2
	}
	offered := false
	for _, m := range r.Methods {
		offered = offered || m == want
	}
	if !offered {
		s.record(r)
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	if want == 2 {
		// RFC 1929: VER ULEN UNAME PLEN PASSWD.
		u, p, err := readUserPass(c)
		if err != nil {
			return
		}
		r.Username, r.Password = u, p
		if u != user || p != pass {
			s.record(r)
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	// Request: VER CMD RSV ATYP DST.ADDR DST.PORT.
	var q [4]byte
	if _, err := io.ReadFull(c, q[:]); err != nil || q[0] != 5 || q[1] != 1 {
		return
	}
	r.AddrType = q[3]
	switch q[3] {
	case 1, 4:
		b := make([]byte, 4)
		if q[3] == 4 {
			b = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		ip, _ := netip.AddrFromSlice(b)
		r.Host = ip.String()
	case 3:
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		b := make([]byte, n[0])
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		r.Host = string(b)
	default:
		return
	}
	var pb [2]byte
	if _, err := io.ReadFull(c, pb[:]); err != nil {
		return
	}
	r.Port = binary.BigEndian.Uint16(pb[:])
	s.mu.Lock()
	code, target := s.replyCode, s.resolve[r.Host]
	s.mu.Unlock()
	switch s.mode {
	case Refuse:
		s.record(r)
		c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	case GarbageReply:
		s.record(r)
		c.Write([]byte{5, 0, 0, 9, 1, 2, 3, 4, 5, 6})
		return
	}
	if target == "" {
		target = net.JoinHostPort(r.Host, strconv.Itoa(int(r.Port)))
	}
	up, err := net.DialTimeout("tcp", target, 2*time.Second)
	if err != nil {
		s.record(r)
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	if !s.track(up) {
		return
	}
	defer s.untrack(up)
	r.Granted = true
	s.record(r)
	// The reply carries the address the server connected from.
	bound := up.LocalAddr().(*net.TCPAddr).AddrPort()
	reply := []byte{5, 0, 0}
	if a := bound.Addr().Unmap(); a.Is4() {
		b := a.As4()
		reply = append(append(reply, 1), b[:]...)
	} else {
		b := a.As16()
		reply = append(append(reply, 4), b[:]...)
	}
	reply = binary.BigEndian.AppendUint16(reply, bound.Port())
	if s.mode == RelayCoalesced {
		// A ZMTP peer speaks first (its greeting): wait for it.
		buf := make([]byte, 4096)
		up.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := up.Read(buf)
		if err != nil {
			return
		}
		up.SetReadDeadline(time.Time{})
		reply = append(reply, buf[:n]...)
	}
	if _, err := c.Write(reply); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(c, up); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

func readUserPass(c net.Conn) (string, string, error) {
	var h [2]byte
	if _, err := io.ReadFull(c, h[:]); err != nil || h[0] != 1 {
		return "", "", fmt.Errorf("%w: auth version", errBad)
	}
	u := make([]byte, h[1])
	if _, err := io.ReadFull(c, u); err != nil {
		return "", "", err
	}
	var n [1]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return "", "", err
	}
	p := make([]byte, n[0])
	if _, err := io.ReadFull(c, p); err != nil {
		return "", "", err
	}
	return string(u), string(p), nil
}
