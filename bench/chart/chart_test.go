package main

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The fixtures are zbench's own output: small.json and small.md one run
// (go run ./bench/cmd/zbench -only libzmq,zring,floor -conditions idle
// -scale 0.05 -reps 1 -mechanisms null,plain,curve -out /tmp/zb/small.md),
// latest.md and security.md the reports of a make bench, idle and loaded.

func mustLoad(t *testing.T, path string) *Run {
	t.Helper()
	r, err := loadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRender draws every chart from a results file and checks that the
// files come out: SVGs that parse, naming the run they come from, and
// PNGs of the size a browser shows the SVGs at.
func TestRender(t *testing.T) {
	r := mustLoad(t, "testdata/small.json")
	out, pngs := t.TempDir(), t.TempDir()
	written, err := render([]*Run{r}, out, pngs, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2*len(charts) {
		t.Errorf("wrote %v, want an SVG and a PNG of each of %d charts", written, len(charts))
	}
	for _, spec := range charts {
		b, err := os.ReadFile(filepath.Join(out, spec.name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s.svg: %v", spec.name, err)
			}
		}
		svg := string(b)
		for _, want := range []string{
			`<svg width="540pt"`,
			"From bench/chart/testdata/small.json, the zbench run of 2026-12-05 20:58 UTC: one repetition.",
			"idle machine",
			"font-family:'Liberation Sans',Arial",
		} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s.svg lacks %q", spec.name, want)
			}
		}
		if strings.Contains(svg, "Not charted") {
			t.Errorf("%s.svg says a figure is missing, and the run has them all", spec.name)
		}

		f, err := os.Open(filepath.Join(pngs, spec.name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s.png: %v", spec.name, err)
		}
		if cfg.Width != 720 || cfg.Height < 300 {
			t.Errorf("%s.png is %d×%d, want 720 wide (540 pt at 96 dpi)", spec.name, cfg.Width, cfg.Height)
		}
	}
	svg, _ := os.ReadFile(filepath.Join(out, "throughput.svg"))
	for _, want := range []string{"libzmq 4.3.4", "zring", "floor (plain Go TCP)", "8 B", "64 KiB", "messages per second", "10M"} {
		if !strings.Contains(string(svg), ">"+want+"<") {
			t.Errorf("throughput.svg lacks the text %q", want)
		}
	}
	svg, _ = os.ReadFile(filepath.Join(out, "security.svg"))
	for _, want := range []string{"zring CURVE", "libzmq 4.3.4 PLAIN"} {
		if !strings.Contains(string(svg), ">"+want+"<") {
			t.Errorf("security.svg lacks the text %q", want)
		}
	}
}

// TestRenderPicksTheRunWithTheFigures: each chart comes from the first
// input that has its figures, and says so; a chart no input has is not
// drawn.
func TestRenderPicksTheRunWithTheFigures(t *testing.T) {
	latest, security := mustLoad(t, "testdata/latest.md"), mustLoad(t, "testdata/security.md")
	out := t.TempDir()
	if _, err := render([]*Run{latest, security}, out, "", t.Logf); err != nil {
		t.Fatal(err)
	}
	for name, from := range map[string]string{
		"throughput": "From bench/chart/testdata/latest.md, the zbench run of 2026-12-05 16:03 UTC: medians of 3 repetitions.",
		"latency":    "From bench/chart/testdata/latest.md, the zbench run of 2026-12-05 16:03 UTC",
		"fanout":     "From bench/chart/testdata/latest.md, the zbench run of 2026-12-05 16:03 UTC",
		"security":   "From bench/chart/testdata/security.md, the zbench run of 2026-12-05 16:12 UTC",
	} {
		b, err := os.ReadFile(filepath.Join(out, name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), from) {
			t.Errorf("%s.svg lacks %q", name, from)
		}
		if !strings.Contains(string(b), "loaded machine") || !strings.Contains(string(b), "(it had 79% of a core)") && !strings.Contains(string(b), "(it had 81% of a core)") {
			t.Errorf("%s.svg has no loaded panel or group", name)
		}
	}

	// The security pass alone has none of the NULL charts' figures.
	out = t.TempDir()
	written, err := render([]*Run{security}, out, "", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 || filepath.Base(written[0]) != "security.svg" {
		t.Errorf("from the security pass alone wrote %v, want security.svg only", written)
	}
	if _, err := render([]*Run{{Source: "empty", Conditions: []string{"idle"}}}, t.TempDir(), "", t.Logf); err == nil {
		t.Errorf("a run without figures drew something")
	}
}

// TestMissingFigures: a cell without a median (a timeout) is left out of
// its chart, and the chart says so under the panels.
func TestMissingFigures(t *testing.T) {
	r := mustLoad(t, "testdata/small.json")
	for i, c := range r.Cases {
		if c.ID == "tcp-thr-1024" {
			r.Cases[i].Results["idle"]["zring"] = Cell{Runs: 1, State: "timeout"}
		}
		if c.ID == "tcp-lat-64" {
			r.Cases[i].Results["idle"]["floor"] = Cell{Runs: 1, State: "failed"}
		}
	}
	f, ok := throughputChart(r)
	if !ok || !slices.Contains(f.notes, "Not charted: zring, tcp 1 KiB, idle: timeout.") {
		t.Errorf("throughput notes: %q", f.notes)
	}
	f, ok = latencyChart(r)
	if !ok || !slices.Contains(f.notes, "Not charted: floor (plain Go TCP), tcp 64 B p50, idle: failed.") {
		t.Errorf("latency notes: %q", f.notes)
	}
	// Still drawable.
	if err := f.save(filepath.Join(t.TempDir(), "latency.svg")); err != nil {
		t.Fatal(err)
	}
}

// TestProxyCasesNotCharted: zbench's cases with a proxy in the path have
// the kind, transport and size of direct ones; the charts leave them out.
func TestProxyCasesNotCharted(t *testing.T) {
	r := mustLoad(t, "testdata/small.json")
	n := len(r.Cases)
	for _, c := range r.Cases[:n] {
		if (c.ID == "tcp-thr-64" || c.ID == "tcp-lat-64") && c.Proxy == "" {
			p := c
			p.ID, p.Label, p.Proxy = c.ID+"-proxy", c.Label+" via proxy", "queue"
			r.Cases = append(r.Cases, p)
		}
	}
	if len(r.Cases) != n+2 {
		t.Fatalf("fixture lacks tcp-thr-64 or tcp-lat-64")
	}
	for _, kind := range []string{"thr", "lat"} {
		for _, c := range casesOf(r, func(c Case) bool { return c.Kind == kind }) {
			if c.Proxy != "" {
				t.Errorf("casesOf(%s) has %s", kind, c.ID)
			}
		}
	}
}

// TestMarkdownMatchesResults: the report read back gives the results
// file's medians, to the report's rounding, for every case and cell.
func TestMarkdownMatchesResults(t *testing.T) {
	js, md := mustLoad(t, "testdata/small.json"), mustLoad(t, "testdata/small.md")
	if md.Date != js.Date || md.Command != js.Command || md.Reps != js.Reps || !slices.Equal(md.Conditions, js.Conditions) {
		t.Errorf("report: %q %q %d %v; results file: %q %q %d %v",
			md.Date, md.Command, md.Reps, md.Conditions, js.Date, js.Command, js.Reps, js.Conditions)
	}
	mdCases := map[string]Case{}
	for _, c := range md.Cases {
		mdCases[c.ID] = c
	}
	compared := 0
	for _, jc := range js.Cases {
		mc, ok := mdCases[jc.ID]
		if !ok {
			t.Errorf("report lacks case %s", jc.ID)
			continue
		}
		if mc.Label != jc.Label || mc.Size != jc.Size || mc.Kind != jc.Kind || mc.Mechanism != jc.Mechanism || mc.Count != jc.Count {
			t.Errorf("case %s: report %+v, results file %+v", jc.ID, mc, jc)
		}
		for cond, byImpl := range jc.Results {
			for impl, cell := range byImpl {
				for _, m := range []string{mMsgs, mP50, mP99, mP999, mAvg, mCPU} {
					want, ok := cell.Median[m]
					if !ok {
						continue
					}
					got, ok := mc.value(cond, impl, m)
					if !ok || math.Abs(got-want) > 0.051 {
						t.Errorf("%s %s %s %s: report %v (%v), results file %v", jc.ID, cond, impl, m, got, ok, want)
					}
					compared++
				}
			}
		}
	}
	if compared < 50 {
		t.Errorf("compared %d figures only", compared)
	}
}

// TestParseReport reads figures of both conditions back from a make bench
// report, against the report's text.
func TestParseReport(t *testing.T) {
	r := mustLoad(t, "testdata/latest.md")
	if r.Date != "2026-12-05 16:03 UTC" || r.Reps != 3 || !slices.Equal(r.Conditions, []string{"idle", "loaded"}) || r.LoadedCoreShare != 0.79 ||
		r.Command != "go run ./bench/cmd/zbench -inproc -conditions idle,loaded -out bench/out/latest.md" {
		t.Errorf("header: %q %d %v %v %q", r.Date, r.Reps, r.Conditions, r.LoadedCoreShare, r.Command)
	}
	s := mustLoad(t, "testdata/security.md")
	for _, tt := range []struct {
		r                      *Run
		id, cond, impl, metric string
		want                   float64
	}{
		{r, "tcp-thr-8", "idle", "zring", mMsgs, 11_172_510},
		{r, "tcp-thr-8", "loaded", "floor", mMsgs, 26_569_323},
		{r, "tcp-thr-65536", "idle", "libzmq", mMsgs, 10_373},
		{r, "inproc-thr-64", "loaded", "zring", mMsgs, 9_314_759},
		{r, "tcp-fanout-64-1000", "loaded", "zring", mMsgs, 2_912_354},
		{r, "tcp-fanout-64-1000", "idle", "floor", mCPU, 0.243},
		{r, "tcp-lat-64", "idle", "libzmq", mP999, 201.5},
		{r, "tcp-lat-64", "loaded", "zring", mP50, 17.4},
		{r, "inproc-lat-64", "idle", "zring", mP50, 0.55},
		{r, "tcp-thr-1024", "loaded", "libzmq", mCPU, 2.950},
		{s, "tcp-thr-65536-curve", "idle", "zring", mMsgs, 8_202},
		{s, "tcp-thr-64-plain", "loaded", "libzmq", mMsgs, 2_399_660},
		{s, "tcp-lat-64-curve", "loaded", "zring", mP999, 301.6},
		{s, "tcp-thr-1024-curve", "idle", "libzmq", mCPU, 9.186},
	} {
		var c *Case
		for i := range tt.r.Cases {
			if tt.r.Cases[i].ID == tt.id {
				c = &tt.r.Cases[i]
			}
		}
		if c == nil {
			t.Errorf("no case %s", tt.id)
			continue
		}
		if got, ok := c.value(tt.cond, tt.impl, tt.metric); !ok || got != tt.want {
			t.Errorf("%s %s %s %s = %v (%v), want %v", tt.id, tt.cond, tt.impl, tt.metric, got, ok, tt.want)
		}
	}
	for _, c := range r.Cases {
		if _, ok := c.Results["idle"]["floor"]; ok && c.Transport == "inproc" {
			t.Errorf("%s: the floor has no inproc, yet has a cell", c.ID)
		}
	}
	if got := len(s.Cases); got != 8 {
		t.Errorf("security.md: %d cases, want 8", got)
	}
}

func TestParseCell(t *testing.T) {
	for _, tt := range []struct {
		in    string
		v     float64
		ok    int
		state string
	}{
		{"5,297,310 msg/s · 339.0 Mb/s", 5297310, 3, ""},
		{"9.75", 9.75, 3, ""},
		{"2,000,000 msg/s · 1,024.0 Mb/s (2/3 ok)", 2e6, 2, ""},
		{"timeout", 0, 0, "timeout"},
		{"n/a", 0, 0, ""},
	} {
		v, cl, err := parseCell(tt.in, 3)
		if err != nil || v != tt.v || cl.OK != tt.ok || cl.State != tt.state {
			t.Errorf("parseCell(%q) = %v, %+v, %v", tt.in, v, cl, err)
		}
	}
	if _, _, err := parseCell("fast", 3); err == nil {
		t.Errorf("parseCell(fast) took it")
	}
}

func TestTicks(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks{}).Ticks(4000, 80e6) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"10k", "100k", "1M", "10M"}; !slices.Equal(labels, want) {
		t.Errorf("log ticks 4k–80M: %v, want %v", labels, want)
	}
	labels = nil
	for _, tk := range (linearTicks{}).Ticks(0, 225) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0", "50", "100", "150", "200"}; !slices.Equal(labels, want) {
		t.Errorf("linear ticks 0–225: %v, want %v", labels, want)
	}
	for v, want := range map[float64]string{500: "500", 2e4: "20k", 1e6: "1M", 2.5e6: "2.5M"} {
		if got := siLabel(v); got != want {
			t.Errorf("siLabel(%v) = %q, want %q", v, got, want)
		}
	}
	if got := sizeLabel(64 << 10); got != "64 KiB" {
		t.Errorf("sizeLabel(64 KiB) = %q", got)
	}
}
