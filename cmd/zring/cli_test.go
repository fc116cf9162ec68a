package main

import (
	"bytes"
	"net"
	"regexp"
	"strings"
	"testing"
)

// One row per command line the tool must refuse with status 2, and the
// reason it must give.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{nil, "usage: zring COMMAND"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"sub"}, "no endpoint"},
		{[]string{"sub", "localhost:5555"}, "is not an endpoint"},
		{[]string{"sub", "-nosuchflag", "tcp://127.0.0.1:5555"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"pull", "-o", "morse", "tcp://127.0.0.1:5555"}, "want one of text, hex, base64, frames"},
		{[]string{"push", "-o", "hex", "tcp://127.0.0.1:5555"}, "flag provided but not defined: -o"},
		{[]string{"pull", "-i", "hex", "tcp://127.0.0.1:5555"}, "flag provided but not defined: -i"},
		{[]string{"pair", "-frames", "-o", "hex", "tcp://127.0.0.1:5555"}, "-frames is -i frames -o frames"},
		{[]string{"pull", "-n", "-1", "tcp://127.0.0.1:5555"}, "-n -1"},
		{[]string{"pull", "-timeout", "soon", "tcp://127.0.0.1:5555"}, "invalid value"},
		{[]string{"pub", "-subscribe", "x", "tcp://127.0.0.1:5555"}, "flag provided but not defined: -subscribe"},
		{[]string{"pub", "-identity", "x", "tcp://127.0.0.1:5555"}, "flag provided but not defined: -identity"},
		{[]string{"pull", "-sndhwm", "-5", "tcp://127.0.0.1:5555"}, "-sndhwm: not accepted by a PULL socket"},
		{[]string{"pull", "-curve-server", "tcp://127.0.0.1:5555"}, "-curve-server needs -curve-secretkey"},
		{[]string{"push", "-curve-serverkey", "tooshort", "tcp://127.0.0.1:5555"}, `"tooshort" is not a CURVE key`},
		{[]string{"push", "-curve-secretkey", strings.Repeat("a", 40), "tcp://127.0.0.1:5555"}, "need -curve-server (a server) or -curve-serverkey"},
		{[]string{"push", "-plain-user", "u", "tcp://127.0.0.1:5555"}, "PLAIN needs -plain-user and -plain-password"},
		{[]string{"push", "-plain-user", "u", "-plain-password", "p", "-curve-serverkey", strings.Repeat("a", 40), "tcp://127.0.0.1:5555"}, "cannot be mixed"},
		{[]string{"proxy", "tcp://127.0.0.1:5555"}, "want a FRONTEND and a BACKEND"},
		{[]string{"proxy", "-front", "hub", "tcp://127.0.0.1:5555", "tcp://127.0.0.1:5556"}, "-front hub: not a socket type"},
		{[]string{"monitor", "-type", "hub", "tcp://127.0.0.1:5555"}, "-type hub: not a socket type"},
		{[]string{"keygen", "-public", "not-a-key"}, "not 40 characters of Z85"},
		{[]string{"keygen", "extra"}, "takes no arguments"},
		{[]string{"perf", "fast"}, `"fast": want thr or lat`},
		{[]string{"perf", "thr", "-bind", "tcp://*:1", "-connect", "tcp://h:1"}, "each process runs one end"},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, c := range cases {
		code, stdout, stderr := runInProcess(c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("zring %s: exit %d, stderr %q; want 2 and %q (stdout %q)", strings.Join(c.args, " "), code, stderr, c.want, stdout)
		}
	}
}

// runInProcess runs a command line in the test's process, with no input
// and an empty environment: for the tables of command lines that end
// before any socket moves a message. The binary's own exit statuses are
// checked by TestExitStatus.
func runInProcess(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = c.main(args)
	return code, out.String(), errOut.String()
}

// The binary exits 2 for a command line it cannot use, 0 for help, and 1
// for a failure (TestRuntimeErrors).
func TestExitStatus(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
		out  string // on stdout, or on stderr for status 2
	}{
		{nil, exitUsage, "usage: zring COMMAND"},
		{[]string{"sub", "-nosuchflag", "tcp://127.0.0.1:5555"}, exitUsage, "Run 'zring sub -help' for usage."},
		{[]string{"help"}, 0, "Commands:"},
		{[]string{"sub", "-help"}, 0, "usage: zring sub [flags] ENDPOINT..."},
	} {
		code, stdout, stderr := run(t, "", c.args...)
		got := stdout
		if c.code == exitUsage {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("zring %s: exit %d, stdout %q, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stdout, stderr, c.code, c.out)
		}
	}
}

// Every command prints its help on -help, with examples, and exits 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runInProcess("help")
	if code != 0 {
		t.Fatalf("zring help exited %d", code)
	}
	for _, cmd := range commands {
		if !strings.Contains(stdout, "\n  "+cmd.name+" ") {
			t.Errorf("zring help does not list %s:\n%s", cmd.name, stdout)
		}
		if cmd.name == "help" {
			continue
		}
		code, stdout, stderr := runInProcess(cmd.name, "-help")
		if code != 0 || !strings.HasPrefix(stdout, "usage: zring "+cmd.name) {
			t.Errorf("zring %s -help: exit %d, stdout %q, stderr %q", cmd.name, code, stdout, stderr)
			continue
		}
		if cmd.name != "version" && !strings.Contains(stdout, "\nExamples:\n") {
			t.Errorf("zring %s -help has no examples:\n%s", cmd.name, stdout)
		}
		for _, l := range lines(stdout) {
			if len(l) > 80 && !strings.HasPrefix(l, "    \t") && !strings.HasPrefix(l, "  -") {
				t.Errorf("zring %s -help: a line of %d columns: %q", cmd.name, len(l), l)
			}
		}
	}
	// The format of -frames is said where it is offered.
	_, stdout, _ = runInProcess("help", "pair")
	if !strings.Contains(stdout, "4-byte big-endian length") || !strings.Contains(stdout, "-curve-serverkey") {
		t.Errorf("zring help pair does not describe -frames and security:\n%s", stdout)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, _ := run(t, "", "version")
	if code != 0 || !regexp.MustCompile(`^zring \S+ go\S+ \w+/\w+\n$`).MatchString(stdout) {
		t.Fatalf("zring version: exit %d, %q", code, stdout)
	}
}

func TestKeygen(t *testing.T) {
	t.Parallel()
	pub, sec := keygen(t)
	code, stdout, _ := run(t, "", "keygen", "-public", sec)
	if code != 0 || stdout != "public-key: "+pub+"\n" {
		t.Fatalf("keygen -public: exit %d, %q; want %q", code, stdout, pub)
	}
	// From standard input, as keygen printed it.
	code, stdout, _ = run(t, "secret-key: "+sec+"\n", "keygen", "-public", "-")
	if code != 0 || stdout != "public-key: "+pub+"\n" {
		t.Fatalf("keygen -public -: exit %d, %q; want %q", code, stdout, pub)
	}
}

// keygen runs zring keygen and returns the keys it printed.
func keygen(t *testing.T) (public, secret string) {
	t.Helper()
	code, stdout, _ := run(t, "", "keygen")
	m := regexp.MustCompile(`^public-key: (\S{40})\nsecret-key: (\S{40})\n$`).FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("zring keygen: exit %d, %q", code, stdout)
	}
	return m[1], m[2]
}

// A failure at run time exits 1 and says why.
func TestRuntimeErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr := run(t, "", "pull", "-b", "tcp://"+ln.Addr().String())
	if code != exitFailure || !strings.Contains(stderr, "address already in use") {
		t.Errorf("binding a port in use: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "", "pull", "pgm://eth0;239.192.1.1:5555")
	if code != exitFailure || !strings.Contains(stderr, "protocol not supported") {
		t.Errorf("pgm: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "zz\n", "push", "-i", "hex", "tcp://127.0.0.1:9")
	if code != exitFailure || !strings.Contains(stderr, "input line 1: not hex") {
		t.Errorf("bad hex input: exit %d, stderr %q", code, stderr)
	}
}

// -timeout ends a receive that waits too long with status 1, and a send
// that no peer takes.
func TestTimeout(t *testing.T) {
	t.Parallel()
	code, _, stderr := run(t, "", "pull", "-b", "-timeout", "200ms", "tcp://127.0.0.1:0")
	if code != exitFailure || !strings.Contains(stderr, "nothing received within 200ms") {
		t.Errorf("pull -timeout: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "ping\n", "req", "-timeout", "200", "tcp://127.0.0.1:9")
	if code != exitFailure || !strings.Contains(stderr, "could not send within 200ms") {
		t.Errorf("req -timeout with no server: exit %d, stderr %q", code, stderr)
	}
	// -immediate=false queues the request for the connection to come.
	code, _, stderr = run(t, "ping\n", "req", "-immediate=false", "-timeout", "200", "tcp://127.0.0.1:9")
	if code != exitFailure || !strings.Contains(stderr, "no reply within 200ms") {
		t.Errorf("req -immediate=false -timeout with no server: exit %d, stderr %q", code, stderr)
	}
}
