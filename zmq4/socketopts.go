package zmq4

import (
	"math"
	"time"

	"github.com/zring/zring"
)

// The SetXxx and GetXxx methods are zmq_setsockopt(3) and zmq_getsockopt(3)
// for one option each, with pebbe/zmq4's Go types: time.Duration for the
// options in milliseconds (-1 meaning infinite where libzmq says so:
// Linger, Rcvtimeo, Sndtimeo, and "no reconnection" for ReconnectIvl),
// bool for the on/off options pebbe types so, string for binary values.
// Each maps to the zring option of the same ZMQ_ name, which validates it
// as libzmq 4.3.4 does (EINVAL for a bad value, or for an option the
// socket's type does not take).
//
// Options of what zring does not carry answer as a libzmq built without it
// does: the GSSAPI and VMCI ones fail with EINVAL. The multicast ones
// (ZMQ_RATE, ZMQ_RECOVERY_IVL, ZMQ_MULTICAST_HOPS, ZMQ_MULTICAST_MAXTPDU),
// which libzmq keeps whatever transports it has, are kept and validated
// here and have no effect. GetFd fails with EINVAL: a zring socket has no
// file descriptor to give (ZMQ_FD).

// Option numbers of zmq.h that the root package does not name.
const (
	optFd                 = zring.Option(14)
	optGssapiServer       = zring.Option(62)
	optGssapiPrincipal    = zring.Option(63)
	optGssapiSvcPrincipal = zring.Option(64)
	optGssapiPlaintext    = zring.Option(65)
	optVmciBufferSize     = zring.Option(85)
	optVmciBufferMinSize  = zring.Option(86)
	optVmciBufferMaxSize  = zring.Option(87)
	optVmciConnectTimeout = zring.Option(88)
)

// Whether a Duration of -1 stands for libzmq's -1 ("infinite") for an
// option in milliseconds.
const (
	infiniteAllowed = true
	noInfinite      = false
)

func (soc *Socket) set(opt zring.Option, v any) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	return bare(soc.zs.SetOption(opt, v))
}

func (soc *Socket) setInt(opt zring.Option, v int) error { return soc.set(opt, v) }

func (soc *Socket) setBool(opt zring.Option, v bool) error { return soc.set(opt, v) }

func (soc *Socket) setString(opt zring.Option, v string) error { return soc.set(opt, v) }

// setDuration sets an option in milliseconds; infinite says whether a
// Duration of -1 stands for libzmq's -1. Other durations are truncated to
// whole milliseconds.
func (soc *Socket) setDuration(opt zring.Option, d time.Duration, infinite bool) error {
	if infinite && d == -1 {
		return soc.setInt(opt, -1)
	}
	return soc.setInt(opt, int(d/time.Millisecond))
}

func (soc *Socket) get(opt zring.Option) (any, error) {
	if soc.closed {
		return nil, ErrorSocketClosed
	}
	v, err := soc.zs.GetOption(opt)
	return v, bare(err)
}

func (soc *Socket) getInt(opt zring.Option) (int, error) {
	if soc.closed {
		return 0, ErrorSocketClosed
	}
	v, err := soc.zs.GetOptionInt(opt)
	return v, bare(err)
}

func (soc *Socket) getBool(opt zring.Option) (bool, error) {
	v, err := soc.getInt(opt)
	return v != 0, err
}

func (soc *Socket) getString(opt zring.Option) (string, error) {
	v, err := soc.get(opt)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case []byte:
		return string(v), nil
	case string:
		return v, nil
	}
	return "", einval
}

func (soc *Socket) getDuration(opt zring.Option, infinite bool) (time.Duration, error) {
	v, err := soc.getInt(opt)
	if err != nil {
		return 0, err
	}
	if infinite && v == -1 {
		return -1, nil
	}
	return time.Duration(v) * time.Millisecond, nil
}

// setMulticast validates and keeps one of the multicast options.
func (soc *Socket) setMulticast(dst *int, v, min int) error {
	if soc.closed {
		return ErrorSocketClosed
	}
	if v < min || v > math.MaxInt32 {
		return einval
	}
	*dst = v
	return nil
}

func (soc *Socket) getMulticast(v int) (int, error) {
	if soc.closed {
		return 0, ErrorSocketClosed
	}
	return v, nil
}

// SetAffinity sets ZMQ_AFFINITY: bit i puts later connections on I/O
// thread i.
func (soc *Socket) SetAffinity(value uint64) error { return soc.set(zring.Affinity, value) }

// GetAffinity returns ZMQ_AFFINITY.
func (soc *Socket) GetAffinity() (uint64, error) {
	v, err := soc.get(zring.Affinity)
	if err != nil {
		return 0, err
	}
	return v.(uint64), nil
}

// SetBacklog sets ZMQ_BACKLOG, the listen queue of later binds.
func (soc *Socket) SetBacklog(value int) error { return soc.setInt(zring.Backlog, value) }

// GetBacklog returns ZMQ_BACKLOG.
func (soc *Socket) GetBacklog() (int, error) { return soc.getInt(zring.Backlog) }

// SetConflate sets ZMQ_CONFLATE: keep only the last message.
func (soc *Socket) SetConflate(value bool) error { return soc.setBool(zring.Conflate, value) }

// SetConnectRid sets ZMQ_CONNECT_ROUTING_ID (ZMQ_CONNECT_RID): the routing
// id of the peer of the next Connect (ROUTER).
func (soc *Socket) SetConnectRid(value string) error {
	return soc.setString(zring.ConnectRoutingID, value)
}

// SetConnectTimeout sets ZMQ_CONNECT_TIMEOUT (0: the system's).
func (soc *Socket) SetConnectTimeout(value time.Duration) error {
	return soc.setDuration(zring.ConnectTimeout, value, noInfinite)
}

// GetConnectTimeout returns ZMQ_CONNECT_TIMEOUT.
func (soc *Socket) GetConnectTimeout() (time.Duration, error) {
	return soc.getDuration(zring.ConnectTimeout, noInfinite)
}

// SetCurvePublickey sets ZMQ_CURVE_PUBLICKEY: 40 characters of Z85 or 32
// bytes.
func (soc *Socket) SetCurvePublickey(key string) error {
	return soc.setString(zring.CurvePublicKey, key)
}

// SetCurveSecretkey sets ZMQ_CURVE_SECRETKEY: 40 characters of Z85 or 32
// bytes.
func (soc *Socket) SetCurveSecretkey(key string) error {
	return soc.setString(zring.CurveSecretKey, key)
}

// SetCurveServerkey sets ZMQ_CURVE_SERVERKEY, which makes a CURVE client:
// 40 characters of Z85 or 32 bytes.
func (soc *Socket) SetCurveServerkey(key string) error {
	return soc.setString(zring.CurveServerKey, key)
}

// SetCurveServer sets ZMQ_CURVE_SERVER (1: a CURVE server).
func (soc *Socket) SetCurveServer(value int) error { return soc.setInt(zring.CurveServer, value) }

// GetCurvePublickeyRaw returns ZMQ_CURVE_PUBLICKEY as its 32 bytes.
func (soc *Socket) GetCurvePublickeyRaw() (string, error) {
	return soc.getString(zring.CurvePublicKey)
}

// GetCurvePublickeykeyZ85 returns ZMQ_CURVE_PUBLICKEY as 40 characters of
// Z85. (The doubled "key" is pebbe/zmq4's name.)
func (soc *Socket) GetCurvePublickeykeyZ85() (string, error) {
	return soc.getZ85(zring.CurvePublicKey)
}

// GetCurveSecretkeyRaw returns ZMQ_CURVE_SECRETKEY as its 32 bytes.
func (soc *Socket) GetCurveSecretkeyRaw() (string, error) {
	return soc.getString(zring.CurveSecretKey)
}

// GetCurveSecretkeyZ85 returns ZMQ_CURVE_SECRETKEY in Z85.
func (soc *Socket) GetCurveSecretkeyZ85() (string, error) { return soc.getZ85(zring.CurveSecretKey) }

// GetCurveServerkeyRaw returns ZMQ_CURVE_SERVERKEY as its 32 bytes.
func (soc *Socket) GetCurveServerkeyRaw() (string, error) {
	return soc.getString(zring.CurveServerKey)
}

// GetCurveServerkeyZ85 returns ZMQ_CURVE_SERVERKEY in Z85.
func (soc *Socket) GetCurveServerkeyZ85() (string, error) { return soc.getZ85(zring.CurveServerKey) }

func (soc *Socket) getZ85(opt zring.Option) (string, error) {
	if soc.closed {
		return "", ErrorSocketClosed
	}
	s, err := soc.zs.GetOptionZ85(opt)
	return s, bare(err)
}

// GetEvents returns ZMQ_EVENTS: POLLIN if a Recv would not block, POLLOUT
// if a Send would not.
func (soc *Socket) GetEvents() (State, error) {
	v, err := soc.getInt(zring.Events)
	return State(v), err
}

// GetFd would return ZMQ_FD; a zring socket has no file descriptor, so it
// returns -1 and EINVAL. Use a Poller or Reactor to wait on sockets.
func (soc *Socket) GetFd() (int, error) {
	if _, err := soc.getInt(optFd); err != nil {
		return -1, err
	}
	return -1, einval
}

// SetGssapiPlaintext sets ZMQ_GSSAPI_PLAINTEXT: EINVAL, zring has no GSSAPI.
func (soc *Socket) SetGssapiPlaintext(value bool) error {
	return soc.setBool(optGssapiPlaintext, value)
}

// GetGssapiPlaintext returns ZMQ_GSSAPI_PLAINTEXT: EINVAL.
func (soc *Socket) GetGssapiPlaintext() (bool, error) { return soc.getBool(optGssapiPlaintext) }

// SetGssapiPrincipal sets ZMQ_GSSAPI_PRINCIPAL: EINVAL.
func (soc *Socket) SetGssapiPrincipal(value string) error {
	return soc.setString(optGssapiPrincipal, value)
}

// GetGssapiPrincipal returns ZMQ_GSSAPI_PRINCIPAL: EINVAL.
func (soc *Socket) GetGssapiPrincipal() (string, error) { return soc.getString(optGssapiPrincipal) }

// SetGssapiServer sets ZMQ_GSSAPI_SERVER: EINVAL.
func (soc *Socket) SetGssapiServer(value bool) error { return soc.setBool(optGssapiServer, value) }

// GetGssapiServer returns ZMQ_GSSAPI_SERVER: EINVAL.
func (soc *Socket) GetGssapiServer() (bool, error) { return soc.getBool(optGssapiServer) }

// SetGssapiServicePrincipal sets ZMQ_GSSAPI_SERVICE_PRINCIPAL: EINVAL.
func (soc *Socket) SetGssapiServicePrincipal(value string) error {
	return soc.setString(optGssapiSvcPrincipal, value)
}

// GetGssapiServicePrincipal returns ZMQ_GSSAPI_SERVICE_PRINCIPAL: EINVAL.
func (soc *Socket) GetGssapiServicePrincipal() (string, error) {
	return soc.getString(optGssapiSvcPrincipal)
}

// SetHandshakeIvl sets ZMQ_HANDSHAKE_IVL (0: no limit).
func (soc *Socket) SetHandshakeIvl(value time.Duration) error {
	return soc.setDuration(zring.HandshakeIvl, value, noInfinite)
}

// GetHandshakeIvl returns ZMQ_HANDSHAKE_IVL.
func (soc *Socket) GetHandshakeIvl() (time.Duration, error) {
	return soc.getDuration(zring.HandshakeIvl, noInfinite)
}

// SetHeartbeatIvl sets ZMQ_HEARTBEAT_IVL (0: no heartbeats).
func (soc *Socket) SetHeartbeatIvl(value time.Duration) error {
	return soc.setDuration(zring.HeartbeatIvl, value, noInfinite)
}

// SetHeartbeatTimeout sets ZMQ_HEARTBEAT_TIMEOUT.
func (soc *Socket) SetHeartbeatTimeout(value time.Duration) error {
	return soc.setDuration(zring.HeartbeatTimeout, value, noInfinite)
}

// SetHeartbeatTtl sets ZMQ_HEARTBEAT_TTL.
func (soc *Socket) SetHeartbeatTtl(value time.Duration) error {
	return soc.setDuration(zring.HeartbeatTTL, value, noInfinite)
}

// SetIdentity sets ZMQ_IDENTITY (ZMQ_ROUTING_ID): 1 to 255 bytes, not
// starting with a zero byte.
func (soc *Socket) SetIdentity(value string) error { return soc.setString(zring.RoutingID, value) }

// GetIdentity returns ZMQ_IDENTITY.
func (soc *Socket) GetIdentity() (string, error) { return soc.getString(zring.RoutingID) }

// SetImmediate sets ZMQ_IMMEDIATE: queue messages to completed connections
// only.
func (soc *Socket) SetImmediate(value bool) error { return soc.setBool(zring.Immediate, value) }

// GetImmediate returns ZMQ_IMMEDIATE.
func (soc *Socket) GetImmediate() (bool, error) { return soc.getBool(zring.Immediate) }

// SetInvertMatching sets ZMQ_INVERT_MATCHING (PUB, XPUB, SUB).
func (soc *Socket) SetInvertMatching(value int) error {
	return soc.setInt(zring.InvertMatching, value)
}

// GetInvertMatching returns ZMQ_INVERT_MATCHING.
func (soc *Socket) GetInvertMatching() (int, error) { return soc.getInt(zring.InvertMatching) }

// SetIpv6 sets ZMQ_IPV6 for later binds and connects.
func (soc *Socket) SetIpv6(value bool) error { return soc.setBool(zring.IPv6, value) }

// GetIpv6 returns ZMQ_IPV6.
func (soc *Socket) GetIpv6() (bool, error) { return soc.getBool(zring.IPv6) }

// GetLastEndpoint returns ZMQ_LAST_ENDPOINT, the endpoint of the last Bind
// or Connect, with a picked port filled in.
func (soc *Socket) GetLastEndpoint() (string, error) { return soc.getString(zring.LastEndpoint) }

// SetLinger sets ZMQ_LINGER; -1 waits forever (the default, unless the
// context is not blocky).
func (soc *Socket) SetLinger(value time.Duration) error {
	return soc.setDuration(zring.Linger, value, infiniteAllowed)
}

// GetLinger returns ZMQ_LINGER, -1 for infinite.
func (soc *Socket) GetLinger() (time.Duration, error) {
	return soc.getDuration(zring.Linger, infiniteAllowed)
}

// SetMaxmsgsize sets ZMQ_MAXMSGSIZE: the largest frame the socket takes
// from a peer, -1 for no limit.
func (soc *Socket) SetMaxmsgsize(value int64) error { return soc.set(zring.MaxMsgSize, value) }

// GetMaxmsgsize returns ZMQ_MAXMSGSIZE.
func (soc *Socket) GetMaxmsgsize() (int64, error) {
	v, err := soc.get(zring.MaxMsgSize)
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

// GetMechanism returns ZMQ_MECHANISM: NULL, PLAIN or CURVE.
func (soc *Socket) GetMechanism() (Mechanism, error) {
	v, err := soc.getInt(zring.Mechanism)
	return Mechanism(v), err
}

// SetMulticastHops sets ZMQ_MULTICAST_HOPS (above 0; kept, no effect).
func (soc *Socket) SetMulticastHops(value int) error {
	return soc.setMulticast(&soc.mcast.hops, value, 1)
}

// GetMulticastHops returns ZMQ_MULTICAST_HOPS (default 1).
func (soc *Socket) GetMulticastHops() (int, error) { return soc.getMulticast(soc.mcast.hops) }

// SetMulticastMaxtpdu sets ZMQ_MULTICAST_MAXTPDU (above 0; kept, no
// effect).
func (soc *Socket) SetMulticastMaxtpdu(value int) error {
	return soc.setMulticast(&soc.mcast.maxTPDU, value, 1)
}

// GetMulticastMaxtpdu returns ZMQ_MULTICAST_MAXTPDU (default 1500).
func (soc *Socket) GetMulticastMaxtpdu() (int, error) { return soc.getMulticast(soc.mcast.maxTPDU) }

// SetPlainPassword sets ZMQ_PLAIN_PASSWORD, which makes a PLAIN client.
func (soc *Socket) SetPlainPassword(password string) error {
	return soc.setString(zring.PlainPassword, password)
}

// GetPlainPassword returns ZMQ_PLAIN_PASSWORD.
func (soc *Socket) GetPlainPassword() (string, error) { return soc.getString(zring.PlainPassword) }

// SetPlainServer sets ZMQ_PLAIN_SERVER (1: a PLAIN server).
func (soc *Socket) SetPlainServer(value int) error { return soc.setInt(zring.PlainServer, value) }

// GetPlainServer returns ZMQ_PLAIN_SERVER.
func (soc *Socket) GetPlainServer() (int, error) { return soc.getInt(zring.PlainServer) }

// SetPlainUsername sets ZMQ_PLAIN_USERNAME, which makes a PLAIN client.
func (soc *Socket) SetPlainUsername(username string) error {
	return soc.setString(zring.PlainUsername, username)
}

// GetPlainUsername returns ZMQ_PLAIN_USERNAME.
func (soc *Socket) GetPlainUsername() (string, error) { return soc.getString(zring.PlainUsername) }

// SetProbeRouter sets ZMQ_PROBE_ROUTER (ROUTER, DEALER, REQ).
func (soc *Socket) SetProbeRouter(value int) error { return soc.setInt(zring.ProbeRouter, value) }

// SetRate sets ZMQ_RATE (above 0, kilobits per second; kept, no effect).
func (soc *Socket) SetRate(value int) error { return soc.setMulticast(&soc.mcast.rate, value, 1) }

// GetRate returns ZMQ_RATE (default 100).
func (soc *Socket) GetRate() (int, error) { return soc.getMulticast(soc.mcast.rate) }

// SetRcvbuf sets ZMQ_RCVBUF (-1: the system's).
func (soc *Socket) SetRcvbuf(value int) error { return soc.setInt(zring.RcvBuf, value) }

// GetRcvbuf returns ZMQ_RCVBUF.
func (soc *Socket) GetRcvbuf() (int, error) { return soc.getInt(zring.RcvBuf) }

// SetRcvhwm sets ZMQ_RCVHWM (0: no limit).
func (soc *Socket) SetRcvhwm(value int) error { return soc.setInt(zring.RcvHWM, value) }

// GetRcvhwm returns ZMQ_RCVHWM.
func (soc *Socket) GetRcvhwm() (int, error) { return soc.getInt(zring.RcvHWM) }

// GetRcvmore returns ZMQ_RCVMORE: whether the frame received last has more
// after it.
func (soc *Socket) GetRcvmore() (bool, error) { return soc.getBool(zring.RcvMore) }

// SetRcvtimeo sets ZMQ_RCVTIMEO; -1 waits forever. A Recv that times out
// fails with Errno(syscall.EAGAIN).
func (soc *Socket) SetRcvtimeo(value time.Duration) error {
	return soc.setDuration(zring.RcvTimeo, value, infiniteAllowed)
}

// GetRcvtimeo returns ZMQ_RCVTIMEO, -1 for infinite.
func (soc *Socket) GetRcvtimeo() (time.Duration, error) {
	return soc.getDuration(zring.RcvTimeo, infiniteAllowed)
}

// SetReconnectIvl sets ZMQ_RECONNECT_IVL; -1 never reconnects.
func (soc *Socket) SetReconnectIvl(value time.Duration) error {
	return soc.setDuration(zring.ReconnectIvl, value, infiniteAllowed)
}

// GetReconnectIvl returns ZMQ_RECONNECT_IVL, -1 for no reconnection.
func (soc *Socket) GetReconnectIvl() (time.Duration, error) {
	return soc.getDuration(zring.ReconnectIvl, infiniteAllowed)
}

// SetReconnectIvlMax sets ZMQ_RECONNECT_IVL_MAX (0: no backoff).
func (soc *Socket) SetReconnectIvlMax(value time.Duration) error {
	return soc.setDuration(zring.ReconnectIvlMax, value, noInfinite)
}

// GetReconnectIvlMax returns ZMQ_RECONNECT_IVL_MAX.
func (soc *Socket) GetReconnectIvlMax() (time.Duration, error) {
	return soc.getDuration(zring.ReconnectIvlMax, noInfinite)
}

// SetRecoveryIvl sets ZMQ_RECOVERY_IVL (0 or more; kept, no effect).
func (soc *Socket) SetRecoveryIvl(value time.Duration) error {
	return soc.setMulticast(&soc.mcast.recoveryIvl, int(value/time.Millisecond), 0)
}

// GetRecoveryIvl returns ZMQ_RECOVERY_IVL (default 10 s).
func (soc *Socket) GetRecoveryIvl() (time.Duration, error) {
	v, err := soc.getMulticast(soc.mcast.recoveryIvl)
	return time.Duration(v) * time.Millisecond, err
}

// SetReqCorrelate sets ZMQ_REQ_CORRELATE (REQ).
func (soc *Socket) SetReqCorrelate(value int) error { return soc.setInt(zring.ReqCorrelate, value) }

// SetReqRelaxed sets ZMQ_REQ_RELAXED (REQ).
func (soc *Socket) SetReqRelaxed(value int) error { return soc.setInt(zring.ReqRelaxed, value) }

// SetRouterHandover sets ZMQ_ROUTER_HANDOVER (ROUTER).
func (soc *Socket) SetRouterHandover(value bool) error {
	return soc.setBool(zring.RouterHandover, value)
}

// SetRouterMandatory sets ZMQ_ROUTER_MANDATORY (ROUTER): unroutable
// messages fail with EHOSTUNREACH instead of being dropped.
func (soc *Socket) SetRouterMandatory(value int) error {
	return soc.setInt(zring.RouterMandatory, value)
}

// SetRouterRaw sets ZMQ_ROUTER_RAW (ROUTER; deprecated for STREAM).
func (soc *Socket) SetRouterRaw(value int) error { return soc.setInt(zring.RouterRaw, value) }

// SetSndbuf sets ZMQ_SNDBUF (-1: the system's).
func (soc *Socket) SetSndbuf(value int) error { return soc.setInt(zring.SndBuf, value) }

// GetSndbuf returns ZMQ_SNDBUF.
func (soc *Socket) GetSndbuf() (int, error) { return soc.getInt(zring.SndBuf) }

// SetSndhwm sets ZMQ_SNDHWM (0: no limit).
func (soc *Socket) SetSndhwm(value int) error { return soc.setInt(zring.SndHWM, value) }

// GetSndhwm returns ZMQ_SNDHWM.
func (soc *Socket) GetSndhwm() (int, error) { return soc.getInt(zring.SndHWM) }

// SetSndtimeo sets ZMQ_SNDTIMEO; -1 waits forever. A Send that times out
// fails with Errno(syscall.EAGAIN).
func (soc *Socket) SetSndtimeo(value time.Duration) error {
	return soc.setDuration(zring.SndTimeo, value, infiniteAllowed)
}

// GetSndtimeo returns ZMQ_SNDTIMEO, -1 for infinite.
func (soc *Socket) GetSndtimeo() (time.Duration, error) {
	return soc.getDuration(zring.SndTimeo, infiniteAllowed)
}

// SetSocksProxy sets ZMQ_SOCKS_PROXY, "host:port" of a SOCKS5 proxy for
// later tcp connects; "" removes it (libzmq's NULL value).
func (soc *Socket) SetSocksProxy(value string) error {
	if value == "" {
		return soc.set(zring.SOCKSProxy, nil)
	}
	return soc.setString(zring.SOCKSProxy, value)
}

// GetSocksProxy returns ZMQ_SOCKS_PROXY.
func (soc *Socket) GetSocksProxy() (string, error) { return soc.getString(zring.SOCKSProxy) }

// SetStreamNotify sets ZMQ_STREAM_NOTIFY (STREAM).
func (soc *Socket) SetStreamNotify(value int) error { return soc.setInt(zring.StreamNotify, value) }

// SetSubscribe sets ZMQ_SUBSCRIBE (SUB): add a topic prefix; "" matches
// every message.
func (soc *Socket) SetSubscribe(filter string) error { return soc.setString(zring.Subscribe, filter) }

// SetUnsubscribe sets ZMQ_UNSUBSCRIBE (SUB): remove one instance of a
// topic prefix.
func (soc *Socket) SetUnsubscribe(filter string) error {
	return soc.setString(zring.Unsubscribe, filter)
}

// SetTcpAcceptFilter sets ZMQ_TCP_ACCEPT_FILTER (deprecated for ZAP): add
// an address or CIDR prefix tcp clients must come from; "" clears them.
func (soc *Socket) SetTcpAcceptFilter(filter string) error {
	return soc.setString(zring.TCPAcceptFilter, filter)
}

// SetTcpKeepalive sets ZMQ_TCP_KEEPALIVE (-1 the system's, 0 off, 1 on).
func (soc *Socket) SetTcpKeepalive(value int) error { return soc.setInt(zring.TCPKeepAlive, value) }

// GetTcpKeepalive returns ZMQ_TCP_KEEPALIVE.
func (soc *Socket) GetTcpKeepalive() (int, error) { return soc.getInt(zring.TCPKeepAlive) }

// SetTcpKeepaliveCnt sets ZMQ_TCP_KEEPALIVE_CNT.
func (soc *Socket) SetTcpKeepaliveCnt(value int) error {
	return soc.setInt(zring.TCPKeepAliveCnt, value)
}

// GetTcpKeepaliveCnt returns ZMQ_TCP_KEEPALIVE_CNT.
func (soc *Socket) GetTcpKeepaliveCnt() (int, error) { return soc.getInt(zring.TCPKeepAliveCnt) }

// SetTcpKeepaliveIdle sets ZMQ_TCP_KEEPALIVE_IDLE, in seconds.
func (soc *Socket) SetTcpKeepaliveIdle(value int) error {
	return soc.setInt(zring.TCPKeepAliveIdle, value)
}

// GetTcpKeepaliveIdle returns ZMQ_TCP_KEEPALIVE_IDLE.
func (soc *Socket) GetTcpKeepaliveIdle() (int, error) { return soc.getInt(zring.TCPKeepAliveIdle) }

// SetTcpKeepaliveIntvl sets ZMQ_TCP_KEEPALIVE_INTVL, in seconds.
func (soc *Socket) SetTcpKeepaliveIntvl(value int) error {
	return soc.setInt(zring.TCPKeepAliveIntvl, value)
}

// GetTcpKeepaliveIntvl returns ZMQ_TCP_KEEPALIVE_INTVL.
func (soc *Socket) GetTcpKeepaliveIntvl() (int, error) {
	return soc.getInt(zring.TCPKeepAliveIntvl)
}

// SetTcpMaxrt sets ZMQ_TCP_MAXRT (TCP_USER_TIMEOUT on Linux).
func (soc *Socket) SetTcpMaxrt(value time.Duration) error {
	return soc.setDuration(zring.TCPMaxRT, value, noInfinite)
}

// GetTcpMaxrt returns ZMQ_TCP_MAXRT.
func (soc *Socket) GetTcpMaxrt() (time.Duration, error) {
	return soc.getDuration(zring.TCPMaxRT, noInfinite)
}

// GetThreadSafe returns ZMQ_THREAD_SAFE: false, for every socket type
// zring has (the thread-safe draft types are not among them).
func (soc *Socket) GetThreadSafe() (bool, error) {
	if soc.closed {
		return false, ErrorSocketClosed
	}
	return false, nil
}

// SetTos sets ZMQ_TOS (IP_TOS) for later connections.
func (soc *Socket) SetTos(value int) error { return soc.setInt(zring.TOS, value) }

// GetTos returns ZMQ_TOS.
func (soc *Socket) GetTos() (int, error) { return soc.getInt(zring.TOS) }

// GetType returns ZMQ_TYPE.
func (soc *Socket) GetType() (Type, error) {
	v, err := soc.getInt(zring.Type)
	return Type(v), err
}

// SetUseFd sets ZMQ_USE_FD: the next Bind takes this listening socket.
func (soc *Socket) SetUseFd(value int) error { return soc.setInt(zring.UseFD, value) }

// Getusefd returns ZMQ_USE_FD.
func (soc *Socket) Getusefd() (int, error) { return soc.getInt(zring.UseFD) }

// SetVmciBufferSize sets ZMQ_VMCI_BUFFER_SIZE: EINVAL, zring has no VMCI.
func (soc *Socket) SetVmciBufferSize(value uint64) error {
	return soc.set(optVmciBufferSize, value)
}

// GetVmciBufferSize returns ZMQ_VMCI_BUFFER_SIZE: EINVAL.
func (soc *Socket) GetVmciBufferSize() (uint64, error) { return soc.getUint64(optVmciBufferSize) }

// SetVmciBufferMinSize sets ZMQ_VMCI_BUFFER_MIN_SIZE: EINVAL.
func (soc *Socket) SetVmciBufferMinSize(value uint64) error {
	return soc.set(optVmciBufferMinSize, value)
}

// GetVmciBufferMinSize returns ZMQ_VMCI_BUFFER_MIN_SIZE: EINVAL.
func (soc *Socket) GetVmciBufferMinSize() (uint64, error) {
	return soc.getUint64(optVmciBufferMinSize)
}

// SetVmciBufferMaxSize sets ZMQ_VMCI_BUFFER_MAX_SIZE: EINVAL.
func (soc *Socket) SetVmciBufferMaxSize(value uint64) error {
	return soc.set(optVmciBufferMaxSize, value)
}

// GetVmciBufferMaxSize returns ZMQ_VMCI_BUFFER_MAX_SIZE: EINVAL.
func (soc *Socket) GetVmciBufferMaxSize() (uint64, error) {
	return soc.getUint64(optVmciBufferMaxSize)
}

// SetVmciConnectTimeout sets ZMQ_VMCI_CONNECT_TIMEOUT: EINVAL.
func (soc *Socket) SetVmciConnectTimeout(value time.Duration) error {
	return soc.setDuration(optVmciConnectTimeout, value, noInfinite)
}

// GetVmciConnectTimeout returns ZMQ_VMCI_CONNECT_TIMEOUT: EINVAL.
func (soc *Socket) GetVmciConnectTimeout() (time.Duration, error) {
	return soc.getDuration(optVmciConnectTimeout, noInfinite)
}

func (soc *Socket) getUint64(opt zring.Option) (uint64, error) {
	v, err := soc.get(opt)
	if err != nil {
		return 0, err
	}
	if u, ok := v.(uint64); ok {
		return u, nil
	}
	return 0, einval
}

// SetXpubManual sets ZMQ_XPUB_MANUAL (XPUB).
func (soc *Socket) SetXpubManual(value int) error { return soc.setInt(zring.XPubManual, value) }

// SetXpubNodrop sets ZMQ_XPUB_NODROP (XPUB).
func (soc *Socket) SetXpubNodrop(value bool) error { return soc.setBool(zring.XPubNoDrop, value) }

// SetXpubVerbose sets ZMQ_XPUB_VERBOSE (XPUB).
func (soc *Socket) SetXpubVerbose(value int) error { return soc.setInt(zring.XPubVerbose, value) }

// SetXpubVerboser sets ZMQ_XPUB_VERBOSER (XPUB).
func (soc *Socket) SetXpubVerboser(value int) error { return soc.setInt(zring.XPubVerboser, value) }

// SetXpubWelcomeMsg sets ZMQ_XPUB_WELCOME_MSG (XPUB), sent to each new
// subscriber; "" sends none.
func (soc *Socket) SetXpubWelcomeMsg(value string) error {
	return soc.setString(zring.XPubWelcomeMsg, value)
}

// SetZapDomain sets ZMQ_ZAP_DOMAIN, the domain of the socket's ZAP
// requests.
func (soc *Socket) SetZapDomain(domain string) error { return soc.setString(zring.ZAPDomain, domain) }

// GetZapDomain returns ZMQ_ZAP_DOMAIN.
func (soc *Socket) GetZapDomain() (string, error) { return soc.getString(zring.ZAPDomain) }
