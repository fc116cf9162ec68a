package interop

import (
	"bytes"
	"testing"

	"github.com/zring/zring"
)

// TestStream: a libzmq STREAM socket connects to a zring STREAM socket,
// each on its own side of a raw TCP connection, and the other way round.
// Both see the connect notification ([id][empty]), bytes pass both ways
// as [id][data], and a zero-length message from zring closes the
// connection, which libzmq sees as the disconnect notification; zring,
// which asked for the close, is not notified of it (as libzmq is not).
func TestStream(t *testing.T) {
	for _, zringBinds := range []bool{true, false} {
		name := "libzmq_connects"
		if !zringBinds {
			name = "zring_connects"
		}
		t.Run(name, func(t *testing.T) {
			cs := newContexts(t)
			z, l := cs.socket(t, zringSide(zring.STREAM)), cs.socket(t, libzmqSide(zring.STREAM))
			if zringBinds {
				link(t, "tcp", z, l, zringImpl)
			} else {
				link(t, "tcp", l, z, libzmqImpl)
			}
			zid := recvNote(t, z)
			lid := recvNote(t, l)
			mustSend(t, l, [][]byte{lid, []byte("from libzmq")})
			expectStream(t, z, zid, "from libzmq")
			mustSend(t, z, [][]byte{zid, []byte("from zring")})
			expectStream(t, l, lid, "from zring")
			mustSend(t, z, [][]byte{zid, {}}) // close
			if got := recvNote(t, l); !bytes.Equal(got, lid) {
				t.Fatalf("libzmq: disconnect of %q, want %q", got, lid)
			}
			if m, err := z.recv(zring.DontWait); !isAgain(err) {
				t.Fatalf("zring received %s, %v after its own close; want nothing", show(m), err)
			}
		})
	}
}

// recvNote receives a notification, [id][empty], and returns the id.
func recvNote(t *testing.T, p peer) []byte {
	t.Helper()
	m, err := p.recv(0)
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
	if len(m) != 2 || len(m[1]) != 0 {
		t.Fatalf("%v received %s, want [id][empty]", p, show(m))
	}
	return m[0]
}

// expectStream receives data from id until want has arrived (TCP may cut
// it anywhere).
func expectStream(t *testing.T, p peer, id []byte, want string) {
	t.Helper()
	var got []byte
	for len(got) < len(want) {
		m, err := p.recv(0)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if len(m) != 2 || !bytes.Equal(m[0], id) {
			t.Fatalf("%v received %s, want [%q][data]", p, show(m), id)
		}
		got = append(got, m[1]...)
	}
	if string(got) != want {
		t.Fatalf("%v received %q, want %q", p, got, want)
	}
}
