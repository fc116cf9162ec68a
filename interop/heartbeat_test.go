package interop

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestHeartbeats: ZMTP heartbeats across implementations. The side with
// ZMQ_HEARTBEAT_IVL 10 ms, ZMQ_HEARTBEAT_TIMEOUT 30 ms and
// ZMQ_HEARTBEAT_TTL 100 ms sends PINGs; the other side, with no heartbeat
// options, must answer them (a PONG, or any traffic) and honour the TTL,
// so that 300 ms of idleness end no connection on either side; messages
// then still flow. zring heartbeating to libzmq, and libzmq to zring, on
// tcp and ipc.
func TestHeartbeats(t *testing.T) {
	for _, tr := range transports {
		for _, zringBeats := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/zring_heartbeats=%v", tr, zringBeats), func(t *testing.T) {
				t.Parallel()
				cs := newContexts(t)
				push, pull := cs.socket(t, zringSide(zring.PUSH)), cs.socket(t, libzmqSide(zring.PULL))
				zs, ls := push.(*zringPeer).s, pull.(*libzmqPeer).s
				if zringBeats {
					for opt, v := range map[zring.Option]int{zring.HeartbeatIvl: 10, zring.HeartbeatTimeout: 30, zring.HeartbeatTTL: 100} {
						if err := zs.SetOption(opt, v); err != nil {
							t.Fatal(err)
						}
					}
				} else {
					for _, set := range []func() error{
						func() error { return ls.SetHeartbeatIvl(10 * time.Millisecond) },
						func() error { return ls.SetHeartbeatTimeout(30 * time.Millisecond) },
						func() error { return ls.SetHeartbeatTtl(100 * time.Millisecond) },
					} {
						if err := set(); err != nil {
							t.Fatal(err)
						}
					}
				}
				// Monitors on both sides, for disconnections.
				zaddr, laddr := "inproc://hb-z-"+t.Name(), "inproc://hb-l-"+t.Name()
				if err := zs.Monitor(zaddr, zring.EventDisconnected); err != nil {
					t.Fatal(err)
				}
				zmon := newZring(t, cs.z, zring.PAIR)
				if err := zmon.s.Connect(zaddr); err != nil {
					t.Fatal(err)
				}
				if err := ls.Monitor(laddr, zmq.EVENT_DISCONNECTED); err != nil {
					t.Fatal(err)
				}
				lmon, err := cs.l.NewSocket(zmq.PAIR)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { lmon.Close() })
				lmon.SetLinger(0)
				if err := lmon.Connect(laddr); err != nil {
					t.Fatal(err)
				}
				link(t, tr, pull, push, libzmqImpl)
				mustSend(t, push, frames("before"))
				expect(t, pull, frames("before"))
				time.Sleep(300 * time.Millisecond)
				if e, err := zmon.s.RecvEvent(zring.DontWait); err == nil {
					t.Fatalf("zring side: event %#x during heartbeats", e.Event)
				}
				if ev, _, _, err := lmon.RecvEvent(zmq.DONTWAIT); err == nil {
					t.Fatalf("libzmq side: event %v during heartbeats", ev)
				}
				mustSend(t, push, frames("after"))
				expect(t, pull, frames("after"))
			})
		}
	}
}
