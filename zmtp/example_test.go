package zmtp_test

import (
	"fmt"

	"github.com/zring/zring/zmtp"
)

// Two handshakes talk to each other in memory: what one outputs, the other
// inputs. A real caller moves the same bytes over a socket.
func ExampleHandshake() {
	client := zmtp.NewHandshake(zmtp.Config{SocketType: "DEALER", Identity: []byte("worker-7")})
	server := zmtp.NewHandshake(zmtp.Config{SocketType: "ROUTER"})

	var toServer, toClient []byte
	for !client.Done() || !server.Done() {
		toServer = client.Output(toServer)
		toClient = server.Output(toClient)
		n, err := server.Input(toServer)
		if err != nil {
			fmt.Println("server:", err)
			return
		}
		toServer = toServer[n:]
		if n, err = client.Input(toClient); err != nil {
			fmt.Println("client:", err)
			return
		}
		toClient = toClient[n:]
	}
	p := server.Peer()
	fmt.Printf("ZMTP %d.%d %s, peer is a %s with routing id %q\n", p.Major, p.Minor, p.Mechanism, p.SocketType, p.Identity)
	// Output: ZMTP 3.1 NULL, peer is a DEALER with routing id "worker-7"
}

func ExampleHandshake_incompatible() {
	h := zmtp.NewHandshake(zmtp.Config{SocketType: "PULL"})
	peer := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	peer = zmtp.AppendReady(peer, []zmtp.Property{{Name: "Socket-Type", Value: []byte("PUB")}})
	h.Output(nil) // our greeting
	_, err := h.Input(peer)
	fmt.Println(err)
	// Send this before closing: our READY, then an ERROR as RFC 37 asks.
	out := h.Output(nil)
	for len(out) > 0 {
		_, size, n, _ := zmtp.ParseFrameHeader(out, -1)
		name, data, _ := zmtp.ParseCommand(out[n : n+size])
		fmt.Printf("%s %q\n", name, data)
		out = out[n+size:]
	}
	// Output:
	// zmtp: incompatible socket type: we are PULL, peer is "PUB"
	// READY "\vSocket-Type\x00\x00\x00\x04PULL"
	// ERROR "\x18Incompatible Socket-Type"
}

func ExampleParseFrameHeader() {
	// Two frames of one message, as they might sit in a read buffer.
	buf := zmtp.AppendFrameHeader(nil, zmtp.FlagMore, 3)
	buf = append(buf, "key"...)
	buf = zmtp.AppendFrameHeader(buf, 0, 5)
	buf = append(buf, "value"...)
	for len(buf) > 0 {
		flags, size, n, err := zmtp.ParseFrameHeader(buf, 1<<20)
		if err != nil || n == 0 || len(buf) < n+size {
			break // close the connection on err; otherwise read more
		}
		fmt.Printf("more=%v %q\n", flags&zmtp.FlagMore != 0, buf[n:n+size])
		buf = buf[n+size:]
	}
	// Output:
	// more=true "key"
	// more=false "value"
}

func ExampleParseCommand() {
	frame := zmtp.AppendPing(nil, 50, []byte("seq-1"))
	_, size, n, _ := zmtp.ParseFrameHeader(frame, -1)
	name, data, _ := zmtp.ParseCommand(frame[n : n+size])
	if string(name) == "PING" {
		ttl, context, _ := zmtp.ParsePing(data)
		fmt.Printf("PING ttl %d.%ds, answer %q\n", ttl/10, ttl%10, zmtp.AppendPong(nil, context))
	}
	// Output: PING ttl 5.0s, answer "\x04\n\x04PONGseq-1"
}

func ExampleParseMetadata() {
	data := zmtp.AppendMetadata(nil, []zmtp.Property{
		{Name: "Socket-Type", Value: []byte("SUB")},
		{Name: "X-Region", Value: []byte("eu")},
	})
	zmtp.ParseMetadata(data, func(name, value []byte) error {
		fmt.Printf("%s=%s\n", name, value)
		return nil
	})
	// Output:
	// Socket-Type=SUB
	// X-Region=eu
}

func ExampleCompatible() {
	fmt.Println(zmtp.Compatible("REQ", "ROUTER"), zmtp.Compatible("REQ", "REQ"))
	// Output: true false
}
