package perf

import (
	"slices"
	"testing"
	"time"

	"github.com/zring/zring"
)

func TestParseMechanism(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Mechanism
		ok   bool
	}{
		{"", MechanismNull, true},
		{"null", MechanismNull, true},
		{"plain", MechanismPlain, true},
		{" CURVE ", MechanismCurve, true},
		{"gssapi", "", false},
	} {
		got, err := ParseMechanism(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMechanism(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// The fixed keys are pairs: each public key is its secret's.
func TestCurveKeys(t *testing.T) {
	for _, k := range [][2]string{{CurveServerPublic, CurveServerSecret}, {CurveClientPublic, CurveClientSecret}} {
		if pub, err := zring.CurvePublic(k[1]); err != nil || pub != k[0] {
			t.Errorf("CurvePublic(%q) = %q, %v; want %q", k[1], pub, err, k[0])
		}
	}
}

// RFC 27: the reply echoes the request id and says 200, with no user id
// and no metadata.
func TestZAPReply(t *testing.T) {
	req := [][]byte{[]byte("1.0"), []byte("id-7"), nil, []byte("127.0.0.1"), nil, []byte("PLAIN"), []byte("u"), []byte("p")}
	got := ZAPReply(req)
	want := [][]byte{[]byte("1.0"), []byte("id-7"), []byte("200"), []byte("OK"), nil, nil}
	if !slices.EqualFunc(got, want, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Errorf("ZAPReply = %q, want %q", got, want)
	}
}

// TestSecure: under each mechanism a server and a client set up as the
// tools set them (each in its own context, as in two processes) exchange a
// message, the sockets report the mechanism, and both contexts terminate
// with the PLAIN server's ZAP handler running.
func TestSecure(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want int
	}{
		{"", zring.MechanismNull},
		{"plain", zring.MechanismPlain},
		{"curve", zring.MechanismCurve},
	} {
		t.Run("mechanism="+tt.env, func(t *testing.T) {
			t.Setenv(MechanismEnv, tt.env)
			sctx, err := zring.NewContext()
			if err != nil {
				t.Fatal(err)
			}
			cctx, err := zring.NewContext()
			if err != nil {
				t.Fatal(err)
			}
			pull, err := sctx.NewSocket(zring.PULL)
			if err != nil {
				t.Fatal(err)
			}
			Secure(sctx, pull, "tcp://127.0.0.1:0", true)
			if err := pull.Bind("tcp://127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			ep, err := pull.GetOption(zring.LastEndpoint)
			if err != nil {
				t.Fatal(err)
			}
			push, err := cctx.NewSocket(zring.PUSH)
			if err != nil {
				t.Fatal(err)
			}
			Secure(cctx, push, ep.(string), false)
			if err := push.Connect(ep.(string)); err != nil {
				t.Fatal(err)
			}
			for _, s := range []*zring.Socket{pull, push} {
				if m, err := s.GetOptionInt(zring.Mechanism); err != nil || m != tt.want {
					t.Errorf("Mechanism = %d, %v; want %d", m, err, tt.want)
				}
			}
			pull.SetOption(zring.RcvTimeo, 5000)
			if err := push.Send([]byte("hello"), 0); err != nil {
				t.Fatal(err)
			}
			if got, err := pull.Recv(0); err != nil || string(got) != "hello" {
				t.Fatalf("Recv = %q, %v; want hello", got, err)
			}
			push.Close()
			pull.Close()
			done := make(chan struct{})
			go func() {
				cctx.Term()
				sctx.Term()
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Term still waiting after 5 s (the ZAP handler's socket not closed?)")
			}
		})
	}
}

// Inproc has no handshake: Secure leaves an inproc socket NULL.
func TestSecureInproc(t *testing.T) {
	t.Setenv(MechanismEnv, "curve")
	ctx, err := zring.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Term()
	s, err := ctx.NewSocket(zring.PULL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	Secure(ctx, s, "inproc://x", true)
	if m, _ := s.GetOptionInt(zring.Mechanism); m != zring.MechanismNull {
		t.Errorf("inproc socket's Mechanism %d, want NULL", m)
	}
}
