//go:build linux

package main

// Half-open links (issue 12): a peer whose network goes dark without a
// word, no FIN, no RST, so that only heartbeats can tell. A PUSH in
// namespace B connects to a PULL in namespace A over a veth pair (netns.go)
// and streams numbered messages; B is then cut off, by iptables DROP of
// everything on its veth, or by setting its veth down. With ZMTP
// heartbeats both sides must see DISCONNECTED within HEARTBEAT_IVL +
// HEARTBEAT_TIMEOUT (+ 50 ms of scheduling), every trial; once the link
// is back the stream must resume within two reconnect intervals, and what
// arrives is never duplicated or reordered: the only loss allowed is what
// was in flight on the dead connection, one range per cut. Without
// heartbeats nothing notices (TCP retransmits for ~15 minutes): what must
// hold then is that the blocked sender's memory stays bounded, and that the
// connection, repaired by TCP when the link returns, lost nothing.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	halfOpenRate   = 1000 // messages a second, 16 B each
	halfOpenRecon  = 100  // ms, RECONNECT_IVL on both sides
	halfOpenSlack  = 50 * time.Millisecond
	halfOpenPort   = "5555" // in namespace A, which is ours alone
	halfOpenSndHWM = 1000
)

// darkness is one way of cutting B off.
type darkness struct {
	name    string
	cut     func(*Link) (time.Time, time.Duration, error)
	restore func(*Link) (time.Time, error)
	// connectTimeout (ms, 0 none) is set on the connecting side: when
	// packets are dropped, a connect made while dark hangs on its SYN
	// (retransmitted after 1 s, 3 s, ...) instead of failing, so without
	// it no implementation could resume in two reconnect intervals. It
	// is added to the resume bound: the connect in flight when the link
	// returns has to be given up first.
	connectTimeout int
}

var (
	darkDrop = darkness{name: "drop", cut: (*Link).Drop, restore: (*Link).Undrop, connectTimeout: halfOpenRecon}
	darkDown = darkness{name: "down", cut: (*Link).Down, restore: (*Link).Up}
)

func init() {
	register(
		Scenario{
			Name: "halfopen/iptables-drop",
			About: "PUSH in netns B connects to PULL in netns A (1,000 msg/s); every packet on B's veth is dropped (iptables DROP), then allowed again; heartbeats IVL/TIMEOUT 100/300 ms (and 1/3 s, full form), CONNECT_TIMEOUT = RECONNECT_IVL = 100 ms. " +
				"Every trial: DISCONNECTED on both sides within IVL + TIMEOUT + 50 ms of the drop; delivery back within CONNECT_TIMEOUT + 2 × RECONNECT_IVL + 50 ms of the link's return; 0 duplicates, 0 reordered, at most one lost range per cut, no longer than what was in flight.",
			Short: true, Root: true, Libzmq: true,
			Run: func(e *Env, impl string) Result { return halfOpen(e, impl, darkDrop) },
		},
		Scenario{
			Name: "halfopen/link-down",
			About: "As halfopen/iptables-drop, but B's veth is set down and up again (B's connects then fail at once, unreachable; no CONNECT_TIMEOUT). " +
				"Every trial: DISCONNECTED on both sides within IVL + TIMEOUT + 50 ms; delivery back within 2 × RECONNECT_IVL + 50 ms of the link's return; 0 duplicates, 0 reordered, at most one lost range per cut, no longer than what was in flight.",
			Short: true, Root: true, Libzmq: true,
			Run: func(e *Env, impl string) Result { return halfOpen(e, impl, darkDown) },
		},
		Scenario{
			Name: "halfopen/no-heartbeat",
			About: "PUSH in netns B streams 256 B and 1 KiB messages (short: 256 B) at 5,000/s to PULL in netns A, no heartbeats; B is dropped (iptables) for 20 s (short: 2 s), then allowed again. Reported: disconnects while dark, when delivery resumes (TCP's retransmission backoff), the kernel's own give-up time. " +
				"Required: the sender's RSS grows by at most SNDHWM × (size + 128 B) + 8 MiB while dark; 0 duplicates, 0 reordered, and nothing lost on a connection that never dropped.",
			Short: true, Root: true, Libzmq: true,
			Run: func(e *Env, impl string) Result { return halfOpenSilent(e, impl) },
		},
	)
}

// heartbeat is a HEARTBEAT_IVL and HEARTBEAT_TIMEOUT pair, in ms.
type heartbeat struct{ ivl, timeout int }

func halfOpen(e *Env, impl string, d darkness) (r Result) {
	r.Pass = true
	hbs, trials := []heartbeat{{100, 300}, {1000, 3000}}, 5
	if e.Short {
		hbs, trials = hbs[:1], 2
	}
	l, err := newLink()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer l.Close()
	for _, hb := range hbs {
		halfOpenTrials(e, impl, d, l, hb, trials, &r)
	}
	return r
}

// halfOpenTrials streams from B to A with heartbeats hb and cuts B off
// trials times, adding the figures to r.
func halfOpenTrials(e *Env, impl string, d darkness, l *Link, hb heartbeat, trials int, r *Result) {
	tag := fmt.Sprintf("%d/%d ms", hb.ivl, hb.timeout)
	ep := "tcp://" + l.AddrA + ":" + halfOpenPort
	rec := filepath.Join(e.Dir, fmt.Sprintf("%s-halfopen-%s-%d.rec", impl, d.name, hb.ivl))
	hbFlags := []string{"-hb-ivl", strconv.Itoa(hb.ivl), "-hb-timeout", strconv.Itoa(hb.timeout),
		"-reconnect-ivl", strconv.Itoa(halfOpenRecon), "-events"}
	pull, err := e.Peer(impl, l.A, append([]string{"-type", "PULL", "-bind", ep, "-recv", "-record", rec}, hbFlags...)...)
	if err != nil {
		r.Fail("%s: %v", tag, err)
		return
	}
	defer pull.Kill()
	pushFlags := append([]string{"-type", "PUSH", "-connect", ep, "-send", "0", "-rate", strconv.Itoa(halfOpenRate),
		"-sndhwm", strconv.Itoa(halfOpenSndHWM)}, hbFlags...)
	if d.connectTimeout > 0 {
		pushFlags = append(pushFlags, "-connect-timeout", strconv.Itoa(d.connectTimeout))
	}
	push, err := e.Peer(impl, l.B, pushFlags...)
	if err != nil {
		r.Fail("%s: %v", tag, err)
		return
	}
	defer push.Kill()
	if _, ok := waitRecord(rec, 0, 5*time.Second); !ok {
		r.Fail("%s: PULL: nothing within 5 s (PUSH's events: %s)", tag, strings.Join(drainLines(push, "event"), ", "))
		return
	}
	detectBound := time.Duration(hb.ivl+hb.timeout)*time.Millisecond + halfOpenSlack
	resumeBound := time.Duration(d.connectTimeout+2*halfOpenRecon)*time.Millisecond + halfOpenSlack
	var detA, detB, resume, cmd spread
	for i := 0; i < trials; i++ {
		// Let the stream run, ending the flow at a different point of
		// the heartbeat's cycle each time.
		time.Sleep(300*time.Millisecond + time.Duration(i*hb.ivl/trials)*time.Millisecond)
		at, took, err := d.cut(l)
		if err != nil {
			r.Fail("%s: %v", tag, err)
			return
		}
		cmd.add(took)
		for _, side := range []struct {
			name string
			p    *Proc
			s    *spread
		}{{"A (PULL)", pull, &detA}, {"B (PUSH)", push, &detB}} {
			t, early, err := disconnectedAfter(side.p, at, detectBound+2*time.Second)
			if early > 0 {
				r.Fail("%s: %s disconnected %d time(s) while the link was up", tag, side.name, early)
			}
			if err != nil {
				r.Fail("%s trial %d: %s: %v", tag, i+1, side.name, err)
				continue
			}
			side.s.add(t.Sub(at))
			if t.Sub(at) > detectBound {
				r.Fail("%s trial %d: %s saw DISCONNECTED %v after the cut, over %v", tag, i+1, side.name,
					t.Sub(at).Round(time.Millisecond), detectBound)
			}
		}
		before := recordCount(rec)
		back, err := d.restore(l)
		if err != nil {
			r.Fail("%s: %v", tag, err)
			return
		}
		t, ok := waitRecord(rec, before, 10*time.Second)
		if !ok {
			r.Fail("%s trial %d: no delivery within 10 s of the link's return", tag, i+1)
			continue
		}
		resume.add(t.Sub(back))
		if t.Sub(back) > resumeBound {
			r.Fail("%s trial %d: delivery resumed %v after the link's return, over %v", tag, i+1,
				t.Sub(back).Round(time.Millisecond), resumeBound)
		}
	}
	time.Sleep(300 * time.Millisecond)
	push.Kill() // (a peer printing events ends only by a kill)
	time.Sleep(200 * time.Millisecond)
	pull.Kill() // the record, a mapped file, keeps what it received
	got, err := ReadRecord(rec)
	if err != nil {
		r.Fail("%s: record: %v", tag, err)
		return
	}
	// What the killed PUSH still held is not counted: the check covers
	// what was sent up to the last message received.
	s := checkSequence(got, 0)
	inFlight := uint64(halfOpenSndHWM + 1000 + kernelBuffers()/18) // SNDHWM + RCVHWM + both kernel buffers of 16 B messages
	r.Add(tag+" cut → DISCONNECTED, A (PULL)", detA)
	r.Add(tag+" cut → DISCONNECTED, B (PUSH)", detB)
	r.Add(tag+" link back → delivery", resume)
	r.Add(tag+" trials", trials)
	r.Add(tag+" received", len(got))
	r.Add(tag+" duplicates / reordered", s.duplicates, "/", s.reordered)
	r.Add(tag+" lost", fmt.Sprintf("%d in %d range(s)", s.lost, s.gaps))
	r.Add(tag+" cut took at most (netlink)", cmd.max.Round(time.Microsecond))
	if s.duplicates > 0 || s.reordered > 0 {
		r.Fail("%s: %d duplicates, %d reordered", tag, s.duplicates, s.reordered)
	}
	if s.gaps > trials {
		r.Fail("%s: %d lost ranges for %d cuts", tag, s.gaps, trials)
	}
	if s.lost > uint64(trials)*inFlight {
		r.Fail("%s: lost %d, more than %d cuts × %d in flight", tag, s.lost, trials, inFlight)
	}
}

// halfOpenSilent cuts B off with no heartbeats: nothing can notice but
// TCP, which retransmits with backoff for minutes.
func halfOpenSilent(e *Env, impl string) (r Result) {
	r.Pass = true
	// 256 B messages take zring's direct way into the connection's write
	// buffer, larger ones its queue: both must stay bounded.
	sizes, dark := []int{256, 1024}, 20*time.Second
	if e.Short {
		sizes, dark = sizes[:1], 2*time.Second
	}
	l, err := newLink()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer l.Close()
	for _, size := range sizes {
		halfOpenSilentSize(e, impl, l, size, dark, &r)
	}
	r.Add("kernel gives up after", fmt.Sprintf("≈ %.0f s (tcp_retries2 = %d)", tcpGiveUp().Seconds(), tcpRetries2()))
	return r
}

// halfOpenSilentSize streams messages of size bytes from B to A, makes B
// dark for dark, and adds the figures to r.
func halfOpenSilentSize(e *Env, impl string, l *Link, size int, dark time.Duration, r *Result) {
	const rate, sndhwm = 5000, 1000
	tag := fmt.Sprintf("%d B:", size)
	ep := "tcp://" + l.AddrA + ":" + halfOpenPort
	rec := filepath.Join(e.Dir, fmt.Sprintf("%s-halfopen-silent-%d.rec", impl, size))
	pull, err := e.Peer(impl, l.A, "-type", "PULL", "-bind", ep, "-recv", "-record", rec, "-events")
	if err != nil {
		r.Fail("%s %v", tag, err)
		return
	}
	defer pull.Kill()
	push, err := e.Peer(impl, l.B, "-type", "PUSH", "-connect", ep, "-send", "0", "-rate", strconv.Itoa(rate),
		"-size", strconv.Itoa(size), "-sndhwm", strconv.Itoa(sndhwm), "-events")
	if err != nil {
		r.Fail("%s %v", tag, err)
		return
	}
	defer push.Kill()
	if _, ok := waitRecord(rec, 0, 5*time.Second); !ok {
		r.Fail("%s PULL: nothing within 5 s", tag)
		return
	}
	time.Sleep(1 * time.Second)
	drainLines(pull, "")
	drainLines(push, "")
	base := rss(push.Pid)
	at, _, err := l.Drop()
	if err != nil {
		r.Fail("%s %v", tag, err)
		return
	}
	peak := base
	for time.Since(at) < dark {
		time.Sleep(250 * time.Millisecond)
		peak = max(peak, rss(push.Pid))
	}
	discA := drainLines(pull, "event DISCONNECTED")
	discB := drainLines(push, "event DISCONNECTED")
	before := recordCount(rec)
	back, err := l.Undrop()
	if err != nil {
		r.Fail("%s %v", tag, err)
		return
	}
	resumed, ok := waitRecord(rec, before, dark+30*time.Second)
	time.Sleep(500 * time.Millisecond)
	push.Kill() // (a peer printing events ends only by a kill)
	time.Sleep(200 * time.Millisecond)
	pull.Kill()
	got, err := ReadRecord(rec)
	if err != nil {
		r.Fail("%s record: %v", tag, err)
		return
	}
	s := checkSequence(got, 0)
	bound := int64(sndhwm*(size+128) + 8<<20)
	r.Add(tag+" dark for", dark)
	r.Add(tag+" DISCONNECTED while dark, A / B", len(discA), "/", len(discB))
	r.Add(tag+" sender RSS before", mib(base))
	r.Add(tag+" sender RSS growth while dark", mib(peak-base), "(bound", mib(bound)+")")
	if ok {
		r.Add(tag+" link back → delivery", resumed.Sub(back).Round(time.Millisecond))
	} else {
		r.Add(tag+" link back → delivery", fmt.Sprintf("none within %v", dark+30*time.Second))
	}
	r.Add(tag+" received", len(got))
	r.Add(tag+" duplicates / reordered / lost", s.duplicates, "/", s.reordered, "/", s.lost)
	if peak-base > bound {
		r.Fail("%s the sender's RSS grew by %s while dark, over %s", tag, mib(peak-base), mib(bound))
	}
	if s.duplicates > 0 || s.reordered > 0 {
		r.Fail("%s %d duplicates, %d reordered", tag, s.duplicates, s.reordered)
	}
	if !ok {
		r.Fail("%s delivery did not resume within %v of the link's return", tag, dark+30*time.Second)
	}
	if len(discA)+len(discB) == 0 && s.lost > 0 {
		r.Fail("%s %d messages lost on a connection that never dropped", tag, s.lost)
	}
}

// disconnectedAfter waits for p's next DISCONNECTED event stamped at or
// after at, and returns its time and how many came before at.
func disconnectedAfter(p *Proc, at time.Time, timeout time.Duration) (t time.Time, early int, err error) {
	deadline := time.Now().Add(timeout)
	for {
		line, err := p.Expect("event DISCONNECTED ", time.Until(deadline))
		if err != nil {
			return t, early, err
		}
		f := strings.Fields(line)
		ns, err := strconv.ParseInt(f[len(f)-1], 10, 64)
		if err != nil {
			return t, early, fmt.Errorf("bad event line %q", line)
		}
		if t = time.Unix(0, ns); !t.Before(at) {
			return t, early, nil
		}
		early++
	}
}

// waitRecord waits until the record at path holds more than n numbers and
// returns when it saw that (polled every 2 ms). The scenarios here wait on
// the record rather than on the "first" line: with -events, peer.py prints
// from two threads, and its print writes a line and its newline apart, so
// "first" can land inside an event's line.
func waitRecord(path string, n uint64, timeout time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if recordCount(path) > n {
			return time.Now(), true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Time{}, false
}

// drainLines takes every line p has printed so far without waiting, and
// returns those starting with prefix.
func drainLines(p *Proc, prefix string) []string {
	var out []string
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return out
			}
			if prefix != "" && strings.HasPrefix(l, prefix) {
				out = append(out, l)
			}
		default:
			return out
		}
	}
}

// spread is the least and most of some durations.
type spread struct {
	n        int
	min, max time.Duration
}

func (s *spread) add(d time.Duration) {
	if s.n == 0 || d < s.min {
		s.min = d
	}
	if s.n == 0 || d > s.max {
		s.max = d
	}
	s.n++
}

func (s spread) String() string {
	if s.n == 0 {
		return "none"
	}
	return fmt.Sprintf("%v–%v", s.min.Round(time.Millisecond), s.max.Round(time.Millisecond))
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// tcpRetries2 is net.ipv4.tcp_retries2: how many times the kernel
// retransmits on an established connection before giving up on it.
func tcpRetries2() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_retries2")
	n, err2 := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || err2 != nil {
		return 15 // the kernel's default
	}
	return n
}

// tcpGiveUp is how long those retransmissions take from the first, with
// the kernel's least RTO (200 ms) doubling up to its most (120 s): the
// time until a connection to a dark peer fails by itself.
func tcpGiveUp() time.Duration {
	var total time.Duration
	rto := 200 * time.Millisecond
	for i := 0; i <= tcpRetries2(); i++ {
		total += rto
		rto = min(2*rto, 120*time.Second)
	}
	return total
}
