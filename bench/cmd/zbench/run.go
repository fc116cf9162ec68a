package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

type status int

const (
	statusOK status = iota
	statusFailed
	statusTimeout
)

func (s status) String() string {
	switch s {
	case statusOK:
		return "ok"
	case statusTimeout:
		return "timeout"
	}
	return "failed"
}

// An outcome is what one run of a case produced.
type outcome struct {
	status  status
	detail  string  // why it failed, for the log
	metrics metrics // the reporting tool's output lines
	cpu     time.Duration
	wall    time.Duration
	// Context switches of all the case's processes (see contextSwitches).
	nvcsw, nivcsw int64
}

// summary is the one-line form for the progress log.
func (o outcome) summary(c benchCase) string {
	if o.status != statusOK {
		return fmt.Sprintf("%s: %s", o.status, o.detail)
	}
	if c.kind != latency {
		return fmt.Sprintf("%s msg/s  %.1f Mb/s  cpu %.2f s  (%.1f s)",
			thousands(o.metrics[keyMsgs]), o.metrics[keyMbits], o.cpu.Seconds(), o.wall.Seconds())
	}
	return fmt.Sprintf("p50 %.1f  p99 %.1f  avg %.1f µs  (%.1f s)",
		o.metrics[keyP50], o.metrics[keyP99], o.metrics[keyAvg], o.wall.Seconds())
}

// runCase runs case c with the tools of one implementation on fresh ports.
// Cancelling ctx kills the tools.
func runCase(ctx context.Context, c benchCase, im *impl, timeout time.Duration, verbose bool) outcome {
	rs, reporter := c.roles()
	cmds := make([][]string, len(rs))
	for i, r := range rs {
		cmds[i] = im.command(r.tool)
	}
	return runTools(ctx, c, cmds, reporter, timeout, verbose)
}

// helperStopTimeout is how long a proxy may take to exit once it has been
// asked to (SIGTERM) before it is killed and its run counted as failed; a
// variable for the tests.
var helperStopTimeout = 5 * time.Second

// runTools runs one case with the given argv prefixes, one for each of
// c.roles() (their arguments follow), and parses the output of
// cmds[reporter]. A role that binds is listening before the next one
// starts; a proxy, which runs until it is stopped, gets SIGTERM once the
// other roles have exited, and must then exit with status 0 within
// helperStopTimeout. Cancelling parent kills the tools.
func runTools(parent context.Context, c benchCase, cmds [][]string, reporter int, timeout time.Duration, verbose bool) outcome {
	rs, _ := c.roles()
	ports := make([]int, c.endpoints())
	endpoints := make([]string, len(ports))
	for i := range ports {
		var err error
		if ports[i], err = freePort(); err != nil {
			return outcome{status: statusFailed, detail: err.Error()}
		}
		endpoints[i] = fmt.Sprintf("tcp://127.0.0.1:%d", ports[i])
	}

	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	type proc struct {
		argv     []string
		helper   bool // runs until stopped: a proxy
		cmd      *exec.Cmd
		out, err bytes.Buffer
		waitErr  error
		exited   chan struct{} // closed once waitErr is set
	}
	procs := make([]*proc, len(cmds))
	done := make(chan int, len(cmds))
	start := time.Now()
	started := 0
	var startErr error
	for i := range cmds {
		p := &proc{argv: append(slices.Clone(cmds[i]), rs[i].args(c, endpoints)...), helper: rs[i].device != "", exited: make(chan struct{})}
		procs[i] = p
		p.cmd = exec.CommandContext(ctx, p.argv[0], p.argv[1:]...)
		p.cmd.Env = toolEnv(os.Environ(), c.mech)
		p.cmd.Stdout = &p.out
		p.cmd.Stderr = &p.err
		p.cmd.WaitDelay = time.Second
		ownProcessGroup(p.cmd)
		if err := p.cmd.Start(); err != nil {
			startErr = err
			break
		}
		started++
		go func() {
			p.waitErr = p.cmd.Wait()
			close(p.exited)
			done <- i
		}()
		// Let a binding side listen before the connecting side starts:
		// a libzmq connect refused at first retries only after
		// ZMQ_RECONNECT_IVL (100 ms), which remote_lat would time.
		if rs[i].binds >= 0 && i < len(cmds)-1 {
			waitListening(ctx, ports[rs[i].binds], p.exited)
		}
	}
	if startErr != nil {
		cancel()
	}
	ends := 0 // the roles still running that are not helpers
	for _, p := range procs[:started] {
		if !p.helper {
			ends++
		}
	}
	first := -1 // the first process to fail; the others are then killed
	var stopping *time.Timer
	var stopTimedOut atomic.Bool // set before the timer's cancel kills the proxy
	for range started {
		i := <-done
		p := procs[i]
		if !p.helper {
			ends--
		}
		if p.waitErr != nil && first < 0 {
			first = i
			cancel()
		}
		if ends == 0 && stopping == nil && first < 0 && startErr == nil {
			// The ends are done: ask the proxies to stop.
			for _, h := range procs[:started] {
				if h.helper {
					stopHelper(h.cmd)
				}
			}
			stopping = time.AfterFunc(helperStopTimeout, func() {
				stopTimedOut.Store(true)
				cancel()
			})
		}
	}
	if stopping != nil {
		stopping.Stop()
	}
	o := outcome{wall: time.Since(start)}
	for _, p := range procs {
		if p != nil && p.cmd.ProcessState != nil {
			o.cpu += p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
			v, iv := contextSwitches(p.cmd.ProcessState)
			o.nvcsw += v
			o.nivcsw += iv
		}
	}
	if verbose {
		for _, p := range procs {
			if p != nil {
				logf("$ %s\n%s%s", strings.Join(p.argv, " "), p.out.String(), p.err.String())
			}
		}
	}
	switch {
	case (startErr != nil || first >= 0) && errors.Is(ctx.Err(), context.DeadlineExceeded):
		var hung []string
		for _, p := range procs[:started] {
			// A proxy killed before it was asked to stop was only waiting.
			if p.waitErr != nil && (!p.helper || stopping != nil) {
				hung = append(hung, baseName(p.argv))
			}
		}
		o.status = statusTimeout
		o.detail = fmt.Sprintf("killed after %s: %s", timeout, strings.Join(hung, ", "))
		return o
	case startErr != nil:
		o.status, o.detail = statusFailed, startErr.Error()
		return o
	case first >= 0:
		p := procs[first]
		o.status = statusFailed
		o.detail = fmt.Sprintf("%s: %v", baseName(p.argv), p.waitErr)
		if p.helper && stopTimedOut.Load() {
			o.detail += fmt.Sprintf(" (still running %s after SIGTERM)", helperStopTimeout)
		}
		if msg := lastLines(p.out.String()+"\n"+p.err.String(), 3); msg != "" {
			o.detail += ": " + msg
		}
		return o
	}
	m := parseMetrics(procs[reporter].out.String())
	if err := m.check(c); err != nil {
		o.status = statusFailed
		o.detail = fmt.Sprintf("%s: %v", baseName(procs[reporter].argv), err)
		return o
	}
	o.metrics = m
	return o
}

// toolEnv is the environment of a case's tools: zbench's own, with
// mechanismEnv set to the case's mechanism, null included, so that a value
// left in the caller's shell cannot turn a NULL case into another.
func toolEnv(environ []string, m mechanism) []string {
	env := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		return strings.HasPrefix(kv, mechanismEnv+"=")
	})
	return append(env, mechanismEnv+"="+m.name())
}

// baseName names a process for messages: "local_thr", "floor lat-client",
// "floor relay".
func baseName(argv []string) string {
	name := argv[0][strings.LastIndexByte(argv[0], '/')+1:]
	switch {
	case len(argv) > 1 && argv[1] == relayArg:
		name = "floor relay"
	case name == "floor" && len(argv) > 1:
		name += " " + argv[1]
	}
	return name
}

// freePort asks the kernel for a port nobody listens on. Another process
// could take it before the tool binds; on a benchmark machine that is rare
// and shows as a failed run, not a wrong number.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until something listens on 127.0.0.1:port, the
// binding tool has exited, or 5 s have passed. It reads /proc/net/tcp rather
// than connecting, since a probe connection would be taken for the peer by a
// tool that accepts only one (the floor). Where /proc is missing it just
// gives the tool a moment.
func waitListening(ctx context.Context, port int, exited <-chan struct{}) {
	want := fmt.Sprintf("0100007F:%04X", port)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-exited:
			return
		default:
		}
		b, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			time.Sleep(200 * time.Millisecond)
			return
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			f := strings.Fields(line)
			// sl local_address rem_address st ...; st 0A is LISTEN.
			if len(f) > 3 && f[1] == want && f[3] == "0A" {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// metrics are the "name: value [unit]" lines of a perf tool, keyed by name
// and unit ("mean throughput [msg/s]"), since local_thr prints two lines
// named "mean throughput".
type metrics map[string]float64

const (
	keySize   = "message size [B]"
	keyCount  = "message count"
	keyTrips  = "roundtrip count"
	keySubs   = "subscribers" // fanout_sub's
	keyMsgs   = "mean throughput [msg/s]"
	keyMbits  = "mean throughput [Mb/s]"
	keyAvg    = "average latency [us]"
	keyP50    = "p50 latency [us]"
	keyP99    = "p99 latency [us]"
	keyP999   = "p99.9 latency [us]"
	keyCPUPer = "cpu per million" // ours, not a tool's: CPU seconds per 10⁶ messages
	// Ours too: context switches of both processes per 1000 round trips.
	keyVCS  = "voluntary cs per 1000"
	keyIVCS = "involuntary cs per 1000"
)

func parseMetrics(out string) metrics {
	m := metrics{}
	for line := range strings.SplitSeq(out, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok {
			continue
		}
		value, unit, _ := strings.Cut(strings.TrimSpace(rest), " ")
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		key := name
		if unit = strings.TrimSpace(unit); unit != "" {
			key += " " + unit
		}
		m[key] = v
	}
	return m
}

// check verifies that the output is a complete report of case c.
func (m metrics) check(c benchCase) error {
	var need []string
	countKey := keyCount
	switch c.kind {
	case throughput:
		need = []string{keyMsgs, keyMbits}
	case fanout:
		need = []string{keyMsgs, keyMbits}
		if v, ok := m[keySubs]; !ok || v != float64(c.subs) {
			return fmt.Errorf("output lacks %q with %d", "subscribers: N", c.subs)
		}
	default:
		countKey = keyTrips
		need = []string{keyAvg, keyP50, keyP99, keyP999}
	}
	if v, ok := m[keySize]; !ok || v != float64(c.size) {
		return fmt.Errorf("output lacks %q with %d", "message size: N [B]", c.size)
	}
	if v, ok := m[countKey]; !ok || v != float64(c.count) {
		return fmt.Errorf("output lacks %q with %d", countKey+": N", c.count)
	}
	for _, k := range need {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("output lacks a %q line", k)
		}
	}
	return nil
}
