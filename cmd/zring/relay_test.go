package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPushPull(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			ep := "tcp://127.0.0.1:0"
			if transport == "ipc" {
				ep = "ipc://" + filepath.Join(t.TempDir(), "s")
			}
			pull := start(t, "pull", "-b", "-n", "3", ep)
			pull.closeInput()
			if transport == "tcp" {
				ep = pull.bound("")
			} else {
				time.Sleep(50 * time.Millisecond) // a connect before the bind is retried, just later
			}
			code, _, stderr := run(t, "one\n\ntwo words", "push", ep)
			if code != 0 {
				t.Fatalf("push exited %d: %s", code, stderr)
			}
			pull.expectExit(0)
			// An empty line is an empty message; the last line needs no newline.
			equalLines(t, "pull", pull.stdout.String(), "one", "", "two words")
		})
	}
}

// sub takes only its topics, whatever the publisher sends, and pub ends
// at the end of its input.
func TestPubSub(t *testing.T) {
	t.Parallel()
	pub := start(t, "pub", "-b", "tcp://127.0.0.1:0")
	sub := start(t, "sub", "-n", "3", "-subscribe", "a.", "-subscribe", "c.", pub.bound(""))
	sub.closeInput()
	stop := make(chan struct{})
	pub.feed("b.no\na.yes\n", 20*time.Millisecond, stop)
	sub.expectExit(0)
	close(stop)
	for _, l := range lines(sub.stdout.String()) {
		if l != "a.yes" {
			t.Fatalf("sub printed %q", sub.stdout.String())
		}
	}
	pub.closeInput()
	pub.expectExit(0)
}

func TestReqRep(t *testing.T) {
	t.Parallel()
	t.Run("answered", func(t *testing.T) {
		t.Parallel()
		rep := start(t, "rep", "@tcp://127.0.0.1:0")
		req := start(t, "req", rep.bound(""))
		req.write("ping\nping again\n")
		req.closeInput()
		// rep answers each request with its next input line.
		rep.waitStdout("ping\n")
		rep.write("pong\n")
		rep.waitStdout("ping again\n")
		rep.write("pong again\n")
		req.expectExit(0)
		equalLines(t, "req", req.stdout.String(), "pong", "pong again")
		rep.closeInput()
		rep.expectExit(0)
		equalLines(t, "rep", rep.stdout.String(), "ping", "ping again")
	})
	t.Run("echo", func(t *testing.T) {
		t.Parallel()
		ep := "ipc://" + filepath.Join(t.TempDir(), "rep")
		rep := start(t, "rep", "-b", "-echo", "-n", "2", ep)
		code, stdout, stderr := run(t, "hello\nworld\n", "req", ep)
		if code != 0 {
			t.Fatalf("req exited %d: %s", code, stderr)
		}
		equalLines(t, "req", stdout, "hello", "world")
		rep.expectExit(0)
		equalLines(t, "rep", rep.stdout.String(), "hello", "world")
	})
}

// router prints the sender's routing id and sends to the peer its first
// frame names; one no peer has is reported and dropped.
func TestDealerRouter(t *testing.T) {
	t.Parallel()
	router := start(t, "router", "-b", "tcp://127.0.0.1:0")
	dealer := start(t, "dealer", "-identity", "alice", "-n", "1", router.bound(""))
	dealer.write("hi\n")
	router.waitStdout("alice\thi\n")
	router.write("bob\tlost\n")
	router.waitStderr(`no peer has routing id "bob"`)
	router.write("no id\n")
	router.waitStderr(`needs a routing id frame and a body; "no id" dropped`)
	router.write("alice\thello\n")
	dealer.expectExit(0)
	equalLines(t, "dealer", dealer.stdout.String(), "hello")
	// After its input, a router keeps printing until interrupted, which
	// is a normal end.
	router.closeInput()
	router.interrupt()
	router.expectExit(0)
}

func TestPair(t *testing.T) {
	t.Parallel()
	a := start(t, "pair", "-b", "tcp://127.0.0.1:0")
	b := start(t, "pair", "-n", "1", a.bound(""))
	b.write("from b\n")
	a.waitStdout("from b\n")
	a.write("from a\n")
	b.expectExit(0)
	equalLines(t, "pair b", b.stdout.String(), "from a")
	a.closeInput()
	a.interrupt()
	a.expectExit(0)
}

// -sep splits lines into frames and joins received frames; without it,
// frames are printed joined by tabs.
func TestMultipart(t *testing.T) {
	t.Parallel()
	pullSep := start(t, "pull", "-b", "-n", "2", "-sep", ", ", "tcp://127.0.0.1:0")
	pullTab := start(t, "pull", "-b", "-n", "2", "tcp://127.0.0.1:0")
	for _, pull := range []*proc{pullSep, pullTab} {
		code, _, stderr := run(t, "a|b|c\n|empty first\n", "push", "-sep", "|", pull.bound(""))
		if code != 0 {
			t.Fatalf("push exited %d: %s", code, stderr)
		}
		pull.expectExit(0)
	}
	equalLines(t, "pull -sep", pullSep.stdout.String(), "a, b, c", ", empty first")
	equalLines(t, "pull", pullTab.stdout.String(), "a\tb\tc", "\tempty first")
}

func TestEncodings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, out       string
		input, output string
	}{
		{"hex", "base64", "00ff0a|68690A", "AP8K|aGkK"},
		{"base64", "hex", "AP8K|aGkK", "00ff0a|68690a"},
		{"base64", "text", "aGk|aGk=", "hi|hi"},
		{"text", "hex", "\x01\x02|", "0102|"},
	}
	for _, c := range cases {
		pull := start(t, "pull", "-b", "-n", "1", "-sep", "|", "-o", c.out, "tcp://127.0.0.1:0")
		code, _, stderr := run(t, c.input+"\n", "push", "-sep", "|", "-i", c.in, pull.bound(""))
		if code != 0 {
			t.Fatalf("push -i %s exited %d: %s", c.in, code, stderr)
		}
		pull.expectExit(0)
		equalLines(t, "pull -o "+c.out, pull.stdout.String(), c.output)
	}
}

// -frames carries exact bytes, newlines and all, with message boundaries.
func TestFrames(t *testing.T) {
	t.Parallel()
	frame := func(more bool, data string) string {
		b := []byte{0, 0, 0, 0, 0}
		if more {
			b[0] = 1
		}
		binary.BigEndian.PutUint32(b[1:], uint32(len(data)))
		return string(b) + data
	}
	input := frame(true, "line\nbreak") + frame(false, "") + frame(false, "\x00bin")
	hexPull := start(t, "pull", "-b", "-n", "2", "-o", "hex", "-sep", " ", "tcp://127.0.0.1:0")
	framesPull := start(t, "pull", "-b", "-n", "2", "-frames", "tcp://127.0.0.1:0")
	for _, pull := range []*proc{hexPull, framesPull} {
		code, _, stderr := run(t, input, "push", "-frames", pull.bound(""))
		if code != 0 {
			t.Fatalf("push -frames exited %d: %s", code, stderr)
		}
		pull.expectExit(0)
	}
	equalLines(t, "pull -o hex", hexPull.stdout.String(), hex.EncodeToString([]byte("line\nbreak"))+" ", "0062696e")
	if got := framesPull.stdout.String(); got != input {
		t.Fatalf("pull -frames printed %q, want %q", got, input)
	}
	// Input that ends inside a message is an error, not a message.
	code, _, stderr := run(t, frame(true, "x"), "push", "-frames", "tcp://127.0.0.1:9")
	if code != exitFailure || !strings.Contains(stderr, "ends inside a message") {
		t.Fatalf("truncated -frames input: exit %d, stderr %q", code, stderr)
	}
}

// xsub's subscriptions reach xpub, which prints them, and what xpub then
// publishes reaches xsub.
func TestXPubXSub(t *testing.T) {
	t.Parallel()
	xpub := start(t, "xpub", "-b", "-o", "hex", "tcp://127.0.0.1:0")
	xsub := start(t, "xsub", "-n", "1", "-subscribe", "a", xpub.bound(""))
	xpub.waitStdout("0161\n")
	xpub.write("b-not-this\na-this\n")
	xsub.expectExit(0)
	equalLines(t, "xsub", xsub.stdout.String(), "a-this")
	xpub.closeInput()
	xpub.interrupt()
	xpub.expectExit(0)
}

// stream talks to a plain TCP client: connection notices, bytes in, and
// bytes out to the connection's routing id.
func TestStream(t *testing.T) {
	t.Parallel()
	stream := start(t, "stream", "-b", "-o", "hex", "-i", "hex", "tcp://127.0.0.1:0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(stream.bound(""), "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	stream.waitStdout("\t" + hex.EncodeToString([]byte("hello")) + "\n")
	// The first line is the connection's notice: its id and nothing.
	id := strings.TrimSuffix(lines(stream.stdout.String())[0], "\t")
	stream.write(id + "\t" + hex.EncodeToString([]byte("world")) + "\n")
	conn.SetReadDeadline(time.Now().Add(waitFor))
	got := make([]byte, 5)
	if _, err := io.ReadFull(bufio.NewReader(conn), got); err != nil || string(got) != "world" {
		t.Fatalf("the TCP client read %q, %v", got, err)
	}
	stream.closeInput()
	stream.interrupt()
	stream.expectExit(0)
}
