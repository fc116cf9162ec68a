package sockets

import (
	"errors"
	"testing"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// TestStreamCloseForgets: a connection the application closes ([id][])
// is forgotten once its session lets go of the pipes, so that a STREAM
// server closing connection after connection holds no memory for them;
// nothing the connection brings after the close, its disconnect
// notification included, is received.
func TestStreamCloseForgets(t *testing.T) {
	for _, raw := range []bool{false, true} {
		o := DefaultOptions(STREAM)
		var pat pattern = newStream(&o)
		r := pat.(*stream).r
		if raw {
			o = DefaultOptions(ROUTER)
			o.RouterRaw = true
			r = newRouter(&o)
			pat = rawRouter{r}
		}
		for i := 0; i < 3; i++ {
			p := loop.NewPeer(10, 10, "tcp://x")
			pat.attach(p)
			p.In.Write(ring.Msg{}) // the session's connect notification
			p.In.Flush()
			got := recvAll(t, pat)
			if len(got) != 2 || got[1] != "" {
				t.Fatalf("raw %v: received %q, want the notification", raw, got)
			}
			id := got[0][:len(got[0])-1] // without the "+"
			if err := sendFrames(pat, id, ""); err != nil {
				t.Fatalf("raw %v: close: %v", raw, err)
			}
			if !p.Out.Closed() {
				// What the session sees: Out closed once it has read all.
				if _, ok := p.Out.Read(); ok || !p.Out.Closed() {
					t.Fatalf("raw %v: Out not closed after [id][]", raw)
				}
			}
			// The session: what it had read, its disconnect notification,
			// then its end.
			m := ring.NewMsg(4)
			copy(m.Data, "late")
			p.In.Write(m)
			p.In.Write(ring.Msg{})
			p.In.Flush()
			p.In.Close()
			p.Out.Detach()
			pat.detach(p)
			if got := recvAll(t, pat); len(got) != 0 {
				t.Fatalf("raw %v: received %q after the close", raw, got)
			}
			err := sendFrames(pat, id, "x")
			if !raw && !errors.Is(err, errno.EHOSTUNREACH) || raw && err != nil {
				t.Fatalf("raw %v: send to the closed id: %v", raw, err)
			}
		}
		if len(r.ids) != 0 || len(r.byID) != 0 || len(r.in.peers) != 0 || len(r.notes) != 0 {
			t.Fatalf("raw %v: %d ids, %d routes, %d queued peers, %d notes left after every connection closed",
				raw, len(r.ids), len(r.byID), len(r.in.peers), len(r.notes))
		}
	}
}
