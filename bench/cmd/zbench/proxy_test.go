package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The proxy cases of a NULL run.
var (
	proxyThr64 = benchCase{kind: throughput, size: 64, count: 500_000, proxy: true}
	proxyLat64 = benchCase{kind: latency, size: 64, count: 3_000, proxy: true}
)

// TestProxyCases: a NULL run has a throughput and a latency case with a
// proxy in the path, -cases proxy picks them and -cases thr,lat leaves
// them out, and no goal takes their figures for the direct cases'.
func TestProxyCases(t *testing.T) {
	cases := benchCases(false, 1, false, []mechanism{mechNull})
	var proxied []string
	for _, c := range cases {
		if c.group() == "proxy" {
			proxied = append(proxied, c.id()+" "+c.label()+" "+c.device())
		}
	}
	want := []string{
		"tcp-thr-64-proxy tcp 64 B via PULL/PUSH proxy streamer",
		"tcp-lat-64-proxy tcp 64 B via ROUTER/DEALER proxy queue",
	}
	if !slices.Equal(proxied, want) {
		t.Errorf("proxy cases %q, want %q", proxied, want)
	}
	for _, c := range cases {
		if !c.proxy && (c.group() != c.kindName() || c.device() != "") {
			t.Errorf("%s: group %q, device %q", c.label(), c.group(), c.device())
		}
	}
	if secure := benchCases(false, 1, false, []mechanism{mechPlain, mechCurve}); slices.ContainsFunc(secure, func(c benchCase) bool { return c.proxy }) {
		t.Errorf("-mechanisms plain,curve has a proxy case")
	}
	// The direct case is found even when the proxy case comes first.
	c, ok := findCase([]benchCase{proxyLat64, lat64}, lat64Ref)
	if !ok || c.proxy {
		t.Errorf("findCase(latency 64 B) = %+v, %v; want the direct case", c, ok)
	}
}

// TestProxyRoles: the binding end starts first on endpoint 1, the proxy
// binds endpoint 0 and connects to 1, the connecting end dials 0; the
// proxy takes no size or count.
func TestProxyRoles(t *testing.T) {
	eps := []string{"tcp://127.0.0.1:1000", "tcp://127.0.0.1:1001"}
	for _, tt := range []struct {
		c        benchCase
		argv     []string
		reporter tool
	}{
		{proxyLat64, []string{
			"local_lat tcp://127.0.0.1:1001 64 3000",
			"proxy queue tcp://127.0.0.1:1000 tcp://127.0.0.1:1001",
			"remote_lat tcp://127.0.0.1:1000 64 3000",
		}, remoteLat},
		{proxyThr64, []string{
			"local_thr tcp://127.0.0.1:1001 64 500000",
			"proxy streamer tcp://127.0.0.1:1000 tcp://127.0.0.1:1001",
			"remote_thr tcp://127.0.0.1:1000 64 500000",
		}, localThr},
		{lat64, []string{"local_lat tcp://127.0.0.1:1000 64 20000", "remote_lat tcp://127.0.0.1:1000 64 20000"}, remoteLat},
		{fan64, []string{"fanout_pub tcp://127.0.0.1:1000 1000 64 5000", "fanout_sub tcp://127.0.0.1:1000 1000 64 5000"}, fanoutSub},
		{inproc64, []string{"inproc_thr 64 6000000"}, inprocThr},
	} {
		rs, reporter := tt.c.roles()
		var argv []string
		for _, r := range rs {
			argv = append(argv, strings.Join(append([]string{string(r.tool)}, r.args(tt.c, eps)...), " "))
		}
		if !slices.Equal(argv, tt.argv) || rs[reporter].tool != tt.reporter {
			t.Errorf("%s: %q reporting %s, want %q reporting %s", tt.c.label(), argv, rs[reporter].tool, tt.argv, tt.reporter)
		}
		if want := len(rs) - 1; tt.c.inproc && tt.c.endpoints() != 0 || !tt.c.inproc && tt.c.endpoints() != want {
			t.Errorf("%s: %d endpoints", tt.c.label(), tt.c.endpoints())
		}
	}
}

// TestImplRunsProxy: every implementation has a proxy (the floor's is the
// relay); one without the tool, as zring from an older -zring-bin, does
// not run the proxy cases.
func TestImplRunsProxy(t *testing.T) {
	for _, im := range testImpls() {
		if !im.runs(proxyLat64) || !im.runs(proxyThr64) {
			t.Errorf("%s does not run the proxy cases", im.name)
		}
	}
	if argv := testImpls()[2].command(proxyTool); len(argv) != 2 || argv[1] != relayArg {
		t.Errorf("the floor's proxy is %q, want zbench %s", argv, relayArg)
	}
	old := &impl{name: "zring", command: func(t tool) []string {
		if t == proxyTool {
			return nil
		}
		return []string{string(t)}
	}}
	if old.runs(proxyLat64) || !old.runs(lat64) {
		t.Errorf("without a proxy tool: runs the proxy case %v, the direct one %v", old.runs(proxyLat64), old.runs(lat64))
	}
}

func TestCrossName(t *testing.T) {
	im := testImpls()
	libzmq, zring := im[0], im[1]
	for _, tt := range []struct {
		c    benchCase
		by   []*impl
		want string
	}{
		{benchCase{kind: latency, size: 64, count: 1_000, proxy: true}, []*impl{libzmq, zring, libzmq},
			"libzmq remote_lat ↔ zring proxy (ROUTER/DEALER) ↔ libzmq local_lat, 64 B × 1,000 round trips"},
		{benchCase{kind: throughput, size: 64, count: 100_000}, []*impl{libzmq, zring},
			"zring remote_thr → libzmq local_thr, 64 B × 100,000"},
		{benchCase{kind: latency, mech: mechCurve, size: 64, count: 1_000}, []*impl{zring, libzmq},
			"CURVE: libzmq remote_lat ↔ zring local_lat, 64 B × 1,000 round trips"},
		{benchCase{kind: fanout, size: 64, count: 200, subs: 1000}, []*impl{zring, libzmq},
			"zring fanout_pub → 1,000 × libzmq fanout_sub, 64 B × 200"},
	} {
		if got := crossName(tt.c, tt.by); got != tt.want {
			t.Errorf("crossName = %q, want %q", got, tt.want)
		}
	}
}

// TestRenderProxy: the proxy cases get a section of their own, with the
// floor's relay in the floor's columns, and stay out of the direct tables.
func TestRenderProxy(t *testing.T) {
	results := goalResults()
	for _, rt := range results {
		addRuns(rt, proxyThr64, "libzmq", keyMsgs, time.Second, 0.5e6, 0.5e6, 0.5e6)
		addRuns(rt, proxyThr64, "zring", keyMsgs, time.Second/2, 1.5e6, 1.5e6, 1.5e6)
		addRuns(rt, proxyThr64, "floor", keyMsgs, time.Second/2, 3e6, 3e6, 3e6)
		addRuns(rt, proxyLat64, "libzmq", keyP50, 0, 120, 120, 120)
		addRuns(rt, proxyLat64, "zring", keyP50, 0, 30, 30, 30)
		addRuns(rt, proxyLat64, "floor", keyP50, 0, 20, 20, 20)
	}
	in := reportInput{
		impls: testImpls(), cases: []benchCase{thr64, lat64, proxyThr64, proxyLat64}, conditions: []condition{idle, loaded},
		results: results, reps: 3, env: environment{libzmqVersion: "4.3.4"},
	}
	out := renderReport(in)
	at := strings.Index(out, "### Proxy in the path")
	if at < 0 {
		t.Fatalf("no proxy section:\n%s", out)
	}
	sec := out[at:strings.Index(out, "### Interoperability")]
	for _, want := range []string{
		"#### Throughput through a PULL/PUSH proxy (as local_thr reports)\n\n" +
			"| case | condition | libzmq | zring | zring/libzmq (higher is better) | floor (Go TCP) | zring/floor |\n",
		"| tcp 64 B via PULL/PUSH proxy | idle | 500,000 msg/s · 256.0 Mb/s | 1,500,000 msg/s · 768.0 Mb/s | 3.00× (3.00–3.00) | 3,000,000 msg/s · 1,536.0 Mb/s | 0.50× (0.50–0.50) |\n",
		"| tcp 64 B via ROUTER/DEALER proxy p50 | loaded | 120.0 | 30.0 | 0.25× (0.25–0.25) | 20.0 | 1.50× (1.50–1.50) |\n",
		// CPU: 1 s / 0.5 M and 0.5 s / 0.5 M.
		"| tcp 64 B via PULL/PUSH proxy | idle | 2.000 | 1.000 | 0.50× (0.50–0.50) | 1.000 | 1.00× (1.00–1.00) |\n",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("proxy section lacks %q", want)
		}
	}
	if direct := out[:at]; strings.Contains(direct, "via ") {
		t.Errorf("a direct table shows a proxy case")
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
	in.cases = []benchCase{thr64, lat64}
	if strings.Contains(renderReport(in), "Proxy in the path") {
		t.Errorf("a run without proxy cases has a proxy section")
	}
}

// TestRunToolsThroughRelay runs a latency case through the floor's relay
// with fake ends: the ends wait for each other through it, the relay is
// stopped once they are done and exits with status 0, and the reporter's
// lines are read.
func TestRunToolsThroughRelay(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	c := benchCase{kind: latency, size: 64, count: 200, proxy: true}
	cmds := [][]string{{exe, fakeEchoServer}, relayCommand(), {exe, fakeLatClient}}
	_, reporter := c.roles()
	o := runTools(context.Background(), c, cmds, reporter, 20*time.Second, testing.Verbose())
	if o.status != statusOK {
		t.Fatalf("%s: %s", o.status, o.detail)
	}
	if o.metrics[keyTrips] != 200 || o.metrics[keyP50] <= 0 {
		t.Errorf("metrics %v", o.metrics)
	}
	if o.wall > helperStopTimeout {
		t.Errorf("took %s: the relay was not stopped, it ran out the timeout", o.wall)
	}
}

// TestRunToolsStuckProxy: a proxy that ignores SIGTERM is killed after
// helperStopTimeout and its run fails, saying so.
func TestRunToolsStuckProxy(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	defer func(d time.Duration) { helperStopTimeout = d }(helperStopTimeout)
	helperStopTimeout = 200 * time.Millisecond
	c := benchCase{kind: latency, size: 64, count: 10, proxy: true}
	cmds := [][]string{{exe, fakeExit}, {exe, fakeStuckProxy}, {exe, fakeLatReport}}
	_, reporter := c.roles()
	o := runTools(context.Background(), c, cmds, reporter, 20*time.Second, testing.Verbose())
	if o.status != statusFailed || !strings.Contains(o.detail, "still running") {
		t.Errorf("%s: %s; want failed, still running after SIGTERM", o.status, o.detail)
	}
}

// The fake tools, run by TestMain as the test binary's first argument.
const (
	fakeEchoServer = "-fake-echo-server" // <bind-to> size count: echo bytes until EOF
	fakeLatClient  = "-fake-lat-client"  // <connect-to> size count: round trips, remote_lat's lines
	fakeLatReport  = "-fake-lat-report"  // <connect-to> size count: remote_lat's lines, no traffic
	fakeExit       = "-fake-exit"        // anything: exit 0
	fakeStuckProxy = "-fake-stuck-proxy" // device <bind-to> <connect-to>: listen, ignore SIGTERM
)

// runFakeTool runs the fake tool named, if it is one, and reports whether
// it was.
func runFakeTool(name string, args []string) bool {
	addr := func(i int) string { return strings.TrimPrefix(args[i], "tcp://") }
	die := func(err error) {
		fmt.Println("error in fake tool:", err)
		os.Exit(1)
	}
	switch name {
	case fakeEchoServer:
		ln, err := net.Listen("tcp", addr(0))
		if err != nil {
			die(err)
		}
		c, err := ln.Accept()
		if err != nil {
			die(err)
		}
		io.Copy(c, c)
	case fakeLatClient, fakeLatReport:
		size, _ := strconv.Atoi(args[1])
		count, _ := strconv.Atoi(args[2])
		if name == fakeLatClient {
			c, err := net.Dial("tcp", addr(0))
			if err != nil {
				die(err)
			}
			buf := make([]byte, size)
			for range count {
				if _, err := c.Write(buf); err != nil {
					die(err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					die(err)
				}
			}
			c.Close()
		}
		fmt.Printf("message size: %d [B]\nroundtrip count: %d\naverage latency: 20.000 [us]\n", size, count)
		fmt.Printf("p50 latency: 19.000 [us]\np99 latency: 30.000 [us]\np99.9 latency: 40.000 [us]\n")
	case fakeExit:
	case fakeStuckProxy:
		signal.Ignore(syscall.SIGTERM, os.Interrupt)
		if _, err := net.Listen("tcp", addr(1)); err != nil {
			die(err)
		}
		time.Sleep(time.Minute)
	default:
		return false
	}
	return true
}
