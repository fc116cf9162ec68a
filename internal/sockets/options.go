package sockets

import (
	"bytes"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/zmtp"
)

// Type is a socket type, numbered as zmq.h numbers them.
type Type int

// The socket types of zmq_socket(3).
const (
	PAIR   Type = 0
	PUB    Type = 1
	SUB    Type = 2
	REQ    Type = 3
	REP    Type = 4
	DEALER Type = 5
	ROUTER Type = 6
	PULL   Type = 7
	PUSH   Type = 8
	XPUB   Type = 9
	XSUB   Type = 10
	STREAM Type = 11
)

var typeNames = [...]string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"}

// String is the name ZMTP puts in the Socket-Type property.
func (t Type) String() string {
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Option is a socket option, numbered as zmq.h numbers it.
type Option int

// The options this release carries. Numbers are zmq.h's.
const (
	Affinity            Option = 4
	RoutingID           Option = 5
	Subscribe           Option = 6 // SUB; write-only, handled by Socket.SetOption
	Unsubscribe         Option = 7
	SndBuf              Option = 11
	RcvBuf              Option = 12
	RcvMore             Option = 13
	Events              Option = 15 // read-only; Socket.GetOption computes it
	TypeOption          Option = 16 // ZMQ_TYPE (Type is the socket type's own type)
	Linger              Option = 17
	ReconnectIvl        Option = 18
	Backlog             Option = 19
	ReconnectIvlMax     Option = 21
	MaxMsgSize          Option = 22
	SndHWM              Option = 23
	RcvHWM              Option = 24
	RcvTimeo            Option = 27
	SndTimeo            Option = 28
	LastEndpoint        Option = 32
	RouterMandatory     Option = 33
	RouterRaw           Option = 41 // deprecated; write-only, as in libzmq
	TCPKeepAlive        Option = 34
	TCPKeepAliveCnt     Option = 35
	TCPKeepAliveIdle    Option = 36
	TCPKeepAliveIntvl   Option = 37
	TCPAcceptFilter     Option = 38
	Immediate           Option = 39
	XPubVerbose         Option = 40
	IPv6                Option = 42
	Mechanism           Option = 43 // read-only
	PlainServer         Option = 44
	PlainUsername       Option = 45
	PlainPassword       Option = 46
	ZAPDomain           Option = 55
	CurveServer         Option = 47
	CurvePublicKey      Option = 48
	CurveSecretKey      Option = 49
	CurveServerKey      Option = 50
	ZAPEnforceDomain    Option = 93
	ProbeRouter         Option = 51
	ReqCorrelate        Option = 52
	ReqRelaxed          Option = 53
	Conflate            Option = 54
	RouterHandover      Option = 56
	TOS                 Option = 57
	IPCFilterPID        Option = 58
	IPCFilterUID        Option = 59
	IPCFilterGID        Option = 60
	ConnectRoutingID    Option = 61
	StreamNotify        Option = 73
	HandshakeIvl        Option = 66
	XPubNoDrop          Option = 69
	XPubManual          Option = 71
	XPubManualLastValue Option = 98
	OnlyFirstSubscribe  Option = 108
	XPubWelcomeMsg      Option = 72
	InvertMatching      Option = 74
	HeartbeatIvl        Option = 75
	HeartbeatTTL        Option = 76
	HeartbeatTimeout    Option = 77
	XPubVerboser        Option = 78
	IPv4Only            Option = 31
	ReconnectStop       Option = 109
	RouterNotify        Option = 97
	HelloMsg            Option = 110
	DisconnectMsg       Option = 111
	ConnectTimeout      Option = 79
	TCPMaxRT            Option = 80
	UseFD               Option = 89
	Metadata            Option = 95 // write-only, as in libzmq
	BindToDevice        Option = 92
	InBatchSize         Option = 101
	OutBatchSize        Option = 102
	Priority            Option = 112
	SOCKSProxy          Option = 68
	SOCKSUsername       Option = 99
	SOCKSPassword       Option = 100
)

// The security mechanisms, as GetOption(Mechanism) reports them (ZMQ_NULL,
// ZMQ_PLAIN, ZMQ_CURVE).
const (
	MechanismNull  = 0
	MechanismPlain = 1
	MechanismCurve = 2
)

// Options holds one socket's option values. The socket's goroutine owns it;
// a connection takes a copy (Snapshot) when it starts, as libzmq does, so a
// later SetOption affects later connections only — except SNDHWM and
// RCVHWM, which libzmq 4.3.4 also applies to the pipes of existing ones
// (Socket.SetOption), and the options marked "at once" below.
type Options struct {
	Type            Type
	Affinity        uint64
	RoutingID       []byte
	Linger          int // ms; -1 infinite
	ReconnectIvl    int // ms; -1 no reconnect
	ReconnectIvlMax int // ms; 0 no backoff
	MaxMsgSize      int64
	SndHWM          int
	RcvHWM          int
	RcvTimeo        int // ms; -1 infinite
	SndTimeo        int // ms; -1 infinite
	Immediate       bool
	HandshakeIvl    int // ms; 0 no limit
	// ROUTER only; they apply at once, not only to later connections.
	RouterMandatory bool
	RouterHandover  bool
	// ROUTER: ZMQ_ROUTER_RAW. Routing switches at once (see rawRouter);
	// later binds and connects speak raw TCP, like a STREAM's.
	RouterRaw bool
	// ZMQ_METADATA: the "X-" properties sent in the handshake of later
	// connections, in the order first set.
	Metadata []zmtp.Property
	// REQ only, at once.
	ReqCorrelate bool
	ReqRelaxed   bool
	// ROUTER, DEALER and REQ: send an empty message to each new peer.
	ProbeRouter bool
	// What goes to the kernel's sockets (see loop.SockOpts), ZMQ_IPV6 and
	// ZMQ_CONNECT_TIMEOUT (ms); for later binds and connects.
	Sock           loop.SockOpts
	IPv6           bool
	ConnectTimeout int
	// ZMQ_SOCKS_PROXY ("host:port"; "" none) and the credentials offered
	// to it: later tcp connects go through that SOCKS5 proxy.
	SOCKSProxy, SOCKSUsername, SOCKSPassword string
	// ZMTP heartbeats, ms; 0 off (Timeout 0: HeartbeatIvl).
	HeartbeatIvl     int
	HeartbeatTTL     int
	HeartbeatTimeout int
	// PUB, XPUB and SUB: deliver what matches no subscription instead.
	InvertMatching bool
	// ROUTER: the routing id of the peer of the next Connect, which is
	// then routable at once; used by one Connect.
	ConnectRoutingID []byte
	// ZMQ_RECONNECT_STOP flags (loop.ReconnectStop*).
	ReconnectStop int
	// PULL, PUSH, SUB, PUB, DEALER: keep only the last message.
	Conflate bool
	// Accept filters for later binds (see loop.Config) and ZMQ_USE_FD.
	TCPAccept                 []netip.Prefix
	IPCUIDs, IPCGIDs, IPCPIDs []int
	UseFD                     int
	// ROUTER: ZMQ_ROUTER_NOTIFY (1 connect, 2 disconnect) and
	// ZMQ_DISCONNECT_MSG; ROUTER and DEALER: ZMQ_HELLO_MSG.
	RouterNotify  int
	HelloMsg      []byte
	DisconnectMsg []byte
	// STREAM: connect and disconnect notifications (default on).
	StreamNotify bool
	// XPUB only, also at once.
	XPubVerbose    bool
	XPubVerboser   bool
	XPubNoDrop     bool
	XPubManual     bool
	XPubWelcomeMsg []byte
	// XPubManualLastValue: with XPubManual, the first message after recv
	// hands out a subscription goes to that subscriber alone. Setting
	// ZMQ_XPUB_MANUAL_LAST_VALUE sets XPubManual as well (libzmq sets both
	// flags from it); ZMQ_XPUB_MANUAL sets only XPubManual.
	XPubManualLastValue bool
	// XPUB and XSUB, at once: a multipart message whose first part is not
	// a subscription has none (ZMQ_ONLY_FIRST_SUBSCRIBE).
	OnlyFirstSubscribe bool
	// InBatchSize and OutBatchSize bound how many bytes one read or one
	// vectored write moves. zmq_setsockopt(3) says "messages", but libzmq
	// 4.3.4's code uses the value as a byte count (default 8192); zring
	// follows the code so tuned libzmq programs behave the same.
	InBatchSize  int
	OutBatchSize int

	// Security, for later connections. Mechanism is MechanismNull, Plain
	// or Curve; AsServer our role in it. As in libzmq 4.3.4, each option
	// that names a mechanism's role or credential switches the mechanism
	// (see the table).
	Mechanism                    int
	AsServer                     bool
	PlainUsername, PlainPassword []byte
	// CURVE's long-term keys: ours, and a client's idea of the server's.
	CurvePublicKey, CurveSecretKey, CurveServerKey [32]byte
	// ZMQ_ZAP_DOMAIN and ZMQ_ZAP_ENFORCE_DOMAIN (see loop.Config).
	ZAPDomain        string
	ZAPEnforceDomain bool

	// Read-only values the socket maintains.
	LastEndpoint string
	RcvMore      bool
}

// DefaultOptions returns the defaults of zmq_setsockopt(3) for type t.
func DefaultOptions(t Type) Options {
	return Options{
		Type:         t,
		Linger:       -1,
		ReconnectIvl: 100,
		MaxMsgSize:   -1,
		SndHWM:       1000,
		RcvHWM:       1000,
		RcvTimeo:     -1,
		SndTimeo:     -1,
		InBatchSize:  8192,
		OutBatchSize: 8192,
		HandshakeIvl: 30000,
		Sock:         loop.DefaultSockOpts(),
		StreamNotify: true,
		UseFD:        -1,
	}
}

// Snapshot returns a copy that shares nothing mutable with o.
func (o *Options) Snapshot() Options {
	c := *o
	c.RoutingID = append([]byte(nil), o.RoutingID...)
	c.XPubWelcomeMsg = append([]byte(nil), o.XPubWelcomeMsg...)
	c.ConnectRoutingID = append([]byte(nil), o.ConnectRoutingID...)
	c.HelloMsg = append([]byte(nil), o.HelloMsg...)
	c.DisconnectMsg = append([]byte(nil), o.DisconnectMsg...)
	c.Metadata = slices.Clone(o.Metadata)
	c.PlainUsername = slices.Clone(o.PlainUsername)
	c.PlainPassword = slices.Clone(o.PlainPassword)
	return c
}

// kind is the C type of an option value, and so the Go type SetOption
// accepts and GetOption returns.
type kind uint8

const (
	kindInt     kind = iota // int (also accepted: int32, int64 in range)
	kindBool                // int 0/1 in C; Go callers may pass bool or int
	kindInt64               // int64_t
	kindUint64              // uint64_t
	kindBytes               // binary data: []byte or string
	kindString              // read-only string
	kindIntList             // int adds one to a list; nil clears it (the IPC filters)
)

// optionDef is one row of the options table. The table drives SetOption,
// GetOption, validation and the tests.
type optionDef struct {
	opt      Option
	name     string
	kind     kind
	min, max int64 // inclusive range for numeric kinds; length range for bytes
	readOnly bool
	// writeOnly: getsockopt fails with EINVAL, as libzmq's does for
	// ZMQ_METADATA and ZMQ_ROUTER_RAW.
	writeOnly bool
	// types, if set, are the socket types the option applies to; others
	// get EINVAL, as libzmq's socket types reject options they do not know.
	types []Type
	// null: a kindBytes option whose C NULL value (Go nil, untyped or a
	// nil []byte) is accepted whatever the length range, and passed to set
	// as a nil b; a zero-length value is then non-nil.
	null bool
	get  func(o *Options) any
	set  func(o *Options, v int64, b []byte) error
}

var optionTable = []optionDef{
	{opt: Affinity, name: "ZMQ_AFFINITY", kind: kindUint64,
		get: func(o *Options) any { return o.Affinity },
		set: func(o *Options, v int64, _ []byte) error { o.Affinity = uint64(v); return nil }},
	{opt: RoutingID, name: "ZMQ_ROUTING_ID", kind: kindBytes, min: 1, max: 255,
		get: func(o *Options) any { return append([]byte(nil), o.RoutingID...) },
		set: func(o *Options, _ int64, b []byte) error {
			// "Identities starting with a zero byte are reserved for use by
			// the 0MQ infrastructure."
			if b[0] == 0 {
				return errno.Invalidf("a routing id may not start with a zero byte")
			}
			o.RoutingID = append(o.RoutingID[:0], b...)
			return nil
		}},
	{opt: RcvMore, name: "ZMQ_RCVMORE", kind: kindBool, readOnly: true,
		get: func(o *Options) any { return boolInt(o.RcvMore) }},
	{opt: TypeOption, name: "ZMQ_TYPE", kind: kindInt, readOnly: true,
		get: func(o *Options) any { return int(o.Type) }},
	// The security mechanism, which the options of each mechanism set (as
	// in libzmq 4.3.4): ZMQ_PLAIN_SERVER 1 makes a PLAIN server, 0 goes
	// back to NULL; a PLAIN username or password makes a PLAIN client, and
	// a NULL (nil) one goes back to NULL. GSSAPI is not built: its options
	// are refused with EINVAL, as by a libzmq built without it.
	{opt: Mechanism, name: "ZMQ_MECHANISM", kind: kindInt, readOnly: true,
		get: func(o *Options) any { return o.Mechanism }},
	serverRole(PlainServer, "ZMQ_PLAIN_SERVER", MechanismPlain),
	plainCredential(PlainUsername, "ZMQ_PLAIN_USERNAME", func(o *Options) *[]byte { return &o.PlainUsername }),
	plainCredential(PlainPassword, "ZMQ_PLAIN_PASSWORD", func(o *Options) *[]byte { return &o.PlainPassword }),
	// CURVE (RFC 25/26), as libzmq 4.3.4 has it: ZMQ_CURVE_SERVER 1 makes a
	// CURVE server (0 goes back to NULL); setting any key makes the
	// mechanism CURVE, and the server's key makes a client as well. A key
	// is 32 bytes, or 40 characters of Z85 (41 with C's NUL at the end);
	// GetOption returns the 32 bytes (the root's GetOptionZ85, the text).
	serverRole(CurveServer, "ZMQ_CURVE_SERVER", MechanismCurve),
	curveKey(CurvePublicKey, "ZMQ_CURVE_PUBLICKEY", func(o *Options) *[32]byte { return &o.CurvePublicKey }, false),
	curveKey(CurveSecretKey, "ZMQ_CURVE_SECRETKEY", func(o *Options) *[32]byte { return &o.CurveSecretKey }, false),
	curveKey(CurveServerKey, "ZMQ_CURVE_SERVERKEY", func(o *Options) *[32]byte { return &o.CurveServerKey }, true),
	// "Sets the domain for ZAP (ZMQ RFC 27) authentication": it goes in
	// every ZAP request, and a NULL socket asks ZAP only when it is set.
	// 1 to 255 bytes: libzmq 4.3.4 refuses an empty domain (EINVAL), so a
	// domain once set stays set.
	{opt: ZAPDomain, name: "ZMQ_ZAP_DOMAIN", kind: kindBytes, min: 1, max: 255,
		get: func(o *Options) any { return []byte(o.ZAPDomain) },
		set: func(o *Options, _ int64, b []byte) error { o.ZAPDomain = string(b); return nil }},
	// With no ZAP handler bound, libzmq 4.3.4 lets a CURVE client or a NULL
	// peer with ZMQ_ZAP_DOMAIN in; this refuses them instead (a PLAIN
	// server refuses either way: nothing could check the password).
	boolOpt(ZAPEnforceDomain, "ZMQ_ZAP_ENFORCE_DOMAIN", nil, func(o *Options) *bool { return &o.ZAPEnforceDomain }),
	{opt: Linger, name: "ZMQ_LINGER", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Linger },
		set: func(o *Options, v int64, _ []byte) error { o.Linger = int(v); return nil }},
	{opt: ReconnectIvl, name: "ZMQ_RECONNECT_IVL", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.ReconnectIvl },
		set: func(o *Options, v int64, _ []byte) error { o.ReconnectIvl = int(v); return nil }},
	{opt: ReconnectIvlMax, name: "ZMQ_RECONNECT_IVL_MAX", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.ReconnectIvlMax },
		set: func(o *Options, v int64, _ []byte) error { o.ReconnectIvlMax = int(v); return nil }},
	{opt: MaxMsgSize, name: "ZMQ_MAXMSGSIZE", kind: kindInt64, min: -1, max: 1<<63 - 1,
		get: func(o *Options) any { return o.MaxMsgSize },
		set: func(o *Options, v int64, _ []byte) error { o.MaxMsgSize = v; return nil }},
	{opt: SndHWM, name: "ZMQ_SNDHWM", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.SndHWM },
		set: func(o *Options, v int64, _ []byte) error { o.SndHWM = int(v); return nil }},
	{opt: RcvHWM, name: "ZMQ_RCVHWM", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.RcvHWM },
		set: func(o *Options, v int64, _ []byte) error { o.RcvHWM = int(v); return nil }},
	{opt: RcvTimeo, name: "ZMQ_RCVTIMEO", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.RcvTimeo },
		set: func(o *Options, v int64, _ []byte) error { o.RcvTimeo = int(v); return nil }},
	{opt: SndTimeo, name: "ZMQ_SNDTIMEO", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.SndTimeo },
		set: func(o *Options, v int64, _ []byte) error { o.SndTimeo = int(v); return nil }},
	{opt: LastEndpoint, name: "ZMQ_LAST_ENDPOINT", kind: kindString, readOnly: true,
		get: func(o *Options) any { return o.LastEndpoint }},
	boolOpt(Immediate, "ZMQ_IMMEDIATE", nil, func(o *Options) *bool { return &o.Immediate }),
	boolOpt(RouterMandatory, "ZMQ_ROUTER_MANDATORY", []Type{ROUTER}, func(o *Options) *bool { return &o.RouterMandatory }),
	boolOpt(RouterHandover, "ZMQ_ROUTER_HANDOVER", []Type{ROUTER}, func(o *Options) *bool { return &o.RouterHandover }),
	// "Sets the raw mode on the ROUTER, when set to 1"; libzmq 4.3.4 takes
	// any value from 0 (off) up, and has no getsockopt for it.
	{opt: RouterRaw, name: "ZMQ_ROUTER_RAW", kind: kindInt, min: 0, max: maxInt32, types: []Type{ROUTER}, writeOnly: true,
		set: func(o *Options, v int64, _ []byte) error { o.RouterRaw = v != 0; return nil }},
	{opt: Metadata, name: "ZMQ_METADATA", kind: kindBytes, min: 0, max: maxInt32, writeOnly: true,
		set: func(o *Options, _ int64, b []byte) error { return addMetadata(&o.Metadata, b) }},
	{opt: SndBuf, name: "ZMQ_SNDBUF", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Sock.SndBuf },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.SndBuf = int(v); return nil }},
	{opt: RcvBuf, name: "ZMQ_RCVBUF", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Sock.RcvBuf },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.RcvBuf = int(v); return nil }},
	{opt: Backlog, name: "ZMQ_BACKLOG", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.Sock.Backlog },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.Backlog = int(v); return nil }},
	{opt: TCPKeepAlive, name: "ZMQ_TCP_KEEPALIVE", kind: kindInt, min: -1, max: 1,
		get: func(o *Options) any { return o.Sock.KeepAlive },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.KeepAlive = int(v); return nil }},
	{opt: TCPKeepAliveCnt, name: "ZMQ_TCP_KEEPALIVE_CNT", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Sock.KeepAliveCnt },
		set: func(o *Options, v int64, _ []byte) error { return setKeepAlive(&o.Sock.KeepAliveCnt, v) }},
	{opt: TCPKeepAliveIdle, name: "ZMQ_TCP_KEEPALIVE_IDLE", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Sock.KeepAliveIdle },
		set: func(o *Options, v int64, _ []byte) error { return setKeepAlive(&o.Sock.KeepAliveIdle, v) }},
	{opt: TCPKeepAliveIntvl, name: "ZMQ_TCP_KEEPALIVE_INTVL", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.Sock.KeepAliveIntvl },
		set: func(o *Options, v int64, _ []byte) error { return setKeepAlive(&o.Sock.KeepAliveIntvl, v) }},
	boolOpt(IPv6, "ZMQ_IPV6", nil, func(o *Options) *bool { return &o.IPv6 }),
	{opt: TOS, name: "ZMQ_TOS", kind: kindInt, min: 0, max: 255,
		get: func(o *Options) any { return o.Sock.TOS },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.TOS = int(v); return nil }},
	{opt: ConnectTimeout, name: "ZMQ_CONNECT_TIMEOUT", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.ConnectTimeout },
		set: func(o *Options, v int64, _ []byte) error { o.ConnectTimeout = int(v); return nil }},
	{opt: TCPMaxRT, name: "ZMQ_TCP_MAXRT", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.Sock.MaxRT },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.MaxRT = int(v); return nil }},
	// A string option: a name of up to IFNAMSIZ-1 bytes.
	{opt: BindToDevice, name: "ZMQ_BINDTODEVICE", kind: kindBytes, min: 0, max: 15,
		get: func(o *Options) any { return []byte(o.Sock.BindToDevice) },
		set: func(o *Options, _ int64, b []byte) error { o.Sock.BindToDevice = string(b); return nil }},
	// "host:port" of a SOCKS5 proxy. As in libzmq 4.3.4, NULL (nil) clears
	// it and an empty string is EINVAL; the address is checked, and a
	// host name resolved, by Connect.
	{opt: SOCKSProxy, name: "ZMQ_SOCKS_PROXY", kind: kindBytes, min: 1, max: maxInt32, null: true,
		get: func(o *Options) any { return []byte(o.SOCKSProxy) },
		set: func(o *Options, _ int64, b []byte) error { o.SOCKSProxy = string(b); return nil }},
	// "If you set this to a null value or empty value, the authentication
	// method shall be no authentication"; RFC 1929 carries 255 bytes at
	// most of either.
	{opt: SOCKSUsername, name: "ZMQ_SOCKS_USERNAME", kind: kindBytes, min: 0, max: 255, null: true,
		get: func(o *Options) any { return []byte(o.SOCKSUsername) },
		set: func(o *Options, _ int64, b []byte) error { o.SOCKSUsername = string(b); return nil }},
	{opt: SOCKSPassword, name: "ZMQ_SOCKS_PASSWORD", kind: kindBytes, min: 0, max: 255, null: true,
		get: func(o *Options) any { return []byte(o.SOCKSPassword) },
		set: func(o *Options, _ int64, b []byte) error { o.SOCKSPassword = string(b); return nil }},
	{opt: Priority, name: "ZMQ_PRIORITY", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.Sock.Priority },
		set: func(o *Options, v int64, _ []byte) error { o.Sock.Priority = int(v); return nil }},
	// "Filter is a null-terminated string with ipv6 or ipv4 CIDR"; the empty
	// one ("NULL, 0") clears them all.
	{opt: TCPAcceptFilter, name: "ZMQ_TCP_ACCEPT_FILTER", kind: kindBytes, min: 0, max: 64,
		get: func(o *Options) any {
			var out []string
			for _, p := range o.TCPAccept {
				out = append(out, p.String())
			}
			return strings.Join(out, ",")
		},
		set: func(o *Options, _ int64, b []byte) error {
			if len(b) == 0 {
				o.TCPAccept = nil
				return nil
			}
			p, err := parseFilter(string(b))
			if err != nil {
				return errno.Invalidf("%v", err)
			}
			o.TCPAccept = append(o.TCPAccept, p)
			return nil
		}},
	{opt: IPCFilterPID, name: "ZMQ_IPC_FILTER_PID", kind: kindIntList, min: 0, max: maxInt32,
		get: func(o *Options) any { return slices.Clone(o.IPCPIDs) },
		set: func(o *Options, v int64, b []byte) error { return addOrClear(&o.IPCPIDs, v, b) }},
	{opt: IPCFilterUID, name: "ZMQ_IPC_FILTER_UID", kind: kindIntList, min: 0, max: maxInt32,
		get: func(o *Options) any { return slices.Clone(o.IPCUIDs) },
		set: func(o *Options, v int64, b []byte) error { return addOrClear(&o.IPCUIDs, v, b) }},
	{opt: IPCFilterGID, name: "ZMQ_IPC_FILTER_GID", kind: kindIntList, min: 0, max: maxInt32,
		get: func(o *Options) any { return slices.Clone(o.IPCGIDs) },
		set: func(o *Options, v int64, b []byte) error { return addOrClear(&o.IPCGIDs, v, b) }},
	boolOpt(Conflate, "ZMQ_CONFLATE", []Type{PULL, PUSH, SUB, PUB, DEALER}, func(o *Options) *bool { return &o.Conflate }),
	{opt: ReconnectStop, name: "ZMQ_RECONNECT_STOP", kind: kindInt, min: 0, max: 7,
		get: func(o *Options) any { return o.ReconnectStop },
		set: func(o *Options, v int64, _ []byte) error { o.ReconnectStop = int(v); return nil }},
	// Deprecated: the inverse of ZMQ_IPV6.
	{opt: IPv4Only, name: "ZMQ_IPV4ONLY", kind: kindBool, min: 0, max: 1,
		get: func(o *Options) any { return boolInt(!o.IPv6) },
		set: func(o *Options, v int64, _ []byte) error { o.IPv6 = v == 0; return nil }},
	{opt: RouterNotify, name: "ZMQ_ROUTER_NOTIFY", kind: kindInt, min: 0, max: 3, types: []Type{ROUTER},
		get: func(o *Options) any { return o.RouterNotify },
		set: func(o *Options, v int64, _ []byte) error { o.RouterNotify = int(v); return nil }},
	{opt: HelloMsg, name: "ZMQ_HELLO_MSG", kind: kindBytes, min: 0, max: maxInt32, types: []Type{ROUTER, DEALER},
		get: func(o *Options) any { return append([]byte(nil), o.HelloMsg...) },
		set: func(o *Options, _ int64, b []byte) error { o.HelloMsg = append(o.HelloMsg[:0], b...); return nil }},
	{opt: DisconnectMsg, name: "ZMQ_DISCONNECT_MSG", kind: kindBytes, min: 0, max: maxInt32, types: []Type{ROUTER},
		get: func(o *Options) any { return append([]byte(nil), o.DisconnectMsg...) },
		set: func(o *Options, _ int64, b []byte) error {
			o.DisconnectMsg = append(o.DisconnectMsg[:0], b...)
			return nil
		}},
	{opt: UseFD, name: "ZMQ_USE_FD", kind: kindInt, min: -1, max: maxInt32,
		get: func(o *Options) any { return o.UseFD },
		set: func(o *Options, v int64, _ []byte) error { o.UseFD = int(v); return nil }},
	{opt: HeartbeatIvl, name: "ZMQ_HEARTBEAT_IVL", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.HeartbeatIvl },
		set: func(o *Options, v int64, _ []byte) error { o.HeartbeatIvl = int(v); return nil }},
	// The TTL goes on the wire in deciseconds, 16 bits: 6553599 ms at most
	// (libzmq's limit too).
	{opt: HeartbeatTTL, name: "ZMQ_HEARTBEAT_TTL", kind: kindInt, min: 0, max: 6553599,
		get: func(o *Options) any { return o.HeartbeatTTL },
		set: func(o *Options, v int64, _ []byte) error { o.HeartbeatTTL = int(v); return nil }},
	{opt: HeartbeatTimeout, name: "ZMQ_HEARTBEAT_TIMEOUT", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.HeartbeatTimeout },
		set: func(o *Options, v int64, _ []byte) error { o.HeartbeatTimeout = int(v); return nil }},
	boolOpt(InvertMatching, "ZMQ_INVERT_MATCHING", []Type{PUB, XPUB, SUB}, func(o *Options) *bool { return &o.InvertMatching }),
	{opt: ConnectRoutingID, name: "ZMQ_CONNECT_ROUTING_ID", kind: kindBytes, min: 1, max: 255, types: []Type{ROUTER, STREAM},
		get: func(o *Options) any { return append([]byte(nil), o.ConnectRoutingID...) },
		set: func(o *Options, _ int64, b []byte) error {
			if b[0] == 0 { // "MAY NOT start with a zero byte"
				return errno.Invalidf("a routing id may not start with a zero byte")
			}
			o.ConnectRoutingID = append(o.ConnectRoutingID[:0], b...)
			return nil
		}},
	boolOpt(StreamNotify, "ZMQ_STREAM_NOTIFY", []Type{STREAM}, func(o *Options) *bool { return &o.StreamNotify }),
	boolOpt(ReqCorrelate, "ZMQ_REQ_CORRELATE", []Type{REQ}, func(o *Options) *bool { return &o.ReqCorrelate }),
	boolOpt(ReqRelaxed, "ZMQ_REQ_RELAXED", []Type{REQ}, func(o *Options) *bool { return &o.ReqRelaxed }),
	boolOpt(ProbeRouter, "ZMQ_PROBE_ROUTER", []Type{ROUTER, DEALER, REQ}, func(o *Options) *bool { return &o.ProbeRouter }),
	boolOpt(XPubVerbose, "ZMQ_XPUB_VERBOSE", []Type{XPUB}, func(o *Options) *bool { return &o.XPubVerbose }),
	boolOpt(XPubVerboser, "ZMQ_XPUB_VERBOSER", []Type{XPUB}, func(o *Options) *bool { return &o.XPubVerboser }),
	boolOpt(XPubNoDrop, "ZMQ_XPUB_NODROP", []Type{XPUB}, func(o *Options) *bool { return &o.XPubNoDrop }),
	boolOpt(XPubManual, "ZMQ_XPUB_MANUAL", []Type{XPUB}, func(o *Options) *bool { return &o.XPubManual }),
	// Both of libzmq's flags at once; reads as whether it is in force.
	{opt: XPubManualLastValue, name: "ZMQ_XPUB_MANUAL_LAST_VALUE", kind: kindBool, min: 0, max: 1, types: []Type{XPUB},
		get: func(o *Options) any { return boolInt(o.XPubManual && o.XPubManualLastValue) },
		set: func(o *Options, v int64, _ []byte) error {
			o.XPubManual, o.XPubManualLastValue = v != 0, v != 0
			return nil
		}},
	boolOpt(OnlyFirstSubscribe, "ZMQ_ONLY_FIRST_SUBSCRIBE", []Type{XPUB, XSUB}, func(o *Options) *bool { return &o.OnlyFirstSubscribe }),
	{opt: XPubWelcomeMsg, name: "ZMQ_XPUB_WELCOME_MSG", kind: kindBytes, min: 0, max: maxInt32, types: []Type{XPUB},
		get: func(o *Options) any { return append([]byte(nil), o.XPubWelcomeMsg...) },
		set: func(o *Options, _ int64, b []byte) error {
			o.XPubWelcomeMsg = append(o.XPubWelcomeMsg[:0], b...)
			return nil
		}},
	{opt: HandshakeIvl, name: "ZMQ_HANDSHAKE_IVL", kind: kindInt, min: 0, max: maxInt32,
		get: func(o *Options) any { return o.HandshakeIvl },
		set: func(o *Options, v int64, _ []byte) error { o.HandshakeIvl = int(v); return nil }},
	{opt: InBatchSize, name: "ZMQ_IN_BATCH_SIZE", kind: kindInt, min: 1, max: maxInt32,
		get: func(o *Options) any { return o.InBatchSize },
		set: func(o *Options, v int64, _ []byte) error { o.InBatchSize = int(v); return nil }},
	{opt: OutBatchSize, name: "ZMQ_OUT_BATCH_SIZE", kind: kindInt, min: 1, max: maxInt32,
		get: func(o *Options) any { return o.OutBatchSize },
		set: func(o *Options, v int64, _ []byte) error { o.OutBatchSize = int(v); return nil }},
}

const maxInt32 = 1<<31 - 1

// parseFilter reads "10.0.0.0/8", "::1/128" or a bare address (all of its
// bits).
func parseFilter(f string) (netip.Prefix, error) {
	if strings.Contains(f, "/") {
		p, err := netip.ParsePrefix(f)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(f)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// addMetadata is ZMQ_METADATA: "A metadata property is specfied as a
// string, delimited by a colon, starting with the metadata property
// followed by the metadata value, for example "X-key:value". Property names
// are restrited to maximum 255 characters and must be prefixed by "X-"."
// As libzmq 4.3.4 does: the name ends at the first colon, so the value may
// hold more; the prefix is case-sensitive; the value must not be empty; a
// name set before keeps its first value (the call still succeeds); and a
// value of exactly 4 bytes is EINVAL, since libzmq takes it for an int
// (which only refuses "X-:v", the shortest property it would otherwise
// take).
func addMetadata(props *[]zmtp.Property, b []byte) error {
	colon := bytes.IndexByte(b, ':')
	if len(b) == 4 || colon <= 0 || colon == len(b)-1 {
		return errno.Invalidf("want \"X-name:value\" with a non-empty value, not of 4 bytes")
	}
	name := string(b[:colon])
	if !strings.HasPrefix(name, "X-") || len(name) > 255 {
		return errno.Invalidf("the property name must start with \"X-\" and be at most 255 bytes")
	}
	for _, p := range *props {
		if p.Name == name {
			return nil
		}
	}
	*props = append(*props, zmtp.Property{Name: name, Value: bytes.Clone(b[colon+1:])})
	return nil
}

// addOrClear is an IPC filter's set: an int adds an id, nil (b non-nil and
// empty, see Set) clears the list.
func addOrClear(list *[]int, v int64, b []byte) error {
	if b != nil {
		*list = nil
		return nil
	}
	*list = append(*list, int(v))
	return nil
}

// setKeepAlive takes -1 (the system's value) or a positive count or time:
// "-1,>0".
func setKeepAlive(dst *int, v int64) error {
	if v == 0 {
		return errno.Invalidf("want -1 (the system's) or more than 0, got 0")
	}
	*dst = int(v)
	return nil
}

// boolOpt is the table row of a 0/1 option stored in the bool field picks
// out, for the given socket types (nil: all).
// serverRole is ZMQ_PLAIN_SERVER or ZMQ_CURVE_SERVER: 1 makes the socket
// that mechanism's server, 0 makes it NULL (libzmq 4.3.4), and it reads 1
// only while the socket is that server.
func serverRole(opt Option, name string, mech int) optionDef {
	return optionDef{opt: opt, name: name, kind: kindBool, min: 0, max: 1,
		get: func(o *Options) any { return boolInt(o.AsServer && o.Mechanism == mech) },
		set: func(o *Options, v int64, _ []byte) error {
			o.AsServer = v != 0
			o.Mechanism = MechanismNull
			if o.AsServer {
				o.Mechanism = mech
			}
			return nil
		}}
}

// plainCredential is ZMQ_PLAIN_USERNAME or ZMQ_PLAIN_PASSWORD as libzmq
// 4.3.4 has them: 1 to 255 bytes make the socket a PLAIN client; C's NULL
// (nil) makes it NULL again and keeps the value; an empty one is refused.
func plainCredential(opt Option, name string, field func(*Options) *[]byte) optionDef {
	return optionDef{opt: opt, name: name, kind: kindBytes, min: 1, max: 255, null: true,
		get: func(o *Options) any { return slices.Clone(*field(o)) },
		set: func(o *Options, _ int64, b []byte) error {
			if b == nil {
				o.Mechanism = MechanismNull
				return nil
			}
			*field(o) = append((*field(o))[:0], b...)
			o.AsServer = false
			o.Mechanism = MechanismPlain
			return nil
		}}
}

// curveKey is one of the CURVE key options: 32 raw bytes or 40 (41 with a
// trailing NUL) of Z85, as libzmq 4.3.4 takes them. Setting one makes the
// mechanism CURVE, and the server's key (client) also makes us a client.
func curveKey(opt Option, name string, field func(*Options) *[32]byte, client bool) optionDef {
	return optionDef{opt: opt, name: name, kind: kindBytes, min: 32, max: 41,
		get: func(o *Options) any { k := *field(o); return k[:] },
		set: func(o *Options, _ int64, b []byte) error {
			var key [32]byte
			switch {
			case len(b) == 32:
				copy(key[:], b)
			case len(b) == 40 || (len(b) == 41 && b[40] == 0):
				raw, err := zmtp.AppendZ85Decode(key[:0], b[:40])
				if err != nil || len(raw) != 32 {
					return errno.Invalidf("not a CURVE key in Z85")
				}
			default:
				return errno.Invalidf("want 32 bytes, or 40 of Z85 (41 with a trailing NUL), got %d", len(b))
			}
			*field(o) = key
			o.Mechanism = MechanismCurve
			if client {
				o.AsServer = false
			}
			return nil
		}}
}

func boolOpt(opt Option, name string, types []Type, field func(*Options) *bool) optionDef {
	return optionDef{opt: opt, name: name, kind: kindBool, min: 0, max: 1, types: types,
		get: func(o *Options) any { return boolInt(*field(o)) },
		set: func(o *Options, v int64, _ []byte) error { *field(o) = v != 0; return nil }}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func lookup(opt Option) *optionDef {
	for i := range optionTable {
		if optionTable[i].opt == opt {
			return &optionTable[i]
		}
	}
	return nil
}

// AllOptions lists every option of the table, in table order: the root
// package's tests check that each is exported and documented there, the
// one place options are documented.
func AllOptions() []Option {
	opts := make([]Option, len(optionTable))
	for i := range optionTable {
		opts[i] = optionTable[i].opt
	}
	return opts
}

// OptionName is the zmq.h name of opt, or "" when zring does not know it.
func OptionName(opt Option) string {
	if d := lookup(opt); d != nil {
		return d.name
	}
	switch opt {
	case Subscribe:
		return "ZMQ_SUBSCRIBE"
	case Unsubscribe:
		return "ZMQ_UNSUBSCRIBE"
	case Events:
		return "ZMQ_EVENTS"
	}
	return unbuilt[opt]
}

// unbuilt are options of zmq_setsockopt(3) for what zring does not carry
// (GSSAPI, RFC 38): they fail with EINVAL, as in a libzmq built without
// it, and say so.
var unbuilt = map[Option]string{
	62: "ZMQ_GSSAPI_SERVER", 63: "ZMQ_GSSAPI_PRINCIPAL", 64: "ZMQ_GSSAPI_SERVICE_PRINCIPAL",
	65: "ZMQ_GSSAPI_PLAINTEXT", 90: "ZMQ_GSSAPI_PRINCIPAL_NAMETYPE", 91: "ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE",
}

// errUnbuilt is the error of an option in unbuilt.
var errUnbuilt = fmt.Errorf("%w: the GSSAPI mechanism is not built into zring", errno.EINVAL)

// Set validates v against the table row of opt and stores it. Unknown
// options, read-only options, values of the wrong Go type and values out of
// range all return EINVAL, as zmq_setsockopt does, with the reason.
func (o *Options) Set(opt Option, v any) error {
	d := lookup(opt)
	if d == nil && unbuilt[opt] != "" {
		return errUnbuilt
	}
	if err := d.usable(o.Type, true); err != nil {
		return err
	}
	if d.kind == kindIntList {
		switch x := v.(type) {
		case nil:
			return d.set(o, 0, []byte{})
		case int:
			if err := d.inRange(int64(x)); err != nil {
				return err
			}
			return d.set(o, int64(x), nil)
		}
		return errno.Invalidf("want int (or nil to clear), got %T", v)
	}
	switch d.kind {
	case kindBytes:
		var b []byte
		switch x := v.(type) {
		case nil:
			if !d.null {
				return errno.Invalidf("want []byte or string, got nil")
			}
			return d.set(o, 0, nil)
		case []byte:
			if x == nil && d.null {
				return d.set(o, 0, nil)
			}
			b = x
		case string:
			b = []byte(x)
		default:
			return errno.Invalidf("want []byte or string, got %T", v)
		}
		if int64(len(b)) < d.min || int64(len(b)) > d.max {
			if d.min == d.max {
				return errno.Invalidf("want %d bytes, got %d", d.min, len(b))
			}
			return errno.Invalidf("want %d to %d bytes, got %d", d.min, d.max, len(b))
		}
		if b == nil {
			b = []byte{} // a set with null tells NULL from empty
		}
		return d.set(o, 0, b)
	case kindUint64:
		var n uint64
		switch x := v.(type) {
		case uint64:
			n = x
		case int:
			if x < 0 {
				return errno.Invalidf("want 0 or more, got %d", x)
			}
			n = uint64(x)
		default:
			return errno.Invalidf("want uint64 or int, got %T", v)
		}
		return d.set(o, int64(n), nil)
	default:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		case bool:
			if d.kind != kindBool {
				return errno.Invalidf("want int, got bool")
			}
			n = int64(boolInt(x))
		default:
			if d.kind == kindBool {
				return errno.Invalidf("want bool or int 0/1, got %T", v)
			}
			return errno.Invalidf("want int, got %T", v)
		}
		if err := d.inRange(n); err != nil {
			return err
		}
		return d.set(o, n, nil)
	}
}

// usable says why opt (d, nil when unknown) cannot be set (set true) or
// read on a socket of type t, or nil.
func (d *optionDef) usable(t Type, set bool) error {
	switch {
	case d == nil:
		return errno.Invalidf("no such option")
	case set && d.readOnly:
		return errno.Invalidf("read-only")
	case !set && d.writeOnly:
		return errno.Invalidf("write-only")
	case !d.appliesTo(t):
		names := make([]string, len(d.types))
		for i, ty := range d.types {
			names[i] = ty.String()
		}
		return errno.Invalidf("for %s sockets only, not %s", strings.Join(names, ", "), t)
	}
	return nil
}

// inRange says why n is out of d's range, or nil.
func (d *optionDef) inRange(n int64) error {
	if n >= d.min && n <= d.max {
		return nil
	}
	if d.max >= math.MaxInt32 {
		return errno.Invalidf("want %d or more, got %d", d.min, n)
	}
	return errno.Invalidf("want %d to %d, got %d", d.min, d.max, n)
}

func (d *optionDef) appliesTo(t Type) bool {
	return d.types == nil || slices.Contains(d.types, t)
}

// Get returns the value of opt with the Go type of its C type: int, int64,
// uint64, []byte (a copy) or string.
func (o *Options) Get(opt Option) (any, error) {
	d := lookup(opt)
	if d == nil && unbuilt[opt] != "" {
		return nil, errUnbuilt
	}
	if err := d.usable(o.Type, false); err != nil {
		return nil, err
	}
	return d.get(o), nil
}
