package loop

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/ring"
)

// TestByteRing: the ring hands out contiguous room after its data and
// contiguous data from its front, wraps around, starts again at the front
// when empty, and keeps the bytes in order.
func TestByteRing(t *testing.T) {
	type step struct {
		fill, take int // bytes to fill (as far as free allows), then to take (as far as data allows)
		// After the step: the data held, and the sizes of free's and
		// data's contiguous slices.
		wantLen, wantFree, wantData int
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"fills to capacity in one slice", []step{
			{fill: 8, wantLen: 8, wantFree: 0, wantData: 8},
			{take: 8, wantLen: 0, wantFree: 8, wantData: 0},
		}},
		{"an empty ring starts again at the front", []step{
			{fill: 5, take: 5, wantLen: 0, wantFree: 8, wantData: 0},
			{fill: 8, wantLen: 8, wantFree: 0, wantData: 8},
		}},
		{"room after the data runs to the end, then wraps to the front", []step{
			{fill: 6, take: 4, wantLen: 2, wantFree: 2, wantData: 2},
			{fill: 2, wantLen: 4, wantFree: 4, wantData: 4},
			{fill: 4, wantLen: 8, wantFree: 0, wantData: 4},
		}},
		{"data runs to the end, then continues at the front", []step{
			{fill: 8, take: 6, wantLen: 2, wantFree: 6, wantData: 2},
			{fill: 6, wantLen: 8, wantFree: 0, wantData: 2},
			{take: 2, wantLen: 6, wantFree: 2, wantData: 6},
			{take: 6, wantLen: 0, wantFree: 8, wantData: 0},
		}},
		{"a fill takes only the contiguous room", []step{
			{fill: 7, take: 3, wantLen: 4, wantFree: 1, wantData: 4},
			{fill: 3, wantLen: 5, wantFree: 3, wantData: 5},
			{fill: 3, wantLen: 8, wantFree: 0, wantData: 5},
			{take: 5, wantLen: 3, wantFree: 5, wantData: 3},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := byteRing{buf: make([]byte, 8)}
			var next, want byte // the next byte to write, and to read back
			for i, s := range c.steps {
				f := r.free()
				n := copy(f, make([]byte, s.fill))
				for j := range n {
					f[j] = next
					next++
				}
				r.commit(n)
				for took := 0; took < s.take && r.len() > 0; {
					d := r.data()
					d = d[:min(len(d), s.take-took)]
					for _, b := range d {
						if b != want {
							t.Fatalf("step %d: read %d, want %d", i, b, want)
						}
						want++
					}
					r.consume(len(d))
					took += len(d)
				}
				if r.len() != s.wantLen || len(r.data()) != s.wantData || len(r.free()) != s.wantFree {
					t.Fatalf("step %d: len %d, data %d, free %d; want %d, %d, %d",
						i, r.len(), len(r.data()), len(r.free()), s.wantLen, s.wantData, s.wantFree)
				}
			}
		})
	}
}

// TestConnReadyBits: a stream handle reports what a non-blocking socket's
// poll would: nothing while connecting, writable (with an error) once the
// connect failed, readable with bytes or at the end, writable while its
// writer's ring has room.
func TestConnReadyBits(t *testing.T) {
	full := byteRing{buf: make([]byte, 4), w: 4}
	for _, c := range []struct {
		name string
		s    *connStream
		want uint32
	}{
		{"connecting", &connStream{dialing: true}, 0},
		{"connect failed", &connStream{dialErr: errno.ECONNREFUSED}, evWrite | evErr},
		{"connected, idle", &connStream{c: &net.TCPConn{}, out: byteRing{buf: make([]byte, 4)}}, evWrite},
		{"bytes in", &connStream{c: &net.TCPConn{}, in: byteRing{buf: make([]byte, 4), w: 1}, out: byteRing{buf: make([]byte, 4)}}, evRead | evWrite},
		{"the peer's end", &connStream{c: &net.TCPConn{}, rerr: io.EOF, out: byteRing{buf: make([]byte, 4)}}, evRead | evWrite},
		{"writer's ring full", &connStream{c: &net.TCPConn{}, out: full}, 0},
		{"writer failed", &connStream{c: &net.TCPConn{}, werr: errno.Errno(104), out: full}, evWrite | evErr},
	} {
		if got := c.s.readyBits(); got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, got, c.want)
		}
	}
}

// TestWinsockErrno: Windows' error numbers map to the errno names libzmq
// gives them, so that errors.Is(err, zring.ErrConnRefused) and the
// reconnect rules see the same errors on every system.
func TestWinsockErrno(t *testing.T) {
	for _, c := range []struct {
		code uintptr
		want errno.Errno
	}{
		{10061, errno.ECONNREFUSED}, // WSAECONNREFUSED
		{1225, errno.ECONNREFUSED},  // ERROR_CONNECTION_REFUSED, from ConnectEx
		{10048, errno.EADDRINUSE},   // WSAEADDRINUSE
		{10049, errno.EADDRNOTAVAIL},
		{10054, 104}, // WSAECONNRESET: ECONNRESET
		{64, 104},    // ERROR_NETNAME_DELETED: a reset under overlapped I/O
		{10060, errno.ETIMEDOUT},
		{10065, errno.EHOSTUNREACH},
		{10035, errno.EAGAIN}, // WSAEWOULDBLOCK
		{10024, errEMFILE},
		{12345, 0}, // unknown
	} {
		if got := winsockErrno(c.code); got != c.want {
			t.Errorf("winsockErrno(%d) = %d, want %d", c.code, got, c.want)
		}
	}
}

// TestConnHandles: handles are numbers from connBase up, found while
// open, reused after close, and an fd call on a closed one fails.
func TestConnHandles(t *testing.T) {
	a, b := newConnStream(), newConnStream()
	fa, err := connOpen(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, _ := connOpen(b)
	if !isConnFD(fa) || !isConnFD(fb) || fa == fb {
		t.Fatalf("handles %d, %d", fa, fb)
	}
	if connLookup(fa) != a || connLookup(fb) != b || connLookup(fb+1000) != nil || connLookup(3) != nil {
		t.Fatal("lookup")
	}
	connClose(fa)
	if connLookup(fa) != nil {
		t.Fatal("found after close")
	}
	if _, err := connRead(fa, make([]byte, 1)); err != errBadFD {
		t.Fatalf("read of a closed handle: %v, want EBADF", err)
	}
	c := newConnStream()
	fc, _ := connOpen(c)
	if fc != fa {
		t.Errorf("a released handle was not reused: %d, want %d", fc, fa)
	}
	connClose(fb)
	connClose(fc)
}

// connRecorder collects a handle's readiness from a conn poller that a
// goroutine waits on, as a loop's does. It keeps the first few: a handle
// left ready is posted again and again (level-triggered).
type connRecorder struct{ got chan uint32 }

func (r connRecorder) handle(ev uint32) {
	select {
	case r.got <- ev:
	default:
	}
}

func (r connRecorder) next(t *testing.T, want uint32) {
	t.Helper()
	select {
	case ev := <-r.got:
		if ev&want == 0 {
			t.Fatalf("ready %#x, want %#x", ev, want)
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("no readiness (want %#x)", want)
	}
}

func (r connRecorder) none(t *testing.T) {
	t.Helper()
	select {
	case ev := <-r.got:
		t.Fatalf("ready %#x, want nothing", ev)
	case <-time.After(50 * time.Millisecond):
	}
}

// newTestConnPoller starts a conn poller with a goroutine in wait, as a
// loop's; add, mod and del are the test's (the loop's exec).
func newTestConnPoller(t *testing.T) *connPoller {
	pl, _ := newConnPoller()
	p := pl.(*connPoller)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			p.wait(-1)
		}
	}()
	t.Cleanup(func() { close(stop); p.wake(); <-done })
	return p
}

// connPair listens on loopback with the conn backend, dials it and
// accepts with so's options: the dialled and the accepted stream handles,
// both connected.
func connPair(t *testing.T, p *connPoller, so SockOpts) (dialled, accepted int) {
	t.Helper()
	lfd, bound, err := listenConn(Address{Transport: "tcp", TCP: netip.MustParseAddrPort("127.0.0.1:0")}, &so, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { connClose(lfd) })
	if bound.TCP.Port() == 0 {
		t.Fatal("no port bound")
	}
	lr := connRecorder{make(chan uint32, 16)}
	p.add(lfd, evRead, lr)
	dfd, inProgress, err := connDial(bound, &so)
	if err != nil || !inProgress {
		t.Fatalf("dial: %v, in progress %v", err, inProgress)
	}
	dr := connRecorder{make(chan uint32, 16)}
	p.add(dfd, evWrite, dr)
	dr.next(t, evWrite)
	if err := connConnectResult(dfd); err != nil {
		t.Fatalf("connect: %v", err)
	}
	p.del(dfd)
	lr.next(t, evRead)
	afd, err := connAccept(lfd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connAccept(lfd); !isAgain(err) {
		t.Fatalf("second accept: %v, want EAGAIN", err)
	}
	p.del(lfd)
	dh, ah := connLookup(dfd), connLookup(afd)
	t.Cleanup(func() {
		// (Unless the test closed them: the numbers may be another's now.)
		if connLookup(dfd) == dh {
			connClose(dfd)
		}
		if connLookup(afd) == ah {
			connClose(afd)
		}
	})
	return dfd, afd
}

// TestConnStream: the contract the sessions rely on, end to end over
// loopback: EAGAIN before bytes arrive, readiness when they do (and again
// while they are there: level-triggered), none after del, the bytes in
// order, then the peer's end as a read of 0 after its last bytes.
func TestConnStream(t *testing.T) {
	p := newTestConnPoller(t)
	dfd, afd := connPair(t, p, DefaultSockOpts())
	buf := make([]byte, 64)
	if n, err := connRead(afd, buf); n != 0 || !isAgain(err) {
		t.Fatalf("read before anything was sent: %d, %v; want EAGAIN", n, err)
	}
	ar := connRecorder{make(chan uint32, 16)}
	p.add(afd, evRead, ar)
	var iov [2]iovec
	setIovec(&iov[0], []byte("hello, "))
	setIovec(&iov[1], []byte("world"))
	if n, err := connWritev(dfd, iov[:]); n != 12 || err != nil {
		t.Fatalf("writev: %d, %v", n, err)
	}
	ar.next(t, evRead)
	ar.next(t, evRead) // nothing was read: still ready
	var got []byte
	for len(got) < 12 {
		n, err := connRead(afd, buf[:5])
		if err != nil && !isAgain(err) {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != "hello, world" {
		t.Fatalf("read %q", got)
	}
	p.del(afd)
	// A post the poller picked before del may still be handed over (the
	// loop's execHandler drops those): let it pass.
	time.Sleep(20 * time.Millisecond)
	for len(ar.got) > 0 {
		<-ar.got
	}
	connWrite(dfd, []byte("bye"))
	ar.none(t) // not watched
	p.add(afd, evRead, ar)
	ar.next(t, evRead)
	connClose(dfd) // flushes "bye", then closes
	deadline := time.Now().Add(3 * time.Second)
	got = got[:0]
	for {
		n, err := connRead(afd, buf)
		if err == nil && n == 0 {
			break // the end
		}
		if err != nil && !isAgain(err) {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
		if time.Now().After(deadline) {
			t.Fatal("no end of stream")
		}
		time.Sleep(time.Millisecond)
	}
	if string(got) != "bye" {
		t.Fatalf("read %q before the end, want \"bye\"", got)
	}
	p.del(afd)
}

// TestConnBackpressure: a peer that reads nothing fills the kernel's
// buffers (small ones here: ZMQ_SNDBUF and ZMQ_RCVBUF, set through the
// conn backend's Control) and then the writer's ring, after which writes
// take nothing (EAGAIN); once the peer reads, the handle becomes writable
// again.
func TestConnBackpressure(t *testing.T) {
	p := newTestConnPoller(t)
	so := DefaultSockOpts()
	so.SndBuf, so.RcvBuf = 16<<10, 16<<10
	dfd, afd := connPair(t, p, so)
	// Write until the ring has stayed full for 50 ms and the peer's
	// reader has filled its own ring: then nothing moves any more.
	chunk := bytes.Repeat([]byte{7}, 16<<10)
	as, _ := connStreamOf(afd)
	peerFull := func() bool {
		as.mu.Lock()
		defer as.mu.Unlock()
		return as.in.len() == connInBuf
	}
	sent := 0
	for deadline, again := time.Now().Add(5*time.Second), 0; again < 50 || !peerFull(); {
		n, err := connWrite(dfd, chunk)
		switch {
		case isAgain(err):
			again++
			time.Sleep(time.Millisecond)
		case err != nil:
			t.Fatal(err)
		default:
			again = 0
		}
		sent += n
		if time.Now().After(deadline) {
			t.Fatalf("wrote %d bytes without pushback", sent)
		}
	}
	dr := connRecorder{make(chan uint32, 16)}
	p.add(dfd, evWrite, dr)
	dr.none(t)
	buf := make([]byte, 64<<10)
	read := 0
	for deadline := time.Now().Add(5 * time.Second); len(dr.got) == 0; {
		n, err := connRead(afd, buf)
		if err != nil && !isAgain(err) {
			t.Fatal(err)
		}
		read += n
		if time.Now().After(deadline) {
			t.Fatalf("read %d of %d bytes sent, and the writer has no room yet", read, sent)
		}
	}
	dr.next(t, evWrite)
	if _, err := connWrite(dfd, chunk); err != nil {
		t.Fatalf("write after the peer read: %v", err)
	}
}

// TestConnCloseFlushes: what a stream's writer holds when the handle is
// closed still reaches the peer, before the end of the stream, as a
// kernel sends a closed socket's buffered bytes; the pool (the poller's
// flushing) waits for that. A peer that takes nothing makes the flush give
// up after connCloseFlush.
func TestConnCloseFlushes(t *testing.T) {
	for _, c := range []struct {
		name  string
		reads bool
	}{
		{"the peer reads: every byte, then the end", true},
		{"the peer reads nothing: given up", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newTestConnPoller(t)
			// Small kernel buffers on both ends, so that a peer that
			// reads nothing stops the writer soon.
			so := DefaultSockOpts()
			so.SndBuf, so.RcvBuf = 16<<10, 16<<10
			fd, afd := connPair(t, p, so)
			p.add(fd, 0, connRecorder{make(chan uint32, 1)}) // the pool's flushing counts it
			var want []byte
			limit := connOutBuf
			if !c.reads {
				limit = 4 << 20
			}
			// Until the ring has stayed full for 50 ms and the peer's
			// reader has filled its own (or, for a reading peer, until a
			// ring's worth was written).
			as, _ := connStreamOf(afd)
			peerFull := func() bool {
				as.mu.Lock()
				defer as.mu.Unlock()
				return as.in.len() == connInBuf
			}
			for i, again := 0, 0; len(want) < limit && (again < 50 || !peerFull()); i++ {
				b := make([]byte, 1000)
				for j := range b {
					b[j] = byte(i + j)
				}
				n, err := connWrite(fd, b)
				if isAgain(err) {
					again++
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				again = 0
				want = append(want, b[:n]...)
			}
			p.del(fd)
			start := time.Now()
			connClose(fd)
			var got []byte
			done := make(chan error, 1)
			if c.reads {
				go func() {
					buf := make([]byte, 8<<10)
					for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
						n, err := connRead(afd, buf)
						switch {
						case err == nil && n == 0:
							done <- nil // the end
							return
						case err != nil && !isAgain(err):
							done <- err
							return
						}
						got = append(got, buf[:n]...)
						if n == 0 {
							time.Sleep(100 * time.Microsecond)
						}
					}
					done <- errors.New("no end of stream")
				}()
			}
			p.flushing.Wait()
			took := time.Since(start)
			if took > connCloseFlush+time.Second {
				t.Fatalf("the flush took %v", took)
			}
			if !c.reads {
				if took < connCloseFlush/2 {
					t.Fatalf("the flush ended after %v, with the peer reading nothing", took)
				}
				return
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("peer read %d bytes, want the %d written before the close", len(got), len(want))
			}
		})
	}
}

// TestConnDialFailures: a connect's failure is the errno a non-blocking
// connect reports (connectResult), and the handle is writable when it
// comes, as after a non-blocking connect.
func TestConnDialFailures(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead, _ := netip.ParseAddrPort(ln.Addr().String())
	ln.Close()
	cases := []struct {
		name string
		a    Address
		want error
	}{
		{"refused", Address{Transport: "tcp", TCP: dead}, errno.ECONNREFUSED},
	}
	if ipcSupported {
		cases = append(cases, struct {
			name string
			a    Address
			want error
		}{"no such ipc path", Address{Transport: "ipc", Path: filepath.Join(t.TempDir(), "none")}, errno.ENOENT})
	}
	p := newTestConnPoller(t)
	so := DefaultSockOpts()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fd, _, err := connDial(c.a, &so)
			if err != nil {
				t.Fatal(err)
			}
			r := connRecorder{make(chan uint32, 4)}
			p.add(fd, evWrite, r)
			r.next(t, evWrite)
			p.del(fd)
			if err := connConnectResult(fd); !errors.Is(err, c.want) {
				t.Fatalf("connect: %v, want %v", err, c.want)
			}
			if done, err := connSettle(fd); !done || !errors.Is(err, c.want) {
				t.Fatalf("settle: %v, %v", done, err)
			}
			if connLookup(fd) != nil {
				t.Fatal("settle left a failed connect's handle open")
			}
		})
	}
}

// pairHost hands over the peers of a pool's sessions.
type pairHost struct{ attach chan *Peer }

func (h *pairHost) Attach(p *Peer) { h.attach <- p }
func (h *pairHost) Detach(*Peer)   {}
func (h *pairHost) Event(Event)    {}

func (h *pairHost) peer(t *testing.T) *Peer {
	t.Helper()
	select {
	case p := <-h.attach:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no connection")
	}
	return nil
}

// TestConnBackendSessions: a pool on the conn backend binds, connects,
// handshakes and carries messages both ways, small and big (a big frame
// is read in several pieces and written from its own memory), on every
// transport this system's conn backend has.
func TestConnBackendSessions(t *testing.T) {
	transports := []Address{{Transport: "tcp", TCP: netip.MustParseAddrPort("127.0.0.1:0")}}
	if ipcSupported {
		transports = append(transports, Address{Transport: "ipc", Path: filepath.Join(t.TempDir(), "s")})
	}
	for _, addr := range transports {
		t.Run(addr.Transport, func(t *testing.T) {
			pool, err := NewPool(PoolConfig{Loops: 2, Backend: BackendConn})
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{SocketType: "PAIR", MaxMsgSize: -1, SndHWM: 1000, RcvHWM: 1000, ReconnectIvl: 100,
				InBatchSize: 8192, OutBatchSize: 8192, Sock: DefaultSockOpts()}
			bh, ch := &pairHost{make(chan *Peer, 1)}, &pairHost{make(chan *Peer, 1)}
			ln, ep, err := pool.loops[0].Listen(addr, cfg, bh)
			if err != nil {
				t.Fatal(err)
			}
			tr, rest, _ := SplitEndpoint(ep)
			ca, err := ResolveConnect(tr, rest, false)
			if err != nil {
				t.Fatal(err)
			}
			c := pool.loops[1].Connect(ca, cfg, ch, nil)
			bp, cp := bh.peer(t), ch.peer(t)
			if addr.Transport == "tcp" {
				if pa, _ := bp.Metadata().Get("Peer-Address"); pa != "127.0.0.1" {
					t.Errorf("Peer-Address %q, want 127.0.0.1", pa)
				}
			}
			for _, size := range []int{1, 300, 100 << 10, 3 << 20} {
				for _, dir := range [][2]*Peer{{cp, bp}, {bp, cp}} {
					from, to := dir[0], dir[1]
					m := ring.NewMsg(size)
					for i := range m.Data {
						m.Data[i] = byte(i * 7)
					}
					want := bytes.Clone(m.Data)
					from.Out.Write(m)
					from.Out.Flush()
					deadline := time.Now().Add(10 * time.Second)
					for {
						if got, ok := to.In.Read(); ok {
							if !bytes.Equal(got.Data, want) {
								t.Fatalf("%d B: received %d B, not the bytes sent", size, len(got.Data))
							}
							got.Free()
							break
						}
						if time.Now().After(deadline) {
							t.Fatalf("%d B: nothing received", size)
						}
						time.Sleep(time.Millisecond)
					}
				}
			}
			c.Close(0)
			ln.Close(0)
			pool.Close()
		})
	}
}
