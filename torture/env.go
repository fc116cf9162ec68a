//go:build linux

package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Env is what a scenario runs in: where the peers are, a directory of its
// own, and whether this is the short run of make test.
type Env struct {
	Short bool   // make test's run: each scenario in its shortest form
	Dir   string // a fresh directory for this run's files (records, sockets)

	zringPeer string // the built torture/peer
	pyPeer    string // torture/peer/peer.py, "" when pyzmq is missing
	why       string // why pyPeer is "", for the results
}

// newEnv builds zring's peer into dir and finds libzmq's (python3 with
// pyzmq; make torture installs python3-zmq).
func newEnv(dir string, short bool) (*Env, error) {
	e := &Env{Short: short, Dir: dir}
	e.zringPeer = filepath.Join(dir, "peer")
	build := exec.Command("go", "build", "-o", e.zringPeer, "./torture/peer")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building torture/peer: %w", err)
	}
	py, err := filepath.Abs("torture/peer/peer.py")
	if err != nil {
		return nil, err
	}
	if out, err := exec.Command("/usr/bin/python3", "-c", "import zmq; print(zmq.zmq_version())").CombinedOutput(); err != nil {
		e.why = "no pyzmq: " + strings.TrimSpace(string(out))
	} else {
		e.pyPeer = py
	}
	return e, nil
}

// Impls are the implementations this run can measure: zring, and libzmq
// when pyzmq is there.
func (e *Env) Impls() []string {
	if e.pyPeer == "" {
		return []string{"zring"}
	}
	return []string{"zring", "libzmq"}
}

// Proc is a running peer process.
type Proc struct {
	Impl  string
	cmd   *exec.Cmd
	lines chan string // its stdout, line by line; closed at EOF
	Pid   int
}

// Peer starts impl's peer with args (the flags of torture/peer) in
// network namespace netns ("" for this one) and waits for its "ready".
func (e *Env) Peer(impl, netns string, args ...string) (*Proc, error) {
	var argv []string
	switch impl {
	case "zring":
		argv = append([]string{e.zringPeer}, args...)
	case "libzmq":
		if e.pyPeer == "" {
			return nil, errors.New(e.why)
		}
		argv = append([]string{"/usr/bin/python3", e.pyPeer}, args...)
	default:
		return nil, fmt.Errorf("no implementation %q", impl)
	}
	if netns != "" {
		argv = append([]string{"ip", "netns", "exec", netns}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{Impl: impl, cmd: cmd, lines: make(chan string, 1024), Pid: cmd.Process.Pid}
	go func() {
		defer close(p.lines)
		r := bufio.NewScanner(out)
		for r.Scan() {
			p.lines <- r.Text()
		}
	}()
	if _, err := p.Expect("ready", 10*time.Second); err != nil {
		p.Kill()
		return nil, fmt.Errorf("%s peer %v: %w", impl, args, err)
	}
	return p, nil
}

// Expect returns the next line of the peer's output that starts with
// prefix, skipping others, or an error after timeout or at its end.
func (p *Proc) Expect(prefix string, timeout time.Duration) (string, error) {
	deadline := time.After(timeout)
	var skipped []string // the last few lines passed over, for the error
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return "", fmt.Errorf("%s peer %d ended before %q (last lines %q)", p.Impl, p.Pid, prefix, skipped)
			}
			if strings.HasPrefix(l, prefix) {
				return l, nil
			}
			if skipped = append(skipped, l); len(skipped) > 4 {
				skipped = skipped[1:]
			}
		case <-deadline:
			return "", fmt.Errorf("%s peer %d: no %q within %v (last lines %q)", p.Impl, p.Pid, prefix, timeout, skipped)
		}
	}
}

// Signal sends sig to the peer (for a peer run through ip netns exec,
// that process has exec'd the peer, so the pid is the peer's).
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the peer with SIGKILL and reaps it.
func (p *Proc) Kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// Stop asks the peer to end (SIGTERM) and returns its last "sent" or
// "received" line, waiting at most timeout before killing it.
func (p *Proc) Stop(timeout time.Duration) (string, error) {
	p.Signal(syscall.SIGTERM)
	done := make(chan string, 1)
	go func() {
		var last string
		for l := range p.lines {
			if strings.HasPrefix(l, "sent ") || strings.HasPrefix(l, "received ") {
				last = l
			}
		}
		done <- last
	}()
	select {
	case last := <-done:
		p.cmd.Wait()
		return last, nil
	case <-time.After(timeout):
		p.Kill()
		return "", fmt.Errorf("peer did not end within %v of SIGTERM", timeout)
	}
}

// Port returns a TCP port free on 127.0.0.1 now.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ReadRecord reads a receiver's record file (see torture/peer): the
// sequence numbers it received, in order.
func ReadRecord(path string) ([]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head [8]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(head[:])
	b := make([]byte, 8*n)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	seqs := make([]uint64, n)
	for i := range seqs {
		seqs[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return seqs, nil
}
