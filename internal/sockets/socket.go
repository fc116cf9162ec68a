package sockets

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

// Flags of Send and Recv, numbered as zmq.h numbers them.
const (
	DontWait = 1 // ZMQ_DONTWAIT
	SndMore  = 2 // ZMQ_SNDMORE
)

// Socket is one ZeroMQ socket. One goroutine at a time may use it.
type Socket struct {
	ctx  *Context
	opts Options
	pat  pattern

	out  ring.Msg  // the frame being sent
	slab ring.Slab // small frames for NewMsg
	in   ring.Msg  // the frame being received
	// pre is a frame received ahead by Events (POLLIN must be true only if
	// a receive would succeed, which for a SUB means a matching message),
	// handed out by the next Recv.
	pre    ring.Msg
	hasPre bool
	// preFrom is where the frame before pre came from: what Property
	// reports while pre waits.
	preFrom *loop.Peer

	sig chan struct{} // one pending wake-up: pipes, mailbox
	// pollCh, when set, is a Poller's channel, signalled with sig.
	pollCh atomic.Pointer[chan struct{}]
	timer  *time.Timer

	mu      sync.Mutex // guards cmds and closed against the loops
	cmds    []command
	hasCmds atomic.Bool
	closed  bool
	runCmds []command

	monitor atomic.Pointer[monitor]

	spinFor time.Duration // how long the next wait spins (see adaptSpin)
	judge   spinJudge     // whether the next wait spins at all
	// waitingOn is the peer whose connection the socket waits on in Go's
	// netpoller (loop.Peer.Wait), which Wake interrupts; woken is the
	// method value that wait polls, made once so waiting allocates
	// nothing; drove says the socket drove its connections since it last
	// gave them back to the loops.
	waitingOn atomic.Pointer[loop.Peer]
	// opGen numbers the socket's context-bound calls (BeginCancelable);
	// cancelGen is the number of the one whose context has ended (Cancel,
	// from the context's goroutine). A block gives up with ECANCELED when
	// they match, so a late Cancel never ends a later call.
	opGen     uint64
	cancelGen atomic.Uint64
	woken     func() bool
	drove     bool

	listeners  map[string]*loop.Listener // by bound and by requested endpoint
	connecters map[string][]*endpointConn
	inprocs    map[string]bool // names bound
	peers      map[*loop.Peer]struct{}
}

// endpointConn is one Connect: a tcp/ipc connecter or an inproc peer.
type endpointConn struct {
	conn *loop.Connecter
	peer *loop.Peer // persistent or inproc pipes, nil with ZMQ_IMMEDIATE
}

type command struct {
	attach bool
	peer   *loop.Peer
}

// newSocket makes a socket of type t; its pat is nil if t is not a type
// zring has.
func newSocket(c *Context, t Type) *Socket {
	tm := time.NewTimer(time.Hour)
	tm.Stop()
	s := &Socket{ctx: c, opts: DefaultOptions(t), sig: make(chan struct{}, 1), timer: tm, spinFor: c.spin,
		listeners: make(map[string]*loop.Listener), connecters: make(map[string][]*endpointConn),
		inprocs: make(map[string]bool), peers: make(map[*loop.Peer]struct{})}
	s.woken = s.takeSignal
	s.pat = newPattern(t, &s.opts)
	if w, ok := s.pat.(interface{ setWaker(ring.Waker) }); ok {
		w.setWaker(s)
	}
	return s
}

// Wake is the waker of every pipe end the socket owns, and of its mailbox.
// Any goroutine.
func (s *Socket) Wake() {
	if pc := s.pollCh.Load(); pc != nil {
		select {
		case *pc <- struct{}{}:
		default:
		}
	}
	select {
	case s.sig <- struct{}{}:
	default:
	}
	// After the signal: a wait that has just looked for it and found none
	// is then interrupted (or has not parked yet and returns at once).
	if p := s.waitingOn.Load(); p != nil {
		p.Interrupt()
	}
}

// BeginCancelable starts a call that Cancel with the returned number may
// end; EndCancelable ends it. Socket goroutine.
func (s *Socket) BeginCancelable() uint64 {
	s.opGen++
	return s.opGen
}

// EndCancelable: the call BeginCancelable started is over.
func (s *Socket) EndCancelable() { s.opGen++ }

// Cancel ends the blocking wait of call gen, if it is still waiting, with
// ECANCELED. Any goroutine.
func (s *Socket) Cancel(gen uint64) {
	s.cancelGen.Store(gen)
	s.Wake()
}

// cancelled: the current call's context has ended.
func (s *Socket) cancelled() bool { return s.cancelGen.Load() == s.opGen && s.opGen&1 == 1 }

// takeSignal consumes a pending wake-up, reporting whether there was one.
func (s *Socket) takeSignal() bool {
	select {
	case <-s.sig:
		return true
	default:
		return false
	}
}

// Attach implements loop.Host: a peer's pipes arrive (on a loop goroutine,
// or from another socket's goroutine for inproc).
func (s *Socket) Attach(p *loop.Peer) {
	p.In.SetReaderWaker(s)
	p.Out.SetWriterWaker(s)
	s.post(command{attach: true, peer: p})
}

// Detach implements loop.Host: a peer's connection ended.
func (s *Socket) Detach(p *loop.Peer) { s.post(command{peer: p}) }

func (s *Socket) post(c command) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if c.attach {
			refuse(c.peer)
		}
		return
	}
	s.cmds = append(s.cmds, c)
	s.hasCmds.Store(true)
	s.mu.Unlock()
	s.Wake()
}

// processCmds applies the mailbox. Socket goroutine.
func (s *Socket) processCmds() {
	if !s.hasCmds.Load() {
		return
	}
	s.mu.Lock()
	s.runCmds, s.cmds = s.cmds, s.runCmds[:0]
	s.hasCmds.Store(false)
	s.mu.Unlock()
	for i, c := range s.runCmds {
		if c.attach {
			if _, ok := s.peers[c.peer]; ok {
				// Pipes it has, on a new connection (loop.Host.Attach).
				if h, ok := s.pat.(hiccuper); ok {
					h.hiccup(c.peer)
				}
			} else {
				c.peer.SetWriterSlab(&s.slab)
				s.peers[c.peer] = struct{}{}
				s.pat.attach(c.peer)
			}
		} else {
			delete(s.peers, c.peer)
			s.pat.detach(c.peer)
		}
		s.runCmds[i] = command{}
	}
}

// addPeer attaches pipes made on this goroutine (connect).
func (s *Socket) addPeer(p *loop.Peer) {
	p.In.SetReaderWaker(s)
	p.Out.SetWriterWaker(s)
	p.SetWriterSlab(&s.slab)
	s.peers[p] = struct{}{}
	s.pat.attach(p)
}

func (s *Socket) check() error {
	if s.isClosed() {
		return errno.ENOTSOCK
	}
	if s.ctx.terminated() {
		return errno.ETERM
	}
	return nil
}

func (s *Socket) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// NewMsg returns a frame of size bytes for Send; small ones are carved
// from the socket's slab, so a stream of small messages costs no pool
// operation per message on this goroutine. Socket goroutine only.
func (s *Socket) NewMsg(size int) ring.Msg { return s.slab.NewMsg(size) }

// Send sends one frame: SndMore says more frames of the message follow. On
// success the socket owns m's memory and m is zeroed; on error m is
// untouched. Without DontWait it blocks while the socket is mute, up to
// ZMQ_SNDTIMEO, then returns EAGAIN.
//
// The frame is staged in s.out so that m, which the pattern never sees,
// does not escape to the heap: sending allocates nothing.
func (s *Socket) Send(m *ring.Msg, flags int) error {
	if s.closed {
		return errno.ENOTSOCK
	}
	if s.ctx.terminated() {
		return errno.ETERM
	}
	s.out = *m
	if flags&SndMore != 0 {
		s.out.Flags |= ring.More
	} else {
		s.out.Flags &^= ring.More
	}
	s.processCmds()
	err := s.pat.send(&s.out)
	if err == errno.EAGAIN && flags&DontWait == 0 && s.opts.SndTimeo != 0 {
		err = s.block(s.opts.SndTimeo, true)
	}
	if err == nil {
		*m = ring.Msg{}
	}
	s.out = ring.Msg{}
	return s.result(err)
}

// Recv receives one frame into m (which should be empty; Free it when
// done). m.More() and ZMQ_RCVMORE tell whether more frames follow.
func (s *Socket) Recv(m *ring.Msg, flags int) error {
	if s.closed {
		return errno.ENOTSOCK
	}
	if s.ctx.terminated() {
		return errno.ETERM
	}
	if s.hasPre {
		*m, s.pre, s.hasPre = s.pre, ring.Msg{}, false
		s.opts.RcvMore = m.More()
		return nil
	}
	s.processCmds()
	err := s.pat.recv(&s.in)
	if err == errno.EAGAIN && flags&DontWait == 0 && s.opts.RcvTimeo != 0 {
		err = s.block(s.opts.RcvTimeo, false)
	}
	if err == nil {
		*m = s.in
		s.in = ring.Msg{}
		s.opts.RcvMore = m.More()
	}
	return s.result(err)
}

// result turns EAGAIN into ETERM once the context is shutting down.
func (s *Socket) result(err error) error {
	if err == errno.EAGAIN && s.ctx.terminated() {
		return errno.ETERM
	}
	return err
}

// block retries the send of s.out (sending) or the receive into s.in,
// spinning first in a spinning context while spinning pays (see spin,
// adaptSpin, spinGovernor, spinJudge), then each time the socket is
// woken, until it stops saying EAGAIN, timeoutMs passes (-1: never), or
// the context terminates.
func (s *Socket) block(timeoutMs int, sending bool) error {
	var start, deadline time.Time
	if s.ctx.spin > 0 || timeoutMs > 0 {
		start = time.Now()
	}
	if timeoutMs > 0 {
		deadline = start.Add(time.Duration(timeoutMs) * time.Millisecond)
	}
	if s.ctx.spin == 0 {
		return s.park(sending, deadline)
	}
	var err error = errno.EAGAIN
	meant := s.judge.spin()
	spun := meant && s.spinFor > 0 && s.ctx.gov.allowed(start)
	if spun {
		err = s.spin(sending, start.Add(s.spinFor), deadline)
	}
	if err == errno.EAGAIN {
		err = s.park(sending, deadline)
	}
	waited := time.Since(start)
	s.adaptSpin(waited)
	if spun == meant && meant == s.judge.spin() {
		// Only a wait done the way the judge meant is evidence for that
		// way. One that parked because the governor (or adaptSpin) held
		// the spin back says nothing about spinning: counted as a probe
		// of it, on an idle machine after a stall (the VM's host taking a
		// CPU for a moment turns spinning off context-wide for 50 ms and
		// more), each such probe lost and doubled the parked window, up
		// to 12,800 waits, and whole runs stayed parked (64 B p50 15-22
		// µs in some runs where others spun at 7-9).
		s.judge.record(waited)
	}
	return err
}

// maxDriven: a spinning socket with more connections than this leaves
// their I/O to the loops (a read syscall per connection per spin round
// would cost more than the wake-ups it saves; driving is for the few
// connections of a latency path).
const maxDriven = 8

// spinRecover: see adaptSpin.
const spinRecover = 8

// adaptSpin sets how long the next wait spins from how long this one
// took. A wait within spinRecover times the spin earns the full spin next
// time; a longer one halves it, down to none. So a socket whose messages
// come back to back keeps spinning, and one with sporadic traffic soon
// stops paying for it, until a short wait shows spinning would pay again.
// The margin is wide because a wait without spinning is slowed by the
// very wake-ups spinning avoids, on both sides of a round trip: measured
// on epoll loops, an unspun 64 B round trip took 130 µs, more than a
// 50 µs spin, so a threshold of one spin time never brought the spin back
// (p50 68 µs where spinning gives 5 µs).
func (s *Socket) adaptSpin(waited time.Duration) {
	switch {
	case waited <= spinRecover*s.ctx.spin:
		s.spinFor = s.ctx.spin
	case s.spinFor < 2*time.Microsecond:
		s.spinFor = 0
	default:
		s.spinFor /= 2
	}
}

// park waits for the socket to be woken and retries, until the operation
// stops saying EAGAIN, the deadline passes (zero: never), or the context
// terminates.
//
// A receive on a socket whose one peer is a tcp or ipc connection waits
// in Go's netpoller on that connection itself (loop.Peer.Wait), reading
// and decoding on this goroutine what arrives, as a net.Conn reader does;
// any other wait parks on the socket's signal channel while the loops do
// the connections' I/O.
func (s *Socket) park(sending bool, deadline time.Time) error {
	for {
		// (Cancel stores, then wakes: a wake-up the spin consumed has
		// left the mark to be seen here.)
		if s.cancelled() {
			return errno.ECANCELED
		}
		if p := s.waitPeer(sending); p != nil {
			s.waitingOn.Store(p)
			r := p.Wait(deadline, s.woken)
			s.waitingOn.Store(nil)
			if r != loop.WaitUnsupported {
				s.drove = true // Wait drives the connection
			}
			switch r {
			case loop.WaitTimeout:
				return s.result(errno.EAGAIN)
			case loop.WaitReady, loop.WaitInterrupted:
				if s.ctx.terminated() {
					return errno.ETERM
				}
				if err := s.retry(sending); err != errno.EAGAIN {
					return err
				}
				continue
			}
			// WaitUnsupported: wait on the channel, below.
		}
		if s.handBack() {
			// What arrived since the last look reaches the pipes.
			if err := s.retry(sending); err != errno.EAGAIN {
				return err
			}
		}
		if !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return s.result(errno.EAGAIN)
			}
			s.timer.Reset(d)
			select {
			case <-s.sig:
			case <-s.ctx.term:
				s.timer.Stop()
				return errno.ETERM
			case <-s.timer.C:
			}
			s.timer.Stop()
		} else {
			select {
			case <-s.sig:
			case <-s.ctx.term:
				return errno.ETERM
			}
		}
		if err := s.retry(sending); err != errno.EAGAIN {
			return err
		}
	}
}

// handBack gives the connections the socket drove back to their loops,
// which read them again, before it waits for the loops (a channel park,
// a Poller); it reports whether there were any.
func (s *Socket) handBack() bool {
	if !s.drove {
		return false
	}
	s.drove = false
	if len(s.peers) <= maxDriven {
		for p := range s.peers {
			p.Undrive()
		}
	}
	return true
}

// waitPeer is the peer whose connection a blocked receive can wait on
// directly: the socket's only one. Nil otherwise (the peer may still turn
// out to have no connection to wait on: loop.WaitUnsupported).
func (s *Socket) waitPeer(sending bool) *loop.Peer {
	if sending || !s.ctx.connWait || len(s.peers) != 1 {
		return nil
	}
	for p := range s.peers {
		return p
	}
	return nil
}

// retry applies the mailbox and tries the pending send of s.out, or the
// receive into s.in, once more.
func (s *Socket) retry(sending bool) error {
	s.processCmds()
	if sending {
		return s.pat.send(&s.out)
	}
	return s.pat.recv(&s.in)
}

// spin retries the operation without parking until end (and no later than
// deadline, if set), yielding the processor between tries
// so the loops keep running. Parking a goroutine and waking it again costs
// a thread wake-up when the processor went idle meanwhile. While it spins
// the socket does its connections' I/O itself (Peer.Drive): reads land in
// the pipes retry looks at, and a send the loop has not written yet goes
// out, with no loop to wake on either side. A gap in its tries longer
// than spinStall ends the spin and tells the context's governor, which
// stops spinning while the machine has no CPU to spare for it.
func (s *Socket) spin(sending bool, end, deadline time.Time) error {
	if !deadline.IsZero() && deadline.Before(end) {
		end = deadline
	}
	drive := len(s.peers) <= maxDriven
	last := time.Now()
	for {
		local := false // a drive left frames in a peer's local queue
		if drive {
			s.drove = true
			for p := range s.peers {
				if p.Drive() {
					local = true
				}
			}
		}
		// Retry only once woken, as park does, but without parking: the
		// pipes signal the socket when the operation may succeed (data
		// published to a reader that found none; room down to the
		// low-water mark for a writer refused at the HWM), so a spinning
		// writer refills a full pipe in batches instead of racing its
		// reader message by message over the same cache lines.
		var err error = errno.EAGAIN
		select {
		case <-s.sig:
			err = s.retry(sending)
		case <-s.ctx.term:
			err = errno.ETERM
		default:
			if local && !sending {
				err = s.retry(sending)
			}
		}
		if err != errno.EAGAIN {
			return err // the connections stay driven for the next call
		}
		now := time.Now()
		if now.Sub(last) >= spinStall {
			s.ctx.gov.stalled(now)
			s.judge.stalled()
			return s.retry(sending)
		}
		last = now
		if !now.Before(end) {
			return s.retry(sending)
		}
		runtime.Gosched()
	}
}

// newPeer makes the pipes of a Connect made before its connection.
func (s *Socket) newPeer(endpoint string) *loop.Peer {
	if s.opts.Conflate {
		return loop.NewConflatePeer(endpoint)
	}
	return loop.NewPeer(s.opts.SndHWM, s.opts.RcvHWM, endpoint)
}

// hiccuper is a pattern that wants to hear when a peer it has is connected
// anew: a SUB resends its subscriptions.
type hiccuper interface{ hiccup(p *loop.Peer) }

// SetOption sets a socket option (see Options.Set for the value types).
func (s *Socket) SetOption(opt Option, v any) error {
	if err := s.check(); err != nil {
		return err
	}
	if opt == Subscribe || opt == Unsubscribe {
		return s.subscribe(opt == Subscribe, v)
	}
	if err := s.opts.Set(opt, v); err != nil {
		return err
	}
	switch opt {
	case SndHWM, RcvHWM:
		// As in libzmq 4.3.4, the pipes of existing connections take the
		// new mark too (the socket's part of it: over inproc the peer's
		// part is added), not only later ones.
		s.processCmds()
		for p := range s.peers {
			if opt == SndHWM {
				p.Out.SetHWMParts(0, s.opts.SndHWM)
			} else {
				p.In.SetHWMParts(1, s.opts.RcvHWM)
			}
		}
	case RouterRaw:
		// ZMQ_ROUTER_RAW switches the routing at once (as libzmq's does), on
		// the same routing table: see rawRouter.
		s.processCmds()
		if r := routerOf(s.pat); s.opts.RouterRaw {
			s.pat = rawRouter{r}
		} else {
			s.pat = r
		}
	}
	return nil
}

// routerOf is the routing table of a ROUTER or STREAM socket's pattern,
// else nil.
func routerOf(pat pattern) *router {
	switch x := pat.(type) {
	case *router:
		return x
	case rawRouter:
		return x.router
	case *stream:
		return x.r
	}
	return nil
}

// subscribe is ZMQ_SUBSCRIBE and ZMQ_UNSUBSCRIBE: on a SUB, and on an XPUB
// with ZMQ_XPUB_MANUAL (EINVAL elsewhere, as libzmq), any topic including
// the empty one.
func (s *Socket) subscribe(on bool, v any) error {
	x, ok := s.pat.(*sub)
	xp, isPub := s.pat.(*pub)
	if !ok && !isPub {
		return errno.Invalidf("not for %s sockets", s.opts.Type)
	}
	var topic []byte
	switch t := v.(type) {
	case []byte:
		topic = t
	case string:
		topic = []byte(t)
	default:
		return errno.Invalidf("want []byte or string, got %T", v)
	}
	s.processCmds()
	if isPub {
		return xp.manualSubscribe(topic, on)
	}
	x.subscribe(topic, on)
	return nil
}

// GetOption reads a socket option.
func (s *Socket) GetOption(opt Option) (any, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	s.processCmds()
	if opt == Events {
		return s.Events()
	}
	return s.opts.Get(opt)
}

// Type is the socket's type.
func (s *Socket) Type() Type { return s.opts.Type }

func (s *Socket) loopConfig() loop.Config {
	o := &s.opts
	return loop.Config{SocketType: o.Type.String(), RoutingID: append([]byte(nil), o.RoutingID...),
		MaxMsgSize: o.MaxMsgSize, SndHWM: o.SndHWM, RcvHWM: o.RcvHWM, ReconnectIvl: o.ReconnectIvl,
		ReconnectIvlMax: o.ReconnectIvlMax, InBatchSize: o.InBatchSize, OutBatchSize: o.OutBatchSize,
		Immediate: o.Immediate, Affinity: o.Affinity, HandshakeIvl: o.HandshakeIvl,
		HeartbeatIvl: o.HeartbeatIvl, HeartbeatTTL: o.HeartbeatTTL, HeartbeatTimeout: o.HeartbeatTimeout,
		IPv6: o.IPv6, ConnectTimeout: o.ConnectTimeout, Sock: o.Sock,
		SOCKSUsername: o.SOCKSUsername, SOCKSPassword: o.SOCKSPassword,
		TCPAccept: slices.Clone(o.TCPAccept), IPCUIDs: slices.Clone(o.IPCUIDs), IPCGIDs: slices.Clone(o.IPCGIDs),
		IPCPIDs: slices.Clone(o.IPCPIDs), UseFD: o.UseFD, Conflate: o.Conflate, ReconnectStop: o.ReconnectStop,
		Metadata: slices.Clone(o.Metadata), Raw: o.raw(),
		TakesSubscriptions: o.Type.takesSubscriptions(), SendsSubscriptions: o.Type.sendsSubscriptions(),
		SendOnConn: s.ctx.connSend, RecvOnConn: s.ctx.connWait && o.Type.readsPeers(),
		Mechanism: mechanismName(o.Mechanism), AsServer: o.AsServer && o.Mechanism != MechanismNull,
		PlainUsername: slices.Clone(o.PlainUsername), PlainPassword: slices.Clone(o.PlainPassword),
		CurvePublicKey: o.CurvePublicKey, CurveSecretKey: o.CurveSecretKey, CurveServerKey: o.CurveServerKey,
		ZAPDomain: o.ZAPDomain, ZAPEnforceDomain: o.ZAPEnforceDomain, ZAPConnect: s.ctx.zapConnect}
}

// mechanismName is a mechanism as a greeting spells it.
func mechanismName(m int) string {
	switch m {
	case MechanismPlain:
		return zmtp.MechanismPlain
	case MechanismCurve:
		return zmtp.MechanismCurve
	}
	return zmtp.MechanismNull
}

// raw: the socket's connections carry raw TCP, not ZMTP.
func (o *Options) raw() bool { return o.Type == STREAM || o.RouterRaw }

// Property is zmq_msg_gets(3) for the frame Recv returned last: the value
// of a property of the connection it came from (see loop.Metadata for the
// names), and whether it has that property. A frame received over inproc
// has none, as in libzmq. Nothing is kept or looked up per message: the
// pattern knows the pipe it read last, and the pipe its connection's
// properties. The socket's goroutine.
func (s *Socket) Property(name string) (string, bool) {
	from := s.pat.from()
	if s.hasPre {
		from = s.preFrom
	}
	if from == nil {
		return "", false
	}
	return from.Metadata().Get(name)
}

// Bind accepts connections on endpoint: tcp://, ipc:// or inproc://.
func (s *Socket) Bind(endpoint string) error {
	if err := s.check(); err != nil {
		return err
	}
	transport, addr, err := loop.SplitEndpoint(endpoint)
	if err != nil {
		return err
	}
	if transport == "inproc" && s.opts.raw() {
		return errno.ENOCOMPATPROTO // raw sockets (STREAM, ROUTER_RAW) carry bytes over tcp or ipc
	}
	if transport == "inproc" {
		if err := s.ctx.bindInproc(s, addr); err != nil {
			return err
		}
		s.inprocs[addr] = true
		s.opts.LastEndpoint = endpoint
		return nil
	}
	a, err := loop.ResolveBind(transport, addr, s.opts.IPv6)
	if err == nil {
		var ln *loop.Listener
		var bound string
		if ln, bound, err = s.ctx.pool.Choose(s.opts.Affinity).Listen(a, s.loopConfig(), s); err == nil {
			s.listeners[bound] = ln
			s.listeners[endpoint] = ln
			s.opts.LastEndpoint = bound
			return nil
		}
	}
	var e errno.Errno
	errors.As(err, &e)
	s.Event(loop.Event{Kind: loop.EventBindFailed, Value: uint32(e), Endpoint: endpoint, Err: err})
	return err
}

// Connect connects to endpoint: tcp://, ipc:// or inproc://. For tcp and
// ipc it returns at once; the connection is made, and remade, in the
// background.
func (s *Socket) Connect(endpoint string) error {
	if err := s.check(); err != nil {
		return err
	}
	transport, addr, err := loop.SplitEndpoint(endpoint)
	if err != nil {
		return err
	}
	if id := s.opts.ConnectRoutingID; len(id) > 0 {
		s.processCmds()
		if r := routerOf(s.pat); r != nil && r.byID[string(id)] != nil {
			return errno.EINVAL // "Assigning a routing id that is already in use is not allowed."
		}
	}
	if transport == "inproc" && s.opts.raw() {
		return errno.ENOCOMPATPROTO
	}
	if transport == "inproc" {
		p, err := s.ctx.connectInproc(s, addr)
		if err != nil {
			return err
		}
		if id := s.opts.ConnectRoutingID; len(id) > 0 {
			p.RoutingID, s.opts.ConnectRoutingID = id, nil
		}
		s.addPeer(p)
		s.connecters[endpoint] = append(s.connecters[endpoint], &endpointConn{peer: p})
		s.opts.LastEndpoint = endpoint
		return nil
	}
	var a loop.Address
	if transport == "tcp" && s.opts.SOCKSProxy != "" {
		// ZMQ_SOCKS_PROXY: "for the TCP connection(s)"; ipc is direct.
		a, err = loop.ResolveSOCKS(addr, s.opts.SOCKSProxy, s.opts.IPv6)
	} else {
		a, err = loop.ResolveConnect(transport, addr, s.opts.IPv6)
	}
	if err != nil {
		return err
	}
	var p *loop.Peer
	cfg := s.loopConfig()
	if id := s.opts.ConnectRoutingID; len(id) > 0 && s.opts.raw() && s.opts.Immediate {
		// A raw socket's connection with ZMQ_IMMEDIATE is its peer: the
		// first one made gets the id (later ones, after a reconnect, ids
		// of their own).
		s.opts.ConnectRoutingID = nil
		cfg.PeerID = id
	} else if len(id) > 0 {
		// ZMQ_CONNECT_ROUTING_ID: the connection is routable at once,
		// under that id, and the option is used up.
		s.opts.ConnectRoutingID = nil
		p = s.newPeer(endpoint)
		p.RoutingID = id
		s.addPeer(p)
	} else if !s.opts.Immediate && (s.opts.Type != ROUTER || s.opts.RouterRaw) {
		// Without ZMQ_IMMEDIATE the pipes exist before the connection, so
		// messages queue for a peer that is not there yet. A ROUTER
		// routes by the id a peer announces in its handshake, so its
		// pipes to a connection wait for the connection (libzmq's ROUTER
		// cannot route to them before either); a raw ROUTER's, as a
		// STREAM's, get a made-up id here, which a STREAM also writes to
		// ZMQ_ROUTING_ID (stream.attach): getsockopt right after Connect
		// tells the id the connection's notifications will carry.
		p = s.newPeer(endpoint)
		s.addPeer(p)
	}
	c := s.ctx.pool.Choose(s.opts.Affinity).Connect(a, cfg, s, p)
	s.connecters[endpoint] = append(s.connecters[endpoint], &endpointConn{conn: c, peer: p})
	s.opts.LastEndpoint = endpoint
	return nil
}

// Unbind stops accepting on endpoint (as given to Bind, or as
// ZMQ_LAST_ENDPOINT showed it) and closes the connections accepted there.
func (s *Socket) Unbind(endpoint string) error {
	if err := s.check(); err != nil {
		return err
	}
	if strings.HasPrefix(endpoint, "inproc://") {
		name := strings.TrimPrefix(endpoint, "inproc://")
		if !s.inprocs[name] {
			return errno.ENOENT
		}
		delete(s.inprocs, name)
		return s.ctx.unbindInproc(s, name)
	}
	ln := s.listeners[endpoint]
	if ln == nil {
		return errno.ENOENT
	}
	for k, v := range s.listeners {
		if v == ln {
			delete(s.listeners, k)
		}
	}
	ln.Close(s.opts.Linger)
	return nil
}

// Disconnect drops the connections made by Connect(endpoint). Queued
// messages linger as ZMQ_LINGER says.
func (s *Socket) Disconnect(endpoint string) error {
	if err := s.check(); err != nil {
		return err
	}
	conns := s.connecters[endpoint]
	if len(conns) == 0 {
		return errno.ENOENT
	}
	delete(s.connecters, endpoint)
	s.processCmds()
	for _, ec := range conns {
		if ec.peer != nil {
			s.dropPeer(ec.peer)
		}
		if ec.conn != nil {
			ec.conn.Close(s.opts.Linger)
		}
	}
	return nil
}

// dropPeer gives a peer's pipes up: what was sent stays for the other end
// (the session lingers on it), nothing more is read.
func (s *Socket) dropPeer(p *loop.Peer) {
	if _, ok := s.peers[p]; !ok {
		return
	}
	delete(s.peers, p)
	s.pat.detach(p)
	p.Out.Close()
	p.DropIn()
}

// Close closes the socket. Messages already sent are delivered in the
// background within ZMQ_LINGER (the context's Term waits for them).
func (s *Socket) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errno.ENOTSOCK
	}
	s.closed = true
	s.mu.Unlock()
	s.pollCh.Store(nil)
	if s.hasPre {
		s.pre.Free()
		s.hasPre = false
	}
	s.processCmds()
	s.hasCmds.Store(true) // take what raced with closed
	s.processCmds()
	for name := range s.inprocs {
		s.ctx.unbindInproc(s, name)
	}
	s.ctx.dropPending(s)
	seen := make(map[*loop.Listener]bool)
	for _, ln := range s.listeners {
		if !seen[ln] {
			seen[ln] = true
			ln.Close(s.opts.Linger)
		}
	}
	for p := range s.peers {
		s.dropPeer(p)
	}
	for _, conns := range s.connecters {
		for _, ec := range conns {
			if ec.conn != nil {
				ec.conn.Close(s.opts.Linger)
			}
		}
	}
	s.listeners, s.connecters = nil, nil
	s.stopMonitor()
	s.slab.Release()
	s.ctx.forget(s)
	return nil
}
