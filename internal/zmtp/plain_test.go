package zmtp

import (
	"errors"
	"reflect"
	"testing"
)

func plainPair() (client, server *Handshake) {
	client = NewHandshake(Config{SocketType: "PUSH", Mechanism: MechanismPlain,
		PlainUsername: []byte("admin"), PlainPassword: []byte("secret"), Metadata: []Property{prop("X-Side", "client")}})
	server = NewHandshake(Config{SocketType: "PULL", Mechanism: MechanismPlain, AsServer: true})
	return client, server
}

func TestPlainHandshake(t *testing.T) {
	for _, size := range []int{1, 7, 1 << 20} {
		client, server := plainPair()
		if errC, errS := pump(client, server, size); errC != nil || errS != nil {
			t.Fatalf("chunks of %d: %v / %v", size, errC, errS)
		}
		req, ok := server.ZAPPending()
		want := ZAPRequest{Mechanism: MechanismPlain, Credentials: [][]byte{[]byte("admin"), []byte("secret")}}
		if !ok || !reflect.DeepEqual(req, want) {
			t.Fatalf("chunks of %d: ZAPPending %+v %v, want %+v", size, req, ok, want)
		}
		meta := AppendMetadata(nil, []Property{prop("X-Group", "ops")})
		if err := server.ZAPReply(ZAPReply{StatusCode: "200", UserID: []byte("user-1"), Metadata: meta}); err != nil {
			t.Fatal(err)
		}
		if errC, errS := pump(client, server, size); errC != nil || errS != nil || !client.Done() || !server.Done() {
			t.Fatalf("chunks of %d: client %v Done %v, server %v Done %v", size, errC, client.Done(), errS, server.Done())
		}
		wantAtServer := PeerInfo{Major: 3, Minor: 1, Mechanism: MechanismPlain, SocketType: "PUSH",
			Metadata: []Property{prop("X-Side", "client")}, UserID: "user-1", ZAPMetadata: []Property{prop("X-Group", "ops")}}
		if got := server.Peer(); !reflect.DeepEqual(got, wantAtServer) {
			t.Errorf("server sees %+v\nwant %+v", got, wantAtServer)
		}
		if got := client.Peer(); got.SocketType != "PULL" || got.UserID != "" {
			t.Errorf("client sees %+v", got)
		}
		if client.Transform() != nil || server.Transform() != nil {
			t.Error("PLAIN has no Transform")
		}
	}
}

func TestPlainRefused(t *testing.T) {
	for _, code := range []int{300, 400, 500} {
		client, server := plainPair()
		pump(client, server, 1<<20)
		err := server.ZAPReply(ZAPReply{StatusCode: string(rune('0'+code/100)) + "00", StatusText: "no"})
		var ae *AuthError
		if !errors.As(err, &ae) || ae.StatusCode != code || ae.Remote || !errors.Is(err, ErrAuth) {
			t.Fatalf("%d: server: %v", code, err)
		}
		_, errC := pump(server, client, 1<<20)
		if !errors.As(errC, &ae) || ae.StatusCode != code || !ae.Remote || !errors.Is(errC, ErrPeerError) {
			t.Fatalf("%d: client: %v", code, errC)
		}
	}
}

// A libzmq 4.3.4 PLAIN server refusing a client, as captured on the wire
// (interop/plain_test.go's setup): its greeting, then its ERROR in
// libzmq's form (see libzmqPlainError). The RFC's form is taken too.
func TestPlainClientReadsLibzmqError(t *testing.T) {
	greeting := Greeting{Major: 3, Minor: 1, Mechanism: MechanismPlain, AsServer: true}.Append(nil)
	for _, c := range []struct {
		name  string
		frame []byte
	}{
		{"libzmq 4.3.4", []byte("\x04\x09^RROR\x03400")},
		{"RFC 24", []byte("\x04\x0a\x05ERROR\x03400")},
	} {
		client, _ := plainPair()
		_, err := client.Input(append(greeting, c.frame...))
		var ae *AuthError
		if !errors.As(err, &ae) || ae.StatusCode != 400 || !ae.Remote {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// And a refusal from our server is in libzmq's form.
	client, server := plainPair()
	pump(client, server, 1<<20)
	server.ZAPReply(ZAPReply{StatusCode: "400"})
	if out := server.Output(nil); string(out) != "\x04\x09^RROR\x03400" {
		t.Errorf("server's ERROR %q", out)
	}
}

func TestPlainRejects(t *testing.T) {
	clientGreeting := Greeting{Major: 3, Minor: 1, Mechanism: MechanismPlain}.Append(nil)
	serverGreeting := Greeting{Major: 3, Minor: 1, Mechanism: MechanismPlain, AsServer: true}.Append(nil)
	hello := func(data string) []byte { return AppendCommand(nil, cmdHello, []byte(data)) }
	for _, c := range []struct {
		name   string
		server bool
		input  []byte
	}{
		{"HELLO without data", true, hello("")},
		{"username overruns", true, hello("\x05adm")},
		{"no password", true, hello("\x05admin")},
		{"password overruns", true, hello("\x05admin\x07secret")},
		{"bytes after the password", true, hello("\x05admin\x06secretX")},
		{"INITIATE first", true, appendPropsCommand(nil, cmdInitiate, []Property{prop("Socket-Type", "PUSH")})},
		{"READY to a server", true, AppendReady(nil, []Property{prop("Socket-Type", "PUSH")})},
		{"HELLO to a client", false, hello("\x01a\x01b")},
		{"READY before WELCOME", false, AppendReady(nil, []Property{prop("Socket-Type", "PULL")})},
		{"WELCOME with data", false, AppendCommand(nil, cmdWelcome, []byte("x"))},
		{"two WELCOMEs", false, append(AppendCommand(nil, cmdWelcome, nil), AppendCommand(nil, cmdWelcome, nil)...)},
	} {
		client, server := plainPair()
		h, greeting := server, clientGreeting
		if !c.server {
			h, greeting = client, serverGreeting
		}
		_, err := h.Input(append(greeting, c.input...))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", c.name, err)
		}
	}
}

func TestZAPReplyChecks(t *testing.T) {
	for _, r := range []ZAPReply{{StatusCode: "201"}, {StatusCode: "20"}, {StatusCode: "200", Metadata: []byte{9, 'X'}}} {
		_, server := plainPair()
		client, _ := plainPair()
		pump(client, server, 1<<20)
		if err := server.ZAPReply(r); err == nil {
			t.Errorf("%+v accepted", r)
		}
		if _, ok := server.ZAPPending(); ok {
			t.Errorf("%+v: still pending", r)
		}
	}
	_, server := plainPair()
	if err := server.ZAPReply(ZAPReply{StatusCode: "200"}); err == nil {
		t.Error("a reply with nothing pending was accepted")
	}
}

func TestNullWithZAP(t *testing.T) {
	a := NewHandshake(Config{SocketType: "DEALER", ZAP: true})
	b := NewHandshake(Config{SocketType: "ROUTER"})
	aGreeting := a.Output(nil)
	fromB := b.Output(nil)
	if _, err := b.Input(aGreeting); err != nil {
		t.Fatal(err)
	}
	fromB = b.Output(fromB) // b's READY: a NULL peer without ZAP sends it at once
	n, err := a.Input(fromB)
	if err != nil || n != GreetingSize {
		t.Fatalf("Input %d %v: a waiting for ZAP reads no further", n, err)
	}
	if req, ok := a.ZAPPending(); !ok || req.Mechanism != MechanismNull || len(req.Credentials) != 0 {
		t.Fatalf("ZAPPending %+v %v", req, ok)
	}
	if out := a.Output(nil); len(out) != 0 {
		t.Fatalf("a sent %q before ZAP answered: its READY must wait", out)
	}
	if err := a.ZAPReply(ZAPReply{StatusCode: "200", UserID: []byte("anon")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Input(fromB[n:]); err != nil || !a.Done() {
		t.Fatalf("%v Done %v", err, a.Done())
	}
	if _, err := b.Input(a.Output(nil)); err != nil || !b.Done() {
		t.Fatalf("b: %v Done %v", err, b.Done())
	}
	if a.Peer().UserID != "anon" {
		t.Errorf("UserID %q", a.Peer().UserID)
	}
	// 300 sends nothing (libzmq: no ERROR for a temporary failure).
	a = NewHandshake(Config{SocketType: "DEALER", ZAP: true})
	a.Output(nil)
	a.Input(fromB)
	if err := a.ZAPReply(ZAPReply{StatusCode: "300"}); !errors.Is(err, ErrAuth) {
		t.Fatal(err)
	}
	if out := a.Output(nil); len(out) != 0 {
		t.Errorf("300 sent %q", out)
	}
}

// FuzzPlainServer feeds a PLAIN server whatever follows a client's
// greeting, answering any ZAP request with 200: it must never panic, and
// an error must leave nothing half-done.
func FuzzPlainServer(f *testing.F) {
	client, _ := plainPair()
	f.Add(client.Output(nil)[GreetingSize:])
	f.Add(AppendCommand(nil, cmdHello, []byte("\x05admin\x06secret")))
	f.Add(append(AppendCommand(nil, cmdHello, []byte("\x01a\x01b")), appendPropsCommand(nil, cmdInitiate, []Property{prop("Socket-Type", "PUSH")})...))
	f.Add([]byte("\x04\x09^RROR\x03400"))
	greeting := Greeting{Major: 3, Minor: 1, Mechanism: MechanismPlain}.Append(nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		server := NewHandshake(Config{SocketType: "PULL", Mechanism: MechanismPlain, AsServer: true})
		in := append(append([]byte(nil), greeting...), b...)
		for {
			n, err := server.Input(in)
			in = in[n:]
			if err != nil {
				if server.Done() {
					t.Fatal("failed and done")
				}
				return
			}
			if _, ok := server.ZAPPending(); ok {
				if err := server.ZAPReply(ZAPReply{StatusCode: "200"}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			return
		}
	})
}

// FuzzPlainClient feeds a PLAIN client whatever follows a server's
// greeting (WELCOME, READY, ERROR, or anything else), in one piece and in
// pieces of a fuzzed size: it must never panic, both feeds must end alike,
// an error must leave nothing half-done, and a client that is done must
// have read a Socket-Type its own accepts.
func FuzzPlainClient(f *testing.F) {
	f.Add(AppendCommand(nil, cmdWelcome, nil), uint8(0))
	f.Add(cat(AppendCommand(nil, cmdWelcome, nil), appendPropsCommand(nil, cmdReady, []Property{prop("Socket-Type", "PULL")})), uint8(3))
	f.Add(cat(AppendCommand(nil, cmdWelcome, nil), appendPropsCommand(nil, cmdReady, []Property{prop("Socket-Type", "PUB")})), uint8(0))
	f.Add(AppendError(nil, "400"), uint8(1))
	f.Add(AppendCommand(nil, cmdWelcome, []byte("unexpected")), uint8(0))
	f.Add(appendPropsCommand(nil, cmdReady, []Property{prop("Socket-Type", "PULL")}), uint8(7))
	greeting := Greeting{Major: 3, Minor: 1, Mechanism: MechanismPlain, AsServer: true}.Append(nil)
	f.Fuzz(func(t *testing.T, b []byte, chunk uint8) {
		data := cat(greeting, b)
		newClient := func() *Handshake {
			h, _ := plainPair()
			h.Output(nil)
			return h
		}
		whole := newClient()
		n, errWhole := whole.Input(data)
		if n < 0 || n > len(data) {
			t.Fatalf("Input consumed %d of %d bytes", n, len(data))
		}
		if whole.Done() && errWhole != nil {
			t.Fatalf("Done with error %v", errWhole)
		}
		whole.Output(nil)
		sameInChunks(t, whole, n, errWhole, newClient(), data, int(chunk)+1)
		if whole.Done() && !Compatible("PUSH", whole.Peer().SocketType) {
			t.Fatalf("done with an incompatible peer %q", whole.Peer().SocketType)
		}
	})
}
