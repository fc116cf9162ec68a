package main

import (
	"strings"
	"testing"
	"time"
)

// Cases of a full run with -inproc, as the goals look them up.
var (
	lat64    = benchCase{kind: latency, size: 64, count: 20_000}
	thr8     = benchCase{kind: throughput, size: 8, count: 10_000_000}
	thr64    = benchCase{kind: throughput, size: 64, count: 6_000_000}
	thr1K    = benchCase{kind: throughput, size: 1 << 10, count: 1_000_000}
	thr64K   = benchCase{kind: throughput, size: 64 << 10, count: 50_000}
	fan64    = benchCase{kind: fanout, size: 64, count: 5_000, subs: 1000}
	inproc64 = benchCase{kind: throughput, inproc: true, size: 64, count: 6_000_000}
	// issue 11's, with -mechanisms null,curve
	curveThr64  = benchCase{kind: throughput, mech: mechCurve, size: 64, count: 1_500_000}
	curveThr1K  = benchCase{kind: throughput, mech: mechCurve, size: 1 << 10, count: 300_000}
	curveThr64K = benchCase{kind: throughput, mech: mechCurve, size: 64 << 10, count: 25_000}
	curveLat64  = benchCase{kind: latency, mech: mechCurve, size: 64, count: 20_000}
	allCases    = []benchCase{thr8, thr64, thr1K, thr64K, lat64, fan64, inproc64, curveThr64, curveThr1K, curveThr64K, curveLat64}
)

// addRuns records one successful run per value of metric key (and, for a
// throughput, a CPU time of cpu per run).
func addRuns(rt *resultTable, c benchCase, implName, key string, cpu time.Duration, vals ...float64) {
	for _, v := range vals {
		rt.add(c, implName, outcome{metrics: metrics{key: v}, cpu: cpu})
	}
}

// goalResults is a run where every goal's figure is known: the idle
// machine meets all but the p99-vs-libzmq and CPU goals; the loaded one
// misses the p50 goals and its p50 is bimodal.
func goalResults() map[condition]*resultTable {
	idleRT, loadedRT := newResultTable(), newResultTable()
	for _, rt := range []*resultTable{idleRT, loadedRT} {
		addRuns(rt, lat64, "libzmq", keyP50, 0, 50, 55, 60)
		addRuns(rt, lat64, "floor", keyP50, 0, 10, 10, 10)
		addRuns(rt, thr8, "floor", keyMsgs, time.Second, 20e6, 20e6, 20e6)
		addRuns(rt, thr64, "floor", keyMsgs, time.Second, 10e6, 10e6, 10e6)
		addRuns(rt, thr64K, "libzmq", keyMsgs, 0, 20e3, 20e3, 20e3)
		addRuns(rt, fan64, "libzmq", keyMsgs, 0, 4e6, 4e6, 4e6)
		addRuns(rt, fan64, "floor", keyMsgs, 0, 16e6, 16e6, 16e6)
		addRuns(rt, inproc64, "libzmq", keyMsgs, 0, 5e6, 5e6, 5e6)
		addRuns(rt, thr8, "libzmq", keyMsgs, 4*time.Second, 6e6, 6e6, 6e6)
		addRuns(rt, thr64, "libzmq", keyMsgs, 4*time.Second, 4e6, 4e6, 4e6)
	}
	// idle: p50 6/10 = 0.6× floor (missed 1.2? no: met), 6/55 = 0.11× libzmq.
	addRuns(idleRT, lat64, "zring", keyP50, 0, 6, 6.5, 5.9)
	for _, rt := range []*resultTable{idleRT, loadedRT} {
		for i, v := range []float64{100, 120, 90} { // p99s: libzmq 100, floor 80
			rt.runs[lat64.id()]["libzmq"][i].metrics[keyP99] = v
			rt.runs[lat64.id()]["floor"][i].metrics[keyP99] = 80
		}
	}
	for i, v := range []float64{90, 90, 90} {
		idleRT.runs[lat64.id()]["zring"][i].metrics[keyP99] = v // 0.90× libzmq: missed
	}
	// loaded: p50 14/10 = 1.4× floor, bimodal 5 → 30.
	addRuns(loadedRT, lat64, "zring", keyP50, 0, 5, 14, 30)
	for i := range 3 {
		loadedRT.runs[lat64.id()]["zring"][i].metrics[keyP99] = 60
	}
	for _, rt := range []*resultTable{idleRT, loadedRT} {
		addRuns(rt, thr8, "zring", keyMsgs, 2*time.Second, 12e6, 12e6, 12e6) // 0.6× floor, CPU 0.5× libzmq
		addRuns(rt, thr64, "zring", keyMsgs, time.Second, 4e6, 4e6, 4e6)     // 0.4× floor, CPU 0.25×
		addRuns(rt, thr64K, "zring", keyMsgs, 0, 40e3, 40e3, 40e3)           // 2× libzmq
		addRuns(rt, fan64, "zring", keyMsgs, 0, 8e6, 9e6, 10e6)              // 0.56× floor, 2.25× libzmq
		addRuns(rt, inproc64, "zring", keyMsgs, 0, 25e6, 19e6, 30e6)         // lowest 3.8×
	}
	// CURVE, the same in both conditions but the latency: throughput 2×,
	// 2× and 0.5× libzmq's (worst at 64 KiB, missed); CPU 0.75×, 0.5×,
	// 0.9× (met); CURVE's figures must not leak into NULL's goals, whose
	// cases have the same kinds and sizes.
	for _, rt := range []*resultTable{idleRT, loadedRT} {
		addRuns(rt, curveThr64, "libzmq", keyMsgs, 4*time.Second, 650e3, 650e3, 650e3)
		addRuns(rt, curveThr64, "zring", keyMsgs, 3*time.Second, 1.3e6, 1.3e6, 1.3e6)
		addRuns(rt, curveThr1K, "libzmq", keyMsgs, 4*time.Second, 150e3, 150e3, 150e3)
		addRuns(rt, curveThr1K, "zring", keyMsgs, 2*time.Second, 300e3, 300e3, 300e3)
		addRuns(rt, curveThr64K, "libzmq", keyMsgs, 4*time.Second, 6.6e3, 6.6e3, 6.6e3)
		addRuns(rt, curveThr64K, "zring", keyMsgs, 3600*time.Millisecond, 3.3e3, 3.3e3, 3.3e3)
		addRuns(rt, curveLat64, "libzmq", keyP50, 0, 52, 52, 52)
	}
	addRuns(idleRT, curveLat64, "zring", keyP50, 0, 20, 20, 20)         // 0.38×: met
	addRuns(loadedRT, curveLat64, "zring", keyP50, 0, 31.2, 31.2, 31.2) // 0.60×: missed
	return map[condition]*resultTable{idle: idleRT, loaded: loadedRT}
}

func TestGoals(t *testing.T) {
	rows := evalGoals(goals, []condition{idle, loaded}, goalResults(), allCases)
	want := map[string][2]string{
		"latency tcp 64 B p50 ≤ 1.2× floor":  {"met: 0.60×", "**missed**: 1.40×"},
		"latency tcp 64 B p50 ≤ 0.5× libzmq": {"met: 0.11×", "met: 0.25×"},
		"latency tcp 64 B p99 ≤ 1.5× floor":  {"met: 1.12×", "met: 0.75×"},
		"latency tcp 64 B p99 ≤ 0.8× libzmq": {"**missed**: 0.90×", "met: 0.60×"},
		"latency tcp 64 B p50 steady: max/min of zring's repetitions ≤ 1.5": {
			"met: 1.10× (5.90–6.50 µs)", "**missed**: 6.00× (5.00–30.0 µs)"},
		"throughput tcp 8 B ≥ 0.5× floor":           {"met: 0.60×", "0.60×, no goal"},
		"throughput tcp 64 B ≥ 0.5× floor":          {"**missed**: 0.40×", "0.40×, no goal"},
		"throughput tcp 64 KiB ≥ 1.5× libzmq":       {"met: 2.00×", "2.00×, no goal"},
		"fan-out tcp 64 B → 1,000 SUB ≥ 0.5× floor": {"met: 0.56×", "0.56×, no goal"},
		"fan-out tcp 64 B → 1,000 SUB ≥ 2× libzmq":  {"met: 2.25×", "2.25×, no goal"},
		"throughput inproc 64 B ≥ 4× libzmq in every repetition": {
			"**missed**: lowest 3.80× (3 of 3 repetitions)", "lowest 3.80× (3 of 3 repetitions), no goal"},
		"CPU seconds per million messages ≤ 0.5× libzmq, every tcp throughput size": {
			"met: worst 0.50× at tcp 8 B", "worst 0.50× at tcp 8 B, no goal"},
		"CURVE throughput tcp ≥ 1.5× libzmq's CURVE, every size": {
			"**missed**: worst 0.50× at tcp 64 KiB CURVE", "worst 0.50× at tcp 64 KiB CURVE, no goal"},
		"CURVE latency tcp 64 B p50 ≤ 0.5× libzmq's CURVE": {"met: 0.38×", "**missed**: 0.60×"},
		"CURVE CPU seconds per million messages ≤ libzmq's CURVE, every tcp throughput size": {
			"met: worst 0.90× at tcp 64 KiB CURVE", "worst 0.90× at tcp 64 KiB CURVE, no goal"},
	}
	if len(rows) != len(want) {
		t.Errorf("%d goal rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		w, ok := want[r.text]
		if !ok {
			t.Errorf("unexpected goal %q", r.text)
			continue
		}
		if len(r.cells) != 2 {
			t.Fatalf("%s: %d cells, want 2", r.text, len(r.cells))
		}
		for i, cond := range []condition{idle, loaded} {
			if got := r.cells[i].text(); got != w[i] {
				t.Errorf("%s, %s: %q, want %q", r.text, cond, got, w[i])
			}
		}
	}
}

// TestGoalsNotMeasured: a goal whose case did not run, or ran once where it
// needs repetitions, says so rather than passing.
func TestGoalsNotMeasured(t *testing.T) {
	rt := newResultTable()
	addRuns(rt, lat64, "zring", keyP50, 0, 6)
	addRuns(rt, lat64, "floor", keyP50, 0, 10)
	rows := evalGoals(goals, []condition{idle}, map[condition]*resultTable{idle: rt}, []benchCase{lat64})
	for _, r := range rows {
		got := r.cells[0].text()
		want := "not measured"
		if r.text == "latency tcp 64 B p50 ≤ 1.2× floor" {
			want = "met: 0.60×"
		}
		if got != want {
			t.Errorf("%s: %q, want %q", r.text, got, want)
		}
	}
	// A repetition of inproc where libzmq failed counts against "every repetition".
	rt = newResultTable()
	addRuns(rt, inproc64, "zring", keyMsgs, 0, 30e6, 30e6)
	addRuns(rt, inproc64, "libzmq", keyMsgs, 0, 5e6)
	rt.add(inproc64, "libzmq", outcome{status: statusFailed, detail: "boom"})
	r := inprocEveryRepGoal(4)(rt, []benchCase{inproc64})
	if !r.measured || r.met || r.figure != "lowest 6.00× (1 of 2 repetitions)" {
		t.Errorf("inproc with a failed repetition: %+v", r)
	}
}

func TestRenderGoals(t *testing.T) {
	var b strings.Builder
	rows := evalGoals(goals, []condition{idle, loaded}, goalResults(), allCases)
	renderGoals(&b, []condition{idle, loaded}, rows)
	out := b.String()
	for _, want := range []string{
		"| goal | idle | loaded |\n|---|---|---|\n",
		"| latency tcp 64 B p50 ≤ 1.2× floor | met: 0.60× | **missed**: 1.40× |\n",
		"| throughput tcp 8 B ≥ 0.5× floor | met: 0.60× | 0.60×, no goal |\n",
		// issue 10: 5 latency goals × 2 conditions + 7 idle-only: 12 met,
		// 5 missed; issue 11: 1 latency goal × 2 + 2 idle-only: 2 met, 2 missed.
		"\n14 met, 7 missed, 0 not measured.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("goal table lacks %q:\n%s", want, out)
		}
	}
}

// testImpls are the three implementations, built (as far as the report
// knows).
func testImpls() []*impl {
	impls := newImpls("/root", "/tmp/zbench-test", "")
	for _, im := range impls {
		im.ok = true
	}
	return impls
}

// TestRenderTwoConditions: every table gets a condition column and a row
// per condition under each case, each from its own results.
func TestRenderTwoConditions(t *testing.T) {
	results := goalResults()
	for _, rt := range results {
		addRuns(rt, thr1K, "zring", keyMsgs, 0, 1e6, 1e6, 1e6)
	}
	in := reportInput{
		impls:      testImpls(),
		cases:      []benchCase{thr8, lat64},
		conditions: []condition{idle, loaded},
		results:    results,
		busy:       busyStats{blocks: 3, cpu: 30 * time.Second, wall: 40 * time.Second},
		reps:       3,
		env:        environment{libzmqVersion: "4.3.4"},
	}
	out := renderReport(in)
	for _, want := range []string{
		"Conditions: idle and loaded.",
		"(it had 75% of a core)",
		"| case | condition | libzmq | zring | zring/libzmq (higher is better) | floor (Go TCP) | zring/floor |\n|---|---|--:|--:|--:|--:|--:|\n",
		"| tcp 8 B | idle | 6,000,000 msg/s · 384.0 Mb/s | 12,000,000 msg/s · 768.0 Mb/s | 2.00× (2.00–2.00) | 20,000,000 msg/s · 1,280.0 Mb/s | 0.60× (0.60–0.60) |\n" +
			"| tcp 8 B | loaded | 6,000,000 msg/s",
		"| tcp 64 B p50 | idle | 55.0 | 6.00 | 0.11× (0.10–0.12) | 10.0 | 0.60× (0.59–0.65) |\n" +
			"| tcp 64 B p50 | loaded | 55.0 | 14.0 | 0.25× (0.10–0.50) | 10.0 | 1.40× (0.50–3.00) |\n",
		"| tcp 64 B p50 | loaded | 1.20× (50.0, 55.0, 60.0) | 6.00× (5.00, 14.0, 30.0) | 1.00× (10.0, 10.0, 10.0) |\n",
		"| tcp 8 B | loaded | 0.400 | 0.200 | 0.50× (0.50–0.50) | 0.100 | 2.00× (2.00–2.00) |\n",
		"over 3 blocks it had 30.0 s of CPU in 40.0 s, 75% of a core",
		"each condition in turn",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
	if strings.Contains(out, "tcp 1 KiB") {
		t.Errorf("report shows a case that was not in its cases")
	}
}

// TestRenderOneCondition: with -conditions idle the tables keep the shape
// they had before there were conditions.
func TestRenderOneCondition(t *testing.T) {
	results := goalResults()
	delete(results, loaded)
	out := renderReport(reportInput{
		impls: testImpls(), cases: []benchCase{thr8}, conditions: []condition{idle},
		results: results, reps: 3, env: environment{libzmqVersion: "4.3.4"},
	})
	for _, bad := range []string{"| condition |", "Conditions:", "busy loop", "| tcp 8 B | idle |"} {
		if strings.Contains(out, bad) {
			t.Errorf("single-condition report has %q:\n%s", bad, out)
		}
	}
	if want := "| tcp 8 B | 6,000,000 msg/s"; !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}
	if want := "| goal | idle |\n"; !strings.Contains(out, want) {
		t.Errorf("report lacks %q", want)
	}
}

func TestParseConditions(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []condition
		ok   bool
	}{
		{"idle,loaded", []condition{idle, loaded}, true},
		{"loaded, idle", []condition{loaded, idle}, true},
		{"idle", []condition{idle}, true},
		{"loaded,loaded", []condition{loaded}, true},
		{"busy", nil, false},
		{"", nil, false},
		{" , ", nil, false},
	} {
		got, err := parseConditions(tt.in)
		if (err == nil) != tt.ok || strings.Join(condNames(got), ",") != strings.Join(condNames(tt.want), ",") {
			t.Errorf("parseConditions(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestReportOrder(t *testing.T) {
	if got := condNames(reportOrder([]condition{loaded, idle})); strings.Join(got, ",") != "idle,loaded" {
		t.Errorf("reportOrder(loaded, idle) = %v", got)
	}
	if got := condNames(reportOrder([]condition{loaded})); strings.Join(got, ",") != "loaded" {
		t.Errorf("reportOrder(loaded) = %v", got)
	}
}

func condNames(cs []condition) []string {
	var s []string
	for _, c := range cs {
		s = append(s, string(c))
	}
	return s
}

// TestRotate: each repetition starts one further along, so neither
// condition nor implementation always runs first.
func TestRotate(t *testing.T) {
	s := []string{"a", "b", "c"}
	for k, want := range []string{"abc", "bca", "cab", "abc"} {
		if got := strings.Join(rotate(s, k), ""); got != want {
			t.Errorf("rotate(abc, %d) = %s, want %s", k, got, want)
		}
	}
	if s[0] != "a" {
		t.Errorf("rotate changed its argument: %v", s)
	}
	if got := rotate([]string(nil), 1); len(got) != 0 {
		t.Errorf("rotate(nil) = %v", got)
	}
}
