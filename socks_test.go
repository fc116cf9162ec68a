package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/socks5test"
)

func startSOCKS(t *testing.T, network string, mode socks5test.Mode) *socks5test.Server {
	t.Helper()
	srv, err := socks5test.Start(network, mode)
	if err != nil {
		t.Skipf("socks5test on %s: %v", network, err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// pingPong sends a message each way between two connected PAIR sockets.
func pingPong(t *testing.T, a, b *zring.Socket) {
	t.Helper()
	for i, pair := range [][2]*zring.Socket{{a, b}, {b, a}} {
		msg := []byte(fmt.Sprintf("hello %d", i))
		if err := pair[0].Send(msg, 0); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		got, err := pair[1].Recv(0)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("recv %d: %q, %v", i, got, err)
		}
	}
}

func port(t *testing.T, endpoint string) string {
	t.Helper()
	i := strings.LastIndexByte(endpoint, ':')
	return endpoint[i+1:]
}

// TestSOCKSProxyConnects: "Sets the SOCKS5 proxy address that shall be
// used by the socket for the TCP connection(s)", with each address type of
// the CONNECT request and both authentication methods.
func TestSOCKSProxyConnects(t *testing.T) {
	cases := []struct {
		name       string
		proxyNet   string // where the proxy listens
		peerIPv6   bool   // the zring peer binds [::1]
		host       string // the endpoint's host as the connecter gives it
		mapTo      string // the proxy resolves host to this ("" none)
		user, pass string
		atyp       byte
		sentHost   string
		coalesce   bool // socks5test.RelayCoalesced
	}{
		{name: "IPv4 literal goes as 0x01", proxyNet: "tcp4", host: "127.0.0.1", atyp: 1, sentHost: "127.0.0.1"},
		{name: "IPv6 literal goes as 0x04", proxyNet: "tcp4", peerIPv6: true, host: "[::1]", atyp: 4, sentHost: "::1"},
		// "If the endpoints are domain names instead of addresses they
		// shall not be resolved and they shall be forwarded unchanged to
		// the SOCKS proxy service ... (address type 0x03 domain name)". A
		// .invalid name never resolves here: only the proxy knows it.
		{name: "domain name forwarded unresolved as 0x03", proxyNet: "tcp4", host: "zring-peer.invalid",
			mapTo: "127.0.0.1", atyp: 3, sentHost: "zring-peer.invalid"},
		{name: "localhost is a name too", proxyNet: "tcp4", host: "localhost", atyp: 3, sentHost: "localhost"},
		// "If you set this to a non-null and non-empty value, the
		// authentication method used for the SOCKS5 connection shall be
		// basic authentication."
		{name: "username and password", proxyNet: "tcp4", host: "127.0.0.1", user: "zring", pass: "s3cret",
			atyp: 1, sentHost: "127.0.0.1"},
		{name: "username, empty password", proxyNet: "tcp4", host: "127.0.0.1", user: "zring", atyp: 1, sentHost: "127.0.0.1"},
		{name: "proxy on IPv6", proxyNet: "tcp6", host: "127.0.0.1", atyp: 1, sentHost: "127.0.0.1"},
		// The peer's greeting in the same segment as the proxy's reply:
		// the connecter must leave it for the session.
		{name: "reply and greeting in one write", proxyNet: "tcp4", coalesce: true, host: "127.0.0.1", atyp: 1, sentHost: "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mode := socks5test.Relay
			if c.coalesce {
				mode = socks5test.RelayCoalesced
			}
			srv := startSOCKS(t, c.proxyNet, mode)
			if c.user != "" {
				srv.RequireAuth(c.user, c.pass)
			}
			ctx := newCtx(t)
			server, client := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
			bindEp := "tcp://127.0.0.1:0"
			if c.peerIPv6 {
				server.SetOption(zring.IPv6, 1)
				bindEp = "tcp://[::1]:0"
			}
			if c.host == "localhost" {
				// Whatever localhost resolves to at the proxy, both
				// loopbacks listen.
				server.SetOption(zring.IPv6, 1)
				bindEp = "tcp://*:0"
			}
			if err := server.Bind(bindEp); err != nil {
				t.Skipf("bind %s: %v", bindEp, err)
			}
			p := port(t, lastEndpoint(t, server))
			if c.mapTo != "" {
				srv.MapName(c.host, net.JoinHostPort(c.mapTo, p))
			}
			if err := client.SetOption(zring.SOCKSProxy, srv.Addr); err != nil {
				t.Fatal(err)
			}
			if c.user != "" {
				client.SetOption(zring.SOCKSUsername, c.user)
				client.SetOption(zring.SOCKSPassword, c.pass)
			}
			mon := watch(t, ctx, client, "socks-"+strings.ReplaceAll(c.name, " ", "-"), zring.EventConnected)
			ep := "tcp://" + c.host + ":" + p
			if err := client.Connect(ep); err != nil {
				t.Fatal(err)
			}
			pingPong(t, client, server)
			if e := expect(t, mon, zring.EventConnected); e.Endpoint != ep {
				t.Errorf("CONNECTED endpoint %q, want %q", e.Endpoint, ep)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("proxy saw %d requests: %+v", len(reqs), reqs)
			}
			r := reqs[0]
			wantMethod := byte(0)
			if c.user != "" {
				wantMethod = 2
			}
			if !r.Granted || r.AddrType != c.atyp || r.Host != c.sentHost || fmt.Sprint(r.Port) != p ||
				!bytes.Equal(r.Methods, []byte{wantMethod}) || r.Username != c.user || r.Password != c.pass {
				t.Errorf("proxy saw %+v", r)
			}
		})
	}
}

func lastEndpoint(t *testing.T, s *zring.Socket) string {
	t.Helper()
	v, err := s.GetOption(zring.LastEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	return v.(string)
}

// TestSOCKSFailures: a proxy that refuses, rejects the credentials, speaks
// something else or says nothing fails that connection (CLOSED), which is
// retried after ZMQ_RECONNECT_IVL (CONNECT_RETRIED); the socket never
// reports it CONNECTED.
func TestSOCKSFailures(t *testing.T) {
	cases := []struct {
		name       string
		mode       socks5test.Mode
		proxyAuth  bool   // the proxy wants zring/right
		user, pass string // the client's
		opts       map[zring.Option]int
	}{
		{name: "wrong password", proxyAuth: true, user: "zring", pass: "wrong"},
		{name: "wrong username", proxyAuth: true, user: "bob", pass: "right"},
		{name: "no credentials for a proxy that wants them", proxyAuth: true},
		// The proxy answers 0xFF: no offered method is acceptable.
		{name: "credentials for a proxy that wants none", user: "zring", pass: "right"},
		{name: "proxy refuses the CONNECT", mode: socks5test.Refuse},
		{name: "proxy answers the greeting with garbage", mode: socks5test.Garbage},
		{name: "proxy replies with an unknown address type", mode: socks5test.GarbageReply},
		// The timer choice: ZMQ_HANDSHAKE_IVL bounds the exchange with the
		// proxy from the TCP connect; ZMQ_CONNECT_TIMEOUT, when set, bounds
		// the whole connect, proxy included.
		{name: "silent proxy, handshake interval", mode: socks5test.Silent,
			opts: map[zring.Option]int{zring.HandshakeIvl: 100}},
		{name: "silent proxy, connect timeout", mode: socks5test.Silent,
			opts: map[zring.Option]int{zring.HandshakeIvl: 0, zring.ConnectTimeout: 100}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startSOCKS(t, "tcp4", c.mode)
			if c.proxyAuth {
				srv.RequireAuth("zring", "right")
			}
			ctx := newCtx(t)
			server, client := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
			ep := bindAt(t, server, "tcp://127.0.0.1:0")
			client.SetOption(zring.ReconnectIvl, 20)
			client.SetOption(zring.SOCKSProxy, srv.Addr)
			if c.user != "" {
				client.SetOption(zring.SOCKSUsername, c.user)
				client.SetOption(zring.SOCKSPassword, c.pass)
			}
			for o, v := range c.opts {
				client.SetOption(o, v)
			}
			mon := watch(t, ctx, client, fmt.Sprintf("socks-fail-%d", i),
				zring.EventConnected|zring.EventClosed|zring.EventConnectRetried)
			if err := client.Connect(ep); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			// Two rounds of failure and retry.
			for round := 0; round < 2; round++ {
				for _, want := range []zring.Event{zring.EventClosed, zring.EventConnectRetried} {
					e, err := mon.RecvEvent(0)
					if err != nil {
						t.Fatalf("round %d: waiting for %#x: %v", round, want, err)
					}
					if e.Event != want {
						t.Fatalf("round %d: event %#x, want %#x", round, e.Event, want)
					}
					if e.Endpoint != ep {
						t.Errorf("endpoint %q, want %q", e.Endpoint, ep)
					}
				}
			}
			if c.mode == socks5test.Silent && time.Since(start) < 200*time.Millisecond {
				t.Errorf("a silent proxy was given up after %v, before its timeout", time.Since(start))
			}
			if c.mode != socks5test.Silent && len(srv.Requests()) < 2 {
				t.Errorf("proxy saw %d attempts, want a retry", len(srv.Requests()))
			}
			server.SetOption(zring.RcvTimeo, 0)
			client.SetOption(zring.SndTimeo, 0)
			client.Send([]byte("lost"), zring.DontWait)
			if _, err := server.Recv(0); !errors.Is(err, zring.ErrAgain) {
				t.Errorf("a message got through a failing proxy: %v", err)
			}
		})
	}
}

// TestSOCKSRetryThenRight: after failing on wrong credentials, a new
// connect with the right ones (options apply to later connects) gets
// through the same proxy.
func TestSOCKSRetryThenRight(t *testing.T) {
	srv := startSOCKS(t, "tcp4", socks5test.Relay)
	srv.RequireAuth("zring", "right")
	ctx := newCtx(t)
	server, client := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
	ep := bindAt(t, server, "tcp://127.0.0.1:0")
	client.SetOption(zring.ReconnectIvl, 20)
	client.SetOption(zring.SOCKSProxy, srv.Addr)
	client.SetOption(zring.SOCKSUsername, "zring")
	client.SetOption(zring.SOCKSPassword, "wrong")
	if err := client.Connect(ep); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(srv.Requests()) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(srv.Requests()); n < 3 {
		t.Fatalf("%d attempts with wrong credentials, want retries", n)
	}
	if err := client.Disconnect(ep); err != nil {
		t.Fatal(err)
	}
	client.SetOption(zring.SOCKSPassword, "right")
	if err := client.Connect(ep); err != nil {
		t.Fatal(err)
	}
	pingPong(t, client, server)
}

// TestSOCKSReconnectStop: a refusal the proxy relays (reply 5, "connection
// refused") is ECONNREFUSED for ZMQ_RECONNECT_STOP_CONN_REFUSED, as a
// refused direct connect is: the connecter stops. Other failures retry.
func TestSOCKSReconnectStop(t *testing.T) {
	for _, c := range []struct {
		code  byte
		retry bool
	}{{5, false}, {1, true}, {4, true}} {
		srv := startSOCKS(t, "tcp4", socks5test.Refuse)
		srv.SetReplyCode(c.code)
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PUSH)
		mon := watch(t, ctx, s, fmt.Sprintf("socks-stop-%d", c.code), zring.EventConnectRetried)
		s.SetOption(zring.ReconnectIvl, 10)
		s.SetOption(zring.ReconnectStop, zring.ReconnectStopConnRefused)
		s.SetOption(zring.SOCKSProxy, srv.Addr)
		if err := s.Connect("tcp://127.0.0.1:9"); err != nil {
			t.Fatal(err)
		}
		mon.SetOption(zring.RcvTimeo, 500)
		_, err := mon.RecvEvent(0)
		if retried := err == nil; retried != c.retry {
			t.Errorf("reply %d: retried=%v", c.code, retried)
		}
	}
}

// TestSOCKSOnlyTCP: the proxy is "for the TCP connection(s)" ("Applicable
// socket types all, when using TCP transport"): ipc and inproc connect
// directly, even with a proxy that would refuse everything.
func TestSOCKSOnlyTCP(t *testing.T) {
	srv := startSOCKS(t, "tcp4", socks5test.Refuse)
	ctx := newCtx(t)
	for _, ep := range []string{"ipc://" + t.TempDir() + "/socks", "inproc://socks-only-tcp"} {
		server, client := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
		ep = bindAt(t, server, ep)
		if err := client.SetOption(zring.SOCKSProxy, srv.Addr); err != nil {
			t.Fatal(err)
		}
		if err := client.Connect(ep); err != nil {
			t.Fatal(err)
		}
		pingPong(t, client, server)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the proxy saw %d requests for ipc/inproc", n)
	}
}

// TestSOCKSOptions: readback, resets, and the values libzmq 4.3.4 refuses.
func TestSOCKSOptions(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.DEALER)
	for _, opt := range []zring.Option{zring.SOCKSProxy, zring.SOCKSUsername, zring.SOCKSPassword} {
		// "Default value: not set".
		if v, err := s.GetOption(opt); err != nil || len(v.([]byte)) != 0 {
			t.Errorf("option %d default %q, %v", opt, v, err)
		}
	}
	long := strings.Repeat("x", 256)
	cases := []struct {
		name  string
		opt   zring.Option
		value any
		ok    bool
		want  string // read back after
	}{
		{"proxy", zring.SOCKSProxy, "127.0.0.1:1080", true, "127.0.0.1:1080"},
		{"proxy as []byte", zring.SOCKSProxy, []byte("proxy.example:1080"), true, "proxy.example:1080"},
		// libzmq 4.3.4: an empty value (not NULL) is EINVAL; NULL resets.
		{"proxy empty string", zring.SOCKSProxy, "", false, "proxy.example:1080"},
		{"proxy empty []byte", zring.SOCKSProxy, []byte{}, false, "proxy.example:1080"},
		{"proxy nil resets", zring.SOCKSProxy, nil, true, ""},
		{"proxy again", zring.SOCKSProxy, "127.0.0.1:1080", true, "127.0.0.1:1080"},
		{"proxy nil []byte resets", zring.SOCKSProxy, []byte(nil), true, ""},
		{"proxy wrong Go type", zring.SOCKSProxy, 1080, false, ""},
		{"username", zring.SOCKSUsername, "bob", true, "bob"},
		// "If you set this to a null value or empty value, the
		// authentication method shall be no authentication".
		{"username empty resets", zring.SOCKSUsername, "", true, ""},
		{"username again", zring.SOCKSUsername, "bob", true, "bob"},
		{"username nil resets", zring.SOCKSUsername, nil, true, ""},
		{"username 255 bytes", zring.SOCKSUsername, long[:255], true, long[:255]},
		{"username 256 bytes", zring.SOCKSUsername, long, false, long[:255]},
		{"password", zring.SOCKSPassword, "pw", true, "pw"},
		{"password empty", zring.SOCKSPassword, "", true, ""},
		{"password nil", zring.SOCKSPassword, nil, true, ""},
		{"password 256 bytes", zring.SOCKSPassword, long, false, ""},
		{"password wrong Go type", zring.SOCKSPassword, 7, false, ""},
	}
	for _, c := range cases {
		err := s.SetOption(c.opt, c.value)
		if c.ok && err != nil || !c.ok && !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("%s: %v", c.name, err)
		}
		if v, err := s.GetOption(c.opt); err != nil || string(v.([]byte)) != c.want {
			t.Errorf("%s: read back %q, %v; want %q", c.name, v, err, c.want)
		}
	}
	// "Applicable socket types: all".
	for _, ty := range []zring.SocketType{zring.PUB, zring.SUB, zring.STREAM, zring.ROUTER, zring.REQ} {
		if err := sock(t, ctx, ty).SetOption(zring.SOCKSProxy, "127.0.0.1:1080"); err != nil {
			t.Errorf("%v: %v", ty, err)
		}
	}

	// The proxy address is checked when a tcp connect uses it.
	for _, c := range []struct{ proxy, ep string }{
		{"127.0.0.1", "tcp://127.0.0.1:5555"},         // no port
		{"127.0.0.1:0", "tcp://127.0.0.1:5555"},       // port 0
		{"tcp://127.0.0.1:1080", "tcp://127.0.0.1:5"}, // a URL, not host:port
		{"nowhere.invalid:1080", "tcp://127.0.0.1:5"}, // the proxy's name must resolve
		{"127.0.0.1:1080", "tcp://" + strings.Repeat("h", 256) + ":5"},
		{"127.0.0.1:1080", "tcp://peer.invalid:0"},
	} {
		s := sock(t, ctx, zring.DEALER)
		s.SetOption(zring.SOCKSProxy, c.proxy)
		if err := s.Connect(c.ep); !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("connect %s via %q: %v, want EINVAL", c.ep, c.proxy, err)
		}
	}
}

// TestSOCKSStream: a STREAM socket's raw TCP goes through the proxy too
// ("Applicable socket types: all"): the connect notification comes once
// the proxy has connected, and bytes pass both ways unframed.
func TestSOCKSStream(t *testing.T) {
	srv := startSOCKS(t, "tcp4", socks5test.Relay)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
			served <- fmt.Errorf("server got %q, %v", buf, err)
			return
		}
		_, err = c.Write([]byte("world"))
		served <- err
	}()
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	s.SetOption(zring.ConnectRoutingID, "srv")
	s.SetOption(zring.SOCKSProxy, srv.Addr)
	if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if id, d := recvStream(t, s); string(id) != "srv" || len(d) != 0 {
		t.Fatalf("connect notification [%q][%q]", id, d)
	}
	if err := s.SendMultipart([][]byte{[]byte("srv"), []byte("hello")}, 0); err != nil {
		t.Fatal(err)
	}
	if id, d := recvStream(t, s); string(id) != "srv" || string(d) != "world" {
		t.Fatalf("got [%q][%q]", id, d)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if r := srv.Requests(); len(r) != 1 || !r[0].Granted {
		t.Fatalf("proxy saw %+v", r)
	}
}
