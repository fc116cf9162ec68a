package interop

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// TestMetadataOptionLibzmq: zring takes and refuses the same ZMQ_METADATA
// values as libzmq 4.3.4 (including its quirks: a 4-byte value is taken
// for an int and refused; a name given twice keeps its first value, which
// TestMetadataInterop checks on the wire).
func TestMetadataOptionLibzmq(t *testing.T) {
	cs := newContexts(t)
	for _, v := range []string{
		"X-key:value", "X-c:d:e", "X-sp: v ", "X-:::", "X-key:again",
		"X-" + strings.Repeat("k", 253) + ":v", "X-" + strings.Repeat("k", 254) + ":v",
		"Y-key:value", "x-key:value", "X-key:", ":value", "X-key", "X-", "X-:", "X-:v", "X-::",
	} {
		z := newZring(t, cs.z, zring.DEALER)
		l := newLibzmq(t, cs.l, zring.DEALER)
		zerr := z.s.SetOption(zring.Metadata, v)
		lerr := setsockoptBytes(l.s, zmqMetadata, []byte(v))
		if (zerr == nil) != (lerr == nil) || zerr != nil && !errors.Is(zerr, zring.ErrInvalid) {
			t.Errorf("ZMQ_METADATA %.24q: zring %v, libzmq %v", v, zerr, lerr)
		}
	}
}

// metaNames are the properties zmq_msg_gets(3) documents, and two of ours.
var metaNames = []string{"Socket-Type", "Identity", "Peer-Address", "User-Id", "Resource", "X-From", "X-Twice", "X-None"}

// TestMetadataInterop: a DEALER with ZMQ_ROUTING_ID and ZMQ_METADATA
// connects to a ROUTER of the other implementation and sends; the ROUTER
// reads the properties of the message's connection (zring:
// RecvWithMetadata; libzmq: zmq_msg_gets through RecvBytesWithMetadata),
// over tcp and ipc. Both report the same properties, under the same names
// and with the same values (for ipc, libzmq's "localhost:uid:gid:pid").
func TestMetadataInterop(t *testing.T) {
	ipcAddress := fmt.Sprintf("localhost:%d:%d:%d", os.Getuid(), os.Getgid(), os.Getpid())
	for _, transport := range transports {
		for _, dealer := range []impl{zringImpl, libzmqImpl} {
			router := zringImpl
			if dealer == zringImpl {
				router = libzmqImpl
			}
			t.Run(transport+"/"+string(dealer)+"_DEALER", func(t *testing.T) {
				cs := newContexts(t)
				r := cs.socket(t, side{router, zring.ROUTER})
				d := cs.socket(t, side{dealer, zring.DEALER})
				props := []string{"X-From:" + string(dealer), "X-Twice:first", "X-Twice:second"}
				setBoth(t, d, func(s *zring.Socket) error {
					for _, p := range props {
						if err := s.SetOption(zring.Metadata, p); err != nil {
							return err
						}
					}
					return s.SetOption(zring.RoutingID, "dd")
				}, func(s *zmq.Socket) error {
					for _, p := range props {
						if err := setsockoptBytes(s, zmqMetadata, []byte(p)); err != nil {
							return err
						}
					}
					return s.SetIdentity("dd")
				})
				link(t, transport, r, d, router)
				mustSend(t, d, frames("hi"))
				var got [][]byte
				var md map[string]string
				var err error
				switch r := r.(type) {
				case *zringPeer:
					var id []byte
					id, md, err = r.s.RecvWithMetadata(0, metaNames...)
					got = append(got, id)
					if err == nil {
						var rest [][]byte
						rest, err = r.s.RecvMultipart(0)
						got = append(got, rest...)
					}
				case *libzmqPeer:
					got, md, err = r.s.RecvMessageBytesWithMetadata(0, metaNames...)
				}
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(got, frames("dd", "hi")); d != "" {
					t.Fatalf("%v received %s", r, d)
				}
				address := "127.0.0.1"
				if transport == "ipc" {
					address = ipcAddress
				}
				want := fmt.Sprint(map[string]string{"Socket-Type": "DEALER", "Identity": "dd",
					"Peer-Address": address, "X-From": string(dealer), "X-Twice": "first"})
				if fmt.Sprint(md) != want {
					t.Fatalf("%v read %v\nwant %s", r, md, want)
				}
			})
		}
	}
}
