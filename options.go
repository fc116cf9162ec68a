package zring

import (
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/sockets"
)

// SocketType is a socket type of zmq_socket(3), numbered as in zmq.h.
type SocketType = sockets.Type

// The socket types.
const (
	PAIR   = sockets.PAIR
	PUB    = sockets.PUB
	SUB    = sockets.SUB
	REQ    = sockets.REQ
	REP    = sockets.REP
	DEALER = sockets.DEALER
	ROUTER = sockets.ROUTER
	PULL   = sockets.PULL
	PUSH   = sockets.PUSH
	XPUB   = sockets.XPUB
	XSUB   = sockets.XSUB
	STREAM = sockets.STREAM
)

// Option is a socket option of zmq_setsockopt(3), numbered as in zmq.h.
// SetOption takes, and GetOption returns, the Go type of the option's C
// type: int (int and boolean options), int64 (MaxMsgSize), uint64
// (Affinity), []byte (RoutingID; a string is accepted too) or string
// (LastEndpoint).
type Option = sockets.Option

// The options this release carries.
const (
	Affinity = sockets.Affinity // ZMQ_AFFINITY: bit i puts the socket's connections on I/O loop i
	// RoutingID (ZMQ_ROUTING_ID): the id a REQ, DEALER or ROUTER announces
	// to the ROUTERs it connects to. A STREAM writes here each routing id
	// it makes up, as libzmq 4.3.4's does: a Connect's peer's at once
	// (without Immediate), an accepted connection's when the socket takes
	// it in; one chosen with ConnectRoutingID is not written.
	RoutingID = sockets.RoutingID
	// Subscribe and Unsubscribe (ZMQ_SUBSCRIBE, ZMQ_UNSUBSCRIBE; SUB only,
	// write-only) add and remove one instance of a topic prefix, []byte or
	// string; the empty topic matches every message.
	Subscribe   = sockets.Subscribe
	Unsubscribe = sockets.Unsubscribe
	RcvMore     = sockets.RcvMore    // ZMQ_RCVMORE (read-only)
	Type        = sockets.TypeOption // ZMQ_TYPE (read-only)
	Linger      = sockets.Linger     // ZMQ_LINGER, ms, -1 infinite (default)
	// ReconnectIvl (ZMQ_RECONNECT_IVL, ms, default 100; -1 never): how
	// long a connect waits before it dials again after its connection
	// failed (refused, reset, closed by the peer, a handshake or heartbeat
	// timeout). A connection that failed the protocol is not redialled,
	// as in libzmq 4.3.4: a peer that refused our mechanism, credentials
	// (ZAP) or socket type, sent a malformed frame or one over MaxMsgSize,
	// ends that connect, and the messages queued for it are dropped. A
	// peer that does not speak ZMTP at all is redialled, as libzmq does
	// (ReconnectStopHandshakeFailed stops that).
	ReconnectIvl    = sockets.ReconnectIvl
	ReconnectIvlMax = sockets.ReconnectIvlMax // ZMQ_RECONNECT_IVL_MAX, ms, default 0
	MaxMsgSize      = sockets.MaxMsgSize      // ZMQ_MAXMSGSIZE, bytes per frame, -1 no limit
	// SndHWM and RcvHWM (ZMQ_SNDHWM, ZMQ_RCVHWM): messages, default 1000,
	// 0 no limit. Over inproc a connection holds the sender's SNDHWM plus
	// the receiver's RCVHWM (no limit if either is 0; a connect before the
	// bind has the connecter's alone until the bind). As in libzmq 4.3.4,
	// a change applies to existing connections too.
	SndHWM       = sockets.SndHWM
	RcvHWM       = sockets.RcvHWM
	RcvTimeo     = sockets.RcvTimeo     // ZMQ_RCVTIMEO, ms, -1 infinite
	SndTimeo     = sockets.SndTimeo     // ZMQ_SNDTIMEO, ms, -1 infinite
	LastEndpoint = sockets.LastEndpoint // ZMQ_LAST_ENDPOINT (read-only)
	Immediate    = sockets.Immediate    // ZMQ_IMMEDIATE, 0 or 1
	// HandshakeIvl (ZMQ_HANDSHAKE_IVL) is how long, in ms, a new connection
	// has to complete the ZMTP handshake before it is closed (monitor:
	// HANDSHAKE_FAILED_NO_DETAIL with ETIMEDOUT, then DISCONNECTED);
	// default 30000, 0 no limit. A peer that connects and says nothing
	// holds a connection's buffers until then.
	HandshakeIvl = sockets.HandshakeIvl
	// Mechanism (ZMQ_MECHANISM, read-only) is the socket's security
	// mechanism for later connections: MechanismNull (ZMQ_NULL, the
	// default), MechanismPlain or MechanismCurve, as the options below set
	// it. A peer whose greeting names another mechanism is refused
	// (monitor: HANDSHAKE_FAILED_PROTOCOL, mechanism mismatch). GSSAPI is
	// not built; its options fail with ErrInvalid.
	Mechanism = sockets.Mechanism
	// PlainServer (ZMQ_PLAIN_SERVER, 0 or 1): 1 makes later connections
	// PLAIN servers (RFC 24), which accept a client only if the ZAP
	// handler (see ZAPDomain) accepts its username and password; with no
	// handler bound at inproc://zeromq.zap.01 every client is refused
	// (monitor: HANDSHAKE_FAILED_NO_DETAIL, EFAULT), as in libzmq 4.3.4.
	// 0 goes back to NULL.
	PlainServer = sockets.PlainServer
	// PlainUsername and PlainPassword (ZMQ_PLAIN_USERNAME, _PASSWORD, 1 to
	// 255 bytes, []byte or string) make later connections PLAIN clients
	// that send them, in clear text. nil goes back to NULL; empty is
	// ErrInvalid. A server that refuses them ends the handshake (monitor:
	// HANDSHAKE_FAILED_AUTH with the ZAP status code, 400 typically).
	PlainUsername = sockets.PlainUsername
	PlainPassword = sockets.PlainPassword
	// ZAPDomain (ZMQ_ZAP_DOMAIN, at most 255 bytes) goes in every ZAP
	// request (RFC 27) the socket's connections make. A NULL socket asks
	// the handler about each peer only when it is set (a refusal:
	// HANDSHAKE_FAILED_AUTH). ZAPEnforceDomain (ZMQ_ZAP_ENFORCE_DOMAIN, 0
	// or 1) refuses a NULL peer when no handler is bound, where libzmq
	// 4.3.4 by default lets it in.
	ZAPDomain        = sockets.ZAPDomain
	ZAPEnforceDomain = sockets.ZAPEnforceDomain
	// CurveServer (ZMQ_CURVE_SERVER, 0 or 1): 1 makes later connections
	// CURVE servers (RFC 25/26), which need CurveSecretKey (and
	// CurvePublicKey) set; every frame is then encrypted. A CURVE server
	// asks the ZAP handler about each client's public key; with no handler
	// bound it accepts any client (libzmq 4.3.4's rule), unless
	// ZAPEnforceDomain. 0 goes back to NULL.
	CurveServer = sockets.CurveServer
	// CurvePublicKey, CurveSecretKey (ours, either role) and
	// CurveServerKey (a client's: the server's public key; setting it makes
	// a client): 32 bytes, or 40 characters of Z85 ([]byte or string).
	// Setting any makes the mechanism CURVE. GetOption returns the 32
	// bytes, GetOptionZ85 the 40 characters. CurveKeypair makes a pair.
	CurvePublicKey = sockets.CurvePublicKey
	CurveSecretKey = sockets.CurveSecretKey
	CurveServerKey = sockets.CurveServerKey
	// RouterMandatory (ZMQ_ROUTER_MANDATORY, ROUTER only, 0 or 1): with 1,
	// a message to an unknown routing id fails with ErrHostUnreachable
	// instead of being dropped, and one to a peer at its SNDHWM blocks (or
	// fails with ErrAgain under DontWait or SndTimeo) instead of being
	// dropped. Applies at once.
	RouterMandatory = sockets.RouterMandatory
	// RouterHandover (ZMQ_ROUTER_HANDOVER, ROUTER only, 0 or 1): with 1, a
	// peer announcing a routing id another peer holds takes it over; the
	// old peer is sent and read nothing more (what it sent that Recv has
	// not returned is dropped, as in libzmq; a message Recv is part-way
	// through is finished). With 0 (the default) the newcomer is
	// ignored, as libzmq ignores it.
	RouterHandover = sockets.RouterHandover
	// ReqRelaxed and ReqCorrelate (ZMQ_REQ_RELAXED, ZMQ_REQ_CORRELATE; REQ
	// only, applying at once): relaxed lets a REQ send a new request before
	// the reply to the last, whose reply is then dropped; correlate puts a
	// request id before each request and takes only the reply carrying it.
	ReqRelaxed   = sockets.ReqRelaxed
	ReqCorrelate = sockets.ReqCorrelate
	// ProbeRouter (ZMQ_PROBE_ROUTER; ROUTER, DEALER, REQ): send an empty
	// message to each new peer, so that a ROUTER on the other side learns
	// its routing id at once.
	ProbeRouter = sockets.ProbeRouter
	// ZMTP heartbeats, for later connections, in ms: HeartbeatIvl
	// (ZMQ_HEARTBEAT_IVL, default 0: none) sends a PING that often;
	// HeartbeatTimeout (ZMQ_HEARTBEAT_TIMEOUT, 0: the interval) ends a
	// connection on which nothing arrives that long after a PING;
	// HeartbeatTTL (ZMQ_HEARTBEAT_TTL, default 0, at most 6553599, in
	// deciseconds on the wire) asks the peer to end it after that long
	// without traffic. Ended connections show as DISCONNECTED with
	// ETIMEDOUT, and are remade as usual.
	HeartbeatIvl     = sockets.HeartbeatIvl
	HeartbeatTTL     = sockets.HeartbeatTTL
	HeartbeatTimeout = sockets.HeartbeatTimeout
	// Options for the kernel's sockets, for later binds and connects:
	// SndBuf and RcvBuf (ZMQ_SNDBUF, ZMQ_RCVBUF: bytes, -1 the system's),
	// Backlog (ZMQ_BACKLOG, default 100), TOS (ZMQ_TOS: IP_TOS, or
	// IPV6_TCLASS), Priority (ZMQ_PRIORITY: SO_PRIORITY), BindToDevice
	// (ZMQ_BINDTODEVICE: an interface name; Linux, needs CAP_NET_RAW),
	// TCPKeepAlive (ZMQ_TCP_KEEPALIVE: -1 the system's, 0 off, 1 on) with
	// TCPKeepAliveCnt, TCPKeepAliveIdle and TCPKeepAliveIntvl (-1 or above
	// 0; seconds for the last two), TCPMaxRT (ZMQ_TCP_MAXRT, ms:
	// TCP_USER_TIMEOUT on Linux). IPv6 (ZMQ_IPV6, 0 or 1): "*" binds the
	// IPv6 wildcard, dual-stack, and names resolve to IPv6 first.
	// ConnectTimeout (ZMQ_CONNECT_TIMEOUT, ms, 0 none): a tcp connect not
	// done by then is abandoned (monitor: CLOSED, ETIMEDOUT) and retried.
	SndBuf            = sockets.SndBuf
	RcvBuf            = sockets.RcvBuf
	Backlog           = sockets.Backlog
	TOS               = sockets.TOS
	Priority          = sockets.Priority
	BindToDevice      = sockets.BindToDevice
	TCPKeepAlive      = sockets.TCPKeepAlive
	TCPKeepAliveCnt   = sockets.TCPKeepAliveCnt
	TCPKeepAliveIdle  = sockets.TCPKeepAliveIdle
	TCPKeepAliveIntvl = sockets.TCPKeepAliveIntvl
	TCPMaxRT          = sockets.TCPMaxRT
	IPv6              = sockets.IPv6
	ConnectTimeout    = sockets.ConnectTimeout
	// Accept filters, deprecated in libzmq in favour of ZAP but honoured,
	// for later binds: TCPAcceptFilter (ZMQ_TCP_ACCEPT_FILTER) adds an IPv4
	// or IPv6 CIDR ("10.0.0.0/8", or an address) that a tcp client's
	// address must fall in, "" clears them; IPCFilterUID, IPCFilterGID and
	// IPCFilterPID (ZMQ_IPC_FILTER_*; an int adds one, nil clears) admit an
	// ipc client only if its uid, gid (or a supplementary group of its
	// user) or pid is listed, when any is (Linux: SO_PEERCRED). Refused
	// clients are closed at once, with no event, as in libzmq.
	TCPAcceptFilter = sockets.TCPAcceptFilter
	IPCFilterUID    = sockets.IPCFilterUID
	IPCFilterGID    = sockets.IPCFilterGID
	IPCFilterPID    = sockets.IPCFilterPID
	// Conflate (ZMQ_CONFLATE; PULL, PUSH, SUB, PUB, DEALER; later
	// connections): each pipe keeps only the last message, the HWMs are
	// ignored, and of a multipart message only the last frame is kept.
	Conflate = sockets.Conflate
	// RouterNotify (ZMQ_ROUTER_NOTIFY; ROUTER; 1 on connect, 2 on
	// disconnect, 3 both): Recv gets [routing id][empty] when a peer comes
	// and after what it sent when it goes. DisconnectMsg
	// (ZMQ_DISCONNECT_MSG; ROUTER): Recv gets [routing id][that message]
	// when a peer goes. HelloMsg (ZMQ_HELLO_MSG; ROUTER, DEALER): sent to
	// each new peer. IPv4Only (ZMQ_IPV4ONLY, deprecated): the inverse of
	// IPv6.
	RouterNotify  = sockets.RouterNotify
	DisconnectMsg = sockets.DisconnectMsg
	HelloMsg      = sockets.HelloMsg
	IPv4Only      = sockets.IPv4Only
	// ReconnectStop (ZMQ_RECONNECT_STOP, for later connects): an OR of
	// ReconnectStopConnRefused (a refused connect ends the connecter) and
	// ReconnectStopHandshakeFailed (so does a failed ZMTP handshake);
	// ReconnectStopAfterDisconnect is accepted too (Disconnect always stops
	// reconnecting).
	ReconnectStop = sockets.ReconnectStop
	// SOCKSProxy (ZMQ_SOCKS_PROXY, "host:port", for later tcp connects;
	// ipc and inproc are direct): each connection is made through that
	// SOCKS5 proxy (RFC 1928). The endpoint's host is not resolved here:
	// an IPv4 or IPv6 literal is sent as an address, anything else as a
	// domain name for the proxy to resolve; the proxy's own host is
	// resolved by Connect, which fails with ErrInvalid if it cannot be.
	// SOCKSUsername (ZMQ_SOCKS_USERNAME, at most 255 bytes): when set, the
	// only authentication offered is RFC 1929's username and password, with
	// SOCKSPassword (ZMQ_SOCKS_PASSWORD, at most 255 bytes); when empty,
	// only "no authentication". All three are []byte or string; nil clears
	// them, and as in libzmq an empty SOCKSProxy (not nil) is ErrInvalid.
	// A proxy that refuses, rejects the credentials, or answers with
	// anything but SOCKS5 fails that connection (monitor: CLOSED, then
	// CONNECT_RETRIED) and it is retried after ReconnectIvl; a relayed
	// "connection refused" counts as ECONNREFUSED for ReconnectStop, and
	// ReconnectStopHandshakeFailed is left to the ZMTP handshake. The
	// exchange with the proxy is bounded by ConnectTimeout, when set, from
	// the start of the connect, and by HandshakeIvl from the TCP connect to
	// the proxy, so a proxy that never answers is given up.
	SOCKSProxy    = sockets.SOCKSProxy
	SOCKSUsername = sockets.SOCKSUsername
	SOCKSPassword = sockets.SOCKSPassword
	// Metadata (ZMQ_METADATA, write-only, for later binds and connects):
	// "X-key:value" adds the property "X-key" to those sent in the ZMTP
	// handshake, where the peer reads it (zring: Socket.Property; libzmq:
	// zmq_msg_gets). The name ends at the first colon, must start "X-"
	// (case matters) and be at most 255 bytes; the value must not be
	// empty. Each call adds one; a name already set keeps its first value.
	// As in libzmq 4.3.4, a value of exactly 4 bytes ("X-:v") is
	// ErrInvalid, and so is reading the option.
	Metadata = sockets.Metadata
	// RouterRaw (ZMQ_ROUTER_RAW; ROUTER; write-only; deprecated in favour
	// of STREAM): non-zero switches the ROUTER to raw mode. Later binds and
	// connects carry raw TCP, as a STREAM socket's do: Recv gets
	// [routing id][data] as bytes arrive, and [routing id][empty] when a
	// connection is made and when it ends; routing ids are always made up
	// (a ZMTP peer's announced one is ignored); Send takes the routing id
	// frame and one data frame (SndMore on it is ignored), and an empty
	// data frame closes that connection. ROUTER_MANDATORY still applies.
	// Connections already made, and binds and connects made before, keep
	// ZMTP; inproc is refused (ErrNoCompatProto), as for a STREAM. 0
	// switches back for later binds and connects.
	RouterRaw = sockets.RouterRaw
	// UseFD (ZMQ_USE_FD, default -1): Bind takes this socket, already
	// bound and listening by the caller (systemd socket activation),
	// instead of making one.
	UseFD = sockets.UseFD
	// StreamNotify (ZMQ_STREAM_NOTIFY; STREAM, default 1): a zero-length
	// message after the routing id when a connection is made and when it
	// ends, unless the application closed it itself. A Connect's
	// connections (without Immediate) share one routing id, so each
	// reconnection shows as another pair under that id.
	StreamNotify = sockets.StreamNotify
	// InvertMatching (ZMQ_INVERT_MATCHING; PUB, XPUB, SUB): deliver what
	// matches none of the subscriptions instead of what matches one.
	InvertMatching = sockets.InvertMatching
	// ConnectRoutingID (ZMQ_CONNECT_ROUTING_ID; ROUTER): the routing id of
	// the peer of the next Connect, routable at once; one Connect uses it.
	ConnectRoutingID = sockets.ConnectRoutingID
	// XPUB only, applying at once: XPubVerbose (ZMQ_XPUB_VERBOSE) passes
	// every subscribe to Recv, not only a topic's first; XPubVerboser
	// (ZMQ_XPUB_VERBOSER) every subscribe and cancel, not only a topic's
	// first and last; XPubNoDrop (ZMQ_XPUB_NODROP) makes Send wait, or fail
	// with ErrAgain, at a subscriber's SNDHWM instead of dropping for it;
	// XPubWelcomeMsg (ZMQ_XPUB_WELCOME_MSG, []byte) is sent to each new
	// subscriber.
	XPubVerbose    = sockets.XPubVerbose
	XPubVerboser   = sockets.XPubVerboser
	XPubNoDrop     = sockets.XPubNoDrop
	XPubWelcomeMsg = sockets.XPubWelcomeMsg
	// XPubManual (ZMQ_XPUB_MANUAL): subscriptions are not applied but only
	// handed to Recv; Subscribe and Unsubscribe set on the XPUB then apply
	// a topic to the subscriber whose message Recv returned last.
	XPubManual = sockets.XPubManual
	// XPubManualLastValue (ZMQ_XPUB_MANUAL_LAST_VALUE; XPUB, at once): as
	// XPubManual (setting it sets XPubManual to the same value), and the
	// first message sent after Recv returns a subscription goes only to
	// the subscriber that sent it, if that message matches what it holds
	// after the application's Subscribe — so a last-value cache can answer
	// a newcomer without repeating itself to the others. That send also
	// ends what a later Subscribe would apply to, as in libzmq 4.3.4:
	// Subscribe between Recv and Send.
	XPubManualLastValue = sockets.XPubManualLastValue
	// OnlyFirstSubscribe (ZMQ_ONLY_FIRST_SUBSCRIBE; XPUB and XSUB, at
	// once). By default every part of a multipart message that starts with
	// byte 1 or 0 is a subscription or a cancel, wherever it stands (as in
	// libzmq). With 1, a message whose first part is not one is user data
	// throughout; libzmq 4.3.4 still takes later parts as subscriptions
	// when the first part is one, and so does zring.
	OnlyFirstSubscribe = sockets.OnlyFirstSubscribe
	// InBatchSize and OutBatchSize (ZMQ_IN_BATCH_SIZE, ZMQ_OUT_BATCH_SIZE)
	// bound the bytes one read or one vectored write moves, default 8192.
	// The libzmq manual says "messages", but libzmq 4.3.4 counts bytes, and
	// zring follows the code.
	InBatchSize  = sockets.InBatchSize
	OutBatchSize = sockets.OutBatchSize
)

// ZMQ_RECONNECT_STOP's flags.
const (
	ReconnectStopConnRefused     = loop.ReconnectStopConnRefused
	ReconnectStopHandshakeFailed = loop.ReconnectStopHandshakeFailed
	ReconnectStopAfterDisconnect = loop.ReconnectStopAfterDisconnect
)

// The values of the Mechanism option (ZMQ_NULL, ZMQ_PLAIN, ZMQ_CURVE).
const (
	MechanismNull  = sockets.MechanismNull
	MechanismPlain = sockets.MechanismPlain
	MechanismCurve = sockets.MechanismCurve
)

// Flag modifies Send and Recv.
type Flag int

// The flags, numbered as in zmq.h.
const (
	DontWait Flag = sockets.DontWait // ZMQ_DONTWAIT: return ErrAgain instead of blocking
	SndMore  Flag = sockets.SndMore  // ZMQ_SNDMORE: more frames of this message follow
)
