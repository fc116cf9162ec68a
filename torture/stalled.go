//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Stalled peers: subscribers, pullers and dealers that stop reading, by
// kill -STOP of their process or as an application that never calls Recv.
// What a sender must do then is what its high-water marks promise: a PUB
// keeps publishing at its rate and drops for the stalled ones only, its
// memory bounded by stalled × SNDHWM × (size + 128 B) + 8 MiB; a PUSH
// blocks once SNDHWM + RCVHWM messages (plus what the kernel buffers hold)
// are queued, and SNDTIMEO ends the wait on time with EAGAIN; a ROUTER drops
// for a stalled DEALER without blocking, or with ROUTER_MANDATORY returns
// EAGAIN, and EHOSTUNREACH for a routing id nobody has, as libzmq
// documents.

func init() {
	register(Scenario{
		Name:   "stalled/pub-50-subs-10-stalled",
		About:  "PUB at 500 msg/s of 1 KiB (short: 2,000/s), 50 SUBs (short: 10), 10 of them (short: 2) stalled for 20 s (short: 3 s), half by kill -STOP, half never calling Recv. The PUB keeps ≥ 90 % of its rate, every reading SUB's record is gap-free after its first message, the PUB's RSS growth (peak of 100 ms samples) ≤ stalled × SNDHWM × (size + 128 B) + 8 MiB; with zring, each stopped SUB's gap after kill -CONT equals one of the PUB's per-peer drop events (libzmq counts none).",
		Short:  true,
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			if e.Short {
				return pubStalled(e, impl, pubStall{subs: 10, stalled: 2, perProc: 1, rate: 2000, run: 3 * time.Second})
			}
			return pubStalled(e, impl, pubStall{subs: 50, stalled: 10, perProc: 1, rate: 500, run: 20 * time.Second})
		},
	}, Scenario{
		Name:   "stalled/pub-1000-subs-100-stalled",
		About:  "PUB at 100 msg/s of 1 KiB, 1,000 SUBs in 11 processes (100 sockets each; 50 per stalled process), 100 stalled for 20 s (50 by kill -STOP, 50 never calling Recv). The PUB keeps ≥ 90 % of its rate, every reading SUB's record is gap-free after its first message, the PUB's RSS growth ≤ stalled × SNDHWM × (size + 128 B) + 8 MiB; with zring, each stopped SUB's gap equals one of the PUB's drop events. Full form only.",
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			return pubStalled(e, impl, pubStall{subs: 1000, stalled: 100, perProc: 100, rate: 100, run: 20 * time.Second})
		},
	}, Scenario{
		Name:   "stalled/push-stalled-pull",
		About:  "PUSH (SNDHWM 10, SNDTIMEO 500 ms) → PULL (RCVHWM 10) that does not call Recv, 1 MiB messages over tcp: how many Sends succeed before one times out, and how many of those the kernel's socket buffers hold (/proc/net/tcp). Required: the two processes hold SNDHWM + RCVHWM messages (up to 2 more and 64 KiB: what the engines have in hand); the timed-out Send is EAGAIN after 500-600 ms; once the PULL reads it gets every one.",
		Short:  true,
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			return fillStalled(e, impl, fillCase{sender: "PUSH", receiver: "PULL", size: 1 << 20, sndhwm: 10, rcvhwm: 10, sndtimeo: 500})
		},
	}, Scenario{
		Name:   "stalled/router-stalled-dealer",
		About:  "ROUTER sends 50,000 messages of 1 KiB to a DEALER that does not call Recv (HWMs 1000). Required: every Send succeeds at once (none over 100 ms: the ROUTER never blocks), a send to an unknown routing id is dropped silently, the excess is dropped: once the DEALER reads it gets no more than SNDHWM + RCVHWM (+ 2 messages and 64 KiB in the engines' hands) beyond what the kernel buffers held.",
		Short:  true,
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			return fillStalled(e, impl, fillCase{sender: "ROUTER", receiver: "DEALER", size: 1024, sndhwm: 1000, rcvhwm: 1000, sndtimeo: -1, count: 50000})
		},
	}, Scenario{
		Name:   "stalled/router-mandatory-stalled-dealer",
		About:  "ROUTER with ROUTER_MANDATORY (SNDHWM 10, SNDTIMEO 500 ms) → DEALER (RCVHWM 10) that does not call Recv, 1 MiB messages. Required: the ROUTER's Send ends with EAGAIN after 500-600 ms once the two processes hold SNDHWM + RCVHWM (up to 2 more and 64 KiB) beyond the kernel buffers, a send to an unknown routing id is EHOSTUNREACH, and once the DEALER reads it gets every message sent.",
		Short:  true,
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			return fillStalled(e, impl, fillCase{sender: "ROUTER", receiver: "DEALER", mandatory: true, size: 1 << 20, sndhwm: 10, rcvhwm: 10, sndtimeo: 500})
		},
	})
}

// pubStall is one PUB-with-stalled-SUBs setup: subs SUB sockets, perProc to
// a process, stalled of them stopped (half by kill -STOP, half never
// reading) for run.
type pubStall struct {
	subs, stalled, perProc, rate int
	run                          time.Duration
}

const stallSize, stallHWM = 1024, 1000

func pubStalled(e *Env, impl string, c pubStall) (r Result) {
	r.Pass = true
	var procs []*Proc
	defer func() {
		for _, p := range procs {
			p.Signal(syscall.SIGCONT)
			p.Kill()
		}
	}()
	pub, ep, err := boundPeer(e, impl, func(ep string) []string {
		args := []string{"-type", "PUB", "-bind", ep, "-send", "0", "-rate", strconv.Itoa(c.rate),
			"-size", strconv.Itoa(stallSize), "-sndhwm", strconv.Itoa(stallHWM)}
		if impl == "zring" {
			args = append(args, "-drops") // libzmq counts no drops
		}
		return args
	})
	if err != nil {
		r.Fail("PUB: %v", err)
		return r
	}
	pubStart := time.Now()
	procs = append(procs, pub)

	// The reading SUBs, and those to be stopped with kill -STOP, which read
	// until then; then, once the PUB's memory is measured, those that never
	// read.
	stopped := c.stalled / 2
	capacity := c.rate * (int(c.run/time.Second) + 30)
	sub := func(i, socks int, stall bool) []string {
		args := []string{"-type", "SUB", "-connect", ep, "-rcvhwm", strconv.Itoa(stallHWM)}
		if socks > 1 {
			args = append(args, "-socks", strconv.Itoa(socks))
		}
		if stall {
			return append(args, "-stall")
		}
		return append(args, "-recv", "-record", filepath.Join(e.Dir, fmt.Sprintf("%s-sub%d.rec", impl, i)), "-record-cap", strconv.Itoa(capacity))
	}
	// Processes: the readers (perProc sockets each), then one group of
	// stopped ones, then one of never-reading ones.
	type group struct {
		args    []string
		socks   int
		records []string
	}
	var readers []group
	record := func(i, socks int) []string {
		base := filepath.Join(e.Dir, fmt.Sprintf("%s-sub%d.rec", impl, i))
		if socks == 1 {
			return []string{base}
		}
		var paths []string
		for j := 0; j < socks; j++ {
			paths = append(paths, base+"."+strconv.Itoa(j))
		}
		return paths
	}
	for i := 0; i < c.subs-c.stalled; i += c.perProc {
		n := min(c.perProc, c.subs-c.stalled-i)
		readers = append(readers, group{sub(i, n, false), n, record(i, n)})
	}
	var stoppers []group
	for i := 0; i < stopped; i += min(c.perProc, stopped) {
		n := min(c.perProc, stopped-i)
		stoppers = append(stoppers, group{sub(c.subs+i, n, false), n, record(c.subs+i, n)})
	}
	var idlers []group
	for i := 0; i < c.stalled-stopped; i += min(c.perProc, c.stalled-stopped) {
		n := min(c.perProc, c.stalled-stopped-i)
		idlers = append(idlers, group{sub(0, n, true), n, nil})
	}
	start := func(gs []group) ([]*Proc, error) {
		ps := make([]*Proc, len(gs))
		errs := make([]error, len(gs))
		var wg sync.WaitGroup
		// At most 8 processes start at once; those of many sockets one at
		// a time, each once the one before has its sockets receiving, so
		// that no more than a listen backlog's worth (libzmq's
		// ZMQ_BACKLOG is 100) connect at once.
		starting := make(chan struct{}, 8)
		if c.perProc > 1 {
			starting = make(chan struct{}, 1)
		}
		for i, g := range gs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				starting <- struct{}{}
				defer func() { <-starting }()
				ps[i], errs[i] = e.Peer(impl, "", g.args...)
				if c.perProc > 1 {
					waitReceiving(g.records, 10*time.Second)
				}
			}()
		}
		wg.Wait()
		var ok []*Proc
		for _, p := range ps {
			if p != nil {
				ok = append(ok, p)
			}
		}
		procs = append(procs, ok...)
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		return ps, nil
	}
	readProcs, err := start(append(append([]group(nil), readers...), stoppers...))
	if err != nil {
		r.Fail("SUBs: %v", err)
		return r
	}
	// Every reading socket receiving (a thousand connections take a while
	// to be accepted), then settled: queues at their running size.
	var all []string
	for _, g := range append(append([]group(nil), readers...), stoppers...) {
		all = append(all, g.records...)
	}
	if n := waitReceiving(all, 30*time.Second); n > 0 {
		// (Seen in a full run right after the resubscription scenario, for
		// both implementations; the socket states say whether connections
		// are missing or connected and silent.)
		r.Fail("%d reading SUBs received nothing within 30 s; connections to the PUB's port by state: %s", n, portStates(ep))
		return r
	}
	time.Sleep(time.Second)
	before := procRSS(pub.Pid)

	// Stall: the never-reading SUBs connect, the others stop.
	idleProcs, err := start(idlers)
	if err != nil {
		r.Fail("stalled SUBs: %v", err)
		return r
	}
	stoppedProcs := readProcs[len(readers):]
	for _, p := range stoppedProcs {
		p.Signal(syscall.SIGSTOP)
	}
	peak := before
	deadline := time.Now().Add(c.run)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		peak = max(peak, procRSS(pub.Pid))
	}
	after := procRSS(pub.Pid)
	peak = max(peak, after)
	for _, p := range stoppedProcs {
		p.Signal(syscall.SIGCONT)
	}
	time.Sleep(time.Second) // the stopped SUBs read what was kept for them
	// zring's per-peer drop events so far: one for each stopped SUB, sent
	// when it took a message again (the never-reading ones' come when
	// they go).
	dropEvents := drainLines(pub, "dropped ")

	// Stop the SUBs while the PUB still publishes (so that no reader's
	// record ends in messages the PUB's close dropped), then the PUB.
	var wg sync.WaitGroup
	for _, p := range append(append([]*Proc(nil), readProcs...), idleProcs...) {
		wg.Add(1)
		go func() { defer wg.Done(); p.Stop(10 * time.Second) }()
	}
	wg.Wait()
	sentLine, err := pub.Stop(10 * time.Second)
	elapsed := time.Since(pubStart)
	if err != nil {
		r.Fail("PUB: %v", err)
	}
	sent, _ := strconv.ParseUint(strings.TrimPrefix(sentLine, "sent "), 10, 64)
	achieved := float64(sent) / elapsed.Seconds()

	// The readers' records: gap-free after the first message.
	var gapped, empty int
	var lost uint64
	for _, g := range readers {
		for _, path := range g.records {
			seqs, err := ReadRecord(path)
			if err != nil || len(seqs) == 0 {
				empty++
				continue
			}
			if l := recordGaps(seqs); l > 0 {
				gapped++
				lost += l
			}
		}
	}
	// The stopped ones' gaps: what the PUB dropped for them. With zring,
	// each must be the value of one of the PUB's drop events.
	var dropped uint64
	var gaps []uint64
	for _, g := range stoppers {
		for _, path := range g.records {
			if seqs, err := ReadRecord(path); err == nil {
				gap := recordGaps(seqs)
				dropped = max(dropped, gap)
				gaps = append(gaps, gap)
			}
		}
	}
	if impl == "zring" {
		unmatched := matchDrops(gaps, dropEvents)
		r.Add("stopped SUBs' gaps equal to a drop event", fmt.Sprintf("%d of %d (%d events)", len(gaps)-len(unmatched), len(gaps), len(dropEvents)))
		if len(unmatched) > 0 {
			r.Fail("the gaps %v of stopped SUBs match no drop event of the PUB (%v)", unmatched, dropEvents)
		}
	}
	bound := int64(c.stalled)*stallHWM*(stallSize+128) + 8<<20
	r.Add("PUB rate", fmt.Sprintf("%.0f/s of %d/s", achieved, c.rate))
	r.Add("reading SUBs with gaps", fmt.Sprintf("%d of %d (%d lost)", gapped, c.subs-c.stalled, lost))
	r.Add("RSS growth", fmt.Sprintf("%s (peak %s, bound %s)", stallMiB(after-before), stallMiB(peak-before), stallMiB(bound)))
	r.Add("largest gap of a stopped SUB after kill -CONT", dropped)
	if achieved < 0.9*float64(c.rate) {
		r.Fail("the PUB sent %.0f/s, below 90 %% of %d/s", achieved, c.rate)
	}
	if gapped > 0 || empty > 0 {
		r.Fail("%d reading SUBs lost messages, %d received none", gapped, empty)
	}
	if peak-before > bound {
		r.Fail("the PUB's RSS grew by %s, over the bound %s", stallMiB(peak-before), stallMiB(bound))
	}
	return r
}

// matchDrops pairs each gap (a stopped SUB's missing messages) with a
// "dropped <n>" line of the same n, each line used once, and returns the
// gaps left unpaired. A gap of 0 needs no event: nothing was dropped.
func matchDrops(gaps []uint64, lines []string) (unmatched []uint64) {
	count := map[uint64]int{}
	for _, l := range lines {
		if n, err := strconv.ParseUint(strings.TrimPrefix(l, "dropped "), 10, 64); err == nil {
			count[n]++
		}
	}
	for _, g := range gaps {
		switch {
		case g == 0:
		case count[g] > 0:
			count[g]--
		default:
			unmatched = append(unmatched, g)
		}
	}
	return unmatched
}

// boundPeer starts impl's peer with args(a fresh tcp endpoint on
// 127.0.0.1) and returns it with the endpoint. A port taken between Port
// and the peer's bind (another scenario's connection can draw it as its
// local port) is tried again with another.
func boundPeer(e *Env, impl string, args func(ep string) []string) (p *Proc, ep string, err error) {
	for try := 0; try < 3; try++ {
		var port int
		if port, err = Port(); err != nil {
			return nil, "", err
		}
		ep = fmt.Sprintf("tcp://127.0.0.1:%d", port)
		if p, err = e.Peer(impl, "", args(ep)...); err == nil || !strings.Contains(err.Error(), `"ready"`) {
			return p, ep, err
		}
	}
	return nil, "", err
}

// waitReceiving waits up to d for every record to hold a message and
// returns how many still hold none.
func waitReceiving(records []string, d time.Duration) int {
	for end := time.Now().Add(d); ; {
		var still []string
		for _, path := range records {
			if recordLen(path) == 0 {
				still = append(still, path)
			}
		}
		records = still
		if len(records) == 0 || time.Now().After(end) {
			return len(records)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// portStates counts the TCP sockets on this machine whose local or remote
// port is the port of tcp endpoint ep, by state ("ESTAB 900 SYN-SENT 3"),
// as ss(8) reports them.
func portStates(ep string) string {
	port := ep[strings.LastIndexByte(ep, ':')+1:]
	out, err := exec.Command("ss", "-tanH", "( sport = :"+port+" or dport = :"+port+" )").Output()
	if err != nil {
		return fmt.Sprintf("ss: %v", err)
	}
	count := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			count[f[0]]++
		}
	}
	var b strings.Builder
	for state, n := range count {
		fmt.Fprintf(&b, "%s %d ", state, n)
	}
	return strings.TrimSpace(b.String())
}

// recordGaps is how many numbers are missing between a record's first and
// last (a record is in order; anything else counts as missing too).
func recordGaps(seqs []uint64) uint64 {
	var missing uint64
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			if seqs[i] > seqs[i-1] {
				missing += seqs[i] - seqs[i-1] - 1
			} else {
				missing++
			}
		}
	}
	return missing
}

// fillCase is a sender filling the queues towards a receiver that does not
// call Recv (until SIGUSR1 tells it to): count messages (0: until a Send
// fails) of size bytes.
type fillCase struct {
	sender, receiver string
	mandatory        bool
	size             int
	sndhwm, rcvhwm   int
	sndtimeo         int // ms, -1: none
	count            int
}

func fillStalled(e *Env, impl string, c fillCase) (r Result) {
	r.Pass = true
	rec := filepath.Join(e.Dir, fmt.Sprintf("%s-%s-fill.rec", impl, strings.ToLower(c.receiver)))
	args := func(ep string) (first, second []string) {
		recvArgs := []string{"-type", c.receiver, "-rcvhwm", strconv.Itoa(c.rcvhwm), "-recv", "-record", rec, "-wait-usr1", "-events"}
		sendArgs := []string{"-type", c.sender, "-sndhwm", strconv.Itoa(c.sndhwm), "-sndtimeo", strconv.Itoa(c.sndtimeo),
			"-size", strconv.Itoa(c.size), "-fill", "-send", strconv.Itoa(c.count), "-wait-usr1", "-events"}
		if c.sender != "ROUTER" {
			return append(recvArgs, "-bind", ep), append(sendArgs, "-connect", ep)
		}
		// The ROUTER binds and sends to the DEALER by the routing id it
		// announces.
		recvArgs = append(recvArgs, "-connect", ep, "-id", "zt-dealer")
		sendArgs = append(sendArgs, "-bind", ep, "-to", "zt-dealer")
		if c.mandatory {
			sendArgs = append(sendArgs, "-mandatory")
		}
		return sendArgs, recvArgs
	}
	p1, ep, err := boundPeer(e, impl, func(ep string) []string { first, _ := args(ep); return first })
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer p1.Kill()
	_, second := args(ep)
	port, _ := strconv.Atoi(ep[strings.LastIndexByte(ep, ':')+1:])
	p2, err := e.Peer(impl, "", second...)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer p2.Kill()
	sender, receiver := p2, p1
	if c.sender == "ROUTER" {
		sender, receiver = p1, p2
	}
	for i, p := range []*Proc{sender, receiver} {
		if _, err := p.Expect("event HANDSHAKE_SUCCEEDED", 10*time.Second); err != nil {
			r.Fail("handshake, %s: %v", []string{c.sender, c.receiver}[i], err)
			return r
		}
	}
	time.Sleep(200 * time.Millisecond) // both ends have attached the connection
	sender.Signal(syscall.SIGUSR1)
	line, err := sender.Expect("filled ", 60*time.Second)
	if err != nil {
		r.Fail("sender: %v", err)
		return r
	}
	var filled int
	var failed string
	var last, longest int64
	fmt.Sscanf(line, "filled %d %s %d %d", &filled, &failed, &last, &longest)
	unroutable := ""
	if c.sender == "ROUTER" {
		l, err := sender.Expect("unroutable ", 5*time.Second)
		if err != nil {
			r.Fail("sender: %v", err)
			return r
		}
		unroutable = strings.TrimPrefix(l, "unroutable ")
	}
	time.Sleep(200 * time.Millisecond) // the kernel's queues settle
	kernel := tcpQueued(port)
	wire := c.size + 2
	if c.size > 255 {
		wire = c.size + 9
	}
	inKernel := float64(kernel) / float64(wire)
	held := float64(filled) - inKernel
	receiver.Signal(syscall.SIGUSR1)
	// The receiver reads what was kept for it.
	var got uint64
	for quiet, prev := 0, uint64(0); quiet < 10; prev = got {
		time.Sleep(100 * time.Millisecond)
		if got = recordLen(rec); got == prev {
			quiet++
		} else {
			quiet = 0
		}
	}
	hwms := c.sndhwm + c.rcvhwm
	// Beyond the pipes, each engine has a message in hand and its read or
	// write buffer: 2 messages and 64 KiB in all.
	most := float64(hwms+2) + float64(64<<10)/float64(wire)
	if c.count > 0 { // what the receiver got was what was kept for it
		held = float64(got) - inKernel
	}
	r.Add("sent before the Send ended", fmt.Sprintf("%d (%s)", filled, failed))
	r.Add("in the kernel's buffers", fmt.Sprintf("%d B ≈ %.1f messages", kernel, inKernel))
	r.Add("held by the two processes", fmt.Sprintf("%.1f (SNDHWM + RCVHWM = %d)", held, hwms))
	r.Add("received once reading", got)
	if c.sndtimeo >= 0 {
		wait := time.Duration(last)
		r.Add("timed-out Send waited", fmt.Sprintf("%v (SNDTIMEO %d ms)", wait.Round(time.Millisecond), c.sndtimeo))
		if failed != "EAGAIN" {
			r.Fail("the Send ended with %s, not EAGAIN", failed)
		} else if to := time.Duration(c.sndtimeo) * time.Millisecond; wait < to || wait > to+100*time.Millisecond {
			r.Fail("the timed-out Send waited %v for SNDTIMEO %v", wait.Round(time.Millisecond), to)
		}
		if held < float64(hwms) || held > most {
			r.Fail("the processes held %.1f messages, not SNDHWM + RCVHWM (%d to %.1f)", held, hwms, most)
		}
		if got != uint64(filled) {
			r.Fail("the receiver got %d of the %d messages sent", got, filled)
		}
	} else {
		r.Add("longest Send", time.Duration(longest).Round(time.Microsecond))
		r.Add("dropped", filled-int(got))
		if failed != "none" || filled != c.count {
			r.Fail("only %d of %d sent (%s)", filled, c.count, failed)
		}
		if time.Duration(longest) > 100*time.Millisecond {
			r.Fail("a Send blocked for %v", time.Duration(longest).Round(time.Millisecond))
		}
		if held > most {
			r.Fail("the receiver got %d: %.1f beyond the kernel's buffers, more than SNDHWM + RCVHWM and the engines' buffers (%.1f)", got, held, most)
		}
	}
	if c.sender == "ROUTER" {
		r.Add("send to an unknown routing id", unroutable)
		want := "none"
		if c.mandatory {
			want = "EHOSTUNREACH"
		}
		if unroutable != want {
			r.Fail("a send to an unknown routing id gave %s, want %s", unroutable, want)
		}
	}
	sender.Stop(5 * time.Second)
	receiver.Stop(5 * time.Second)
	return r
}

// recordLen is how many numbers a record file holds so far.
func recordLen(path string) uint64 {
	seqs, err := ReadRecord(path)
	if err != nil {
		return 0
	}
	return uint64(len(seqs))
}

// tcpQueued is the bytes the kernel holds in the send and receive queues of
// the established loopback connections to or from port (/proc/net/tcp).
func tcpQueued(port int) int64 {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0
	}
	defer f.Close()
	hexPort := fmt.Sprintf(":%04X", port)
	var total int64
	s := bufio.NewScanner(f)
	for s.Scan() {
		fl := strings.Fields(s.Text())
		if len(fl) < 5 || fl[3] != "01" || !(strings.HasSuffix(fl[1], hexPort) || strings.HasSuffix(fl[2], hexPort)) {
			continue
		}
		tx, rx, _ := strings.Cut(fl[4], ":")
		t, _ := strconv.ParseInt(tx, 16, 64)
		x, _ := strconv.ParseInt(rx, 16, 64)
		total += t + x
	}
	return total
}

// procRSS is a process's resident memory in bytes (VmRSS), 0 if it is gone.
func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// procFDs is how many file descriptors a process has open, -1 if it is gone.
func procFDs(pid int) int {
	d, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(d)
}

func stallMiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
