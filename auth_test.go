package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zring/zring"
)

// The Authenticator between zring sockets over tcp (and ipc, for the
// address lists): each rule of its doc comment, as zauth and pebbe/zmq4
// apply it, seen from both ends of a handshake.

// newAuthenticator starts one on ctx, closed when the test ends (before
// the context's Term, which newCtx registered earlier).
func newAuthenticator(t *testing.T, ctx *zring.Context) *zring.Authenticator {
	t.Helper()
	a, err := zring.NewAuthenticator(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("Authenticator.Close: %v", err)
		}
	})
	return a
}

// authKeys are the CURVE keys of one test: the server's pair, a client the
// rules may list, and another client.
type authKeys struct {
	serverPub, serverSec string
	clientPub, clientSec string
	otherPub, otherSec   string
}

func newAuthKeys(t *testing.T) authKeys {
	t.Helper()
	var k authKeys
	for _, p := range []struct{ pub, sec *string }{{&k.serverPub, &k.serverSec}, {&k.clientPub, &k.clientSec}, {&k.otherPub, &k.otherSec}} {
		var err error
		if *p.pub, *p.sec, err = zring.CurveKeypair(); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// setOptions sets option/value pairs on s or fails the test.
func setOptions(t *testing.T, s *zring.Socket, kv ...any) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if err := s.SetOption(kv[i].(zring.Option), kv[i+1]); err != nil {
			t.Fatalf("SetOption(%v, %v): %v", kv[i], kv[i+1], err)
		}
	}
}

// authLink is a server PULL bound at endpoint and a client PUSH connected
// to it, both monitored, with the options each case gives them.
type authLink struct {
	server, client *zring.Socket
	smon, cmon     *zring.Socket
}

// authLinks numbers the links' monitor endpoints, several of which may
// share a context.
var authLinks atomic.Int64

func newAuthLink(t *testing.T, ctx *zring.Context, endpoint string, server, client []any) authLink {
	t.Helper()
	var l authLink
	l.server = sock(t, ctx, zring.PULL)
	l.client = sock(t, ctx, zring.PUSH)
	setOptions(t, l.server, server...)
	setOptions(t, l.client, client...)
	n := authLinks.Add(1)
	l.smon = watch(t, ctx, l.server, fmt.Sprintf("auth-server-%d", n), zring.EventAll)
	l.cmon = watch(t, ctx, l.client, fmt.Sprintf("auth-client-%d", n), zring.EventAll)
	ep := bindAt(t, l.server, endpoint)
	if err := l.client.Connect(ep); err != nil {
		t.Fatal(err)
	}
	return l
}

// accepted checks that a message passes and that the server's connection
// has User-Id user ("": none).
func (l authLink) accepted(t *testing.T, user string) {
	t.Helper()
	if err := l.client.Send([]byte("hello"), 0); err != nil {
		t.Fatal(err)
	}
	got, md, err := l.server.RecvWithMetadata(0, "User-Id")
	if err != nil || string(got) != "hello" {
		t.Fatalf("server received %q, %v", got, err)
	}
	if md["User-Id"] != user {
		t.Fatalf("User-Id %q, want %q", md["User-Id"], user)
	}
	expect(t, l.smon, zring.EventHandshakeSucceeded)
	expect(t, l.cmon, zring.EventHandshakeSucceeded)
}

// refused checks that both ends report HANDSHAKE_FAILED_AUTH 400 and that
// what the client sent meanwhile is not delivered.
func (l authLink) refused(t *testing.T) {
	t.Helper()
	if err := l.client.Send([]byte("queued"), zring.DontWait); err != nil && !errors.Is(err, zring.ErrAgain) {
		t.Fatal(err)
	}
	for _, m := range []struct {
		end string
		mon *zring.Socket
	}{{"server", l.smon}, {"client", l.cmon}} {
		if e := expect(t, m.mon, zring.EventHandshakeFailedAuth); e.Value != 400 {
			t.Fatalf("%s: HANDSHAKE_FAILED_AUTH %d, want 400", m.end, e.Value)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if got, err := l.server.Recv(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("server received %q, %v; want nothing", got, err)
	}
}

func TestAuthenticatorRules(t *testing.T) {
	k := newAuthKeys(t)
	null := []any{zring.ZAPDomain, "d"}
	nullClient := []any{}
	plain := []any{zring.PlainServer, 1, zring.ZAPDomain, "global"}
	admin := func(pass string) []any { return []any{zring.PlainUsername, "admin", zring.PlainPassword, pass} }
	curve := []any{zring.CurveServer, 1, zring.CurveSecretKey, k.serverSec, zring.ZAPDomain, "global"}
	curveClient := func(pub, sec string) []any {
		return []any{zring.CurveServerKey, k.serverPub, zring.CurvePublicKey, pub, zring.CurveSecretKey, sec}
	}
	mustAll := func(errs ...error) error { return errors.Join(errs...) }
	for _, c := range []struct {
		name           string // the rule, briefly
		ep             string // "ipc", "tcp6"; tcp on 127.0.0.1 if empty
		rules          func(a *zring.Authenticator) error
		server, client []any
		ok             bool
		user           string // User-Id when ok
	}{
		// Addresses, NULL mechanism (ZAPDomain "d").
		{name: "NULL with no lists passes", server: null, client: nullClient, ok: true},
		{name: "allowed address passes", rules: func(a *zring.Authenticator) error { return a.Allow("d", "127.0.0.1") }, server: null, client: nullClient, ok: true},
		{name: "allowed CIDR prefix passes", rules: func(a *zring.Authenticator) error { return a.Allow("d", "127.0.0.0/8") }, server: null, client: nullClient, ok: true},
		{name: "address not on the allow list is refused", rules: func(a *zring.Authenticator) error { return a.Allow("d", "10.0.0.0/8", "::1") }, server: null, client: nullClient},
		{name: "AnyDomain's allow list applies to d", rules: func(a *zring.Authenticator) error { return a.Allow(zring.AnyDomain, "10.1.2.3") }, server: null, client: nullClient},
		{name: "another domain's allow list does not", rules: func(a *zring.Authenticator) error { return a.Allow("other", "10.1.2.3") }, server: null, client: nullClient, ok: true},
		{name: "denied address is refused", rules: func(a *zring.Authenticator) error { return a.Deny("d", "127.0.0.1") }, server: null, client: nullClient},
		{name: "denied IPv4-mapped form is refused", rules: func(a *zring.Authenticator) error { return a.Deny("d", "::ffff:127.0.0.1") }, server: null, client: nullClient},
		{name: "denied prefix is refused", rules: func(a *zring.Authenticator) error { return a.Deny(zring.AnyDomain, "127.0.0.0/24") }, server: null, client: nullClient},
		{name: "address off the deny list passes", rules: func(a *zring.Authenticator) error { return a.Deny("d", "10.0.0.1") }, server: null, client: nullClient, ok: true},
		{name: "an allow list makes the deny list inert", rules: func(a *zring.Authenticator) error {
			return mustAll(a.Deny("d", "127.0.0.1"), a.Allow("d", "127.0.0.1"))
		}, server: null, client: nullClient, ok: true},
		{name: "removed from the deny list passes", rules: func(a *zring.Authenticator) error {
			return mustAll(a.Deny("d", "127.0.0.1"), a.RemoveDenied("d", "127.0.0.1"))
		}, server: null, client: nullClient, ok: true},
		{name: "last allowed address removed: no allow list", rules: func(a *zring.Authenticator) error {
			return mustAll(a.Allow("d", "10.0.0.1"), a.RemoveAllowed("d", "10.0.0.1"))
		}, server: null, client: nullClient, ok: true},
		{name: "a bad entry adds nothing", rules: func(a *zring.Authenticator) error {
			if err := a.Allow("d", "10.0.0.1", "not-an-address"); !errors.Is(err, zring.ErrInvalid) {
				return fmt.Errorf("Allow with a bad entry: %v, want ErrInvalid", err)
			}
			return nil
		}, server: null, client: nullClient, ok: true},
		{name: "ipc peer is on no allow list", ep: "ipc", rules: func(a *zring.Authenticator) error { return a.Allow("d", "127.0.0.1") }, server: null, client: nullClient},
		{name: "IPv6 address allowed", ep: "tcp6", rules: func(a *zring.Authenticator) error { return a.Allow("d", "::1") },
			server: []any{zring.ZAPDomain, "d", zring.IPv6, 1}, client: []any{zring.IPv6, 1}, ok: true},
		{name: "IPv6 prefix denied", ep: "tcp6", rules: func(a *zring.Authenticator) error { return a.Deny("d", "0::/64") },
			server: []any{zring.ZAPDomain, "d", zring.IPv6, 1}, client: []any{zring.IPv6, 1}},
		{name: "IPv6 peer off an IPv4 allow list", ep: "tcp6", rules: func(a *zring.Authenticator) error { return a.Allow("d", "127.0.0.1") },
			server: []any{zring.ZAPDomain, "d", zring.IPv6, 1}, client: []any{zring.IPv6, 1}},
		{name: "ipc peer is on no deny list", ep: "ipc", rules: func(a *zring.Authenticator) error { return a.Deny("d", "127.0.0.1") }, server: null, client: nullClient, ok: true},

		// PLAIN (ZAPDomain "global").
		{name: "PLAIN good password", rules: func(a *zring.Authenticator) error { return a.AddPlainUser("global", "admin", "secret") }, server: plain, client: admin("secret"), ok: true, user: "admin"},
		{name: "PLAIN wrong password", rules: func(a *zring.Authenticator) error { return a.AddPlainUser("global", "admin", "secret") }, server: plain, client: admin("wrong")},
		{name: "PLAIN unknown user", rules: func(a *zring.Authenticator) error { return a.AddPlainUser("global", "root", "secret") }, server: plain, client: admin("secret")},
		{name: "PLAIN no users", server: plain, client: admin("secret")},
		{name: "PLAIN user of AnyDomain", rules: func(a *zring.Authenticator) error { return a.AddPlainUser(zring.AnyDomain, "admin", "secret") }, server: plain, client: admin("secret"), ok: true, user: "admin"},
		{name: "PLAIN user of another domain", rules: func(a *zring.Authenticator) error { return a.AddPlainUser("other", "admin", "secret") }, server: plain, client: admin("secret")},
		{name: "PLAIN server without ZAPDomain asks in domain \"\"", rules: func(a *zring.Authenticator) error { return a.AddPlainUser("", "admin", "secret") },
			server: []any{zring.PlainServer, 1}, client: admin("secret"), ok: true, user: "admin"},
		{name: "PLAIN password replaced", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AddPlainUser("global", "admin", "old"), a.AddPlainUser("global", "admin", "secret"))
		}, server: plain, client: admin("old")},
		{name: "PLAIN user removed", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AddPlainUser("global", "admin", "secret"), a.RemovePlainUser("global", "admin"))
		}, server: plain, client: admin("secret")},
		{name: "PLAIN allowed address still needs the password", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AddPlainUser("global", "admin", "secret"), a.Allow("global", "127.0.0.1"))
		}, server: plain, client: admin("wrong")},
		{name: "PLAIN denied address refused before the password", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AddPlainUser("global", "admin", "secret"), a.Deny("global", "127.0.0.1"))
		}, server: plain, client: admin("secret")},

		// CURVE (ZAPDomain "global").
		{name: "CURVE allow any", rules: func(a *zring.Authenticator) error { return a.AllowCurveAny("global") }, server: curve, client: curveClient(k.clientPub, k.clientSec), ok: true, user: k.clientPub},
		{name: "CURVE allow any in AnyDomain", rules: func(a *zring.Authenticator) error { return a.AllowCurveAny(zring.AnyDomain) }, server: curve, client: curveClient(k.otherPub, k.otherSec), ok: true, user: k.otherPub},
		{name: "CURVE key in the set", rules: func(a *zring.Authenticator) error { return a.AllowCurveKey("global", k.otherPub, k.clientPub) }, server: curve, client: curveClient(k.clientPub, k.clientSec), ok: true, user: k.clientPub},
		{name: "CURVE key not in the set", rules: func(a *zring.Authenticator) error { return a.AllowCurveKey("global", k.clientPub) }, server: curve, client: curveClient(k.otherPub, k.otherSec)},
		{name: "CURVE no keys", server: curve, client: curveClient(k.clientPub, k.clientSec)},
		{name: "CURVE key removed", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AllowCurveKey("global", k.clientPub), a.RemoveCurveKey("global", k.clientPub))
		}, server: curve, client: curveClient(k.clientPub, k.clientSec)},
		{name: "CURVE allow any removed", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AllowCurveAny("global"), a.RemoveCurveAny("global"))
		}, server: curve, client: curveClient(k.clientPub, k.clientSec)},
		{name: "CURVE denied address refused despite allow any", rules: func(a *zring.Authenticator) error {
			return mustAll(a.AllowCurveAny("global"), a.Deny("global", "127.0.0.1"))
		}, server: curve, client: curveClient(k.clientPub, k.clientSec)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			a := newAuthenticator(t, ctx)
			if c.rules != nil {
				if err := c.rules(a); err != nil {
					t.Fatal(err)
				}
			}
			ep := "tcp://127.0.0.1:0"
			switch c.ep {
			case "ipc":
				ep = "ipc://" + t.TempDir() + "/auth"
			case "tcp6":
				ep = "tcp://[::1]:0"
			}
			l := newAuthLink(t, ctx, ep, c.server, c.client)
			if c.ok {
				l.accepted(t, c.user)
			} else {
				l.refused(t)
			}
		})
	}
}

// TestAuthenticatorDenyDeliversNothing: a denied client of a bound PUSH
// receives nothing, and the server's monitor says why.
func TestAuthenticatorDenyDeliversNothing(t *testing.T) {
	ctx := newCtx(t)
	a := newAuthenticator(t, ctx)
	if err := a.Deny("d", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	push := sock(t, ctx, zring.PUSH)
	setOptions(t, push, zring.ZAPDomain, "d")
	smon := watch(t, ctx, push, "deny-server", zring.EventAll)
	ep := bindAt(t, push, "tcp://127.0.0.1:0")
	pull := sock(t, ctx, zring.PULL)
	if err := pull.Connect(ep); err != nil {
		t.Fatal(err)
	}
	if e := expect(t, smon, zring.EventHandshakeFailedAuth); e.Value != 400 {
		t.Fatalf("HANDSHAKE_FAILED_AUTH %d, want 400", e.Value)
	}
	if err := push.Send([]byte("secret data"), zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("send to a refused peer: %v, want ErrAgain (no peer)", err)
	}
	time.Sleep(100 * time.Millisecond)
	if got, err := pull.Recv(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("client received %q, %v; want nothing", got, err)
	}
}

// TestAuthenticatorConfigWhileRunning: rules change from other goroutines
// while handshakes are decided (the race detector watches), and a change
// is in force for every handshake after the call returns.
func TestAuthenticatorConfigWhileRunning(t *testing.T) {
	ctx := newCtx(t)
	a := newAuthenticator(t, ctx)
	if err := a.AddPlainUser("global", "admin", "secret"); err != nil {
		t.Fatal(err)
	}
	server := []any{zring.PlainServer, 1, zring.ZAPDomain, "global"}
	admin := []any{zring.PlainUsername, "admin", zring.PlainPassword, "secret"}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				user := fmt.Sprintf("user-%d-%d", g, i%10)
				a.AddPlainUser("global", user, "pw")
				a.Deny("other", fmt.Sprintf("10.0.%d.%d", g, i%250))
				a.AllowCurveAny("other")
				a.RemovePlainUser("global", user)
				a.RemoveDenied("other", fmt.Sprintf("10.0.%d.%d", g, i%250))
				a.RemoveCurveAny("other")
				if i%2 == 0 {
					a.SetLogger(slog.New(slog.DiscardHandler))
				} else {
					a.SetLogger(nil)
				}
			}
		}()
	}
	for i := 0; i < 10; i++ {
		t.Run(fmt.Sprintf("during changes %d", i), func(t *testing.T) {
			newAuthLink(t, ctx, "tcp://127.0.0.1:0", server, admin).accepted(t, "admin")
		})
	}
	close(stop)
	wg.Wait()

	for _, step := range []struct {
		name   string
		change func() error
		ok     bool
	}{
		{"user removed", func() error { return a.RemovePlainUser("global", "admin") }, false},
		{"user added back", func() error { return a.AddPlainUser("global", "admin", "secret") }, true},
		{"address denied in every domain", func() error { return a.Deny(zring.AnyDomain, "127.0.0.1") }, false},
		{"address no longer denied", func() error { return a.RemoveDenied(zring.AnyDomain, "127.0.0.1") }, true},
		{"password changed", func() error { return a.AddPlainUser("global", "admin", "new") }, false},
	} {
		t.Run(step.name, func(t *testing.T) {
			if err := step.change(); err != nil {
				t.Fatal(err)
			}
			l := newAuthLink(t, ctx, "tcp://127.0.0.1:0", server, admin)
			if step.ok {
				l.accepted(t, "admin")
			} else {
				l.refused(t)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer the handler's goroutine writes (through
// the logger) while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAuthenticatorLog: each decision is logged, with the user but
// never the password.
func TestAuthenticatorLog(t *testing.T) {
	ctx := newCtx(t)
	a := newAuthenticator(t, ctx)
	var buf syncBuffer
	a.SetLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	a.AddPlainUser("global", "admin", "s3cr3t-pw")
	server := []any{zring.PlainServer, 1, zring.ZAPDomain, "global"}
	newAuthLink(t, ctx, "tcp://127.0.0.1:0", server, []any{zring.PlainUsername, "admin", zring.PlainPassword, "s3cr3t-pw"}).accepted(t, "admin")
	newAuthLink(t, ctx, "tcp://127.0.0.1:0", server, []any{zring.PlainUsername, "admin", zring.PlainPassword, "guess-pw"}).refused(t)
	out := buf.String()
	for _, want := range []string{
		"domain=global address=127.0.0.1 mechanism=PLAIN user=admin status=200",
		"domain=global address=127.0.0.1 mechanism=PLAIN user=admin status=400",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cr3t-pw") || strings.Contains(out, "guess-pw") {
		t.Errorf("log shows a password:\n%s", out)
	}
}

// TestAuthenticatorLifecycle: one handler per context; Close frees the
// endpoint, and afterwards libzmq's rules for no handler apply; a context
// terminated without Close ends the handler, so Term does not wait for
// it.
func TestAuthenticatorLifecycle(t *testing.T) {
	t.Run("one per context", func(t *testing.T) {
		ctx := newCtx(t)
		a := newAuthenticator(t, ctx)
		if _, err := zring.NewAuthenticator(ctx); !errors.Is(err, zring.ErrAddrInUse) {
			t.Fatalf("second NewAuthenticator: %v, want ErrAddrInUse", err)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if err := a.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		b := newAuthenticator(t, ctx)
		b.Close()
		// Another program's handler holds the endpoint.
		rep := sock(t, ctx, zring.REP)
		if err := rep.Bind("inproc://zeromq.zap.01"); err != nil {
			t.Fatal(err)
		}
		if _, err := zring.NewAuthenticator(ctx); !errors.Is(err, zring.ErrAddrInUse) {
			t.Fatalf("NewAuthenticator beside a REP handler: %v, want ErrAddrInUse", err)
		}
	})

	t.Run("no handler after Close", func(t *testing.T) {
		ctx := newCtx(t)
		a := newAuthenticator(t, ctx)
		a.AddPlainUser("global", "admin", "secret")
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		l := newAuthLink(t, ctx, "tcp://127.0.0.1:0", []any{zring.PlainServer, 1, zring.ZAPDomain, "global"},
			[]any{zring.PlainUsername, "admin", zring.PlainPassword, "secret"})
		// libzmq 4.3.4: a PLAIN server with no handler refuses.
		if e := expect(t, l.smon, zring.EventHandshakeFailedNoDetail); e.Value != 14 { // EFAULT
			t.Fatalf("HANDSHAKE_FAILED_NO_DETAIL %d, want EFAULT", e.Value)
		}
	})

	t.Run("Term without Close", func(t *testing.T) {
		ctx, err := zring.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		a, err := zring.NewAuthenticator(ctx)
		if err != nil {
			t.Fatal(err)
		}
		termed := make(chan error, 1)
		go func() { termed <- ctx.Term() }()
		select {
		case err := <-termed:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Term waits for the authenticator")
		}
		if err := a.Close(); err != nil {
			t.Fatalf("Close after Term: %v", err)
		}
		if _, err := zring.NewAuthenticator(ctx); !errors.Is(err, zring.ErrTerm) {
			t.Fatalf("NewAuthenticator on a terminated context: %v, want ErrTerm", err)
		}
	})
}

// TestAuthenticatorCloseWhileConnecting: Close returns promptly while
// PLAIN clients are mid-handshake, a new handler can follow at once, and
// after Term no goroutine of the handler is left.
func TestAuthenticatorCloseWhileConnecting(t *testing.T) {
	runtime.GC()
	before := runtime.NumGoroutine()
	for round := 0; round < 5; round++ {
		ctx, err := zring.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		a, err := zring.NewAuthenticator(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a.AddPlainUser("global", "admin", "secret")
		var socks []*zring.Socket
		server, _ := ctx.NewSocket(zring.PULL)
		socks = append(socks, server)
		server.SetOption(zring.PlainServer, 1)
		server.SetOption(zring.ZAPDomain, "global")
		ep := bindAt(t, server, "tcp://127.0.0.1:0")
		for i := 0; i < 20; i++ {
			c, _ := ctx.NewSocket(zring.PUSH)
			socks = append(socks, c)
			c.SetOption(zring.PlainUsername, "admin")
			c.SetOption(zring.PlainPassword, "secret")
			c.SetOption(zring.ReconnectIvl, 10)
			if err := c.Connect(ep); err != nil {
				t.Fatal(err)
			}
			if i == round*4 {
				closed := make(chan error, 1)
				go func() { closed <- a.Close() }()
				select {
				case err := <-closed:
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("Close hangs while clients connect")
				}
				if a, err = zring.NewAuthenticator(ctx); err != nil {
					t.Fatalf("NewAuthenticator right after Close: %v", err)
				}
				a.AddPlainUser("global", "admin", "secret")
			}
		}
		time.Sleep(20 * time.Millisecond)
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		for _, s := range socks {
			s.SetOption(zring.Linger, 0)
			s.Close()
		}
		if err := ctx.Term(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines %d -> %d:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAuthenticatorInvalid: every argument no rule can use is ErrInvalid,
// with the reason in the text.
func TestAuthenticatorInvalid(t *testing.T) {
	ctx := newCtx(t)
	a := newAuthenticator(t, ctx)
	long := strings.Repeat("x", 256)
	for _, c := range []struct {
		call string
		err  error
		why  string
	}{
		{"Allow hostname", a.Allow("d", "localhost"), "not an IP address"},
		{"Allow bad prefix", a.Allow("d", "10.0.0.0/33"), "not a CIDR prefix"},
		{"Allow zone", a.Allow("d", "fe80::1%eth0"), "zone"},
		{"Deny empty", a.Deny("d", ""), "not an IP address"},
		{"Deny long domain", a.Deny(long, "127.0.0.1"), "domain of 256 bytes"},
		{"RemoveAllowed bad", a.RemoveAllowed("d", "x"), "not an IP address"},
		{"RemoveDenied long domain", a.RemoveDenied(long), "domain of 256 bytes"},
		{"AddPlainUser empty user", a.AddPlainUser("d", "", "p"), "username of 0 bytes"},
		{"AddPlainUser long user", a.AddPlainUser("d", long, "p"), "username of 256 bytes"},
		{"AddPlainUser long password", a.AddPlainUser("d", "u", long), "password of 256 bytes"},
		{"RemovePlainUser long domain", a.RemovePlainUser(long, "u"), "domain of 256 bytes"},
		{"AllowCurveAny long domain", a.AllowCurveAny(long), "domain of 256 bytes"},
		{"RemoveCurveAny long domain", a.RemoveCurveAny(long), "domain of 256 bytes"},
		{"AllowCurveKey star", a.AllowCurveKey("d", "*"), "AllowCurveAny"},
		{"AllowCurveKey short", a.AllowCurveKey("d", "abc"), "3 characters"},
		{"AllowCurveKey not Z85", a.AllowCurveKey("d", strings.Repeat(" ", 40)), "invalid argument"},
		{"RemoveCurveKey not Z85", a.RemoveCurveKey("d", strings.Repeat("~", 40)), "invalid argument"},
	} {
		if !errors.Is(c.err, zring.ErrInvalid) || !strings.Contains(fmt.Sprint(c.err), c.why) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", c.call, c.err, c.why)
		}
	}
}
