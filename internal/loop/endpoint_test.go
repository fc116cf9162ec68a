package loop

import (
	"errors"
	"strings"
	"testing"

	"github.com/zring/zring/internal/errno"
)

func TestResolveBind(t *testing.T) {
	cases := []struct {
		ep   string
		want string // "" means an error
		err  error
	}{
		{"tcp://*:5555", "tcp://0.0.0.0:5555", nil},
		{"tcp://*:*", "tcp://0.0.0.0:0", nil},
		{"tcp://127.0.0.1:0", "tcp://127.0.0.1:0", nil},
		{"tcp://[::1]:7", "tcp://[::1]:7", nil},
		{"tcp://lo:9", "tcp://127.0.0.1:9", nil},
		{"tcp://localhost:9", "tcp://127.0.0.1:9", nil},
		{"tcp://127.0.0.1", "", errno.EINVAL},
		{"tcp://127.0.0.1:x", "", errno.EINVAL},
		{"tcp://127.0.0.1:70000", "", errno.EINVAL},
		{"tcp://:5", "", errno.EINVAL},
		{"ipc:///tmp/x.sock", "ipc:///tmp/x.sock", nil},
		{"ipc://@abstract", "ipc://@abstract", nil},
		{"ipc://", "", errno.EINVAL},
		{"pgm://eth0;239.192.1.1:5555", "", errno.EPROTONOSUPPORT},
		{"udp://1.2.3.4:5", "", errno.EPROTONOSUPPORT},
	}
	for _, c := range cases {
		tr, addr, err := SplitEndpoint(c.ep)
		if err != nil {
			t.Fatalf("%s: %v", c.ep, err)
		}
		a, err := ResolveBind(tr, addr, false)
		if c.want == "" {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err %v, want %v", c.ep, err, c.err)
			}
			continue
		}
		if err != nil || a.String() != c.want {
			t.Errorf("%s: %v %v, want %s", c.ep, a, err, c.want)
		}
	}
	a, err := ResolveBind("ipc", "*", false)
	if err != nil || !strings.HasPrefix(a.Path, "/") {
		t.Errorf("ipc://*: %v %v", a, err)
	}
}

func TestResolveConnect(t *testing.T) {
	cases := []struct {
		tr, addr string
		ok       bool
	}{
		{"tcp", "127.0.0.1:5555", true},
		{"tcp", "localhost:5555", true},
		{"tcp", "127.0.0.1:0", false},
		{"tcp", "*:5555", false},
		{"tcp", "no-such-host.invalid:1", false},
		{"ipc", "/tmp/s", true},
		{"ipc", "*", false},
	}
	for _, c := range cases {
		_, err := ResolveConnect(c.tr, c.addr, false)
		if (err == nil) != c.ok {
			t.Errorf("%s://%s: %v", c.tr, c.addr, err)
		}
	}
	for _, ep := range []string{"tcp:/x", "", "://x", "tcp//x"} {
		if _, _, err := SplitEndpoint(ep); !errors.Is(err, errno.EINVAL) {
			t.Errorf("SplitEndpoint(%q) = %v", ep, err)
		}
	}
}
