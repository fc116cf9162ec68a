package zmq4_test

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

var pairs int // for unique endpoints

// pair returns two connected PAIR sockets over inproc, each with a
// receive timeout so that a failing test does not hang.
func pair(t *testing.T, ctx *zmq.Context) (a, b *zmq.Socket) {
	t.Helper()
	a = newSocket(t, ctx, zmq.PAIR)
	b = newSocket(t, ctx, zmq.PAIR)
	pairs++
	endpoint := fmt.Sprintf("inproc://%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), pairs)
	if err := a.Bind(endpoint); err != nil {
		t.Fatal(err)
	}
	if err := b.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	a.SetRcvtimeo(5 * time.Second)
	b.SetRcvtimeo(5 * time.Second)
	return a, b
}

func TestSendRecv(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	if n, err := a.Send("hello", zmq.SNDMORE); n != 5 || err != nil {
		t.Fatalf("Send: %d %v", n, err)
	}
	if n, err := a.SendBytes([]byte("world!"), 0); n != 6 || err != nil {
		t.Fatalf("SendBytes: %d %v", n, err)
	}
	if s, err := b.Recv(0); s != "hello" || err != nil {
		t.Fatalf("Recv: %q %v", s, err)
	}
	if more, _ := b.GetRcvmore(); !more {
		t.Error("RCVMORE is false after the first frame")
	}
	if s, err := b.RecvBytes(0); string(s) != "world!" || err != nil {
		t.Fatalf("RecvBytes: %q %v", s, err)
	}
	if more, _ := b.GetRcvmore(); more {
		t.Error("RCVMORE is true after the last frame")
	}
}

// SendMessage's parts: "Any []string or [][]byte is split into separate
// strings or []bytes; any other part that isn't a string or []byte is
// converted to string with fmt.Sprintf("%v", part)."
func TestSendMessage(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	for _, c := range []struct {
		parts []interface{}
		want  []string
	}{
		{[]interface{}{"one"}, []string{"one"}},
		{[]interface{}{"a", []byte("bc"), []string{"d", "ef"}, [][]byte{[]byte("g")}, 42, 1.5},
			[]string{"a", "bc", "d", "ef", "g", "42", "1.5"}},
		{[]interface{}{"x", []string{}, [][]byte{}}, []string{"x"}},
		{[]interface{}{[]string{}, "", []byte{}}, []string{"", ""}},
		{[]interface{}{[]string{"last", "two"}, [][]byte(nil)}, []string{"last", "two"}},
	} {
		total, err := a.SendMessage(c.parts...)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(strings.Join(c.want, "")); total != want {
			t.Errorf("SendMessage(%v) = %d bytes, want %d", c.parts, total, want)
		}
		got, err := b.RecvMessage(0)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("SendMessage(%v): received %q %v, want %q", c.parts, got, err, c.want)
		}
	}
	// No frames at all: nothing is sent.
	if total, err := a.SendMessage([]string{}); total != 0 || err != nil {
		t.Errorf("SendMessage of no frames: %d %v", total, err)
	}
	if _, err := b.Recv(zmq.DONTWAIT); err != zmq.Errno(syscall.EAGAIN) {
		t.Errorf("a message of no frames was sent: %v", err)
	}
	a.SendMessage("x", "y")
	if got, err := b.RecvMessageBytes(0); err != nil || len(got) != 2 || string(got[1]) != "y" {
		t.Errorf("RecvMessageBytes: %q %v", got, err)
	}
}

func TestSendMessageDontwait(t *testing.T) {
	ctx := newContext(t)
	push := newSocket(t, ctx, zmq.PUSH)
	push.Bind("inproc://dontwait") // no peer: nothing can be queued
	if total, err := push.SendMessageDontwait("a", "b"); total != -1 || err != zmq.Errno(syscall.EAGAIN) {
		t.Errorf("SendMessageDontwait without a peer: %d %v, want -1 EAGAIN", total, err)
	}
	if n, err := push.Send("a", zmq.DONTWAIT); n != -1 || err != zmq.Errno(syscall.EAGAIN) {
		t.Errorf("Send(DONTWAIT) without a peer: %d %v", n, err)
	}
	pull := newSocket(t, ctx, zmq.PULL)
	pull.Connect("inproc://dontwait")
	if _, err := push.SendMessageDontwait("a", "b"); err != nil {
		t.Errorf("SendMessageDontwait with a peer: %v", err)
	}
}

func TestRecvWithMetadata(t *testing.T) {
	ctx := newContext(t)
	router := newSocket(t, ctx, zmq.ROUTER)
	router.Bind("tcp://127.0.0.1:*")
	endpoint, _ := router.GetLastEndpoint()
	dealer := newSocket(t, ctx, zmq.DEALER)
	dealer.SetIdentity("d1")
	dealer.Connect(endpoint)
	dealer.SendMessage("a", "b")
	router.SetRcvtimeo(5 * time.Second)
	msg, md, err := router.RecvMessageWithMetadata(0, "Socket-Type", "Identity", "Peer-Address", "X-Missing")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(msg, []string{"d1", "a", "b"}) {
		t.Errorf("message %q", msg)
	}
	want := map[string]string{"Socket-Type": "DEALER", "Identity": "d1", "Peer-Address": "127.0.0.1"}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("%s = %q, want %q", k, md[k], v)
		}
	}
	if _, ok := md["X-Missing"]; ok || len(md) != len(want) {
		t.Errorf("metadata %v has more than the connection's properties", md)
	}
	dealer.Send("c", 0)
	id, md, err := router.RecvWithMetadata(0, "Socket-Type")
	if id != "d1" || md["Socket-Type"] != "DEALER" || err != nil {
		t.Errorf("RecvWithMetadata: %q %v %v", id, md, err)
	}
	router.Recv(0)
}

func TestMonitor(t *testing.T) {
	ctx := newContext(t)
	s := newSocket(t, ctx, zmq.REP)
	if err := s.Monitor("inproc://monitor.rep", zmq.EVENT_ALL); err != nil {
		t.Fatal(err)
	}
	monitor := newSocket(t, ctx, zmq.PAIR)
	monitor.SetRcvtimeo(5 * time.Second)
	monitor.Connect("inproc://monitor.rep")
	s.Bind("tcp://127.0.0.1:*")
	endpoint, _ := s.GetLastEndpoint()
	event, addr, _, err := monitor.RecvEvent(0)
	if event != zmq.EVENT_LISTENING || addr != endpoint || err != nil {
		t.Fatalf("first event: %v %q %v, want EVENT_LISTENING %q", event, addr, err, endpoint)
	}
	client := newSocket(t, ctx, zmq.REQ)
	client.Connect(endpoint)
	for _, want := range []zmq.Event{zmq.EVENT_ACCEPTED, zmq.EVENT_HANDSHAKE_SUCCEEDED} {
		if event, _, _, err := monitor.RecvEvent(0); event != want || err != nil {
			t.Fatalf("event %v %v, want %v", event, err, want)
		}
	}
	s.Monitor("", 0)
	if event, _, _, err := monitor.RecvEvent(0); event != zmq.EVENT_MONITOR_STOPPED || err != nil {
		t.Errorf("last event %v %v, want EVENT_MONITOR_STOPPED", event, err)
	}
	other := newSocket(t, ctx, zmq.PAIR)
	other.Bind("inproc://not-a-monitor")
	peer := newSocket(t, ctx, zmq.PAIR)
	peer.Connect("inproc://not-a-monitor")
	peer.Send("one frame", 0)
	if _, _, _, err := other.RecvEvent(0); err != zmq.ErrorMoreExpected {
		t.Errorf("RecvEvent of one frame: %v", err)
	}
}

func TestStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{zmq.REQ.String(), "REQ"},
		{zmq.STREAM.String(), "STREAM"},
		{zmq.Type(42).String(), "<INVALID>"},
		{zmq.Flag(0).String(), "<NONE>"},
		{(zmq.DONTWAIT | zmq.SNDMORE).String(), "DONTWAIT|SNDMORE"},
		{zmq.POLLIN.String(), "POLLIN"},
		{(zmq.POLLIN | zmq.POLLOUT).String(), "POLLIN|POLLOUT"},
		{zmq.State(0).String(), "<NONE>"},
		{zmq.EVENT_ALL.String(), "EVENT_ALL"},
		{(zmq.EVENT_CONNECTED | zmq.EVENT_CLOSED).String(), "EVENT_CONNECTED|EVENT_CLOSED"},
		{zmq.CURVE.String(), "CURVE"},
		{zmq.GSSAPI.String(), "GSSAPI"},
		{zmq.Mechanism(9).String(), "<INVALID>"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	ctx := newContext(t)
	s := newSocket(t, ctx, zmq.DEALER)
	if str := s.String(); !strings.HasPrefix(str, "Socket(DEALER,0x") {
		t.Errorf("Socket.String() = %q", str)
	}
	if typ, _ := s.GetType(); typ != zmq.DEALER {
		t.Errorf("GetType() = %v", typ)
	}
	s.SetIdentity("worker-1")
	if str := s.String(); str != `Socket(DEALER,"worker-1")` {
		t.Errorf("Socket.String() with an identity = %q", str)
	}
	s.Close()
	if str := s.String(); str != "Socket(CLOSED)" {
		t.Errorf("Socket.String() when closed = %q", str)
	}
}

func TestVersionAndHas(t *testing.T) {
	if major, minor, patch := zmq.Version(); major != 4 || minor != 3 || patch != 4 {
		t.Errorf("Version() = %d.%d.%d", major, minor, patch)
	}
	if !zmq.HasCurve() || !zmq.HasIpc() || zmq.HasGssapi() || zmq.HasNorm() || zmq.HasPgm() || zmq.HasTipc() {
		t.Error("Has* do not say curve and ipc only")
	}
}
