//go:build linux

package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Hostile bytes over real TCP: a raw Go client attacks a peer process of
// each implementation while a legitimate client of the same implementation
// keeps a checked stream or round trips going on the same bound socket.
// The inputs are those of libzmq's history that apply to what zring speaks
// (CVE-2019-6250's frame sizes near 2^64, GHSA-fc3w's malformed ZMTP 1.0
// and 2.0 bytes, handshakes never finished, a SUB flooding its PUB, a
// multipart message cut by a reset) and random bytes against every socket
// type. What must hold each time: the attacked process neither dies nor
// hangs, the legitimate client's stream stays whole and keeps moving, and
// the attacked process's file descriptors return to their baseline, its RSS
// to within 8 MiB of it. zring's peer runs with a 64 MiB stack limit
// (debug.SetMaxStack), so recursion driven by peer input would fail loudly.

func init() {
	register(Scenario{
		Name:   "hostile/cve-2019-6250-frame-sizes",
		About:  "Raw clients handshake with a ROUTER (ZMTP 3.0 and 2.0) and send a frame header announcing 2^64-1, 2^64-1024, 2^63, 2^63-1 and 2^62 bytes (CVE-2019-6250). Required: each connection closed at its header (within 2 s), the ROUTER alive, a DEALER's round trips beside them unbroken, fds back to baseline and RSS within 8 MiB of it.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return hostile(e, impl, "ROUTER", hugeFrames) },
	}, Scenario{
		Name:   "hostile/zmtp1-zmtp2-downgrade",
		About:  "Malformed ZMTP 1.0 and 2.0 bytes (GHSA-fc3w-qxf5-7hp6's kind: zero and 2^64-1 lengths, a short identity, long frames after a 2.0 greeting) against a ROUTER. Required: no crash or hang, a DEALER's round trips beside them unbroken, fds back to baseline and RSS within 8 MiB of it; which connections were closed is reported.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return hostile(e, impl, "ROUTER", downgrades) },
	}, Scenario{
		Name:   "hostile/500-pending-handshakes",
		About:  "500 raw connections to a PULL that never finish the handshake (half silent, half stopping after 10 bytes of greeting), while a PUSH sends 10,000 numbered messages (short: 2,000). Required: all of them arrive in order, fds and RSS per pending connection reported, fds back to baseline and RSS within 8 MiB of it once the 500 close.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return pendingHandshakes(e, impl) },
	}, Scenario{
		Name:   "hostile/sub-floods-pub",
		About:  "A raw SUB completes its handshake with a PUB and floods it with 1 KiB data frames for 10 s (short: 2 s) without reading. Required: the PUB keeps ≥ 90 % of its 2,000 msg/s, a real SUB beside it receives gap-free, the PUB's RSS grows ≤ 8 MiB during the flood, fds back to baseline after.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return hostile(e, impl, "PUB", subFlood) },
	}, Scenario{
		Name:   "hostile/more-frames-then-rst",
		About:  "Raw PUSH clients send a PULL 1,000 frames of a message all flagged MORE (one of them 1 MiB), then reset the connection, 50 times (short: 10). Required: no frame of theirs reaches the application, a real PUSH's stream beside them arrives gap-free, fds back to baseline and RSS within 8 MiB of it.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return hostile(e, impl, "PULL", moreThenReset) },
	}, Scenario{
		Name:   "hostile/random-bytes",
		About:  "10,000 seeds (short: 300) of random bytes per bound socket type (all 11), each a connection: random bytes; a valid greeting then random bytes; or, where the attacker's messages cannot reach the checked stream (PAIR, REP, ROUTER, PUB, XPUB), a full handshake then random frames. Required for every type: no crash or hang, the legitimate peer's stream or round trips unbroken, fds back to baseline and RSS within 8 MiB of it.",
		Short:  true,
		Libzmq: true,
		Run:    randomBytes,
	})
}

// hostileTarget is one bound socket type under attack and the legitimate
// client beside the attacker.
type hostileTarget struct {
	typ, partner   string   // the attacked (bound) socket's type, the legitimate client's
	bound, client  []string // their modes
	recordOnBound  bool     // the checked record is the bound socket's (else the client's)
	roundTrips     bool     // the record is of round trips, numbered from 0
	claim          string   // the socket type an attacker announces
	afterHandshake bool     // an attacker's messages cannot reach the checked record
}

var (
	streamOut = []string{"-send", "0", "-rate", "1000"}
	streamIn  = []string{"-recv"}
	echo      = []string{"-echo"}
	rtt       = []string{"-roundtrip"}
)

var hostileTargets = []hostileTarget{
	{"PAIR", "PAIR", echo, rtt, false, true, "PAIR", true},
	{"REP", "REQ", echo, rtt, false, true, "REQ", true},
	{"REQ", "REP", rtt, echo, true, true, "REP", false},
	{"ROUTER", "DEALER", echo, rtt, false, true, "DEALER", true},
	{"DEALER", "DEALER", echo, rtt, false, true, "DEALER", false},
	{"PULL", "PUSH", streamIn, streamOut, true, false, "PUSH", false},
	{"PUSH", "PULL", streamOut, streamIn, false, false, "PULL", false},
	{"PUB", "SUB", streamOut, streamIn, false, false, "SUB", true},
	{"XPUB", "SUB", streamOut, streamIn, false, false, "SUB", true},
	{"SUB", "PUB", streamIn, streamOut, true, false, "PUB", false},
	{"XSUB", "PUB", streamIn, streamOut, true, false, "PUB", false},
}

func targetOf(typ string) hostileTarget {
	for _, t := range hostileTargets {
		if t.typ == typ {
			return t
		}
	}
	panic("no hostile target " + typ)
}

// hostileSide is a running target: the attacked process, its legitimate
// client, and the attacked process's baseline.
type hostileSide struct {
	t               hostileTarget
	addr            string // host:port the attacked socket is bound to
	attacked, legit *Proc
	record          string
	fds             int
	rss             int64
}

// startTarget starts t's attacked process and its legitimate client, waits
// for their first message and takes the baseline. A port taken between
// Port and the bind (by another scenario's connection) is tried again.
func startTarget(e *Env, impl string, t hostileTarget, name string) (h *hostileSide, err error) {
	for try := 0; try < 3; try++ {
		if h, err = startTargetOnce(e, impl, t, name); err == nil || !strings.Contains(err.Error(), `"ready"`) {
			break
		}
	}
	return h, err
}

func startTargetOnce(e *Env, impl string, t hostileTarget, name string) (*hostileSide, error) {
	port, err := Port()
	if err != nil {
		return nil, err
	}
	h := &hostileSide{t: t, addr: fmt.Sprintf("127.0.0.1:%d", port),
		record: filepath.Join(e.Dir, fmt.Sprintf("%s-hostile-%s.rec", impl, name))}
	ep := "tcp://" + h.addr
	bound := append([]string{"-type", t.typ, "-bind", ep}, t.bound...)
	client := append([]string{"-type", t.partner, "-connect", ep}, t.client...)
	if t.recordOnBound {
		bound = append(bound, "-record", h.record)
	} else {
		client = append(client, "-record", h.record)
	}
	bound = append(bound, "-stats")
	if impl == "zring" {
		bound = append(bound, "-max-stack", strconv.Itoa(64<<20))
	}
	if h.attacked, err = e.Peer(impl, "", bound...); err != nil {
		return nil, err
	}
	if h.legit, err = e.Peer(impl, "", client...); err != nil {
		h.attacked.Kill()
		return nil, err
	}
	first := h.legit
	if t.recordOnBound {
		first = h.attacked
	}
	if _, err := first.Expect("first", 10*time.Second); err != nil {
		h.kill()
		return nil, fmt.Errorf("%s/%s: %w", t.typ, t.partner, err)
	}
	time.Sleep(300 * time.Millisecond) // settle
	if h.fds, h.rss, err = hostileStats(h.attacked); err != nil {
		h.kill()
		return nil, err
	}
	return h, nil
}

func (h *hostileSide) kill() {
	h.legit.Kill()
	h.attacked.Kill()
}

// settle checks h after an attack whose connections are all closed: the
// attacked process alive, its fds back to the baseline (waiting up to 5 s)
// and its RSS within 8 MiB; the legitimate stream still moving, then whole.
// It returns what failed, "" if nothing.
func (h *hostileSide) settle(r *Result, prefix string) string {
	var bad []string
	fds, rss := hostileSettled(h.attacked, h.fds)
	alive := procAlive(h.attacked.Pid)
	// Still moving: the record grows.
	n0 := recordLen(h.record)
	time.Sleep(500 * time.Millisecond)
	n1 := recordLen(h.record)
	h.legit.Stop(5 * time.Second)
	h.attacked.Stop(5 * time.Second)
	seqs, err := ReadRecord(h.record)
	r.Add(prefix+"fds", fmt.Sprintf("%d → %d", h.fds, fds))
	r.Add(prefix+"RSS", fmt.Sprintf("%s → %s", stallMiB(h.rss), stallMiB(rss)))
	r.Add(prefix+"legitimate messages", len(seqs))
	switch {
	case !alive:
		bad = append(bad, "the attacked process died")
	case fds > h.fds:
		bad = append(bad, fmt.Sprintf("%d fds left over", fds-h.fds))
	}
	if rss-h.rss > 8<<20 {
		bad = append(bad, fmt.Sprintf("RSS %s over its baseline", stallMiB(rss-h.rss)))
	}
	if n1 <= n0 {
		bad = append(bad, "the legitimate client's stream stopped")
	}
	legit, foreign := splitForeign(seqs)
	if err != nil || len(legit) == 0 {
		bad = append(bad, "no legitimate messages")
	} else {
		if g := recordGaps(legit); g > 0 {
			bad = append(bad, fmt.Sprintf("the legitimate stream lost %d", g))
		}
		if h.t.roundTrips && legit[0] != 0 {
			bad = append(bad, "round trips did not start at 0")
		}
	}
	if foreign > 0 {
		bad = append(bad, fmt.Sprintf("%d of the attacker's messages reached the legitimate stream", foreign))
	}
	return strings.Join(bad, ", ")
}

// splitForeign separates the numbers legitimate senders use from those no
// legitimate sender uses (an attacker's bytes taken as a message).
func splitForeign(seqs []uint64) (legit []uint64, foreign int) {
	for _, s := range seqs {
		if s >= 1<<40 {
			foreign++
		} else {
			legit = append(legit, s)
		}
	}
	return legit, foreign
}

// hostileStats asks a peer run with -stats for its open fds and RSS, measured
// after a garbage collection that returns free memory to the system (Go's
// debug.FreeOSMemory, Python's gc.collect and malloc_trim), so that RSS
// says what is held.
func hostileStats(p *Proc) (fds int, rss int64, err error) {
	p.Signal(syscall.SIGUSR1)
	l, err := p.Expect("stats ", 5*time.Second)
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(l)
	for i := 1; i+1 < len(f); i += 2 {
		switch f[i] {
		case "fds":
			fds, _ = strconv.Atoi(f[i+1])
		case "rss":
			rss, _ = strconv.ParseInt(f[i+1], 10, 64)
		}
	}
	return fds, rss, nil
}

// hostileSettled waits up to 5 s for p's fds to come back to base and returns its
// last stats.
func hostileSettled(p *Proc, base int) (fds int, rss int64) {
	for end := time.Now().Add(5 * time.Second); ; {
		fds, rss, err := hostileStats(p)
		if err != nil || fds <= base || time.Now().After(end) {
			return fds, rss
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// procAlive is whether pid is a running (not dead, not zombie) process.
func procAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

// An attack runs against the bound socket at addr and adds its figures; it
// returns what failed ("" for nothing). It closes every connection it made
// before returning.
type attack func(e *Env, h *hostileSide, r *Result) string

func hostile(e *Env, impl, typ string, a attack) (r Result) {
	r.Pass = true
	h, err := startTarget(e, impl, targetOf(typ), typ)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer h.kill()
	if bad := a(e, h, &r); bad != "" {
		r.Fail("%s", bad)
	}
	if bad := h.settle(&r, ""); bad != "" {
		r.Fail("%s", bad)
	}
	return r
}

// ZMTP on the wire, as a raw client writes it.

// greeting is a ZMTP 3.0 greeting for NULL, as a client.
func greeting() []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xFF, 0x7F, 3, 0
	copy(g[12:], "NULL")
	return g
}

// ready is a NULL READY command announcing socketType.
func ready(socketType string) []byte {
	body := []byte("\x05READY\x0bSocket-Type")
	body = binary.BigEndian.AppendUint32(body, uint32(len(socketType)))
	body = append(body, socketType...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// frame is a message frame (more: another follows), long-form when needed.
func frame(body []byte, more bool) []byte {
	var flags byte
	if more {
		flags = 1
	}
	if len(body) > 255 {
		b := binary.BigEndian.AppendUint64([]byte{flags | 2}, uint64(len(body)))
		return append(b, body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// zmtp2Greeting is a ZMTP 2.0 client's greeting: signature, revision 1,
// socket type, empty identity (RFC 15).
func zmtp2Greeting(socketType byte) []byte {
	return []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, socketType, 0, 0}
}

// dial opens a raw connection with a deadline for everything it does.
func dial(addr string, d time.Duration) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(d))
	return c.(*net.TCPConn), nil
}

// reset closes c with a TCP RST (SO_LINGER 0), leaving no TIME_WAIT.
func reset(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// closedWithin writes b on a new connection and says how long the peer took
// to close it (reading and discarding what it sends), or -1 if it had not
// within d.
func closedWithin(addr string, b []byte, d time.Duration) (time.Duration, error) {
	c, err := dial(addr, d)
	if err != nil {
		return 0, err
	}
	defer reset(c)
	start := time.Now()
	c.Write(b) // the peer may close before all is written
	if _, err := io.Copy(io.Discard, c); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return -1, nil
		}
	}
	return time.Since(start), nil
}

// hugeFrames is CVE-2019-6250's input: a frame header whose size is near
// 2^64, after a ZMTP 3.0 and a ZMTP 2.0 handshake.
func hugeFrames(e *Env, h *hostileSide, r *Result) string {
	var bad []string
	sizes := []uint64{1<<64 - 1, 1<<64 - 1024, 1 << 63, 1<<63 - 1, 1 << 62}
	for _, version := range []string{"zmtp3", "zmtp2"} {
		var got []string
		for _, size := range sizes {
			var b []byte
			if version == "zmtp3" {
				b = append(greeting(), ready(h.t.claim)...)
			} else {
				b = zmtp2Greeting(5) // DEALER
			}
			b = binary.BigEndian.AppendUint64(append(b, 0x02), size)
			b = append(b, make([]byte, 64)...)
			took, err := closedWithin(h.addr, b, 2*time.Second)
			switch {
			case err != nil:
				return err.Error()
			case took < 0:
				got = append(got, fmt.Sprintf("%#x: open", size))
				bad = append(bad, fmt.Sprintf("%s %#x kept open", version, size))
			default:
				got = append(got, fmt.Sprintf("%#x: closed in %v", size, took.Round(time.Millisecond)))
			}
		}
		r.Add(version, strings.Join(got, ", "))
	}
	return strings.Join(bad, ", ")
}

// downgrades are malformed ZMTP 1.0 and 2.0 inputs: the versions without
// a signature or with an old revision, where libzmq's decoders had heap
// overflows (GHSA-fc3w-qxf5-7hp6).
func downgrades(e *Env, h *hostileSide, r *Result) string {
	inputs := []struct {
		name string
		b    []byte
	}{
		// ZMTP 1.0: no signature; the first byte is the identity frame's
		// length, which counts its flags byte.
		{"1.0 zero-length frame", []byte{0x01, 0x00, 0x00, 0x00, 0x00, 0x00}},
		{"1.0 2^64-1 long frame", append([]byte{0x01, 0x00, 0xFF}, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00)},
		{"1.0 long frame of 0", append([]byte{0x01, 0x00, 0xFF}, 0, 0, 0, 0, 0, 0, 0, 0, 0x00)},
		{"1.0 identity longer than sent", []byte{0xFE, 0x00, 'a', 'b'}},
		{"1.0 frames of length 1, MORE", append([]byte{0x01, 0x00}, repeat([]byte{0x01, 0x01}, 5000)...)},
		// ZMTP 1.0 announced by a signature (revision 0), then garbage.
		{"signature, revision 0, zero frame", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 0, 0x01, 0x00, 0x00, 0x00}},
		// ZMTP 2.0: revision 1, then bad identities and frames.
		{"2.0 identity of 2^64-1", append([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 5, 0x02}, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"2.0 bad socket type", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 0xEE, 0, 0, 0, 4, 'a', 'b', 'c', 'd'}},
		{"2.0 frame flags 0xFF", append(zmtp2Greeting(5), 0xFF, 0x10, 'x')},
		{"2.0 frames of length 0, MORE", append(zmtp2Greeting(5), repeat([]byte{0x01, 0x00}, 5000)...)},
		{"2.0 long frame 2^63", append(zmtp2Greeting(5), 0x02, 0x80, 0, 0, 0, 0, 0, 0, 0)},
	}
	var got []string
	for _, in := range inputs {
		took, err := closedWithin(h.addr, in.b, time.Second)
		if err != nil {
			return err.Error()
		}
		if took < 0 {
			got = append(got, in.name+": open")
		} else {
			got = append(got, in.name+": closed")
		}
	}
	r.Add("connections", strings.Join(got, "; "))
	return ""
}

func repeat(b []byte, n int) []byte {
	var out []byte
	for i := 0; i < n; i++ {
		out = append(out, b...)
	}
	return out
}

// subFlood is a SUB that floods its PUB with data frames and never reads.
func subFlood(e *Env, h *hostileSide, r *Result) string {
	run := 10 * time.Second
	if e.Short {
		run = 2 * time.Second
	}
	c, err := dial(h.addr, run+5*time.Second)
	if err != nil {
		return err.Error()
	}
	defer reset(c)
	c.SetReadBuffer(4096) // read nothing, and hold little of the PUB's
	c.Write(append(greeting(), ready("SUB")...))
	payload := make([]byte, 1024)
	for i := range payload {
		payload[i] = 0xAB
	}
	batch := repeat(frame(payload, false), 64)
	base := procRSS(h.attacked.Pid)
	peak := base
	var sent int64
	stop := time.Now().Add(run)
	for time.Now().Before(stop) {
		c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		n, _ := c.Write(batch)
		sent += int64(n)
		peak = max(peak, procRSS(h.attacked.Pid))
	}
	r.Add("flood", fmt.Sprintf("%s in %v", stallMiB(sent), run))
	r.Add("PUB RSS growth during the flood", stallMiB(peak-base))
	if peak-base > 8<<20 {
		return fmt.Sprintf("the PUB's RSS grew by %s during the flood", stallMiB(peak-base))
	}
	return ""
}

// moreThenReset: raw PUSH clients send frames flagged MORE, never the last
// one, and reset the connection.
func moreThenReset(e *Env, h *hostileSide, r *Result) string {
	times := 50
	if e.Short {
		times = 10
	}
	small := frame(repeat([]byte{0xFF}, 16), true)
	big := frame(repeat([]byte{0xFF}, 1<<20), true)
	var bytes int64
	for i := 0; i < times; i++ {
		c, err := dial(h.addr, 5*time.Second)
		if err != nil {
			return err.Error()
		}
		b := append(greeting(), ready("PUSH")...)
		for j := 0; j < 1000; j++ {
			if j == 500 {
				b = append(b, big...)
			} else {
				b = append(b, small...)
			}
		}
		n, _ := c.Write(b)
		bytes += int64(n)
		time.Sleep(20 * time.Millisecond) // let the PULL take them in
		reset(c)
	}
	r.Add("MORE frames sent, then reset", fmt.Sprintf("%d connections, %s", times, stallMiB(bytes)))
	return ""
}

// pendingHandshakes: 500 connections that never finish the handshake
// beside a real PUSH.
func pendingHandshakes(e *Env, impl string) (r Result) {
	r.Pass = true
	count := 10000
	if e.Short {
		count = 2000
	}
	rec := filepath.Join(e.Dir, impl+"-hostile-pending.rec")
	pull, ep, err := boundPeer(e, impl, func(ep string) []string {
		args := []string{"-type", "PULL", "-bind", ep, "-recv", "-record", rec, "-stats"}
		if impl == "zring" {
			args = append(args, "-max-stack", strconv.Itoa(64<<20))
		}
		return args
	})
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	addr := strings.TrimPrefix(ep, "tcp://")
	defer pull.Kill()
	time.Sleep(300 * time.Millisecond)
	fds0, rss0, err := hostileStats(pull)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	var conns []*net.TCPConn
	defer func() {
		for _, c := range conns {
			reset(c)
		}
	}()
	for i := 0; i < 500; i++ {
		c, err := dial(addr, time.Minute)
		if err != nil {
			r.Fail("connection %d: %v", i, err)
			return r
		}
		if i%2 == 1 {
			c.Write(greeting()[:10])
		}
		conns = append(conns, c)
	}
	time.Sleep(500 * time.Millisecond)
	fds1, rss1, err := hostileStats(pull)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	push, err := e.Peer(impl, "", "-type", "PUSH", "-connect", "tcp://"+addr, "-send", strconv.Itoa(count), "-rate", "20000", "-hold")
	if err != nil {
		r.Fail("PUSH: %v", err)
		return r
	}
	defer push.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for recordLen(rec) < uint64(count) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	push.Stop(5 * time.Second)
	for _, c := range conns {
		reset(c)
	}
	conns = nil
	fds2, rss2 := hostileSettled(pull, fds0)
	alive := procAlive(pull.Pid)
	pull.Stop(5 * time.Second)
	seqs, err := ReadRecord(rec)
	if err != nil {
		r.Fail("record: %v", err)
		return r
	}
	s := checkSequence(seqs, uint64(count))
	r.Add("delivered", fmt.Sprintf("%d of %d", len(seqs), count))
	r.Add("fds per pending connection", fmt.Sprintf("%.2f", float64(fds1-fds0)/500))
	r.Add("RSS per pending connection", fmt.Sprintf("%.1f KiB", float64(rss1-rss0)/500/1024))
	r.Add("fds", fmt.Sprintf("%d → %d with the 500 → %d after", fds0, fds1, fds2))
	r.Add("RSS", fmt.Sprintf("%s → %s with the 500 → %s after", stallMiB(rss0), stallMiB(rss1), stallMiB(rss2)))
	if !alive {
		r.Fail("the PULL died")
	}
	if len(seqs) != count || s.duplicates+s.reordered+s.lost+s.tail > 0 {
		r.Fail("%d of %d delivered (%d duplicates, %d reordered, %d lost)", len(seqs), count, s.duplicates, s.reordered, s.lost+s.tail)
	}
	if fds2 > fds0 {
		r.Fail("%d fds left over", fds2-fds0)
	}
	if rss2-rss0 > 8<<20 {
		r.Fail("RSS %s over its baseline", stallMiB(rss2-rss0))
	}
	return r
}

// randomBytes attacks every socket type at once, each with its own
// legitimate client, with seeds of random bytes.
func randomBytes(e *Env, impl string) (r Result) {
	r.Pass = true
	seeds := 10000
	if e.Short {
		seeds = 300
	}
	sides := make([]*hostileSide, len(hostileTargets))
	errs := make([]error, len(hostileTargets))
	var wg sync.WaitGroup
	for i, t := range hostileTargets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sides[i], errs[i] = startTarget(e, impl, t, "random-"+t.typ)
		}()
	}
	wg.Wait()
	defer func() {
		for _, h := range sides {
			if h != nil {
				h.kill()
			}
		}
	}()
	for _, err := range errs {
		if err != nil {
			r.Fail("%v", err)
			return r
		}
	}
	var conns, refused atomic.Int64
	start := time.Now()
	for ti, h := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := 0; seed < seeds; seed++ {
				if err := randomConn(h, uint64(ti), uint64(seed)); err != nil {
					refused.Add(1)
				}
				conns.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	results := make([]string, len(sides))
	for i, h := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sub Result
			results[i] = h.settle(&sub, "")
			if results[i] != "" {
				results[i] = h.t.typ + ": " + results[i]
			}
		}()
	}
	wg.Wait()
	var failed []string
	for _, s := range results {
		if s != "" {
			failed = append(failed, s)
		}
	}
	sort.Strings(failed)
	r.Add("connections", fmt.Sprintf("%d (%d seeds × %d types) in %v", conns.Load(), seeds, len(sides), took.Round(time.Millisecond)))
	if n := refused.Load(); n > 0 {
		r.Add("connections refused", n)
	}
	r.Add("types failing", len(failed))
	if len(failed) > 0 {
		r.Fail("%s", strings.Join(failed, "; "))
	}
	return r
}

// randomConn makes seed's connection to h: random bytes, a greeting then
// random bytes, or (where safe for the check) a full handshake then random
// frames; then closes it, mostly with a reset.
func randomConn(h *hostileSide, typ, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, typ))
	mode := rng.IntN(3)
	if mode == 2 && !h.t.afterHandshake {
		mode = 1
	}
	var b []byte
	switch mode {
	case 1:
		b = greeting()
	case 2:
		b = append(greeting(), ready(h.t.claim)...)
		for n := rng.IntN(20); n > 0; n-- {
			body := make([]byte, rng.IntN(300))
			for i := range body {
				body[i] = byte(rng.Uint32())
			}
			f := frame(body, rng.IntN(4) == 0)
			if rng.IntN(4) == 0 {
				f[0] |= byte(rng.IntN(256)) &^ 3 // reserved flag bits set
			}
			b = append(b, f...)
		}
	}
	tail := make([]byte, 1+rng.IntN(1024))
	for i := range tail {
		tail[i] = byte(rng.Uint32())
	}
	if mode == 0 && rng.IntN(2) == 0 {
		tail[0] = 0xFF // into the signature's path
	}
	b = append(b, tail...)
	c, err := dial(h.addr, time.Second)
	if err != nil {
		return err
	}
	c.Write(b)
	if seed%8 == 0 {
		c.Close() // FIN
		return nil
	}
	reset(c)
	return nil
}
