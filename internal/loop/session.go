package loop

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

const (
	// bigFrame: frames with a larger body are read straight into their own
	// message memory instead of through the connection's buffer.
	bigFrame = 32 << 10
	// copyBody: bodies up to this size are copied next to their header in
	// the write buffer; larger ones go to writev from the message's memory.
	copyBody = 2 << 10
	// bigStart is the first allocation for a big frame; it grows bigGrowth
	// times as bytes arrive, so a peer that advertises a huge frame and
	// sends nothing costs at most this much, and one that sends n bytes
	// at most bigGrowth x n.
	bigStart = 256 << 10
	// bigGrowth: each step copies what came into a buffer this many times
	// larger and leaves the old one to the collector (see growBig).
	// Doubling up to the frame's size left a frame of 1 GiB costing 2.35
	// bytes of memory per byte received (issue 12): the last two buffers
	// together, and every earlier one waiting for collection.
	bigGrowth = 8
	maxIovecs = 1024
	// handshakeMax is zmtp's default Config.MaxFrame: the largest
	// handshake command, which the input buffer must hold whole.
	handshakeMax = 65536
	// inFirst is a connection's first input buffer. It grows, when a frame
	// or a handshake command needs it, to what the largest of them takes
	// (bigFrame and handshakeMax bytes): an idle or small-message
	// connection holds 16 KiB instead of 64.
	inFirst = 16 << 10
)

// sessionOwner is the listener or connecter a session belongs to.
type sessionOwner interface {
	// connectionLost reports whether the session should wait for another
	// connection (a connecter redials) instead of finishing, after the
	// connection ended with err.
	connectionLost(s *session, err error) bool
	// sessionFinished is the session's last act.
	sessionFinished(s *session)
	// redial dials at once: a connecter's session held its dial back
	// (see holdDial) and may connect now.
	redial()
}

// seg is a piece of the next vectored write: wbuf[off:off+n] when msg < 0,
// else held[msg].Data[off:off+n].
type seg struct{ msg, off, n int }

// session drives one peer connection: its fd's I/O, timers and linger. The
// ZMTP handshake (zmtp.Handshake) and the frame stream after it
// (zmtp.Decoder into peer.In, zmtp.Encoder from peer.Out) are zmtp's; the
// session moves the bytes and owns the memory. All fields are owned by the
// loop goroutine except scheduled, which Wake uses.
type session struct {
	loop     *Loop
	cfg      Config
	host     Host
	owner    sessionOwner
	endpoint string
	peer     *Peer
	// persistent: peer was made by the socket before any connection and
	// outlives each one (connect without ZMQ_IMMEDIATE).
	persistent bool
	scheduled  atomic.Bool

	// One connection's state; reset by closeConn.
	fd          int
	events      uint32
	hs          *zmtp.Handshake
	zap         *zapClient // the ZAP request the handshake waits on (zap.go)
	active      bool
	in          *ring.Buffer
	inMax       int          // what in may grow to (see readIn)
	slab        ring.Slab    // small decoded frames are carved from here
	dec         zmtp.Decoder // the frame stream after the handshake, in
	enc         zmtp.Encoder // and out
	big         ring.Msg     // a big frame being read into its own memory
	bigSize     int
	bigFill     int
	inUnflushed bool // complete messages written to peer.In, not flushed
	readPaused  bool // peer.In is at its HWM
	parked      bool // fd taken out of the poller while paused after a hang-up
	wbuf        []byte
	segs        []seg
	held        []ring.Msg
	iov         []iovec
	dropTail    bool // drop frames from peer.Out up to a message end

	// driven: a spinning socket reads this connection itself (Peer.Drive),
	// so the poller is not asked for read readiness; drives counts its
	// calls, and driveTimer gives the connection back to the poller once
	// the socket has stopped calling (see drive).
	driven      atomic.Bool // written under exec, read by Wake
	inlineSends int         // sends Wake may still write itself; reset by drive
	// directUnflushed: frames a socket put into wbuf itself (sendDirect)
	// since it was last empty, and the loop not yet scheduled to write them.
	directUnflushed bool
	// toLocal: this drive, the socket's own, delivers into peer.local (see
	// beginLocal); localMark ends the last whole message there.
	toLocal    bool
	localMark  int
	localBytes int  // delivered into peer.lq by this drive
	localFull  bool // peer.lq holds enough: stop decoding for this drive
	drives     uint64
	driveSeen  uint64
	driveTimer *timer
	driveCheck time.Duration // the period of checkDriven (see driveIdleMax)
	// See quietDriven: when the poller last let go of the fd, and when
	// the connection was last found driven for driveIdle.
	lastQuiet     time.Time
	lastLongDrive time.Time
	// A socket waiting on this connection in Go's netpoller (Peer.Wait):
	// the dup it parks on (Interrupt reads it from any goroutine), and
	// whether it is waiting now, which keeps the connection driven.
	waitFile atomic.Pointer[os.File]
	waitRC   syscall.RawConn
	waiting  bool
	waitUsed bool // a Wait began since the last checkDriven (see quietWait)
	// The wait under way (see onReadable): the waiting goroutine's only.
	waitFn    func(uintptr) bool
	waitFor   *Peer
	waitReady func() bool
	waitGone  bool
	// readMore: readIn stopped at its round limit with the kernel maybe
	// holding more, which an edge-triggered wait would not hear of.
	readMore bool

	isRaw     bool   // a STREAM socket's session, or a raw ROUTER's (see raw)
	transport string // of the current connection: "tcp" or "ipc"
	handshook bool   // the connection lost last had completed its handshake
	// closeAfterWrite: a raw socket closed the connection (a STREAM's
	// empty data frame, see socketClosed); close once what it sent before
	// is written.
	closeAfterWrite bool
	// dialHeld: the connecter's next dial waits until the socket has
	// drained peer.In below its HWM (see holdDial).
	dialHeld  bool
	connected bool // a connection of this session completed its handshake

	pongPending bool // a PONG is queued and not yet written
	pongBuf     []byte

	lingering      bool
	lingerTimer    *timer
	handshakeTimer *timer // ZMQ_HANDSHAKE_IVL, while handshaking
	// ZMTP heartbeats (see heartbeat): the next PING, the wait for traffic
	// after it, and the peer's TTL after its PING; the flags say whether
	// anything was read since each wait began, the times when each wait
	// ends (a timer that fires before then is set again for the rest).
	pingTimer     *timer
	pingWait      *timer
	ttlTimer      *timer
	readSincePing bool
	readSinceTTL  bool
	pingWaitEnd   time.Time
	ttlEnd        time.Time
	failing       error // while fail writes: why the connection ends
	pingBuf       []byte
	finished      bool
}

func newSession(l *Loop, cfg Config, host Host, owner sessionOwner, peer *Peer, endpoint string) *session {
	inMax := handshakeMax + 16
	if cfg.InBatchSize+bigFrame+16 > inMax {
		inMax = cfg.InBatchSize + bigFrame + 16
	}
	s := &session{loop: l, cfg: cfg, host: host, owner: owner, endpoint: endpoint, fd: -1, isRaw: cfg.Raw,
		in: ring.NewBuffer(min(inFirst, inMax)), inMax: inMax, wbuf: make([]byte, 0, cfg.OutBatchSize+copyBody+16)}
	if peer != nil {
		s.peer = peer
		s.persistent = true
		peer.session.Store(s)
		peer.In.SetWriterWaker(s)
		peer.Out.SetReaderWaker(s)
	}
	return s
}

// Wake is the pipes' waker: peer.Out has data after the session found it
// empty, or peer.In has room after the session found it full. Any goroutine.
//
// A driven session (its socket spins, see drive) is served on the waking
// goroutine, once per drive, when the loop is not busy: a reply goes to
// the kernel within the Send that made it, with no loop to wake, even if
// the socket then waits on another socket. Later sends before the next
// drive go through the loop as usual, which batches them: written inline,
// a stream (a PUSH that once blocked at its HWM, say) would cost a
// syscall per message (measured: 8 B throughput fell from 9 M to 1.7 M
// msg/s).
func (s *session) Wake() {
	if s.driven.Load() && s.loop.exec.TryLock() {
		if s.inlineSends > 0 {
			s.inlineSends--
			s.onPipeReady()
			s.loop.exec.Unlock()
			return
		}
		s.loop.exec.Unlock()
	}
	if !s.scheduled.Swap(true) {
		s.loop.schedule(s)
	}
}

// attachConn starts the handshake on a connected fd.
func (s *session) attachConn(fd int, transport string) {
	if s.finished {
		closeFD(fd)
		return
	}
	s.fd = fd
	s.events = evRead
	s.transport = transport
	if s.raw() {
		// STREAM: raw TCP, no ZMTP. The connection is the peer's at once.
		if err := s.loop.watch(fd, evRead, s); err != nil {
			s.lost(err)
			return
		}
		s.handshakeDone()
		return
	}
	// A handshake command must fit the input buffer whole: newSession
	// sizes the buffer for zmtp's default MaxFrame.
	s.hs = zmtp.NewHandshake(zmtp.Config{SocketType: s.cfg.SocketType, Identity: s.cfg.RoutingID, Metadata: s.cfg.Metadata,
		Mechanism: s.cfg.Mechanism, AsServer: s.cfg.AsServer,
		PlainUsername: s.cfg.PlainUsername, PlainPassword: s.cfg.PlainPassword,
		CurvePublicKey: s.cfg.CurvePublicKey, CurveSecretKey: s.cfg.CurveSecretKey, CurveServerKey: s.cfg.CurveServerKey,
		ZAP: s.cfg.ZAPDomain != "", Downgrade: true, Dialled: s.dialled()})
	s.queueBytes(s.hs.Output(nil))
	if err := s.loop.watch(fd, evRead, s); err != nil {
		s.lost(err)
		return
	}
	if s.cfg.HandshakeIvl > 0 {
		s.handshakeTimer = s.loop.after(time.Duration(s.cfg.HandshakeIvl)*time.Millisecond, s.handshakeTimeout)
	}
	s.writeOut()
}

// heartbeat is ZMQ_HEARTBEAT_IVL: "a PING ZMTP command will be sent every
// ZMQ_HEARTBEAT_IVL milliseconds", carrying ZMQ_HEARTBEAT_TTL in
// deciseconds; and ZMQ_HEARTBEAT_TIMEOUT: "The connection will time out if
// there is no traffic received after sending the PING command, but the
// received traffic does not have to be a PONG command".
func (s *session) heartbeat() {
	s.pingTimer = nil
	if s.fd < 0 || !s.active {
		return
	}
	ttl := min(s.cfg.HeartbeatTTL/100, 0xffff)
	s.pingBuf = s.enc.AppendPing(s.pingBuf[:0], uint16(ttl), nil)
	s.queueBytes(s.pingBuf)
	// The wait runs from the first PING after the last traffic read, as
	// libzmq's does (traffic cancels its timer; the next PING starts it):
	// a link that goes dark is found within IVL + TIMEOUT of its last
	// byte. One timer per connection, moved on lazily (pingTimedOut).
	if s.readSincePing || s.pingWait == nil {
		wait := s.cfg.HeartbeatTimeout
		if wait <= 0 {
			wait = s.cfg.HeartbeatIvl // "Default value ... ZMQ_HEARTBEAT_IVL if it is set"
		}
		s.readSincePing = false
		d := time.Duration(wait) * time.Millisecond
		s.pingWaitEnd = time.Now().Add(d)
		if s.pingWait == nil {
			s.pingWait = s.loop.after(d, s.pingTimedOut)
		}
	}
	s.pingTimer = s.loop.after(time.Duration(s.cfg.HeartbeatIvl)*time.Millisecond, s.heartbeat)
	s.writeOut()
}

func (s *session) pingTimedOut() {
	s.pingWait = nil
	switch {
	case s.fd < 0 || s.readSincePing:
		// Traffic came: the next PING starts a new wait.
	case time.Now().Before(s.pingWaitEnd):
		s.pingWait = s.loop.after(time.Until(s.pingWaitEnd), s.pingTimedOut)
	default:
		s.lost(errno.ETIMEDOUT)
	}
}

// peerTTL is the other half: a PING with a TTL says the peer wants the
// connection ended "if it does not receive any more traffic within the TTL
// period". The period runs from the peer's latest PING, and traffic read
// after it ends the wait until the next PING, as in libzmq. One timer per
// connection, moved on lazily (ttlExpired), so that a peer sending PINGs
// fast costs no timer each.
func (s *session) peerTTL(ttl uint16) {
	if ttl == 0 {
		return
	}
	s.readSinceTTL = false
	d := time.Duration(ttl) * 100 * time.Millisecond
	s.ttlEnd = time.Now().Add(d)
	if s.ttlTimer != nil && s.ttlTimer.at.After(s.ttlEnd) {
		s.ttlTimer.cancel() // a shorter TTL than before
		s.ttlTimer = nil
	}
	if s.ttlTimer == nil {
		s.ttlTimer = s.loop.after(d, s.ttlExpired)
	}
}

func (s *session) ttlExpired() {
	s.ttlTimer = nil
	switch {
	case s.fd < 0 || s.readSinceTTL:
		// Traffic after the PING: the next PING starts a new period.
	case time.Now().Before(s.ttlEnd):
		s.ttlTimer = s.loop.after(time.Until(s.ttlEnd), s.ttlExpired)
	default:
		s.lost(errno.ETIMEDOUT)
	}
}

// handshakeTimeout ends a connection still handshaking after
// ZMQ_HANDSHAKE_IVL, as libzmq does: a peer that connects and sends
// nothing must not hold the connection's buffers for ever.
func (s *session) handshakeTimeout() {
	s.handshakeTimer = nil
	if s.fd >= 0 && !s.active {
		s.lost(errno.ETIMEDOUT)
	}
}

func (s *session) handle(events uint32) {
	if events&evWrite != 0 {
		s.writeOut()
	}
	if s.fd < 0 || events&(evRead|evHup|evErr) == 0 {
		return
	}
	if s.readPaused {
		// Hang-up and error are reported whatever the interest, so a
		// session waiting for its socket to drain the pipe would be woken
		// again and again. Take the fd out of the poller until the pipe
		// has room; what the kernel still holds is read then.
		if len(s.segs) > 0 {
			s.writeOut() // fails, and ends the connection, if it is gone
		}
		if s.fd >= 0 && !s.parked {
			s.loop.unwatch(s.fd)
			s.parked = true
		}
		return
	}
	s.readIn()
}

// updateRead asks the poller for read readiness unless the pipe to the
// socket is full or the socket reads the connection itself.
func (s *session) updateRead() {
	if s.readPaused || s.driven.Load() {
		s.setInterest(s.events &^ evRead)
	} else {
		s.setInterest(s.events | evRead)
	}
}

// driveIdle is how long a socket may leave a driven connection alone
// before the loop takes it back: long enough that a request/reply
// round trip (tens of microseconds) never hands it back and forth, short
// enough that a socket that stopped spinning costs little delay.
const driveIdle = time.Millisecond

// driveIdleMax bounds how far the check of a driven connection backs off
// while its socket keeps using it: every check wakes the loop, and a
// socket waiting on its connection (Peer.Wait) for a stream of round trips
// would otherwise cost a thread wake-up a millisecond, which on a busy
// two-CPU machine lands in the round trips' tail. A socket that then stops
// calling leaves the connection unread for at most twice this; a Poller
// gives it back at once (sockets.Socket.Events).
const driveIdleMax = 16 * time.Millisecond

// drive is Peer.Drive's work, under exec: write what peer.Out holds, read
// what the kernel has. The first call takes read readiness away from the
// poller, which would otherwise wake the loop for every message only to
// find it read already; a timer gives it back after driveIdle without a
// call.
func (s *session) drive() {
	s.drives++
	s.inlineSends = 1
	if !s.driven.Load() {
		s.driven.Store(true)
		s.driveSeen = s.drives
		s.updateRead()
		if now := time.Now(); now.Sub(s.lastQuiet) >= driveIdle && now.Sub(s.lastLongDrive) < quietMemory {
			s.quietDriven() // see quietDriven
		}
		// Through Post, not after: the loop may be asleep with no timer,
		// and only posted work wakes it.
		s.loop.Post(s.armDriveCheck)
	}
	s.onPipeReady()
	if s.fd >= 0 && !s.readPaused {
		s.readIn()
	}
}

func (s *session) armDriveCheck() {
	if s.driven.Load() && s.driveTimer == nil {
		s.driveTimer = s.loop.after(driveIdle, s.checkDriven)
	}
}

func (s *session) checkDriven() {
	if !s.driven.Load() || s.fd < 0 {
		return
	}
	if s.drives != s.driveSeen || s.waiting {
		s.lastLongDrive = time.Now()
		s.quietDriven()
		s.quietWait()
		s.driveSeen = s.drives
		s.driveCheck = min(2*max(s.driveCheck, driveIdle/2), driveIdleMax)
		s.driveTimer = s.loop.after(s.driveCheck, s.checkDriven)
		return
	}
	s.undrive()
}

// quietMemory: see quietDriven.
const quietMemory = 10 * time.Millisecond

// quietDriven tells the poller that this driven connection will not need
// it for a while (poller.quiet): the netpoll backend would otherwise wake
// a thread for every segment that arrives, and that thread preempts
// spinning sockets. It is done when a connection has been driven for
// driveIdle (checkDriven), and again at the start of a drive when it was
// last found driven that long within quietMemory and last quieted at
// least driveIdle ago: a socket that spins without pause, but whose spin
// times out now and then (each time handing the connection back), keeps
// the poller quiet, while the re-registration each hand-back then costs
// (a dup, two syscalls, a few allocations) happens at most once per
// driveIdle.
func (s *session) quietDriven() {
	if s.fd >= 0 && s.events == 0 && !s.parked && s.loop.poller.quiet(s.fd) {
		s.lastQuiet = time.Now()
	}
}

// undrive hands the connection back to the poller.
func (s *session) undrive() {
	s.driveCheck = 0
	s.driven.Store(false)
	s.driveTimer.cancel()
	s.driveTimer = nil
	s.updateRead()
	if s.fd >= 0 && s.active && s.in.Len() > 0 && !s.readPaused {
		// What the socket's drives read and left undecoded goes to the
		// pipe now: no read readiness will say it is there.
		s.process()
		s.flushIn()
	}
}

func (s *session) setInterest(ev uint32) {
	if s.fd >= 0 && ev != s.events {
		s.events = ev
		if !s.parked {
			s.loop.poller.mod(s.fd, ev)
		}
	}
}

// readIn reads what the kernel has, a bounded number of times so one busy
// peer cannot starve the loop's others (the poller is level-triggered).
func (s *session) readIn() {
	s.readMore = false
	if s.active && s.in.Len() > 0 && s.big.Data == nil && !s.readPaused && !s.localFull {
		// Frames that a socket's own drive read but left undecoded (its
		// local queue was full) come before anything read now, and must
		// be decoded before a read that may find the stream's end: that
		// read ends the connection, and drops what is still here.
		s.process()
	}
	for round := 0; round < 8 && s.fd >= 0 && !s.readPaused && !s.localFull; round++ {
		var n, want int
		var err error
		if s.big.Data != nil {
			if s.bigFill == len(s.big.Data) {
				s.growBig()
			}
			buf := s.big.Data[s.bigFill:]
			want = len(buf)
			if n, err = readFD(s.fd, buf); n > 0 {
				s.readSincePing, s.readSinceTTL = true, true
				s.bigFill += n
				if s.bigFill == s.bigSize {
					m := s.big
					m.Data = m.Data[:s.bigSize]
					s.big = ring.Msg{}
					s.bigDone(m)
					s.process()
				}
			}
		} else {
			buf := s.in.Free()
			if len(buf) == 0 && s.in.Cap() < s.inMax {
				// Full of one unfinished frame or command: double, up to
				// what the largest of them needs.
				s.in.Resize(min(2*s.in.Cap(), s.inMax))
				buf = s.in.Free()
			}
			if len(buf) == 0 {
				// Cannot happen: frames that do not fit go to s.big, and
				// handshake commands are limited to inMax. Never read
				// into nothing and call it EOF.
				s.lost(zmtp.ErrTooLarge)
				return
			}
			if len(buf) > s.cfg.InBatchSize {
				buf = buf[:s.cfg.InBatchSize]
			}
			want = len(buf)
			if n, err = readFD(s.fd, buf); n > 0 {
				s.readSincePing, s.readSinceTTL = true, true
				s.in.Commit(n)
				s.process()
			}
		}
		if err != nil {
			if isAgain(err) {
				break
			}
			s.lost(sysErr(err))
			return
		}
		if n == 0 {
			s.lost(io.EOF)
			return
		}
		if n < want {
			break
		}
		if round == 7 {
			s.readMore = true
		}
	}
	s.flushIn()
}

// growBig enlarges the big frame's memory as its bytes arrive: bigGrowth
// times at each step, up to an eighth of the frame; from there, the whole
// frame. So the frame costs at most 9/8 of its size while the last copy is
// made (and the earlier steps, a seventh of that eighth, wait for the
// collector), and never more than bigGrowth times what has arrived.
func (s *session) growBig() {
	size := s.bigSize
	if step := s.bigSize / bigGrowth; len(s.big.Data) < step {
		size = min(bigGrowth*len(s.big.Data), step)
	}
	nm := ring.NewMsg(size)
	nm.Flags = s.big.Flags
	copy(nm.Data, s.big.Data[:s.bigFill])
	s.big.Free()
	s.big = nm
}

// process decodes everything whole in the input buffer.
func (s *session) process() {
	if s.raw() {
		s.processRaw()
		return
	}
	for s.fd >= 0 {
		b := s.in.Bytes()
		if !s.active {
			if s.zap != nil {
				return // the handshake waits for the ZAP handler (zapDone)
			}
			n, err := s.hs.Input(b)
			s.in.Consume(n)
			if err == nil {
				if req, ok := s.hs.ZAPPending(); ok {
					if err = s.startZAP(req); err == nil && s.zap == nil {
						// Answered at once: no handler, and accepted.
						s.queueBytes(s.hs.Output(nil))
						continue
					}
				}
			}
			s.queueBytes(s.hs.Output(nil))
			if err != nil {
				s.fail(err) // after an ERROR command, if the mechanism queued one
				return
			}
			if !s.hs.Done() {
				s.writeOut()
				return
			}
			s.handshakeDone()
			continue
		}
		if len(b) == 0 || s.big.Data != nil || s.localFull {
			return // (localFull: the socket's local queue is full; see deliver)
		}
		if s.toLocal {
			if s.processLocal() {
				continue
			}
		}
		if !s.dec.Mid() && !s.peer.In.CheckWrite() {
			// Mute on receive: stop reading until the socket drains the
			// pipe (its reads wake us through the writer waker).
			s.readPaused = true
			s.updateRead()
			return
		}
		f, n, err := s.dec.Next(b)
		if err != nil {
			s.lost(err)
			return
		}
		switch f.Kind {
		case zmtp.FrameNone:
			return
		case zmtp.FrameBody:
			if f.Size > s.loop.pool.frameCeiling {
				// More than the machine could ever hold: closed at the
				// header, as libzmq's failed malloc closes it (issue 12).
				s.lost(fmt.Errorf("%w: a %d-byte frame, more than this machine's %d bytes of memory and swap", zmtp.ErrTooLarge, f.Size, s.loop.pool.frameCeiling))
				return
			}
			// A big frame, read into its own memory (readIn). Start
			// small, but never below what is already here.
			avail := len(b) - n
			s.big = ring.NewMsg(max(min(f.Size, bigStart), avail))
			s.bigSize = f.Size
			s.bigFill = copy(s.big.Data, b[n:])
			s.in.Consume(len(b))
			return
		case zmtp.FrameMessage:
			m := s.slab.NewMsg(len(f.Body))
			copy(m.Data, f.Body)
			m.Flags = msgFlags(f)
			s.in.Consume(n)
			s.deliver(m, f.First)
		default:
			// f.Body stays readable after Consume: only the next read
			// overwrites it, and command uses it first.
			s.in.Consume(n)
			s.command(f)
		}
	}
}

// bigDone passes on a big frame once its body is whole in m.
func (s *session) bigDone(m ring.Msg) {
	f, err := s.dec.Body(m.Data)
	if err != nil {
		m.Free()
		s.lost(err)
		return
	}
	if f.Kind != zmtp.FrameMessage {
		s.command(f)
		m.Free()
		return
	}
	m.Data = f.Body // all of m.Data (a Transform may open a frame in place)
	m.Flags = msgFlags(f)
	s.deliver(m, f.First)
}

// msgFlags are a decoded message frame's flags in a ring.Msg.
func msgFlags(f zmtp.Frame) ring.Flags {
	if f.Flags&zmtp.FlagMore != 0 {
		return ring.More
	}
	return 0
}

// raw reports whether the session carries raw TCP (a STREAM socket's, or
// a ROUTER's with ZMQ_ROUTER_RAW): no
// handshake, every read delivered as one frame, every frame written as its
// bytes alone, and an empty frame closing the connection.
func (s *session) raw() bool { return s.isRaw }

// processRaw hands what was read to the socket as one frame (a STREAM
// socket adds the routing id). Memory stays bounded by the pipe's HWM: at
// it, reading stops until the socket drains.
func (s *session) processRaw() {
	b := s.in.Bytes()
	if len(b) == 0 || s.fd < 0 {
		return
	}
	if !s.peer.In.CheckWrite() {
		s.readPaused = true
		s.updateRead()
		return
	}
	m := ring.NewMsg(len(b))
	copy(m.Data, b)
	s.in.Consume(len(b))
	s.deliver(m, true)
}

// dialled reports whether the session's connections are ones it dialled
// (its owner is a Connecter) rather than accepted.
func (s *session) dialled() bool {
	_, ok := s.owner.(*Connecter)
	return ok
}

func (s *session) handshakeDone() {
	s.active = true
	s.handshakeTimer.cancel()
	s.handshakeTimer = nil
	var pi zmtp.PeerInfo
	var meta *Metadata
	if s.hs != nil {
		pi = s.hs.Peer()
		if pi.Major >= 3 {
			// libzmq 4.3.4 reports a handshake only when a security
			// mechanism ran (stream_engine_base_t::mechanism_ready); ZMTP
			// 1.0 and 2.0 have none.
			s.host.Event(Event{Kind: EventHandshakeSucceeded, Endpoint: s.endpoint})
		}
		meta = newMetadata(&pi, peerAddress(s.fd, s.transport))
	} else {
		meta = newMetadata(nil, peerAddress(s.fd, s.transport))
	}
	if s.hs != nil {
		// The frame stream after the handshake. Frames over bigFrame are
		// read into their own memory (readIn), bodies over copyBody
		// written from theirs (writeOut). The Handshake chose the
		// framing: ZMTP 3, or a ZMTP 2.0 or 1.0 peer's, which has no
		// commands; the direct paths serve all three (Decoder.Short takes
		// ZMTP 2.0's short frames too, and no ZMTP 1.0 ones).
		tr := s.hs.Transform() // CURVE's boxes; nil for NULL and PLAIN
		fr := s.hs.Framing()
		s.dec.Reset(zmtp.DecoderConfig{MaxMsgSize: s.cfg.MaxMsgSize, Direct: bigFrame,
			Subscriptions: s.cfg.TakesSubscriptions, Transform: tr, Framing: fr})
		s.enc.Reset(zmtp.EncoderConfig{CopyMax: copyBody,
			SubscriptionCommands: s.cfg.SendsSubscriptions && takesSubscriptionCommands(&pi), Transform: tr, Framing: fr})
	}
	if s.peer != nil {
		// Before anything this connection brings is in the pipe.
		s.peer.meta.Store(meta)
	}
	if s.peer == nil {
		// A new peer for each connection: an accepted one, or a connect's
		// with ZMQ_IMMEDIATE.
		s.peer = newPeerFor(&s.cfg, s.endpoint)
		s.peer.SocketType = pi.SocketType
		s.peer.RoutingID = pi.Identity
		s.peer.meta.Store(meta)
		if len(s.cfg.PeerID) > 0 && !s.connected {
			// The first connection only: a later one (the connecter
			// redialling) gets a routing id of its own, so that its
			// notifications cannot be taken for the old one's, whose data
			// may still be on its way to the application.
			s.peer.RoutingID = s.cfg.PeerID
		}
		s.peer.session.Store(s)
		s.peer.In.SetWriterWaker(s)
		s.peer.Out.SetReaderWaker(s)
		s.host.Attach(s.peer)
	} else if s.connected && !s.raw() {
		// The same pipes, a new connection (connect without
		// ZMQ_IMMEDIATE): the socket hears of it again, so that a SUB can
		// tell the new publisher what it subscribed to (Host.Attach). A
		// raw socket has nothing to redo: its news is the notification.
		s.host.Attach(s.peer)
	}
	if s.raw() {
		// A STREAM socket's connect notification: an empty frame, in
		// order with what the connection brings. Pipes a connect made
		// carry one for each of their connections, under the same
		// routing id, as libzmq 4.3.4's do.
		s.peer.In.Write(ring.Msg{})
		s.peer.In.Flush()
	}
	if s.hs != nil && pi.Major == 0 && s.cfg.TakesSubscriptions {
		// A 0MQ 2.x peer (ZMTP 1.0 without a version) never sends
		// subscriptions: its subscribers filter what they receive
		// themselves. A publisher therefore sends it everything, as if it
		// had subscribed to all topics; libzmq 4.3.4 puts the same
		// subscription into the stream after the identity
		// (zmtp_engine_t::process_routing_id_msg).
		m := s.slab.NewMsg(1)
		m.Data[0] = 1
		s.deliver(m, true)
		s.flushIn()
	}
	s.connected = true
	if s.cfg.HeartbeatIvl > 0 && !s.raw() && pi.Major >= 3 {
		// (PING and PONG came with ZMTP 3.1; libzmq 4.3.4 does not
		// heartbeat older peers either.)
		s.pingTimer = s.loop.after(time.Duration(s.cfg.HeartbeatIvl)*time.Millisecond, s.heartbeat)
	}
	s.writeOut()
}

// takesSubscriptionCommands reports whether the peer expects a SUB's
// subscriptions as SUBSCRIBE and CANCEL commands, which came with ZMTP
// 3.1; older peers take them as messages (0x01 or 0x00 and the topic).
func takesSubscriptionCommands(pi *zmtp.PeerInfo) bool {
	return pi.Major > 3 || pi.Major == 3 && pi.Minor >= 1
}

// deliver writes one message frame to the socket; first says whether it
// begins its message. A message is published whole (see flushIn).
func (s *session) deliver(m ring.Msg, first bool) {
	if s.toLocal {
		q := s.peer.lq
		q.msgs = append(q.msgs, m)
		s.localBytes += len(m.Data)
		if !m.More() {
			s.localMark = len(q.msgs)
			// Full: decoding and reading stop until the socket has taken
			// these; what is read stays in the input buffer (see
			// direct.go).
			s.localFull = len(q.msgs)-q.head >= localMax || s.localBytes >= localMaxBytes
		}
		return
	}
	if m.More() {
		if first && s.inUnflushed {
			// A multipart message starts: publish the whole messages
			// before it, so that what is unflushed is never more than one
			// partial message (which is all closeConn may roll back).
			s.inUnflushed = false
			s.peer.In.Flush()
		}
	} else {
		s.inUnflushed = true
	}
	s.peer.In.Write(m)
}

// command acts on a command the decoder found. f.Body is borrowed from the
// decoder's input.
func (s *session) command(f zmtp.Frame) {
	switch f.Kind {
	case zmtp.FramePing:
		s.peerTTL(f.TTL)
		// At most one PONG waits to be written: a peer that floods PINGs
		// and reads nothing must not grow our buffers (libzmq, too, keeps
		// one pending PONG).
		if !s.pongPending {
			s.pongPending = true
			s.pongBuf = s.enc.AppendPong(s.pongBuf[:0], f.Body)
			s.queueBytes(s.pongBuf)
			s.writeOut()
		}
	case zmtp.FrameSubscribe, zmtp.FrameCancel:
		// A publisher's socket (Config.TakesSubscriptions) takes them as
		// ZMTP 3.0 peers send them, a message of 0x01 (0x00 to cancel) and
		// the topic, which is also how a SUB's socket writes them (the
		// encoder turns them back into commands for ZMTP 3.1 peers).
		m := s.slab.NewMsg(len(f.Body) + 1)
		m.Data[0] = 0
		if f.Kind == zmtp.FrameSubscribe {
			m.Data[0] = 1
		}
		copy(m.Data[1:], f.Body)
		s.deliver(m, f.First)
	}
	// PONG and the commands the decoder ignores: nothing to do. ERROR is
	// the decoder's error.
}

// flushIn publishes complete messages to the socket, one wake-up a batch.
// A message is only published whole.
func (s *session) flushIn() {
	if s.inUnflushed && !s.dec.Mid() && s.peer != nil {
		s.inUnflushed = false
		s.peer.In.Flush()
	}
}

// queueBytes appends raw bytes (handshake, commands) to the next write.
func (s *session) queueBytes(b []byte) {
	if len(b) == 0 {
		return
	}
	off := len(s.wbuf)
	s.wbuf = append(s.wbuf, b...)
	s.addWbufSeg(off, len(b))
}

func (s *session) addWbufSeg(off, n int) {
	if k := len(s.segs); k > 0 && s.segs[k-1].msg < 0 && s.segs[k-1].off+s.segs[k-1].n == off {
		s.segs[k-1].n += n
		return
	}
	s.segs = append(s.segs, seg{msg: -1, off: off, n: n})
}

// fill encodes frames from peer.Out into the next write, up to
// ZMQ_OUT_BATCH_SIZE bytes. It reports whether there is anything to write.
func (s *session) fill() bool {
	budget := s.cfg.OutBatchSize
	total := 0
	for total < budget && len(s.segs) < maxIovecs-2 {
		m, ok := s.peer.Out.Read()
		if !ok {
			if s.raw() && s.peer.Out.Closed() {
				s.closeAfterWrite = true // see socketClosed
			}
			break
		}
		if s.dropTail {
			s.dropTail = m.More()
			m.Free()
			continue
		}
		if s.raw() {
			// Frames go out as their bytes. An empty one is nothing on
			// the wire (a raw ROUTER's ZMQ_PROBE_ROUTER writes one; libzmq
			// 4.3.4 asserts on it): what closes a connection is the
			// socket closing the pipe (socketClosed).
			if len(m.Data) == 0 {
				m.Free()
				continue
			}
			off := len(s.wbuf)
			if len(m.Data) <= copyBody {
				s.wbuf = append(s.wbuf, m.Data...)
				s.addWbufSeg(off, len(m.Data))
				total += len(m.Data)
				m.Free()
				continue
			}
			s.held = append(s.held, m)
			s.segs = append(s.segs, seg{msg: len(s.held) - 1, n: len(m.Data)})
			total += len(m.Data)
			continue
		}
		var flags byte
		if m.Flags&ring.More != 0 {
			flags |= zmtp.FlagMore
		}
		if m.Flags&ring.Command != 0 {
			flags |= zmtp.FlagCommand
		}
		off := len(s.wbuf)
		var tail []byte
		s.wbuf, tail = s.enc.AppendFrame(s.wbuf, flags, m.Data)
		s.addWbufSeg(off, len(s.wbuf)-off)
		total += len(s.wbuf) - off
		if tail == nil {
			m.Free()
			continue
		}
		// A large body goes to writev from the message's memory.
		s.held = append(s.held, m)
		s.segs = append(s.segs, seg{msg: len(s.held) - 1, off: len(m.Data) - len(tail), n: len(tail)})
		total += len(tail)
	}
	return len(s.segs) > 0
}

// writeOut writes until the kernel pushes back or nothing is left.
func (s *session) writeOut() {
	for s.fd >= 0 {
		if len(s.segs) == 0 {
			if s.closeAfterWrite {
				s.closeAfterWrite = false
				s.closedBySocket()
				return
			}
			if !s.active || !s.fill() {
				if s.closeAfterWrite {
					continue
				}
				s.setInterest(s.events &^ evWrite)
				s.lingerCheck()
				return
			}
		}
		s.iov = s.iov[:0]
		for i := range s.segs {
			if i == maxIovecs {
				break
			}
			sg := &s.segs[i]
			var b []byte
			if sg.msg < 0 {
				b = s.wbuf[sg.off : sg.off+sg.n]
			} else {
				b = s.held[sg.msg].Data[sg.off : sg.off+sg.n]
			}
			s.iov = append(s.iov, iovec{})
			setIovec(&s.iov[len(s.iov)-1], b)
		}
		n, err := writevFD(s.fd, s.iov)
		if err != nil {
			if isAgain(err) {
				s.setInterest(s.events | evWrite)
				return
			}
			if s.failing != nil {
				s.lost(s.failing)
			} else {
				s.lost(sysErr(err))
			}
			return
		}
		s.advance(n)
	}
}

// fail ends the connection for err once what the handshake queued for the
// peer (an ERROR) is written, as far as the kernel takes it. A write that
// fails meanwhile (the peer closed first) ends it for err too, not for the
// write's own error: that must neither hide why from the monitor nor
// decide whether a connecter redials (connectionLost).
func (s *session) fail(err error) {
	s.failing = err
	s.writeOut()
	s.failing = nil
	if s.fd >= 0 {
		s.lost(err)
	}
}

// advance drops n written bytes from the front of the pending write.
func (s *session) advance(n int) {
	i := 0
	for i < len(s.segs) && n > 0 {
		sg := &s.segs[i]
		if n < sg.n {
			sg.off += n
			sg.n -= n
			n = 0
			break
		}
		n -= sg.n
		if sg.msg >= 0 {
			s.held[sg.msg].Free()
		}
		i++
	}
	if i == len(s.segs) {
		s.segs = s.segs[:0]
		s.held = s.held[:0]
		s.wbuf = s.wbuf[:0]
		s.pongPending = false
		return
	}
	s.segs = s.segs[:copy(s.segs, s.segs[i:])]
}

// onPipeReady runs on the loop after Wake.
func (s *session) onPipeReady() {
	if s.dialHeld && !s.finished && (s.peer.In.Detached() || s.peer.In.CheckWrite()) {
		s.dialHeld = false
		s.owner.redial()
	}
	if s.finished || s.fd < 0 {
		if s.lingering && !s.finished && s.fd < 0 && s.peer != nil && !s.peer.Out.Peek() {
			s.finish() // lingering with nothing left to send
		}
		return
	}
	if s.readPaused && s.peer.In.CheckWrite() {
		s.readPaused = false
		if s.parked {
			s.parked = false
			ev := s.events | evRead
			if s.driven.Load() {
				ev &^= evRead
			}
			if err := s.loop.watch(s.fd, ev, s); err != nil {
				s.lost(sysErr(err))
				return
			}
			s.events = ev
			// No read here: what the buffer holds is decoded first (below),
			// and the level-triggered poller reports the hang-up after.
		}
		s.updateRead()
		s.process()
		s.flushIn()
	}
	if s.active {
		s.writeOut()
	}
}

// lost ends the current connection after an error, EOF or protocol
// violation. A connecter's session may wait for the next connection.
func (s *session) lost(err error) {
	s.handshook = s.active
	if s.zap != nil {
		s.zap.close()
		s.zap = nil
	}
	if s.raw() && s.active && s.peer != nil {
		// A STREAM socket's disconnect notification, after the data.
		s.peer.In.Write(ring.Msg{})
		s.inUnflushed = true
	}
	if s.fd >= 0 {
		if _, coded := zmtp.CodeOf(err); (!s.active || coded) && !errors.Is(err, zmtp.ErrDowngradeRefused) {
			// (coded while active: a CURVE box that failed to open, which
			// libzmq reports as a protocol failure too. A ZMTP 1.0 or 2.0
			// peer that a secure socket refuses is closed with no
			// handshake event, as libzmq 4.3.4 closes it: its monitor
			// shows only the disconnection.)
			kind, value := handshakeFailure(err)
			s.host.Event(Event{Kind: kind, Value: value, Endpoint: s.endpoint, Err: err})
		}
		s.host.Event(Event{Kind: EventDisconnected, Value: uint32(s.fd), Endpoint: s.endpoint, Err: err})
	}
	closed := s.socketClosed()
	s.closeConn()
	if s.peer != nil && !s.persistent {
		s.releasePeer()
	}
	if !s.finished && !closed && s.owner.connectionLost(s, err) {
		return
	}
	s.finish()
}

// socketClosed reports whether a raw socket has closed this session's
// pipes and everything it sent before is written: "To close a specific
// connection, send the routing id frame followed by a zero-length
// message" (ZMQ_STREAM; a raw ROUTER's likewise). The socket closes Out
// and detaches from In at once (sockets.closeRaw), so it hears nothing
// more of the connection, its end included, and a connecter does not
// dial again: as in libzmq 4.3.4, where the session ends with its pipe.
// What the socket sent before the close still goes out, on the next
// connection if the current one is gone (libzmq then leaves that
// connection open for ever; zring closes it as asked).
func (s *session) socketClosed() bool {
	return s.raw() && s.peer != nil && s.peer.Out.Closed()
}

// closedBySocket ends the session when its raw socket closed the
// connection (socketClosed): no disconnect notification, no redial, and
// no monitor event: ZMQ_EVENT_DISCONNECTED is for a socket "disconnected
// unexpectedly", and libzmq 4.3.4 reports nothing here either.
func (s *session) closedBySocket() { s.finish() }

// holdDial reports whether a connecter's session must not connect again
// yet, and if so waits for room: pipes a raw socket's connect made take a
// connect and a disconnect notification for each connection, even at
// their HWM (the notifications must not be lost, or the application could
// not tell one connection's data from the next, which comes under the
// same routing id), so a peer that accepts and closes again and again
// while the application reads nothing would grow them without bound. The
// session dials again once the socket has drained peer.In below its HWM
// (CheckWrite, refusing, asks for that wake-up; see onPipeReady). libzmq
// 4.3.4 goes on reconnecting and drops the notifications a full pipe
// refuses.
func (s *session) holdDial() bool {
	if !s.raw() || !s.persistent || s.peer == nil || s.finished || s.peer.In.Detached() || s.peer.In.CheckWrite() {
		return false // (a pipe the socket detached refuses, and drops, all)
	}
	s.dialHeld = true
	return true
}

// closeConn drops the fd and everything tied to this one connection.
func (s *session) closeConn() {
	if s.fd < 0 {
		return
	}
	if !s.parked {
		s.loop.unwatch(s.fd)
	}
	s.parked = false
	s.closeWait()
	closeFD(s.fd)
	s.fd = -1
	s.active = false
	s.hs = nil
	s.in.Reset()
	s.big.Free()
	s.bigFill, s.bigSize = 0, 0
	for i := range s.held {
		s.held[i].Free()
	}
	s.held, s.segs, s.wbuf = s.held[:0], s.segs[:0], s.wbuf[:0]
	s.pongPending = false
	s.closeAfterWrite = false
	s.readPaused = false
	s.handshakeTimer.cancel()
	s.handshakeTimer = nil
	s.pingTimer.cancel()
	s.pingWait.cancel()
	s.ttlTimer.cancel()
	s.pingTimer, s.pingWait, s.ttlTimer = nil, nil, nil
	if s.driven.Load() {
		s.driven.Store(false)
		s.driveTimer.cancel()
		s.driveTimer = nil
	}
	if s.peer != nil {
		s.dropLocalTail()    // a message cut short is not delivered,
		s.flushIn()          // whole ones already decoded are
		s.peer.In.Rollback() // (likewise in the pipe)
	}
	s.inUnflushed = false
	s.dec.Reset(zmtp.DecoderConfig{})
	if s.enc.Mid() {
		s.dropTail = true // the rest of a half-sent message must not reach the next peer
	}
	s.enc.Reset(zmtp.EncoderConfig{})
}

// releasePeer hands the pipes back: the socket reads what In holds, then
// sees it closed; Out is read no more.
func (s *session) releasePeer() {
	s.peer.session.Store(nil)
	s.flushIn()
	s.peer.In.Close()
	s.peer.Out.Detach()
	s.host.Detach(s.peer)
	s.peer = nil
}

// terminate ends the session for its socket (close, unbind, disconnect):
// at once with linger 0, else after the queued messages are written or
// the linger period runs out.
func (s *session) terminate(linger int) {
	if s.finished {
		return
	}
	s.lingering = true
	if linger == 0 || s.peer == nil {
		s.finish()
		return
	}
	if linger > 0 {
		s.lingerTimer = s.loop.after(time.Duration(linger)*time.Millisecond, s.finish)
	}
	if s.fd >= 0 {
		s.writeOut()
	} else {
		s.onPipeReady()
	}
}

// lingerCheck finishes a lingering session once everything is written.
func (s *session) lingerCheck() {
	if s.lingering && len(s.segs) == 0 && !s.peer.Out.Peek() {
		s.finish()
	}
}

func (s *session) finish() {
	if s.finished {
		return
	}
	s.finished = true
	s.lingerTimer.cancel()
	s.closeConn()
	s.dropTail = false
	if s.peer != nil {
		s.releasePeer()
	}
	s.slab.Release()
	s.owner.sessionFinished(s)
}
