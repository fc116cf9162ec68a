package main

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
)

// pyzmqPeer is a libzmq peer, through pyzmq: a ROUTER and CURVE server
// (its secret key the first argument) bound to a free port, which it
// prints, answering two messages [id, body] with [id, body.upper()].
const pyzmqPeer = `
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.ROUTER)
s.curve_secretkey = sys.argv[1].encode()
s.curve_publickey = zmq.curve_public(sys.argv[1].encode())
s.curve_server = True
port = s.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
for _ in range(2):
    ident, body = s.recv_multipart()
    s.send_multipart([ident, body.upper()])
`

// One check against libzmq itself, where pyzmq is installed: zring's
// dealer, a CURVE client, to a libzmq ROUTER that is a CURVE server.
// Interop at large is proven in interop/.
func TestLibzmqPeer(t *testing.T) {
	t.Parallel()
	// Debian's python3-zmq is for the system's python, which a PATH
	// (pyenv, a virtualenv) may hide.
	python := "/usr/bin/python3"
	if _, err := exec.LookPath(python); err != nil {
		python = "python3"
	}
	if err := exec.Command(python, "-c", "import zmq; assert zmq.has('curve')").Run(); err != nil {
		t.Skip("no python3 with pyzmq (and CURVE): ", err)
	}
	pub, sec := keygen(t)
	py := exec.Command(python, "-c", pyzmqPeer, sec)
	stdout, err := py.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := py.Start(); err != nil {
		t.Fatal(err)
	}
	defer py.Process.Kill()
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("pyzmq peer: %v", err)
	}
	ep := "tcp://127.0.0.1:" + strings.TrimSpace(port)
	code, out, stderr := run(t, "hello\nlibzmq\n", "dealer", "-n", "2", "-timeout", waitFor.String(), "-curve-serverkey", pub, ep)
	if code != 0 {
		t.Fatalf("dealer to pyzmq: exit %d: %s", code, stderr)
	}
	equalLines(t, "dealer", out, "HELLO", "LIBZMQ")
	py.Wait()
}
