package loop

import (
	"errors"
	"github.com/zring/zring/internal/errno"
	"math/rand/v2"
	"time"
)

// Connecter keeps one connected endpoint alive: it dials, hands the fd to
// its session, and redials after ZMQ_RECONNECT_IVL (doubling up to
// ZMQ_RECONNECT_IVL_MAX) when the connection fails or ends. Everything but
// Close runs on its loop.
type Connecter struct {
	loop  *Loop
	host  Host
	addr  Address
	cfg   Config
	sess  *session
	fd    int // while a connect is in progress
	retry *timer
	// connTimer is ZMQ_CONNECT_TIMEOUT's, while a connect is in progress.
	connTimer *timer
	ivl       time.Duration
	done      bool
}

// Connect starts connecting to addr from loop l. With peer non-nil (the
// socket queues messages before the connection exists, ZMQ_IMMEDIATE off),
// the same pipes serve every connection this endpoint makes; with peer nil
// each connection gets fresh pipes after its handshake.
func (l *Loop) Connect(addr Address, cfg Config, host Host, peer *Peer) *Connecter {
	c := &Connecter{loop: l, host: host, addr: addr, cfg: cfg, fd: -1, ivl: time.Duration(cfg.ReconnectIvl) * time.Millisecond}
	c.sess = newSession(l, cfg, host, c, peer, addr.String())
	l.pool.live.Add(1)
	l.load.Add(1)
	l.Post(c.dial)
	return c
}

func (c *Connecter) dial() {
	if c.done {
		return
	}
	fd, inProgress, err := dialFD(c.addr, &c.cfg.Sock)
	if err != nil {
		if c.stopOn(err) {
			return
		}
		c.scheduleRetry()
		return
	}
	if !inProgress {
		c.connected(fd)
		return
	}
	c.fd = fd
	c.host.Event(Event{Kind: EventConnectDelayed, Value: uint32(errno.EINPROGRESS), Endpoint: c.addr.String()})
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
func (c *Connecter) connectTimedOut() {
	c.connTimer = nil
	if c.fd < 0 {
		return
	}
	fd := c.fd
	c.loop.unwatch(fd)
	c.fd = -1
	closeFD(fd)
	c.host.Event(Event{Kind: EventClosed, Value: uint32(fd), Endpoint: c.addr.String(), Err: errno.ETIMEDOUT})
	c.scheduleRetry()
}

func (c *Connecter) handle(events uint32) {
	c.connTimer.cancel()
	c.connTimer = nil
	fd := c.fd
	c.loop.unwatch(fd)
	c.fd = -1
	if err := connectResult(fd); err != nil {
		closeFD(fd)
		c.host.Event(Event{Kind: EventClosed, Value: uint32(fd), Endpoint: c.addr.String(), Err: err})
		if c.stopOn(err) {
			return
		}
		c.scheduleRetry()
		return
	}
	c.connected(fd)
}

func (c *Connecter) connected(fd int) {
	c.ivl = time.Duration(c.cfg.ReconnectIvl) * time.Millisecond
	tuneConn(fd, c.addr, &c.cfg.Sock, false)
	c.host.Event(Event{Kind: EventConnected, Value: uint32(fd), Endpoint: c.addr.String()})
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
		d += time.Duration(rand.Int64N(int64(base)))
	}
	c.retry = c.loop.after(d, c.dial)
	c.host.Event(Event{Kind: EventConnectRetried, Value: uint32(d / time.Millisecond), Endpoint: c.addr.String()})
	if max := time.Duration(c.cfg.ReconnectIvlMax) * time.Millisecond; max > base {
		c.ivl *= 2
		if c.ivl > max {
			c.ivl = max
		}
	}
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

func (c *Connecter) connectionLost(s *session) bool {
	if c.done || c.cfg.ReconnectIvl < 0 {
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

// sessionFinished: the session ended (closed, linger over, or no reconnect).
func (c *Connecter) sessionFinished(*session) {
	if c.done {
		return
	}
	c.done = true
	c.retry.cancel()
	if c.fd >= 0 {
		c.loop.unwatch(c.fd)
		closeFD(c.fd)
		c.fd = -1
	}
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
