package sockets

import (
	"slices"
	"sync/atomic"
	"time"
)

// Spinning pays only while a CPU is idle: a socket that spins on a machine
// whose CPUs are all taken (a build, another service, the busy loop of
// BENCHMARKS.md's loaded condition) takes its peer's CPU and is then taken
// off its own by the kernel for a whole scheduler slice, milliseconds.
// Measured on 2 vCPUs with one busy-loop process running: 64 B REQ/REP p50
// 70-80 µs spinning against 30 µs not spinning.
//
// How that is detected: a spinning socket looks at the clock between its
// tries, a microsecond or two apart. A gap of spinStall or more means the
// thread was not running: the kernel preempted it for another runnable
// thread, which is exactly the case where spinning hurts (an idle machine
// preempts nobody; the Go scheduler cannot take a goroutine that yields
// every try for that long). On such a stall the socket stops spinning and
// parks, and every socket of the context stops spinning for a back-off
// that doubles with each stall that follows within spinForget of the
// last one (spinBackoffMin up to spinBackoffMax). So on a loaded machine
// spinning is tried for a few milliseconds at most once per
// spinBackoffMax, and on an idle one it is never turned off. Other signals
// were considered: the load average moves over seconds; /proc/stat's idle
// time counts the peer's spinning as load (two spinners on two CPUs look
// like a full machine, and would stop each other); getrusage's count of
// involuntary switches needs a syscall per spin and a thread that does not
// change under the goroutine. The clock costs nothing extra: spin reads it
// anyway.
const (
	spinStall      = 200 * time.Microsecond
	spinBackoffMin = 50 * time.Millisecond
	spinBackoffMax = 2 * time.Second
	spinForget     = 4 * spinBackoffMax
)

// spinGovernor is a context's memory of stalls: whether its sockets may
// spin now. Any goroutine; lock-free.
type spinGovernor struct {
	offUntil  atomic.Int64 // unix ns: no spinning before this
	backoff   atomic.Int64 // ns: the last back-off
	lastStall atomic.Int64 // unix ns
	stalls    atomic.Int64 // for tests and tools
}

// allowed reports whether a socket may spin at now.
func (g *spinGovernor) allowed(now time.Time) bool {
	return now.UnixNano() >= g.offUntil.Load()
}

// stalled records a stall seen at now and turns spinning off for the next
// back-off.
func (g *spinGovernor) stalled(now time.Time) {
	ns := now.UnixNano()
	b := time.Duration(g.backoff.Load())
	if b == 0 || time.Duration(ns-g.lastStall.Load()) > spinForget {
		b = spinBackoffMin
	} else {
		b = min(2*b, spinBackoffMax)
	}
	g.backoff.Store(int64(b))
	g.lastStall.Store(ns)
	g.offUntil.Store(ns + int64(b))
	g.stalls.Add(1)
}

// A stall is the loud case. The quiet one: a spinning socket that is
// never preempted itself, but holds a CPU that its peer, woken on a busy
// machine, then has to wait for; each side's wait grows though neither
// side's spin is cut. Measured with one busy-loop process on 2 vCPUs,
// 64 B REQ/REP p50 was 21-46 µs spinning against 17-21 µs not, with
// spinning rarely stalled. Only the outcome shows it, so each socket
// measures it: it blocks in its chosen way (spinning first, or not) for a
// window of waits, then the other way for judgeProbe waits, and switches
// when the other way's median wait was shorter by a fifth (by a tenth, to
// start spinning again) than the median of the chosen way's last
// judgeProbe waits. Medians, not means: a wait the VM's host or the
// peer's preemption stretches to milliseconds, which happens a few times
// a second on this project's idle machine, moved a mean of a few hundred
// waits by a fifth and switched sockets to parking on an idle machine
// (measured: runs where each side spun for 1,300-3,300 of 20,000 waits,
// with no stall at all, p50 18-22 µs against 9 when spinning). A probe
// that loses doubles the next window (judgeExploit up to
// judgeExploitMax), so on a machine whose state does not change the
// probes soon cost one wait in several hundred; one that wins starts
// again from the shortest. A stall decides at once: the socket parks
// from then on, until a probe shows spinning pays again
// (spinJudge.stalled), so on a loaded machine spinning is tried for a few
// waits now and then, not for a window after each back-off of the
// governor.
const (
	judgeExploit    = 400
	judgeExploitMax = 32 * judgeExploit
	judgeProbe      = 24
)

// spinJudge is one socket's choice between spinning before it parks and
// parking at once (see above). The zero value spins. Socket goroutine only.
type spinJudge struct {
	noSpin  bool // the way chosen: park at once
	probing bool // this window tries the other way
	window  int  // waits the chosen way before the next probe (0: judgeExploit)
	n       int  // waits in this window
	// last holds the chosen way's last judgeProbe waits (a ring, at
	// next), or the probe's waits while probing.
	last   [judgeProbe]time.Duration
	next   int
	chosen time.Duration // the median of the chosen way's last waits before the probe
}

// spin reports whether the next wait spins first.
func (j *spinJudge) spin() bool { return j.noSpin == j.probing }

// stalled: a spin of this socket was preempted (see spinGovernor), which
// is the judgement without the wait: spinning loses at once, as a probe
// of it does, and the next probe comes after a window twice as long.
func (j *spinJudge) stalled() {
	if j.spin() {
		j.window = min(2*max(j.window, judgeExploit), judgeExploitMax)
		if !j.probing {
			j.window = judgeExploit // it was the chosen way
		}
	}
	j.noSpin, j.probing, j.n, j.next = true, false, 0, 0
}

// median is the median of w (which it reorders).
func median(w []time.Duration) time.Duration {
	slices.Sort(w)
	return w[len(w)/2]
}

// record counts a wait and moves between windows.
func (j *spinJudge) record(waited time.Duration) {
	if !j.probing {
		j.last[j.next%judgeProbe] = waited
		j.next++
		j.n++
		if j.n >= max(j.window, judgeExploit) {
			j.chosen = median(j.last[:min(j.next, judgeProbe)])
			j.probing, j.n = true, 0
		}
		return
	}
	j.last[j.n] = waited
	j.n++
	if j.n < judgeProbe {
		return
	}
	margin := j.chosen / 5 // to stop spinning
	if j.noSpin {
		// To spin again: a tenth. Spinning on one side of a round trip
		// saves only that side's wake-up (measured on 2 idle vCPUs: 7 µs
		// p50 with both sides spinning, 15-18 µs with neither), so two
		// peers that both stopped spinning would each see too little
		// from a probe to start again at a fifth.
		margin = j.chosen / 10
	}
	if median(j.last[:]) < j.chosen-margin {
		j.noSpin = !j.noSpin
		j.window = judgeExploit
	} else {
		j.window = min(2*max(j.window, judgeExploit), judgeExploitMax)
	}
	j.probing, j.n, j.next = false, 0, 0
}
