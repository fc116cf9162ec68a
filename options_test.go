package zring_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/sockets"
)

func TestOptionDefaults(t *testing.T) {
	ctx := newCtx(t)
	s, _ := ctx.NewSocket(zring.PUSH)
	defer s.Close()
	// Defaults from zmq_setsockopt(3).
	cases := []struct {
		opt  zring.Option
		want any
	}{
		{zring.SndHWM, 1000},
		{zring.RcvHWM, 1000},
		{zring.Linger, -1},
		{zring.SndTimeo, -1},
		{zring.RcvTimeo, -1},
		{zring.ReconnectIvl, 100},
		{zring.ReconnectIvlMax, 0},
		{zring.MaxMsgSize, int64(-1)},
		{zring.InBatchSize, 8192},
		{zring.OutBatchSize, 8192},
		{zring.Affinity, uint64(0)},
		{zring.Immediate, 0},
		{zring.HandshakeIvl, 30000},
		{zring.SndBuf, -1},
		{zring.RcvBuf, -1},
		{zring.Backlog, 100},
		{zring.TCPKeepAlive, -1},
		{zring.TCPKeepAliveCnt, -1},
		{zring.TCPKeepAliveIdle, -1},
		{zring.TCPKeepAliveIntvl, -1},
		{zring.TOS, 0},
		{zring.Priority, 0},
		{zring.TCPMaxRT, 0},
		{zring.IPv6, 0},
		{zring.ConnectTimeout, 0},
		{zring.HeartbeatIvl, 0},
		{zring.HeartbeatTTL, 0},
		{zring.HeartbeatTimeout, 0},
		{zring.RcvMore, 0},
		{zring.Type, int(zring.PUSH)},
		{zring.Mechanism, zring.MechanismNull},
		{zring.LastEndpoint, ""},
	}
	for _, c := range cases {
		got, err := s.GetOption(c.opt)
		if err != nil || got != c.want {
			t.Errorf("option %d: got %v (%T), %v; want %v (%T)", c.opt, got, got, err, c.want, c.want)
		}
	}
	if id, _ := s.GetOption(zring.RoutingID); len(id.([]byte)) != 0 {
		t.Errorf("routing id default %v", id)
	}
}

func TestOptionValidation(t *testing.T) {
	ctx := newCtx(t)
	s, _ := ctx.NewSocket(zring.REQ)
	defer s.Close()
	cases := []struct {
		name  string
		opt   zring.Option
		value any
		ok    bool
	}{
		{"hwm 0 means no limit", zring.SndHWM, 0, true},
		{"negative hwm", zring.SndHWM, -1, false},
		{"rcvhwm", zring.RcvHWM, 10, true},
		{"linger -1 infinite", zring.Linger, -1, true},
		{"linger below -1", zring.Linger, -2, false},
		{"sndtimeo -2", zring.SndTimeo, -2, false},
		{"rcvtimeo 0", zring.RcvTimeo, 0, true},
		{"reconnect ivl -1 disables", zring.ReconnectIvl, -1, true},
		{"reconnect ivl -5", zring.ReconnectIvl, -5, false},
		{"reconnect ivl max negative", zring.ReconnectIvlMax, -1, false},
		{"maxmsgsize int64", zring.MaxMsgSize, int64(4096), true},
		{"maxmsgsize -2", zring.MaxMsgSize, int64(-2), false},
		{"batch size 0", zring.InBatchSize, 0, false},
		{"out batch size", zring.OutBatchSize, 65536, true},
		{"affinity uint64", zring.Affinity, uint64(3), true},
		{"affinity negative", zring.Affinity, -1, false},
		{"immediate 1", zring.Immediate, 1, true},
		{"immediate 2", zring.Immediate, 2, false},
		{"immediate bool", zring.Immediate, true, true},
		// "A routing id must be at least one byte and at most 255 bytes
		// long. Identities starting with a zero byte are reserved."
		{"routing id", zring.RoutingID, []byte("abc"), true},
		{"routing id string", zring.RoutingID, "abc", true},
		{"empty routing id", zring.RoutingID, []byte{}, false},
		{"routing id 256 bytes", zring.RoutingID, make([]byte, 256), false},
		{"routing id starting with zero", zring.RoutingID, []byte{0, 1}, false},
		{"read-only rcvmore", zring.RcvMore, 1, false},
		{"read-only type", zring.Type, 1, false},
		{"read-only last endpoint", zring.LastEndpoint, "x", false},
		{"wrong Go type", zring.SndHWM, "10", false},
		{"unknown option", zring.Option(9999), 1, false},
		// "-1,0,1" and "-1,>0"
		{"keepalive 2", zring.TCPKeepAlive, 2, false},
		{"keepalive cnt 0", zring.TCPKeepAliveCnt, 0, false},
		{"keepalive idle", zring.TCPKeepAliveIdle, 60, true},
		{"tos 256", zring.TOS, 256, false},
		{"heartbeat ttl past 16 bits of deciseconds", zring.HeartbeatTTL, 6553600, false},
		{"bind to device, 16 bytes", zring.BindToDevice, "0123456789abcdef", false},
		// ROUTER's options are not a REQ's (libzmq: EINVAL).
		{"router mandatory on REQ", zring.RouterMandatory, 1, false},
		{"router handover on REQ", zring.RouterHandover, 1, false},
	}
	for _, c := range cases {
		err := s.SetOption(c.opt, c.value)
		if c.ok && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.ok && !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("%s: got %v, want EINVAL", c.name, err)
		}
	}
	if v, _ := s.GetOptionInt(zring.SndHWM); v != 0 {
		t.Errorf("SndHWM after set = %d", v)
	}
	if v, _ := s.GetOption(zring.RoutingID); string(v.([]byte)) != "abc" {
		t.Errorf("routing id %q", v)
	}
}

func TestRouterOptions(t *testing.T) {
	ctx := newCtx(t)
	s, _ := ctx.NewSocket(zring.ROUTER)
	defer s.Close()
	for _, opt := range []zring.Option{zring.RouterMandatory, zring.RouterHandover} {
		if v, err := s.GetOptionInt(opt); err != nil || v != 0 {
			t.Errorf("option %d default: %d, %v", opt, v, err)
		}
		for _, c := range []struct {
			value any
			ok    bool
		}{{1, true}, {true, true}, {0, true}, {2, false}, {-1, false}} {
			err := s.SetOption(opt, c.value)
			if c.ok != (err == nil) || !c.ok && !errors.Is(err, zring.ErrInvalid) {
				t.Errorf("option %d = %v: %v", opt, c.value, err)
			}
		}
	}
	if _, err := s.GetOption(zring.RouterMandatory); err != nil {
		t.Fatal(err)
	}
}

func TestSpinOption(t *testing.T) {
	if _, err := zring.NewContext(zring.Spin(-1)); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("Spin(-1): %v", err)
	}
	t.Setenv("ZRING_SPIN", "soon")
	if _, err := zring.NewContext(); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("ZRING_SPIN=soon: %v", err)
	}
	t.Setenv("ZRING_SPIN", "")
	// A spinning context still does everything a sleeping one does,
	// including time-outs and termination.
	ctx, err := zring.NewContext(zring.Spin(30 * time.Microsecond))
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := ctx.NewSocket(zring.REP)
	req, _ := ctx.NewSocket(zring.REQ)
	for _, s := range []*zring.Socket{rep, req} {
		s.SetOption(zring.Linger, 0)
		s.SetOption(zring.RcvTimeo, 5000)
	}
	rep.Bind("tcp://127.0.0.1:0")
	ep, _ := rep.GetOption(zring.LastEndpoint)
	req.Connect(ep.(string))
	for i := 0; i < 200; i++ {
		req.Send([]byte("q"), 0)
		mustRecv(t, rep, "q")
		rep.Send([]byte("a"), 0)
		mustRecv(t, req, "a")
	}
	rep.SetOption(zring.RcvTimeo, 20)
	if _, err := rep.Recv(0); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("RCVTIMEO while spinning: %v", err)
	}
	rep.Close()
	req.Close()
	ctx.Term()
}

// TestIPv6: ZMQ_IPV6 "*" binds the IPv6 wildcard, which IPv6 and IPv4
// clients both reach (dual-stack); without it, "*" is IPv4's.
func TestIPv6(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.IPv6, 1)
	if err := pull.Bind("tcp://*:0"); err != nil {
		t.Skipf("no IPv6 here: %v", err)
	}
	ep, _ := pull.GetOption(zring.LastEndpoint)
	port := ep.(string)[strings.LastIndexByte(ep.(string), ':')+1:]
	for i, addr := range []string{"tcp://[::1]:" + port, "tcp://127.0.0.1:" + port} {
		push := sock(t, ctx, zring.PUSH)
		push.SetOption(zring.IPv6, 1)
		if err := push.Connect(addr); err != nil {
			t.Fatal(err)
		}
		msg := fmt.Sprint("via ", i)
		push.Send([]byte(msg), 0)
		mustRecv(t, pull, msg)
	}
}

// TestErrorsSayWhy: a refused Connect, Bind or SetOption says why, after
// the errno's own text, while errors.Is still matches the errno.
func TestErrorsSayWhy(t *testing.T) {
	ctx := newCtx(t)
	push := sock(t, ctx, zring.PUSH)
	cases := []struct {
		err  error
		want string
	}{
		{push.Connect("tcp://nohost"), "connect tcp://nohost: invalid argument: missing port"},
		{push.Connect("tcp://127.0.0.1:99999"), `connect tcp://127.0.0.1:99999: invalid argument: bad port "99999"`},
		{push.Connect("tcp://*:5555"), "connect tcp://*:5555: invalid argument: a connect needs a host and a port, not a wildcard"},
		{push.Connect("tcp://:5555"), "connect tcp://:5555: invalid argument: missing host"},
		{push.Connect("nowhere"), `connect nowhere: invalid argument: want "transport://address"`},
		{push.Bind("ipc://"), "bind ipc://: invalid argument: missing path"},
		{push.Bind("inproc://"), "bind inproc://: invalid argument: missing name"},
		{push.SetOption(zring.SndHWM, "1000"), "setsockopt ZMQ_SNDHWM: invalid argument: want int, got string"},
		{push.SetOption(zring.SndHWM, -1), "setsockopt ZMQ_SNDHWM: invalid argument: want 0 or more, got -1"},
		{push.SetOption(zring.Immediate, 2), "setsockopt ZMQ_IMMEDIATE: invalid argument: want 0 to 1, got 2"},
		{push.SetOption(zring.Subscribe, "a"), "setsockopt ZMQ_SUBSCRIBE: invalid argument: not for PUSH sockets"},
		{push.SetOption(zring.RoutingID, "\x00id"), "setsockopt ZMQ_ROUTING_ID: invalid argument: a routing id may not start with a zero byte"},
		{push.SetOption(zring.RoutingID, 7), "setsockopt ZMQ_ROUTING_ID: invalid argument: want []byte or string, got int"},
		{push.SetOption(zring.RouterMandatory, 1), "setsockopt ZMQ_ROUTER_MANDATORY: invalid argument: for ROUTER sockets only, not PUSH"},
		{push.SetOption(zring.Type, 1), "setsockopt ZMQ_TYPE: invalid argument: read-only"},
		{push.SetOption(zring.Option(9999), 1), "setsockopt option 9999: invalid argument: no such option"},
		// libzmq 4.3.4 refuses an empty ZAP domain too.
		{push.SetOption(zring.ZAPDomain, ""), "setsockopt ZMQ_ZAP_DOMAIN: invalid argument: want 1 to 255 bytes, got 0"},
		{push.SetOption(zring.CurveServerKey, "012345678901234567890123456789012345678~"), "setsockopt ZMQ_CURVE_SERVERKEY: invalid argument: not a CURVE key in Z85"},
	}
	for _, c := range cases {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("got %v\nwant %s", c.err, c.want)
		}
		if !errors.Is(c.err, zring.ErrInvalid) {
			t.Errorf("%v: not ErrInvalid", c.err)
		}
	}
}

// TestEveryOptionDocumented: every option the engine's table knows is a
// constant of the root package with a comment there (its own, or that of
// the group of lines it belongs to), the one place options are
// documented.
func TestEveryOptionDocumented(t *testing.T) {
	fset := token.NewFileSet()
	// The engine's names for the option numbers.
	inner, err := parser.ParseFile(fset, "internal/sockets/options.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	nameOf := map[int64]string{}
	for _, d := range inner.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Option" || len(vs.Values) != 1 {
					continue
				}
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
					n, _ := strconv.ParseInt(lit.Value, 10, 64)
					nameOf[n] = vs.Names[0].Name
				}
			}
		}
	}
	// The root's constants: which engine name each stands for, and
	// whether a comment covers it.
	root, err := parser.ParseFile(fset, "options.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, d := range root.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		covered := false // a comment above covers the lines that follow it
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if vs.Doc != nil {
				covered = true
			}
			for _, v := range vs.Values {
				if sel, ok := v.(*ast.SelectorExpr); ok {
					documented[sel.Sel.Name] = covered || vs.Comment != nil
				}
			}
			if vs.Doc == nil && vs.Comment != nil {
				covered = false
			}
		}
	}
	for _, opt := range sockets.AllOptions() {
		inner := nameOf[int64(opt)]
		doc, ok := documented[inner]
		switch {
		case inner == "":
			t.Errorf("option %d (%s) has no constant in internal/sockets", opt, sockets.OptionName(opt))
		case !ok:
			t.Errorf("%s (%s) is in the engine's table but not exported in options.go", inner, sockets.OptionName(opt))
		case !doc:
			t.Errorf("%s (%s) is exported without a comment in options.go", inner, sockets.OptionName(opt))
		}
	}
}
