package zring_test

// Bad input from the network: DESIGN.md says it "closes that one connection
// (with a monitor event saying why); it never panics and never disturbs
// other peers", and STYLE.md that "every length from the wire is checked
// against limits before anything is allocated". These tests speak raw ZMTP
// 3.1 over a net.Conn to a bound zring socket while good peers of the same
// socket keep talking, so each byte stream below is built by hand here, not
// by package zmtp: a bug shared by encoder and decoder would otherwise hide.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
)

// closeWithin is how long zring may take to close a connection it was sent
// bad input on. It acts on the bytes as they arrive, so this is generous.
const closeWithin = 3 * time.Second

// wireGreeting is a ZMTP 3.x greeting: signature 0xFF, 8 padding bytes,
// 0x7F; version; 20-byte NUL-padded mechanism; as-server; 31-byte filler.
func wireGreeting(major, minor byte, mechanism string) []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xFF, 0x7F, major, minor
	copy(g[12:32], mechanism)
	return g
}

// wireFrame is one frame with the shortest size encoding.
func wireFrame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		return wireLongFrame(flags, uint64(len(body)), body)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// wireLongFrame is a frame with an 8-byte size that need not match body:
// the size is what the frame claims, body what is actually sent.
func wireLongFrame(flags byte, size uint64, body []byte) []byte {
	b := binary.BigEndian.AppendUint64([]byte{flags | 0x02}, size)
	return append(b, body...)
}

// wireCommand is a command frame: name-len, name, data.
func wireCommand(name string, data []byte) []byte {
	body := append([]byte{byte(len(name))}, name...)
	return wireFrame(0x04, append(body, data...))
}

// wireProps is metadata from name, value pairs.
func wireProps(kv ...string) []byte {
	var b []byte
	for i := 0; i+1 < len(kv); i += 2 {
		b = append(b, byte(len(kv[i])))
		b = append(b, kv[i]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(kv[i+1])))
		b = append(b, kv[i+1]...)
	}
	return b
}

// wireHello is what a correct NULL peer of the given type sends first.
func wireHello(socketType string) []byte {
	return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", wireProps("Socket-Type", socketType))...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func tcpAddr(t testing.TB, endpoint string) string {
	t.Helper()
	addr, ok := strings.CutPrefix(endpoint, "tcp://")
	if !ok {
		t.Fatalf("endpoint %q is not tcp", endpoint)
	}
	return addr
}

func dialRaw(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readWireFrame reads one frame zring sent.
func readWireFrame(c net.Conn) (flags byte, body []byte, err error) {
	var hdr [9]byte
	if _, err = io.ReadFull(c, hdr[:2]); err != nil {
		return 0, nil, err
	}
	flags, size := hdr[0], uint64(hdr[1])
	if flags&0x02 != 0 {
		if _, err = io.ReadFull(c, hdr[2:9]); err != nil {
			return 0, nil, err
		}
		size = binary.BigEndian.Uint64(hdr[1:9])
	}
	if size > 1<<20 {
		return 0, nil, fmt.Errorf("zring sent a frame of %d bytes", size)
	}
	body = make([]byte, size)
	_, err = io.ReadFull(c, body)
	return flags &^ 0x02, body, err
}

// rawHandshake does a correct NULL handshake as socketType and checks
// zring's side of it.
func rawHandshake(t testing.TB, c net.Conn, socketType string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(closeWithin))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(wireHello(socketType)); err != nil {
		t.Fatalf("handshake write: %v", err)
	}
	g := make([]byte, 64)
	if _, err := io.ReadFull(c, g); err != nil {
		t.Fatalf("reading zring's greeting: %v", err)
	}
	if g[0] != 0xFF || g[9] != 0x7F || g[10] != 3 || string(bytes.TrimRight(g[12:32], "\x00")) != "NULL" {
		t.Fatalf("zring's greeting % x", g)
	}
	flags, body, err := readWireFrame(c)
	if err != nil || flags != 0x04 || !bytes.HasPrefix(body, []byte("\x05READY")) {
		t.Fatalf("zring's READY: flags %#x body %q, %v", flags, body, err)
	}
}

// expectClosedByPeer reads until zring closes c, and fails the test if it
// has not within d. It returns what zring sent.
func expectClosedByPeer(t testing.TB, c net.Conn, d time.Duration) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if len(got) < 1<<16 {
			got = append(got, buf[:n]...)
		}
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("zring left the bad connection open for %v (it sent % x)", d, got)
		}
		return got // io.EOF, or ECONNRESET when zring closed with our bytes unread
	}
}

// badInputTarget is a bound zring socket and the good peers that must keep
// working beside a bad connection: a zring socket connected over tcp and a
// raw connection that did a correct handshake.
type badInputTarget struct {
	name     string
	typ      zring.SocketType
	self     string // the target's ZMTP Socket-Type
	peer     string // a compatible Socket-Type for raw connections
	goodType zring.SocketType
}

var badInputTargets = []badInputTarget{
	{"PULL", zring.PULL, "PULL", "PUSH", zring.PUSH},
	{"REP", zring.REP, "REP", "REQ", zring.REQ},
}

// badInputFixture is one target socket with its good peers.
type badInputFixture struct {
	tg   badInputTarget
	sock *zring.Socket
	good *zring.Socket
	raw  net.Conn
	addr string
}

func newBadInputFixture(t *testing.T, tg badInputTarget, maxMsgSize int64) *badInputFixture {
	t.Helper()
	ctx := newCtx(t)
	s := sock(t, ctx, tg.typ)
	s.SetOption(zring.RcvTimeo, 3000)
	if maxMsgSize != 0 {
		if err := s.SetOption(zring.MaxMsgSize, maxMsgSize); err != nil {
			t.Fatal(err)
		}
	}
	ep := bindAt(t, s, "tcp://127.0.0.1:0")
	f := &badInputFixture{tg: tg, sock: s, addr: tcpAddr(t, ep)}
	f.good = sock(t, ctx, tg.goodType)
	f.good.SetOption(zring.RcvTimeo, 3000)
	if err := f.good.Connect(ep); err != nil {
		t.Fatal(err)
	}
	f.raw = dialRaw(t, f.addr)
	rawHandshake(t, f.raw, tg.peer)
	return f
}

// exchange has both good peers talk to the target once. The target must
// see exactly their messages: nothing a bad connection sent, in particular
// no half of a message it cut short.
func (f *badInputFixture) exchange(t *testing.T, phase string) { f.exchangeWith(t, phase, false) }

// exchangeAmidGarbage is exchange for a target that may also be receiving
// messages random bytes happened to encode: it skips those.
func (f *badInputFixture) exchangeAmidGarbage(t *testing.T, phase string) {
	f.exchangeWith(t, phase, true)
}

func (f *badInputFixture) exchangeWith(t *testing.T, phase string, amidGarbage bool) {
	t.Helper()
	fromZring, fromRaw := "zring-"+phase, "raw-"+phase
	switch f.tg.typ {
	case zring.PULL:
		if err := f.good.Send([]byte(fromZring), 0); err != nil {
			t.Fatalf("%s: good PUSH send: %v", phase, err)
		}
		f.raw.SetWriteDeadline(time.Now().Add(closeWithin))
		if _, err := f.raw.Write(wireFrame(0x00, []byte(fromRaw))); err != nil {
			t.Fatalf("%s: good raw PUSH write: %v", phase, err)
		}
		want := map[string]bool{fromZring: true, fromRaw: true}
		for skipped := 0; len(want) > 0; skipped++ {
			parts, err := f.sock.RecvMultipart(0)
			if err != nil || skipped > 100000 {
				t.Fatalf("%s: PULL recv, still waiting for %v after %d others: %v", phase, want, skipped, err)
			}
			if len(parts) == 1 && want[string(parts[0])] {
				delete(want, string(parts[0]))
			} else if !amidGarbage {
				t.Fatalf("%s: PULL received %q, want only %v", phase, parts, want)
			}
		}
	case zring.REP:
		if err := f.good.Send([]byte(fromZring), 0); err != nil {
			t.Fatalf("%s: good REQ send: %v", phase, err)
		}
		f.serveUntil(t, phase, fromZring, amidGarbage)
		if b, err := f.good.Recv(0); err != nil || string(b) != "re:"+fromZring {
			t.Fatalf("%s: good REQ reply %q, %v", phase, b, err)
		}
		f.raw.SetDeadline(time.Now().Add(closeWithin))
		defer f.raw.SetDeadline(time.Time{})
		if _, err := f.raw.Write(cat(wireFrame(0x01, nil), wireFrame(0x00, []byte(fromRaw)))); err != nil {
			t.Fatalf("%s: good raw REQ write: %v", phase, err)
		}
		f.serveUntil(t, phase, fromRaw, amidGarbage)
		fl, delim, err := readWireFrame(f.raw)
		if err != nil || fl != 0x01 || len(delim) != 0 {
			t.Fatalf("%s: raw REQ reply delimiter flags %#x %q, %v", phase, fl, delim, err)
		}
		fl, body, err := readWireFrame(f.raw)
		if err != nil || fl != 0x00 || string(body) != "re:"+fromRaw {
			t.Fatalf("%s: raw REQ reply flags %#x %q, %v", phase, fl, body, err)
		}
	}
}

// serveUntil answers requests until want arrives. Amid garbage, the others
// came from random bytes that happened to be well formed, and their replies
// go nowhere; otherwise the first request must be want.
func (f *badInputFixture) serveUntil(t *testing.T, phase, want string, amidGarbage bool) {
	t.Helper()
	for skipped := 0; ; skipped++ {
		parts, err := f.sock.RecvMultipart(0)
		if err != nil || skipped > 100000 {
			t.Fatalf("%s: REP recv, still waiting for %q after %d others: %v", phase, want, skipped, err)
		}
		got := len(parts) == 1 && string(parts[0]) == want
		if !got && !amidGarbage {
			t.Fatalf("%s: REP received %q; want %q", phase, parts, want)
		}
		if err := f.sock.Send(append([]byte("re:"), parts[len(parts)-1]...), 0); err != nil {
			t.Fatalf("%s: REP send: %v", phase, err)
		}
		if got {
			return
		}
	}
}

// badInputCase is one kind of bad input. bytes builds what the bad
// connection sends; after a correct handshake when handshake is set.
type badInputCase struct {
	name       string
	handshake  bool
	maxMsgSize int64 // ZMQ_MAXMSGSIZE of the target; 0 leaves the default (-1)
	bytes      func(tg badInputTarget) []byte
	// mayStayOpen: the input is legal so far, only unfinished (a frame
	// MAXMSGSIZE allows whose bytes have not all come), so zring may wait
	// for the rest; the test then checks memory and closes the connection
	// itself.
	mayStayOpen bool
	// sendsError: zring should say why in an ERROR command before closing
	// (RFC 37 for an incompatible Socket-Type).
	sendsError bool
}

var badInputCases = []badInputCase{
	// Greeting.
	{name: "greeting signature first byte", bytes: func(badInputTarget) []byte {
		g := wireGreeting(3, 1, "NULL")
		g[0] = 0x00
		return g
	}},
	{name: "greeting signature tenth byte bit 0 clear (ZMTP 1.0)", bytes: func(badInputTarget) []byte {
		g := wireGreeting(3, 1, "NULL")
		g[9] = 0x7E
		return g
	}},
	{name: "HTTP request instead of a greeting", bytes: func(badInputTarget) []byte {
		return []byte("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
	}},
	{name: "major version 2", bytes: func(badInputTarget) []byte { return wireGreeting(2, 0, "NULL") }},
	{name: "major version 0, garbage after the signature", bytes: func(badInputTarget) []byte {
		g := wireGreeting(0, 0xEE, "")
		for i := 12; i < 64; i++ {
			g[i] = byte(0xA5 ^ i)
		}
		return g
	}},
	{name: "unknown mechanism FOO", bytes: func(tg badInputTarget) []byte {
		return append(wireGreeting(3, 1, "FOO"), wireCommand("READY", wireProps("Socket-Type", tg.peer))...)
	}},
	{name: "mechanism PLAIN against a NULL socket", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "PLAIN"), wireCommand("HELLO", []byte("\x04user\x04pass"))...)
	}},
	{name: "mechanism name not NUL padded", bytes: func(badInputTarget) []byte {
		g := wireGreeting(3, 1, "NULL")
		g[20] = 'X'
		return g
	}},
	{name: "empty mechanism name", bytes: func(badInputTarget) []byte { return wireGreeting(3, 1, "") }},

	// The NULL handshake.
	{name: "READY with an incompatible Socket-Type", sendsError: true, bytes: func(tg badInputTarget) []byte {
		return wireHello(tg.self) // PULL to PULL, REP to REP
	}},
	{name: "READY with an unknown Socket-Type", sendsError: true, bytes: func(badInputTarget) []byte {
		return wireHello("BOGUS")
	}},
	{name: "READY without Socket-Type", sendsError: true, bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", wireProps("Identity", "x"))...)
	}},
	{name: "command name length exceeds its frame", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireFrame(0x04, []byte("\xc8READY"))...)
	}},
	{name: "command with an empty name", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireFrame(0x04, []byte("\x00"))...)
	}},
	{name: "empty command frame", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireFrame(0x04, nil)...)
	}},
	{name: "READY metadata value length past the end", bytes: func(tg badInputTarget) []byte {
		md := wireProps("Socket-Type", tg.peer)
		binary.BigEndian.PutUint32(md[1+len("Socket-Type"):], 1000)
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", md)...)
	}},
	{name: "READY metadata value length top bit set", bytes: func(tg badInputTarget) []byte {
		md := wireProps("Socket-Type", tg.peer)
		binary.BigEndian.PutUint32(md[1+len("Socket-Type"):], 0x80000004)
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", md)...)
	}},
	{name: "READY metadata name length past the end", bytes: func(tg badInputTarget) []byte {
		md := append(wireProps("Socket-Type", tg.peer), 0xFF, 'X', 'Y')
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", md)...)
	}},
	{name: "READY metadata cut before the value length", bytes: func(tg badInputTarget) []byte {
		md := append(wireProps("Socket-Type", tg.peer), 2, 'X', 'Y', 0, 0)
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", md)...)
	}},
	{name: "READY metadata property with an empty name", bytes: func(tg badInputTarget) []byte {
		md := append(wireProps("Socket-Type", tg.peer), 0, 0, 0, 0, 0)
		return append(wireGreeting(3, 1, "NULL"), wireCommand("READY", md)...)
	}},
	{name: "message frame instead of READY", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireFrame(0x00, []byte("hello"))...)
	}},
	{name: "unexpected command instead of READY", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireCommand("PING", []byte{0, 10})...)
	}},
	{name: "reserved flag bits on READY", bytes: func(tg badInputTarget) []byte {
		r := wireCommand("READY", wireProps("Socket-Type", tg.peer))
		r[0] |= 0x80
		return append(wireGreeting(3, 1, "NULL"), r...)
	}},
	{name: "READY with the MORE flag", bytes: func(tg badInputTarget) []byte {
		r := wireCommand("READY", wireProps("Socket-Type", tg.peer))
		r[0] |= 0x01
		return append(wireGreeting(3, 1, "NULL"), r...)
	}},
	{name: "handshake command advertising 2^62 bytes", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireLongFrame(0x04, 1<<62, []byte("\x05READY"))...)
	}},
	{name: "handshake command size with the top bit set", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireLongFrame(0x04, 1<<63|6, []byte("\x05READY"))...)
	}},
	{name: "ERROR command in the handshake", bytes: func(badInputTarget) []byte {
		return append(wireGreeting(3, 1, "NULL"), wireCommand("ERROR", []byte("\x03bye"))...)
	}},

	// Traffic after a correct handshake.
	{name: "frame longer than MAXMSGSIZE", handshake: true, maxMsgSize: 1024, bytes: func(badInputTarget) []byte {
		return wireFrame(0x00, bytes.Repeat([]byte("x"), 2000))
	}},
	{name: "command longer than MAXMSGSIZE", handshake: true, maxMsgSize: 1024, bytes: func(badInputTarget) []byte {
		return wireCommand("PING", append([]byte{0, 0}, bytes.Repeat([]byte("x"), 2000)...))
	}},
	{name: "frame advertising 2^62 bytes over MAXMSGSIZE", handshake: true, maxMsgSize: 1024, bytes: func(badInputTarget) []byte {
		return wireLongFrame(0x00, 1<<62, []byte("only a few bytes"))
	}},
	{name: "long frame size with the top bit set", handshake: true, bytes: func(badInputTarget) []byte {
		return wireLongFrame(0x00, 1<<63|16, []byte("only a few bytes"))
	}},
	{name: "long frame size all ones", handshake: true, bytes: func(badInputTarget) []byte {
		return wireLongFrame(0x01, ^uint64(0), []byte("x"))
	}},
	// With no MAXMSGSIZE a size over zmtp.MaxFrameSize (2^48-1), or over
	// the machine's memory and swap, which could never be allocated, is
	// refused at the header (libzmq's malloc fails there); a smaller one is
	// read as its bytes come.
	{name: "long frame advertising 2^62 bytes, no MAXMSGSIZE", handshake: true, maxMsgSize: -1,
		bytes: func(badInputTarget) []byte { return wireLongFrame(0x00, 1<<62, []byte("only a few bytes")) }},
	{name: "long command advertising 2^62 bytes, no MAXMSGSIZE", handshake: true, maxMsgSize: -1,
		bytes: func(badInputTarget) []byte { return wireLongFrame(0x04, 1<<62, []byte("\x04PING\x00\x00")) }},
	{name: "long frame advertising 2^47 bytes, no MAXMSGSIZE", handshake: true, maxMsgSize: -1,
		bytes: func(badInputTarget) []byte { return wireLongFrame(0x00, 1<<47, []byte("only a few bytes")) }},
	{name: "long command advertising 2^47 bytes, no MAXMSGSIZE", handshake: true, maxMsgSize: -1, mayStayOpen: true,
		bytes: func(badInputTarget) []byte { return wireLongFrame(0x04, 1<<47, []byte("\x04PING\x00\x00")) }},
	{name: "reserved flag bits on a message frame", handshake: true, bytes: func(badInputTarget) []byte {
		return wireFrame(0x80, []byte("hello"))
	}},
	{name: "reserved flag bit 3 on a message frame", handshake: true, bytes: func(badInputTarget) []byte {
		return wireFrame(0x08, []byte("hello"))
	}},
	{name: "command with the MORE flag", handshake: true, bytes: func(badInputTarget) []byte {
		return wireFrame(0x05, []byte("\x04PING\x00\x00"))
	}},
	{name: "command name length exceeds its frame after the handshake", handshake: true, bytes: func(badInputTarget) []byte {
		return wireFrame(0x04, []byte("\xffPING"))
	}},
	{name: "empty command after the handshake", handshake: true, bytes: func(badInputTarget) []byte {
		return wireFrame(0x04, nil)
	}},
	{name: "PING too short for its TTL", handshake: true, bytes: func(badInputTarget) []byte {
		return wireCommand("PING", []byte{0})
	}},
	{name: "PING context over 16 bytes", handshake: true, bytes: func(badInputTarget) []byte {
		return wireCommand("PING", append([]byte{0, 10}, bytes.Repeat([]byte("c"), 17)...))
	}},
	{name: "ERROR command after the handshake", handshake: true, bytes: func(badInputTarget) []byte {
		return wireCommand("ERROR", []byte("\x03bye"))
	}},
	{name: "garbage after a valid handshake", handshake: true, bytes: func(badInputTarget) []byte {
		return []byte("\xde\xad\xbe\xef garbage \x00\xff\x13\x37")
	}},
	{name: "half a message, then garbage", handshake: true, bytes: func(tg badInputTarget) []byte {
		// A REQ's delimiter and a first part with MORE: neither may reach
		// the socket once the connection dies.
		return cat(wireFrame(0x01, nil), wireFrame(0x01, []byte("half")), []byte{0xFF, 0xFF, 0xFF})
	}},
	{name: "second greeting after the handshake", handshake: true, bytes: func(tg badInputTarget) []byte {
		return wireHello(tg.peer)
	}},
}

// TestBadInput: each kind of bad input closes that one connection, never
// panics, never allocates what a size field advertises before the bytes
// arrive, and leaves the socket's other connections working.
func TestBadInput(t *testing.T) {
	for _, tg := range badInputTargets {
		for _, c := range badInputCases {
			t.Run(tg.name+"/"+c.name, func(t *testing.T) {
				f := newBadInputFixture(t, tg, c.maxMsgSize)
				f.exchange(t, "before")

				bad := dialRaw(t, f.addr)
				if c.handshake {
					rawHandshake(t, bad, tg.peer)
				}
				var before runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)

				bad.SetWriteDeadline(time.Now().Add(closeWithin))
				// zring may close before it has read everything: a write
				// error here is the expected outcome, not a failure.
				bad.Write(c.bytes(tg))

				f.exchange(t, "during")

				if c.mayStayOpen {
					// Give zring time to read what was sent and to act on it.
					time.Sleep(100 * time.Millisecond)
				} else {
					got := expectClosedByPeer(t, bad, closeWithin)
					if c.sendsError && !bytes.Contains(got, []byte("\x05ERROR")) {
						t.Errorf("zring closed without an ERROR command; it sent % x", got)
					}
				}

				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
					t.Errorf("allocated %d MiB after the bad input", grew>>20)
				}

				f.exchange(t, "after")
				if c.mayStayOpen {
					bad.Close()
					f.exchange(t, "after close")
				}
			})
		}
	}
}

// TestBadInputHugeFramesDoNotAllocate: many connections each advertising a
// 1 GiB frame with no MAXMSGSIZE (under zmtp.MaxFrameSize and the
// machine's memory, so accepted at the header) cost only what was really
// sent plus a bounded start buffer each, not what they advertised.
func TestBadInputHugeFramesDoNotAllocate(t *testing.T) {
	const conns = 32
	f := newBadInputFixture(t, badInputTargets[0], -1)
	f.exchange(t, "before")

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var bad []net.Conn
	for i := 0; i < conns; i++ {
		c := dialRaw(t, f.addr)
		rawHandshake(t, c, "PUSH")
		if _, err := c.Write(wireLongFrame(0x00, 1<<30, []byte("a few bytes"))); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, c)
	}
	f.exchange(t, "during")
	time.Sleep(100 * time.Millisecond)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d connections advertising 1 GiB frames: heap grew %d KiB, %d KiB allocated in all",
		conns, grew>>10, (after.TotalAlloc-before.TotalAlloc)>>10)
	if grew > 64<<20 || after.TotalAlloc-before.TotalAlloc > 64<<20 {
		t.Fatalf("heap grew %d MiB, %d MiB allocated", grew>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
	for _, c := range bad {
		c.Close()
	}
	f.exchange(t, "after")
}

// countFDs is the number of open file descriptors of this process.
func countFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count fds: %v", err)
	}
	return len(ents)
}

// garbageStreams are the kinds of bad connection TestGarbageConnectionsDoNotLeak
// cycles through, each with whether zring must be the one to close.
var garbageStreams = []struct {
	handshake bool
	bytes     []byte
	zringEnds bool
}{
	{false, []byte("\x00garbage"), true},
	{false, wireGreeting(2, 0, "NULL"), true},
	{false, append(wireGreeting(3, 1, "NULL"), wireCommand("READY", wireProps("Socket-Type", "PULL"))...), true},
	{false, append(wireGreeting(3, 1, "NULL"), wireFrame(0x04, []byte("\xc8READY"))...), true},
	{true, wireFrame(0x80, []byte("reserved")), true},
	{true, wireLongFrame(0x00, 1<<63, nil), true},
	{true, wireLongFrame(0x00, 1<<62, []byte("abc")), true},  // over zmtp.MaxFrameSize: refused at the header
	{true, wireLongFrame(0x00, 1<<47, []byte("abc")), true},  // over this machine's memory: refused at the header
	{true, wireLongFrame(0x00, 1<<30, []byte("abc")), false}, // legal so far: we hang up
	{true, wireFrame(0x01, []byte("half a message")), false},
	{false, []byte{0xFF, 0, 0, 0}, false}, // half a greeting, then we hang up
	{false, nil, false},                   // connect and hang up
}

// TestGarbageConnectionsDoNotLeak: 200 bad connections in a row leave no
// goroutines, file descriptors or memory behind, and the good peers work
// throughout.
func TestGarbageConnectionsDoNotLeak(t *testing.T) {
	const conns = 200
	f := newBadInputFixture(t, badInputTargets[0], -1)
	f.exchange(t, "warm-up")
	time.Sleep(50 * time.Millisecond)

	heapBefore := heapInUse()
	goroutines, fds := runtime.NumGoroutine(), countFDs(t)

	for i := 0; i < conns; i++ {
		g := garbageStreams[i%len(garbageStreams)]
		c, err := net.DialTimeout("tcp", f.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if g.handshake {
			rawHandshake(t, c, "PUSH")
		}
		c.SetWriteDeadline(time.Now().Add(closeWithin))
		c.Write(g.bytes)
		if g.zringEnds {
			expectClosedByPeer(t, c, closeWithin)
		}
		c.Close()
		if i%50 == 49 {
			f.exchange(t, fmt.Sprint("after ", i+1))
		}
	}

	// zring handles our hang-ups asynchronously: allow it a moment.
	var g, n int
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		g, n = runtime.NumGoroutine(), countFDs(t)
		if g <= goroutines+2 && n <= fds+2 || time.Now().After(deadline) {
			break
		}
	}
	if g > goroutines+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after %d bad connections\n%s", goroutines, g, conns, buf[:runtime.Stack(buf, true)])
	}
	if n > fds+2 {
		t.Errorf("open fds: %d before, %d after %d bad connections", fds, n, conns)
	}
	f.exchange(t, "end")
	if grew := heapInUse() - heapBefore; grew > 16<<20 {
		t.Errorf("heap in use grew %d MiB over %d bad connections", grew>>20, conns)
	}
}

// TestGarbageAfterHandshake: random bytes after a valid greeting and READY,
// each string on its own connection, never take zring down or disturb the
// good peers. Some strings are valid frames by chance, so the target may
// receive messages from them; the good peers' messages must still arrive.
func TestGarbageAfterHandshake(t *testing.T) {
	for _, tg := range badInputTargets {
		t.Run(tg.name, func(t *testing.T) {
			const conns = 500
			rng := rand.New(rand.NewSource(20260101))
			f := newBadInputFixture(t, tg, -1)
			for i := 0; i < conns; i++ {
				c := dialRaw(t, f.addr)
				rawHandshake(t, c, tg.peer)
				c.SetWriteDeadline(time.Now().Add(closeWithin))
				c.Write(randomWire(rng))
				// Some strings end inside a frame zring must wait for: hang
				// up ourselves, but after zring has had a chance to act.
				if i%3 == 0 {
					time.Sleep(time.Millisecond)
				}
				c.Close()
				if i%25 == 24 {
					f.exchangeAmidGarbage(t, fmt.Sprint(i))
				}
			}
			f.exchangeAmidGarbage(t, "end")
		})
	}
}

// randomWire is a random byte string, biased toward looking like frames so
// the decoder gets past the first byte: plain noise, noise after a plausible
// header, or a run of random frames with random flags and sizes.
func randomWire(rng *rand.Rand) []byte {
	noise := func(n int) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	switch rng.Intn(4) {
	case 0:
		return noise(1 + rng.Intn(300))
	case 1:
		flags := byte(rng.Intn(8))
		return append([]byte{flags, byte(rng.Intn(256))}, noise(rng.Intn(300))...)
	case 2:
		size := rng.Uint64() >> uint(rng.Intn(64))
		return wireLongFrame(byte(rng.Intn(8)), size, noise(rng.Intn(64)))
	default:
		var b []byte
		for k := rng.Intn(6); k >= 0; k-- {
			flags := byte(rng.Intn(8))
			if rng.Intn(16) == 0 {
				flags = byte(rng.Intn(256))
			}
			body := noise(rng.Intn(40))
			if flags&0x04 != 0 && rng.Intn(2) == 0 {
				names := []string{"PING", "PONG", "READY", "ERROR", "SUBSCRIBE", "X"}
				name := names[rng.Intn(len(names))]
				body = append(append([]byte{byte(len(name))}, name...), body...)
			}
			b = append(b, flags&^0x02, byte(len(body)))
			b = append(b, body...)
		}
		return b
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	// Twice: sync.Pool keeps a victim cache through one collection, and
	// the pools of an earlier subtest must not count against this one.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// floodWithoutReading writes unit over and over, up to total bytes, to a
// peer that is never read from, and stops early when zring pushes back
// (the write times out) or hangs up. It returns how much was written.
func floodWithoutReading(c net.Conn, unit []byte, total int) int {
	batch := bytes.Repeat(unit, max(1, (64<<10)/len(unit)))
	sent := 0
	for sent < total {
		c.SetWriteDeadline(time.Now().Add(time.Second))
		n, err := c.Write(batch)
		sent += n
		if err != nil {
			break
		}
	}
	return sent
}

// TestBadInputPingFloodWithoutReading: a peer that sends PINGs and never
// reads the PONGs must not make zring buffer PONGs without bound. libzmq
// keeps at most one PONG pending (a later PING replaces it); stopping
// reading while replies back up would do as well.
func TestBadInputPingFloodWithoutReading(t *testing.T) {
	const total = 24 << 20
	f := newBadInputFixture(t, badInputTargets[0], -1)
	c := dialRaw(t, f.addr)
	rawHandshake(t, c, "PUSH")
	// The kernel soaks up a few MiB of PONGs (our receive buffer does not
	// grow while we do not read; zring's send buffer does, up to
	// net.ipv4.tcp_wmem's maximum); total is well above that. Shrinking our
	// receive buffer now would retract the advertised window and stall
	// TCP itself.

	before := heapInUse()
	ping := wireCommand("PING", append([]byte{0, 0}, "0123456789abcdef"...))
	sent := floodWithoutReading(c, ping, total)
	time.Sleep(200 * time.Millisecond) // let zring act on the last bytes
	grew := heapInUse() - before
	t.Logf("sent %d KiB of PINGs without reading; heap in use grew %d KiB", sent>>10, grew>>10)
	if grew > 8<<20 {
		t.Errorf("heap grew %d MiB for %d MiB of PINGs: zring buffers every PONG for a peer that does not read", grew>>20, sent>>20)
	}
	f.exchange(t, "after")
}

// TestBadInputEndlessMultipartMessage: a peer that sends frame after frame
// with MORE and never ends its message must not make zring hold every frame.
// Messages are published whole and RCVHWM counts whole messages, so nothing
// else bounds this; each tiny frame costs far more in memory (a ring.Msg in
// the pipe, a pooled buffer) than its 2 or 3 bytes on the wire. The fix may
// refuse the message (close the connection) past a limit of frames or bytes
// for one message, or stop reading; either passes.
func TestBadInputEndlessMultipartMessage(t *testing.T) {
	const total = 4 << 20
	for _, tg := range badInputTargets {
		t.Run(tg.name, func(t *testing.T) {
			f := newBadInputFixture(t, tg, -1)
			f.exchange(t, "before")
			c := dialRaw(t, f.addr)
			rawHandshake(t, c, tg.peer)

			before := heapInUse()
			sent := floodWithoutReading(c, []byte{0x01, 0x01, 'x'}, total)
			time.Sleep(200 * time.Millisecond)
			grew := heapInUse() - before
			t.Logf("sent %d KiB of MORE frames; heap in use grew %d KiB", sent>>10, grew>>10)
			if grew > 32<<20 {
				t.Errorf("heap grew %d MiB for %d MiB of one unfinished message (%.0fx)",
					grew>>20, sent>>20, float64(grew)/float64(sent))
			}
			f.exchange(t, "after")
			c.Close()
			f.exchange(t, "after close")
		})
	}
}

// TestBadInputHandshakeFrameLimit: zmtp.Config.MaxFrame (0: 65536) is the
// largest handshake command body accepted, and it "bounds how much the
// caller must buffer": a READY of exactly that size completes the
// handshake, one byte more closes the connection.
func TestBadInputHandshakeFrameLimit(t *testing.T) {
	const limit = 65536
	ready := func(body int) []byte {
		md := wireProps("Socket-Type", "PUSH", "X-Pad", "")
		pad := body - (1 + len("READY") + len(md))
		md = wireProps("Socket-Type", "PUSH", "X-Pad", strings.Repeat("p", pad))
		return wireCommand("READY", md)
	}
	t.Run("at the limit", func(t *testing.T) {
		f := newBadInputFixture(t, badInputTargets[0], -1)
		c := dialRaw(t, f.addr)
		r := ready(limit)
		if got := len(r) - 9; got != limit {
			t.Fatalf("built a READY of %d bytes", got)
		}
		c.SetWriteDeadline(time.Now().Add(closeWithin))
		c.Write(cat(wireGreeting(3, 1, "NULL"), r, wireFrame(0x00, []byte("raw-limit"))))
		f.good.Send([]byte("zring-limit"), 0)
		want := map[string]bool{"zring-limit": true, "raw-limit": true}
		f.sock.SetOption(zring.RcvTimeo, 1000)
		for len(want) > 0 {
			b, err := f.sock.Recv(0)
			if err != nil {
				t.Fatalf("a READY of %d bytes, the handshake limit, did not complete the handshake; still waiting for %v: %v", limit, want, err)
			}
			delete(want, string(b))
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		f := newBadInputFixture(t, badInputTargets[0], -1)
		f.exchange(t, "before")
		c := dialRaw(t, f.addr)
		c.SetWriteDeadline(time.Now().Add(closeWithin))
		c.Write(cat(wireGreeting(3, 1, "NULL"), ready(limit+1)))
		expectClosedByPeer(t, c, closeWithin)
		f.exchange(t, "after")
	})
}

// TestLargeInBatchSizeBigFrames is not about bad input but was found
// beside it: with ZMQ_IN_BATCH_SIZE above the 256 KiB first allocation of
// a big frame, one read can bring more of a big frame's body than that
// allocation holds, and the surplus must not be lost.
func TestLargeInBatchSizeBigFrames(t *testing.T) {
	const size = 3 << 20
	n := 40
	if raceEnabled {
		n = 10 // 40 took 18 s under the race detector; the bug shows in the first
	}
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	if err := pull.SetOption(zring.InBatchSize, 1<<20); err != nil {
		t.Fatal(err)
	}
	push := sock(t, ctx, zring.PUSH)
	push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
	// Message i holds byte(i + j/1000) at j: a window of one pattern,
	// made once (byte by byte under the race detector, 80 of them took
	// most of this test's 20 s).
	pattern := make([]byte, size+1000*n)
	for j := range pattern {
		pattern[j] = byte(j / 1000)
	}
	body := func(i int) []byte { return pattern[1000*i : 1000*i+size] }
	sent := make(chan struct{})
	defer func() { <-sent }() // the PUSH is closed after its sender is done
	go func() {
		defer close(sent)
		for i := 0; i < n; i++ {
			if push.Send(body(i), 0) != nil {
				return
			}
		}
	}()
	for i := 0; i < n; i++ {
		got, err := pull.Recv(0)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if want := body(i); !bytes.Equal(got, want) {
			k := 0
			for k < len(got) && k < len(want) && got[k] == want[k] {
				k++
			}
			t.Fatalf("message %d of %d bytes (want %d) differs from byte %d", i, len(got), len(want), k)
		}
	}
}
