// Command zbench runs zring's perf tools side by side with libzmq's and with
// a plain Go TCP "floor", and prints the comparison as markdown.
//
//	go run ./bench/cmd/zbench [-reps 3] [-only libzmq,zring,floor] [-cases thr,lat,fanout] [-quick] [-out FILE]
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
// Each run gets a fresh port on 127.0.0.1 and a deadline; a tool that hangs
// is killed and its cell reads "timeout", and that case is not retried for
// that implementation in later repetitions, so the whole run stays bounded.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// options are the command-line flags.
type options struct {
	reps     int
	only     []string
	quick    bool
	out      string
	timeout  time.Duration
	scale    float64
	zringBin string
	inproc   bool
	kinds    []string // -cases: thr, lat, fanout; empty is all
	keep     bool
	verbose  bool
}

func main() {
	var o options
	var only, kinds string
	flag.IntVar(&o.reps, "reps", 3, "repetitions of every case; the table shows medians")
	flag.StringVar(&only, "only", "libzmq,zring,floor", "comma-separated implementations to run")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: small counts, 1 repetition (about a minute)")
	flag.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "deadline of one run; a tool still running then is killed")
	flag.Float64Var(&o.scale, "scale", 1, "multiply every message and round-trip count by this")
	flag.StringVar(&o.zringBin, "zring-bin", "", "use zring perf tools already built in this directory instead of building ./tools/perf")
	flag.BoolVar(&o.inproc, "inproc", false, "also run inproc_thr and inproc_lat (libzmq and zring only)")
	flag.StringVar(&kinds, "cases", "", "comma-separated kinds of case to run: thr, lat, fanout (default all)")
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
		if !slices.Contains([]string{"thr", "lat", "fanout"}, k) {
			fmt.Fprintf(os.Stderr, "zbench: unknown kind of case %q (have thr, lat, fanout)\n", k)
			os.Exit(2)
		}
		o.kinds = append(o.kinds, k)
	}
	if o.quick {
		o.reps = 1
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
		os.Exit(1)
	}
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func run(o options) error {
	began := time.Now()
	loadBefore := loadAverage()
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

	cases := benchCases(o.quick, o.scale, o.inproc)
	if len(o.kinds) > 0 {
		cases = slices.DeleteFunc(cases, func(c benchCase) bool { return !slices.Contains(o.kinds, c.kindName()) })
	}
	results := newResultTable()

	cross := runCrossPairs(impls, o)

	timedOut := map[[2]string]bool{}
	var active []*impl
	for _, im := range impls {
		if im.ok {
			active = append(active, im)
		}
	}
	for rep := range o.reps {
		// Rotate who goes first so no implementation always runs right after
		// the same neighbour.
		order := slices.Clone(active)
		if len(order) > 0 {
			k := rep % len(order)
			order = append(order[k:], order[:k]...)
		}
		for _, c := range cases {
			for _, im := range order {
				key := [2]string{c.id(), im.name}
				if im.command(mustTool(c)) == nil {
					continue // the floor has no inproc
				}
				if timedOut[key] {
					results.add(c, im.name, outcome{status: statusTimeout, detail: notRetried})
					continue
				}
				out := runCase(c, im, o.timeout, o.verbose)
				if out.status == statusTimeout {
					timedOut[key] = true
				}
				results.add(c, im.name, out)
				logf("rep %d/%d  %-14s %-7s %s", rep+1, o.reps, c.label(), im.name, out.summary(c))
			}
		}
	}

	env := describeEnvironment(began, loadBefore)
	report := renderReport(reportInput{
		impls:   impls,
		cases:   cases,
		results: results,
		cross:   cross,
		reps:    o.reps,
		env:     env,
	})
	fmt.Print(report)
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
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
