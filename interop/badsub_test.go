package interop

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// rawZMTP is a hand-driven ZMTP 3.minor peer with the NULL mechanism, for
// sending what no library would.
type rawZMTP struct {
	t *testing.T
	c net.Conn
}

func rawFrame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		return append(binary.BigEndian.AppendUint64([]byte{flags | 0x02}, uint64(len(body))), body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

func rawCommand(name string, data []byte) []byte {
	return rawFrame(0x04, append(append([]byte{byte(len(name))}, name...), data...))
}

func dialRawZMTP(t *testing.T, endpoint string, minor byte, socketType string) *rawZMTP {
	t.Helper()
	return dialRawZMTPProps(t, endpoint, minor, socketType)
}

// dialRawZMTPProps is dialRawZMTP with more READY properties, name, value
// pairs.
func dialRawZMTPProps(t *testing.T, endpoint string, minor byte, socketType string, kv ...string) *rawZMTP {
	t.Helper()
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(endpoint, "tcp://"), ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(ioTimeout))
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xFF, 0x7F, 3, minor
	copy(g[12:], "NULL")
	props := append([]byte{11}, "Socket-Type"...)
	props = binary.BigEndian.AppendUint32(props, uint32(len(socketType)))
	props = append(props, socketType...)
	for i := 0; i+1 < len(kv); i += 2 {
		props = append(append(props, byte(len(kv[i]))), kv[i]...)
		props = binary.BigEndian.AppendUint32(props, uint32(len(kv[i+1])))
		props = append(props, kv[i+1]...)
	}
	if _, err := c.Write(append(g, rawCommand("READY", props)...)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, g); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	p := &rawZMTP{t: t, c: c}
	if flags, body, err := p.read(); err != nil || flags&0x04 == 0 || !strings.HasPrefix(string(body), "\x05READY") {
		t.Fatalf("READY: %#x %q %v", flags, body, err)
	}
	return p
}

func (p *rawZMTP) write(b ...[]byte) {
	p.t.Helper()
	p.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := p.c.Write(slices.Concat(b...)); err != nil {
		p.t.Fatal(err)
	}
}

func (p *rawZMTP) read() (flags byte, body []byte, err error) {
	hdr := make([]byte, 9)
	if _, err = io.ReadFull(p.c, hdr[:2]); err != nil {
		return
	}
	flags, size := hdr[0], uint64(hdr[1])
	if flags&0x02 != 0 {
		if _, err = io.ReadFull(p.c, hdr[2:]); err != nil {
			return
		}
		size = binary.BigEndian.Uint64(hdr[1:])
	}
	if size > 1<<20 {
		return flags, nil, fmt.Errorf("frame of %d bytes", size)
	}
	body = make([]byte, size)
	_, err = io.ReadFull(p.c, body)
	return flags &^ 0x02, body, err
}

// TestOddSubscriptionsInterop: what an XPUB makes of subscriptions with
// no body, cancels of what was never subscribed, and unknown or malformed
// commands after the handshake, from ZMTP 3.0 and 3.1 peers: zring's XPUB
// must hand its application the same messages as libzmq's, apply the same
// subscriptions, and keep (or close) the connection alike.
func TestOddSubscriptionsInterop(t *testing.T) {
	cases := []struct {
		name  string
		minor byte
		wire  [][]byte
		other [][]byte // sent first, by another subscriber
	}{
		{"3.0 empty message, cancel of nothing, empty subscription", 0, [][]byte{
			rawFrame(0, nil), rawFrame(0, []byte("\x00never")), rawFrame(0, []byte("\x01")),
		}, nil},
		{"3.1 SUBSCRIBE and CANCEL with no data", 1, [][]byte{
			rawCommand("SUBSCRIBE", nil), rawCommand("CANCEL", nil), rawCommand("CANCEL", []byte("never")),
			rawCommand("SUBSCRIBE", nil),
		}, nil},
		{"3.1 unknown commands", 1, [][]byte{
			rawCommand("FOO", []byte("bar")), rawCommand("X", nil), rawCommand("SUBSCRIBE", nil),
			rawFrame(0, []byte("after")),
		}, nil},
		{"3.1 cancel of what another holds", 1, [][]byte{
			rawCommand("CANCEL", []byte("held")), rawCommand("SUBSCRIBE", []byte("held")),
			rawCommand("CANCEL", []byte("held")), rawCommand("CANCEL", []byte("held")),
		}, [][]byte{rawCommand("SUBSCRIBE", []byte("held"))}},
	}
	for _, c := range cases {
		for _, verboser := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/verboser=%d", c.name, verboser), func(t *testing.T) {
				t.Parallel()
				type outcome struct {
					recv  []string
					got   []string
					state string
				}
				var out [2]outcome
				for i, im := range []impl{libzmqImpl, zringImpl} {
					cs := newContexts(t)
					xpub := cs.socket(t, side{im, zring.XPUB})
					setBoth(t, xpub, func(s *zring.Socket) error { return s.SetOption(zring.XPubVerboser, verboser) },
						func(s *zmq.Socket) error { return s.SetXpubVerboser(verboser) })
					ep, err := xpub.bind(wildcard(t, "tcp", im))
					if err != nil {
						t.Fatal(err)
					}
					if c.other != nil {
						o := dialRawZMTP(t, ep, 1, "XSUB")
						o.write(append(c.other, rawCommand("SUBSCRIBE", []byte("yy")))...)
						out[i].recv = recvUntil(t, xpub, "\x01yy")
					}
					p := dialRawZMTP(t, ep, c.minor, "XSUB")
					p.write(c.wire...)
					end := rawFrame(0, []byte("\x01zz"))
					if c.minor == 1 {
						end = rawCommand("SUBSCRIBE", []byte("zz"))
					}
					p.write(end)
					out[i].recv = append(out[i].recv, recvUntil(t, xpub, "\x01zz")...)
					mustSend(t, xpub, frames("zz-1"))
					mustSend(t, xpub, frames("other"))
					mustSend(t, xpub, frames("zz-2"))
					for {
						p.c.SetReadDeadline(time.Now().Add(ioTimeout))
						_, body, err := p.read()
						if err != nil {
							out[i].state = "closed: " + err.Error()
							break
						}
						out[i].got = append(out[i].got, string(body))
						if string(body) == "zz-2" {
							out[i].state = "open"
							break
						}
					}
				}
				if fmt.Sprint(out[0]) != fmt.Sprint(out[1]) {
					t.Errorf("libzmq: %q\nzring:  %q", out[0], out[1])
				}
				t.Logf("%q", out[1])
			})
		}
	}
}
