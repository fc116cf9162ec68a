package interop

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestDuplicateRoutingIDInterop: two raw DEALERs announce the same routing
// id to a ROUTER of each implementation, with and without
// ZMQ_ROUTER_HANDOVER. Both ROUTERs must route alike, deliver alike, and
// leave the two connections open or closed alike.
func TestDuplicateRoutingIDInterop(t *testing.T) {
	for _, handover := range []int{0, 1} {
		t.Run(fmt.Sprint("handover=", handover), func(t *testing.T) {
			var out [2][]string
			for i, im := range []impl{libzmqImpl, zringImpl} {
				cs := newContexts(t)
				router := cs.socket(t, side{im, zring.ROUTER})
				setBoth(t, router, func(s *zring.Socket) error { return s.SetOption(zring.RouterHandover, handover) },
					func(s *zmq.Socket) error { return s.SetRouterHandover(handover == 1) })
				ep, err := router.bind(wildcard(t, "tcp", im))
				if err != nil {
					t.Fatal(err)
				}
				// drain takes what arrives until 300 ms pass without any.
				drain := func() {
					for quiet := time.Now(); time.Since(quiet) < 300*time.Millisecond; time.Sleep(5 * time.Millisecond) {
						for {
							m, err := router.recv(zring.DontWait)
							if err != nil {
								break
							}
							out[i] = append(out[i], "recv "+show(m))
							quiet = time.Now()
						}
					}
				}
				var peers [2]*rawZMTP
				for k := range peers {
					peers[k] = dialRawZMTPProps(t, ep, 1, "DEALER", "Identity", "dup")
					peers[k].write(rawFrame(0, []byte(fmt.Sprint("from ", k))))
					drain()
				}
				// The first peer again, after the second came.
				peers[0].write(rawFrame(0, []byte("from 0 again")))
				drain()
				mustSend(t, router, frames("dup", "to dup"))
				time.Sleep(50 * time.Millisecond)
				for k, p := range peers {
					p.c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
					_, body, err := p.read()
					state := "got " + string(body)
					if err != nil {
						state = "error"
						if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
							state = "nothing, open"
						}
					}
					out[i] = append(out[i], fmt.Sprintf("peer %d: %s", k, state))
				}
			}
			if fmt.Sprint(out[0]) != fmt.Sprint(out[1]) {
				t.Errorf("libzmq: %q\nzring:  %q", out[0], out[1])
			}
			t.Logf("%q", out[0])
		})
	}
}
