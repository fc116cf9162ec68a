package zring_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/zring/zring"
)

// newCtx is a context with opts, terminated when the test ends (after the
// sockets' Close, which cleanups registered later run first).
func newCtx(t testing.TB, opts ...zring.ContextOption) *zring.Context {
	t.Helper()
	ctx, err := zring.NewContext(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Term() })
	return ctx
}

func sock(t testing.TB, ctx *zring.Context, ty zring.SocketType) *zring.Socket {
	t.Helper()
	s, err := ctx.NewSocket(ty)
	if err != nil {
		t.Fatal(err)
	}
	s.SetOption(zring.Linger, 0)
	s.SetOption(zring.RcvTimeo, 5000)
	s.SetOption(zring.SndTimeo, 5000)
	t.Cleanup(func() { s.Close() })
	return s
}

func endpoints(t testing.TB) []string {
	return []string{"tcp://127.0.0.1:0", "ipc://" + t.TempDir() + "/s", fmt.Sprintf("inproc://%s", t.Name())}
}

func bindAt(t testing.TB, s *zring.Socket, ep string) string {
	t.Helper()
	if err := s.Bind(ep); err != nil {
		t.Fatal(err)
	}
	v, _ := s.GetOption(zring.LastEndpoint)
	return v.(string)
}

func TestSmokePushPull(t *testing.T) {
	for _, ep := range endpoints(t) {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			pull := sock(t, ctx, zring.PULL)
			push := sock(t, ctx, zring.PUSH)
			addr := bindAt(t, pull, ep)
			if err := push.Connect(addr); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 100; i++ {
				if err := push.SendMultipart([][]byte{[]byte("a"), []byte(fmt.Sprint(i))}, 0); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 100; i++ {
				parts, err := pull.RecvMultipart(0)
				if err != nil {
					t.Fatal(i, err)
				}
				if len(parts) != 2 || !bytes.Equal(parts[1], []byte(fmt.Sprint(i))) {
					t.Fatalf("got %q", parts)
				}
			}
		})
	}
}

func TestSmokeReqRep(t *testing.T) {
	for _, ep := range endpoints(t) {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			rep := sock(t, ctx, zring.REP)
			req := sock(t, ctx, zring.REQ)
			addr := bindAt(t, rep, ep)
			if err := req.Connect(addr); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 50; i++ {
				if err := req.Send([]byte("ping"), 0); err != nil {
					t.Fatal(err)
				}
				b, err := rep.Recv(0)
				if err != nil || string(b) != "ping" {
					t.Fatal(b, err)
				}
				if err := rep.Send([]byte("pong"), 0); err != nil {
					t.Fatal(err)
				}
				b, err = req.Recv(0)
				if err != nil || string(b) != "pong" {
					t.Fatal(b, err)
				}
			}
		})
	}
}
