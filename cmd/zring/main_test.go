package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests run the zring binary as a user would: it is built once, and
// each test starts processes, feeds their standard input, and reads what
// they print and how they exit.

var (
	buildOnce sync.Once
	buildDir  string // the temporary directory of the binary, removed by TestMain
	zringBin  string
	buildErr  error
)

// TestMain removes the binary the tests built, if they built one.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// zringPath builds zring the first time a test asks for it (with the race
// detector when the tests have it, so that the tool's own goroutines are
// checked too) and returns its path. Tests that run no process, and fuzz
// workers, build nothing.
func zringPath(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "cmd-zring-test-"); buildErr != nil {
			return
		}
		zringBin = filepath.Join(buildDir, "zring")
		args := []string{"build", "-o", zringBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command(goTool(), append(args, ".")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return zringBin
}

// goTool is the go command of the toolchain running the tests: the one in
// GOROOT when the environment names it, else the one on PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p, err := exec.LookPath(filepath.Join(root, "bin", "go")); err == nil {
			return p
		}
	}
	return "go"
}

// waitFor is how long a test waits for something that takes milliseconds
// when all is well; generous, for a loaded machine and the race detector.
const waitFor = 15 * time.Second

// proc is a running zring.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout syncBuffer
	stderr syncBuffer
	exited chan struct{}
	code   int
}

// start runs zring with args; its standard input is a pipe the test
// writes with write and closes with closeInput.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	return startEnv(t, nil, args...)
}

func startEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: strings.Join(args, " "), exited: make(chan struct{})}
	p.cmd = exec.Command(zringPath(t), args...)
	// A race-enabled binary sleeps a second at exit (GORACE's
	// atexit_sleep_ms) unless told not to; each test runs many.
	p.cmd.Env = append(os.Environ(), "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
		default:
			p.code = -1
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
			t.Logf("killed zring %s\nstdout: %s\nstderr: %s", p.name, p.stdout.String(), p.stderr.String())
		}
	})
	return p
}

// run runs zring to its end with input on standard input and returns its
// exit status, standard output and standard error.
func run(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := start(t, args...)
	p.write(input)
	p.closeInput()
	code = p.wait()
	return code, p.stdout.String(), p.stderr.String()
}

func (p *proc) write(s string) {
	p.t.Helper()
	if s == "" {
		return
	}
	if _, err := io.WriteString(p.stdin, s); err != nil {
		p.t.Fatalf("zring %s: writing its input: %v", p.name, err)
	}
}

func (p *proc) closeInput() { p.stdin.Close() }

// wait waits for the process to exit and returns its status.
func (p *proc) wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(waitFor):
		p.t.Fatalf("zring %s did not exit within %v\nstdout: %s\nstderr: %s", p.name, waitFor, p.stdout.String(), p.stderr.String())
		return -1
	}
}

// expectExit waits for the process to exit with code.
func (p *proc) expectExit(code int) {
	p.t.Helper()
	if got := p.wait(); got != code {
		p.t.Fatalf("zring %s exited %d, want %d\nstdout: %s\nstderr: %s", p.name, got, code, p.stdout.String(), p.stderr.String())
	}
}

// interrupt sends SIGINT, which ends a command with status 0.
func (p *proc) interrupt() {
	p.cmd.Process.Signal(syscall.SIGINT)
}

var boundRE = regexp.MustCompile(`(?m)^zring: (?:(\w+) )?bound (\S+)$`)

// bound waits for the process to report the address of the bind of role
// ("" for a socket command's) and returns it.
func (p *proc) bound(role string) string {
	p.t.Helper()
	var ep string
	p.waitUntil("a bound endpoint on stderr", func() bool {
		for _, m := range boundRE.FindAllStringSubmatch(p.stderr.String(), -1) {
			if m[1] == role {
				ep = m[2]
				return true
			}
		}
		return false
	})
	return ep
}

// waitStdout waits until standard output holds s.
func (p *proc) waitStdout(s string) {
	p.t.Helper()
	p.waitUntil(fmt.Sprintf("%q on stdout", s), func() bool { return strings.Contains(p.stdout.String(), s) })
}

// waitStderr waits until standard error holds s.
func (p *proc) waitStderr(s string) {
	p.t.Helper()
	p.waitUntil(fmt.Sprintf("%q on stderr", s), func() bool { return strings.Contains(p.stderr.String(), s) })
}

func (p *proc) waitUntil(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		select {
		case <-p.exited:
			if cond() {
				return
			}
			p.t.Fatalf("zring %s exited %d before %s\nstdout: %s\nstderr: %s", p.name, p.code, what, p.stdout.String(), p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("zring %s: no %s within %v\nstdout: %s\nstderr: %s", p.name, what, waitFor, p.stdout.String(), p.stderr.String())
		}
	}
}

// feed writes line to the process's input every interval until stop is
// closed or the process exits: for a publisher, whose first messages go
// nowhere until the subscriber has joined.
func (p *proc) feed(line string, interval time.Duration, stop <-chan struct{}) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if _, err := io.WriteString(p.stdin, line); err != nil {
				return
			}
			select {
			case <-stop:
				return
			case <-p.exited:
				return
			case <-t.C:
			}
		}
	}()
}

// syncBuffer is a bytes.Buffer that the process's output copier writes
// while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func equalLines(t *testing.T, what, got string, want ...string) {
	t.Helper()
	g := lines(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s printed %q, want %q", what, g, want)
	}
}
