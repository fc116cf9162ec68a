package zring_test

import (
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/zring/zring"
)

// A PLAIN server whose users the Authenticator knows; the server reads who
// sent each message from its User-Id property.
func ExampleNewAuthenticator() {
	ctx, err := zring.NewContext()
	if err != nil {
		log.Fatal(err)
	}
	defer ctx.Term()

	auth, err := zring.NewAuthenticator(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	if err := auth.AddPlainUser("global", "admin", "secret"); err != nil {
		log.Fatal(err)
	}

	server, _ := ctx.NewSocket(zring.PULL)
	defer server.Close()
	server.SetOption(zring.PlainServer, 1)
	server.SetOption(zring.ZAPDomain, "global")
	server.Bind("tcp://127.0.0.1:0")
	ep, _ := server.GetOption(zring.LastEndpoint)

	client, _ := ctx.NewSocket(zring.PUSH)
	defer client.Close()
	client.SetOption(zring.PlainUsername, "admin")
	client.SetOption(zring.PlainPassword, "secret")
	client.Connect(ep.(string))
	client.Send([]byte("hello"), 0)

	msg, md, _ := server.RecvWithMetadata(0, "User-Id")
	fmt.Printf("%s from %s\n", msg, md["User-Id"])
	// Output: hello from admin
}

// Address lists apply to every mechanism; with NULL they are all there
// is. The refused client's monitor says why.
func ExampleAuthenticator_Deny() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	auth, _ := zring.NewAuthenticator(ctx)
	defer auth.Close()
	if err := auth.Deny(zring.AnyDomain, "127.0.0.1", "192.168.0.0/16"); err != nil {
		log.Fatal(err)
	}

	server, _ := ctx.NewSocket(zring.PUB)
	defer server.Close()
	server.SetOption(zring.ZAPDomain, "prices") // a NULL socket asks ZAP only with a domain
	server.Bind("tcp://127.0.0.1:0")
	ep, _ := server.GetOption(zring.LastEndpoint)

	client, _ := ctx.NewSocket(zring.SUB)
	defer client.Close()
	client.Monitor("inproc://client-events", zring.EventHandshakeFailedAuth)
	events, _ := ctx.NewSocket(zring.PAIR)
	defer events.Close()
	events.Connect("inproc://client-events")
	client.Connect(ep.(string))

	e, _ := events.RecvEvent(0)
	fmt.Println("refused with status", e.Value)
	// Output: refused with status 400
}

// CURVE clients are let in by their public key; the server sees the key
// as the User-Id.
func ExampleAuthenticator_AllowCurveKey() {
	serverPublic, serverSecret, _ := zring.CurveKeypair()
	clientPublic, clientSecret, _ := zring.CurveKeypair()

	ctx, _ := zring.NewContext()
	defer ctx.Term()
	auth, _ := zring.NewAuthenticator(ctx)
	defer auth.Close()
	if err := auth.AllowCurveKey("global", clientPublic); err != nil {
		log.Fatal(err)
	}

	server, _ := ctx.NewSocket(zring.REP)
	defer server.Close()
	server.SetOption(zring.CurveServer, 1)
	server.SetOption(zring.CurveSecretKey, serverSecret)
	server.SetOption(zring.ZAPDomain, "global")
	server.Bind("tcp://127.0.0.1:0")
	ep, _ := server.GetOption(zring.LastEndpoint)

	client, _ := ctx.NewSocket(zring.REQ)
	defer client.Close()
	client.SetOption(zring.CurveServerKey, serverPublic)
	client.SetOption(zring.CurvePublicKey, clientPublic)
	client.SetOption(zring.CurveSecretKey, clientSecret)
	client.Connect(ep.(string))
	client.Send([]byte("ping"), 0)

	_, md, _ := server.RecvWithMetadata(0, "User-Id")
	fmt.Println("the client's key:", md["User-Id"] == clientPublic)
	// Output: the client's key: true
}

// The logger sees every decision; passwords are left out.
func ExampleAuthenticator_SetLogger() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	auth, _ := zring.NewAuthenticator(ctx)
	defer auth.Close()
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	auth.SetLogger(slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime})))
	auth.AddPlainUser(zring.AnyDomain, "admin", "secret")

	server, _ := ctx.NewSocket(zring.PULL)
	defer server.Close()
	server.SetOption(zring.PlainServer, 1)
	server.SetOption(zring.ZAPDomain, "global")
	server.Bind("tcp://127.0.0.1:0")
	ep, _ := server.GetOption(zring.LastEndpoint)

	client, _ := ctx.NewSocket(zring.PUSH)
	defer client.Close()
	client.SetOption(zring.PlainUsername, "admin")
	client.SetOption(zring.PlainPassword, "secret")
	client.Connect(ep.(string))
	client.Send([]byte("hello"), 0)
	server.Recv(0)
	// Output:
	// level=INFO msg=zap domain=global address=127.0.0.1 mechanism=PLAIN user=admin status=200 why="PLAIN user and password in domain \"*\""
}
