package loop

import (
	"errors"
	"io"
	"math/rand/v2"
	"time"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/zmtp"
)

// Connecter keeps one connected endpoint alive: it dials, hands the fd to
// its session, and redials after ZMQ_RECONNECT_IVL (doubling up to
// ZMQ_RECONNECT_IVL_MAX) when the connection fails or ends. Everything but
// Close runs on its loop.
type Connecter struct {
	loop   *Loop
	host   Host
	addr   Address
	cfg    Config
	sess   *session
	ep     string // addr.String(), for events
	dialer dialer
	fd     int // while a connect is in progress
	retry  *timer
	// connTimer is ZMQ_CONNECT_TIMEOUT's, while a connect is in progress.
	connTimer *timer
	ivl       time.Duration
	done      bool

	// Through a SOCKS5 proxy (addr.SOCKSHost set), the exchange with it on
	// fd, between the TCP connect and the session's ZMTP handshake (see
	// socksStep): the client, the proxy's bytes of the message being read
	// (never more than socksMaxReply), what is still to be written, the
	// interest asked of the poller, and ZMQ_HANDSHAKE_IVL's timer.
	socks      *socksClient
	socksIn    [socksMaxReply]byte
	socksLen   int
	socksOut   []byte
	socksEv    uint32
	socksTimer *timer
}

// Connect starts connecting to addr from loop l. With peer non-nil (the
// socket queues messages before the connection exists, ZMQ_IMMEDIATE off),
// the same pipes serve every connection this endpoint makes; with peer nil
// each connection gets fresh pipes after its handshake.
func (l *Loop) Connect(addr Address, cfg Config, host Host, peer *Peer) *Connecter {
	c := &Connecter{loop: l, host: host, addr: addr, ep: addr.String(), cfg: cfg, fd: -1, ivl: time.Duration(cfg.ReconnectIvl) * time.Millisecond}
	c.dialer = newDialer(l.conns)
	c.sess = newSession(l, cfg, host, c, peer, c.ep)
	l.pool.live.Add(1)
	l.load.Add(1)
	l.Post(c.dial)
	return c
}

func (c *Connecter) dial() {
	if c.done {
		return
	}
	if c.sess.socketClosed() {
		c.sess.finish() // closed by its socket, and nothing left to write
		return
	}
	if c.sess.holdDial() {
		return // the session calls redial when there is room
	}
	fd, inProgress, err := c.dialer.dial(c.addr, &c.cfg.Sock)
	if err != nil {
		if c.stopOn(err) {
			return
		}
		c.scheduleRetry()
		return
	}
	if !inProgress {
		c.tcpConnected(fd, false)
		return
	}
	c.fd = fd
	c.host.Event(Event{Kind: EventConnectDelayed, Value: uint32(errno.EINPROGRESS), Endpoint: c.ep})
	if done, err := c.dialer.settle(fd); done {
		// On loopback the answer to the SYN (SYN-ACK or RST) is usually
		// in by the time connect returns: take it without a watch, which
		// costs the netpoll backend a dup, a registration and goroutines.
		// 100 sockets redialling a dead port every 100 ms took 6-10 % of
		// a core through the watch (torture's churn/reconnect-dead).
		c.fd = -1
		if err != nil {
			// (settle kept fd as the spare, or closed it.)
			c.host.Event(Event{Kind: EventClosed, Value: uint32(fd), Endpoint: c.ep, Err: err})
			if !c.stopOn(err) {
				c.scheduleRetry()
			}
			return
		}
		if c.cfg.ConnectTimeout > 0 {
			// It still bounds the exchange with a SOCKS5 proxy.
			c.connTimer = c.loop.after(time.Duration(c.cfg.ConnectTimeout)*time.Millisecond, c.connectTimedOut)
		}
		c.tcpConnected(fd, false)
		return
	}
	if err := c.loop.watch(fd, evWrite, c); err != nil {
		closeFD(fd)
		c.fd = -1
		c.scheduleRetry()
		return
	}
	if c.cfg.ConnectTimeout > 0 {
		c.connTimer = c.loop.after(time.Duration(c.cfg.ConnectTimeout)*time.Millisecond, c.connectTimedOut)
	}
}

// connectTimedOut is ZMQ_CONNECT_TIMEOUT: a connect still in progress is
// given up (monitor: CLOSED with ETIMEDOUT) and retried after the
// reconnect interval, as a refused one is.
//
// Through a SOCKS5 proxy the connect lasts until the proxy's reply, so
// the timeout covers the exchange with the proxy as well: the proxy's own
// connect to the endpoint is the slow connect(2) the option is there for.
func (c *Connecter) connectTimedOut() {
	c.connTimer = nil
	if c.fd >= 0 {
		c.abandon(errno.ETIMEDOUT)
	}
}

// abandon gives up the connect in progress on c.fd (monitor: CLOSED,
// carrying err) and retries after the reconnect interval, unless err is a
// refusal and ZMQ_RECONNECT_STOP_CONN_REFUSED says to stop.
func (c *Connecter) abandon(err error) {
	c.connTimer.cancel()
	c.socksTimer.cancel()
	c.connTimer, c.socksTimer, c.socks = nil, nil, nil
	fd := c.fd
	c.loop.unwatch(fd)
	c.fd = -1
	closeFD(fd)
	c.host.Event(Event{Kind: EventClosed, Value: uint32(fd), Endpoint: c.ep, Err: err})
	if c.stopOn(err) {
		return
	}
	c.scheduleRetry()
}

func (c *Connecter) handle(events uint32) {
	if c.socks != nil {
		c.socksStep()
		return
	}
	if err := connectResult(c.fd); err != nil {
		c.abandon(err)
		return
	}
	c.tcpConnected(c.fd, true)
}

// tcpConnected goes on from a finished TCP connect: to the SOCKS5 exchange
// when going through a proxy, else straight to the session. watched says
// whether fd is in the poller still.
func (c *Connecter) tcpConnected(fd int, watched bool) {
	if c.addr.SOCKSHost == "" {
		c.connTimer.cancel()
		c.connTimer = nil
		if watched {
			c.loop.unwatch(fd)
		}
		c.fd = -1
		c.connected(fd)
		return
	}
	c.fd = fd
	if !watched {
		if err := c.loop.watch(fd, evWrite, c); err != nil {
			closeFD(fd)
			c.fd = -1
			c.scheduleRetry()
			return
		}
	}
	c.socksEv = evWrite
	c.socks = newSOCKSClient(c.addr.SOCKSHost, c.addr.SOCKSPort, c.cfg.SOCKSUsername, c.cfg.SOCKSPassword)
	c.socksLen = 0
	c.socksOut = c.socks.Output(c.socksOut[:0])
	if c.cfg.HandshakeIvl > 0 {
		c.socksTimer = c.loop.after(time.Duration(c.cfg.HandshakeIvl)*time.Millisecond, c.socksTimedOut)
	}
	c.socksStep()
}

// socksTimedOut: the proxy has not finished the exchange within
// ZMQ_HANDSHAKE_IVL (default 30 s) of the TCP connect. The interval bounds
// every exchange that comes before messages flow, the proxy's as well as
// the ZMTP handshake (which gets its own ZMQ_HANDSHAKE_IVL after), so a
// proxy that accepts and never answers cannot hold a connecter for ever
// even with ZMQ_CONNECT_TIMEOUT at its default of none.
func (c *Connecter) socksTimedOut() {
	c.socksTimer = nil
	if c.socks != nil {
		c.abandon(errno.ETIMEDOUT)
	}
}

// socksStep moves the SOCKS5 exchange on as far as the kernel lets it
// without blocking: it writes what the client has to say, reads exactly
// the message the client expects next (so the peer's first bytes, which
// may follow the proxy's reply at once, stay in the kernel for the
// session), and hands the connection to the session when the proxy has
// connected. Anything the proxy sends that is not SOCKS5, or a refusal,
// abandons the connection.
func (c *Connecter) socksStep() {
	for c.socks != nil {
		if len(c.socksOut) > 0 {
			n, err := writeFD(c.fd, c.socksOut)
			if err != nil && !isAgain(err) {
				c.abandon(sysErr(err))
				return
			}
			if n > 0 {
				c.socksOut = c.socksOut[:copy(c.socksOut, c.socksOut[n:])]
			}
			if len(c.socksOut) > 0 {
				c.socksInterest(evWrite)
				return
			}
		}
		if c.socks.Done() {
			c.socksDone()
			return
		}
		in := c.socksIn[:c.socksLen]
		if need := c.socks.need(in); c.socksLen < need {
			n, err := readFD(c.fd, c.socksIn[c.socksLen:need])
			if err != nil {
				if isAgain(err) {
					c.socksInterest(evRead)
					return
				}
				c.abandon(sysErr(err))
				return
			}
			if n == 0 {
				c.abandon(io.ErrUnexpectedEOF)
				return
			}
			c.socksLen += n
			continue
		}
		n, err := c.socks.Input(in)
		if err == nil && n == 0 {
			err = ErrSOCKSProtocol // cannot happen: need said the message is whole
		}
		if err != nil {
			c.abandon(err)
			return
		}
		c.socksLen = copy(c.socksIn[:], in[n:])
		c.socksOut = c.socks.Output(c.socksOut)
	}
}

func (c *Connecter) socksInterest(ev uint32) {
	if ev != c.socksEv {
		c.socksEv = ev
		c.loop.poller.mod(c.fd, ev)
	}
}

// socksDone: the proxy has connected us to the endpoint; the rest is the
// session's, as after a direct connect.
func (c *Connecter) socksDone() {
	c.connTimer.cancel()
	c.socksTimer.cancel()
	c.connTimer, c.socksTimer, c.socks = nil, nil, nil
	fd := c.fd
	c.loop.unwatch(fd)
	c.fd = -1
	c.connected(fd)
}

func (c *Connecter) connected(fd int) {
	c.ivl = time.Duration(c.cfg.ReconnectIvl) * time.Millisecond
	tuneConn(fd, c.addr, &c.cfg.Sock, false)
	c.host.Event(Event{Kind: EventConnected, Value: uint32(fd), Endpoint: c.ep})
	c.sess.attachConn(fd, c.addr.Transport)
}

// scheduleRetry waits the reconnect interval plus up to one interval of
// jitter (as libzmq does, so many clients do not return in lockstep), then
// dials again. The interval doubles up to ZMQ_RECONNECT_IVL_MAX when that is
// set above ZMQ_RECONNECT_IVL.
func (c *Connecter) scheduleRetry() {
	if c.done || c.cfg.ReconnectIvl < 0 {
		return
	}
	base := time.Duration(c.cfg.ReconnectIvl) * time.Millisecond
	d := c.ivl
	if base > 0 {
		d = retryDelay(time.Now(), c.ivl, base)
	}
	c.retry = c.loop.after(d, c.dial)
	c.host.Event(Event{Kind: EventConnectRetried, Value: uint32(d / time.Millisecond), Endpoint: c.ep})
	if max := time.Duration(c.cfg.ReconnectIvlMax) * time.Millisecond; max > base {
		c.ivl *= 2
		if c.ivl > max {
			c.ivl = max
		}
	}
}

// retryDelay is libzmq's wait before a redial, ivl plus a random jitter
// under base (ZMQ_RECONNECT_IVL), with the jitter drawn from the points of
// a grid of half of base (50 ms at most) that fall in that window, so
// that a loop with many connects to dead endpoints wakes once a step for
// all those due, not once for each: every wake costs thread switches and
// the runtime's polling. 100 sockets redialling a dead port every 100 ms
// took 7.2-8.2 % of a core on no grid; rounding up to a 25 ms grid (which
// could also end past libzmq's window) 3.3-4.1 %; on this one, together
// with the dialer's spare sockets and raw connects, 1.6-1.75 %
// (torture's churn/reconnect-dead; libzmq 3-4 %). A bare Go program
// making the same connects and waking every 25 ms took 1.8-2.0 %.
func retryDelay(now time.Time, ivl, base time.Duration) time.Duration {
	grid := min(50*time.Millisecond, base/2)
	if grid <= 0 {
		return ivl + time.Duration(rand.Int64N(int64(base)))
	}
	start := now.Add(ivl)
	first := start.Truncate(grid)
	if first.Before(start) {
		first = first.Add(grid)
	}
	// The window [start, start+base) holds at least two grid points.
	steps := int64((start.Add(base).Sub(first) + grid - 1) / grid)
	return first.Add(time.Duration(rand.Int64N(steps)) * grid).Sub(now)
}

// connectionLost is called when the session's connection fails or ends;
// it reports whether the session should wait for the next connection.
// ZMQ_RECONNECT_STOP's flags.
const (
	ReconnectStopConnRefused     = 1
	ReconnectStopHandshakeFailed = 2
	ReconnectStopAfterDisconnect = 4 // Disconnect ends a connecter anyway
)

// stopOn is ZMQ_RECONNECT_STOP_CONN_REFUSED: "stop reconnection when 0MQ
// receives the ECONNREFUSED return code from the connect". It ends the
// connecter's session, and so the connecter, and reports whether it did.
func (c *Connecter) stopOn(err error) bool {
	if c.cfg.ReconnectStop&ReconnectStopConnRefused == 0 || !errors.Is(err, errno.ECONNREFUSED) {
		return false
	}
	c.sess.finish()
	return true
}

func (c *Connecter) connectionLost(s *session, err error) bool {
	if c.done || c.cfg.ReconnectIvl < 0 {
		return false
	}
	if brokeProtocol(err) {
		// libzmq 4.3.4 ends a connecter whose connection failed the
		// protocol, in the handshake or after it (its engine's
		// protocol_error: the session terminates, and its pipe with it),
		// and redials only after the connection itself failed (EOF, a
		// reset, a timeout: connection_error, timeout_error). A peer that
		// refused us once, or that we refused, would again.
		return false
	}
	if c.cfg.ReconnectStop&ReconnectStopHandshakeFailed != 0 && !s.handshook {
		// ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: "stop reconnection if the
		// 0MQ handshake fails".
		return false
	}
	c.scheduleRetry()
	return true
}

// brokeProtocol reports whether a connection ended because a ZMTP peer
// broke or refused the protocol: the errors of package zmtp (a malformed
// or oversized frame, a mechanism or socket-type mismatch, an ERROR from
// the peer, a failed CURVE box) and ZAP refusals. The others are the
// connection's own failures (EOF, and the errnos of a failed system call
// or a timeout: handshake, heartbeat), and a peer that is not speaking
// ZMTP at all (a bad signature or version): libzmq 4.3.4 takes almost any
// first bytes for a ZMTP 1.0 peer and so meets EOF or its handshake
// timeout there, and redials; ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED is the
// option that stops it.
func brokeProtocol(err error) bool {
	var e errno.Errno
	return err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &e) &&
		!errors.Is(err, zmtp.ErrSignature) && !errors.Is(err, zmtp.ErrVersion)
}

// redial: the session held the dial back (holdDial) and has room now.
func (c *Connecter) redial() { c.dial() }

// sessionFinished: the session ended (closed, linger over, or no reconnect).
func (c *Connecter) sessionFinished(*session) {
	if c.done {
		return
	}
	c.done = true
	c.retry.cancel()
	c.connTimer.cancel()
	c.socksTimer.cancel()
	c.connTimer, c.socksTimer, c.socks = nil, nil, nil
	if c.fd >= 0 {
		c.loop.unwatch(c.fd)
		closeFD(c.fd)
		c.fd = -1
	}
	c.dialer.close()
	c.loop.load.Add(-1)
	c.loop.pool.live.Done()
}

// Close stops the endpoint. Its session lingers for linger ms (-1: until
// its queued messages are sent, redialling as needed, as libzmq does), then
// ends. Any goroutine.
func (c *Connecter) Close(linger int) {
	c.loop.Post(func() {
		if !c.done {
			c.sess.terminate(linger)
		}
	})
}
