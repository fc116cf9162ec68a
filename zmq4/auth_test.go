package zmq4_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// The Auth* functions serve the default context, so these tests use it,
// and start each from no rules.
func startAuth(t *testing.T) {
	t.Helper()
	zmq.ResetAuth()
	t.Cleanup(zmq.ResetAuth)
	if err := zmq.AuthStart(); err != nil {
		t.Fatal(err)
	}
}

var monitors int

// defaultSocket makes a socket of the default context with linger 0,
// closed when the test ends.
func defaultSocket(t *testing.T, typ zmq.Type) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	t.Cleanup(func() { s.Close() })
	return s
}

// server binds a REP socket of the default context set up by setup, and
// returns it and its endpoint.
func server(t *testing.T, setup func(*zmq.Socket) error) (*zmq.Socket, string) {
	t.Helper()
	s := defaultSocket(t, zmq.REP)
	if err := setup(s); err != nil {
		t.Fatal(err)
	}
	s.SetRcvtimeo(5 * time.Second)
	if err := s.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	endpoint, _ := s.GetLastEndpoint()
	return s, endpoint
}

// handshake connects a REQ client set up by setup to endpoint and waits
// for its handshake to succeed or fail: it returns "ok", or the event and
// value that ended it ("EVENT_HANDSHAKE_FAILED_AUTH 400").
func handshake(t *testing.T, endpoint string, setup func(*zmq.Socket) error) (*zmq.Socket, string) {
	t.Helper()
	c := defaultSocket(t, zmq.REQ)
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	monitors++
	addr := fmt.Sprintf("inproc://auth-monitor-%d", monitors)
	c.Monitor(addr, zmq.EVENT_HANDSHAKE_SUCCEEDED|zmq.EVENT_HANDSHAKE_FAILED_AUTH|
		zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL|zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL)
	m := defaultSocket(t, zmq.PAIR)
	m.SetRcvtimeo(5 * time.Second)
	m.Connect(addr)
	c.Connect(endpoint)
	event, _, value, err := m.RecvEvent(0)
	if err != nil {
		t.Fatalf("no handshake event: %v", err)
	}
	if event == zmq.EVENT_HANDSHAKE_SUCCEEDED {
		return c, "ok"
	}
	return c, fmt.Sprint(event, " ", value)
}

func TestAuthPlain(t *testing.T) {
	zmq.ResetAuth()
	t.Cleanup(zmq.ResetAuth)
	// Rules set before AuthStart, and kept across AuthStop, apply.
	zmq.AuthPlainAdd("plain", "admin", "secret")
	zmq.AuthPlainAdd("plain", "guest", "guest")
	if err := zmq.AuthStart(); err != nil {
		t.Fatal(err)
	}
	zmq.AuthStop()
	if err := zmq.AuthStart(); err != nil {
		t.Fatal(err)
	}
	srv, endpoint := server(t, func(s *zmq.Socket) error { return s.ServerAuthPlain("plain") })

	c, got := handshake(t, endpoint, func(s *zmq.Socket) error { return s.ClientAuthPlain("admin", "secret") })
	if got != "ok" {
		t.Fatalf("admin with the password: %s", got)
	}
	c.Send("hello", 0)
	msg, md, err := srv.RecvWithMetadata(0, "User-Id")
	if msg != "hello" || md["User-Id"] != "admin" || err != nil {
		t.Errorf("received %q %v %v, want hello from User-Id admin", msg, md, err)
	}
	srv.Send("world", 0)

	if _, got := handshake(t, endpoint, func(s *zmq.Socket) error { return s.ClientAuthPlain("admin", "wrong") }); got != "EVENT_HANDSHAKE_FAILED_AUTH 400" {
		t.Errorf("admin with a wrong password: %s", got)
	}
	zmq.AuthPlainRemove("plain", "admin")
	if _, got := handshake(t, endpoint, func(s *zmq.Socket) error { return s.ClientAuthPlain("admin", "secret") }); got == "ok" {
		t.Error("a removed user got in")
	}
	if _, got := handshake(t, endpoint, func(s *zmq.Socket) error { return s.ClientAuthPlain("guest", "guest") }); got != "ok" {
		t.Errorf("guest: %s", got)
	}
	zmq.AuthPlainRemoveAll("plain")
	if _, got := handshake(t, endpoint, func(s *zmq.Socket) error { return s.ClientAuthPlain("guest", "guest") }); got == "ok" {
		t.Error("a user got in after AuthPlainRemoveAll")
	}
}

func TestAuthCurve(t *testing.T) {
	startAuth(t)
	serverPublic, serverSecret, _ := zmq.NewCurveKeypair()
	clientPublic, clientSecret, _ := zmq.NewCurveKeypair()
	srv, endpoint := server(t, func(s *zmq.Socket) error { return s.ServerAuthCurve("curve", serverSecret) })
	client := func(s *zmq.Socket) error { return s.ClientAuthCurve(serverPublic, clientPublic, clientSecret) }

	if _, got := handshake(t, endpoint, client); got != "EVENT_HANDSHAKE_FAILED_AUTH 400" {
		t.Errorf("an unknown key: %s", got)
	}
	zmq.AuthCurveAdd("curve", clientPublic)
	c, got := handshake(t, endpoint, client)
	if got != "ok" {
		t.Fatalf("a known key: %s", got)
	}
	c.Send("hello", 0)
	if _, md, _ := srv.RecvWithMetadata(0, "User-Id"); md["User-Id"] != clientPublic {
		t.Errorf("User-Id %q, want the client's key", md["User-Id"])
	}
	srv.Send("world", 0)
	zmq.AuthCurveRemove("curve", clientPublic)
	if _, got := handshake(t, endpoint, client); got == "ok" {
		t.Error("a removed key got in")
	}
	zmq.AuthCurveAdd("*", zmq.CURVE_ALLOW_ANY)
	if _, got := handshake(t, endpoint, client); got != "ok" {
		t.Errorf("CURVE_ALLOW_ANY for every domain: %s", got)
	}
	zmq.AuthCurveRemoveAll("*")
	if _, got := handshake(t, endpoint, client); got == "ok" {
		t.Error("got in after AuthCurveRemoveAll")
	}
}

// AuthSetMetadataHandler: the properties returned for an accepted request
// become the connection's, "User-Id" in place of the handler's own.
func TestAuthMetadataHandler(t *testing.T) {
	startAuth(t)
	requests := make(chan []string, 1)
	zmq.AuthSetMetadataHandler(func(version, requestID, domain, address, identity, mechanism string, credentials ...string) map[string]string {
		requests <- append([]string{version, domain, address, identity, mechanism}, credentials...)
		return map[string]string{"User-Id": "user-" + credentials[0], "Hello": "World", "X-Zone": "eu"}
	})
	zmq.AuthPlainAdd("meta", "joe", "pw")
	srv, endpoint := server(t, func(s *zmq.Socket) error { return s.ServerAuthPlain("meta") })
	c, got := handshake(t, endpoint, func(s *zmq.Socket) error {
		s.SetIdentity("joes-req")
		return s.ClientAuthPlain("joe", "pw")
	})
	if got != "ok" {
		t.Fatal(got)
	}
	c.Send("hello", 0)
	_, md, err := srv.RecvWithMetadata(0, "User-Id", "Hello", "X-Zone")
	if err != nil || md["User-Id"] != "user-joe" || md["Hello"] != "World" || md["X-Zone"] != "eu" {
		t.Errorf("metadata %v %v", md, err)
	}
	// The identity is the server's routing id (none here), as libzmq
	// sends it, not the client's.
	if request, want := <-requests, "1.0 meta 127.0.0.1  PLAIN joe pw"; strings.Join(request, " ") != want {
		t.Errorf("the handler was called with %q, want %q", request, want)
	}
	srv.Send("world", 0)
}

func TestAuthAddresses(t *testing.T) {
	startAuth(t)
	_, endpoint := server(t, func(s *zmq.Socket) error { return s.ServerAuthNull("null") })
	null := func(*zmq.Socket) error { return nil }
	if _, got := handshake(t, endpoint, null); got != "ok" {
		t.Errorf("NULL with no rules: %s", got)
	}
	zmq.AuthDeny("null", "127.0.0.0/8")
	if _, got := handshake(t, endpoint, null); got != "EVENT_HANDSHAKE_FAILED_AUTH 400" {
		t.Errorf("NULL from a denied address: %s", got)
	}
	zmq.AuthAllow("null", "127.0.0.1", "not an address")
	if _, got := handshake(t, endpoint, null); got != "ok" {
		t.Errorf("NULL from an allowed address (the deny list ignored): %s", got)
	}
	// pebbe/zmq4's earlier form: a first argument that is an address
	// allows for every domain, which makes every other address refused.
	zmq.AuthAllow("10.1.2.3")
	_, other := server(t, func(s *zmq.Socket) error { return s.ServerAuthNull("other") })
	if _, got := handshake(t, other, null); got == "ok" {
		t.Error("an address outside the allow list of every domain got in")
	}
}

func TestAuthStartTwice(t *testing.T) {
	startAuth(t)
	if err := zmq.AuthStart(); err != nil {
		t.Errorf("AuthStart while running: %v", err)
	}
	zmq.AuthStop()
	zmq.AuthStop()
}

func TestAuthMetaBlob(t *testing.T) {
	blob, err := zmq.AuthMetaBlob("Hello", "World")
	want := []byte("\x05Hello\x00\x00\x00\x05World")
	if err != nil || !bytes.Equal(blob, want) {
		t.Errorf("AuthMetaBlob = %q %v, want %q", blob, err, want)
	}
	if _, err := zmq.AuthMetaBlob(strings.Repeat("k", 256), ""); err == nil {
		t.Error("a 256-byte name was encoded")
	}
}

func TestZ85AndKeys(t *testing.T) {
	// RFC 32's test vector.
	raw := string([]byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B})
	if got := zmq.Z85encode(raw); got != "HelloWorld" {
		t.Errorf("Z85encode = %q", got)
	}
	if got := zmq.Z85decode("HelloWorld"); got != raw {
		t.Errorf("Z85decode = %x", got)
	}
	if zmq.Z85encode("abc") != "" || zmq.Z85decode("Hello Wor") != "" || zmq.Z85decode("Hell") != "" {
		t.Error("bad input did not give an empty string")
	}
	public, secret, err := zmq.NewCurveKeypair()
	if err != nil || len(public) != 40 || len(secret) != 40 {
		t.Fatalf("NewCurveKeypair: %q %q %v", public, secret, err)
	}
	if got, err := zmq.AuthCurvePublic(secret); got != public || err != nil {
		t.Errorf("AuthCurvePublic = %q %v, want %q", got, err, public)
	}
	if _, err := zmq.AuthCurvePublic("short"); zmq.AsErrno(err) == 0 {
		t.Errorf("AuthCurvePublic of a bad key: %v", err)
	}
}
