package zring_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestMetadataOption: which ZMQ_METADATA values are taken. "A metadata
// property is specfied as a string, delimited by a colon, starting with
// the metadata property followed by the metadata value, for example
// "X-key:value". Property names are restrited to maximum 255 characters and
// must be prefixed by "X-"." The rows past the manual are what libzmq
// 4.3.4 does (checked against it in interop's TestMetadataOptionLibzmq).
func TestMetadataOption(t *testing.T) {
	ctx := newCtx(t)
	cases := []struct {
		value string
		ok    bool
	}{
		{"X-key:value", true},
		{"X-c:d:e", true},  // the name ends at the first colon
		{"X-sp: v ", true}, // the value is taken as it is
		{"X-:::", true},    // a name of just "X-"
		{"X-" + strings.Repeat("k", 253) + ":v", true}, // "maximum 255 characters"
		{"X-" + strings.Repeat("k", 254) + ":v", false},
		{"Y-key:value", false}, // "must be prefixed by "X-""
		{"x-key:value", false}, // case-sensitive, as libzmq
		{"X-key:", false},      // an empty value
		{":value", false},
		{"X-key", false}, // no colon
		{"", false},
		{"X-:v", false}, // 4 bytes: libzmq 4.3.4 takes them for an int
	}
	for _, c := range cases {
		s := sock(t, ctx, zring.DEALER)
		err := s.SetOption(zring.Metadata, c.value)
		if c.ok && err != nil || !c.ok && !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("SetOption(Metadata, %.20q...): %v, want ok=%v", c.value, err, c.ok)
		}
	}
	s := sock(t, ctx, zring.DEALER)
	if err := s.SetOption(zring.Metadata, 1); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("an int: %v", err)
	}
	if _, err := s.GetOption(zring.Metadata); !errors.Is(err, zring.ErrInvalid) {
		t.Errorf("GetOption(Metadata): %v, want ErrInvalid as libzmq", err)
	}
}

// metaPeers connects a DEALER with routing id "dd" and properties
// X-Region:eu, X-Region:us (ignored: the first value stays) and
// X-Build:7 to a ROUTER bound at ep, and returns the ROUTER once the
// DEALER's "hi" has arrived, with the ROUTER's last frames [dd][hi].
func metaPeers(t *testing.T, ctx *zring.Context, ep string) (*zring.Socket, *zring.Socket) {
	t.Helper()
	r := sock(t, ctx, zring.ROUTER)
	d := sock(t, ctx, zring.DEALER)
	addr := bindAt(t, r, ep)
	for _, v := range []string{"X-Region:eu", "X-Region:us", "X-Build:7"} {
		if err := d.SetOption(zring.Metadata, v); err != nil {
			t.Fatal(err)
		}
	}
	d.SetOption(zring.RoutingID, "dd")
	if err := d.Connect(addr); err != nil {
		t.Fatal(err)
	}
	mustSendParts(t, d, "hi")
	if got := mustRecvParts(t, r); fmt.Sprint(got) != "[dd hi]" {
		t.Fatalf("router got %q", got)
	}
	return r, d
}

// TestProperty: what Socket.Property reports of the connection the last
// frame came from, as zmq_msg_gets(3) does: "Socket-Type", "Identity",
// "Peer-Address", and the X- properties of the peer's ZMQ_METADATA.
func TestProperty(t *testing.T) {
	creds := fmt.Sprintf("localhost:%d:%d:%d", os.Getuid(), os.Getgid(), os.Getpid())
	for _, c := range []struct {
		ep, peerAddress string
	}{
		{"tcp://127.0.0.1:0", "127.0.0.1"},
		{"ipc://" + t.TempDir() + "/s", creds}, // libzmq: the host, then SO_PEERCRED's uid:gid:pid
	} {
		t.Run(c.ep[:3], func(t *testing.T) {
			r, d := metaPeers(t, newCtx(t), c.ep)
			for _, row := range []struct {
				name, want string
				ok         bool
			}{
				{"Socket-Type", "DEALER", true},
				{"Identity", "dd", true},
				{"Routing-Id", "dd", true}, // libzmq's newer name for it
				{"Peer-Address", c.peerAddress, true},
				{"X-Region", "eu", true}, // the first value set stays
				{"X-Build", "7", true},
				{"x-build", "7", true}, // RFC 37: names are case-insensitive
				{"User-Id", "", false}, // only a ZAP handler gives one
				{"Resource", "", false},
				{"X-None", "", false},
			} {
				if v, ok := r.Property(row.name); v != row.want || ok != row.ok {
					t.Errorf("Property(%q) = %q, %v; want %q, %v", row.name, v, ok, row.want, row.ok)
				}
			}
			// Replies carry the ROUTER's properties to the DEALER, through
			// RecvWithMetadata.
			mustSendParts(t, r, "dd", "back")
			b, md, err := d.RecvWithMetadata(0, "Socket-Type", "Identity", "X-Region")
			if err != nil || string(b) != "back" {
				t.Fatalf("RecvWithMetadata: %q, %v", b, err)
			}
			// A ROUTER sends an Identity, empty without ZMQ_ROUTING_ID.
			if fmt.Sprint(md) != "map[Identity: Socket-Type:ROUTER]" {
				t.Errorf("DEALER's metadata %v", md)
			}
		})
	}
}

// TestPropertyNone: a PUSH announces no Identity; inproc connections have
// no properties at all, as in libzmq; nor does a socket before its first
// frame.
func TestPropertyNone(t *testing.T) {
	ctx := newCtx(t)
	for _, ep := range endpoints(t) {
		pull := sock(t, ctx, zring.PULL)
		push := sock(t, ctx, zring.PUSH)
		if _, ok := pull.Property("Socket-Type"); ok {
			t.Errorf("%s: a property before any frame", ep)
		}
		if err := push.Connect(bindAt(t, pull, ep)); err != nil {
			t.Fatal(err)
		}
		mustSendParts(t, push, "x")
		mustRecvParts(t, pull)
		st, stOK := pull.Property("Socket-Type")
		_, idOK := pull.Property("Identity")
		inproc := strings.HasPrefix(ep, "inproc")
		if idOK || inproc && stOK || !inproc && st != "PUSH" {
			t.Errorf("%s: Socket-Type %q, %v; Identity there: %v", ep, st, stOK, idOK)
		}
	}
}

// TestPropertyFollowsFrames: with two peers, the properties are those of
// the peer of the frame received last, also while Events holds the next
// message (received ahead to answer POLLIN), for the frames of a ROUTER
// notification, and for the raw connections of a STREAM socket (which
// have only Peer-Address).
func TestPropertyFollowsFrames(t *testing.T) {
	ctx := newCtx(t)
	r := sock(t, ctx, zring.ROUTER)
	r.SetOption(zring.RouterNotify, 2) // disconnect
	addr := bindAt(t, r, "tcp://127.0.0.1:0")
	region := func(s *zring.Socket) string { v, _ := s.Property("X-Region"); return v }
	var ds []*zring.Socket
	for _, reg := range []string{"eu", "us"} {
		d := sock(t, ctx, zring.DEALER)
		d.SetOption(zring.Metadata, "X-Region:"+reg)
		d.SetOption(zring.RoutingID, reg)
		d.Connect(addr)
		mustSendParts(t, d, "1", reg)
		ds = append(ds, d)
	}
	for range 2 {
		got := mustRecvParts(t, r)
		if region(r) != got[0] {
			t.Fatalf("message %q: X-Region %q", got, region(r))
		}
	}
	mustSendParts(t, ds[0], "eu")
	mustSendParts(t, ds[1], "us")
	first := mustRecvParts(t, r)
	// Events receives the other message ahead, once it is there.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if ev, _ := r.GetOptionInt(zring.Events); zring.PollEvents(ev)&zring.PollIn != 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no POLLIN: the second message did not come")
		}
	}
	if region(r) != first[0] {
		t.Fatalf("while Events holds the next message: X-Region %q, last message from %q", region(r), first[0])
	}
	second := mustRecvParts(t, r)
	if region(r) != second[0] || second[0] == first[0] {
		t.Fatalf("second message %q: X-Region %q", second, region(r))
	}
	// The notification that a peer went reports that peer, not the one
	// of the message before: close the first message's.
	gone := ds[0]
	if first[0] == "us" {
		gone = ds[1]
	}
	gone.Close()
	if got := mustRecvParts(t, r); fmt.Sprint(got) != fmt.Sprintf("[%s ]", first[0]) || region(r) != first[0] {
		t.Fatalf("disconnect notification %q: X-Region %q", got, region(r))
	}

	st := sock(t, ctx, zring.STREAM)
	c, err := net.Dial("tcp", tcpAddr(t, bindAt(t, st, "tcp://127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustRecvParts(t, st)
	pa, ok := st.Property("Peer-Address")
	_, stOK := st.Property("Socket-Type")
	if pa != "127.0.0.1" || !ok || stOK {
		t.Fatalf("STREAM: Peer-Address %q, %v; Socket-Type there: %v", pa, ok, stOK)
	}
}

// TestPropertyAllocs: reading a property allocates nothing.
func TestPropertyAllocs(t *testing.T) {
	r, _ := metaPeers(t, newCtx(t), "tcp://127.0.0.1:0")
	if n := testing.AllocsPerRun(100, func() {
		if v, _ := r.Property("X-Build"); v != "7" {
			t.Fatal(v)
		}
	}); n != 0 {
		t.Fatalf("Property: %v allocations", n)
	}
}
