package interop

// JeroMQ 0.3.6 (Debian's libjeromq-java) speaks ZMTP 2.0: these tests run
// jeromq/Peer.java against zring, which must downgrade to it as libzmq
// 4.3.4 does, and against libzmq 4.3.4 itself, which shows the harness and
// the expectations hold for the reference. Each socket pair runs with the
// Go side binding and with JeroMQ binding, over tcp.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// jeromqJar is Debian's libjeromq-java; ZRING_JEROMQ_JAR overrides it.
func jeromqJar() string {
	if p := os.Getenv("ZRING_JEROMQ_JAR"); p != "" {
		return p
	}
	return "/usr/share/java/jeromq.jar"
}

var jeromqBuild struct {
	once      sync.Once
	classpath string
	skip      string
	err       error
}

// jeromqClasspath compiles Peer.java once per test binary, into a
// directory named by the source's hash (so runs share it), and returns the
// class path to run it with. It skips the test when java, javac or the jar
// is missing: `make deps` installs them.
func jeromqClasspath(t *testing.T) string {
	t.Helper()
	b := &jeromqBuild
	b.once.Do(func() {
		jar := jeromqJar()
		for _, tool := range []string{"java", "javac"} {
			if _, err := exec.LookPath(tool); err != nil {
				b.skip = tool + " not found"
			}
		}
		if _, err := os.Stat(jar); err != nil {
			b.skip = jar + " not found"
		}
		if b.skip != "" {
			b.skip = "JeroMQ interop needs a JDK and JeroMQ 0.3.6 (Debian packages default-jdk-headless and libjeromq-java; `make deps` installs them): " + b.skip
			return
		}
		src, err := os.ReadFile(filepath.Join("jeromq", "Peer.java"))
		if err != nil {
			b.err = err
			return
		}
		sum := sha256.Sum256(src)
		dir := filepath.Join(os.TempDir(), "zring-jeromq-"+hex.EncodeToString(sum[:8]))
		if _, err := os.Stat(filepath.Join(dir, "Peer.class")); err != nil {
			tmp, err := os.MkdirTemp(os.TempDir(), "zring-jeromq-build-")
			if err != nil {
				b.err = err
				return
			}
			out, err := exec.Command("javac", "-cp", jar, "-d", tmp, filepath.Join("jeromq", "Peer.java")).CombinedOutput()
			if err != nil {
				os.RemoveAll(tmp)
				b.err = fmt.Errorf("javac: %v\n%s", err, out)
				return
			}
			if err := os.Rename(tmp, dir); err != nil {
				os.RemoveAll(tmp) // another test binary got there first
			}
		}
		b.classpath = jar + string(os.PathListSeparator) + dir
	})
	if b.skip != "" {
		t.Skip(b.skip)
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.classpath
}

// jeromqProc is one running Peer.
type jeromqProc struct {
	t        *testing.T
	endpoint string        // where it bound, when it did
	lines    chan string   // its stdout, line by line
	exited   chan error    // its exit
	stderr   *bytes.Buffer // for failure messages
	cancel   context.CancelFunc
}

// startJeromq runs Peer with args and waits for it to be bound or
// connected.
func startJeromq(t *testing.T, args ...string) *jeromqProc {
	t.Helper()
	cp := jeromqClasspath(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, "java", append([]string{"-cp", cp, "Peer"}, args...)...)
	p := &jeromqProc{t: t, lines: make(chan string, 64), exited: make(chan error, 1), stderr: new(bytes.Buffer), cancel: cancel}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cancel()
		<-p.exited
	})
	for {
		line := p.line(20 * time.Second)
		if port, ok := strings.CutPrefix(line, "PORT "); ok {
			p.endpoint = "tcp://127.0.0.1:" + port
		}
		if line == "READY" {
			return p
		}
	}
}

// line returns the next line Peer printed, failing the test on FAIL, on
// its end, or after d.
func (p *jeromqProc) line(d time.Duration) string {
	p.t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			p.t.Fatalf("JeroMQ peer ended: %v\n%s", <-p.exited, p.stderr)
		}
		if strings.HasPrefix(line, "FAIL") {
			p.t.Fatalf("JeroMQ peer: %s\n%s", line, p.stderr)
		}
		return line
	case <-time.After(d):
		p.t.Fatalf("JeroMQ peer said nothing for %v\n%s", d, p.stderr)
		return ""
	}
}

// printed reports whether Peer has printed want, without waiting.
func (p *jeromqProc) printed(want string) bool {
	p.t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok || strings.HasPrefix(line, "FAIL") {
			p.t.Fatalf("JeroMQ peer: %q, %v\n%s", line, ok, p.stderr)
		}
		return line == want
	default:
		return false
	}
}

// finish waits for Peer's OK and its clean exit.
func (p *jeromqProc) finish() {
	p.t.Helper()
	for p.line(30*time.Second) != "OK" {
	}
	select {
	case err := <-p.exited:
		if err != nil {
			p.t.Fatalf("JeroMQ peer exited: %v\n%s", err, p.stderr)
		}
		p.exited <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		p.t.Fatalf("JeroMQ peer did not exit\n%s", p.stderr)
	}
}

// jeromqMessage is Peer.java's message(i).
func jeromqMessage(i int) [][]byte {
	m := [][]byte{[]byte(fmt.Sprint("m", i))}
	switch i % 3 {
	case 1:
		m = append(m, []byte{}, []byte("part"))
	case 2:
		m = append(m, bytes.Repeat([]byte("L"), 300+i%7))
	}
	return m
}

func sameMessage(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// jeromqCount is the messages or round trips per case.
const jeromqCount = 100

// jeromqCase is one socket pair: the Go side's type and options, Peer's
// type and arguments, and what the Go side does while Peer plays its part.
type jeromqCase struct {
	name   string
	ours   zring.SocketType
	set    func(t *testing.T, p peer) // options before bind or connect
	theirs string
	mode   string
	opts   []string
	run    func(t *testing.T, p peer, j *jeromqProc)
}

func jeromqCases() []jeromqCase {
	recvAll := func(t *testing.T, p peer, _ *jeromqProc) {
		for i := 0; i < jeromqCount; i++ {
			got, err := p.recv(0)
			if err != nil || !sameMessage(got, jeromqMessage(i)) {
				t.Fatalf("message %d: %q, %v", i, got, err)
			}
		}
	}
	sendAll := func(t *testing.T, p peer, _ *jeromqProc) {
		for i := 0; i < jeromqCount; i++ {
			if err := p.send(jeromqMessage(i), 0); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
		}
	}
	echo := func(wantID string) func(t *testing.T, p peer, j *jeromqProc) {
		return func(t *testing.T, p peer, _ *jeromqProc) {
			for i := 0; i < jeromqCount; i++ {
				got, err := p.recv(0)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if wantID != "" && (len(got) == 0 || string(got[0]) != wantID) {
					t.Fatalf("request %d: %q, want routing id %q", i, got, wantID)
				}
				if err := p.send(got, 0); err != nil {
					t.Fatalf("reply %d: %v", i, err)
				}
			}
		}
	}
	request := func(t *testing.T, p peer, _ *jeromqProc) {
		for i := 0; i < jeromqCount; i++ {
			if err := p.send(jeromqMessage(i), 0); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if got, err := p.recv(0); err != nil || !sameMessage(got, jeromqMessage(i)) {
				t.Fatalf("reply %d: %q, %v", i, got, err)
			}
		}
	}
	publish := func(t *testing.T, p peer, j *jeromqProc) {
		// The subscription reaches the publisher some time after the
		// connection: probe until the subscriber has one.
		deadline := time.Now().Add(20 * time.Second)
		for !j.printed("FIRST") {
			if time.Now().After(deadline) {
				t.Fatal("the JeroMQ SUB received nothing")
			}
			if err := p.send([][]byte{[]byte("t probe")}, 0); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for i := 0; i < jeromqCount; i++ {
			p.send([][]byte{[]byte(fmt.Sprint("other ", i))}, 0)
			if err := p.send([][]byte{[]byte(fmt.Sprint("t ", i))}, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []jeromqCase{
		{name: "JeroMQ PUSH to PULL", ours: zring.PULL, theirs: "PUSH", mode: "send", run: recvAll},
		{name: "PUSH to JeroMQ PULL", ours: zring.PUSH, theirs: "PULL", mode: "recv", run: sendAll},
		{name: "JeroMQ REQ to REP", ours: zring.REP, theirs: "REQ", mode: "request", run: echo("")},
		{name: "REQ to JeroMQ REP", ours: zring.REQ, theirs: "REP", mode: "echo", run: request},
		{name: "JeroMQ DEALER with an identity to ROUTER", ours: zring.ROUTER, theirs: "DEALER", mode: "request",
			opts: []string{"-id", "jdealer"}, run: echo("jdealer")},
		{name: "DEALER with a routing id to JeroMQ ROUTER", ours: zring.DEALER, theirs: "ROUTER", mode: "echo",
			opts: []string{"-peer", "zdealer"}, run: request,
			set: func(t *testing.T, p peer) {
				var err error
				switch p := p.(type) {
				case *zringPeer:
					err = p.s.SetOption(zring.RoutingID, "zdealer")
				case *libzmqPeer:
					err = p.s.SetIdentity("zdealer")
				}
				if err != nil {
					t.Fatal(err)
				}
			}},
		{name: "PUB to JeroMQ SUB", ours: zring.PUB, theirs: "SUB", mode: "sub", opts: []string{"-topic", "t"}, run: publish},
		{name: "XPUB to JeroMQ SUB: the subscription is a message", ours: zring.XPUB, theirs: "SUB", mode: "sub", opts: []string{"-topic", "t"},
			run: func(t *testing.T, p peer, j *jeromqProc) {
				if got, err := p.recv(0); err != nil || len(got) != 1 || string(got[0]) != "\x01t" {
					t.Fatalf("XPUB received %q, %v; want the subscription \\x01t", got, err)
				}
				publish(t, p, j)
			}},
		{name: "JeroMQ XPUB to SUB", ours: zring.SUB, theirs: "XPUB", mode: "xpub", opts: []string{"-topic", "t"},
			set: func(t *testing.T, p peer) {
				var err error
				switch p := p.(type) {
				case *zringPeer:
					err = p.s.SetOption(zring.Subscribe, "t")
				case *libzmqPeer:
					err = p.s.SetSubscribe("t")
				}
				if err != nil {
					t.Fatal(err)
				}
			},
			run: func(t *testing.T, p peer, j *jeromqProc) {
				// A bound SUB hears of a connection only when its
				// application calls it (libzmq and zring alike): poll it
				// while the subscription travels.
				deadline := time.Now().Add(20 * time.Second)
				for !j.printed("SUBSCRIBED") {
					if time.Now().After(deadline) {
						t.Fatal("the JeroMQ XPUB heard no subscription")
					}
					if got, err := p.recv(zring.DontWait); err == nil {
						t.Fatalf("SUB received %q before subscribing", got)
					}
					time.Sleep(10 * time.Millisecond)
				}
				for i := 0; i < jeromqCount; i++ {
					if got, err := p.recv(0); err != nil || len(got) != 1 || string(got[0]) != fmt.Sprint("t ", i) {
						t.Fatalf("message %d: %q, %v", i, got, err)
					}
				}
			}},
	}
}

// TestJeromq runs every case against zring, and against libzmq 4.3.4 as
// the reference, each with the Go side binding and with JeroMQ binding.
func TestJeromq(t *testing.T) {
	for _, c := range jeromqCases() {
		for _, im := range []impl{zringImpl, libzmqImpl} {
			for _, weBind := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/JeroMQ connects", c.name, im)
				if !weBind {
					name = fmt.Sprintf("%s/%s/JeroMQ binds", c.name, im)
				}
				t.Run(name, func(t *testing.T) { runJeromqCase(t, c, im, weBind) })
			}
		}
	}
}

func runJeromqCase(t *testing.T, c jeromqCase, im impl, weBind bool) {
	jeromqClasspath(t)
	var p peer
	if im == zringImpl {
		p = newZring(t, newZringContext(t), c.ours)
	} else {
		p = newLibzmq(t, newLibzmqContext(t), c.ours)
	}
	if c.set != nil {
		c.set(t, p)
	}
	args := func(how, ep string) []string {
		return append([]string{c.theirs, how, ep, fmt.Sprint(jeromqCount), c.mode}, c.opts...)
	}
	var j *jeromqProc
	if weBind {
		ep, err := p.bind(wildcard(t, "tcp", im))
		if err != nil {
			t.Fatal(err)
		}
		j = startJeromq(t, args("connect", ep)...)
	} else {
		j = startJeromq(t, args("bind", "tcp://127.0.0.1:*")...)
		if err := p.connect(j.endpoint); err != nil {
			t.Fatal(err)
		}
	}
	c.run(t, p, j)
	j.finish()
}

// TestJeromqGreetsWithZMTP2 is the wire fact the rest rests on: JeroMQ
// 0.3.6 answers a ZMTP 3 signature with revision 1 (ZMTP 2.0) and its
// socket type, as libzmq 3.x does, and only after it has the signature.
func TestJeromqGreetsWithZMTP2(t *testing.T) {
	jeromqClasspath(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	startJeromq(t, "PUSH", "connect", "tcp://"+ln.Addr().String(), "1", "send")
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	sig := make([]byte, 10)
	if _, err := io.ReadFull(c, sig); err != nil || sig[0] != 0xFF || sig[9]&1 == 0 {
		t.Fatalf("JeroMQ's signature % x, %v", sig, err)
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("JeroMQ sent more before our signature (%d bytes, %v)", n, err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F})
	rest := make([]byte, 2)
	if _, err := io.ReadFull(c, rest); err != nil || rest[0] != 1 || rest[1] != 8 {
		t.Fatalf("JeroMQ's revision and socket type % x, %v; want 01 08 (ZMTP 2.0, PUSH)", rest, err)
	}
}

// TestJeromqRefusedWhenSecure is CVE-2014-9721 against a real ZMTP 2.0
// peer: a PULL with PLAIN, CURVE or a ZAP domain refuses a JeroMQ PUSH
// every time it connects, delivers nothing from it, and its monitor shows
// the disconnections and no handshake event; libzmq 4.3.4 the same.
func TestJeromqRefusedWhenSecure(t *testing.T) {
	zpub, zsec, err := zring.CurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	lpub, lsec, err := zmq.NewCurveKeypair()
	if err != nil {
		t.Fatal(err)
	}
	setups := []struct {
		name   string
		zring  func(s *zring.Socket) error
		libzmq func(s *zmq.Socket) error
	}{
		{"PLAIN server", func(s *zring.Socket) error { return s.SetOption(zring.PlainServer, 1) },
			func(s *zmq.Socket) error { return s.SetPlainServer(1) }},
		{"CURVE server", func(s *zring.Socket) error {
			s.SetOption(zring.CurvePublicKey, zpub)
			s.SetOption(zring.CurveSecretKey, zsec)
			return s.SetOption(zring.CurveServer, 1)
		}, func(s *zmq.Socket) error {
			s.SetCurvePublickey(lpub)
			s.SetCurveSecretkey(lsec)
			return s.SetCurveServer(1)
		}},
		{"NULL with a ZAP domain", func(s *zring.Socket) error { return s.SetOption(zring.ZAPDomain, "global") },
			func(s *zmq.Socket) error { return s.SetZapDomain("global") }},
	}
	for _, st := range setups {
		for _, im := range []impl{zringImpl, libzmqImpl} {
			t.Run(st.name+"/"+string(im), func(t *testing.T) {
				jeromqClasspath(t)
				var p peer
				var next func() (int, uint32, error)
				if im == zringImpl {
					ctx := newZringContext(t)
					z := newZring(t, ctx, zring.PULL)
					if err := st.zring(z.s); err != nil {
						t.Fatal(err)
					}
					p, next = z, monitorEvents(t, ctx, nil, z)
				} else {
					ctx := newLibzmqContext(t)
					l := newLibzmq(t, ctx, zring.PULL)
					if err := st.libzmq(l.s); err != nil {
						t.Fatal(err)
					}
					p, next = l, monitorEvents(t, nil, ctx, l)
				}
				nextEvent := func() (int, error) {
					e, _, err := next()
					return e, err
				}
				ep, err := p.bind(wildcard(t, "tcp", im))
				if err != nil {
					t.Fatal(err)
				}
				startJeromq(t, "PUSH", "connect", ep, "1", "send")
				const handshakeEvents = 0x800 | 0x1000 | 0x2000 | 0x4000 // ZMQ_EVENT_HANDSHAKE_*
				for disconnects := 0; disconnects < 2; {
					e, err := nextEvent()
					if err != nil {
						t.Fatalf("waiting for the refusals: %v", err)
					}
					if e&handshakeEvents != 0 {
						t.Fatalf("monitor event %#x: the refusal is a plain close", e)
					}
					if e == 0x200 { // ZMQ_EVENT_DISCONNECTED
						disconnects++
					}
				}
				if got, err := p.recv(zring.DontWait); err == nil {
					t.Fatalf("received %q from the refused peer", got)
				}
			})
		}
	}
}
