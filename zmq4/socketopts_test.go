package zmq4_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// TestOptionRoundTrips sets each option that has a getter and reads it
// back, on a socket type that takes it; "dflt" is zmq_setsockopt(3)'s
// default.
func TestOptionRoundTrips(t *testing.T) {
	ctx := newContext(t)
	type row struct {
		name string
		typ  zmq.Type
		dflt any
		set  func(*zmq.Socket) error
		get  func(*zmq.Socket) (any, error)
		want any
	}
	intRow := func(name string, typ zmq.Type, dflt, v int, set func(*zmq.Socket, int) error, get func(*zmq.Socket) (int, error)) row {
		return row{name, typ, dflt,
			func(s *zmq.Socket) error { return set(s, v) },
			func(s *zmq.Socket) (any, error) { return get(s) }, v}
	}
	durRow := func(name string, typ zmq.Type, dflt, v time.Duration, set func(*zmq.Socket, time.Duration) error, get func(*zmq.Socket) (time.Duration, error)) row {
		return row{name, typ, dflt,
			func(s *zmq.Socket) error { return set(s, v) },
			func(s *zmq.Socket) (any, error) { return get(s) }, v}
	}
	boolRow := func(name string, typ zmq.Type, dflt, v bool, set func(*zmq.Socket, bool) error, get func(*zmq.Socket) (bool, error)) row {
		return row{name, typ, dflt,
			func(s *zmq.Socket) error { return set(s, v) },
			func(s *zmq.Socket) (any, error) { return get(s) }, v}
	}
	strRow := func(name string, typ zmq.Type, dflt, v string, set func(*zmq.Socket, string) error, get func(*zmq.Socket) (string, error)) row {
		return row{name, typ, dflt,
			func(s *zmq.Socket) error { return set(s, v) },
			func(s *zmq.Socket) (any, error) { return get(s) }, v}
	}
	rows := []row{
		{"AFFINITY", zmq.DEALER, uint64(0),
			func(s *zmq.Socket) error { return s.SetAffinity(3) },
			func(s *zmq.Socket) (any, error) { return s.GetAffinity() }, uint64(3)},
		intRow("BACKLOG", zmq.DEALER, 100, 7, (*zmq.Socket).SetBacklog, (*zmq.Socket).GetBacklog),
		durRow("CONNECT_TIMEOUT", zmq.DEALER, 0, 1500*time.Millisecond, (*zmq.Socket).SetConnectTimeout, (*zmq.Socket).GetConnectTimeout),
		durRow("HANDSHAKE_IVL", zmq.DEALER, 30*time.Second, 2*time.Second, (*zmq.Socket).SetHandshakeIvl, (*zmq.Socket).GetHandshakeIvl),
		strRow("IDENTITY", zmq.DEALER, "", "me", (*zmq.Socket).SetIdentity, (*zmq.Socket).GetIdentity),
		boolRow("IMMEDIATE", zmq.DEALER, false, true, (*zmq.Socket).SetImmediate, (*zmq.Socket).GetImmediate),
		intRow("INVERT_MATCHING", zmq.SUB, 0, 1, (*zmq.Socket).SetInvertMatching, (*zmq.Socket).GetInvertMatching),
		boolRow("IPV6", zmq.DEALER, false, true, (*zmq.Socket).SetIpv6, (*zmq.Socket).GetIpv6),
		durRow("LINGER", zmq.DEALER, -1, 250*time.Millisecond, (*zmq.Socket).SetLinger, (*zmq.Socket).GetLinger),
		durRow("LINGER -1", zmq.DEALER, -1, -1, (*zmq.Socket).SetLinger, (*zmq.Socket).GetLinger),
		{"MAXMSGSIZE", zmq.DEALER, int64(-1),
			func(s *zmq.Socket) error { return s.SetMaxmsgsize(1 << 40) },
			func(s *zmq.Socket) (any, error) { return s.GetMaxmsgsize() }, int64(1 << 40)},
		intRow("MULTICAST_HOPS", zmq.PUB, 1, 3, (*zmq.Socket).SetMulticastHops, (*zmq.Socket).GetMulticastHops),
		intRow("MULTICAST_MAXTPDU", zmq.PUB, 1500, 1400, (*zmq.Socket).SetMulticastMaxtpdu, (*zmq.Socket).GetMulticastMaxtpdu),
		strRow("PLAIN_PASSWORD", zmq.DEALER, "", "secret", (*zmq.Socket).SetPlainPassword, (*zmq.Socket).GetPlainPassword),
		intRow("PLAIN_SERVER", zmq.REP, 0, 1, (*zmq.Socket).SetPlainServer, (*zmq.Socket).GetPlainServer),
		strRow("PLAIN_USERNAME", zmq.DEALER, "", "admin", (*zmq.Socket).SetPlainUsername, (*zmq.Socket).GetPlainUsername),
		intRow("RATE", zmq.PUB, 100, 1000, (*zmq.Socket).SetRate, (*zmq.Socket).GetRate),
		intRow("RCVBUF", zmq.DEALER, -1, 65536, (*zmq.Socket).SetRcvbuf, (*zmq.Socket).GetRcvbuf),
		intRow("RCVHWM", zmq.DEALER, 1000, 10, (*zmq.Socket).SetRcvhwm, (*zmq.Socket).GetRcvhwm),
		durRow("RCVTIMEO", zmq.DEALER, -1, 10*time.Millisecond, (*zmq.Socket).SetRcvtimeo, (*zmq.Socket).GetRcvtimeo),
		durRow("RECONNECT_IVL", zmq.DEALER, 100*time.Millisecond, -1, (*zmq.Socket).SetReconnectIvl, (*zmq.Socket).GetReconnectIvl),
		durRow("RECONNECT_IVL_MAX", zmq.DEALER, 0, time.Second, (*zmq.Socket).SetReconnectIvlMax, (*zmq.Socket).GetReconnectIvlMax),
		durRow("RECOVERY_IVL", zmq.PUB, 10*time.Second, 0, (*zmq.Socket).SetRecoveryIvl, (*zmq.Socket).GetRecoveryIvl),
		intRow("SNDBUF", zmq.DEALER, -1, 65536, (*zmq.Socket).SetSndbuf, (*zmq.Socket).GetSndbuf),
		intRow("SNDHWM", zmq.DEALER, 1000, 0, (*zmq.Socket).SetSndhwm, (*zmq.Socket).GetSndhwm),
		durRow("SNDTIMEO", zmq.DEALER, -1, 0, (*zmq.Socket).SetSndtimeo, (*zmq.Socket).GetSndtimeo),
		strRow("SOCKS_PROXY", zmq.DEALER, "", "127.0.0.1:1080", (*zmq.Socket).SetSocksProxy, (*zmq.Socket).GetSocksProxy),
		strRow("SOCKS_PROXY cleared", zmq.DEALER, "", "", (*zmq.Socket).SetSocksProxy, (*zmq.Socket).GetSocksProxy),
		intRow("TCP_KEEPALIVE", zmq.DEALER, -1, 1, (*zmq.Socket).SetTcpKeepalive, (*zmq.Socket).GetTcpKeepalive),
		intRow("TCP_KEEPALIVE_CNT", zmq.DEALER, -1, 5, (*zmq.Socket).SetTcpKeepaliveCnt, (*zmq.Socket).GetTcpKeepaliveCnt),
		intRow("TCP_KEEPALIVE_IDLE", zmq.DEALER, -1, 60, (*zmq.Socket).SetTcpKeepaliveIdle, (*zmq.Socket).GetTcpKeepaliveIdle),
		intRow("TCP_KEEPALIVE_INTVL", zmq.DEALER, -1, 10, (*zmq.Socket).SetTcpKeepaliveIntvl, (*zmq.Socket).GetTcpKeepaliveIntvl),
		durRow("TCP_MAXRT", zmq.DEALER, 0, 3*time.Second, (*zmq.Socket).SetTcpMaxrt, (*zmq.Socket).GetTcpMaxrt),
		intRow("TOS", zmq.DEALER, 0, 0x10, (*zmq.Socket).SetTos, (*zmq.Socket).GetTos),
		intRow("USE_FD", zmq.DEALER, -1, -1, (*zmq.Socket).SetUseFd, (*zmq.Socket).Getusefd),
		strRow("ZAP_DOMAIN", zmq.REP, "", "global", (*zmq.Socket).SetZapDomain, (*zmq.Socket).GetZapDomain),
	}
	for _, r := range rows {
		s := newSocket(t, ctx, r.typ)
		if r.name != "LINGER" && r.name != "LINGER -1" { // newSocket sets linger 0
			if got, err := r.get(s); got != r.dflt || err != nil {
				t.Errorf("%s default: %v %v, want %v", r.name, got, err, r.dflt)
			}
		}
		if err := r.set(s); err != nil {
			t.Errorf("%s: set: %v", r.name, err)
			continue
		}
		if got, err := r.get(s); got != r.want || err != nil {
			t.Errorf("%s: read back %v %v, want %v", r.name, got, err, r.want)
		}
	}
}

func TestOptionsReadOnly(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	if ev, err := a.GetEvents(); ev != zmq.POLLOUT || err != nil {
		t.Errorf("GetEvents of an idle PAIR: %v %v", ev, err)
	}
	b.Send("x", 0)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if ev, _ := a.GetEvents(); ev&zmq.POLLIN != 0 {
			break
		}
	}
	if ev, _ := a.GetEvents(); ev != zmq.POLLIN|zmq.POLLOUT {
		t.Errorf("GetEvents with a message queued: %v", ev)
	}
	if ep, _ := a.GetLastEndpoint(); !strings.HasPrefix(ep, "inproc://TestOptionsReadOnly-") {
		t.Errorf("GetLastEndpoint: %q", ep)
	}
	if m, _ := a.GetMechanism(); m != zmq.NULL {
		t.Errorf("GetMechanism: %v", m)
	}
	if safe, err := a.GetThreadSafe(); safe || err != nil {
		t.Errorf("GetThreadSafe: %v %v", safe, err)
	}
	if fd, err := a.GetFd(); fd != -1 || err != zmq.Errno(syscall.EINVAL) {
		t.Errorf("GetFd: %d %v, want -1 EINVAL", fd, err)
	}
}

// Write-only options and options for what zring does not carry.
func TestOptionsRefused(t *testing.T) {
	ctx := newContext(t)
	einval := zmq.Errno(syscall.EINVAL)
	dealer := newSocket(t, ctx, zmq.DEALER)
	for _, c := range []struct {
		name string
		err  error
	}{
		{"GSSAPI_SERVER", dealer.SetGssapiServer(true)},
		{"GSSAPI_PRINCIPAL", dealer.SetGssapiPrincipal("p")},
		{"GSSAPI_SERVICE_PRINCIPAL", dealer.SetGssapiServicePrincipal("p")},
		{"GSSAPI_PLAINTEXT", dealer.SetGssapiPlaintext(true)},
		{"VMCI_BUFFER_SIZE", dealer.SetVmciBufferSize(1)},
		{"VMCI_BUFFER_MIN_SIZE", dealer.SetVmciBufferMinSize(1)},
		{"VMCI_BUFFER_MAX_SIZE", dealer.SetVmciBufferMaxSize(1)},
		{"VMCI_CONNECT_TIMEOUT", dealer.SetVmciConnectTimeout(time.Second)},
		{"RATE 0", dealer.SetRate(0)},
		{"RECOVERY_IVL -1ms", dealer.SetRecoveryIvl(-time.Millisecond)},
		{"MULTICAST_HOPS 0", dealer.SetMulticastHops(0)},
		{"MULTICAST_MAXTPDU 0", dealer.SetMulticastMaxtpdu(0)},
		{"LINGER -2ms", dealer.SetLinger(-2 * time.Millisecond)},
		{"ROUTER_MANDATORY on a DEALER", dealer.SetRouterMandatory(1)},
		{"SUBSCRIBE on a DEALER", dealer.SetSubscribe("")},
		{"empty IDENTITY", dealer.SetIdentity("")},
	} {
		if c.err != einval {
			t.Errorf("%s: %v, want EINVAL", c.name, c.err)
		}
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"GSSAPI_SERVER", second(dealer.GetGssapiServer())},
		{"GSSAPI_PRINCIPAL", second(dealer.GetGssapiPrincipal())},
		{"GSSAPI_SERVICE_PRINCIPAL", second(dealer.GetGssapiServicePrincipal())},
		{"GSSAPI_PLAINTEXT", second(dealer.GetGssapiPlaintext())},
		{"VMCI_BUFFER_SIZE", second(dealer.GetVmciBufferSize())},
		{"VMCI_BUFFER_MIN_SIZE", second(dealer.GetVmciBufferMinSize())},
		{"VMCI_BUFFER_MAX_SIZE", second(dealer.GetVmciBufferMaxSize())},
		{"VMCI_CONNECT_TIMEOUT", second(dealer.GetVmciConnectTimeout())},
	} {
		if c.err != einval {
			t.Errorf("get %s: %v, want EINVAL", c.name, c.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// The setters without getters take what their types take.
func TestOptionsWriteOnly(t *testing.T) {
	ctx := newContext(t)
	for _, c := range []struct {
		name string
		typ  zmq.Type
		set  func(*zmq.Socket) error
	}{
		{"CONFLATE", zmq.PULL, func(s *zmq.Socket) error { return s.SetConflate(true) }},
		{"CONNECT_RID", zmq.ROUTER, func(s *zmq.Socket) error { return s.SetConnectRid("peer") }},
		{"HEARTBEAT_IVL", zmq.DEALER, func(s *zmq.Socket) error { return s.SetHeartbeatIvl(time.Second) }},
		{"HEARTBEAT_TIMEOUT", zmq.DEALER, func(s *zmq.Socket) error { return s.SetHeartbeatTimeout(time.Second) }},
		{"HEARTBEAT_TTL", zmq.DEALER, func(s *zmq.Socket) error { return s.SetHeartbeatTtl(time.Second) }},
		{"PROBE_ROUTER", zmq.DEALER, func(s *zmq.Socket) error { return s.SetProbeRouter(1) }},
		{"REQ_CORRELATE", zmq.REQ, func(s *zmq.Socket) error { return s.SetReqCorrelate(1) }},
		{"REQ_RELAXED", zmq.REQ, func(s *zmq.Socket) error { return s.SetReqRelaxed(1) }},
		{"ROUTER_HANDOVER", zmq.ROUTER, func(s *zmq.Socket) error { return s.SetRouterHandover(true) }},
		{"ROUTER_MANDATORY", zmq.ROUTER, func(s *zmq.Socket) error { return s.SetRouterMandatory(1) }},
		{"ROUTER_RAW", zmq.ROUTER, func(s *zmq.Socket) error { return s.SetRouterRaw(1) }},
		{"STREAM_NOTIFY", zmq.STREAM, func(s *zmq.Socket) error { return s.SetStreamNotify(0) }},
		{"SUBSCRIBE", zmq.SUB, func(s *zmq.Socket) error { return s.SetSubscribe("topic") }},
		{"UNSUBSCRIBE", zmq.SUB, func(s *zmq.Socket) error { return s.SetUnsubscribe("topic") }},
		{"TCP_ACCEPT_FILTER", zmq.REP, func(s *zmq.Socket) error { return s.SetTcpAcceptFilter("127.0.0.1") }},
		{"XPUB_MANUAL", zmq.XPUB, func(s *zmq.Socket) error { return s.SetXpubManual(1) }},
		{"XPUB_NODROP", zmq.XPUB, func(s *zmq.Socket) error { return s.SetXpubNodrop(true) }},
		{"XPUB_VERBOSE", zmq.XPUB, func(s *zmq.Socket) error { return s.SetXpubVerbose(1) }},
		{"XPUB_VERBOSER", zmq.XPUB, func(s *zmq.Socket) error { return s.SetXpubVerboser(1) }},
		{"XPUB_WELCOME_MSG", zmq.XPUB, func(s *zmq.Socket) error { return s.SetXpubWelcomeMsg("welcome") }},
	} {
		if err := c.set(newSocket(t, ctx, c.typ)); err != nil {
			t.Errorf("%s on %v: %v", c.name, c.typ, err)
		}
	}
}

func TestCurveKeyOptions(t *testing.T) {
	ctx := newContext(t)
	public, secret, err := zmq.NewCurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	s := newSocket(t, ctx, zmq.DEALER)
	if err := s.ClientAuthCurve(public, public, secret); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.GetMechanism(); m != zmq.CURVE {
		t.Errorf("mechanism %v after ClientAuthCurve", m)
	}
	for _, c := range []struct {
		name     string
		raw, z85 func() (string, error)
		want     string
	}{
		{"PUBLICKEY", s.GetCurvePublickeyRaw, s.GetCurvePublickeykeyZ85, public},
		{"SECRETKEY", s.GetCurveSecretkeyRaw, s.GetCurveSecretkeyZ85, secret},
		{"SERVERKEY", s.GetCurveServerkeyRaw, s.GetCurveServerkeyZ85, public},
	} {
		if z, err := c.z85(); z != c.want || err != nil {
			t.Errorf("%s in Z85: %q %v, want %q", c.name, z, err, c.want)
		}
		if raw, err := c.raw(); raw != zmq.Z85decode(c.want) || err != nil {
			t.Errorf("%s raw: %x %v", c.name, raw, err)
		}
	}
	server := newSocket(t, ctx, zmq.REP)
	if err := server.ServerAuthCurve("domain", secret); err != nil {
		t.Fatal(err)
	}
	if m, _ := server.GetMechanism(); m != zmq.CURVE {
		t.Errorf("mechanism %v after ServerAuthCurve", m)
	}
	if d, _ := server.GetZapDomain(); d != "domain" {
		t.Errorf("ZAP domain %q", d)
	}
	plain := newSocket(t, ctx, zmq.REP)
	plain.ServerAuthPlain("p")
	if m, _ := plain.GetMechanism(); m != zmq.PLAIN {
		t.Errorf("mechanism %v after ServerAuthPlain", m)
	}
}
