package loop

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/zring/zring/internal/errno"
)

// socksRun plays a proxy's messages to a client and collects what the
// client sends, feeding each message whole.
func socksRun(c *socksClient, proxy [][]byte) (sent []byte, err error) {
	sent = c.Output(nil)
	for _, m := range proxy {
		n, err := c.Input(m)
		if err != nil {
			return sent, err
		}
		if n != len(m) {
			return sent, errors.New("message not consumed whole")
		}
		sent = c.Output(sent)
	}
	return sent, nil
}

var reply4 = []byte{5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90}

func TestSOCKSClientExchanges(t *testing.T) {
	cases := []struct {
		name       string
		host       string
		port       uint16
		user, pass string
		proxy      [][]byte
		want       []byte // everything the client sends
	}{
		{name: "no auth, IPv4 literal goes as 0x01", host: "192.0.2.7", port: 5555,
			proxy: [][]byte{{5, 0}, reply4},
			want:  []byte{5, 1, 0, 5, 1, 0, 1, 192, 0, 2, 7, 0x15, 0xb3}},
		{name: "no auth, IPv6 literal goes as 0x04", host: "2001:db8::1", port: 1,
			proxy: [][]byte{{5, 0}, {5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}},
			want:  []byte{5, 1, 0, 5, 1, 0, 4, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}},
		{name: "domain names are not resolved but forwarded unchanged (0x03)", host: "peer.example", port: 80,
			proxy: [][]byte{{5, 0}, {5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 80}},
			want:  append(append([]byte{5, 1, 0, 5, 1, 0, 3, 12}, "peer.example"...), 0, 80)},
		{name: "username set: basic authentication only", host: "10.0.0.1", port: 256, user: "bob", pass: "pw",
			proxy: [][]byte{{5, 2}, {1, 0}, reply4},
			want:  []byte{5, 1, 2, 1, 3, 'b', 'o', 'b', 2, 'p', 'w', 5, 1, 0, 1, 10, 0, 0, 1, 1, 0}},
		{name: "empty password", host: "10.0.0.1", port: 256, user: "bob",
			proxy: [][]byte{{5, 2}, {1, 0}, reply4},
			want:  []byte{5, 1, 2, 1, 3, 'b', 'o', 'b', 0, 5, 1, 0, 1, 10, 0, 0, 1, 1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := newSOCKSClient(c.host, c.port, c.user, c.pass)
			sent, err := socksRun(cl, c.proxy)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sent, c.want) {
				t.Errorf("sent % x\nwant % x", sent, c.want)
			}
			if !cl.Done() {
				t.Error("not done")
			}
		})
	}
}

// TestSOCKSClientSplit feeds the proxy's messages as the connecter reads
// them, at every split: need must ask for exactly the message, never
// beyond it, and Input must wait for the whole of it.
func TestSOCKSClientSplit(t *testing.T) {
	replies := [][]byte{reply4,
		{5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1},
		append(append([]byte{5, 0, 0, 3, 255}, strings.Repeat("x", 255)...), 0, 1)}
	for _, r := range replies {
		for split := 0; split <= len(r); split++ {
			cl := newSOCKSClient("h", 1, "", "")
			if _, err := socksRun(cl, [][]byte{{5, 0}}); err != nil {
				t.Fatal(err)
			}
			var buf []byte
			for _, part := range [][]byte{r[:split], r[split:]} {
				for i := range part {
					if need := cl.need(buf); len(buf) >= need {
						t.Fatalf("split %d: need %d with %d buffered", split, need, len(buf))
					}
					buf = append(buf, part[i])
					n, err := cl.Input(buf)
					if err != nil {
						t.Fatalf("split %d: %v", split, err)
					}
					if n > 0 && (n != len(r) || len(buf) != len(r)) {
						t.Fatalf("split %d: consumed %d of %d at %d", split, n, len(r), len(buf))
					}
				}
			}
			if !cl.Done() || cl.need(nil) > socksMaxReply {
				t.Fatalf("split %d: not done", split)
			}
		}
	}
}

// TestSOCKSClientRejects: "a proxy sending garbage closes that connection
// with a clear error".
func TestSOCKSClientRejects(t *testing.T) {
	cases := []struct {
		name  string
		user  string
		proxy [][]byte
		want  error
	}{
		{"choice, wrong version", "", [][]byte{{4, 0}}, ErrSOCKSProtocol},
		{"choice, an HTTP proxy's answer", "", [][]byte{[]byte("HT")}, ErrSOCKSProtocol},
		{"no acceptable method", "", [][]byte{{5, 0xff}}, ErrSOCKSNoMethod},
		{"method not offered: user/pass without a username", "", [][]byte{{5, 2}}, ErrSOCKSProtocol},
		{"method not offered: none with a username", "bob", [][]byte{{5, 0}}, ErrSOCKSProtocol},
		{"method not offered: GSSAPI", "", [][]byte{{5, 1}}, ErrSOCKSProtocol},
		{"auth, wrong version", "bob", [][]byte{{5, 2}, {5, 0}}, ErrSOCKSProtocol},
		{"auth refused", "bob", [][]byte{{5, 2}, {1, 1}}, ErrSOCKSAuth},
		{"reply, wrong version", "", [][]byte{{5, 0}, {4, 0, 0, 1, 0, 0, 0, 0, 0, 0}}, ErrSOCKSProtocol},
		{"reply, unknown address type", "", [][]byte{{5, 0}, {5, 0, 0, 9, 0}}, ErrSOCKSProtocol},
		{"reply: connection refused", "", [][]byte{{5, 0}, {5, 5, 0, 1, 0, 0, 0, 0, 0, 0}}, errno.ECONNREFUSED},
		{"reply: host unreachable", "", [][]byte{{5, 0}, {5, 4, 0, 1, 0, 0, 0, 0, 0, 0}}, errno.EHOSTUNREACH},
		{"reply: general failure", "", [][]byte{{5, 0}, {5, 1, 0, 1, 0, 0, 0, 0, 0, 0}}, &SOCKSReplyError{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := newSOCKSClient("h", 1, c.user, "pw")
			_, err := socksRun(cl, c.proxy)
			var re *SOCKSReplyError
			if _, isReply := c.want.(*SOCKSReplyError); isReply && errors.As(err, &re) {
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if cl.Done() {
				t.Fatal("done after a failure")
			}
		})
	}
	if err := (&SOCKSReplyError{Code: 5}); !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error text %q", err)
	}
}

// FuzzSOCKSClient: whatever a proxy sends, the client neither panics nor
// asks to read more than socksMaxReply bytes, nor consumes more than it
// was given.
func FuzzSOCKSClient(f *testing.F) {
	f.Add([]byte{5, 0, 5, 0, 0, 1, 1, 2, 3, 4, 0, 80}, false)
	f.Add([]byte{5, 2, 1, 0, 5, 0, 0, 3, 3, 'a', 'b', 'c', 0, 80}, true)
	f.Add([]byte{5, 0, 5, 0, 0, 3, 255}, false)
	f.Add([]byte("HTTP/1.1 200 OK\r\n"), false)
	f.Fuzz(func(t *testing.T, stream []byte, auth bool) {
		user := ""
		if auth {
			user = "u"
		}
		cl := newSOCKSClient("host", 1, user, "p")
		var buf []byte
		for len(stream) > 0 && !cl.Done() {
			need := cl.need(buf)
			if need > socksMaxReply || need <= len(buf) {
				t.Fatalf("need %d with %d buffered", need, len(buf))
			}
			k := min(need-len(buf), len(stream))
			buf = append(buf, stream[:k]...)
			stream = stream[k:]
			n, err := cl.Input(buf)
			if err != nil {
				return
			}
			if n > len(buf) {
				t.Fatalf("consumed %d of %d", n, len(buf))
			}
			buf = buf[n:]
			cl.Output(nil)
		}
	})
}

func TestResolveSOCKS(t *testing.T) {
	cases := []struct {
		addr, proxy string
		ok          bool
		host        string
		port        uint16
		str         string
	}{
		{"peer.invalid:5555", "127.0.0.1:1080", true, "peer.invalid", 5555, "tcp://peer.invalid:5555"},
		{"[::1]:7", "127.0.0.1:1080", true, "::1", 7, "tcp://[::1]:7"},
		{"10.1.2.3:9", "[::1]:1080", true, "10.1.2.3", 9, "tcp://10.1.2.3:9"},
		{"peer:0", "127.0.0.1:1080", false, "", 0, ""},
		{"peer:*", "127.0.0.1:1080", false, "", 0, ""},
		{"*:5", "127.0.0.1:1080", false, "", 0, ""},
		{strings.Repeat("a", 256) + ":5", "127.0.0.1:1080", false, "", 0, ""},
		{"peer:5", "127.0.0.1", false, "", 0, ""},
		{"peer:5", "127.0.0.1:0", false, "", 0, ""},
		{"peer:5", "tcp://127.0.0.1:1080", false, "", 0, ""},
		{"peer:5", "no-such-host.invalid:1080", false, "", 0, ""},
	}
	for _, c := range cases {
		a, err := ResolveSOCKS(c.addr, c.proxy, false)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, errno.EINVAL) {
			t.Errorf("%s via %s: %v", c.addr, c.proxy, err)
			continue
		}
		if c.ok && (a.SOCKSHost != c.host || a.SOCKSPort != c.port || a.String() != c.str || a.TCP.Port() != 1080) {
			t.Errorf("%s via %s: %+v %s", c.addr, c.proxy, a, a)
		}
	}
}
