package interop

import (
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestConflate: a zring PULL with ZMQ_CONFLATE, fed by a libzmq PUSH while
// it does not read, holds only the last message: "a socket shall keep only
// one message in its inbound/outbound queue, this message being the last
// message received".
func TestConflate(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			cs := newContexts(t)
			pull, push := cs.socket(t, zringSide(zring.PULL)), cs.socket(t, libzmqSide(zring.PUSH))
			if err := pull.(*zringPeer).s.SetOption(zring.Conflate, 1); err != nil {
				t.Fatal(err)
			}
			link(t, tr, pull, push, zringImpl)
			for i := 0; i < 100; i++ {
				mustSend(t, push, [][]byte{[]byte(fmt.Sprint(i))})
			}
			time.Sleep(200 * time.Millisecond)
			expect(t, pull, frames("99"))
			expectNothing(t, pull, 50*time.Millisecond)
		})
	}
}
