package zring_test

import (
	"bytes"
	"encoding/binary"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// CURVE clients that cheat after HELLO, driven by hand with package zmtp
// over a raw connection to a zring CURVE server: each is closed with
// libzmq's protocol error, and a real client on the same socket is served
// afterwards. (Inputs before the handshake has keys, and the vouch, are in
// TestSecuredSocketRefusesGarbage and zmtp's own tests.)

// curveRawClient runs zmtp's CURVE client over conn until the handshake is
// done or fails, passing each burst of its output through tamper first.
func curveRawClient(t *testing.T, conn net.Conn, cfg zmtp.Config, tamper func([]byte) []byte) (*zmtp.Handshake, []byte, error) {
	t.Helper()
	h := zmtp.NewHandshake(cfg)
	var pending []byte
	buf := make([]byte, 4096)
	for {
		if out := h.Output(nil); len(out) > 0 {
			if tamper != nil {
				out = tamper(out)
			}
			if _, err := conn.Write(out); err != nil {
				return h, nil, err
			}
		}
		if h.Done() {
			return h, pending, nil
		}
		if len(pending) > 0 {
			n, err := h.Input(pending)
			pending = pending[n:]
			if err != nil {
				return h, nil, err
			}
			if n > 0 {
				continue
			}
		}
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			return h, nil, err
		}
		pending = append(pending, buf[:n]...)
	}
}

func z85Key(t *testing.T, z85 string) [32]byte {
	t.Helper()
	b, err := zring.Z85Decode(z85)
	if err != nil || len(b) != 32 {
		t.Fatalf("Z85Decode(%q): %d bytes, %v", z85, len(b), err)
	}
	return [32]byte(b)
}

// atCommand returns the offset in out of the body of the command frame
// named name, after its name, or -1.
func atCommand(out []byte, name string) int {
	i := bytes.Index(out, append([]byte{byte(len(name))}, name...))
	if i < 0 {
		return -1
	}
	return i + 1 + len(name)
}

func TestCurveHostileClients(t *testing.T) {
	serverPub, serverSec, _ := zring.CurveKeypair()
	clientPub, clientSec, _ := zring.CurveKeypair()
	cfg := zmtp.Config{
		SocketType:     "PUSH",
		Mechanism:      zmtp.MechanismCurve,
		CurvePublicKey: z85Key(t, clientPub),
		CurveSecretKey: z85Key(t, clientSec),
		CurveServerKey: z85Key(t, serverPub),
	}
	// boxes finishes the handshake on conn and seals "one" and "two",
	// in that order, without sending them.
	boxes := func(t *testing.T, conn net.Conn) (one, two []byte) {
		h, _, err := curveRawClient(t, conn, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		var enc zmtp.Encoder
		enc.Reset(zmtp.EncoderConfig{Transform: h.Transform()})
		one, _ = enc.AppendFrame(nil, 0, []byte("one"))
		two, _ = enc.AppendFrame(nil, 0, []byte("two"))
		return one, two
	}
	cases := []struct {
		name string
		// cheat runs the hostile client on conn. It returns the messages
		// the server should deliver before it closes the connection.
		cheat func(t *testing.T, conn net.Conn) []string
		want  uint32 // the HANDSHAKE_FAILED_PROTOCOL value
	}{
		{"a replayed MESSAGE nonce (CVE-2014-7203)", func(t *testing.T, conn net.Conn) []string {
			one, _ := boxes(t, conn)
			// The same box twice: its nonce is not above the last one.
			conn.Write(append(one, one...))
			return []string{"one"}
		}, zring.ProtocolErrorInvalidSequence},
		{"a decreasing MESSAGE nonce", func(t *testing.T, conn net.Conn) []string {
			one, two := boxes(t, conn)
			conn.Write(append(two, one...))
			return []string{"two"}
		}, zring.ProtocolErrorInvalidSequence},
		{"a MESSAGE altered on the way", func(t *testing.T, conn net.Conn) []string {
			one, two := boxes(t, conn)
			two[len(two)-1] ^= 1
			conn.Write(append(one, two...))
			return []string{"one"}
		}, zring.ProtocolErrorCryptographic},
		{"an INITIATE whose cookie is not the server's", func(t *testing.T, conn net.Conn) []string {
			curveRawClient(t, conn, cfg, func(out []byte) []byte {
				if at := atCommand(out, "INITIATE"); at >= 0 {
					out[at+40] ^= 1 // inside the cookie's box
				}
				return out
			})
			return nil
		}, zring.ProtocolErrorCryptographic},
		{"an INITIATE announcing 2^62 bytes (CVE-2019-13132's kind)", func(t *testing.T, conn net.Conn) []string {
			curveRawClient(t, conn, cfg, func(out []byte) []byte {
				if at := atCommand(out, "INITIATE"); at >= 0 {
					// The command's long header, cut before its body.
					head := []byte{zmtp.FlagCommand | 0x02, 0, 0, 0, 0, 0, 0, 0, 0}
					binary.BigEndian.PutUint64(head[1:], 1<<62)
					return head
				}
				return out
			})
			return nil
		}, zring.ProtocolErrorMalformedCommand},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			pull := sock(t, ctx, zring.PULL)
			pull.SetOption(zring.RcvTimeo, 3000)
			pull.SetOption(zring.CurveServer, 1)
			pull.SetOption(zring.CurveSecretKey, serverSec)
			mon := watch(t, ctx, pull, "mon-hostile", zring.EventHandshakeFailedProtocol|zring.EventDisconnected)
			ep := bindAt(t, pull, "tcp://127.0.0.1:0")
			conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, want := range c.cheat(t, conn) {
				if got, err := pull.Recv(0); err != nil || string(got) != want {
					t.Fatalf("before the cheat: %q %v, want %q", got, err, want)
				}
			}
			if e := expect(t, mon, zring.EventHandshakeFailedProtocol); e.Value != c.want {
				t.Fatalf("protocol error %#x, want %#x", e.Value, c.want)
			}
			expect(t, mon, zring.EventDisconnected)
			expectClosedByPeer(t, conn, 3*time.Second)

			push := sock(t, ctx, zring.PUSH)
			push.SetOption(zring.CurveServerKey, serverPub)
			push.SetOption(zring.CurvePublicKey, clientPub)
			push.SetOption(zring.CurveSecretKey, clientSec)
			if err := push.Connect(ep); err != nil {
				t.Fatal(err)
			}
			push.Send([]byte("after the cheat"), 0)
			if got, err := pull.Recv(0); err != nil || string(got) != "after the cheat" {
				t.Fatalf("the real client: %q %v", got, err)
			}
		})
	}
}

// TestCurveLargeInitiateMetadata is CVE-2019-13132's input made legal: a
// CURVE client whose INITIATE carries 10,000 bytes of metadata, far over
// the 256 libzmq before 4.3.2 had room for. libzmq 4.3.4 takes it, and so
// do we: the message arrives and the property reads back whole.
func TestCurveLargeInitiateMetadata(t *testing.T) {
	ctx := newCtx(t)
	serverPub, serverSec, _ := zring.CurveKeypair()
	clientPub, clientSec, _ := zring.CurveKeypair()
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.RcvTimeo, 3000)
	pull.SetOption(zring.CurveServer, 1)
	pull.SetOption(zring.CurveSecretKey, serverSec)
	ep := bindAt(t, pull, "tcp://127.0.0.1:0")
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.CurveServerKey, serverPub)
	push.SetOption(zring.CurvePublicKey, clientPub)
	push.SetOption(zring.CurveSecretKey, clientSec)
	big := strings.Repeat("v", 10000)
	if err := push.SetOption(zring.Metadata, "X-Big:"+big); err != nil {
		t.Fatal(err)
	}
	if err := push.Connect(ep); err != nil {
		t.Fatal(err)
	}
	push.Send([]byte("with a big INITIATE"), 0)
	if got, err := pull.Recv(0); err != nil || string(got) != "with a big INITIATE" {
		t.Fatalf("%q %v", got, err)
	}
	if v, ok := pull.Property("X-Big"); !ok || v != big {
		t.Fatalf("X-Big: %d bytes, %v", len(v), ok)
	}
}
