package zring_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// bindAgain binds s to ep, a tcp endpoint another socket has just
// released, retrying for up to two seconds while the port is not free
// again yet.
func bindAgain(t *testing.T, s *zring.Socket, ep string) {
	t.Helper()
	var err error
	for i := 0; i < 100; i++ {
		if err = s.Bind(ep); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(err)
}

func mustRecv(t *testing.T, s *zring.Socket, want string) {
	t.Helper()
	b, err := s.Recv(0)
	if err != nil || string(b) != want {
		t.Fatalf("recv: %q, %v; want %q", b, err, want)
	}
}

// TestReqRepFSM: "This socket type allows only an alternating sequence of
// zmq_send(request) and subsequent zmq_recv(reply) calls."
func TestReqRepFSM(t *testing.T) {
	ctx := newCtx(t)
	rep := sock(t, ctx, zring.REP)
	req := sock(t, ctx, zring.REQ)
	rep.Bind("inproc://fsm")
	req.Connect("inproc://fsm")

	if _, err := req.Recv(0); !errors.Is(err, zring.ErrFSM) {
		t.Fatalf("REQ recv before send: %v, want EFSM", err)
	}
	if err := rep.Send([]byte("x"), 0); !errors.Is(err, zring.ErrFSM) {
		t.Fatalf("REP send before recv: %v, want EFSM", err)
	}
	if err := req.Send([]byte("q"), 0); err != nil {
		t.Fatal(err)
	}
	if err := req.Send([]byte("q2"), 0); !errors.Is(err, zring.ErrFSM) {
		t.Fatalf("REQ second send: %v, want EFSM", err)
	}
	mustRecv(t, rep, "q")
	if _, err := rep.Recv(0); !errors.Is(err, zring.ErrFSM) {
		t.Fatalf("REP second recv: %v, want EFSM", err)
	}
	rep.Send([]byte("a"), 0)
	mustRecv(t, req, "a")
	// And the cycle starts again.
	if err := req.Send([]byte("q3"), 0); err != nil {
		t.Fatal(err)
	}
}

// TestReqRoundRobin: "Each request sent is round-robined among all
// services, and each reply received is matched with the last issued
// request."
func TestReqRoundRobin(t *testing.T) {
	ctx := newCtx(t)
	req := sock(t, ctx, zring.REQ)
	var reps []*zring.Socket
	for i := 0; i < 3; i++ {
		r := sock(t, ctx, zring.REP)
		ep := bindAt(t, r, "tcp://127.0.0.1:0")
		req.Connect(ep)
		reps = append(reps, r)
	}
	time.Sleep(100 * time.Millisecond) // all three connected
	for round := 0; round < 2; round++ {
		for i, r := range reps {
			req.Send([]byte(fmt.Sprint(round, i)), 0)
			b, err := r.Recv(0)
			if err != nil {
				t.Fatalf("rep %d: %v", i, err)
			}
			r.Send(append([]byte("re:"), b...), 0)
			mustRecv(t, req, "re:"+string(b))
		}
	}
}

// TestRepFairQueue: REP "Incoming routing strategy: Fair-queued" and
// "Outgoing routing strategy: Last peer".
func TestRepFairQueue(t *testing.T) {
	ctx := newCtx(t)
	rep := sock(t, ctx, zring.REP)
	ep := bindAt(t, rep, "tcp://127.0.0.1:0")
	var reqs []*zring.Socket
	for i := 0; i < 3; i++ {
		r := sock(t, ctx, zring.REQ)
		r.Connect(ep)
		reqs = append(reqs, r)
	}
	for i, r := range reqs {
		r.Send([]byte(fmt.Sprint(i)), 0)
	}
	for range reqs {
		b, err := rep.Recv(0)
		if err != nil {
			t.Fatal(err)
		}
		rep.Send(b, 0)
	}
	for i, r := range reqs {
		mustRecv(t, r, fmt.Sprint(i))
	}
}

// TestMuteState checks the action in mute state per type.
func TestMuteState(t *testing.T) {
	cases := []struct {
		name     string
		sender   zring.SocketType
		receiver zring.SocketType
		sentence string
	}{
		{"PUSH blocks", zring.PUSH, zring.PULL, "any zmq_send(3) operations on the socket shall block until the mute state ends"},
		{"PAIR blocks", zring.PAIR, zring.PAIR, "any zmq_send(3) operations on the socket shall block until the peer becomes available for writing; messages are not discarded"},
		{"REQ blocks without peers", zring.REQ, -1, "or if there are no services at all, then any zmq_send(3) operations on the socket shall block"},
		{"DEALER blocks", zring.DEALER, zring.DEALER, "any zmq_send(3) operations on the socket shall block until the mute state ends or at least one peer becomes available for sending; messages are not discarded"},
		{"DEALER blocks without peers", zring.DEALER, -1, "or if there are no peers at all, then any zmq_send(3) operations on the socket shall block"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			s := sock(t, ctx, c.sender)
			s.SetOption(zring.SndHWM, 5)
			s.SetOption(zring.SndTimeo, 50)
			sent := 0
			if c.receiver >= 0 {
				r := sock(t, ctx, c.receiver)
				r.SetOption(zring.RcvHWM, 5)
				ep := bindAt(t, r, "inproc://mute")
				s.Connect(ep)
				for ; sent < 100; sent++ {
					if err := s.Send([]byte("m"), 0); err != nil {
						if !errors.Is(err, zring.ErrAgain) {
							t.Fatal(err)
						}
						break
					}
				}
				// inproc HWM is the sender's SNDHWM plus the receiver's RCVHWM.
				if sent != 10 {
					t.Fatalf("accepted %d messages before blocking, want 10", sent)
				}
				if err := s.Send([]byte("m"), zring.DontWait); !errors.Is(err, zring.ErrAgain) {
					t.Fatalf("DontWait at HWM: %v", err)
				}
				// Nothing was discarded: every accepted message arrives.
				for i := 0; i < sent; i++ {
					mustRecv(t, r, "m")
				}
				// The mute state ends once the receiver drains.
				if err := s.Send([]byte("after"), 0); err != nil {
					t.Fatal(err)
				}
				mustRecv(t, r, "after")
				return
			}
			start := time.Now()
			if err := s.Send([]byte("m"), 0); !errors.Is(err, zring.ErrAgain) {
				t.Fatalf("send with no peer: %v, want EAGAIN after SNDTIMEO", err)
			}
			if d := time.Since(start); d < 40*time.Millisecond {
				t.Fatalf("returned after %v, before SNDTIMEO", d)
			}
		})
	}
}

// TestMuteStateDrops: the types whose "Action in mute state" is "Drop"
// never block; what a full peer cannot take is lost, and exactly the
// inproc HWM (SNDHWM + RCVHWM) arrives.
func TestMuteStateDrops(t *testing.T) {
	cases := []struct {
		name             string
		sender, receiver zring.SocketType
		sentence         string
	}{
		{"PUB", zring.PUB, zring.SUB, "any messages that would be sent to the subscriber in question shall instead be dropped until the mute state ends. The zmq_send() function shall never block for this socket type."},
		{"XPUB", zring.XPUB, zring.SUB, "Same as ZMQ_PUB except that you can receive subscriptions"},
		{"ROUTER", zring.ROUTER, zring.DEALER, "any messages routed to a peer for which the individual high water mark has been reached shall also be dropped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			s, r := sock(t, ctx, c.sender), sock(t, ctx, c.receiver)
			s.SetOption(zring.SndHWM, 5)
			r.SetOption(zring.RcvHWM, 5)
			var prefix [][]byte
			switch c.receiver {
			case zring.SUB:
				r.SetOption(zring.Subscribe, "")
			case zring.DEALER:
				r.SetOption(zring.RoutingID, "r")
				prefix = [][]byte{[]byte("r")}
			}
			r.Connect(bindAt(t, s, "inproc://drops-"+c.name))
			if c.sender == zring.XPUB {
				if m, err := s.Recv(0); err != nil || string(m) != "\x01" {
					t.Fatalf("subscription %q, %v", m, err)
				}
			}
			if c.sender == zring.ROUTER {
				r.Send([]byte("hello"), 0) // the ROUTER learns the peer
				mustRecvParts(t, s)
			}
			for i := 0; i < 100; i++ {
				if err := s.SendMultipart(append(prefix, []byte("m")), zring.DontWait); err != nil {
					t.Fatalf("send %d: %v (this type never blocks)", i, err)
				}
			}
			got := 0
			for {
				if _, err := r.Recv(zring.DontWait); err != nil {
					break
				}
				got++
			}
			if got != 10 {
				t.Fatalf("%d messages arrived, want the HWM: 10", got)
			}
		})
	}
}

// TestHWMOverTCPBlocksAndResumes: a PUSH whose peer does not read stops at
// its HWM (plus what the kernel and the peer's pipe hold), and nothing is
// lost when the peer reads again.
func TestHWMOverTCPBlocksAndResumes(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	push := sock(t, ctx, zring.PUSH)
	pull.SetOption(zring.RcvHWM, 10)
	push.SetOption(zring.SndHWM, 10)
	push.SetOption(zring.SndTimeo, 200)
	push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
	body := make([]byte, 64<<10)
	sent := 0
	for ; sent < 100000; sent++ {
		body[0] = byte(sent)
		if err := push.Send(body, 0); err != nil {
			if !errors.Is(err, zring.ErrAgain) {
				t.Fatal(err)
			}
			break
		}
	}
	if sent == 100000 {
		t.Fatal("PUSH never went mute")
	}
	for i := 0; i < sent; i++ {
		b, err := pull.Recv(0)
		if err != nil || len(b) != len(body) || b[0] != byte(i) {
			t.Fatalf("message %d of %d: %v", i, sent, err)
		}
	}
}

func TestLastEndpointAndUnbind(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.PULL)
	ep := bindAt(t, s, "tcp://*:0")
	if !strings.HasPrefix(ep, "tcp://0.0.0.0:") || strings.HasSuffix(ep, ":0") {
		t.Fatalf("LAST_ENDPOINT %q", ep)
	}
	if err := s.Unbind("tcp://127.0.0.1:1"); !errors.Is(err, zring.ErrNoEntry) {
		t.Fatalf("unbind unknown: %v", err)
	}
	if err := s.Unbind(ep); err != nil {
		t.Fatal(err)
	}
	if err := s.Disconnect("tcp://127.0.0.1:1"); !errors.Is(err, zring.ErrNoEntry) {
		t.Fatalf("disconnect unknown: %v", err)
	}
	other := sock(t, ctx, zring.PULL)
	if err := other.Bind(ep); err != nil {
		t.Fatalf("rebind after unbind: %v", err)
	}
	if err := s.Bind(ep); !errors.Is(err, zring.ErrAddrInUse) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("bind in use: %v", err)
	}
	var op *zring.OpError
	if err := s.Bind("bogus"); !errors.As(err, &op) || op.Endpoint != "bogus" || !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("bad endpoint: %v", err)
	}
	if err := s.Bind("pgm://eth0;239.0.0.1:5555"); !errors.Is(err, zring.ErrProtoNotSupport) {
		t.Fatalf("pgm: %v", err)
	}
	if err := s.Bind("inproc://x"); err != nil {
		t.Fatal(err)
	}
	if err := other.Bind("inproc://x"); !errors.Is(err, zring.ErrAddrInUse) {
		t.Fatalf("inproc bound twice: %v", err)
	}
}

func TestInprocConnectBeforeBind(t *testing.T) {
	ctx := newCtx(t)
	push := sock(t, ctx, zring.PUSH)
	if err := push.Connect("inproc://later"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := push.Send([]byte(fmt.Sprint(i)), 0); err != nil {
			t.Fatal(err)
		}
	}
	pull := sock(t, ctx, zring.PULL)
	bindAt(t, pull, "inproc://later")
	for i := 0; i < 3; i++ {
		mustRecv(t, pull, fmt.Sprint(i))
	}
}

// TestConnectBeforeBindTCP: without ZMQ_IMMEDIATE messages queue before the
// connection exists and are delivered once it does.
func TestConnectBeforeBindTCP(t *testing.T) {
	ctx := newCtx(t)
	probe := sock(t, ctx, zring.PULL)
	ep := bindAt(t, probe, "tcp://127.0.0.1:0")
	probe.Unbind(ep)
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.ReconnectIvl, 20)
	push.Connect(ep)
	push.Send([]byte("early"), 0)
	time.Sleep(50 * time.Millisecond)
	pull := sock(t, ctx, zring.PULL)
	bindAgain(t, pull, ep)
	mustRecv(t, pull, "early")
}

// TestReconnect: the connecting side redials after the bound side
// restarts, and a message sent while it is away waits in the pipe for the
// new connection. (Like libzmq, a message written into the old connection
// before its end is noticed is lost, so the test waits for DISCONNECTED.)
func TestReconnect(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	ep := bindAt(t, pull, "tcp://127.0.0.1:0")
	push := sock(t, ctx, zring.PUSH)
	mon := watch(t, ctx, push, "mon-reconnect", zring.EventDisconnected|zring.EventHandshakeSucceeded)
	push.SetOption(zring.ReconnectIvl, 20)
	push.Connect(ep)
	push.Send([]byte("one"), 0)
	mustRecv(t, pull, "one")
	expect(t, mon, zring.EventHandshakeSucceeded)
	pull.Close()
	expect(t, mon, zring.EventDisconnected)
	push.Send([]byte("two"), 0) // queued while disconnected
	pull2 := sock(t, ctx, zring.PULL)
	bindAgain(t, pull2, ep)
	mustRecv(t, pull2, "two")
	expect(t, mon, zring.EventHandshakeSucceeded)
}

// TestIncompatiblePeerRefused: a PUSH may only talk to a PULL.
func TestIncompatiblePeerRefused(t *testing.T) {
	ctx := newCtx(t)
	a := sock(t, ctx, zring.PUSH)
	ep := bindAt(t, a, "tcp://127.0.0.1:0")
	b := sock(t, ctx, zring.PUSH)
	b.SetOption(zring.Immediate, 1)
	b.SetOption(zring.SndTimeo, 300)
	b.Connect(ep)
	if err := b.Send([]byte("x"), 0); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("PUSH to PUSH with IMMEDIATE: %v, want EAGAIN (no completed connection)", err)
	}
	// A compatible peer on the same socket works.
	pull := sock(t, ctx, zring.PULL)
	pull.Connect(ep)
	a.Send([]byte("ok"), 0)
	mustRecv(t, pull, "ok")
}

// TestPairRefusesSecondPeer: "ZMQ_PAIR ... can only be connected to a
// single peer at any one time."
func TestPairRefusesSecondPeer(t *testing.T) {
	ctx := newCtx(t)
	a := sock(t, ctx, zring.PAIR)
	bindAt(t, a, "inproc://pair")
	b := sock(t, ctx, zring.PAIR)
	c := sock(t, ctx, zring.PAIR)
	b.Connect("inproc://pair")
	b.Send([]byte("from b"), 0)
	mustRecv(t, a, "from b")
	c.Connect("inproc://pair")
	c.SetOption(zring.SndTimeo, 0)
	c.Send([]byte("from c"), 0)
	a.SetOption(zring.RcvTimeo, 100)
	if b, err := a.Recv(0); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("second PAIR peer delivered %q, %v", b, err)
	}
	a.Send([]byte("to b"), 0)
	mustRecv(t, b, "to b")
}

// TestTermUnblocks: blocked calls return ETERM when the context shuts
// down, and later calls too.
func TestTermUnblocks(t *testing.T) {
	ctx, _ := zring.NewContext()
	s, _ := ctx.NewSocket(zring.PULL)
	s.SetOption(zring.Linger, 0)
	errc := make(chan error)
	go func() {
		_, err := s.Recv(0)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	done := make(chan struct{})
	go func() { ctx.Term(); close(done) }()
	if err := <-errc; !errors.Is(err, zring.ErrTerm) {
		t.Fatalf("blocked recv: %v, want ETERM", err)
	}
	if _, err := s.Recv(zring.DontWait); !errors.Is(err, zring.ErrTerm) {
		t.Fatalf("recv after term: %v", err)
	}
	select {
	case <-done:
		t.Fatal("Term returned before the socket was closed")
	case <-time.After(20 * time.Millisecond):
	}
	s.Close()
	<-done
	if _, err := ctx.NewSocket(zring.PUSH); !errors.Is(err, zring.ErrTerm) {
		t.Fatalf("new socket after term: %v", err)
	}
}

// TestLinger: with linger -1 Term waits until queued messages are sent;
// with linger 0 they are dropped at once.
func TestLinger(t *testing.T) {
	t.Run("infinite delivers", func(t *testing.T) {
		rctx := newCtx(t)
		pull := sock(t, rctx, zring.PULL)
		ep := bindAt(t, pull, "tcp://127.0.0.1:0")
		ctx, _ := zring.NewContext()
		push, _ := ctx.NewSocket(zring.PUSH)
		push.Connect(ep)
		for i := 0; i < 1000; i++ {
			push.Send([]byte(fmt.Sprint(i)), 0)
		}
		push.Close()
		ctx.Term()
		for i := 0; i < 1000; i++ {
			mustRecv(t, pull, fmt.Sprint(i))
		}
	})
	t.Run("positive bounds the wait", func(t *testing.T) {
		ctx, _ := zring.NewContext()
		push, _ := ctx.NewSocket(zring.PUSH)
		push.SetOption(zring.Linger, 100)
		push.Connect("tcp://127.0.0.1:1") // nobody there
		push.Send([]byte("lost"), zring.DontWait)
		push.Close()
		start := time.Now()
		ctx.Term()
		if d := time.Since(start); d < 80*time.Millisecond || d > 2*time.Second {
			t.Fatalf("Term took %v with linger 100ms", d)
		}
	})
	t.Run("zero drops", func(t *testing.T) {
		ctx, _ := zring.NewContext()
		push, _ := ctx.NewSocket(zring.PUSH)
		push.SetOption(zring.Linger, 0)
		push.Connect("tcp://127.0.0.1:1")
		push.Send([]byte("lost"), zring.DontWait)
		push.Close()
		start := time.Now()
		ctx.Term()
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Term took %v with linger 0", d)
		}
	})
}

func TestRcvMoreAndMultipart(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	push := sock(t, ctx, zring.PUSH)
	push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
	push.Send([]byte("a"), zring.SndMore)
	push.Send(nil, zring.SndMore)
	push.Send([]byte("c"), 0)
	for i, want := range []string{"a", "", "c"} {
		mustRecv(t, pull, want)
		more, _ := pull.GetOptionInt(zring.RcvMore)
		if (more == 1) != (i < 2) {
			t.Fatalf("frame %d: RCVMORE %d", i, more)
		}
	}
}

func TestRcvTimeo(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvTimeo, 60)
	start := time.Now()
	if _, err := pull.Recv(0); !errors.Is(err, zring.ErrAgain) || !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("recv: %v", err)
	}
	if d := time.Since(start); d < 55*time.Millisecond {
		t.Fatalf("RCVTIMEO 60ms returned after %v", d)
	}
	if _, err := pull.Recv(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("DontWait: %v", err)
	}
	push := sock(t, ctx, zring.PUSH)
	if _, err := push.Recv(0); !errors.Is(err, zring.ErrNotSupported) {
		t.Fatalf("PUSH recv: %v", err)
	}
	if err := pull.Send([]byte("x"), 0); !errors.Is(err, zring.ErrNotSupported) {
		t.Fatalf("PULL send: %v", err)
	}
}

// TestPullFairQueue: "Incoming routing strategy: Fair-queued" — with two
// busy peers, messages alternate.
func TestPullFairQueue(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	ep := bindAt(t, pull, "inproc://fq")
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		p := sock(t, ctx, zring.PUSH)
		p.Connect(ep)
		wg.Add(1)
		go func(p *zring.Socket, name string) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				p.Send([]byte(name), 0)
			}
		}(p, name)
	}
	wg.Wait()
	counts := map[string]int{}
	prev, alternations := "", 0
	for i := 0; i < 20; i++ {
		b, err := pull.Recv(0)
		if err != nil {
			t.Fatal(err)
		}
		counts[string(b)]++
		if string(b) != prev {
			alternations++
		}
		prev = string(b)
	}
	if counts["a"] != 10 || counts["b"] != 10 || alternations < 15 {
		t.Fatalf("counts %v, alternations %d", counts, alternations)
	}
}

// TestPushRoundRobin: "Outgoing routing strategy: Round-robin".
func TestPushRoundRobin(t *testing.T) {
	ctx := newCtx(t)
	push := sock(t, ctx, zring.PUSH)
	ep := bindAt(t, push, "inproc://rr")
	var pulls []*zring.Socket
	for i := 0; i < 3; i++ {
		p := sock(t, ctx, zring.PULL)
		p.Connect(ep)
		pulls = append(pulls, p)
	}
	for i := 0; i < 9; i++ {
		push.Send([]byte(fmt.Sprint(i)), 0)
	}
	for i, p := range pulls {
		for j := 0; j < 3; j++ {
			mustRecv(t, p, fmt.Sprint(i+3*j))
		}
	}
}

// TestPeerResetWhilePaused: a PULL at its RCVHWM stops reading; its peer
// then resets the connection. Hang-up and error readiness are reported
// whatever the interest, so the loop must park the fd rather than spin on
// it while the socket holds its HWM's worth.
func TestPeerResetWhilePaused(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvHWM, 5)
	ep := bindAt(t, pull, "tcp://127.0.0.1:0")

	conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	hs := zmtp.NewHandshake(zmtp.Config{SocketType: "PUSH"})
	conn.Write(hs.Output(nil))
	buf := make([]byte, 512)
	var in []byte
	for !hs.Done() {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, buf[:n]...)
		used, err := hs.Input(in)
		if err != nil {
			t.Fatal(err)
		}
		in = in[used:]
		conn.Write(hs.Output(nil))
	}
	var out []byte
	for i := 0; i < 200; i++ {
		out = zmtp.AppendFrameHeader(out, 0, 3)
		out = append(out, fmt.Sprintf("%03d", i)...)
	}
	conn.Write(out)
	mustRecv(t, pull, "000") // the session is running, and now paused
	time.Sleep(50 * time.Millisecond)
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close() // RST

	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	time.Sleep(300 * time.Millisecond)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	if cpu > 150*time.Millisecond {
		t.Errorf("%v of CPU in 300ms while paused: the loop spins", cpu)
	}
	// What reached the socket's pipe is still delivered.
	for i := 1; i < 5; i++ {
		mustRecv(t, pull, fmt.Sprintf("%03d", i))
	}
}

// TestIPCWildcard: "ipc://*" binds a fresh path that LAST_ENDPOINT tells;
// unbinding removes it and its directory.
func TestIPCWildcard(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	ep := bindAt(t, pull, "ipc://*")
	path := strings.TrimPrefix(ep, "ipc://")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("LAST_ENDPOINT %q: %v", ep, err)
	}
	push := sock(t, ctx, zring.PUSH)
	push.Connect(ep)
	push.Send([]byte("x"), 0)
	mustRecv(t, pull, "x")
	pull.Unbind(ep)
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("%s left behind: %v", filepath.Dir(path), err)
	}
}

// TestNothingLostAtPeerClose: a sender that closes right after a burst of
// big messages (linger -1) must not lose the last ones. The receiver reads
// them and the end of the stream in one batch; whole messages decoded
// before the EOF are delivered, not rolled back with it.
func TestNothingLostAtPeerClose(t *testing.T) {
	for round := 0; round < 3; round++ {
		rctx := newCtx(t)
		pull := sock(t, rctx, zring.PULL)
		ep := bindAt(t, pull, "tcp://127.0.0.1:0")
		go func() {
			ctx, _ := zring.NewContext()
			push, _ := ctx.NewSocket(zring.PUSH)
			push.Connect(ep)
			for i := 0; i < 3000; i++ {
				m := zring.NewMsg(64 << 10)
				push.SendMsg(&m, 0)
			}
			push.Close()
			ctx.Term()
		}()
		for i := 0; i < 3000; i++ {
			var m zring.Msg
			if err := pull.RecvMsg(&m, 0); err != nil {
				t.Fatalf("round %d: message %d of 3000: %v", round, i, err)
			}
			m.Free()
		}
	}
}

// TestTransportsNotCarried: pgm, epgm, norm, vmci, tipc and udp endpoints
// fail on bind and connect with EPROTONOSUPPORT, as libzmq built without
// them says ("The requested transport protocol is not supported"), and the
// error names the operation and the endpoint; their options (ZMQ_RATE,
// ZMQ_RECOVERY_IVL, ZMQ_MULTICAST_HOPS, ZMQ_VMCI_*) are refused with
// EINVAL, not accepted and ignored.
func TestTransportsNotCarried(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.SUB)
	for _, ep := range []string{"pgm://eth0;239.0.0.1:5555", "epgm://eth0;239.0.0.1:5555", "norm://1,239.0.0.1:5555",
		"vmci://1:5555", "tipc://{5560,0,0}", "udp://127.0.0.1:5555"} {
		for op, call := range map[string]func(string) error{"bind": s.Bind, "connect": s.Connect} {
			err := call(ep)
			var oe *zring.OpError
			if !errors.Is(err, zring.ErrProtoNotSupport) || !errors.As(err, &oe) || oe.Op != op || oe.Endpoint != ep {
				t.Errorf("%s %s: %v, want EPROTONOSUPPORT naming both", op, ep, err)
			}
		}
	}
	// ZMQ_RATE 8, ZMQ_RECOVERY_IVL 9, ZMQ_MULTICAST_HOPS 25, ZMQ_VMCI_BUFFER_SIZE 85
	for _, opt := range []zring.Option{8, 9, 25, 85} {
		if err := s.SetOption(opt, 100); !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("option %d: %v, want EINVAL", opt, err)
		}
	}
}

// TestConflate: ZMQ_CONFLATE: "a socket shall keep only one message in its
// inbound/outbound queue, this message being the last message
// received/the last message to be sent. Ignores ZMQ_RCVHWM and ZMQ_SNDHWM
// options." A PULL that does not read while 100 messages arrive then gets
// the last one only, over each transport.
func TestConflate(t *testing.T) {
	for _, ep := range endpoints(t) {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
			pull.SetOption(zring.Conflate, 1)
			pull.SetOption(zring.RcvHWM, 1) // ignored
			addr := bindAt(t, pull, ep)
			if ep[:3] == "inp" {
				push.SetOption(zring.Conflate, 1) // inproc: the connecter's setting decides
			}
			push.Connect(addr)
			for i := 0; i < 100; i++ {
				if err := push.Send([]byte(fmt.Sprint(i)), zring.DontWait); err != nil && ep[:3] != "inp" {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			// Once everything has arrived, only the last one remains.
			time.Sleep(200 * time.Millisecond)
			if m, err := pull.Recv(zring.DontWait); err != nil || string(m) != "99" {
				t.Fatalf("first receive: %q, %v; want the last message, 99", m, err)
			}
			if m, err := pull.Recv(zring.DontWait); err == nil {
				t.Fatalf("%q after the last message", m)
			}
		})
	}
	ctx := newCtx(t)
	if err := sock(t, ctx, zring.REQ).SetOption(zring.Conflate, 1); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("ZMQ_CONFLATE on a REQ: %v", err)
	}
}

// hwmMaxSends is where the HWM tests stop counting: "no limit".
const hwmMaxSends = 10000

// fillHWM sends empty messages without blocking until the socket refuses,
// or hwmMaxSends.
func fillHWM(t *testing.T, s *zring.Socket) int {
	t.Helper()
	n := 0
	for ; n < hwmMaxSends; n++ {
		if err := s.Send([]byte(fmt.Sprint(n)), zring.DontWait); err != nil {
			if !errors.Is(err, zring.ErrAgain) {
				t.Fatal(err)
			}
			break
		}
	}
	return n
}

// drainInOrder receives without blocking, checking the messages fillHWM
// numbered come in order, and returns how many.
func drainInOrder(t *testing.T, s *zring.Socket) int {
	t.Helper()
	n := 0
	for ; ; n++ {
		b, err := s.Recv(zring.DontWait)
		if err != nil {
			return n
		}
		if string(b) != fmt.Sprint(n) {
			t.Fatalf("message %d is %q", n, b)
		}
	}
}

// TestInprocHWM: PUSH to PULL over inproc, as libzmq's tests/test_hwm.cpp
// and test_sockopt_hwm.cpp count them; every number below was measured on
// libzmq 4.3.4 too. "ZMQ_SNDHWM: ... A value of zero means no limit", and
// likewise ZMQ_RCVHWM; over inproc the limit is the sender's SNDHWM plus
// the receiver's RCVHWM, none if either is zero, whichever side binds
// first (a connect before the bind has the connecter's mark alone until
// the bind). Changing a mark after connecting changes the connection's
// (libzmq 4.3.4 updates existing pipes).
func TestInprocHWM(t *testing.T) {
	const unlimited = hwmMaxSends
	type order int
	const (
		bindFirst order = iota
		connectFirst
		connectSendCloseThenBind // test_hwm.cpp's test_inproc_connect_and_close_first
	)
	cases := []struct {
		name     string
		snd, rcv int // -1: the default
		order    order
		after    func(push, pull *zring.Socket) // after connect and bind, before sending
		want     int
		oneMore  bool // once drained, a blocking send succeeds
		sentence string
	}{
		{"defaults", -1, -1, bindFirst, nil, 2000, true, "ZMQ_SNDHWM ... Default value 1000"},
		{"no limit both, bind first", 0, 0, bindFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"no limit both, connect first", 0, 0, connectFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"no limit receiving, bind first", 1, 0, bindFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"no limit receiving, connect first", 1, 0, connectFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"no limit sending, bind first", 0, 1, bindFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"no limit sending, connect first", 0, 1, connectFirst, nil, unlimited, true, "A value of zero means no limit."},
		{"1 and 1, bind first", 1, 1, bindFirst, nil, 2, true, "Send and recv buffers hwm 1, so total that can be queued is 2"},
		{"1 and 1, connect first", 1, 1, connectFirst, nil, 2, true, "Send and recv buffers hwm 1, so total that can be queued is 2"},
		{"5 and 3, bind first", 5, 3, bindFirst, nil, 8, true, "the sender's SNDHWM plus the receiver's RCVHWM"},
		{"5 and 3, connect first", 5, 3, connectFirst, nil, 8, true, "the sender's SNDHWM plus the receiver's RCVHWM"},
		{"connect, send, close, then bind: 1 and 0", 1, 0, connectSendCloseThenBind, nil, 1, false, "before the bind, the connecter's SNDHWM alone"},
		{"connect, send, close, then bind: 1 and 1", 1, 1, connectSendCloseThenBind, nil, 1, false, "before the bind, the connecter's SNDHWM alone"},
		{"connect, send, close, then bind: 5 and 3", 5, 3, connectSendCloseThenBind, nil, 5, false, "before the bind, the connecter's SNDHWM alone"},
		{"connect, send, close, then bind: 0 and 1", 0, 1, connectSendCloseThenBind, nil, unlimited, false, "A value of zero means no limit."},
		{"2 and 2 set before connecting, connect first", 2, 2, connectFirst, nil, 4, true, "test_sockopt_hwm.cpp: test_change_before_connected"},
		{"SNDHWM 1 raised to 5 after connecting", 1, 1, bindFirst, func(push, _ *zring.Socket) { push.SetOption(zring.SndHWM, 5) }, 6, true,
			"test_sockopt_hwm.cpp: test_change_after_connected"},
		{"SNDHWM 3 raised to 7 after connecting, connect first", 3, 2, connectFirst, func(push, _ *zring.Socket) { push.SetOption(zring.SndHWM, 7) }, 9, true,
			"an existing connection takes the new mark"},
		{"RCVHWM 1 raised to 5 after connecting", 1, 1, bindFirst, func(_, pull *zring.Socket) { pull.SetOption(zring.RcvHWM, 5) }, 6, true,
			"an existing connection takes the new mark"},
		{"RCVHWM set to 0 after connecting", 3, 2, bindFirst, func(_, pull *zring.Socket) { pull.SetOption(zring.RcvHWM, 0) }, unlimited, true,
			"A value of zero means no limit."},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			ep := fmt.Sprintf("inproc://hwm-%d", i)
			push := sock(t, ctx, zring.PUSH)
			pull := sock(t, ctx, zring.PULL)
			if c.snd >= 0 {
				push.SetOption(zring.SndHWM, c.snd)
			}
			if c.rcv >= 0 {
				pull.SetOption(zring.RcvHWM, c.rcv)
			}
			sent := 0
			switch c.order {
			case bindFirst:
				bindAt(t, pull, ep)
				push.Connect(ep)
			case connectFirst:
				push.Connect(ep)
				bindAt(t, pull, ep)
			case connectSendCloseThenBind:
				push.Connect(ep)
				sent = fillHWM(t, push)
				push.Close()
				bindAt(t, pull, ep)
			}
			if c.after != nil {
				c.after(push, pull)
			}
			if c.order != connectSendCloseThenBind {
				sent = fillHWM(t, push)
			}
			if sent != c.want {
				t.Fatalf("sent %d before the HWM, want %d (%q)", sent, c.want, c.sentence)
			}
			if got := drainInOrder(t, pull); got != sent {
				t.Fatalf("received %d of %d", got, sent)
			}
			if c.oneMore {
				if err := push.Send([]byte("one more"), 0); err != nil {
					t.Fatal(err)
				}
				mustRecv(t, pull, "one more")
			}
		})
	}
}

// TestHWMDecreaseWhenFull: test_sockopt_hwm.cpp's test_decrease_when_full.
// A PUSH with SNDHWM 100 fills its pipe to a PULL with RCVHWM 1; SNDHWM
// is lowered to 70. Nothing queued is dropped, it all arrives in order,
// and then no more than the new mark (plus the receiver's) is taken.
func TestHWMDecreaseWhenFull(t *testing.T) {
	ctx := newCtx(t)
	push, pull := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.PULL)
	push.SetOption(zring.SndHWM, 100)
	pull.SetOption(zring.RcvHWM, 1)
	bindAt(t, push, "inproc://decrease")
	pull.Connect("inproc://decrease")
	sent := fillHWM(t, push)
	if sent != 101 {
		t.Fatalf("sent %d, want 101", sent)
	}
	push.SetOption(zring.SndHWM, 70)
	if v, _ := push.GetOption(zring.SndHWM); v != 70 {
		t.Fatalf("SNDHWM reads %v", v)
	}
	if got := drainInOrder(t, pull); got != sent {
		t.Fatalf("received %d of %d", got, sent)
	}
	if refill := fillHWM(t, push); refill != 71 {
		t.Fatalf("after lowering to 70: sent %d, want 71", refill)
	}
}

// TestHWMRaisedOverTCP: a SNDHWM raised after connecting lets an existing
// tcp connection queue more at once (libzmq 4.3.4: with 1 and 1, 2 go out
// before EAGAIN, and 98 more after SNDHWM 50).
func TestHWMRaisedOverTCP(t *testing.T) {
	ctx := newCtx(t)
	push, pull := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.PULL)
	push.SetOption(zring.SndHWM, 1)
	pull.SetOption(zring.RcvHWM, 1)
	push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
	push.Send([]byte("0"), 0)
	mustRecv(t, pull, "0") // connected
	settle := func() int {
		n := 0
		for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			n += fillHWM(t, push)
		}
		return n
	}
	before := settle()
	push.SetOption(zring.SndHWM, 50)
	after := settle()
	t.Logf("with SNDHWM 1: %d queued; after SNDHWM 50: %d more", before, after)
	if after < 49 {
		t.Fatalf("queued %d at SNDHWM 1, then %d more at 50", before, after)
	}
}

// lingerN messages of lingerSize bytes are far more than the kernel
// buffers hold for a receiver that does not read (both sides' are set to
// lingerBuf, which also stops Linux growing them), so most are still
// pending in the sender when it closes.
const (
	lingerN    = 400
	lingerSize = 64 << 10
	lingerBuf  = 128 << 10
)

// lingerLink is a sender socket of the type under test, alone in its own
// context, connected over tcp to a receiver that reads only when told.
type lingerLink struct {
	ctx  *zring.Context
	sock *zring.Socket
	send func(body []byte) error
	// recv returns one message's body, false after a quiet while.
	recv func() ([]byte, bool)
}

// lingerPeers makes, for each type linger is tested on, the sender and a
// receiver (a zring socket with RCVHWM 1, or a raw TCP client for STREAM),
// connected, with one message through.
var lingerPeers = []struct {
	typ  zring.SocketType
	make func(t *testing.T, rctx *zring.Context, s *zring.Socket) (send func([]byte) error, recv func() ([]byte, bool))
}{
	{zring.DEALER, func(t *testing.T, rctx *zring.Context, s *zring.Socket) (func([]byte) error, func() ([]byte, bool)) {
		r := lingerReceiver(t, rctx, zring.ROUTER)
		s.Connect(bindAt(t, r, "tcp://127.0.0.1:0"))
		s.Send([]byte("ready"), 0)
		mustRecvParts(t, r)
		return func(b []byte) error { return s.Send(b, 0) }, partOf(t, r, 1)
	}},
	{zring.ROUTER, func(t *testing.T, rctx *zring.Context, s *zring.Socket) (func([]byte) error, func() ([]byte, bool)) {
		r := lingerReceiver(t, rctx, zring.DEALER)
		r.SetOption(zring.RoutingID, "r")
		r.Connect(bindAt(t, s, "tcp://127.0.0.1:0"))
		r.Send([]byte("ready"), 0)
		mustRecvParts(t, s)
		return func(b []byte) error { return s.SendMultipart([][]byte{[]byte("r"), b}, 0) }, partOf(t, r, 0)
	}},
	{zring.PUB, func(t *testing.T, rctx *zring.Context, s *zring.Socket) (func([]byte) error, func() ([]byte, bool)) {
		r := lingerReceiver(t, rctx, zring.SUB)
		r.SetOption(zring.Subscribe, "")
		r.Connect(bindAt(t, s, "tcp://127.0.0.1:0"))
		awaitSubscribed(t, s, r, "ready")
		return func(b []byte) error { return s.Send(b, 0) }, partOf(t, r, 0)
	}},
	{zring.XPUB, func(t *testing.T, rctx *zring.Context, s *zring.Socket) (func([]byte) error, func() ([]byte, bool)) {
		r := lingerReceiver(t, rctx, zring.SUB)
		r.SetOption(zring.Subscribe, "")
		r.Connect(bindAt(t, s, "tcp://127.0.0.1:0"))
		awaitAtXPub(t, s, "\x01")
		awaitSubscribed(t, s, r, "ready")
		return func(b []byte) error { return s.Send(b, 0) }, partOf(t, r, 0)
	}},
	{zring.STREAM, func(t *testing.T, _ *zring.Context, s *zring.Socket) (func([]byte) error, func() ([]byte, bool)) {
		d := net.Dialer{Timeout: 2 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
			var err error
			rc.Control(func(fd uintptr) {
				err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, lingerBuf)
			})
			return err
		}}
		c, err := d.Dial("tcp", tcpAddr(t, bindAt(t, s, "tcp://127.0.0.1:0")))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		id, _ := recvStream(t, s)
		buf := make([]byte, lingerSize)
		return func(b []byte) error { return s.SendMultipart([][]byte{id, b}, 0) },
			func() ([]byte, bool) {
				// The bytes come unframed; each lingerSize of them is one
				// message.
				c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				if _, err := io.ReadFull(c, buf); err != nil {
					return nil, false
				}
				return buf, true
			}
	}},
}

func lingerReceiver(t *testing.T, ctx *zring.Context, typ zring.SocketType) *zring.Socket {
	r := sock(t, ctx, typ)
	r.SetOption(zring.RcvHWM, 1)
	r.SetOption(zring.RcvBuf, lingerBuf)
	return r
}

// partOf is a recv that returns part i of each message.
func partOf(t *testing.T, r *zring.Socket, i int) func() ([]byte, bool) {
	return func() ([]byte, bool) {
		r.SetOption(zring.RcvTimeo, 300)
		parts, err := r.RecvMultipart(0)
		if errors.Is(err, zring.ErrAgain) {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return parts[i], true
	}
}

// newLingerLink sets up a sender of type typ with the linger given.
func newLingerLink(t *testing.T, typ zring.SocketType, linger int) *lingerLink {
	t.Helper()
	rctx := newCtx(t)
	ctx, err := zring.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	s, err := ctx.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetOption(zring.SndTimeo, 5000)
	s.SetOption(zring.RcvTimeo, 5000)
	s.SetOption(zring.Linger, linger)
	s.SetOption(zring.SndBuf, lingerBuf)
	l := &lingerLink{ctx: ctx, sock: s}
	for _, p := range lingerPeers {
		if p.typ == typ {
			l.send, l.recv = p.make(t, rctx, s)
		}
	}
	return l
}

// sendAll queues lingerN numbered messages.
func (l *lingerLink) sendAll(t *testing.T) {
	t.Helper()
	body := make([]byte, lingerSize)
	for i := 0; i < lingerN; i++ {
		body[0], body[1] = byte(i), byte(i>>8)
		if err := l.send(body); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
}

// received counts, in order, what reaches the receiver.
func (l *lingerLink) received(t *testing.T) int {
	t.Helper()
	n := 0
	for ; ; n++ {
		b, ok := l.recv()
		if !ok {
			return n
		}
		if got := int(b[0]) | int(b[1])<<8; got != n {
			t.Fatalf("message %d arrived as number %d", n, got)
		}
	}
}

// TestLingerOnClose: ZMQ_LINGER after zmq_close(), for the sender types
// added recently, over tcp, with a receiver that reads only after the
// close. "A value of -1 ... Pending messages shall not be discarded after
// a call to ... zmq_close()"; positive: "Pending messages shall not be
// discarded after a call to ... zmq_close()"; "The value of 0 specifies no
// linger period. Pending messages shall be discarded immediately after a
// call to ... zmq_close()."
func TestLingerOnClose(t *testing.T) {
	for _, p := range lingerPeers {
		for _, linger := range []int{-1, 5000, 0} {
			t.Run(fmt.Sprintf("%v/linger=%d", p.typ, linger), func(t *testing.T) {
				l := newLingerLink(t, p.typ, linger)
				l.sendAll(t)
				l.sock.Close()
				got := l.received(t)
				if linger != 0 && got != lingerN {
					t.Fatalf("%d of %d arrived after the close", got, lingerN)
				}
				if linger == 0 && got >= lingerN {
					t.Fatalf("all %d arrived: nothing pending was discarded", got)
				}
				termWithin(t, l.ctx, 2*time.Second)
			})
		}
	}
}

// termWithin fails the test unless ctx.Term returns within d.
func termWithin(t *testing.T, ctx *zring.Context, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { ctx.Term(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("Term did not return within %v", d)
	}
}

// TestLingerOnTerm: ZMQ_LINGER and zmq_ctx_term(), for the same types,
// with a receiver that does not read until told. -1: "attempting to
// terminate the socket's context with zmq_ctx_term() shall block until all
// pending messages have been sent to a peer"; positive: "shall block until
// either all pending messages have been sent to a peer, or the linger
// period expires, after which any pending messages shall be discarded";
// 0: Term does not wait, pending messages are discarded.
func TestLingerOnTerm(t *testing.T) {
	for _, p := range lingerPeers {
		for _, linger := range []int{-1, 200, 0} {
			t.Run(fmt.Sprintf("%v/linger=%d", p.typ, linger), func(t *testing.T) {
				l := newLingerLink(t, p.typ, linger)
				l.sendAll(t)
				l.sock.Close()
				start := time.Now()
				done := make(chan time.Duration, 1)
				go func() { l.ctx.Term(); done <- time.Since(start) }()
				switch linger {
				case -1:
					select {
					case d := <-done:
						t.Fatalf("Term returned after %v with messages pending", d)
					case <-time.After(300 * time.Millisecond):
					}
					if got := l.received(t); got != lingerN {
						t.Fatalf("%d of %d arrived", got, lingerN)
					}
					select {
					case <-done:
					case <-time.After(2 * time.Second):
						t.Fatal("Term still blocked after everything arrived")
					}
				default:
					var d time.Duration
					select {
					case d = <-done:
					case <-time.After(3 * time.Second):
						t.Fatalf("Term blocked past the linger of %d ms", linger)
					}
					if d < time.Duration(linger)*time.Millisecond*3/4 {
						t.Fatalf("Term returned after %v, before the linger of %d ms", d, linger)
					}
					if got := l.received(t); got >= lingerN {
						t.Fatalf("all %d arrived: nothing pending was discarded", got)
					}
				}
			})
		}
	}
}
