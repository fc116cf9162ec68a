package zring_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

func mustSendParts(t *testing.T, s *zring.Socket, parts ...string) {
	t.Helper()
	b := make([][]byte, len(parts))
	for i, p := range parts {
		b[i] = []byte(p)
	}
	if err := s.SendMultipart(b, 0); err != nil {
		t.Fatal(err)
	}
}

func mustRecvParts(t *testing.T, s *zring.Socket) []string {
	t.Helper()
	got, err := s.RecvMultipart(0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(got))
	for i, g := range got {
		out[i] = string(g)
	}
	return out
}

// TestDealerRouter: DEALER and ROUTER between zring sockets, over each
// transport, each side binding: a ROUTER sees [routing id][body...] and
// answers through the id; a REQ behind it adds the empty delimiter.
func TestDealerRouter(t *testing.T) {
	for _, ep := range endpoints(t) {
		for _, routerBinds := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/router_binds=%v", ep[:3], routerBinds), func(t *testing.T) {
				ctx := newCtx(t)
				router := sock(t, ctx, zring.ROUTER)
				dealer := sock(t, ctx, zring.DEALER)
				req := sock(t, ctx, zring.REQ)
				dealer.SetOption(zring.RoutingID, "dealer-1")
				if routerBinds {
					addr := bindAt(t, router, ep)
					dealer.Connect(addr)
					req.Connect(addr)
				} else {
					// The ROUTER connects to both (inproc: each binds its own name).
					a := bindAt(t, dealer, ep)
					router.Connect(a)
					ep2 := ep + "-req" // ipc and inproc need a second name
					if ep[:3] == "tcp" {
						ep2 = ep
					}
					b := bindAt(t, req, ep2)
					router.Connect(b)
				}
				// The dealer's messages come with its ZMQ_ROUTING_ID.
				if routerBinds {
					mustSendParts(t, dealer, "hello", "world")
					if got := mustRecvParts(t, router); fmt.Sprint(got) != "[dealer-1 hello world]" {
						t.Fatalf("router got %q", got)
					}
				} else {
					// A connecting ROUTER cannot route before the handshake:
					// with ROUTER_MANDATORY it says so, then succeeds.
					router.SetOption(zring.RouterMandatory, 1)
					deadline := time.Now().Add(5 * time.Second)
					for {
						err := router.SendMultipart([][]byte{[]byte("dealer-1"), []byte("ping")}, 0)
						if err == nil {
							break
						}
						if !errors.Is(err, zring.ErrHostUnreachable) || time.Now().After(deadline) {
							t.Fatalf("router send: %v", err)
						}
						time.Sleep(time.Millisecond)
					}
					mustRecv(t, dealer, "ping")
					mustSendParts(t, dealer, "hello", "world")
					if got := mustRecvParts(t, router); fmt.Sprint(got) != "[dealer-1 hello world]" {
						t.Fatalf("router got %q", got)
					}
				}
				mustSendParts(t, router, "dealer-1", "reply")
				mustRecv(t, dealer, "reply")

				// A REQ with no routing id gets a generated one, and its
				// empty delimiter shows.
				mustSendParts(t, req, "question")
				got := mustRecvParts(t, router)
				if len(got) != 3 || len(got[0]) != 5 || got[0][0] != 0 || got[1] != "" || got[2] != "question" {
					t.Fatalf("router got %q from the REQ", got)
				}
				mustSendParts(t, router, got[0], "", "answer")
				mustRecv(t, req, "answer")
			})
		}
	}
}

// TestRouterReconnectedPeerKeepsID: a DEALER whose connection breaks and is
// remade announces the same ZMQ_ROUTING_ID again, and the ROUTER routes
// that id to the new connection.
func TestRouterReconnectedPeerKeepsID(t *testing.T) {
	ctx := newCtx(t)
	router := sock(t, ctx, zring.ROUTER)
	addr := bindAt(t, router, "tcp://127.0.0.1:0")
	for round := range 3 {
		dealer := sock(t, ctx, zring.DEALER)
		dealer.SetOption(zring.RoutingID, "same")
		dealer.Connect(addr)
		mustSendParts(t, dealer, fmt.Sprint("hi ", round))
		if got := mustRecvParts(t, router); fmt.Sprint(got) != fmt.Sprintf("[same hi %d]", round) {
			t.Fatalf("round %d: router got %q", round, got)
		}
		mustSendParts(t, router, "same", "back")
		mustRecv(t, dealer, "back")
		dealer.Close()
		// Until the router has seen the old connection go, a new one with
		// the same id would be refused, as libzmq refuses it; wait for it.
		router.SetOption(zring.RouterMandatory, 1)
		deadline := time.Now().Add(5 * time.Second)
		for router.SendMultipart([][]byte{[]byte("same"), []byte("gone?")}, zring.DontWait) == nil {
			if time.Now().After(deadline) {
				t.Fatal("the closed dealer stays routable")
			}
			time.Sleep(time.Millisecond)
		}
		router.SetOption(zring.RouterMandatory, 0)
	}
}

// TestConnectRoutingID: ZMQ_CONNECT_ROUTING_ID "sets the peer id of the
// peer connected via the next zmq_connect() call, such that that
// connection is immediately ready for data transfer with the given routing
// id. This option applies only to the first subsequent call to
// zmq_connect()". ROUTER to ROUTER: the connecting one sends at once, and
// the bound one answers through the connecting one's ZMQ_ROUTING_ID.
func TestConnectRoutingID(t *testing.T) {
	for _, ep := range endpoints(t) {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			front, back := sock(t, ctx, zring.ROUTER), sock(t, ctx, zring.ROUTER)
			front.SetOption(zring.RoutingID, "front")
			addr := bindAt(t, back, ep)
			if err := front.SetOption(zring.ConnectRoutingID, "back"); err != nil {
				t.Fatal(err)
			}
			if err := front.Connect(addr); err != nil {
				t.Fatal(err)
			}
			front.SetOption(zring.RouterMandatory, 1)
			mustSendParts(t, front, "back", "hello") // routable before the handshake
			if got := mustRecvParts(t, back); fmt.Sprint(got) != "[front hello]" {
				t.Fatalf("back got %q", got)
			}
			mustSendParts(t, back, "front", "hi")
			if got := mustRecvParts(t, front); fmt.Sprint(got) != "[back hi]" {
				t.Fatalf("front got %q", got)
			}
			if v, _ := front.GetOption(zring.ConnectRoutingID); len(v.([]byte)) != 0 {
				t.Fatalf("the option outlived its Connect: %q", v)
			}
			front.SetOption(zring.ConnectRoutingID, "back")
			if err := front.Connect(addr); !errors.Is(err, zring.ErrInvalid) {
				t.Fatalf("a routing id already in use: %v", err)
			}
		})
	}
}

// TestRouterNotifyAndHello: ZMQ_ROUTER_NOTIFY "delivers a zero-length
// message (with routing-id as first frame) when a peer connects or
// disconnects"; ZMQ_DISCONNECT_MSG generates its message "when accepted
// peer has been disconnected"; ZMQ_HELLO_MSG is "automatically sent when a
// new connection is made or accepted".
func TestRouterNotifyAndHello(t *testing.T) {
	ctx := newCtx(t)
	router := sock(t, ctx, zring.ROUTER)
	router.SetOption(zring.RouterNotify, 3)
	router.SetOption(zring.DisconnectMsg, "bye")
	router.SetOption(zring.HelloMsg, "welcome")
	dealer := sock(t, ctx, zring.DEALER)
	dealer.SetOption(zring.RoutingID, "d")
	dealer.SetOption(zring.HelloMsg, "hi")
	dealer.Connect(bindAt(t, router, "tcp://127.0.0.1:0"))
	for _, want := range []string{"[d ]", "[d hi]"} {
		if got := mustRecvParts(t, router); fmt.Sprint(got) != want {
			t.Fatalf("router got %q, want %s", got, want)
		}
	}
	mustRecv(t, dealer, "welcome")
	dealer.Send([]byte("last"), 0)
	mustRecvParts(t, router)
	dealer.Close()
	for _, want := range []string{"[d ]", "[d bye]"} {
		if got := mustRecvParts(t, router); fmt.Sprint(got) != want {
			t.Fatalf("router got %q, want %s", got, want)
		}
	}
	if v, _ := router.GetOptionInt(zring.IPv4Only); v != 1 {
		t.Fatalf("ZMQ_IPV4ONLY default %d, want 1", v)
	}
	router.SetOption(zring.IPv4Only, 0)
	if v, _ := router.GetOptionInt(zring.IPv6); v != 1 {
		t.Fatal("ZMQ_IPV4ONLY 0 is ZMQ_IPV6 1")
	}
}
