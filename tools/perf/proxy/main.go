// Command proxy puts zring.Proxy in the path of the other perf tools: its
// frontend binds, its backend connects, and it forwards both ways until it
// gets SIGTERM or SIGINT, then exits with status 0. bench/libzmq/proxy.c is
// the same tool on libzmq's zmq_proxy.
//
//	proxy queue|streamer <frontend-bind-to> <backend-connect-to>
//
// queue is zmq_proxy's shared queue, a ROUTER frontend and a DEALER backend:
// remote_lat's REQ connects to the frontend, the backend connects to
// local_lat's REP. streamer is its streamer, PULL and PUSH: remote_thr's
// PUSH connects to the frontend, the backend to local_thr's PULL. It prints
// nothing but errors ("error in <call>: <reason>", exit status 1).
//
// ZRING_PERF_MECHANISM=plain or curve secures both connections with the
// credentials and keys of the other tools (perf.Secure): the frontend is a
// server, the backend a client. ZRING_PERF_CPUPROFILE=prefix writes a CPU
// profile of the whole run to prefix.proxy once it is stopped.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

const usage = "queue|streamer <frontend-bind-to> <backend-connect-to>"

// kinds are zmq_proxy's devices that the perf tools can stand at both ends
// of: frontend and backend socket types.
var kinds = map[string][2]zring.SocketType{
	"queue":    {zring.ROUTER, zring.DEALER},
	"streamer": {zring.PULL, zring.PUSH},
}

func main() {
	kind, ok := kinds[argAt(1)]
	if len(os.Args) != 4 || !ok {
		fmt.Printf("usage: %s %s\n", filepath.Base(os.Args[0]), usage)
		os.Exit(1)
	}
	os.Exit(run(kind, os.Args[2], os.Args[3]))
}

func argAt(i int) string {
	if i < len(os.Args) {
		return os.Args[i]
	}
	return ""
}

// run is the tool once its arguments are checked, apart from main so that
// the profile's deferred stop runs before the process exits.
func run(kind [2]zring.SocketType, frontEndpoint, backEndpoint string) int {
	defer perf.Profile()()
	// Notify before the sockets exist, so that a stop that comes while they
	// connect is not lost.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)

	ctx, front := perf.Open(kind[0], frontEndpoint, true)
	back := perf.Attach(ctx, kind[1], backEndpoint, false)
	// What is still queued when the run is stopped belongs to no one; set
	// now, since after Shutdown every call but Close fails.
	for _, s := range []*zring.Socket{front, back} {
		if err := s.SetOption(zring.Linger, 0); err != nil {
			perf.Die("zmq_setsockopt", err)
		}
	}
	go func() {
		<-stop
		ctx.Shutdown() // Proxy returns ErrTerm
	}()
	if err := zring.Proxy(front, back, nil); !errors.Is(err, zring.ErrTerm) {
		perf.Die("zmq_proxy", err)
	}
	front.Close()
	back.Close()
	if err := ctx.Term(); err != nil {
		perf.Die("zmq_ctx_term", err)
	}
	return 0
}
