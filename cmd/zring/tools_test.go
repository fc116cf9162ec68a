package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A stream of messages goes through a PULL-PUSH proxy (one endpoint
// connected, ">"), and its capture socket shows them to a subscriber.
func TestProxyCapture(t *testing.T) {
	t.Parallel()
	pull := start(t, "pull", "-b", "-n", "1", "tcp://127.0.0.1:0")
	pull.closeInput()
	proxy := start(t, "proxy", "-front", "pull", "-back", "push", "-capture", "tcp://127.0.0.1:0", "tcp://127.0.0.1:0", ">"+pull.bound(""))
	proxy.closeInput()
	capture := start(t, "sub", "-n", "1", proxy.bound("capture"))
	capture.closeInput()
	push := start(t, "push", proxy.bound("frontend"))
	stop := make(chan struct{})
	push.feed("streamed\n", 20*time.Millisecond, stop)
	pull.expectExit(0)
	equalLines(t, "pull", pull.stdout.String(), "streamed")
	capture.expectExit(0)
	equalLines(t, "capture sub", capture.stdout.String(), "streamed")
	close(stop)
	push.closeInput()
	push.expectExit(0) // its last messages wait in the proxy's queues
	proxy.interrupt()
	proxy.expectExit(0)
}

// A request goes through a ROUTER-DEALER proxy to an echoing REP and back.
func TestProxy(t *testing.T) {
	t.Parallel()
	proxy := start(t, "proxy", "-front", "router", "-back", "dealer", "tcp://127.0.0.1:0", "@tcp://127.0.0.1:0")
	proxy.closeInput()
	front, back := proxy.bound("frontend"), proxy.bound("backend")
	rep := start(t, "rep", "-echo", "-n", "1", back)
	code, stdout, stderr := run(t, "through the proxy\n", "req", "-timeout", waitFor.String(), front)
	if code != 0 {
		t.Fatalf("req exited %d: %s", code, stderr)
	}
	equalLines(t, "req", stdout, "through the proxy")
	rep.expectExit(0)
	proxy.interrupt()
	proxy.expectExit(0)
}

// monitor prints the events of its connection as they come, one a line.
func TestMonitor(t *testing.T) {
	t.Parallel()
	router := start(t, "router", "-b", "tcp://127.0.0.1:0")
	ep := router.bound("")
	mon := start(t, "monitor", ep)
	mon.waitStdout(" HANDSHAKE_SUCCEEDED 0 " + ep + "\n")
	line := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\S* CONNECTED \d+ ` + regexp.QuoteMeta(ep) + `$`)
	if !line.MatchString(mon.stdout.String()) {
		t.Errorf("monitor printed no CONNECTED line:\n%s", mon.stdout.String())
	}
	// The peer going away is an event too; then an interrupt ends it.
	router.interrupt()
	router.expectExit(0)
	mon.waitStdout(" DISCONNECTED ")
	mon.interrupt()
	mon.expectExit(0)

	// -n stops after that many events; a refused connection is retried.
	code, stdout, _ := run(t, "", "monitor", "-n", "3", "tcp://127.0.0.1:9")
	if code != 0 || !strings.Contains(stdout, "CONNECT_RETRIED") {
		t.Errorf("monitor of a closed port: exit %d, %q", code, stdout)
	}
}

// -v prints a socket's monitor events on stderr.
func TestVerbose(t *testing.T) {
	t.Parallel()
	pull := start(t, "pull", "-b", "-v", "-n", "1", "tcp://127.0.0.1:0")
	code, _, stderr := run(t, "x\n", "push", "-v", pull.bound(""))
	if code != 0 || !strings.Contains(stderr, " HANDSHAKE_SUCCEEDED ") {
		t.Fatalf("push -v: exit %d, stderr %q", code, stderr)
	}
	pull.expectExit(0)
	if !strings.Contains(pull.stderr.String(), " LISTENING ") || !strings.Contains(pull.stderr.String(), " ACCEPTED ") {
		t.Fatalf("pull -v: stderr %q", pull.stderr.String())
	}
}

var (
	throughputRE = regexp.MustCompile(`mean throughput: (\d+) \[msg/s\]\nmean throughput: (\d+\.\d+) \[Mb/s\]`)
	latencyRE    = regexp.MustCompile(`p50 latency: (\d+\.\d+) \[us\]\np90 latency: \S+ \[us\]\np99 latency: \S+ \[us\]\np99\.9 latency: \S+ \[us\]\nmax latency: \S+ \[us\]`)
)

func TestPerf(t *testing.T) {
	t.Parallel()
	positive := func(what, s string) {
		if v, err := strconv.ParseFloat(s, 64); err != nil || v <= 0 {
			t.Errorf("%s: %q is not a positive figure", what, s)
		}
	}
	code, stdout, stderr := run(t, "", "perf", "thr", "-size", "100", "-count", "5000")
	m := throughputRE.FindStringSubmatch(stdout)
	if code != 0 || m == nil || !strings.Contains(stdout, "message count: 5000\n") {
		t.Fatalf("perf thr: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	positive("msg/s", m[1])
	positive("Mb/s", m[2])

	code, stdout, stderr = run(t, "", "perf", "lat", "-count", "300", "inproc://lat")
	m = latencyRE.FindStringSubmatch(stdout)
	if code != 0 || m == nil || !strings.Contains(stdout, "roundtrip count: 300\n") {
		t.Fatalf("perf lat: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	positive("p50", m[1])

	// Two processes: the bound end reports throughput, the other sends.
	local := start(t, "perf", "thr", "-count", "3000", "-bind", "tcp://127.0.0.1:0")
	local.closeInput()
	code, _, stderr = run(t, "", "perf", "thr", "-count", "3000", "-connect", local.bound(""))
	if code != 0 {
		t.Fatalf("perf thr -connect: exit %d, %s", code, stderr)
	}
	local.expectExit(0)
	if !throughputRE.MatchString(local.stdout.String()) {
		t.Fatalf("perf thr -bind printed %q", local.stdout.String())
	}
}

// Messages cross CURVE with keys from zring keygen, the server's secret
// from the environment; a client with the wrong server key gets nowhere.
func TestCurve(t *testing.T) {
	t.Parallel()
	pub, sec := keygen(t)
	pull := startEnv(t, []string{envCurveSecret + "=" + sec}, "pull", "-b", "-n", "1", "-curve-server", "tcp://127.0.0.1:0")
	pull.closeInput()
	ep := pull.bound("")
	code, _, stderr := run(t, "sealed\n", "push", "-curve-serverkey", pub, ep)
	if code != 0 {
		t.Fatalf("push -curve-serverkey: exit %d: %s", code, stderr)
	}
	pull.expectExit(0)
	equalLines(t, "pull -curve-server", pull.stdout.String(), "sealed")

	// -curve-allow admits only the keys listed.
	clientPub, clientSec := keygen(t)
	pull = start(t, "pull", "-b", "-n", "1", "-curve-server", "-curve-secretkey", sec, "-curve-allow", clientPub, "tcp://127.0.0.1:0")
	pull.closeInput()
	ep = pull.bound("")
	code, _, stderr = run(t, "refused\n", "push", "-v", "-timeout", "300ms", "-curve-serverkey", pub, ep)
	if code != exitFailure || !strings.Contains(stderr, "HANDSHAKE_FAILED_AUTH") {
		t.Fatalf("push with a key not allowed: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "admitted\n", "push", "-curve-serverkey", pub, "-curve-secretkey", clientSec, ep)
	if code != 0 {
		t.Fatalf("push with an allowed key: exit %d: %s", code, stderr)
	}
	pull.expectExit(0)
	equalLines(t, "pull -curve-allow", pull.stdout.String(), "admitted")
}

func TestPlain(t *testing.T) {
	t.Parallel()
	rep := start(t, "rep", "-b", "-echo", "-n", "1", "-plain-server", "-plain-user", "ann", "-plain-password", "s3cret", "tcp://127.0.0.1:0")
	rep.closeInput()
	ep := rep.bound("")
	code, _, stderr := run(t, "x\n", "req", "-v", "-timeout", "300ms", "-plain-user", "ann", "-plain-password", "wrong", ep)
	if code != exitFailure || !strings.Contains(stderr, "HANDSHAKE_FAILED_AUTH") {
		t.Fatalf("req with a wrong password: exit %d, stderr %q", code, stderr)
	}
	p := startEnv(t, []string{envPlainPassword + "=s3cret"}, "req", "-plain-user", "ann", ep)
	p.write("in clear\n")
	p.closeInput()
	p.expectExit(0)
	equalLines(t, "req", p.stdout.String(), "in clear")
	rep.expectExit(0)
}

// An interrupt while a command waits ends it with status 0 and what it
// printed so far.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	sub := start(t, "sub", "-b", "tcp://127.0.0.1:0")
	sub.bound("")
	time.Sleep(20 * time.Millisecond)
	sub.interrupt()
	sub.expectExit(0)
}
