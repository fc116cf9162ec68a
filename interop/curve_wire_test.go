package interop

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// CURVE (RFC 25/26) on the wire between zring's zmtp package and libzmq
// 4.3.4, each in both roles. The zring side is package zmtp alone, driven
// by hand over a raw TCP connection: a zmtp.Handshake until it is done, then
// an Encoder and a Decoder with the Handshake's Transform, which boxes every
// frame into a MESSAGE. So these tests prove the mechanism and the MESSAGE
// codec against libzmq's, whatever the engine above them does.

// curveKeypair makes a CURVE key pair with libzmq (zmq_curve_keypair), in
// Z85 for libzmq's options and in binary for zmtp.Config.
func curveKeypair(t *testing.T) (publicZ85, secretZ85 string, public, secret [32]byte) {
	t.Helper()
	publicZ85, secretZ85, err := zmq.NewCurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	return publicZ85, secretZ85, curveKeyBytes(t, publicZ85), curveKeyBytes(t, secretZ85)
}

func curveKeyBytes(t *testing.T, z85 string) [32]byte {
	t.Helper()
	b := zmq.Z85decode(z85)
	if len(b) != 32 {
		t.Fatalf("Z85 key %q decodes to %d bytes", z85, len(b))
	}
	return [32]byte([]byte(b))
}

// curveWire is our end of one TCP connection, speaking ZMTP with package
// zmtp and nothing else. It belongs to the test's goroutine.
type curveWire struct {
	t    *testing.T
	conn net.Conn
	h    *zmtp.Handshake
	enc  zmtp.Encoder
	dec  zmtp.Decoder
	in   []byte // received and not yet decoded
	buf  []byte // for conn.Read
}

func newCurveWire(t *testing.T, conn net.Conn, cfg zmtp.Config) *curveWire {
	t.Helper()
	t.Cleanup(func() { conn.Close() })
	return &curveWire{t: t, conn: conn, h: zmtp.NewHandshake(cfg), buf: make([]byte, 64<<10)}
}

func (w *curveWire) write(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	w.conn.SetDeadline(time.Now().Add(ioTimeout))
	_, err := w.conn.Write(b)
	return err
}

func (w *curveWire) read() error {
	w.conn.SetDeadline(time.Now().Add(ioTimeout))
	n, err := w.conn.Read(w.buf)
	w.in = append(w.in, w.buf[:n]...)
	if n > 0 {
		return nil
	}
	return err
}

// handshake runs the handshake to its end, asking zap when the handshake
// asks (our server). It sends whatever the handshake has for the peer,
// the ERROR of a refusal included, before it returns an error. Then the
// Encoder and Decoder take the Handshake's Transform.
func (w *curveWire) handshake(zap func(zmtp.ZAPRequest) zmtp.ZAPReply, subscriptions bool) error {
	for {
		if err := w.write(w.h.Output(nil)); err != nil {
			return err
		}
		if w.h.Done() {
			break
		}
		if req, ok := w.h.ZAPPending(); ok {
			if err := w.h.ZAPReply(zap(req)); err != nil {
				w.write(w.h.Output(nil))
				return err
			}
			continue
		}
		if err := w.read(); err != nil {
			return fmt.Errorf("handshake: %w", err)
		}
		n, err := w.h.Input(w.in)
		w.in = w.in[n:]
		if err != nil {
			w.write(w.h.Output(nil))
			return err
		}
	}
	tr := w.h.Transform()
	if tr == nil {
		return errors.New("CURVE handshake done without a Transform")
	}
	w.enc.Reset(zmtp.EncoderConfig{Transform: tr, SubscriptionCommands: subscriptions})
	w.dec.Reset(zmtp.DecoderConfig{MaxMsgSize: -1, Direct: 1 << 30, Subscriptions: subscriptions, Transform: tr})
	return nil
}

// send seals one message and writes it.
func (w *curveWire) send(msg [][]byte) error {
	var out []byte
	for i, f := range msg {
		var flags byte
		if i < len(msg)-1 {
			flags = zmtp.FlagMore
		}
		out, _ = w.enc.AppendFrame(out, flags, f) // a Transform leaves no tail
	}
	return w.write(out)
}

// next reads and opens the next frame; its body is a copy.
func (w *curveWire) next() (zmtp.Frame, error) {
	for {
		f, n, err := w.dec.Next(w.in)
		if err != nil {
			return f, err
		}
		if f.Kind != zmtp.FrameNone {
			f.Body = bytes.Clone(f.Body)
			w.in = w.in[n:]
			return f, nil
		}
		if err := w.read(); err != nil {
			return f, err
		}
	}
}

// recv returns the next whole message, a subscription as its message
// (0x01 or 0x00 and the topic). It answers PINGs with PONGs, and counts
// the PINGs and PONGs it sees.
func (w *curveWire) recv(pings, pongs *int) ([][]byte, error) {
	var msg [][]byte
	for {
		f, err := w.next()
		if err != nil {
			return nil, err
		}
		switch f.Kind {
		case zmtp.FramePing:
			*pings++
			if err := w.write(w.enc.AppendPong(nil, f.Body)); err != nil {
				return nil, err
			}
		case zmtp.FramePong:
			*pongs++
		case zmtp.FrameSubscribe:
			return [][]byte{append([]byte{1}, f.Body...)}, nil
		case zmtp.FrameCancel:
			return [][]byte{append([]byte{0}, f.Body...)}, nil
		case zmtp.FrameMessage:
			msg = append(msg, f.Body)
			if f.Flags&zmtp.FlagMore == 0 {
				return msg, nil
			}
		}
	}
}

// curveMessages are sent each way: one frame, multipart, empty frames,
// both sides of the short/long header boundary inside the box (222 and
// 223 bytes: the MESSAGE around them is 255 and 256), the same outside
// it, 100 frames, and a large frame.
func curveMessages() [][][]byte {
	hundred := make([][]byte, 100)
	for i := range hundred {
		hundred[i] = []byte(fmt.Sprint(i))
	}
	return [][][]byte{
		frames("hello"),
		frames("a", "b", "c"),
		{{}},
		{{}, []byte("between"), {}},
		{pattern(222, 1), pattern(223, 2)},
		{pattern(255, 3), pattern(256, 4)},
		hundred,
		{pattern(1<<20, 5)},
	}
}

// curveAuthFailure returns a function that waits for p's
// ZMQ_EVENT_HANDSHAKE_FAILED_AUTH and returns its status code.
func curveAuthFailure(t *testing.T, ctx *zmq.Context, p *libzmqPeer) func() (int, error) {
	t.Helper()
	next := monitorEvents(t, nil, ctx, p)
	return func() (int, error) {
		for {
			ev, v, err := next()
			if err != nil || ev == int(zmq.EVENT_HANDSHAKE_FAILED_AUTH) {
				return int(v), err
			}
		}
	}
}

// ---- zmtp's client, libzmq's server ----

// curveServerLibzmq makes a libzmq socket a CURVE server with a new key
// pair, binds it and returns the endpoint and the server's public key.
func curveServerLibzmq(t *testing.T, ctx *zmq.Context, typ zring.SocketType) (*libzmqPeer, string, [32]byte) {
	t.Helper()
	_, secretZ85, public, _ := curveKeypair(t)
	p := newLibzmq(t, ctx, typ)
	if err := p.s.SetCurveServer(1); err != nil {
		t.Fatal(err)
	}
	if err := p.s.SetCurveSecretkey(secretZ85); err != nil {
		t.Fatal(err)
	}
	ep, err := p.bind("tcp://127.0.0.1:*")
	if err != nil {
		t.Fatal(err)
	}
	return p, ep, public
}

// dialCurve connects to a libzmq CURVE server as a zmtp client of type typ.
func dialCurve(t *testing.T, ep string, typ string, serverKey [32]byte) (*curveWire, [32]byte) {
	t.Helper()
	_, _, public, secret := curveKeypair(t)
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(ep, "tcp://"), ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	return newCurveWire(t, conn, zmtp.Config{SocketType: typ, Mechanism: zmtp.MechanismCurve,
		CurvePublicKey: public, CurveSecretKey: secret, CurveServerKey: serverKey}), public
}

func TestCurveWireZmtpClient(t *testing.T) {
	t.Run("PUSH to libzmq PULL", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		pull, ep, serverKey := curveServerLibzmq(t, ctx, zring.PULL)
		w, _ := dialCurve(t, ep, "PUSH", serverKey)
		if err := w.handshake(nil, false); err != nil {
			t.Fatal(err)
		}
		if p := w.h.Peer(); p.Mechanism != zmtp.MechanismCurve || p.SocketType != "PULL" {
			t.Fatalf("peer %+v", p)
		}
		for _, m := range curveMessages() {
			if err := w.send(m); err != nil {
				t.Fatal(err)
			}
			expect(t, pull, m)
		}
		// A PING, boxed as a command, is answered with a boxed PONG.
		if err := w.write(w.enc.AppendPing(nil, 0, []byte("ctx"))); err != nil {
			t.Fatal(err)
		}
		f, err := w.next()
		if err != nil || f.Kind != zmtp.FramePong {
			t.Fatalf("after our PING: frame kind %d, %v; want a PONG", f.Kind, err)
		}
	})

	t.Run("REQ to libzmq REP", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		rep, ep, serverKey := curveServerLibzmq(t, ctx, zring.REP)
		w, _ := dialCurve(t, ep, "REQ", serverKey)
		if err := w.handshake(nil, false); err != nil {
			t.Fatal(err)
		}
		var pings, pongs int
		for i := range 20 {
			req, reply := fmt.Sprint("request ", i), fmt.Sprint("reply ", i)
			if err := w.send([][]byte{{}, []byte(req)}); err != nil {
				t.Fatal(err)
			}
			expect(t, rep, frames(req))
			mustSend(t, rep, frames(reply))
			got, err := w.recv(&pings, &pongs)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(got, frames("", reply)); d != "" {
				t.Fatalf("reply: %s", d)
			}
		}
	})

	t.Run("SUB from libzmq PUB", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		pub, ep, serverKey := curveServerLibzmq(t, ctx, zring.PUB)
		w, _ := dialCurve(t, ep, "SUB", serverKey)
		if err := w.handshake(nil, true); err != nil {
			t.Fatal(err)
		}
		// A subscription message goes out as a boxed SUBSCRIBE command.
		if err := w.send(frames("\x01news")); err != nil {
			t.Fatal(err)
		}
		// The PUB applies it some time later and drops until then: it
		// publishes until we stop it.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				pub.send(frames("weather", "skipped"), 0)
				pub.send(frames("news", fmt.Sprint(i)), 0)
			}
		}()
		var pings, pongs int
		got, err := w.recv(&pings, &pongs)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || string(got[0]) != "news" {
			t.Fatalf("received %s, want [news <n>]", show(got))
		}
	})

	t.Run("libzmq ZAP handler", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			allow bool
		}{{"accepts our key", true}, {"refuses our key", false}} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := newLibzmqContext(t)
				var asked atomic.Value // the key libzmq's handler was given
				zapHandlerLibzmq(t, ctx, func(mechanism string, creds [][]byte) (string, string) {
					if mechanism != "CURVE" || len(creds) != 1 {
						return "500", ""
					}
					asked.Store(string(creds[0]))
					if tt.allow {
						return "200", "curve-user"
					}
					return "400", ""
				})
				pull, ep, serverKey := curveServerLibzmq(t, ctx, zring.PULL)
				w, ours := dialCurve(t, ep, "PUSH", serverKey)
				err := w.handshake(nil, false)
				if got, _ := asked.Load().(string); got != string(ours[:]) {
					t.Errorf("libzmq's ZAP handler was given the key %x, want ours %x", got, ours)
				}
				if !tt.allow {
					var ae *zmtp.AuthError
					if !errors.As(err, &ae) || ae.StatusCode != 400 || !ae.Remote {
						t.Fatalf("handshake: %v, want a Remote *zmtp.AuthError 400", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := w.send(frames("who am I")); err != nil {
					t.Fatal(err)
				}
				msg, md, err := pull.s.RecvBytesWithMetadata(0, "User-Id", "Socket-Type")
				if err != nil || string(msg) != "who am I" || md["User-Id"] != "curve-user" || md["Socket-Type"] != "PUSH" {
					t.Fatalf("libzmq received %q with %v, %v", msg, md, err)
				}
			})
		}
	})
}

// ---- libzmq's client, zmtp's server ----

// curveServerWire listens on a fresh port, connects a libzmq socket of
// type typ to it as a CURVE client, and returns our end, before its
// handshake, with the client's public key.
func curveServerWire(t *testing.T, ctx *zmq.Context, typ zring.SocketType, ours string, setup func(*libzmqPeer)) (*curveWire, *libzmqPeer, [32]byte) {
	t.Helper()
	serverZ85, _, _, serverSecret := curveKeypair(t)
	clientPublicZ85, clientSecretZ85, clientPublic, _ := curveKeypair(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := newLibzmq(t, ctx, typ)
	for _, set := range []func() error{
		func() error { return p.s.SetCurveServerkey(serverZ85) },
		func() error { return p.s.SetCurvePublickey(clientPublicZ85) },
		func() error { return p.s.SetCurveSecretkey(clientSecretZ85) },
	} {
		if err := set(); err != nil {
			t.Fatal(err)
		}
	}
	if setup != nil {
		setup(p)
	}
	if err := p.connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(ioTimeout))
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return newCurveWire(t, conn, zmtp.Config{SocketType: ours, Mechanism: zmtp.MechanismCurve, AsServer: true, CurveSecretKey: serverSecret}),
		p, clientPublic
}

// zapAccept is our ZAP handler's answer for a client with key want: 200
// as "libzmq-client", after checking that the handshake asked about that
// key.
func zapAccept(t *testing.T, want [32]byte) func(zmtp.ZAPRequest) zmtp.ZAPReply {
	return func(r zmtp.ZAPRequest) zmtp.ZAPReply {
		if r.Mechanism != zmtp.MechanismCurve || len(r.Credentials) != 1 || !bytes.Equal(r.Credentials[0], want[:]) {
			t.Errorf("ZAP request %+v, want CURVE with the client's key %x", r, want)
			return zmtp.ZAPReply{StatusCode: "400"}
		}
		return zmtp.ZAPReply{StatusCode: "200", UserID: []byte("libzmq-client")}
	}
}

func TestCurveWireZmtpServer(t *testing.T) {
	t.Run("libzmq PUSH to PULL", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		w, push, clientKey := curveServerWire(t, ctx, zring.PUSH, "PULL", func(p *libzmqPeer) {
			// libzmq's heartbeats travel boxed, as commands. The timeout
			// is long so that a slow run (-race) is not taken for a dead
			// peer: it defaults to the interval.
			p.s.SetHeartbeatIvl(20 * time.Millisecond)
			p.s.SetHeartbeatTimeout(ioTimeout)
		})
		if err := w.handshake(zapAccept(t, clientKey), false); err != nil {
			t.Fatal(err)
		}
		if p := w.h.Peer(); p.SocketType != "PUSH" || p.UserID != "libzmq-client" {
			t.Fatalf("peer %+v", p)
		}
		var pings, pongs int
		for _, m := range curveMessages() {
			mustSend(t, push, m)
			got, err := w.recv(&pings, &pongs)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(got, m); d != "" {
				t.Fatalf("received %s", d)
			}
		}
		// Wait for a heartbeat, then show the connection still works.
		for pings == 0 {
			f, err := w.next()
			if err != nil {
				t.Fatalf("waiting for libzmq's PING: %v", err)
			}
			if f.Kind == zmtp.FramePing {
				pings++
				w.write(w.enc.AppendPong(nil, f.Body))
			}
		}
		mustSend(t, push, frames("after the PING"))
		if got, err := w.recv(&pings, &pongs); err != nil || diff(got, frames("after the PING")) != "" {
			t.Fatalf("after the PING: %s, %v", show(got), err)
		}
	})

	t.Run("libzmq REQ to REP", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		w, req, clientKey := curveServerWire(t, ctx, zring.REQ, "REP", nil)
		if err := w.handshake(zapAccept(t, clientKey), false); err != nil {
			t.Fatal(err)
		}
		var pings, pongs int
		for i := range 20 {
			request, reply := fmt.Sprint("request ", i), fmt.Sprint("reply ", i)
			mustSend(t, req, frames(request))
			got, err := w.recv(&pings, &pongs)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(got, frames("", request)); d != "" {
				t.Fatalf("request: %s", d)
			}
			if err := w.send(frames("", reply)); err != nil {
				t.Fatal(err)
			}
			expect(t, req, frames(reply))
		}
	})

	t.Run("libzmq SUB to PUB", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		w, sub, clientKey := curveServerWire(t, ctx, zring.SUB, "PUB", func(p *libzmqPeer) { p.s.SetSubscribe("news") })
		if err := w.handshake(zapAccept(t, clientKey), true); err != nil {
			t.Fatal(err)
		}
		var pings, pongs int
		got, err := w.recv(&pings, &pongs)
		if err != nil || diff(got, frames("\x01news")) != "" {
			t.Fatalf("subscription: %s, %v", show(got), err)
		}
		if err := w.send(frames("news", "today")); err != nil {
			t.Fatal(err)
		}
		expect(t, sub, frames("news", "today"))
	})

	t.Run("ZAP refuses libzmq", func(t *testing.T) {
		ctx := newLibzmqContext(t)
		var authFailure func() (int, error)
		w, _, _ := curveServerWire(t, ctx, zring.PUSH, "PULL", func(p *libzmqPeer) {
			authFailure = curveAuthFailure(t, ctx, p)
		})
		err := w.handshake(func(zmtp.ZAPRequest) zmtp.ZAPReply { return zmtp.ZAPReply{StatusCode: "400"} }, false)
		var ae *zmtp.AuthError
		if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Remote {
			t.Fatalf("handshake: %v, want our own *zmtp.AuthError 400", err)
		}
		// Our ERROR 400 is what libzmq reports.
		if code, err := authFailure(); err != nil || code != 400 {
			t.Fatalf("libzmq HANDSHAKE_FAILED_AUTH %d, %v; want 400", code, err)
		}
	})
}
