// Command gnet_local_lat is libzmq's local_lat on a gnet event loop: it
// binds, accepts a ZMTP 3.1 (NULL) REQ peer as a REP and echoes
// roundtrip-count requests, [empty delimiter][body], both frames back.
//
//	gnet_local_lat <bind-to> <message-size> <roundtrip-count>
//
// Default ("loop" mode): the reply is written from inside OnTraffic, the
// two frame headers and the body coalesced into one buffer and one
// Conn.Write (GNETPROBE_WRITE=writev: headers and body as two iovecs with
// Conn.Writev). GNETPROBE_MODE=pipe: the request goes over a ring.Pipe to
// the main goroutine, which answers with Conn.AsyncWrite (or AsyncWritev),
// the only way gnet lets a goroutine other than the loop write.
package main

import (
	"fmt"
	"os"
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
	"github.com/zring/zring/bench/gnetprobe/internal/probe"
	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

func badRequest(why string) {
	fmt.Fprintln(os.Stderr, "bad request:", why)
	os.Exit(1)
}

// echoSink is REP inside the loop.
type echoSink struct {
	size, count, n int
	delim          bool // the empty delimiter has arrived
	writev         bool
	out            []byte
	iov            [][]byte
	mem            probe.Mem
	memstats       bool
	done           chan struct{}
}

func (k *echoSink) Frame(s *probe.Session, flags byte, body []byte) bool {
	if !k.delim {
		if len(body) != 0 || flags&zmtp.FlagMore == 0 {
			badRequest("no empty delimiter")
		}
		k.delim = true
		return true
	}
	if flags&zmtp.FlagMore != 0 {
		badRequest("multipart body")
	}
	if len(body) != k.size {
		fmt.Println("message of incorrect size received")
		os.Exit(1)
	}
	k.delim = false
	out := zmtp.AppendFrameHeader(k.out[:0], zmtp.FlagMore, 0)
	out = zmtp.AppendFrameHeader(out, 0, len(body))
	var err error
	if k.writev {
		k.iov = append(k.iov[:0], out, body)
		_, err = s.Conn.Writev(k.iov)
	} else {
		out = append(out, body...)
		_, err = s.Conn.Write(out)
	}
	k.out = out
	if err != nil {
		probe.Die("zmq_sendmsg", err)
	}
	k.n++
	if k.n == 1 && k.memstats {
		k.mem = probe.Snap()
	}
	if k.n == k.count {
		close(k.done)
	}
	return true
}

func (k *echoSink) BigStart(_ *probe.Session, _ byte, size int) []byte { return make([]byte, size) }
func (k *echoSink) BigEnd(s *probe.Session, flags byte, body []byte)   { k.Frame(s, flags, body) }
func (k *echoSink) Flush(*probe.Session)                               {}

func main() {
	ep, size, count := probe.Args("<bind-to> <message-size> <roundtrip-count>")
	env := probe.ReadEnv()
	var conns atomic.Int32
	var conn atomic.Pointer[gnet.Conn]

	k := &echoSink{size: size, count: count, writev: env.Writev, memstats: env.MemStats, done: make(chan struct{})}
	pipe := ring.NewPipe(probe.HWM)
	wake := make(probe.ChanWaker, 1)
	pipe.SetReaderWaker(wake)
	h := &probe.Handler{SocketType: "REP", NewSink: func(s *probe.Session) probe.Sink {
		if conns.Add(1) > 1 {
			probe.Die("accept", fmt.Errorf("a second connection; this probe takes one peer"))
		}
		if env.Pipe {
			conn.Store(&s.Conn)
			return probe.NewPipeSink(s, pipe)
		}
		return k
	}}
	go func() {
		if err := gnet.Run(h, ep, env.Options()...); err != nil {
			probe.Die("zmq_bind", err)
		}
	}()

	if !env.Pipe {
		<-k.done
		if env.MemStats {
			k.mem.Report("round trips 2..n", count-1)
		}
		os.Exit(0)
	}

	// Pipe mode: REP on the application goroutine. One request is in
	// flight at a time (REQ is lock-step), so the header buffer and the
	// written-callback's state are reused; the body goes back to its pool
	// once gnet has written it.
	var (
		hdr      []byte
		inFlight ring.Msg
		mem      probe.Mem
	)
	last := make(chan struct{})
	written := func(gnet.Conn, error) error { inFlight.Free(); return nil }
	lastWritten := func(gnet.Conn, error) error { inFlight.Free(); close(last); return nil }
	for i := 0; i < count; i++ {
		d := probe.Recv(pipe, wake)
		if len(d.Data) != 0 || !d.More() {
			badRequest("no empty delimiter")
		}
		b := probe.Recv(pipe, wake)
		if b.More() {
			badRequest("multipart body")
		}
		if len(b.Data) != size {
			fmt.Println("message of incorrect size received")
			os.Exit(1)
		}
		c := *conn.Load()
		hdr = zmtp.AppendFrameHeader(hdr[:0], zmtp.FlagMore, 0)
		hdr = zmtp.AppendFrameHeader(hdr, 0, len(b.Data))
		cb := written
		if i == count-1 {
			cb = lastWritten // wait for it below before exiting
		}
		var err error
		if env.Writev {
			inFlight = b
			err = c.AsyncWritev([][]byte{hdr, b.Data}, cb)
		} else {
			out := append(hdr, b.Data...)
			hdr = out
			b.Free()
			err = c.AsyncWrite(out, cb)
		}
		if err != nil {
			probe.Die("zmq_sendmsg", err)
		}
		if i == 0 && env.MemStats {
			mem = probe.Snap()
		}
	}
	<-last
	if env.MemStats {
		mem.Report("round trips 2..n", count-1)
	}
	os.Exit(0)
}
