//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Churn and leaks (issue 12): a long-running service opens and closes
// sockets, sees peers come and go, and keeps reconnecting to peers that
// are gone; none of that may cost it resources for good. Measured inside
// the peer processes (torture/peer's -churn, -stats and -sockets): open
// fds, goroutines (zring) or the library's threads (libzmq), the live heap
// after a collection (Go's heap; malloc's bytes in use for libzmq) and
// the resident set, each at a base and at the end, after a short settling
// wait for asynchronous teardown. Required: fds and goroutines (libzmq:
// threads) back to the base, the heap within 1 MiB of it (RSS is reported:
// a Go process keeps bookkeeping for its peak heap), and under
// 2 % of a core spent reconnecting to a dead endpoint.

func init() {
	for _, t := range []string{"tcp", "ipc", "inproc"} {
		transport := t
		register(Scenario{
			Name: "churn/cycles-" + transport,
			About: "10,000 (short: 500) cycles in one process, after 200 of warm-up: a PULL created and bound (" + transport +
				"), a PUSH created and connected, one message sent and received, both closed. fds and goroutines (libzmq: threads) back to the base, heap within 1 MiB of it (RSS reported).",
			Short:  true,
			Libzmq: transport != "inproc", // inproc: a process's own, measured for zring only
			Run:    func(e *Env, impl string) Result { return churnCycles(e, impl, transport) },
		})
	}
	register(Scenario{
		Name:   "churn/peer-restarts-bound",
		About:  "A PUSH binds and sends 1,000 msg/s while a PULL connects, receives for 100 ms, is killed (-9) and restarted, 50 times (short: 10). The PUSH's fds and goroutines (libzmq: threads) back to the base, heap within 1 MiB (RSS reported), each restart delivered to.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return peerRestarts(e, impl, true) },
	}, Scenario{
		Name:   "churn/peer-restarts-connected",
		About:  "As churn/peer-restarts-bound with the PUSH connecting to a PULL that binds, dies and is restarted on the same endpoint.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return peerRestarts(e, impl, false) },
	}, Scenario{
		Name:  "churn/reconnect-dead",
		About: "100 PUSH sockets in one process reconnecting (RECONNECT_IVL 100 ms) to a TCP port nobody listens on, for 60 s (short: 5 s) after 6 s (short: 1 s) of it. CPU under 2 % of a core; fds and goroutines (libzmq: threads) stay at the base, heap within 1 MiB of it (RSS reported; medians of 5 samples).",
		// Not in make test's short run: zring takes 1.6-1.85 % of a core
		// here, close to the bound, and 5 s of CPU ticks (10 ms each) is
		// too coarse a measure for it. make torture runs the 60 s form.
		Short:  false,
		Libzmq: true,
		Run:    reconnectDead,
	})
}

// leakSlack is how far the heap may end above its base.
const leakSlack = 1 << 20

// churnStats is a peer's "stats" (or churn "base"/"end") line: fds, rss,
// heap, threads, goroutines (zring) and any other "name value" pairs.
type churnStats map[string]int64

func parseStats(line string) churnStats {
	f := strings.Fields(line)
	st := churnStats{}
	for i := 1; i+1 < len(f); i += 2 {
		if n, err := strconv.ParseInt(f[i+1], 10, 64); err == nil {
			st[f[i]] = n
		}
	}
	return st
}

// back is whether st's fds and goroutines (zring) or threads (libzmq: its
// I/O and reaper threads; Go's runtime keeps the OS threads it made) are
// no more than base's.
func (st churnStats) back(base churnStats, impl string) bool {
	if st["fds"] > base["fds"] {
		return false
	}
	if impl == "zring" {
		return st["goroutines"] <= base["goroutines"]
	}
	return st["threads"] <= base["threads"]
}

// askStats has p (a peer run with -stats) print its stats.
func askStats(p *Proc) (churnStats, error) {
	if err := p.Signal(syscall.SIGUSR1); err != nil {
		return nil, err
	}
	line, err := p.Expect("stats", 10*time.Second)
	if err != nil {
		return nil, err
	}
	return parseStats(line), nil
}

// sampledStats asks p for its stats n times, 100 ms apart, and returns
// each figure's median: a process that is busy (reconnecting) holds a
// varying number of fds and stack for the attempts in progress at any
// moment; a leak moves the median, a transient does not.
func sampledStats(p *Proc, n int) (churnStats, error) {
	var samples []churnStats
	for i := 0; i < n; i++ {
		if i > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		st, err := askStats(p)
		if err != nil {
			return nil, err
		}
		samples = append(samples, st)
	}
	med := churnStats{}
	for k := range samples[0] {
		vals := make([]int64, len(samples))
		for i, st := range samples {
			vals[i] = st[k]
		}
		slices.Sort(vals)
		med[k] = vals[len(vals)/2]
	}
	return med, nil
}

// settledStats asks p for its stats until they are back to base or within
// has passed, and returns the last and how long that took.
func settledStats(p *Proc, impl string, base churnStats, within time.Duration) (churnStats, time.Duration, error) {
	began := time.Now()
	for {
		st, err := askStats(p)
		if err != nil || st.back(base, impl) || time.Since(began) > within {
			return st, time.Since(began).Round(time.Millisecond), err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// judgeLeaks adds the base → end figures and fails r where the end is not
// back to the base or grew more than leakSlack.
func judgeLeaks(r *Result, impl string, base, end churnStats) {
	r.Add("fds", fmt.Sprintf("%d → %d", base["fds"], end["fds"]))
	if impl == "zring" {
		r.Add("goroutines", fmt.Sprintf("%d → %d", base["goroutines"], end["goroutines"]))
	}
	r.Add("threads", fmt.Sprintf("%d → %d", base["threads"], end["threads"]))
	r.Add("heap", growth(base["heap"], end["heap"]))
	r.Add("RSS", growth(base["rss"], end["rss"]))
	if end["fds"] > base["fds"] {
		r.Fail("%d fds more than at the base", end["fds"]-base["fds"])
	}
	if impl == "zring" && end["goroutines"] > base["goroutines"] {
		r.Fail("%d goroutines more than at the base", end["goroutines"]-base["goroutines"])
	}
	if impl != "zring" && end["threads"] > base["threads"] {
		r.Fail("%d threads more than at the base", end["threads"]-base["threads"])
	}
	if end["heap"]-base["heap"] > leakSlack {
		r.Fail("heap grew by %s", growth(base["heap"], end["heap"]))
	}
	// RSS is reported, not judged: issue 12 asks for the heap within
	// 1 MiB, and a Go process's RSS also holds the runtime's own
	// bookkeeping for the peak heap of the run (GC metadata, spans), which
	// it keeps.
}

// growth formats end - base in KiB, with its sign and the base.
func growth(base, end int64) string {
	return fmt.Sprintf("%+.0f KiB (base %.1f MiB)", float64(end-base)/1024, float64(base)/(1<<20))
}

func churnCycles(e *Env, impl, transport string) (r Result) {
	r.Pass = true
	cycles := 10000
	if e.Short {
		cycles = 500
	}
	p, err := e.Peer(impl, "", "-churn", strconv.Itoa(cycles), "-transport", transport)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer p.Kill()
	var base, end churnStats
	for end == nil {
		// A cycle takes well under 10 ms; a slow, loaded machine is given
		// 10 times that.
		line, err := p.Expect("", 30*time.Second+time.Duration(cycles)*10*time.Millisecond)
		if err != nil {
			r.Fail("%v", err)
			return r
		}
		switch strings.Fields(line + " -")[0] {
		case "base":
			base = parseStats(line)
		case "end":
			end = parseStats(line)
		case "error":
			r.Fail("%s", line)
			return r
		}
	}
	r.Add("cycles", cycles)
	r.Add("per cycle", time.Duration(end["took"])*time.Millisecond/time.Duration(cycles))
	judgeLeaks(&r, impl, base, end)
	r.Add("settled in", time.Duration(end["settle"])*time.Millisecond)
	if transport == "ipc" {
		r.Add("ipc files left", end["ipc-left"])
	}
	return r
}

func peerRestarts(e *Env, impl string, pushBinds bool) (r Result) {
	r.Pass = true
	restarts := 50
	if e.Short {
		restarts = 10
	}
	ep, err := freeLoopbackTCP()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	pushRole, pullRole := "-bind", "-connect"
	if !pushBinds {
		pushRole, pullRole = "-connect", "-bind"
	}
	push, err := e.Peer(impl, "", "-type", "PUSH", pushRole, ep, "-send", "0", "-rate", "1000", "-stats")
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer push.Kill()
	var pull *Proc
	defer func() {
		if pull != nil {
			pull.Kill()
		}
	}()
	// start starts a PULL and waits for its first message, returning how
	// long after its start that came.
	start := func() (time.Duration, error) {
		began := time.Now()
		p, err := e.Peer(impl, "", "-type", "PULL", pullRole, ep, "-recv")
		if err != nil {
			return 0, err
		}
		pull = p
		_, err = p.Expect("first", 10*time.Second)
		return time.Since(began), err
	}
	if _, err := start(); err != nil {
		r.Fail("first PULL: %v", err)
		return r
	}
	base, err := askStats(push)
	if err != nil {
		r.Fail("PUSH's stats: %v", err)
		return r
	}
	var slowest time.Duration
	for i := 0; i < restarts; i++ {
		time.Sleep(100 * time.Millisecond)
		pull.Kill()
		took, err := start()
		if err != nil {
			r.Fail("restart %d: %v", i+1, err)
			return r
		}
		slowest = max(slowest, took)
	}
	// The PUSH is measured as at the base: one PULL connected and
	// receiving, the dead ones' connections torn down.
	end, settle, err := settledStats(push, impl, base, 3*time.Second)
	if err != nil {
		r.Fail("PUSH's stats: %v", err)
		return r
	}
	r.Add("restarts", restarts)
	r.Add("slowest restart to delivery", slowest.Round(time.Millisecond))
	judgeLeaks(&r, impl, base, end)
	r.Add("settled in", settle)
	return r
}

func reconnectDead(e *Env, impl string) (r Result) {
	r.Pass = true
	const sockets = 100
	window := 60 * time.Second
	if e.Short {
		window = 5 * time.Second
	}
	// The base is taken once the process has been reconnecting for a
	// tenth of the window (at least 1 s): its start-up (Python's imports,
	// the runtime's first growth) is not what is measured.
	warmUp := max(window/10, time.Second)
	port, err := deadPort()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	p, err := e.Peer(impl, "", "-sockets", strconv.Itoa(sockets), "-type", "PUSH",
		"-connect", fmt.Sprintf("tcp://127.0.0.1:%d", port), "-reconnect-ivl", "100", "-stats")
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer p.Kill()
	time.Sleep(warmUp)
	base, err := sampledStats(p, 5)
	if err != nil {
		r.Fail("stats: %v", err)
		return r
	}
	cpu0, err := cpuTicks(p.Pid)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	t0 := time.Now()
	time.Sleep(window)
	cpu1, err := cpuTicks(p.Pid)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	wall := time.Since(t0)
	end, err := sampledStats(p, 5)
	if err != nil {
		r.Fail("stats: %v", err)
		return r
	}
	cpu := float64(cpu1-cpu0) / clockTicks / wall.Seconds() * 100
	r.Add("sockets", sockets)
	r.Add("window", fmt.Sprintf("%v after %v", window, warmUp))
	r.Add("CPU", fmt.Sprintf("%.2f %% of a core", cpu))
	judgeLeaks(&r, impl, base, end)
	if cpu >= 2 {
		r.Fail("reconnecting took %.2f %% of a core, the requirement is under 2 %%", cpu)
	}
	return r
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux this runs on.
const clockTicks = 100

// cpuTicks is a process's utime + stime so far, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after its closing one, which is field 3 (state).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %v %v", pid, err1, err2)
	}
	return utime + stime, nil
}

// deadPort is a loopback TCP port nobody listens on, below the ephemeral
// range, so that no connect to it can be given it as its own source port
// and connect to itself (TCP's simultaneous open).
func deadPort() (int, error) {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			low, _ = strconv.Atoi(f[0])
		}
	}
	for port := low - 1 - os.Getpid()%1000; port > 1024; port-- {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port below %d", low)
}
