package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

type reportInput struct {
	impls      []*impl
	cases      []benchCase
	conditions []condition // idle first (reportOrder)
	results    map[condition]*resultTable
	busy       busyStats // what the busy loop had in the loaded blocks
	cross      []crossResult
	reps       int
	env        environment
}

// renderReport writes the markdown report: the goal table, then
// throughput, latency and CPU tables of the NULL cases with columns libzmq
// | zring | zring/libzmq | floor | zring/floor, one row per condition under
// each case, the PLAIN and CURVE cases' own tables (renderSecurity), the
// interop pairs, notes on anything that failed, and the machine.
func renderReport(in reportInput) string {
	var b strings.Builder
	// With one condition the tables keep their single-condition shape.
	multi := len(in.conditions) > 1

	runs := "1 run"
	if in.reps > 1 {
		runs = fmt.Sprintf("median of %d interleaved runs; in brackets, the lowest and highest ratio of the runs", in.reps)
	}
	fmt.Fprintf(&b, "## zring vs libzmq %s (%s)\n", in.env.libzmqVersion, runs)
	if containsCondition(in.conditions, loaded) {
		b.WriteString("\nConditions: ")
		var names []string
		for _, c := range in.conditions {
			names = append(names, string(c))
		}
		b.WriteString(strings.Join(names, " and "))
		b.WriteString(". Loaded: one busy-loop process spins on one core while the cases run, as `( while :; do :; done ) &` would on a shared box")
		if in.busy.blocks > 0 {
			fmt.Fprintf(&b, " (it had %.0f%% of a core)", 100*in.busy.share())
		}
		b.WriteString(". Each case has a row per condition.\n")
	}

	b.WriteString("\n### Goals (issues 10 and 11), from the medians\n\n")
	renderGoals(&b, in.conditions, evalGoals(goals, in.conditions, in.results, in.cases))

	nullTables := table{b: &b, in: in, floor: true}
	header, row := nullTables.header, nullTables.row

	var thr, lat, fan []benchCase
	for _, c := range in.cases {
		if c.mech != mechNull || c.proxy {
			continue // renderSecurity's, renderProxy's
		}
		switch c.kind {
		case throughput:
			thr = append(thr, c)
		case fanout:
			fan = append(fan, c)
		default:
			lat = append(lat, c)
		}
	}

	if len(thr) > 0 {
		b.WriteString("\n### Throughput (PUSH → PULL, as local_thr reports)\n\n")
		header("higher")
		for _, c := range thr {
			row(c, c.label(), keyMsgs, msgRate)
		}
	}
	if len(fan) > 0 {
		b.WriteString("\n### Fan-out (one XPUB → many SUBs on 127.0.0.1: messages delivered per second, all subscribers together)\n\n")
		b.WriteString("The publisher waits for every subscription, then sends with ZMQ_XPUB_NODROP, so each subscriber gets each message; ")
		b.WriteString("the subscribers share one process and one context. The floor writes the same bytes down one connection per subscriber, each from its own goroutine.\n\n")
		header("higher")
		for _, c := range fan {
			row(c, c.label(), keyMsgs, msgRate)
		}
	}
	if len(lat) > 0 {
		b.WriteString("\n### Latency, one way in µs (REQ ↔ REP, as remote_lat reports: half a round trip)\n\n")
		header("lower")
		for _, c := range lat {
			row(c, c.label()+" p50", keyP50, usText)
			row(c, c.label()+" p99", keyP99, usText)
			row(c, c.label()+" p99.9", keyP999, usText)
			row(c, c.label()+" avg", keyAvg, usText)
		}
		if in.reps > 1 {
			renderP50Spread(&b, in, lat)
		}
	}
	if len(thr)+len(fan) > 0 {
		b.WriteString("\n### CPU seconds per million messages (user + sys of both processes, throughput runs; deliveries for fan-out)\n\n")
		header("lower")
		for _, c := range append(thr, fan...) {
			row(c, c.label(), keyCPUPer, cpuText)
		}
	}

	if len(lat) > 0 {
		b.WriteString("\n### Context switches per 1000 round trips (both processes, latency runs)\n\n")
		b.WriteString("Voluntary: a thread blocked (futex, epoll_wait) and had to be woken, the tens of microseconds a spinning wait avoids. ")
		b.WriteString("Involuntary: the kernel preempted a running thread for another; on a machine with few CPUs these are where the p99 comes from.\n\n")
		header("lower")
		n := func(_ benchCase, cl cell) string { return decimal(cl.value, 0) }
		for _, c := range lat {
			row(c, c.label()+" voluntary", keyVCS, n)
			row(c, c.label()+" involuntary", keyIVCS, n)
		}
	}

	renderProxy(&b, in)
	renderSecurity(&b, in)

	b.WriteString("\n### Interoperability (zring with libzmq over tcp, each once)\n\n")
	b.WriteString("| pair | result |\n|---|---|\n")
	for _, r := range in.cross {
		text := r.status
		if r.summary != "" {
			text += ": " + r.summary
		}
		fmt.Fprintf(&b, "| %s | %s |\n", r.name, strings.ReplaceAll(text, "|", "/"))
	}

	var notes []string
	for _, im := range in.impls {
		if im.skipReason != "" {
			notes = append(notes, fmt.Sprintf("%s skipped: %s", im.name, im.skipReason))
		}
	}
	for _, cond := range in.conditions {
		prefix := ""
		if multi {
			prefix = string(cond) + " "
		}
		for _, c := range in.cases {
			for _, im := range in.impls {
				for _, f := range in.results[cond].failures(c, im.name) {
					notes = append(notes, fmt.Sprintf("%s%s %s %s: %s", prefix, c.kindName(), c.label(), im.name, f))
				}
			}
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(n, "\n", " "))
		}
	}

	e := in.env
	b.WriteString("\n### How this was measured\n\n")
	fmt.Fprintf(&b, "- command: `%s`\n", e.command)
	fmt.Fprintf(&b, "- date: %s; took %s\n", e.date, e.took)
	fmt.Fprintf(&b, "- kernel (`uname -r`): %s\n", e.kernel)
	fmt.Fprintf(&b, "- Go: %s\n", e.goVersion)
	fmt.Fprintf(&b, "- CPU: %s; load average (1, 5, 15 min) %s before, %s after\n", e.cpu, e.loadBefore, e.loadAfter)
	fmt.Fprintf(&b, "- libzmq: %s (bench/libzmq, gcc -O2); floor: bench/floor, length-prefixed frames over one net.Conn", e.libzmqVersion)
	if slices.ContainsFunc(in.cases, func(c benchCase) bool { return c.proxy }) {
		b.WriteString("; proxies: tools/perf/proxy (zring.Proxy), bench/libzmq/proxy.c (zmq_proxy), and zbench's Go TCP relay for the floor")
	}
	b.WriteString("\n")
	var counts []string
	for _, c := range in.cases {
		unit := "messages"
		switch c.kind {
		case latency:
			unit = "round trips"
		case fanout:
			unit = "messages per subscriber"
		}
		counts = append(counts, fmt.Sprintf("%s %s × %s %s", c.kindName(), c.label(), thousands(float64(c.count)), unit))
	}
	fmt.Fprintf(&b, "- counts: %s\n", strings.Join(counts, "; "))
	if containsCondition(in.conditions, loaded) {
		blocks := "1 block"
		if in.busy.blocks != 1 {
			blocks = fmt.Sprintf("%d blocks", in.busy.blocks)
		}
		fmt.Fprintf(&b, "- loaded: zbench re-executed as a busy loop (one goroutine spinning, GOMAXPROCS=1), started before each loaded block and killed after it; "+
			"over %s it had %s s of CPU in %s s, %.0f%% of a core\n",
			blocks, decimal(in.busy.cpu.Seconds(), 1), decimal(in.busy.wall.Seconds(), 1), 100*in.busy.share())
	}
	if multi {
		b.WriteString("- tcp runs on 127.0.0.1, a fresh port each; per repetition, each condition in turn, then case by case, each implementation in turn (the orders of conditions and of implementations rotating between repetitions)\n")
	} else {
		b.WriteString("- tcp runs on 127.0.0.1, a fresh port each; per repetition, case by case, each implementation in turn (the order rotating between repetitions)\n")
	}
	return b.String()
}

// renderP50Spread writes, for every latency case and condition, max/min of
// each implementation's p50 over the repetitions with the p50s in the order
// run: the goals' check that zring's p50 is not bimodal.
func renderP50Spread(b *strings.Builder, in reportInput, lat []benchCase) {
	multi := len(in.conditions) > 1
	b.WriteString("\n#### Latency p50 from one repetition to the next\n\n")
	b.WriteString("max/min of the repetitions' p50s, and the p50s in µs in the order run. The goal for zring is ≤ 1.5: ")
	b.WriteString("above that the p50 is bimodal, some runs waking from sleep where others caught the message spinning.\n\n")
	cond, align := "", ""
	if multi {
		cond, align = " condition |", "---|"
	}
	b.WriteString("| case |" + cond)
	for _, im := range in.impls {
		fmt.Fprintf(b, " %s |", im.title)
	}
	b.WriteString("\n|---|" + align + strings.Repeat("--:|", len(in.impls)) + "\n")
	for _, c := range lat {
		for _, cd := range in.conditions {
			fmt.Fprintf(b, "| %s p50 |", c.label())
			if multi {
				fmt.Fprintf(b, " %s |", cd)
			}
			for _, im := range in.impls {
				text := "—"
				if im.ok && im.runs(c) {
					if r, vals := in.results[cd].spread(c, im.name, keyP50); r > 0 {
						var vs []string
						for _, v := range vals {
							vs = append(vs, latencyText(v))
						}
						text = fmt.Sprintf("%.2f× (%s)", r, strings.Join(vs, ", "))
					}
				}
				fmt.Fprintf(b, " %s |", text)
			}
			b.WriteString("\n")
		}
	}
}

// renderProxy writes the tables of the cases with a proxy in the path, if
// the run had any: throughput, latency and CPU per message, with the
// floor's relay in the floor's columns.
func renderProxy(b *strings.Builder, in reportInput) {
	var thr, lat []benchCase
	for _, c := range in.cases {
		switch {
		case !c.proxy:
		case c.kind == throughput:
			thr = append(thr, c)
		default:
			lat = append(lat, c)
		}
	}
	if len(thr)+len(lat) == 0 {
		return
	}
	b.WriteString("\n### Proxy in the path (tcp 127.0.0.1, each implementation's own proxy between its own tools)\n\n")
	b.WriteString("A third process sits between the two perf tools: its frontend binds the endpoint the connecting tool dials, its backend connects to the binding tool. ")
	b.WriteString("zring runs tools/perf/proxy (`zring.Proxy`), libzmq bench/libzmq/proxy.c (`zmq_proxy`), both with default high-water marks; ")
	b.WriteString("the floor runs a plain Go TCP relay (zbench itself: one connection in, one out, bytes copied both ways as they come, no framing). ")
	b.WriteString("Latency goes REQ → ROUTER|DEALER → REP (zmq_proxy's shared queue); throughput PUSH → PULL|PUSH → PULL (its streamer, the same loop: ")
	b.WriteString("remote_thr and local_thr have no socket that pairs with a ROUTER or a DEALER).")
	if slices.ContainsFunc(in.cases, func(c benchCase) bool { return !c.proxy && !c.inproc && c.mech == mechNull && c.kind != fanout }) {
		b.WriteString(" The direct cases are in the tables above.")
	}
	b.WriteString("\n")
	t := table{b: b, in: in, floor: true}
	if len(thr) > 0 {
		b.WriteString("\n#### Throughput through a PULL/PUSH proxy (as local_thr reports)\n\n")
		t.header("higher")
		for _, c := range thr {
			t.row(c, c.label(), keyMsgs, msgRate)
		}
	}
	if len(lat) > 0 {
		b.WriteString("\n#### Latency through a ROUTER/DEALER proxy, one way in µs (as remote_lat reports: half a round trip)\n\n")
		t.header("lower")
		for _, c := range lat {
			for _, q := range []struct{ name, key string }{{"p50", keyP50}, {"p99", keyP99}, {"p99.9", keyP999}, {"avg", keyAvg}} {
				t.row(c, c.label()+" "+q.name, q.key, usText)
			}
		}
	}
	if len(thr) > 0 {
		b.WriteString("\n#### CPU seconds per million messages through the proxy (user + sys of all three processes, throughput runs)\n\n")
		t.header("lower")
		for _, c := range thr {
			t.row(c, c.label(), keyCPUPer, cpuText)
		}
	}
}

// renderSecurity writes the tables of the PLAIN and CURVE cases, if the
// run had any: throughput, latency and CPU per message, libzmq beside zring
// (the floor has no mechanisms), each case's rows under PLAIN and CURVE
// beside its row under NULL when the run had that too.
func renderSecurity(b *strings.Builder, in reportInput) {
	// groups are the cases of one kind and size: NULL's (if run), PLAIN's,
	// CURVE's, in the order the run first has them.
	var groups [][]benchCase
	seen := map[caseRef]bool{}
	haveNull := false
	for _, c := range in.cases {
		if c.mech == mechNull || c.inproc {
			continue
		}
		ref := caseRef{kind: c.kind, size: c.size}
		if seen[ref] {
			continue
		}
		seen[ref] = true
		var g []benchCase
		for _, m := range allMechanisms {
			ref.mech = m
			if sc, ok := findCase(in.cases, ref); ok {
				g = append(g, sc)
				haveNull = haveNull || m == mechNull
			}
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return
	}
	b.WriteString("\n### Security mechanisms (tcp, every connection under the mechanism)\n\n")
	b.WriteString("The binding tool is the server, the connecting one the client, with the fixed credentials and CURVE keys of bench/libzmq/perf_clock.h ")
	b.WriteString("(`ZRING_PERF_MECHANISM` picks the mechanism); a PLAIN server's ZAP handler, in its own process, answers every request \"200\". ")
	b.WriteString("After the handshake PLAIN's frames are NULL's; CURVE encrypts and authenticates every frame. The floor has no mechanisms.")
	if haveNull {
		b.WriteString(" The NULL rows are this run's, from the tables above.\n")
	} else {
		b.WriteString(" NULL's rows are not in this run: they are the default pass's (or run with `-mechanisms null,plain,curve`).\n")
	}
	t := table{b: b, in: in, mech: true}
	kindOf := func(k kind) (out [][]benchCase) {
		for _, g := range groups {
			if g[0].kind == k {
				out = append(out, g)
			}
		}
		return out
	}
	thr, lat := kindOf(throughput), kindOf(latency)
	if len(thr) > 0 {
		b.WriteString("\n#### Throughput under PLAIN and CURVE (PUSH → PULL, as local_thr reports)\n\n")
		t.header("higher")
		for _, g := range thr {
			for _, c := range g {
				t.row(c, c.baseLabel(), keyMsgs, msgRate)
			}
		}
	}
	if len(lat) > 0 {
		b.WriteString("\n#### Latency under PLAIN and CURVE, one way in µs (REQ ↔ REP, as remote_lat reports)\n\n")
		t.header("lower")
		for _, g := range lat {
			for _, q := range []struct{ name, key string }{{"p50", keyP50}, {"p99", keyP99}, {"p99.9", keyP999}, {"avg", keyAvg}} {
				for _, c := range g {
					t.row(c, c.baseLabel()+" "+q.name, q.key, usText)
				}
			}
		}
	}
	if len(thr) > 0 {
		b.WriteString("\n#### CPU seconds per million messages under PLAIN and CURVE (user + sys of both processes, throughput runs)\n\n")
		t.header("lower")
		for _, g := range thr {
			for _, c := range g {
				t.row(c, c.baseLabel(), keyCPUPer, cpuText)
			}
		}
	}
}

// msgRate, usText and cpuText format the tables' cells.
func msgRate(c benchCase, cl cell) string {
	return fmt.Sprintf("%s msg/s · %s Mb/s", thousands(cl.value), decimal(cl.value*float64(c.size)*8/1e6, 1))
}

func usText(_ benchCase, cl cell) string { return latencyText(cl.value) }

func cpuText(_ benchCase, cl cell) string { return decimal(cl.value, 3) }

func latencyText(us float64) string {
	if us < 10 {
		return decimal(us, 2)
	}
	return decimal(us, 1)
}

// thousands formats v rounded to an integer with commas: 6,432,277.
func thousands(v float64) string {
	return groupDigits(fmt.Sprintf("%.0f", v))
}

// decimal formats v with prec decimals and commas in the integer part.
func decimal(v float64, prec int) string {
	whole, frac, ok := strings.Cut(fmt.Sprintf("%.*f", prec, v), ".")
	if !ok {
		return groupDigits(whole)
	}
	return groupDigits(whole) + "." + frac
}

// groupDigits puts commas between groups of three digits of an integer.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}

// environment describes where and how the numbers were taken.
type environment struct {
	command, date, took, kernel, goVersion, cpu, libzmqVersion string
	loadBefore, loadAfter                                      string
}

func describeEnvironment(began time.Time, loadBefore string) environment {
	e := environment{
		loadBefore: loadBefore,
		loadAfter:  loadAverage(),
		command:    "go run ./bench/cmd/zbench" + shellArgs(os.Args[1:]),
		date:       began.UTC().Format("2006-01-02 15:04 MST"),
		took:       time.Since(began).Round(time.Second).String(),
	}
	if out, err := exec.Command("uname", "-r").Output(); err == nil {
		e.kernel = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		e.goVersion = strings.TrimSpace(string(out))
	} else {
		e.goVersion = runtime.Version()
	}
	e.cpu = fmt.Sprintf("%s, %d logical CPUs", cpuModel(), runtime.NumCPU())
	e.libzmqVersion = libzmqVersion()
	return e
}

// loadAverage is the first three fields of /proc/loadavg: other work on the
// machine during a run shows here, and makes its numbers suspect.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// libzmqVersion reads ZMQ_VERSION_* from the zmq.h the C tools compile
// against (pkg-config first, then the header itself).
func libzmqVersion() string {
	if out, err := exec.Command("pkg-config", "--modversion", "libzmq").Output(); err == nil {
		if v := strings.TrimSpace(string(out)); v != "" {
			return v
		}
	}
	b, err := os.ReadFile("/usr/include/zmq.h")
	if err != nil {
		return "(version unknown)"
	}
	part := func(name string) string {
		m := regexp.MustCompile(`#define\s+ZMQ_VERSION_` + name + `\s+(\d+)`).FindSubmatch(b)
		if m == nil {
			return "?"
		}
		return string(m[1])
	}
	return part("MAJOR") + "." + part("MINOR") + "." + part("PATCH")
}

// shellArgs quotes args for a command line a reader can paste.
func shellArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteByte(' ')
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == '=' || r == ':' ||
				'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
		}) < 0 {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}
