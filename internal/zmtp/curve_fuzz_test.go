package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzCurveHandshake feeds arbitrary bytes to a CURVE server's handshake
// (after the client's greeting) or a client's (after the server's), whole
// and in chunks of chunk+1 bytes. The keys are fixed, so a seed may hold a
// valid HELLO; no input can get further than that, since INITIATE must carry
// the cookie of this connection's fresh key, and WELCOME must be boxed to
// the client's fresh short-term key. It must never panic, never claim more
// bytes than it was given, never finish or ask ZAP, fail only with the
// package's errors, and end the same however the input was split.
func FuzzCurveHandshake(f *testing.F) {
	c := newCurveRawClient("fuzz")
	hello := AppendCommand(nil, cmdHello, c.helloData(1))
	f.Add(hello, true, uint8(0))
	f.Add(cat(hello, AppendCommand(nil, cmdInitiate, make([]byte, curveInitiateMinData))), true, uint8(9))
	f.Add(cat(hello, AppendCommand(nil, cmdInitiate, make([]byte, curveInitiateMinData-1))), true, uint8(0))
	f.Add(cat(hello, AppendError(nil, "400")), true, uint8(3))
	f.Add(cat(hello, hello), true, uint8(200))
	f.Add(hello[:len(hello)-1], true, uint8(0))
	f.Add(AppendCommand(nil, cmdHello, c.helloData(1)[1:]), true, uint8(1))
	f.Add(AppendCommand(nil, cmdWelcome, make([]byte, curveWelcomeData)), false, uint8(0))
	f.Add(cat(AppendCommand(nil, cmdWelcome, make([]byte, curveWelcomeData)), AppendCommand(nil, cmdReady, make([]byte, 40))), false, uint8(4))
	f.Add(AppendCommand(nil, cmdReady, make([]byte, curveReadyMinData)), false, uint8(0))
	f.Add(AppendError(nil, "500"), false, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, asServer bool, chunk uint8) {
		cc, sc := curveConfigs()
		cfg := cc
		if asServer {
			cfg = sc
		}
		cfg.MaxFrame = 1024
		data = cat(curveGreeting(!asServer), data)

		whole := NewHandshake(cfg)
		whole.Output(nil)
		n, errWhole := whole.Input(data)
		if n < 0 || n > len(data) {
			t.Fatalf("Input consumed %d of %d bytes", n, len(data))
		}
		if _, zap := whole.ZAPPending(); whole.Done() || zap || whole.Transform() != nil {
			t.Fatalf("forged input got through: Done %v, ZAP %v", whole.Done(), zap)
		}
		if errWhole != nil && !(errors.Is(errWhole, ErrMalformed) || errors.Is(errWhole, ErrTooLarge) ||
			errors.Is(errWhole, ErrPeerError) || errors.Is(errWhole, ErrAuth) || errors.Is(errWhole, ErrIncompatible)) {
			t.Fatalf("error %v", errWhole)
		}
		whole.Output(nil)

		sameInChunks(t, whole, n, errWhole, NewHandshake(cfg), data, int(chunk)+1)
	})
}

// FuzzCurveOpen opens arbitrary frames with a server's Transform whose key
// is fixed, after a given last nonce. It must never panic, fail only with
// ErrMalformed and then leave the frame as it was, and open only what the
// client's Transform under that key sealed: the frame sealed again from
// what it opened to is the frame.
func FuzzCurveOpen(f *testing.F) {
	ct, _ := curveTestTransforms()
	sealed := func(flags byte, body string) []byte {
		wire := ct.Seal(nil, flags, []byte(body))
		_, _, n, _ := ParseFrameHeader(wire, -1)
		return wire[n:]
	}
	f.Add(byte(0), sealed(0, "hello"), uint64(2))
	f.Add(byte(0), sealed(FlagMore, ""), uint64(2))
	f.Add(byte(FlagCommand), sealed(FlagCommand, "\x04PING\x00\x0actx"), uint64(2))
	f.Add(byte(0), sealed(0, string(make([]byte, 300))), uint64(2))
	f.Add(byte(0), sealed(0, "replayed"), uint64(1<<63))
	f.Add(byte(FlagMore), sealed(0, "x"), uint64(0))
	f.Add(byte(0), []byte("\x07MESSAGE\x00\x00\x00\x00\x00\x00\x00\x09"), uint64(0))
	f.Add(byte(FlagCommand), AppendPing(nil, 1, nil)[2:], uint64(0))
	f.Fuzz(func(t *testing.T, flags byte, body []byte, last uint64) {
		_, st := curveTestTransforms()
		st.peerNonce = last
		before := bytes.Clone(body)
		innerFlags, inner, err := st.Open(flags, body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			if !bytes.Equal(body, before) || st.peerNonce != last {
				t.Fatal("a refused frame changed the frame or the nonce")
			}
			return
		}
		nonce := binary.BigEndian.Uint64(before[8:])
		if nonce <= last || st.peerNonce != nonce {
			t.Fatalf("opened nonce %d after %d; last is now %d", nonce, last, st.peerNonce)
		}
		if innerFlags&^(FlagMore|FlagCommand) != 0 || len(inner) != len(before)-curveMessageOverhead {
			t.Fatalf("flags %#x, %d bytes from %d", innerFlags, len(inner), len(before))
		}
		if len(inner) > 0 && &inner[0] != &body[len(body)-len(inner)] {
			t.Fatal("not opened in place")
		}
		sender, _ := curveTestTransforms()
		sender.sendNonce = nonce
		again := sender.Seal(nil, innerFlags, inner)
		if _, _, n, _ := ParseFrameHeader(again, -1); !bytes.Equal(again[n:], before) {
			t.Fatalf("sealed again: %x\nwant %x", again[n:], before)
		}
	})
}
