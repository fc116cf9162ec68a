// Command chart draws the charts of BENCHMARKS.md from what zbench wrote:
// its results files (bench/out/*.json) or, for runs from before zbench
// wrote those, its markdown reports (bench/out/*.md).
//
//	cd bench/chart && go run . -out ../out ../out/latest.json ../out/security.json
//
// It writes, into -out:
//
//	throughput.svg  NULL throughput over tcp by message size: libzmq, zring and the floor, a panel per condition
//	latency.svg     NULL latency over tcp, p50, p99 and p99.9: libzmq, zring and the floor, a panel per condition
//	fanout.svg      fan-out, one XPUB to many SUBs: deliveries per second, idle and loaded
//	security.svg    PLAIN and CURVE throughput by message size: zring beside libzmq, a panel per condition
//
// Each chart is drawn from the first input that has its figures (make
// bench gives the default pass first, then the security pass) and its
// caption names that file and the run's date. -png DIR also writes each as
// PNG, at the size a browser shows the SVG, to look at.
//
// It is a module of its own so that gonum/plot stays out of zring's
// go.mod.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", ".", "directory to write the SVG charts into")
	pngDir := flag.String("png", "", "also write every chart as PNG into this directory")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run . [-out DIR] [-png DIR] RESULTS.json|REPORT.md ...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var runs []*Run
	for _, path := range flag.Args() {
		r, err := loadRun(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chart:", err)
			os.Exit(1)
		}
		runs = append(runs, r)
	}
	if _, err := render(runs, *out, *pngDir, func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "chart: "+format+"\n", args...)
	}); err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

// render draws every chart some run has figures for into outDir as SVG
// (and into pngDir as PNG, if set), and returns the files written.
func render(runs []*Run, outDir, pngDir string, logf func(string, ...any)) ([]string, error) {
	var written []string
	for _, spec := range charts {
		var f *figure
		var from *Run
		for _, r := range runs {
			if fig, ok := spec.build(r); ok {
				f, from = fig, r
				break
			}
		}
		if f == nil {
			logf("no figures for %s (%s) in the inputs: not drawn", spec.name, spec.about)
			continue
		}
		dirs := []struct{ dir, ext string }{{outDir, ".svg"}}
		if pngDir != "" {
			dirs = append(dirs, struct{ dir, ext string }{pngDir, ".png"})
		}
		for _, d := range dirs {
			if err := os.MkdirAll(d.dir, 0o755); err != nil {
				return written, err
			}
			path := filepath.Join(d.dir, spec.name+d.ext)
			if err := f.save(path); err != nil {
				return written, fmt.Errorf("%s: %w", path, err)
			}
			written = append(written, path)
			logf("wrote %s: %s, from %s (%s)", path, spec.about, from.Source, from.Date)
		}
	}
	if len(written) == 0 {
		return nil, errors.New("no input has figures for any chart")
	}
	return written, nil
}
