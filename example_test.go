package zring_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zring/zring"
)

func Example() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()

	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.Bind("tcp://127.0.0.1:0")
	ep, _ := pull.GetOption(zring.LastEndpoint)

	push, _ := ctx.NewSocket(zring.PUSH)
	defer push.Close()
	push.Connect(ep.(string))
	push.Send([]byte("hello"), 0)

	msg, _ := pull.Recv(0)
	fmt.Println(string(msg))
	// Output: hello
}

func ExampleSocket_RecvMsg() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.Bind("inproc://example")
	push, _ := ctx.NewSocket(zring.PUSH)
	defer push.Close()
	push.Connect("inproc://example")

	m := zring.NewMsg(3)
	copy(m.Data, "abc")
	push.SendMsg(&m, 0) // the socket owns m's memory now

	var in zring.Msg
	pull.RecvMsg(&in, 0)
	fmt.Println(string(in.Data), in.More())
	in.Free() // back to the pool
	// Output: abc false
}

func ExampleSocket_SendMultipart() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	rep, _ := ctx.NewSocket(zring.REP)
	defer rep.Close()
	rep.Bind("inproc://rr")
	req, _ := ctx.NewSocket(zring.REQ)
	defer req.Close()
	req.Connect("inproc://rr")

	req.SendMultipart([][]byte{[]byte("sum"), []byte("1 2")}, 0)
	parts, _ := rep.RecvMultipart(0)
	fmt.Printf("%q\n", parts)
	rep.Send([]byte("3"), 0)
	reply, _ := req.Recv(0)
	fmt.Println(string(reply))
	// Output:
	// ["sum" "1 2"]
	// 3
}

func ExampleSocket_SetOption() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	s, _ := ctx.NewSocket(zring.PULL)
	defer s.Close()
	s.SetOption(zring.RcvHWM, 10000)
	s.SetOption(zring.RcvTimeo, 10)
	err := s.SetOption(zring.RcvHWM, -1)
	fmt.Println(errors.Is(err, zring.ErrInvalid))
	_, err = s.Recv(0)
	fmt.Println(errors.Is(err, zring.ErrAgain))
	// Output:
	// true
	// true
}

// Connecting through a SOCKS5 proxy: the endpoint's host name is left for
// the proxy to resolve.
func ExampleSocket_SetOption_socksProxy() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	s, _ := ctx.NewSocket(zring.DEALER)
	defer s.Close()
	s.SetOption(zring.Linger, 0)
	s.SetOption(zring.SOCKSProxy, "127.0.0.1:1080")
	s.SetOption(zring.SOCKSUsername, "user")
	s.SetOption(zring.SOCKSPassword, "secret")
	fmt.Println(s.Connect("tcp://service.internal.example:5555"))
	v, _ := s.GetOption(zring.SOCKSProxy)
	fmt.Printf("%s\n", v)
	// Output:
	// <nil>
	// 127.0.0.1:1080
}

func ExampleContext_Term() {
	ctx, _ := zring.NewContext(zring.IOThreads(2))
	s, _ := ctx.NewSocket(zring.PUSH)
	s.SetOption(zring.Linger, 0) // drop unsent messages on Close
	s.Connect("tcp://127.0.0.1:9")
	s.Send([]byte("never delivered"), zring.DontWait)
	s.Close()
	fmt.Println(ctx.Term())
	// Output: <nil>
}

// Spin sets how long a socket about to block keeps working (and doing its
// own connections' I/O) before it parks: longer for a dedicated latency
// box, 0 where no CPU may be burnt waiting. ZRING_SPIN does the same from
// the environment.
func ExampleSpin() {
	ctx, _ := zring.NewContext(zring.Spin(200 * time.Microsecond))
	defer ctx.Term()
	rep, _ := ctx.NewSocket(zring.REP)
	defer rep.Close()
	rep.Bind("tcp://127.0.0.1:0")
	ep, _ := rep.GetOption(zring.LastEndpoint)
	req, _ := ctx.NewSocket(zring.REQ)
	defer req.Close()
	req.Connect(ep.(string))

	req.Send([]byte("ping"), 0)
	q, _ := rep.Recv(0)
	rep.Send(append(q, '!'), 0)
	a, _ := req.Recv(0)
	fmt.Println(string(a))
	// Output: ping!
}

// WaitOnConnection(false) makes a socket blocked in Recv wait for its I/O
// loop to read the message, instead of waiting on its one connection
// itself (the default); ZRING_CONNWAIT=0 does the same from the
// environment. Both behave alike; the default is faster on a busy machine.
func ExampleWaitOnConnection() {
	ctx, _ := zring.NewContext(zring.WaitOnConnection(false))
	defer ctx.Term()
	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.Bind("tcp://127.0.0.1:0")
	ep, _ := pull.GetOption(zring.LastEndpoint)
	push, _ := ctx.NewSocket(zring.PUSH)
	defer push.Close()
	push.Connect(ep.(string))

	push.Send([]byte("hello"), 0)
	m, _ := pull.Recv(0)
	fmt.Println(string(m))
	// Output: hello
}

// SendOnConnection(false) sends every frame through the socket's pipe and
// its I/O loop, instead of letting the sending goroutine write small
// frames into the connection's buffer itself (the default);
// ZRING_CONNSEND=0 does the same from the environment. What arrives is the
// same either way, multipart messages included.
func ExampleSendOnConnection() {
	ctx, _ := zring.NewContext(zring.SendOnConnection(false))
	defer ctx.Term()
	a, _ := ctx.NewSocket(zring.PAIR)
	defer a.Close()
	a.Bind("tcp://127.0.0.1:0")
	ep, _ := a.GetOption(zring.LastEndpoint)
	b, _ := ctx.NewSocket(zring.PAIR)
	defer b.Close()
	b.Connect(ep.(string))

	b.SendMultipart([][]byte{[]byte("key"), []byte("value")}, 0)
	parts, _ := a.RecvMultipart(0)
	fmt.Printf("%s=%s\n", parts[0], parts[1])
	// Output: key=value
}

// Backend picks how the I/O loops wait: "netpoll" (the default), "epoll",
// or "uring", which falls back to epoll, with one log line, where the
// kernel refuses io_uring.
func ExampleBackend() {
	ctx, err := zring.NewContext(zring.Backend("uring"), zring.IOThreads(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ctx.Term()
	s, _ := ctx.NewSocket(zring.PULL)
	defer s.Close()
	fmt.Println(s.Bind("tcp://127.0.0.1:0"))
	_, err = zring.NewContext(zring.Backend("kqueue"))
	fmt.Println(errors.Is(err, zring.ErrInvalid))
	// Output:
	// <nil>
	// true
}

// Monitor publishes a socket's connection events on an inproc PAIR; a
// PAIR connected there reads them with RecvEvent.
func ExampleSocket_Monitor() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.Monitor("inproc://pull-events", zring.EventListening)
	events, _ := ctx.NewSocket(zring.PAIR)
	defer events.Close()
	events.Connect("inproc://pull-events")

	pull.Bind("tcp://127.0.0.1:0")
	ev, _ := events.RecvEvent(0)
	fmt.Println(ev.Event == zring.EventListening)
	// Output: true
}

// ExamplePoller waits on two sockets at once, as zmq_poll does.
func ExamplePoller() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	jobs, _ := ctx.NewSocket(zring.PULL)
	ctl, _ := ctx.NewSocket(zring.SUB)
	defer jobs.Close()
	defer ctl.Close()
	jobs.Bind("inproc://jobs")
	ctl.Bind("inproc://ctl")
	ctl.SetOption(zring.Subscribe, "")
	push, _ := ctx.NewSocket(zring.PUSH)
	defer push.Close()
	push.Connect("inproc://jobs")
	push.Send([]byte("job 1"), 0)

	p := zring.NewPoller()
	p.Add(jobs, zring.PollIn)
	p.Add(ctl, zring.PollIn)
	ready, _ := p.Wait(time.Second)
	for _, it := range ready {
		m, _ := it.Socket.Recv(0)
		fmt.Println(string(m))
	}
	// Output: job 1
}

// A DEALER tells a ROUTER about itself with ZMQ_METADATA; the ROUTER reads
// the properties of the connection each message came from.
func ExampleSocket_Property() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	router, _ := ctx.NewSocket(zring.ROUTER)
	defer router.Close()
	router.SetOption(zring.Linger, 0)
	router.Bind("tcp://127.0.0.1:0")
	ep, _ := router.GetOption(zring.LastEndpoint)

	dealer, _ := ctx.NewSocket(zring.DEALER)
	defer dealer.Close()
	dealer.SetOption(zring.Linger, 0)
	dealer.SetOption(zring.Metadata, "X-Region:eu-west")
	dealer.Connect(ep.(string))
	dealer.Send([]byte("job"), 0)

	router.RecvMultipart(0) // [routing id][job]
	region, _ := router.Property("X-Region")
	socketType, _ := router.Property("Socket-Type")
	address, _ := router.Property("Peer-Address")
	fmt.Println(region, socketType, address)
	// Output: eu-west DEALER 127.0.0.1
}

func ExampleSocket_RecvWithMetadata() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.SetOption(zring.Linger, 0)
	pull.Bind("tcp://127.0.0.1:0")
	ep, _ := pull.GetOption(zring.LastEndpoint)

	push, _ := ctx.NewSocket(zring.PUSH)
	defer push.Close()
	push.SetOption(zring.Linger, 0)
	push.SetOption(zring.Metadata, "X-Version:2")
	push.Connect(ep.(string))
	push.Send([]byte("hello"), 0)

	msg, md, _ := pull.RecvWithMetadata(0, "Socket-Type", "X-Version", "User-Id")
	fmt.Println(string(msg), md)
	// Output: hello map[Socket-Type:PUSH X-Version:2]
}

// A receive bounded by a context.Context: the deadline ends the wait with
// the context's error, and the socket is ready for the next call.
func ExampleSocket_RecvContext() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	pull, _ := ctx.NewSocket(zring.PULL)
	defer pull.Close()
	pull.Bind("inproc://example-context")

	deadline, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := pull.RecvContext(deadline, 0)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}

// A shared queue: REQ clients talk to a ROUTER frontend, REP workers to a
// DEALER backend, and the proxy between them runs until TERMINATE comes on
// its control socket.
func ExampleProxySteerable() {
	ctx, _ := zring.NewContext()
	defer ctx.Term()
	front, _ := ctx.NewSocket(zring.ROUTER)
	defer front.Close()
	front.Bind("inproc://clients")
	back, _ := ctx.NewSocket(zring.DEALER)
	defer back.Close()
	back.Bind("inproc://workers")
	control, _ := ctx.NewSocket(zring.PAIR)
	defer control.Close()
	control.Bind("inproc://control")
	steer, _ := ctx.NewSocket(zring.PAIR)
	defer steer.Close()
	steer.Connect("inproc://control")

	done := make(chan error)
	go func() { done <- zring.ProxySteerable(front, back, nil, control) }()

	worker, _ := ctx.NewSocket(zring.REP)
	defer worker.Close()
	worker.Connect("inproc://workers")
	client, _ := ctx.NewSocket(zring.REQ)
	defer client.Close()
	client.Connect("inproc://clients")

	client.Send([]byte("hello"), 0)
	req, _ := worker.Recv(0)
	worker.Send(append(req, " world"...), 0)
	reply, _ := client.Recv(0)
	fmt.Println(string(reply))

	steer.Send([]byte("TERMINATE"), 0)
	fmt.Println(<-done)
	// Output:
	// hello world
	// <nil>
}
