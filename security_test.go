package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zring/zring"
)

// zapHandler serves RFC 27 on inproc://zeromq.zap.01 in ctx until the
// test ends: it answers each request with what decide returns (status
// code, user id, metadata frame) and logs the requests it saw. The
// handler's goroutine owns its socket from the bind on.
func zapHandler(t *testing.T, ctx *zring.Context, decide func(mech string, creds [][]byte) (string, string, []byte)) *zapLog {
	t.Helper()
	return zapServe(t, ctx, func(req [][]byte) [][]byte {
		if len(req) < 6 || string(req[0]) != "1.0" {
			return [][]byte{[]byte("1.0"), nil, []byte("500"), []byte("bad request"), nil, nil}
		}
		code, user, meta := decide(string(req[5]), req[6:])
		return [][]byte{[]byte("1.0"), req[1], []byte(code), []byte("text"), []byte(user), meta}
	})
}

// zapServe is zapHandler with the reply's frames (after REP's envelope)
// made by reply, whatever they are; a nil reply sends nothing.
func zapServe(t *testing.T, ctx *zring.Context, reply func(req [][]byte) [][]byte) *zapLog {
	t.Helper()
	rep, err := ctx.NewSocket(zring.REP)
	if err != nil {
		t.Fatal(err)
	}
	rep.SetOption(zring.Linger, 0)
	rep.SetOption(zring.RcvTimeo, 20)
	if err := rep.Bind("inproc://zeromq.zap.01"); err != nil {
		t.Fatal(err)
	}
	log := &zapLog{}
	stop := make(chan struct{})
	log.wg.Add(1)
	t.Cleanup(func() {
		close(stop)
		log.wg.Wait()
	})
	go func() {
		defer log.wg.Done()
		defer rep.Close()
		for {
			req, err := rep.RecvMultipart(0)
			if err != nil {
				select {
				case <-stop:
					return
				default:
				}
				if errors.Is(err, zring.ErrAgain) {
					continue
				}
				return
			}
			log.mu.Lock()
			log.reqs = append(log.reqs, req)
			log.mu.Unlock()
			if r := reply(req); r != nil {
				rep.SendMultipart(r, 0)
			}
		}
	}()
	return log
}

type zapLog struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	reqs [][][]byte // the frames after REP's envelope: version, id, domain, address, routing id, mechanism, credentials...
}

func (l *zapLog) requests() [][][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][][]byte(nil), l.reqs...)
}

func plainUsers(mech string, creds [][]byte) (string, string, []byte) {
	if mech == "PLAIN" && len(creds) == 2 && string(creds[0]) == "admin" && string(creds[1]) == "secret" {
		return "200", "admin-user", []byte("\x08X-Colour\x00\x00\x00\x04blue")
	}
	return "400", "", nil
}

func TestPlainWithZAP(t *testing.T) {
	ctx := newCtx(t)
	log := zapHandler(t, ctx, plainUsers)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvTimeo, 3000)
	if err := pull.SetOption(zring.PlainServer, 1); err != nil {
		t.Fatal(err)
	}
	if err := pull.SetOption(zring.ZAPDomain, "global"); err != nil {
		t.Fatal(err)
	}
	if m, _ := pull.GetOptionInt(zring.Mechanism); m != zring.MechanismPlain {
		t.Fatalf("Mechanism %d, want PLAIN", m)
	}
	if err := pull.Bind("tcp://127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ep, _ := pull.GetOption(zring.LastEndpoint)
	smon := watch(t, ctx, pull, "plain-server", zring.EventAll)

	t.Run("accepted", func(t *testing.T) {
		push := sock(t, ctx, zring.PUSH)
		push.SetOption(zring.PlainUsername, "admin")
		push.SetOption(zring.PlainPassword, []byte("secret"))
		if err := push.Connect(ep.(string)); err != nil {
			t.Fatal(err)
		}
		if err := push.Send([]byte("hello"), 0); err != nil {
			t.Fatal(err)
		}
		got, md, err := pull.RecvWithMetadata(0, "User-Id", "X-Colour", "Socket-Type")
		if err != nil || string(got) != "hello" {
			t.Fatalf("got %q, %v", got, err)
		}
		if md["User-Id"] != "admin-user" || md["X-Colour"] != "blue" || md["Socket-Type"] != "PUSH" {
			t.Fatalf("properties %v", md)
		}
		expect(t, smon, zring.EventHandshakeSucceeded)
		reqs := log.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d ZAP requests", len(reqs))
		}
		r := reqs[0]
		want := [][]byte{[]byte("1.0"), []byte("1"), []byte("global"), []byte("127.0.0.1"), nil, []byte("PLAIN"), []byte("admin"), []byte("secret")}
		if len(r) != len(want) {
			t.Fatalf("request %q", r)
		}
		for i := range want {
			if !bytes.Equal(r[i], want[i]) {
				t.Fatalf("request frame %d %q, want %q (all: %q)", i, r[i], want[i], r)
			}
		}
	})

	t.Run("refused", func(t *testing.T) {
		push := sock(t, ctx, zring.PUSH)
		push.SetOption(zring.PlainUsername, "admin")
		push.SetOption(zring.PlainPassword, "wrong")
		cmon := watch(t, ctx, push, "plain-client-refused", zring.EventAll)
		if err := push.Connect(ep.(string)); err != nil {
			t.Fatal(err)
		}
		if e := expect(t, smon, zring.EventHandshakeFailedAuth); e.Value != 400 {
			t.Fatalf("server: auth failure %d, want 400", e.Value)
		}
		if e := expect(t, cmon, zring.EventHandshakeFailedAuth); e.Value != 400 {
			t.Fatalf("client: auth failure %d, want 400", e.Value)
		}
	})
}

func TestPlainServerWithoutHandler(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.PlainServer, 1)
	if err := pull.Bind("tcp://127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ep, _ := pull.GetOption(zring.LastEndpoint)
	smon := watch(t, ctx, pull, "plain-nohandler", zring.EventAll)
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.PlainUsername, "admin")
	push.SetOption(zring.PlainPassword, "secret")
	if err := push.Connect(ep.(string)); err != nil {
		t.Fatal(err)
	}
	// libzmq 4.3.4: nothing can check the password, so the client is
	// refused.
	if e := expect(t, smon, zring.EventHandshakeFailedNoDetail); e.Value != uint32(syscall.EFAULT) {
		t.Fatalf("no-detail failure %d, want EFAULT", e.Value)
	}
}

func TestNullWithZAPDomain(t *testing.T) {
	ctx := newCtx(t)
	zapHandler(t, ctx, func(mech string, creds [][]byte) (string, string, []byte) {
		if mech == "NULL" && len(creds) == 0 {
			return "200", "anonymous", nil
		}
		return "500", "", nil
	})
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvTimeo, 3000)
	pull.SetOption(zring.ZAPDomain, "d")
	if err := pull.Bind("tcp://127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ep, _ := pull.GetOption(zring.LastEndpoint)
	push := sock(t, ctx, zring.PUSH)
	if err := push.Connect(ep.(string)); err != nil {
		t.Fatal(err)
	}
	push.Send([]byte("x"), 0)
	_, md, err := pull.RecvWithMetadata(0, "User-Id")
	if err != nil || md["User-Id"] != "anonymous" {
		t.Fatalf("%v %v", md, err)
	}
}

func TestSecurityOptions(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.DEALER)
	for _, c := range []struct {
		opt  zring.Option
		val  any
		mech int
		err  bool
	}{
		{zring.PlainUsername, "u", zring.MechanismPlain, false},
		{zring.PlainUsername, "", zring.MechanismPlain, true},
		{zring.PlainUsername, nil, zring.MechanismNull, false},
		{zring.PlainPassword, "p", zring.MechanismPlain, false},
		{zring.PlainServer, 1, zring.MechanismPlain, false},
		{zring.PlainServer, 2, zring.MechanismPlain, true},
		{zring.PlainServer, 0, zring.MechanismNull, false},
		{zring.ZAPDomain, string(make([]byte, 256)), zring.MechanismNull, true},
	} {
		err := s.SetOption(c.opt, c.val)
		if (err != nil) != c.err {
			t.Fatalf("SetOption(%v, %q): %v", c.opt, c.val, err)
		}
		if m, _ := s.GetOptionInt(zring.Mechanism); m != c.mech {
			t.Fatalf("after SetOption(%v, %q): mechanism %d, want %d", c.opt, c.val, m, c.mech)
		}
	}
	if err := s.SetOption(zring.Mechanism, 1); err == nil {
		t.Fatal("Mechanism is read-only")
	}
}

func TestCurve(t *testing.T) {
	ctx := newCtx(t)
	serverPub, serverSec, err := zring.CurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	clientPub, clientSec, _ := zring.CurveKeypair()
	log := zapHandler(t, ctx, func(mech string, creds [][]byte) (string, string, []byte) {
		if mech == "CURVE" && len(creds) == 1 {
			if k, _ := zring.Z85Encode(creds[0]); k == clientPub {
				return "200", "curve-client", nil
			}
		}
		return "400", "", nil
	})
	rep := sock(t, ctx, zring.REP)
	rep.SetOption(zring.RcvTimeo, 3000)
	rep.SetOption(zring.CurveServer, 1)
	rep.SetOption(zring.CurveSecretKey, serverSec)
	if m, _ := rep.GetOptionInt(zring.Mechanism); m != zring.MechanismCurve {
		t.Fatalf("Mechanism %d", m)
	}
	if err := rep.Bind("tcp://127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ep, _ := rep.GetOption(zring.LastEndpoint)

	req := sock(t, ctx, zring.REQ)
	req.SetOption(zring.RcvTimeo, 3000)
	raw, _ := zring.Z85Decode(serverPub)
	req.SetOption(zring.CurveServerKey, raw) // 32 bytes
	req.SetOption(zring.CurvePublicKey, clientPub)
	req.SetOption(zring.CurveSecretKey, clientSec)
	if k, _ := req.GetOption(zring.CurveServerKey); !bytes.Equal(k.([]byte), raw) {
		t.Fatalf("CurveServerKey reads back %x", k)
	}
	if err := req.Connect(ep.(string)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		big := bytes.Repeat([]byte{byte(i)}, 100000)
		if err := req.SendMultipart([][]byte{[]byte("ping"), big}, 0); err != nil {
			t.Fatal(err)
		}
		got, md, err := rep.RecvWithMetadata(0, "User-Id")
		if err != nil || string(got) != "ping" || md["User-Id"] != "curve-client" {
			t.Fatalf("%q %v %v", got, md, err)
		}
		if more, _ := rep.Recv(0); !bytes.Equal(more, big) {
			t.Fatalf("second frame of %d bytes", len(more))
		}
		rep.Send([]byte("pong"), 0)
		if got, err := req.Recv(0); err != nil || string(got) != "pong" {
			t.Fatalf("%q %v", got, err)
		}
	}
	if n := len(log.requests()); n != 1 {
		t.Fatalf("%d ZAP requests", n)
	}

	// A client the handler does not know is refused.
	other := sock(t, ctx, zring.REQ)
	otherPub, otherSec, _ := zring.CurveKeypair()
	other.SetOption(zring.CurveServerKey, serverPub)
	other.SetOption(zring.CurvePublicKey, otherPub)
	other.SetOption(zring.CurveSecretKey, otherSec)
	omon := watch(t, ctx, other, "curve-refused", zring.EventAll)
	other.Connect(ep.(string))
	if e := expect(t, omon, zring.EventHandshakeFailedAuth); e.Value != 400 {
		t.Fatalf("refused client: %d", e.Value)
	}
}

// command is a short command frame: flags 0x04, size, name length, name,
// data.
func command(name string, data []byte) []byte {
	body := append(append([]byte{byte(len(name))}, name...), data...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// TestSecuredSocketRefusesGarbage: each bad opening closes that one
// connection with libzmq's protocol-error code, and a real client on the
// same socket is served after it.
func TestSecuredSocketRefusesGarbage(t *testing.T) {
	serverPub, serverSec, _ := zring.CurveKeypair()
	curveHello := append([]byte{1, 0}, make([]byte, 72+32+8+80)...) // version 1.0, padding, keys, nonce and a box of zeros
	cases := []struct {
		name  string
		mech  string
		bytes []byte
		want  uint32
	}{
		{"NULL greeting to a PLAIN server (CVE-2014-7202)", "PLAIN", greeting("NULL"), zring.ProtocolErrorMechanismMismatch},
		{"NULL greeting to a CURVE server (CVE-2014-7202)", "CURVE", greeting("NULL"), zring.ProtocolErrorMechanismMismatch},
		{"PLAIN HELLO without a password", "PLAIN", append(greeting("PLAIN"), command("HELLO", []byte("\x05admin"))...), zring.ProtocolErrorMalformedHello},
		{"READY instead of HELLO", "PLAIN", append(greeting("PLAIN"), readyFrame("PUSH")...), zring.ProtocolErrorUnexpectedCommand},
		{"CURVE HELLO of the wrong size", "CURVE", append(greeting("CURVE"), command("HELLO", curveHello[:100])...), zring.ProtocolErrorMalformedHello},
		{"CURVE HELLO that does not open", "CURVE", append(greeting("CURVE"), command("HELLO", curveHello)...), zring.ProtocolErrorCryptographic},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			zapHandler(t, ctx, func(mech string, creds [][]byte) (string, string, []byte) {
				if mech == "CURVE" {
					return "200", "", nil
				}
				return plainUsers(mech, creds)
			})
			pull := sock(t, ctx, zring.PULL)
			pull.SetOption(zring.RcvTimeo, 3000)
			push := sock(t, ctx, zring.PUSH)
			if c.mech == "PLAIN" {
				pull.SetOption(zring.PlainServer, 1)
				push.SetOption(zring.PlainUsername, "admin")
				push.SetOption(zring.PlainPassword, "secret")
			} else {
				pull.SetOption(zring.CurveServer, 1)
				pull.SetOption(zring.CurveSecretKey, serverSec)
				push.SetOption(zring.CurveServerKey, serverPub)
				pub, sec, _ := zring.CurveKeypair()
				push.SetOption(zring.CurvePublicKey, pub)
				push.SetOption(zring.CurveSecretKey, sec)
			}
			ep := refuseGarbage(t, ctx, pull, c.bytes, c.want)
			if err := push.Connect(ep); err != nil {
				t.Fatal(err)
			}
			push.Send([]byte("after the garbage"), 0)
			if got, err := pull.Recv(0); err != nil || string(got) != "after the garbage" {
				t.Fatalf("the real client: %q %v", got, err)
			}
		})
	}
}

// TestCurveIdleConnectionsDoNotStarveClients is CVE-2020-15166's case: 500
// connections open a CURVE server's port and never finish the handshake
// (half send the greeting, half nothing) while a real client sends 10,000
// messages. Every message arrives, and HANDSHAKE_IVL closes each idle
// connection.
func TestCurveIdleConnectionsDoNotStarveClients(t *testing.T) {
	const idle, messages = 500, 10000
	ctx := newCtx(t)
	serverPub, serverSec, _ := zring.CurveKeypair()
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvTimeo, 5000)
	pull.SetOption(zring.HandshakeIvl, 1000)
	pull.SetOption(zring.CurveServer, 1)
	pull.SetOption(zring.CurveSecretKey, serverSec)
	ep := bindAt(t, pull, "tcp://127.0.0.1:0")
	addr := strings.TrimPrefix(ep, "tcp://")
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < idle; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		if i%2 == 0 {
			c.Write(greeting("CURVE"))
		}
		conns = append(conns, c)
	}
	push := sock(t, ctx, zring.PUSH)
	pub, sec, _ := zring.CurveKeypair()
	push.SetOption(zring.CurveServerKey, serverPub)
	push.SetOption(zring.CurvePublicKey, pub)
	push.SetOption(zring.CurveSecretKey, sec)
	if err := push.Connect(ep); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 0; i < messages; i++ {
			if _, err := pull.Recv(0); err != nil {
				done <- fmt.Errorf("message %d: %w", i, err)
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < messages; i++ {
		if err := push.Send([]byte("through the crowd"), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Each idle connection is closed by the handshake's deadline: a read
	// ends (after the server's greeting, for those that got one).
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 256)
	for i, c := range conns {
		c.SetReadDeadline(deadline)
		for {
			if _, err := c.Read(buf); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("idle connection %d still open after 10 s (HANDSHAKE_IVL 1 s)", i)
				}
				break
			}
		}
	}
}

// TestZAPBadReplies: a reply libzmq would refuse ends that handshake with
// libzmq's ZAP protocol code; a late one, after HANDSHAKE_IVL, meets a
// connection already closed; either way the next client is served.
func TestZAPBadReplies(t *testing.T) {
	ok := func(req [][]byte) [][]byte {
		return [][]byte{[]byte("1.0"), req[1], []byte("200"), nil, nil, nil}
	}
	cases := []struct {
		name  string
		reply func(req [][]byte) [][]byte
		event zring.Event
		value uint32
	}{
		{"version 2.0", func(req [][]byte) [][]byte {
			return [][]byte{[]byte("2.0"), req[1], []byte("200"), nil, nil, nil}
		}, zring.EventHandshakeFailedProtocol, zring.ProtocolErrorZAPBadVersion},
		{"another request id", func(req [][]byte) [][]byte {
			return [][]byte{[]byte("1.0"), []byte("7"), []byte("200"), nil, nil, nil}
		}, zring.EventHandshakeFailedProtocol, zring.ProtocolErrorZAPBadRequestID},
		{"status 201", func(req [][]byte) [][]byte {
			return [][]byte{[]byte("1.0"), req[1], []byte("201"), nil, nil, nil}
		}, zring.EventHandshakeFailedProtocol, zring.ProtocolErrorZAPInvalidStatusCode},
		{"five frames", func(req [][]byte) [][]byte {
			return [][]byte{[]byte("1.0"), req[1], []byte("200"), nil, nil}
		}, zring.EventHandshakeFailedProtocol, zring.ProtocolErrorZAPMalformedReply},
		{"bad metadata", func(req [][]byte) [][]byte {
			return [][]byte{[]byte("1.0"), req[1], []byte("200"), nil, nil, []byte{9, 'X'}}
		}, zring.EventHandshakeFailedProtocol, zring.ProtocolErrorZAPInvalidMetadata},
		{"late", func(req [][]byte) [][]byte {
			time.Sleep(700 * time.Millisecond) // HANDSHAKE_IVL is 300 ms
			return ok(req)
		}, zring.EventHandshakeFailedNoDetail, uint32(syscall.ETIMEDOUT)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			first := true
			zapServe(t, ctx, func(req [][]byte) [][]byte {
				if first {
					first = false
					return c.reply(req)
				}
				return ok(req)
			})
			pull := sock(t, ctx, zring.PULL)
			pull.SetOption(zring.RcvTimeo, 3000)
			pull.SetOption(zring.HandshakeIvl, 300)
			pull.SetOption(zring.PlainServer, 1)
			mon := watch(t, ctx, pull, "mon-zap-bad", zring.EventAll)
			ep := bindAt(t, pull, "tcp://127.0.0.1:0")
			bad := sock(t, ctx, zring.PUSH)
			bad.SetOption(zring.PlainUsername, "u")
			bad.SetOption(zring.PlainPassword, "p")
			bad.SetOption(zring.ReconnectIvl, -1)
			if err := bad.Connect(ep); err != nil {
				t.Fatal(err)
			}
			if e := expect(t, mon, c.event); e.Value != c.value {
				t.Fatalf("event %#x value %#x, want %#x", e.Event, e.Value, c.value)
			}
			good := sock(t, ctx, zring.PUSH)
			good.SetOption(zring.PlainUsername, "u")
			good.SetOption(zring.PlainPassword, "p")
			if err := good.Connect(ep); err != nil {
				t.Fatal(err)
			}
			good.Send([]byte("next client"), 0)
			if got, err := pull.Recv(0); err != nil || string(got) != "next client" {
				t.Fatalf("next client: %q %v", got, err)
			}
		})
	}
}

// GSSAPI is not built: its options fail with EINVAL and say why.
func TestGSSAPIOptionsRefused(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.DEALER)
	for _, opt := range []zring.Option{62, 63, 64, 65, 90, 91} {
		err := s.SetOption(opt, 1)
		if !errors.Is(err, zring.ErrInvalid) || !strings.Contains(err.Error(), "ZMQ_GSSAPI") || !strings.Contains(err.Error(), "not built") {
			t.Errorf("SetOption(%d): %v", opt, err)
		}
		if _, err := s.GetOption(opt); !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("GetOption(%d): %v", opt, err)
		}
	}
}

// Keys are set as 32 bytes or as Z85 and read back in either form.
func TestCurveKeysReadBack(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.DEALER)
	pub, sec, _ := zring.CurveKeypair()
	raw, _ := zring.Z85Decode(sec)
	if err := s.SetOption(zring.CurvePublicKey, pub); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOption(zring.CurveSecretKey, raw); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOption(zring.CurveServerKey, pub+"\x00"); err != nil { // with C's NUL, as 41 bytes
		t.Fatal(err)
	}
	for _, c := range []struct {
		opt  zring.Option
		want string
	}{{zring.CurvePublicKey, pub}, {zring.CurveSecretKey, sec}, {zring.CurveServerKey, pub}} {
		if z, err := s.GetOptionZ85(c.opt); err != nil || z != c.want {
			t.Errorf("GetOptionZ85(%v) = %q %v, want %q", c.opt, z, err, c.want)
		}
		b, err := s.GetOption(c.opt)
		if want, _ := zring.Z85Decode(c.want); err != nil || !bytes.Equal(b.([]byte), want) {
			t.Errorf("GetOption(%v) = %x %v", c.opt, b, err)
		}
	}
	if _, err := s.GetOptionZ85(zring.Linger); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("GetOptionZ85(Linger): %v", err)
	}
	for _, bad := range []any{pub[:39], pub + "xx", make([]byte, 31), "~" + pub[1:]} {
		if err := s.SetOption(zring.CurvePublicKey, bad); !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("SetOption(CurvePublicKey, %q): %v", bad, err)
		}
	}
}
