//go:build linux

package loop

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
	"golang.org/x/sys/unix"
)

type parkHost struct{ attach chan *Peer }

func (h *parkHost) Attach(p *Peer) { h.attach <- p }
func (h *parkHost) Detach(*Peer)   {}
func (h *parkHost) Event(Event)    {}

// TestParkedResumeKeepsBufferedMessages: a peer sends more messages
// than the receive HWM in one burst and hangs up. The session reads them all
// into its input buffer, decodes up to the HWM and pauses; the hang-up then
// parks the fd (epoll reports EPOLLHUP whatever the interest; on AF_UNIX a
// peer's close is a full hang-up). When the socket drains the pipe, the
// resume must decode what the buffer holds before it reads again: reading
// first met the EOF, and the connection's end dropped the whole messages
// still buffered (2 of 10 arrived, every run, before the fix).
func TestParkedResumeKeepsBufferedMessages(t *testing.T) {
	for _, backend := range []string{BackendEpoll, BackendUring, BackendNetpoll, BackendConn} {
		t.Run(backend, func(t *testing.T) {
			const hwm, total = 2, 10
			peer, fd := acceptRawPush(t, backend, Config{SocketType: "PULL", MaxMsgSize: -1, SndHWM: 10,
				RcvHWM: hwm, ReconnectIvl: -1, InBatchSize: 8192, OutBatchSize: 8192})
			var burst []byte
			for i := 0; i < total; i++ {
				burst = zmtp.AppendFrameHeader(burst, 0, 1)
				burst = append(burst, byte(i))
			}
			unix.Write(fd, burst)
			deadline := time.Now().Add(3 * time.Second)
			for peer.In.Len() < hwm && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			unix.Close(fd)                     // hang up with messages still buffered in the session
			time.Sleep(100 * time.Millisecond) // epoll: EPOLLHUP parks the paused session

			got := 0
			deadline = time.Now().Add(3 * time.Second)
			for !peer.In.Closed() && time.Now().Before(deadline) {
				if m, ok := peer.In.Read(); ok {
					m.Free()
					got++
					continue
				}
				time.Sleep(time.Millisecond)
			}
			if got != total {
				t.Fatalf("received %d of %d messages sent before the hang-up", got, total)
			}
		})
	}
}

// TestLocalLeftoversBeforeEOF: a socket's drive fills its local queue
// (localMax frames) and leaves the rest of what it read undecoded, while
// the peer has already hung up. Whoever reads the connection next (here
// the loop, as its read handler would) must decode those frames before
// its read finds the end of the stream: the end closes the connection and
// its input buffer with it. Before the fix the loop read first, and
// TestLinger lost the tail of its 1,000 messages about once in a hundred
// runs under -race.
func TestLocalLeftoversBeforeEOF(t *testing.T) {
	const total = localMax + 100
	peer, fd := acceptRawPush(t, BackendNetpoll, Config{SocketType: "PULL", MaxMsgSize: -1, SndHWM: 10,
		RcvHWM: 1000, ReconnectIvl: -1, InBatchSize: 8192, OutBatchSize: 8192, RecvOnConn: true})
	// The test holds exec throughout, as the socket's drive and then the
	// loop's read handler would, so that the loop cannot read first.
	s := peer.session.Load()
	s.loop.exec.Lock()
	var burst []byte
	for i := 0; i < total; i++ {
		burst = zmtp.AppendFrameHeader(burst, 0, 2)
		burst = append(burst, byte(i), byte(i>>8))
	}
	unix.Write(fd, burst)
	unix.Close(fd)
	s.beginLocal() // Peer.Drive's work
	s.drive()
	s.endLocal()
	got := 0
	check := func(m ring.Msg) {
		if len(m.Data) != 2 || int(m.Data[0])|int(m.Data[1])<<8 != got {
			t.Fatalf("frame %d: % x", got, m.Data)
		}
		m.Free()
		got++
	}
	var m ring.Msg
	for peer.hasLocal() && peer.Read(&m) {
		check(m)
	}
	if got != localMax || s.in.Len() == 0 {
		s.loop.exec.Unlock()
		t.Fatalf("the drive delivered %d frames locally, want %d, and left %d bytes", got, localMax, s.in.Len())
	}
	s.readIn() // the loop's read handler
	s.loop.exec.Unlock()
	for peer.Read(&m) {
		check(m)
	}
	if got != total || !peer.InClosed() {
		t.Fatalf("received %d of %d frames sent before the hang-up (closed %v)", got, total, peer.InClosed())
	}
}

// acceptRawPush listens on an ipc endpoint with a one-loop pool on
// backend and cfg, connects a raw fd to it that does a PUSH's NULL
// handshake, and returns the peer the listener's session attached and the
// fd. The pool and the listener close with the test.
func acceptRawPush(t *testing.T, backend string, cfg Config) (*Peer, int) {
	t.Helper()
	pool, err := NewPool(PoolConfig{Loops: 1, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	host := &parkHost{attach: make(chan *Peer, 1)}
	addr := Address{Transport: "ipc", Path: filepath.Join(t.TempDir(), "s")}
	ln, _, err := pool.loops[0].Listen(addr, cfg, host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close(0) })
	fd := rawPush(t, addr.Path)
	select {
	case peer := <-host.attach:
		return peer, fd
	case <-time.After(3 * time.Second):
		t.Fatal("no attach")
	}
	return nil, -1
}

// rawPush connects to the ipc endpoint at path and does a PUSH's NULL
// handshake on the raw fd.
func rawPush(t *testing.T, path string) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	hs := zmtp.NewHandshake(zmtp.Config{SocketType: "PUSH"})
	var in []byte
	buf := make([]byte, 4096)
	for !hs.Done() {
		if out := hs.Output(nil); len(out) > 0 {
			unix.Write(fd, out)
		}
		n, err := unix.Read(fd, buf)
		if err != nil || n == 0 {
			t.Fatal("handshake read", err)
		}
		in = append(in, buf[:n]...)
		k, err := hs.Input(in)
		if err != nil {
			t.Fatal(err)
		}
		in = in[k:]
	}
	if out := hs.Output(nil); len(out) > 0 {
		unix.Write(fd, out)
	}
	return fd
}
