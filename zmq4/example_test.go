package zmq4_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// Request-reply, the guide's hwserver and hwclient: a REP server answers
// each "Hello" with "World". Change the import path to
// github.com/pebbe/zmq4 and it runs the same over libzmq.
func Example_requestReply() {
	// hwserver
	responder, _ := zmq.NewSocket(zmq.REP)
	responder.Bind("tcp://127.0.0.1:*")
	endpoint, _ := responder.GetLastEndpoint()
	done := make(chan bool)
	go func() {
		defer close(done)
		defer responder.Close()
		for i := 0; i < 3; i++ {
			msg, _ := responder.Recv(0)
			fmt.Println("Received", msg)
			responder.Send("World", 0)
		}
	}()

	// hwclient
	requester, _ := zmq.NewSocket(zmq.REQ)
	defer requester.Close()
	requester.Connect(endpoint)
	for request := 0; request < 3; request++ {
		fmt.Println("Sending Hello", request)
		requester.Send("Hello", 0)
		reply, _ := requester.Recv(0)
		fmt.Println("Received", reply, request)
	}
	<-done

	// Output:
	// Sending Hello 0
	// Received Hello
	// Received World 0
	// Sending Hello 1
	// Received Hello
	// Received World 1
	// Sending Hello 2
	// Received Hello
	// Received World 2
}

// A pipeline, the guide's taskvent, taskwork and tasksink: a ventilator
// PUSHes tasks to workers, which PUSH their results to a sink. Terminating
// the context ends the workers, whose Recv returns ETERM.
func Example_pipeline() {
	context, _ := zmq.NewContext()

	// taskwork: a task is a workload in milliseconds, which a worker would
	// sleep for; here it only passes it on.
	workerReady, workerDone := make(chan bool), make(chan bool)
	worker := func() {
		defer func() { workerDone <- true }()
		receiver, _ := context.NewSocket(zmq.PULL)
		defer receiver.Close()
		receiver.Connect("inproc://ventilator")
		sender, _ := context.NewSocket(zmq.PUSH)
		defer sender.Close()
		sender.Connect("inproc://sink")
		workerReady <- true
		for {
			task, err := receiver.Recv(0)
			if zmq.AsErrno(err) == zmq.ETERM {
				return
			}
			sender.Send(task, 0)
		}
	}

	// tasksink
	receiver, _ := context.NewSocket(zmq.PULL)
	receiver.Bind("inproc://sink")

	// taskvent
	sender, _ := context.NewSocket(zmq.PUSH)
	sender.Bind("inproc://ventilator")
	for i := 0; i < 3; i++ {
		go worker()
	}
	for i := 0; i < 3; i++ {
		<-workerReady // "Press Enter when the workers are ready"
	}
	sink, _ := context.NewSocket(zmq.PUSH)
	sink.Connect("inproc://sink")
	sink.Send("0", 0) // the start of the batch
	receiver.Recv(0)  // the sink waits for it
	total := 0
	for task := 0; task < 100; task++ {
		workload := task%10 + 1
		total += workload
		sender.Send(strconv.Itoa(workload), 0)
	}
	fmt.Printf("Total expected cost: %d msec\n", total)

	// The sink collects the 100 results.
	results, cost := 0, 0
	for ; results < 100; results++ {
		s, _ := receiver.Recv(0)
		n, _ := strconv.Atoi(s)
		cost += n
	}
	fmt.Printf("Received %d results, total workload %d msec\n", results, cost)

	sink.Close()
	sender.Close()
	receiver.Close()
	context.Term()
	for i := 0; i < 3; i++ {
		<-workerDone
	}

	// Output:
	// Total expected cost: 550 msec
	// Received 100 results, total workload 550 msec
}

// Publish-subscribe through a proxy, the guide's wuserver, wuproxy and
// wuclient: the proxy subscribes upstream with an XSUB socket on behalf of
// the subscribers of its XPUB socket. Proxy returns ETERM when the context
// is terminated.
func Example_pubSubProxy() {
	context, _ := zmq.NewContext()

	// wuserver: weather updates, "zipcode temperature relhumidity".
	publisher, _ := context.NewSocket(zmq.PUB)
	publisher.SetLinger(0)
	publisher.Bind("inproc://weather")
	go func() {
		defer publisher.Close()
		for {
			for zipcode := 10001; zipcode <= 10003; zipcode++ {
				temperature := zipcode - 10001 + 20
				_, err := publisher.Send(fmt.Sprintf("%05d %d %d", zipcode, temperature, 50), 0)
				if err != nil {
					return // ETERM
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()

	// wuproxy
	frontend, _ := context.NewSocket(zmq.XSUB)
	frontend.Connect("inproc://weather")
	backend, _ := context.NewSocket(zmq.XPUB)
	backend.Bind("inproc://weather-proxy")
	proxied := make(chan error)
	go func() {
		err := zmq.Proxy(frontend, backend, nil)
		frontend.Close()
		backend.Close()
		proxied <- err
	}()

	// wuclient
	subscriber, _ := context.NewSocket(zmq.SUB)
	subscriber.Connect("inproc://weather-proxy")
	filter := "10001 "
	subscriber.SetSubscribe(filter)
	total := 0
	for n := 0; n < 5; n++ {
		msg, _ := subscriber.Recv(0)
		fields := strings.Fields(msg)
		temperature, _ := strconv.Atoi(fields[1])
		total += temperature
	}
	fmt.Printf("Average temperature for zipcode '%s' was %dF\n", strings.TrimSpace(filter), total/5)

	subscriber.Close()
	context.Term()
	fmt.Println("Proxy:", <-proxied)

	// Output:
	// Average temperature for zipcode '10001' was 20F
	// Proxy: Context was terminated
}

// A load-balancing broker, the guide's lbbroker: clients and workers are
// REQ sockets, the broker a ROUTER for each side. Workers say READY, and
// the broker hands each client's request to the worker that has waited
// longest; with no worker free it polls the backend alone, with one poller,
// else both sides, with another.
func Example_loadBalancingBroker() {
	const clients, workers = 6, 3
	context, _ := zmq.NewContext()

	frontend, _ := context.NewSocket(zmq.ROUTER)
	frontend.Bind("inproc://frontend")
	backend, _ := context.NewSocket(zmq.ROUTER)
	backend.Bind("inproc://backend")

	replies := make(chan string, clients)
	for i := 0; i < clients; i++ {
		go func() {
			client, _ := context.NewSocket(zmq.REQ)
			defer client.Close()
			identity := fmt.Sprintf("Client-%d", i)
			client.SetIdentity(identity)
			client.Connect("inproc://frontend")
			client.Send("HELLO", 0)
			reply, _ := client.Recv(0)
			replies <- identity + ": " + reply
		}()
	}
	workerReady, workerDone := make(chan bool), make(chan bool)
	for i := 0; i < workers; i++ {
		go func() {
			defer func() { workerDone <- true }()
			worker, _ := context.NewSocket(zmq.REQ)
			defer worker.Close()
			worker.Connect("inproc://backend")
			workerReady <- true
			worker.Send("READY", 0)
			for {
				// [client identity, "", request]
				msg, err := worker.RecvMessage(0)
				if err != nil {
					return // ETERM
				}
				msg[len(msg)-1] = "OK"
				worker.SendMessage(msg)
			}
		}()
	}

	for i := 0; i < workers; i++ {
		<-workerReady
	}

	backendOnly := zmq.NewPoller()
	backendOnly.Add(backend, zmq.POLLIN)
	both := zmq.NewPoller()
	both.Add(backend, zmq.POLLIN)
	both.Add(frontend, zmq.POLLIN)
	var ready []string // workers waiting for a request, longest first
	for served := 0; served < clients; {
		poller := backendOnly
		if len(ready) > 0 {
			poller = both
		}
		polled, err := poller.Poll(-1)
		if err != nil {
			break
		}
		for _, p := range polled {
			switch p.Socket {
			case backend:
				// [worker identity, "", "READY"] or
				// [worker identity, "", client identity, "", reply]
				msg, _ := backend.RecvMessage(0)
				ready = append(ready, msg[0])
				if msg[2] != "READY" {
					frontend.SendMessage(msg[2:])
					served++
				}
			case frontend:
				// [client identity, "", request]
				msg, _ := frontend.RecvMessage(0)
				backend.SendMessage(ready[0], "", msg)
				ready = ready[1:]
			}
		}
	}

	var got []string
	for i := 0; i < clients; i++ {
		got = append(got, <-replies)
	}
	slices.Sort(got)
	fmt.Println(strings.Join(got, "\n"))

	frontend.Close()
	backend.Close()
	context.Term()
	for i := 0; i < workers; i++ {
		<-workerDone
	}

	// Output:
	// Client-0: OK
	// Client-1: OK
	// Client-2: OK
	// Client-3: OK
	// Client-4: OK
	// Client-5: OK
}

// A Reactor runs a socket's handler and a channel's on one goroutine; Run
// returns the first error a handler returns.
func ExampleReactor() {
	pull, _ := zmq.NewSocket(zmq.PULL)
	defer pull.Close()
	pull.Bind("inproc://reactor-example")
	push, _ := zmq.NewSocket(zmq.PUSH)
	defer push.Close()
	push.Connect("inproc://reactor-example")

	jobs := make(chan interface{}, 3)
	for _, job := range []string{"one", "two", "three"} {
		jobs <- job
	}
	close(jobs)

	done := errors.New("done")
	received := 0
	reactor := zmq.NewReactor()
	reactor.AddChannel(jobs, 1, func(job interface{}) error {
		_, err := push.Send(job.(string), 0)
		return err
	})
	reactor.AddSocket(pull, zmq.POLLIN, func(zmq.State) error {
		msg, err := pull.Recv(0)
		if err != nil {
			return err
		}
		fmt.Println("Received", msg)
		if received++; received == 3 {
			return done
		}
		return nil
	})
	fmt.Println("Run:", reactor.Run(10*time.Millisecond))

	// Output:
	// Received one
	// Received two
	// Received three
	// Run: done
}
