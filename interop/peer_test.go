package interop

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// Every blocking call in these tests is bounded by ioTimeout (RCVTIMEO and
// SNDTIMEO on both sides), so a lost message fails a test instead of
// hanging it.
const (
	ioTimeout    = 3 * time.Second
	reconnectIvl = 50 * time.Millisecond
	termTimeout  = 5 * time.Second
)

// impl names the ZeroMQ implementation on one side of a connection.
type impl string

const (
	zringImpl  impl = "zring"
	libzmqImpl impl = "libzmq"
)

// side is one end of a connection under test: an implementation and a
// socket type. zring numbers socket types as zmq.h does, so one value
// serves both implementations.
type side struct {
	impl impl
	typ  zring.SocketType
}

func (s side) String() string { return string(s.impl) + " " + s.typ.String() }

// peer is a socket of either implementation, seen through the few
// operations the tests need. Its methods return errors rather than failing
// the test so that a peer can be driven from a helper goroutine; like the
// sockets beneath it, a peer belongs to one goroutine at a time.
type peer interface {
	// bind binds to a transport's wildcard address for this
	// implementation (or to a fixed endpoint) and returns the endpoint
	// actually bound.
	bind(endpoint string) (string, error)
	connect(endpoint string) error
	send(msg [][]byte, flags zring.Flag) error
	recv(flags zring.Flag) ([][]byte, error)
	close() error
	String() string
}

// isAgain reports whether err is EAGAIN from either implementation.
func isAgain(err error) bool {
	return errors.Is(err, zring.ErrAgain) || zmq.AsErrno(err) == zmq.Errno(syscall.EAGAIN)
}

// isAddrInUse reports whether err is EADDRINUSE from either implementation.
func isAddrInUse(err error) bool {
	return errors.Is(err, zring.ErrAddrInUse) || zmq.AsErrno(err) == zmq.EADDRINUSE
}

// ---- zring ----

type zringPeer struct {
	s   *zring.Socket
	typ zring.SocketType
}

func (p *zringPeer) String() string { return "zring " + p.typ.String() }

func (p *zringPeer) bind(ep string) (string, error) {
	if err := p.s.Bind(ep); err != nil {
		return "", err
	}
	v, err := p.s.GetOption(zring.LastEndpoint)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (p *zringPeer) connect(ep string) error { return p.s.Connect(ep) }

func (p *zringPeer) send(msg [][]byte, flags zring.Flag) error {
	return p.s.SendMultipart(msg, flags)
}

func (p *zringPeer) recv(flags zring.Flag) ([][]byte, error) { return p.s.RecvMultipart(flags) }

func (p *zringPeer) close() error { return p.s.Close() }

// newZringContext returns a zring context that the test terminates when it
// ends, after the sockets made from it are closed (t.Cleanup runs last in,
// first out).
func newZringContext(t testing.TB) *zring.Context {
	t.Helper()
	ctx, err := zring.NewContext(zring.IOThreads(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { termWithin(t, "zring", ctx.Term) })
	return ctx
}

// newZring makes a zring socket with linger 0, the test timeouts and a 50 ms
// reconnect interval; the test closes it when it ends.
func newZring(t testing.TB, ctx *zring.Context, typ zring.SocketType) *zringPeer {
	t.Helper()
	s, err := ctx.NewSocket(typ)
	if err != nil {
		t.Fatalf("zring %v: %v", typ, err)
	}
	for _, o := range []struct {
		opt zring.Option
		v   int
	}{
		{zring.Linger, 0},
		{zring.RcvTimeo, int(ioTimeout / time.Millisecond)},
		{zring.SndTimeo, int(ioTimeout / time.Millisecond)},
		{zring.ReconnectIvl, int(reconnectIvl / time.Millisecond)},
	} {
		if err := s.SetOption(o.opt, o.v); err != nil {
			t.Fatalf("zring %v: %v", typ, err)
		}
	}
	p := &zringPeer{s: s, typ: typ}
	t.Cleanup(func() { p.close() })
	return p
}

// ---- libzmq ----

type libzmqPeer struct {
	s   *zmq.Socket
	typ zring.SocketType
}

func (p *libzmqPeer) String() string { return "libzmq " + p.typ.String() }

func (p *libzmqPeer) bind(ep string) (string, error) {
	if err := p.s.Bind(ep); err != nil {
		return "", err
	}
	return p.s.GetLastEndpoint()
}

func (p *libzmqPeer) connect(ep string) error { return p.s.Connect(ep) }

func (p *libzmqPeer) send(msg [][]byte, flags zring.Flag) error {
	var f zmq.Flag
	if flags&zring.DontWait != 0 {
		f = zmq.DONTWAIT
	}
	for i, frame := range msg {
		ff := f
		if i < len(msg)-1 {
			ff |= zmq.SNDMORE
		}
		if _, err := p.s.SendBytes(frame, ff); err != nil {
			return err
		}
		f = 0 // the first frame decided; the rest must follow
	}
	return nil
}

func (p *libzmqPeer) recv(flags zring.Flag) ([][]byte, error) {
	var f zmq.Flag
	if flags&zring.DontWait != 0 {
		f = zmq.DONTWAIT
	}
	return p.s.RecvMessageBytes(f)
}

func (p *libzmqPeer) close() error { return p.s.Close() }

func newLibzmqContext(t testing.TB) *zmq.Context {
	t.Helper()
	ctx, err := zmq.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { termWithin(t, "libzmq", ctx.Term) })
	return ctx
}

// newLibzmq makes a libzmq socket with the same settings newZring gives a
// zring one.
func newLibzmq(t testing.TB, ctx *zmq.Context, typ zring.SocketType) *libzmqPeer {
	t.Helper()
	s, err := ctx.NewSocket(zmq.Type(typ))
	if err != nil {
		t.Fatalf("libzmq %v: %v", typ, err)
	}
	for _, set := range []func() error{
		func() error { return s.SetLinger(0) },
		func() error { return s.SetRcvtimeo(ioTimeout) },
		func() error { return s.SetSndtimeo(ioTimeout) },
		func() error { return s.SetReconnectIvl(reconnectIvl) },
	} {
		if err := set(); err != nil {
			t.Fatalf("libzmq %v: %v", typ, err)
		}
	}
	p := &libzmqPeer{s: s, typ: typ}
	t.Cleanup(func() { p.close() })
	return p
}

// contexts holds one context of each implementation for a test.
type contexts struct {
	z *zring.Context
	l *zmq.Context
}

func newContexts(t testing.TB) contexts {
	// libzmq's first so that zring's is terminated first: a zring Term
	// that hangs is then reported, not hidden behind libzmq's.
	l := newLibzmqContext(t)
	return contexts{z: newZringContext(t), l: l}
}

func (c contexts) socket(t testing.TB, s side) peer {
	t.Helper()
	if s.impl == zringImpl {
		return newZring(t, c.z, s.typ)
	}
	return newLibzmq(t, c.l, s.typ)
}

// termWithin runs a context's Term and fails the test if it has not
// returned within termTimeout (the goroutine is left behind; the test
// binary ends soon anyway).
func termWithin(t testing.TB, name string, term func() error) {
	done := make(chan error, 1)
	go func() { done <- term() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s context Term: %v", name, err)
		}
	case <-time.After(termTimeout):
		t.Errorf("%s context Term did not return within %v", name, termTimeout)
	}
}

// ---- transports and endpoints ----

var transports = []string{"tcp", "ipc"}

var ipcSeq atomic.Int64

// wildcard is the address that makes impl pick a fresh endpoint on
// transport: port 0 for zring, "*" for libzmq (as each documents), and a
// new file under the test's temporary directory for ipc.
func wildcard(t testing.TB, transport string, im impl) string {
	t.Helper()
	switch transport {
	case "tcp":
		if im == libzmqImpl {
			return "tcp://127.0.0.1:*"
		}
		return "tcp://127.0.0.1:0"
	case "ipc":
		path := fmt.Sprintf("%s/s%d", t.TempDir(), ipcSeq.Add(1))
		if len(path) >= 100 { // sun_path holds 108 bytes
			t.Fatalf("ipc path too long: %s", path)
		}
		return "ipc://" + path
	}
	t.Fatalf("unknown transport %q", transport)
	return ""
}

// link binds b on transport and connects c to it.
func link(t testing.TB, transport string, b, c peer, bImpl impl) {
	t.Helper()
	ep, err := b.bind(wildcard(t, transport, bImpl))
	if err != nil {
		t.Fatalf("%v bind: %v", b, err)
	}
	if err := c.connect(ep); err != nil {
		t.Fatalf("%v connect %s: %v", c, ep, err)
	}
}

// rebind binds p to a fixed endpoint another socket has just released,
// retrying while the port or path is still in use (both libraries close
// listeners in the background after Close returns).
func rebind(t testing.TB, p peer, ep string) {
	t.Helper()
	start := time.Now()
	for {
		got, err := p.bind(ep)
		if err == nil {
			if got != ep {
				t.Errorf("%v bound %s, want %s", p, got, ep)
			}
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Logf("%v: rebinding %s took %v", p, ep, d)
			}
			return
		}
		if !isAddrInUse(err) || time.Since(start) > 2*time.Second {
			t.Fatalf("%v rebind %s: %v (after %v)", p, ep, err, time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ---- messages ----

// frames builds a message from strings.
func frames(ss ...string) [][]byte {
	m := make([][]byte, len(ss))
	for i, s := range ss {
		m[i] = []byte(s)
	}
	return m
}

// pattern returns n pseudo-random bytes (xorshift) so that a dropped,
// repeated or shifted byte shows at its offset.
func pattern(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// diff says how got differs from want, frame by frame and byte by byte, or
// returns "" when they are equal.
func diff(got, want [][]byte) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d frames %s, want %d frames %s", len(got), show(got), len(want), show(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if bytes.Equal(g, w) {
			continue
		}
		if len(g) != len(w) {
			return fmt.Sprintf("frame %d: %d bytes, want %d", i, len(g), len(w))
		}
		for j := range w {
			if g[j] != w[j] {
				return fmt.Sprintf("frame %d byte %d: %#02x, want %#02x", i, j, g[j], w[j])
			}
		}
	}
	return ""
}

// show prints a message briefly: short frames quoted, long ones by size.
func show(m [][]byte) string {
	parts := make([]string, len(m))
	for i, f := range m {
		if len(f) > 32 {
			parts[i] = fmt.Sprintf("<%d bytes>", len(f))
		} else {
			parts[i] = fmt.Sprintf("%q", f)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// mustSend sends msg on p or fails the test.
func mustSend(t testing.TB, p peer, msg [][]byte) {
	t.Helper()
	if err := p.send(msg, 0); err != nil {
		t.Fatalf("%v send %s: %v", p, show(msg), err)
	}
}

// expect receives one message on p and fails the test unless it is want.
func expect(t testing.TB, p peer, want [][]byte) [][]byte {
	t.Helper()
	got, err := p.recv(0)
	if err != nil {
		t.Fatalf("%v recv (want %s): %v", p, show(want), err)
	}
	if d := diff(got, want); d != "" {
		t.Fatalf("%v received %s", p, d)
	}
	return got
}

// expectNothing fails the test if p has a message within d.
func expectNothing(t testing.TB, p peer, d time.Duration) {
	t.Helper()
	time.Sleep(d)
	got, err := p.recv(zring.DontWait)
	if err == nil {
		t.Fatalf("%v received %s, want nothing", p, show(got))
	}
	if !isAgain(err) {
		t.Fatalf("%v recv: %v, want EAGAIN", p, err)
	}
}

// setBoth sets an option on p whichever implementation it is: z for a
// zring socket, l for a libzmq one. The test fails on an error.
func setBoth(t testing.TB, p peer, z func(*zring.Socket) error, l func(*zmq.Socket) error) {
	t.Helper()
	var err error
	switch s := p.(type) {
	case *zringPeer:
		err = z(s.s)
	case *libzmqPeer:
		err = l(s.s)
	}
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
}
