package zmtp_test

import (
	"fmt"

	"github.com/zring/zring/internal/zmtp"
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

// A Decoder reads the frame stream after the handshake. Here the stream
// holds a two-frame message with a PING between its frames; the caller
// answers the PING and hands the message on once it is whole.
func ExampleDecoder() {
	stream := zmtp.AppendFrameHeader(nil, zmtp.FlagMore, 2)
	stream = append(stream, "id"...)
	stream = zmtp.AppendPing(stream, 50, []byte("c1"))
	stream = zmtp.AppendFrameHeader(stream, 0, 5)
	stream = append(stream, "hello"...)

	var d zmtp.Decoder
	d.Reset(zmtp.DecoderConfig{MaxMsgSize: -1, Direct: 32 << 10})
	for len(stream) > 0 {
		f, n, err := d.Next(stream)
		if err != nil {
			fmt.Println("close the connection:", err)
			return
		}
		switch f.Kind {
		case zmtp.FrameNone:
			fmt.Println("read more")
			return
		case zmtp.FrameMessage:
			fmt.Printf("frame %q first %v more %v\n", f.Body, f.First, f.Flags&zmtp.FlagMore != 0)
		case zmtp.FramePing:
			fmt.Printf("PING, TTL %d ds: answer with PONG %q\n", f.TTL, f.Body)
		}
		stream = stream[n:]
	}
	// Output:
	// frame "id" first true more true
	// PING, TTL 50 ds: answer with PONG "c1"
	// frame "hello" first false more false
}

// An Encoder writes a SUB's subscription message as the SUBSCRIBE command
// a ZMTP 3.1 peer expects, and leaves a large body to the caller's
// vectored write.
func ExampleEncoder() {
	var e zmtp.Encoder
	e.Reset(zmtp.EncoderConfig{CopyMax: 8, SubscriptionCommands: true})
	out, tail := e.AppendFrame(nil, 0, []byte("\x01news"))
	fmt.Printf("%q, tail %d bytes\n", out, len(tail))
	out, tail = e.AppendFrame(nil, 0, []byte("a body of 26 bytes, say..."))
	fmt.Printf("%q, tail %q\n", out, tail)
	// Output:
	// "\x04\x0e\tSUBSCRIBEnews", tail 0 bytes
	// "\x00\x1a", tail "a body of 26 bytes, say..."
}
