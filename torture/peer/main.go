// Command peer is zring's side of a torture scenario: one socket in its own
// process, so that a scenario can kill it (-9), stop it (-STOP) or cut its
// network, and a figure measured on it is one a user would see. peer.py
// beside it is the same program on libzmq (pyzmq), with the same flags,
// messages, record file and output lines, so every scenario runs once with
// each and prints both figures.
//
// Messages carry a sequence number: an optional topic, then the number as
// 8 bytes big-endian, then padding to -size. A receiver records the
// sequence numbers it gets in a file mapped into its memory (-record), so
// that what it received survives a kill -9: the file is [count, seq...] as
// little-endian uint64s, count written after each seq.
//
// Lines on stdout, for the scenario to wait on: "ready" once bound or
// connected, "first <unix ns>" at the first message received, "event
// <name> <value> <unix ns>" for each monitor event with -events, "sent
// <n>" and "received <n>" at the end.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
	"unsafe"

	"github.com/zring/zring"
)

func main() {
	typ := flag.String("type", "PULL", "socket type")
	bind := flag.String("bind", "", "endpoint to bind")
	connect := flag.String("connect", "", "endpoint to connect")
	sndhwm := flag.Int("sndhwm", 1000, "ZMQ_SNDHWM")
	rcvhwm := flag.Int("rcvhwm", 1000, "ZMQ_RCVHWM")
	hbIvl := flag.Int("hb-ivl", 0, "ZMQ_HEARTBEAT_IVL, ms")
	hbTimeout := flag.Int("hb-timeout", 0, "ZMQ_HEARTBEAT_TIMEOUT, ms")
	hbTTL := flag.Int("hb-ttl", 0, "ZMQ_HEARTBEAT_TTL, ms")
	reconnectIvl := flag.Int("reconnect-ivl", 100, "ZMQ_RECONNECT_IVL, ms")
	linger := flag.Int("linger", 0, "ZMQ_LINGER, ms")
	sndtimeo := flag.Int("sndtimeo", -1, "ZMQ_SNDTIMEO, ms")
	topics := flag.Int("topics", 0, "SUB: subscribe to this many topics (0: everything); PUB: cycle through them")
	send := flag.Int64("send", -1, "send this many messages (0: until killed; -1: none)")
	start := flag.Uint64("start", 0, "first sequence number")
	size := flag.Int("size", 16, "message size in bytes (at least the topic and 8)")
	rate := flag.Int("rate", 0, "messages a second (0: as fast as the socket takes them)")
	recv := flag.Bool("recv", false, "receive and record")
	record := flag.String("record", "", "file the received sequence numbers go to")
	recordCap := flag.Int("record-cap", 1<<22, "most sequence numbers -record holds")
	stall := flag.Bool("stall", false, "connect (and subscribe) but never receive")
	events := flag.Bool("events", false, "print monitor events")
	flag.Parse()

	ctx, err := zring.NewContext()
	check(err)
	s, err := ctx.NewSocket(socketType(*typ))
	check(err)
	for _, o := range []struct {
		opt zring.Option
		v   int
	}{
		{zring.SndHWM, *sndhwm}, {zring.RcvHWM, *rcvhwm},
		{zring.HeartbeatIvl, *hbIvl}, {zring.HeartbeatTimeout, *hbTimeout}, {zring.HeartbeatTTL, *hbTTL},
		{zring.ReconnectIvl, *reconnectIvl}, {zring.Linger, *linger}, {zring.SndTimeo, *sndtimeo},
	} {
		check(s.SetOption(o.opt, o.v))
	}
	if *typ == "SUB" {
		if *topics == 0 {
			check(s.SetOption(zring.Subscribe, ""))
		}
		for i := 0; i < *topics; i++ {
			check(s.SetOption(zring.Subscribe, topic(i)))
		}
	}
	if *events {
		check(s.Monitor("inproc://peer-events", zring.EventAll))
		mon, err := ctx.NewSocket(zring.PAIR)
		check(err)
		check(mon.Connect("inproc://peer-events"))
		go func() {
			for {
				e, err := mon.RecvEvent(0)
				if err != nil {
					return
				}
				fmt.Printf("event %s %d %d\n", eventName(e.Event), e.Value, time.Now().UnixNano())
			}
		}()
	}
	if *bind != "" {
		check(s.Bind(*bind))
	}
	if *connect != "" {
		check(s.Connect(*connect))
	}
	fmt.Println("ready")

	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	switch {
	case *send >= 0:
		n := sendSeq(s, *send, *start, *size, *rate, *topics, term)
		fmt.Printf("sent %d\n", n)
	case *recv && !*stall:
		rec := openRecord(*record, *recordCap)
		n := recvSeq(s, rec, *topics > 0, term)
		fmt.Printf("received %d\n", n)
	default:
		<-term
	}
	s.Close()
	ctx.Term()
}

func topic(i int) string { return fmt.Sprintf("t%06d", i) }

// sendSeq sends count messages (0: until a signal) and returns how many
// went.
func sendSeq(s *zring.Socket, count int64, start uint64, size, rate, topics int, term chan os.Signal) int64 {
	msg := make([]byte, size)
	var every time.Duration
	if rate > 0 {
		every = time.Second / time.Duration(rate)
	}
	next := time.Now()
	var n int64
	for count == 0 || n < count {
		select {
		case <-term:
			return n
		default:
		}
		off := 0
		if topics > 0 {
			off = copy(msg, topic(int(start+uint64(n))%topics))
		}
		binary.BigEndian.PutUint64(msg[off:], start+uint64(n))
		if err := s.Send(msg[:max(size, off+8)], 0); err != nil {
			if errors.Is(err, zring.ErrAgain) {
				continue // SNDTIMEO: try again
			}
			fmt.Fprintln(os.Stderr, "send:", err)
			return n
		}
		n++
		if every > 0 {
			next = next.Add(every)
			if d := time.Until(next); d > 0 {
				time.Sleep(d)
			}
		}
	}
	return n
}

// recvSeq receives until a signal, recording each sequence number (after
// the topic, when the messages have topics).
func recvSeq(s *zring.Socket, rec []uint64, topics bool, term chan os.Signal) uint64 {
	at := 0
	if topics {
		at = 7
	}
	s.SetOption(zring.RcvTimeo, 100)
	var n uint64
	for {
		select {
		case <-term:
			return n
		default:
		}
		b, err := s.Recv(0)
		if err != nil {
			continue
		}
		if n == 0 {
			fmt.Printf("first %d\n", time.Now().UnixNano())
		}
		if len(b) < at+8 {
			continue
		}
		seq := binary.BigEndian.Uint64(b[at:])
		if rec != nil && int(n)+1 < len(rec) {
			rec[n+1] = seq
			rec[0] = n + 1
		}
		n++
	}
}

// openRecord maps the record file: capacity+1 uint64s, the first the
// count.
func openRecord(path string, capacity int) []uint64 {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	check(err)
	size := 8 * (capacity + 1)
	check(f.Truncate(int64(size)))
	b, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	check(err)
	return unsafeWords(b)
}

// unsafeWords views the mapped record as uint64s (little-endian, as the
// machines this runs on are).
func unsafeWords(b []byte) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
}

func socketType(name string) zring.SocketType {
	for _, t := range []zring.SocketType{zring.PAIR, zring.PUB, zring.SUB, zring.REQ, zring.REP, zring.DEALER, zring.ROUTER, zring.PULL, zring.PUSH, zring.XPUB, zring.XSUB} {
		if t.String() == name {
			return t
		}
	}
	fmt.Fprintln(os.Stderr, "unknown socket type", name)
	os.Exit(2)
	return 0
}

var eventNames = map[zring.Event]string{
	zring.EventConnected: "CONNECTED", zring.EventConnectDelayed: "CONNECT_DELAYED",
	zring.EventConnectRetried: "CONNECT_RETRIED", zring.EventListening: "LISTENING",
	zring.EventBindFailed: "BIND_FAILED", zring.EventAccepted: "ACCEPTED",
	zring.EventAcceptFailed: "ACCEPT_FAILED", zring.EventClosed: "CLOSED",
	zring.EventCloseFailed: "CLOSE_FAILED", zring.EventDisconnected: "DISCONNECTED",
	zring.EventMonitorStopped: "MONITOR_STOPPED", zring.EventHandshakeFailedNoDetail: "HANDSHAKE_FAILED_NO_DETAIL",
	zring.EventHandshakeSucceeded: "HANDSHAKE_SUCCEEDED", zring.EventHandshakeFailedProtocol: "HANDSHAKE_FAILED_PROTOCOL",
	zring.EventHandshakeFailedAuth: "HANDSHAKE_FAILED_AUTH",
}

func eventName(e zring.Event) string {
	if n, ok := eventNames[e]; ok {
		return n
	}
	return fmt.Sprintf("0x%x", uint32(e))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}
