// Command zbench runs zring's perf tools side by side with libzmq's and with
// a plain Go TCP "floor", and prints the comparison as markdown.
//
//	go run ./bench/cmd/zbench [-reps 3] [-only libzmq,zring,floor] [-cases thr,lat,fanout,proxy] [-conditions idle,loaded] [-mechanisms null,plain,curve] [-quick] [-out FILE] [-json FILE]
//
// It builds every implementation into a temporary directory (zring's
// tools/perf with go build, bench/libzmq with gcc against libzmq3-dev,
// bench/floor with go build); an implementation that does not build is
// skipped with the reason, the others still run. It then runs every case
// for every implementation, interleaved (for each repetition, for each case,
// for each implementation) so that a noisy moment of the machine falls on
// all of them alike, and reports medians. zring is also paired with libzmq
// once in each direction to show that they interoperate.
//
// Users' machines are never idle, so by default, bare runs and make bench
// alike, every case runs in two conditions: idle, and loaded, with one
// busy-loop process taking a core (zbench re-executes itself to spin, the
// equivalent of `( while :; do :; done ) &`). Each repetition runs both
// conditions in turn, the order rotating, and within a condition the cases
// and implementations interleave as above; the busy loop starts before a
// loaded block and is killed after it, on any error and on SIGINT or
// SIGTERM, and it exits by itself if zbench dies. The report shows each
// case's idle and loaded rows one under the other, and opens with the
// goals of issues 10 and 11 checked against the medians. -conditions idle
// gives the single idle pass of earlier versions in half the time.
//
// -mechanisms picks the ZMTP security mechanisms: null (the default) runs
// issue 10's cases; plain and curve add issue 11's, throughput at 64 B,
// 1 KiB and 64 KiB and latency at 64 B with every tcp connection under
// that mechanism (libzmq and zring only), interleaved with the rest as any
// case is, and reported in tables of their own beside NULL's rows.
//
// Each run gets a fresh port on 127.0.0.1 and a deadline; a tool that hangs
// is killed and its cell reads "timeout", and that case is not retried for
// that implementation in later repetitions (of the same condition), so the
// whole run stays bounded.
//
// With NULL it also runs two cases with a proxy in the path, each
// implementation's own between its own ends (-cases proxy): latency
// through a ROUTER/DEALER zmq_proxy (REQ → ROUTER|DEALER → REP) and
// throughput through a PULL/PUSH one, zring.Proxy beside libzmq's
// zmq_proxy, and a plain Go TCP relay for the floor (relay.go).
//
// With -out X.md it also writes X.json beside the report (-json names
// another file): the same figures, medians and every repetition's, for
// bench/chart to draw.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	reps     int
	only     []string
	quick    bool
	out      string
	json     string // the results file; jsonPathFor gives the default
	timeout  time.Duration
	scale    float64
	zringBin string
	inproc   bool
	kinds    []string // -cases: thr, lat, fanout, proxy; empty is all
	conds    []condition
	mechs    []mechanism
	keep     bool
	verbose  bool
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == busyLoopArg {
		runBusyLoop()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == relayArg {
		runRelay(os.Args[2:])
		return
	}
	var o options
	var only, kinds, conds, mechs string
	flag.IntVar(&o.reps, "reps", 3, "repetitions of every case; the table shows medians")
	flag.StringVar(&only, "only", "libzmq,zring,floor", "comma-separated implementations to run")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: small counts, 1 repetition unless -reps says otherwise")
	flag.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&o.json, "json", "", "also write the results as JSON to this file (default: beside -out, its name with .json for .md)")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "deadline of one run; a tool still running then is killed")
	flag.Float64Var(&o.scale, "scale", 1, "multiply every message and round-trip count by this")
	flag.StringVar(&o.zringBin, "zring-bin", "", "use zring perf tools already built in this directory instead of building ./tools/perf")
	flag.BoolVar(&o.inproc, "inproc", false, "also run inproc_thr and inproc_lat (libzmq and zring only)")
	flag.StringVar(&kinds, "cases", "", "comma-separated kinds of case to run: thr, lat, fanout, and proxy for the cases with a proxy in the path (thr and lat are the direct ones); default all")
	flag.StringVar(&conds, "conditions", "idle,loaded", "comma-separated conditions to run every case in: idle, loaded (one busy-loop process taking a core)")
	flag.StringVar(&mechs, "mechanisms", "null", "comma-separated security mechanisms: null (issue 10's cases), plain, curve (throughput 64 B, 1 KiB, 64 KiB and latency 64 B under that mechanism; libzmq and zring only)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary build directory")
	flag.BoolVar(&o.verbose, "v", false, "print every tool's output")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run ./bench/cmd/zbench [flags]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	for name := range strings.SplitSeq(only, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(implNames, name) {
			fmt.Fprintf(os.Stderr, "zbench: unknown implementation %q (have %s)\n", name, strings.Join(implNames, ", "))
			os.Exit(2)
		}
		o.only = append(o.only, name)
	}
	for k := range strings.SplitSeq(kinds, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !slices.Contains([]string{"thr", "lat", "fanout", "proxy"}, k) {
			fmt.Fprintf(os.Stderr, "zbench: unknown kind of case %q (have thr, lat, fanout, proxy)\n", k)
			os.Exit(2)
		}
		o.kinds = append(o.kinds, k)
	}
	var err error
	if o.conds, err = parseConditions(conds); err != nil {
		fmt.Fprintln(os.Stderr, "zbench:", err)
		os.Exit(2)
	}
	if o.mechs, err = parseMechanisms(mechs); err != nil {
		fmt.Fprintln(os.Stderr, "zbench:", err)
		os.Exit(2)
	}
	if o.quick {
		if !flagSet("reps") {
			o.reps = 1
		}
		if !flagSet("timeout") {
			o.timeout = 20 * time.Second
		}
	}
	if o.reps < 1 || o.scale <= 0 || o.timeout <= 0 {
		fmt.Fprintln(os.Stderr, "zbench: -reps, -scale and -timeout must be positive")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "zbench:", err)
		if errors.Is(err, errInterrupted) {
			os.Exit(130) // as a shell reports a command ended by SIGINT
		}
		os.Exit(1)
	}
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// errInterrupted ends a run cut short by SIGINT or SIGTERM.
var errInterrupted = errors.New("interrupted")

func run(o options) error {
	began := time.Now()
	loadBefore := loadAverage()
	// A signal cancels ctx: the tools running then are killed, the busy
	// loop is stopped by measure's defer, and run returns errInterrupted.
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "zbench-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("build directory: %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	impls := newImpls(root, tmp, o.zringBin)
	for _, im := range impls {
		if !slices.Contains(o.only, im.name) {
			im.status = "not run"
			continue
		}
		logf("building %s ...", im.name)
		if err := im.build(); err != nil {
			im.status = "skipped"
			im.skipReason = err.Error()
			logf("%s: SKIPPED: %s", im.name, err)
			continue
		}
		im.ok = true
	}

	cases := benchCases(o.quick, o.scale, o.inproc, o.mechs)
	if len(o.kinds) > 0 {
		cases = slices.DeleteFunc(cases, func(c benchCase) bool { return !slices.Contains(o.kinds, c.group()) })
	}

	cross := runCrossPairs(ctx, impls, o)
	if ctx.Err() != nil {
		return errInterrupted
	}

	var active []*impl
	for _, im := range impls {
		if im.ok {
			active = append(active, im)
		}
	}
	results, busy, err := measure(ctx, o, cases, active)
	if err != nil {
		return err
	}

	env := describeEnvironment(began, loadBefore)
	in := reportInput{
		impls:      impls,
		cases:      cases,
		conditions: reportOrder(o.conds),
		results:    results,
		busy:       busy,
		cross:      cross,
		reps:       o.reps,
		env:        env,
	}
	report := renderReport(in)
	fmt.Print(report)
	if o.out != "" {
		if err := writeFile(o.out, []byte(report)); err != nil {
			return err
		}
	}
	if path := jsonPathFor(o.json, o.out); path != "" {
		b, err := renderJSON(in, o.out)
		if err != nil {
			return err
		}
		if err := writeFile(path, b); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	logf("wrote %s", path)
	return nil
}

// measure runs every case for every active implementation in every
// condition, o.reps times: for each repetition, for each condition, for
// each case, for each implementation, the orders of conditions and of
// implementations rotating between repetitions. A loaded block runs with a
// busy loop started just before it and killed just after; whatever way
// measure returns, no busy loop is left running.
func measure(ctx context.Context, o options, cases []benchCase, active []*impl) (map[condition]*resultTable, busyStats, error) {
	results := map[condition]*resultTable{}
	for _, cond := range o.conds {
		results[cond] = newResultTable()
	}
	var stats busyStats
	var busy *busyLoop
	defer func() { busy.stop() }()

	type key struct {
		cond     condition
		caseID   string
		implName string
	}
	timedOut := map[key]bool{}
	for rep := range o.reps {
		order := rotate(active, rep)
		for _, cond := range rotate(o.conds, rep) {
			if cond == loaded {
				var err error
				if busy, err = startBusyLoop(); err != nil {
					return nil, stats, err
				}
				logf("rep %d/%d  loaded: busy loop %d spinning", rep+1, o.reps, busy.cmd.Process.Pid)
			}
			for _, c := range cases {
				for _, im := range order {
					k := key{cond, c.id(), im.name}
					if !im.runs(c) {
						continue // the floor has no inproc and no mechanisms
					}
					if timedOut[k] {
						results[cond].add(c, im.name, outcome{status: statusTimeout, detail: notRetried})
						continue
					}
					out := runCase(ctx, c, im, o.timeout, o.verbose)
					if ctx.Err() != nil {
						return nil, stats, errInterrupted
					}
					if out.status == statusTimeout {
						timedOut[k] = true
					}
					results[cond].add(c, im.name, out)
					logf("rep %d/%d  %-6s %-14s %-7s %s", rep+1, o.reps, cond, c.label(), im.name, out.summary(c))
				}
			}
			if busy != nil {
				cpu, wall := busy.stop()
				busy = nil
				stats.blocks++
				stats.cpu += cpu
				stats.wall += wall
				logf("rep %d/%d  loaded: busy loop stopped; it had %.0f%% of a core", rep+1, o.reps,
					100*cpu.Seconds()/max(wall.Seconds(), 1e-9))
			}
		}
	}
	return results, stats, nil
}

// moduleRoot is the directory of the go.mod that holds this command, from
// `go env GOMOD`; builds and source paths are relative to it.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the zring module: run from the repository")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, "bench", "libzmq")); err != nil {
		return "", fmt.Errorf("%s has no bench/libzmq: run from the zring repository", root)
	}
	return root, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "zbench: "+format+"\n", args...)
}
