package interop

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// TestHeartbeats: ZMTP heartbeats across implementations. The side with
// ZMQ_HEARTBEAT_IVL 10 ms, ZMQ_HEARTBEAT_TIMEOUT 150 ms and
// ZMQ_HEARTBEAT_TTL 300 ms sends PINGs; the other side, with no heartbeat
// options, must answer them (a PONG, or any traffic) and honour the TTL,
// so that 600 ms of idleness end no connection on either side; messages
// then still flow. zring heartbeating to libzmq, and libzmq to zring, on
// tcp and ipc. The timeout is five times what a heartbeat test needs:
// with 30 ms, a PONG held up that long by the race detector on a busy
// two-core CI machine (the whole interop suite runs in parallel) ended
// the connection once in a CI run, and this test is about the protocol,
// not about the scheduler.
func TestHeartbeats(t *testing.T) {
	for _, tr := range transports {
		for _, zringBeats := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/zring_heartbeats=%v", tr, zringBeats), func(t *testing.T) {
				t.Parallel()
				cs := newContexts(t)
				push, pull := cs.socket(t, zringSide(zring.PUSH)), cs.socket(t, libzmqSide(zring.PULL))
				zs, ls := push.(*zringPeer).s, pull.(*libzmqPeer).s
				if zringBeats {
					for opt, v := range map[zring.Option]int{zring.HeartbeatIvl: 10, zring.HeartbeatTimeout: 150, zring.HeartbeatTTL: 300} {
						if err := zs.SetOption(opt, v); err != nil {
							t.Fatal(err)
						}
					}
				} else {
					for _, set := range []func() error{
						func() error { return ls.SetHeartbeatIvl(10 * time.Millisecond) },
						func() error { return ls.SetHeartbeatTimeout(150 * time.Millisecond) },
						func() error { return ls.SetHeartbeatTtl(300 * time.Millisecond) },
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
				time.Sleep(600 * time.Millisecond)
				// Both sides' events, so that a failure says which side
				// saw the connection end (an ending either side started
				// shows on both).
				var ended []string
				if e, err := zmon.s.RecvEvent(zring.DontWait); err == nil {
					ended = append(ended, fmt.Sprintf("zring side: event %#x (value %d)", e.Event, e.Value))
				}
				if ev, _, v, err := lmon.RecvEvent(zmq.DONTWAIT); err == nil {
					ended = append(ended, fmt.Sprintf("libzmq side: event %v (value %d)", ev, v))
				}
				if len(ended) > 0 {
					t.Fatalf("during heartbeats: %v", ended)
				}
				mustSend(t, push, frames("after"))
				expect(t, pull, frames("after"))
			})
		}
	}
}
