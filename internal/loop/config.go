package loop

import (
	"net/netip"
	"sync/atomic"

	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

// Config is what a session needs of its socket's options, copied when the
// endpoint is bound or connected (libzmq takes options at that moment too).
type Config struct {
	SocketType      string // ZMTP Socket-Type, e.g. "PUSH"
	RoutingID       []byte
	MaxMsgSize      int64 // -1: no limit
	SndHWM          int
	RcvHWM          int
	ReconnectIvl    int // ms; -1: never reconnect
	ReconnectIvlMax int // ms; 0: no backoff
	InBatchSize     int // bytes one read moves
	OutBatchSize    int // bytes one vectored write moves
	Immediate       bool
	Affinity        uint64
	HandshakeIvl    int // ms a new connection has to finish the ZMTP handshake; 0: no limit
	// ZMTP heartbeats, in ms (0: off): a PING every HeartbeatIvl, carrying
	// HeartbeatTTL; the connection ends if nothing arrives within
	// HeartbeatTimeout (HeartbeatIvl when 0) of a PING.
	HeartbeatIvl     int
	HeartbeatTTL     int
	HeartbeatTimeout int
	// IPv6 (ZMQ_IPV6): "*" binds the IPv6 wildcard, dual-stack, and host
	// and interface names resolve to IPv6 addresses first.
	IPv6 bool
	// ConnectTimeout (ZMQ_CONNECT_TIMEOUT, ms; 0 none) bounds a tcp connect
	// still in progress; it is then abandoned and retried as after a
	// refusal.
	ConnectTimeout int
	// SOCKSUsername and SOCKSPassword (ZMQ_SOCKS_USERNAME, _PASSWORD; at
	// most 255 bytes each) are offered to a SOCKS5 proxy (see
	// Address.SOCKSHost) by RFC 1929's method when the username is set;
	// with no username the only method offered is "no authentication".
	SOCKSUsername, SOCKSPassword string
	Sock                         SockOpts
	// Accept filters, for a listener: a tcp connection is kept only if its
	// source address is in one of TCPAccept (ZMQ_TCP_ACCEPT_FILTER), an
	// ipc one only if its peer's uid, gid or pid is listed (ZMQ_IPC_FILTER_*),
	// when any list is set.
	TCPAccept                 []netip.Prefix
	IPCUIDs, IPCGIDs, IPCPIDs []int
	// ReconnectStop (ZMQ_RECONNECT_STOP): when a connecter gives up (see
	// Connecter.stopOn and connectionLost).
	ReconnectStop int
	// Conflate (ZMQ_CONFLATE): the connections' pipes keep only the last
	// message (ring.NewConflatePipe).
	Conflate bool
	// UseFD (ZMQ_USE_FD), when positive, is a socket already bound and
	// listening that Listen takes instead of making one.
	UseFD int
	// Metadata is ZMQ_METADATA: properties sent in our handshake after
	// Socket-Type and Identity ("X-" names).
	Metadata []zmtp.Property
	// Security (ZMQ_MECHANISM and the options of its mechanism): the
	// mechanism (zmtp.MechanismNull, Plain or Curve), our role in it
	// (ZMQ_PLAIN_SERVER, ZMQ_CURVE_SERVER), a PLAIN client's credentials
	// and the CURVE keys; see zmtp.Config.
	Mechanism                                      string
	AsServer                                       bool
	PlainUsername, PlainPassword                   []byte
	CurvePublicKey, CurveSecretKey, CurveServerKey [32]byte
	// ZAPDomain (ZMQ_ZAP_DOMAIN) goes in every ZAP request, and makes a
	// NULL socket ask ZAP at all; ZAPEnforceDomain (ZMQ_ZAP_ENFORCE_DOMAIN)
	// refuses, where no handler is bound, what libzmq 4.3.4 would then
	// accept (see zap.go).
	ZAPDomain        string
	ZAPEnforceDomain bool
	// ZAPConnect joins a new pipe pair to the context's ZAP handler (the
	// socket bound at inproc://zeromq.zap.01) and returns our ends; nil
	// when none is bound. Any goroutine.
	ZAPConnect func() *Peer
	// Raw: the connections carry raw bytes, not ZMTP (a STREAM socket, or a
	// ROUTER with ZMQ_ROUTER_RAW); see session.raw.
	Raw bool
	// TakesSubscriptions: the socket takes subscriptions (PUB, XPUB), so a
	// peer's SUBSCRIBE and CANCEL commands reach it as the subscription
	// messages ZMTP 3.0 peers send (0x01 or 0x00 and the topic); to other
	// sockets they mean nothing and are dropped.
	TakesSubscriptions bool
	// SendsSubscriptions: the socket's subscription messages (SUB, XSUB)
	// go to ZMTP 3.1 peers as SUBSCRIBE and CANCEL commands, as libzmq
	// 4.3.4 sends them; 3.0 peers get the messages.
	SendsSubscriptions bool
	// PeerID, if set, is the routing id of the peer of this connecter's
	// first connection, instead of what it announces (a raw socket's
	// ZMQ_CONNECT_ROUTING_ID with ZMQ_IMMEDIATE, which "applies only to
	// the first subsequent call to zmq_connect()"; without ZMQ_IMMEDIATE
	// the socket makes the peer, with its id, at connect).
	PeerID []byte
	// SendOnConn: the socket's goroutine encodes frames straight into the
	// connection's write buffer when it can (Peer.Write), instead of
	// always through the Out pipe and the loop.
	SendOnConn bool
	// RecvOnConn: a drive the socket's goroutine does (Peer.Drive,
	// Peer.Wait) decodes messages straight into the peer's local queue for
	// it, read with Peer.Read, when nothing waits in In before them. Only
	// for sockets that read their peers with Peer.Read.
	RecvOnConn bool
}

// SockOpts are the options zring passes to the kernel's sockets. -1 (0 for
// TOS, Priority and MaxRT, "" for BindToDevice) leaves the system's value.
type SockOpts struct {
	SndBuf, RcvBuf int    // ZMQ_SNDBUF, ZMQ_RCVBUF: SO_SNDBUF, SO_RCVBUF, bytes
	Backlog        int    // ZMQ_BACKLOG: listen(2)'s backlog (default 100)
	TOS            int    // ZMQ_TOS: IP_TOS (IPV6_TCLASS on IPv6)
	Priority       int    // ZMQ_PRIORITY: SO_PRIORITY
	BindToDevice   string // ZMQ_BINDTODEVICE: SO_BINDTODEVICE
	// ZMQ_TCP_KEEPALIVE (-1, 0, 1) and its _CNT, _IDLE (s), _INTVL (s).
	KeepAlive, KeepAliveCnt, KeepAliveIdle, KeepAliveIntvl int
	MaxRT                                                  int // ZMQ_TCP_MAXRT, ms: TCP_USER_TIMEOUT
}

// DefaultSockOpts leave everything to the system but the backlog.
func DefaultSockOpts() SockOpts {
	return SockOpts{SndBuf: -1, RcvBuf: -1, Backlog: 100, KeepAlive: -1, KeepAliveCnt: -1, KeepAliveIdle: -1, KeepAliveIntvl: -1}
}

// Host is the socket side of a session: the loop tells it about peers whose
// pipes come and go. Both methods are called on a loop goroutine and must
// only queue the news and wake the socket, never block.
type Host interface {
	// Attach hands over a new peer's pipes; or, for pipes the socket made
	// itself (connect without ZMQ_IMMEDIATE), says that they have a new
	// connection after the first (a SUB then resends its subscriptions).
	Attach(p *Peer)
	// Detach says p's connection is gone for good: p.In holds what was
	// received (and is then Closed), p.Out is no longer read.
	Detach(p *Peer)
	// Event reports a monitor event. It must not block.
	Event(e Event)
}

// Peer is the pair of pipes between a socket and one peer connection.
// In is written by the session and read by the socket; Out the reverse.
// The routing fields are set before the Peer is handed to the socket and
// not changed after.
type Peer struct {
	In         *ring.Pipe
	Out        *ring.Pipe
	SocketType string // the peer's Socket-Type
	RoutingID  []byte // the peer's Identity property, if it sent one
	Endpoint   string

	// session carries the pipes to a tcp/ipc connection (nil for inproc,
	// and once the session is done with them): Drive reaches it.
	session atomic.Pointer[session]
	// outPiped: a frame of the message being written went into Out, so
	// the rest of it must too (see Write). The writer's goroutine only.
	outPiped bool
	// wslab, if set, is the writer's slab (SetWriterSlab).
	wslab *ring.Slab
	// lq holds frames the socket's own drives decoded for it, whole
	// messages only, all before anything in In (see direct.go); nil when
	// empty. The socket's goroutine only.
	lq *localQueue
	// meta is the connection's properties (see Metadata), set by the
	// session when a connection is made, before anything it reads is in
	// In; nil for inproc.
	meta atomic.Pointer[Metadata]
}

// SetWriterSlab tells the peer the slab its writer carves frames from, so
// that a frame Write copies into the connection's buffer is freed without
// an atomic operation (ring.Slab.Free). The writer's goroutine.
func (p *Peer) SetWriterSlab(s *ring.Slab) { p.wslab = s }

// Metadata returns the properties of the peer's connection: of the
// latest one, for pipes a connect made that outlive their connections.
// Nil for inproc peers, which have none (as in libzmq). Any goroutine.
func (p *Peer) Metadata() *Metadata { return p.meta.Load() }

// Drive does, on the calling goroutine, what the loop would do for this
// peer's connection: it writes what Out holds and reads what the kernel
// has into In, without blocking. A socket that spins (the context's Spin)
// calls it instead of waiting for the loop to be woken, which on a busy
// request/reply path saves a thread wake-up per hop. It does nothing if
// the loop is busy (the loop then does the work) or for inproc peers.
// It reports whether the drive left frames for the socket in its local
// queue (see Read), which no pipe wake-up announces.
// The socket's goroutine only; Undrive before it parks.
func (p *Peer) Drive() bool {
	s := p.session.Load()
	if s == nil || !s.loop.exec.TryLock() {
		return false
	}
	if s.peer == p && !s.finished && s.fd >= 0 && s.active {
		s.beginLocal()
		s.drive()
		s.endLocal()
	}
	s.loop.exec.Unlock()
	return p.hasLocal()
}

// Undrive gives the connection back to its loop at once: the socket that
// drove it is about to park and would otherwise leave what arrives
// meanwhile unread until the loop takes it back by itself.
func (p *Peer) Undrive() {
	s := p.session.Load()
	if s == nil {
		return
	}
	s.loop.exec.Lock()
	if s.peer == p && s.driven.Load() {
		s.undrive()
	}
	s.loop.exec.Unlock()
}

// NewPeer makes a pipe pair with the socket's HWMs: the socket's receive
// pipe holds rcvHWM messages, its send pipe sndHWM.
//
// The socket's marks are its parts of the pipes' high-water marks (the
// writer's part of Out, the reader's of In; see ring.NewPipeParts), so that
// a later ZMQ_SNDHWM or ZMQ_RCVHWM can change them (ring.Pipe.SetHWMParts).
func NewPeer(sndHWM, rcvHWM int, endpoint string) *Peer {
	return &Peer{In: ring.NewPipeParts(-1, rcvHWM), Out: ring.NewPipeParts(sndHWM, -1), Endpoint: endpoint}
}

// NewConflatePeer makes a pipe pair that keeps only the last message each
// way (ZMQ_CONFLATE).
func NewConflatePeer(endpoint string) *Peer {
	return &Peer{In: ring.NewConflatePipe(), Out: ring.NewConflatePipe(), Endpoint: endpoint}
}

// newPeerFor makes the pipes a connection's socket options ask for.
func newPeerFor(cfg *Config, endpoint string) *Peer {
	if cfg.Conflate {
		return NewConflatePeer(endpoint)
	}
	return NewPeer(cfg.SndHWM, cfg.RcvHWM, endpoint)
}
