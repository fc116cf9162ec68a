//go:build linux

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
// <name> <value> <unix ns>" for each monitor event with -events,
// "dropped <n>" for each of zring's drop events with -drops, "sent
// <n>" and "received <n>" at the end.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	drops := flag.Bool("drops", false, `print "dropped <n>" for each EventMessagesDropped (zring's per-peer drop counter; not with -events)`)
	socks := flag.Int("socks", 1, "open this many sockets of -type, configured and connected alike; -recv receives on all, recording the i-th's in -record's path + \".i\"")
	fill := flag.Bool("fill", false, "send until a Send fails (e.g. SNDTIMEO), at most -send messages when > 0; print \"filled <n> <error> <ns the last Send took> <ns the longest successful Send took>\", then wait")
	to := flag.String("to", "", "ROUTER: send every message to this routing id (with -fill)")
	mandatory := flag.Bool("mandatory", false, "ZMQ_ROUTER_MANDATORY")
	routingID := flag.String("id", "", "ZMQ_ROUTING_ID")
	waitUSR1 := flag.Bool("wait-usr1", false, "after ready, wait for SIGUSR1 before sending or receiving")
	countTopics := flag.Bool("count-topics", false, "SUB: count the distinct topics of the messages numbered -start or more; print \"first <unix ns>\" at the first, \"all-topics <unix ns>\" once all -topics have come, \"topics <n>\" at the end")
	echo := flag.Bool("echo", false, "send every message received back, all its frames (REP, ROUTER, DEALER, PAIR)")
	roundtrip := flag.Bool("roundtrip", false, "send numbered messages one at a time, each once the one before is answered (REQ, DEALER, PAIR); record the answers; print \"sent <n> <longest round trip, ns>\" at the end")
	maxStack := flag.Int("max-stack", 0, "debug.SetMaxStack in bytes, so that deep recursion fails loudly (0: Go's default)")
	mark := flag.Uint64("mark", 0, `receiver: print "mark <unix ns>" at the first message numbered this or above (0: off); with -topics also "mark-all <unix ns>" once those have carried every topic`)
	sentFile := flag.String("sent-file", "", "sender: keep the count of messages sent in this file (one mapped little-endian uint64), so that it survives a kill -9")
	stats := flag.Bool("stats", false, `print "stats fds <n> rss <bytes> heap <bytes> threads <n> goroutines <n>" at each SIGUSR1`)
	churn := flag.Int("churn", 0, "churn mode: this many create/bind/connect/send/recv/close cycles of a PULL and a PUSH over -transport (see runChurn)")
	transport := flag.String("transport", "tcp", "churn mode: tcp, ipc or inproc")
	sockets := flag.Int("sockets", 0, "sockets mode: this many sockets of -type connecting to -connect, idle until SIGTERM")
	readyAt := flag.Bool("ready-at", false, `after "ready", print "ready-at <unix ns>"`)
	connectTimeout := flag.Int("connect-timeout", 0, "ZMQ_CONNECT_TIMEOUT, ms (0: the kernel's)")
	hold := flag.Bool("hold", false, "sender: once -send messages went (with -send 0: at the first SIGTERM), print \"sent <n>\" and keep the socket open until (another) SIGTERM")
	flag.Parse()
	if *stats {
		serveStats()
	}
	if *churn > 0 {
		runChurn(*churn, *transport)
		return
	}
	if *sockets > 0 {
		runSockets(socketType(*typ), *sockets, *connect, *reconnectIvl)
		return
	}
	markAt, markTopics = *mark, *topics
	if *sentFile != "" {
		sentCount = openRecord(*sentFile, 0)
	}

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
	if *connectTimeout > 0 {
		check(s.SetOption(zring.ConnectTimeout, *connectTimeout))
	}
	if *typ == "SUB" {
		if *topics == 0 {
			check(s.SetOption(zring.Subscribe, ""))
		}
		for i := 0; i < *topics; i++ {
			check(s.SetOption(zring.Subscribe, topic(i)))
		}
	}
	if *routingID != "" {
		check(s.SetOption(zring.RoutingID, *routingID))
	}
	if *mandatory {
		check(s.SetOption(zring.RouterMandatory, 1))
	}
	if *maxStack > 0 {
		debug.SetMaxStack(*maxStack)
	}
	switch {
	case *events:
		printEvents(ctx, s, zring.EventAll, func(e zring.MonitorEvent) string {
			return fmt.Sprintf("event %s %d %d", eventName(e.Event), e.Value, time.Now().UnixNano())
		})
	case *drops:
		printEvents(ctx, s, zring.EventMessagesDropped, func(e zring.MonitorEvent) string {
			return fmt.Sprintf("dropped %d", e.Value)
		})
	}
	if *bind != "" {
		check(s.Bind(*bind))
	}
	if *connect != "" {
		check(s.Connect(*connect))
	}
	if *typ == "XSUB" {
		check(s.Send([]byte{1}, 0)) // subscribe to everything
	}
	extra := moreSockets(ctx, *socks-1, *typ, *connect, *sndhwm, *rcvhwm, *reconnectIvl, *linger, *topics)
	usr1 := make(chan os.Signal, 1)
	if *waitUSR1 {
		signal.Notify(usr1, syscall.SIGUSR1)
	}
	fmt.Println("ready")
	if *readyAt {
		fmt.Printf("ready-at %d\n", time.Now().UnixNano())
	}

	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	if *waitUSR1 {
		select {
		case <-usr1:
		case sig := <-term:
			term <- sig
		}
	}
	switch {
	case *fill:
		fillSend(s, *send, *start, *size, *to, term)
	case *echo:
		echoBack(s, term)
	case *roundtrip:
		n, longest := roundTrips(s, openRecord(*record, *recordCap), *size, term)
		fmt.Printf("sent %d %d\n", n, longest.Nanoseconds())
	case *countTopics:
		n := countDistinctTopics(s, *topics, *start, term)
		fmt.Printf("topics %d\n", n)
	case *socks > 1 && *recv && !*stall:
		n := recvMany(append([]*zring.Socket{s}, extra...), *record, *recordCap, *topics > 0, term)
		fmt.Printf("received %d\n", n)
	case *send >= 0:
		n := sendSeq(s, *send, *start, *size, *rate, *topics, term)
		fmt.Printf("sent %d\n", n)
		if *hold && (n == *send || *send == 0) {
			<-term // what is queued still goes out: the socket stays open
		}
	case *recv && !*stall:
		rec := openRecord(*record, *recordCap)
		n := recvSeq(s, rec, *topics > 0, term)
		fmt.Printf("received %d\n", n)
	default:
		<-term
	}
	for _, x := range extra {
		x.Close()
	}
	s.Close()
	if *events || *drops {
		os.Exit(0) // the monitor's socket holds the context, as in peer.py
	}
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
		if sentCount != nil {
			sentCount[0] = uint64(n)
		}
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
		noteMark(seq, b)
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

// printEvents monitors s for the events of mask and prints each as line
// makes it, from a goroutine of its own, until the context ends.
func printEvents(ctx *zring.Context, s *zring.Socket, mask zring.Event, line func(zring.MonitorEvent) string) {
	check(s.Monitor("inproc://peer-events", mask))
	mon, err := ctx.NewSocket(zring.PAIR)
	check(err)
	check(mon.Connect("inproc://peer-events"))
	go func() {
		for {
			e, err := mon.RecvEvent(0)
			if err != nil {
				return
			}
			fmt.Println(line(e))
		}
	}()
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

// The rest serves issue 12's death and churn scenarios (torture/death.go,
// torture/churn.go): -sent-file, -mark, -ready-at, -stats, -churn and
// -sockets.

// sentCount is -sent-file's mapped counter, nil without it.
var sentCount []uint64

// -mark: the first message numbered markAt or above, and the topics such
// messages have carried.
var (
	markAt     uint64
	markTopics int
	markFirst  bool
	markSeen   = map[int]bool{}
)

// noteMark prints "mark <unix ns>" at the first message numbered markAt or
// above, and with topics "mark-all <unix ns>" once such messages have
// carried every topic (the index is read from the topic, "t%06d").
func noteMark(seq uint64, b []byte) {
	if markAt == 0 || seq < markAt {
		return
	}
	if !markFirst {
		markFirst = true
		fmt.Printf("mark %d\n", time.Now().UnixNano())
	}
	if markTopics > 0 && len(markSeen) < markTopics && len(b) >= 7 {
		if i, err := strconv.Atoi(string(b[1:7])); err == nil {
			markSeen[i] = true
			if len(markSeen) == markTopics {
				fmt.Printf("mark-all %d\n", time.Now().UnixNano())
			}
		}
	}
}

// procStats is what -stats and -churn print: open fds, resident memory,
// live heap after a collection, threads and goroutines.
type procStats struct{ fds, rss, heap, threads, goroutines int }

func (p procStats) String() string {
	return fmt.Sprintf("fds %d rss %d heap %d threads %d goroutines %d", p.fds, p.rss, p.heap, p.threads, p.goroutines)
}

// readStats collects garbage and returns freed memory to the system first
// (peer.py does the same with gc.collect and malloc_trim), so that rss and
// heap say what is held, not what the allocator keeps for later.
func readStats() procStats {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p := procStats{heap: int(m.HeapAlloc), goroutines: runtime.NumGoroutine()}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		p.fds = len(ents)
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			p.rss = n << 10
		case "Threads:":
			p.threads = n
		}
	}
	return p
}

// serveStats prints "stats <procStats>" at each SIGUSR1.
func serveStats() {
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			fmt.Printf("stats %v\n", readStats())
		}
	}()
}

// runChurn is -churn: it prints "ready", and after 200 warm-up cycles
// (the runtime's and the library's caches grown to their working size)
// "base <stats>"; then it runs cycles of a PULL bound and a PUSH
// connected over transport, one message sent and received, both closed,
// waits up to 5 s for fds and goroutines to come back to the base and
// prints "end <stats> settle <ms> cycles <n> took <ms> ipc-left <files>".
// A failed cycle prints "error <cycle> <why>" and ends the peer.
func runChurn(cycles int, transport string) {
	fmt.Println("ready")
	ctx, err := zring.NewContext()
	check(err)
	dir, err := os.MkdirTemp("", "zring-churn-")
	check(err)
	endpoint := func(i int) string {
		switch transport {
		case "ipc":
			return fmt.Sprintf("ipc://%s/c%d", dir, i)
		case "inproc":
			return fmt.Sprintf("inproc://churn-%d", i)
		}
		return "tcp://127.0.0.1:*"
	}
	cycle := func(i int) error {
		pull, err := ctx.NewSocket(zring.PULL)
		if err != nil {
			return err
		}
		defer pull.Close()
		pull.SetOption(zring.Linger, 0)
		pull.SetOption(zring.RcvTimeo, 5000)
		if err := pull.Bind(endpoint(i)); err != nil {
			return err
		}
		ep, err := pull.GetOption(zring.LastEndpoint)
		if err != nil {
			return err
		}
		push, err := ctx.NewSocket(zring.PUSH)
		if err != nil {
			return err
		}
		defer push.Close()
		push.SetOption(zring.Linger, 0)
		push.SetOption(zring.SndTimeo, 5000)
		if err := push.Connect(ep.(string)); err != nil {
			return err
		}
		msg := []byte(fmt.Sprintf("cycle %d", i))
		if err := push.Send(msg, 0); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		got, err := pull.Recv(0)
		if err != nil {
			return fmt.Errorf("recv: %w", err)
		}
		if string(got) != string(msg) {
			return fmt.Errorf("received %q, sent %q", got, msg)
		}
		return nil
	}
	// Go's runtime opens its poller (an epoll fd and an eventfd) at the
	// first timer: open it before the base, as a program that has run a
	// while has.
	time.Sleep(time.Millisecond)
	for i := 0; i < 200; i++ {
		if err := cycle(-1 - i); err != nil {
			os.RemoveAll(dir)
			fmt.Printf("error warm-up %v\n", err)
			os.Exit(1)
		}
	}
	base := readStats()
	fmt.Printf("base %v\n", base)
	began := time.Now()
	for i := 0; i < cycles; i++ {
		if err := cycle(i); err != nil {
			os.RemoveAll(dir)
			fmt.Printf("error %d %v\n", i, err)
			os.Exit(1)
		}
	}
	took := time.Since(began)
	end := readStats()
	// Go keeps the OS threads it has made, parked: goroutines are what a
	// leak would leave behind.
	for end.fds > base.fds || end.goroutines > base.goroutines {
		if time.Since(began)-took > 5*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
		end = readStats()
	}
	left, _ := os.ReadDir(dir)
	os.RemoveAll(dir) // now: the scenario may end the peer once it has read "end"
	fmt.Printf("end %v settle %d cycles %d took %d ipc-left %d\n", end, (time.Since(began) - took).Milliseconds(),
		cycles, took.Milliseconds(), len(left))
	ctx.Term()
}

// runSockets is -sockets: n sockets of typ connecting to endpoint, idle
// until SIGTERM (with -stats, SIGUSR1 prints their process's stats).
func runSockets(typ zring.SocketType, n int, endpoint string, reconnectIvl int) {
	ctx, err := zring.NewContext()
	check(err)
	socks := make([]*zring.Socket, n)
	for i := range socks {
		s, err := ctx.NewSocket(typ)
		check(err)
		check(s.SetOption(zring.ReconnectIvl, reconnectIvl))
		check(s.SetOption(zring.Linger, 0))
		check(s.Connect(endpoint))
		socks[i] = s
	}
	fmt.Println("ready")
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	<-term
	for _, s := range socks {
		s.Close()
	}
	ctx.Term()
}

// moreSockets opens n more sockets like the first (-socks), connected to
// connect and subscribed alike.
func moreSockets(ctx *zring.Context, n int, typ, connect string, sndhwm, rcvhwm, reconnectIvl, linger, topics int) []*zring.Socket {
	var socks []*zring.Socket
	for i := 0; i < n; i++ {
		s, err := ctx.NewSocket(socketType(typ))
		check(err)
		check(s.SetOption(zring.SndHWM, sndhwm))
		check(s.SetOption(zring.RcvHWM, rcvhwm))
		check(s.SetOption(zring.ReconnectIvl, reconnectIvl))
		check(s.SetOption(zring.Linger, linger))
		if typ == "SUB" {
			if topics == 0 {
				check(s.SetOption(zring.Subscribe, ""))
			}
			for t := 0; t < topics; t++ {
				check(s.SetOption(zring.Subscribe, topic(t)))
			}
		}
		if connect != "" {
			check(s.Connect(connect))
		}
		socks = append(socks, s)
	}
	return socks
}

// recvMany receives on every socket until a signal, each on a goroutine of
// its own and into a record of its own (path.i), and returns how many
// messages came in all.
func recvMany(socks []*zring.Socket, path string, capacity int, topics bool, term chan os.Signal) uint64 {
	at := 0
	if topics {
		at = 7
	}
	var stop atomic.Bool
	var total atomic.Uint64
	var first sync.Once
	var wg sync.WaitGroup
	for i, s := range socks {
		var rec []uint64
		if path != "" {
			rec = openRecord(path+"."+strconv.Itoa(i), capacity)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.SetOption(zring.RcvTimeo, 100)
			var n uint64
			for !stop.Load() {
				b, err := s.Recv(0)
				if err != nil {
					continue
				}
				first.Do(func() { fmt.Printf("first %d\n", time.Now().UnixNano()) })
				total.Add(1)
				if len(b) < at+8 {
					continue
				}
				if rec != nil && int(n)+1 < len(rec) {
					rec[n+1] = binary.BigEndian.Uint64(b[at:])
					rec[0] = n + 1
				}
				n++
			}
		}()
	}
	<-term
	stop.Store(true)
	wg.Wait()
	return total.Load()
}

// fillSend sends numbered messages (to the routing id to, when set) until a
// Send fails or count have gone, says how many went and how the last Send
// ended, and then, with to, what a send to a routing id nobody has gives.
// It then waits for the signal to end, so the scenario can look at what the
// queues hold.
func fillSend(s *zring.Socket, count int64, start uint64, size int, to string, term chan os.Signal) {
	msg := make([]byte, max(size, 8))
	var n int64
	var last, longest time.Duration
	failed := "none"
	for count <= 0 || n < count {
		binary.BigEndian.PutUint64(msg, start+uint64(n))
		t := time.Now()
		var err error
		if to != "" {
			err = s.SendMultipart([][]byte{[]byte(to), msg}, 0)
		} else {
			err = s.Send(msg, 0)
		}
		last = time.Since(t)
		if err != nil {
			failed = errName(err)
			break
		}
		longest = max(longest, last)
		n++
	}
	fmt.Printf("filled %d %s %d %d\n", n, failed, last.Nanoseconds(), longest.Nanoseconds())
	if to != "" {
		err := s.SendMultipart([][]byte{[]byte("zt-nobody"), msg}, zring.DontWait)
		failed := "none"
		if err != nil {
			failed = errName(err)
		}
		fmt.Printf("unroutable %s\n", failed)
	}
	<-term
}

// errName is the errno name of a Send's error, as peer.py prints it.
func errName(err error) string {
	for _, e := range []struct {
		name string
		err  error
	}{{"EAGAIN", zring.ErrAgain}, {"EHOSTUNREACH", zring.ErrHostUnreachable}, {"EFSM", zring.ErrFSM}, {"ETERM", zring.ErrTerm}} {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	return strconv.Quote(err.Error())
}

// echoBack sends every message it receives back, until a signal.
func echoBack(s *zring.Socket, term chan os.Signal) {
	s.SetOption(zring.RcvTimeo, 100)
	for {
		select {
		case <-term:
			return
		default:
		}
		parts, err := s.RecvMultipart(0)
		if err != nil {
			continue
		}
		if err := s.SendMultipart(parts, 0); err != nil {
			fmt.Fprintln(os.Stderr, "echo:", err)
		}
	}
}

// roundTrips sends numbered messages one at a time, each once the answer
// to the one before has come, recording the answers' numbers, until a
// signal; it returns how many it sent and the longest round trip.
func roundTrips(s *zring.Socket, rec []uint64, size int, term chan os.Signal) (int64, time.Duration) {
	s.SetOption(zring.RcvTimeo, 100)
	msg := make([]byte, max(size, 8))
	var n int64
	var longest time.Duration
	for {
		binary.BigEndian.PutUint64(msg, uint64(n))
		t := time.Now()
		for {
			select {
			case <-term:
				return n, longest
			default:
			}
			err := s.Send(msg, 0)
			if err == nil {
				break
			}
			if !errors.Is(err, zring.ErrAgain) {
				fmt.Fprintln(os.Stderr, "send:", err)
				<-term
				return n, longest
			}
		}
		n++
		for {
			select {
			case <-term:
				return n, longest
			default:
			}
			b, err := s.Recv(0)
			if err != nil {
				continue
			}
			if n == 1 {
				fmt.Printf("first %d\n", time.Now().UnixNano())
			}
			if len(b) >= 8 && rec != nil && int(n) < len(rec) {
				rec[n] = binary.BigEndian.Uint64(b)
				rec[0] = uint64(n)
			}
			break
		}
		longest = max(longest, time.Since(t))
	}
}

// countDistinctTopics receives until a signal and counts the distinct
// topics of the messages numbered start or more.
func countDistinctTopics(s *zring.Socket, topics int, start uint64, term chan os.Signal) int {
	s.SetOption(zring.RcvTimeo, 100)
	seen := make([]bool, topics)
	distinct := 0
	for {
		select {
		case <-term:
			return distinct
		default:
		}
		b, err := s.Recv(0)
		if err != nil || len(b) < 15 || binary.BigEndian.Uint64(b[7:]) < start {
			continue
		}
		t, err := strconv.Atoi(string(b[1:7]))
		if err != nil || t < 0 || t >= topics || seen[t] {
			continue
		}
		if distinct == 0 {
			fmt.Printf("first %d\n", time.Now().UnixNano())
		}
		seen[t] = true
		distinct++
		if distinct == topics {
			fmt.Printf("all-topics %d\n", time.Now().UnixNano())
		}
	}
}
