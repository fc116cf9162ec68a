package interop

import (
	"fmt"
	"testing"

	"github.com/zring/zring"
)

// TestRepServesManyRequesters: a REP "receives from all clients" (fair
// queue) and each reply goes back to "the client that issued the last
// request". Several libzmq REQs and DEALERs use one zring REP at once;
// each must get exactly its own replies.
func TestRepServesManyRequesters(t *testing.T) {
	const (
		clients = 4 // half REQ, half DEALER
		rounds  = 300
	)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			cs := newContexts(t)
			rep := newZring(t, cs.z, zring.REP)
			ep, err := rep.bind(wildcard(t, tr, zringImpl))
			if err != nil {
				t.Fatal(err)
			}
			var waits []func()
			defer func() {
				for _, w := range waits {
					w()
				}
			}()
			for c := 0; c < clients; c++ {
				typ := zring.REQ
				if c%2 == 1 {
					typ = zring.DEALER
				}
				p := newLibzmq(t, cs.l, typ)
				if err := p.connect(ep); err != nil {
					t.Fatal(err)
				}
				// The client's goroutine owns p from here on.
				waits = append(waits, background(t, func() error {
					var env [][]byte
					if typ == zring.DEALER {
						env = [][]byte{{}}
					}
					for i := 0; i < rounds; i++ {
						body := frames(fmt.Sprintf("client %d", c), fmt.Sprint(i))
						if err := p.send(append(env, body...), 0); err != nil {
							return fmt.Errorf("%v (client %d) send %d: %w", p, c, i, err)
						}
						got, err := p.recv(0)
						if err != nil {
							return fmt.Errorf("%v (client %d) recv %d: %w", p, c, i, err)
						}
						if d := diff(got, append(env, reply(body)...)); d != "" {
							return fmt.Errorf("%v (client %d) reply %d: %s", p, c, i, d)
						}
					}
					return nil
				}))
			}
			for i := 0; i < clients*rounds; i++ {
				m, err := rep.recv(0)
				if err != nil {
					t.Fatalf("%v recv %d of %d: %v", rep, i, clients*rounds, err)
				}
				mustSend(t, rep, reply(m))
			}
		})
	}
}
