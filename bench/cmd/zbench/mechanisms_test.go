package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseMechanisms(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []mechanism
		ok   bool
	}{
		{"null", []mechanism{mechNull}, true},
		{"plain,curve", []mechanism{mechPlain, mechCurve}, true},
		{" CURVE , null ", []mechanism{mechCurve, mechNull}, true},
		{"curve,curve", []mechanism{mechCurve}, true},
		{"gssapi", nil, false},
		{"", nil, false},
		{",", nil, false},
	} {
		got, err := parseMechanisms(tt.in)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("parseMechanisms(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestBenchCasesMechanisms: PLAIN and CURVE add issue 11's four cases each
// (throughput 64 B, 1 KiB, 64 KiB, latency 64 B) over tcp, with ids and
// labels of their own; NULL alone is issue 10's set and the two proxy
// cases.
func TestBenchCasesMechanisms(t *testing.T) {
	secure := benchCases(false, 1, true, []mechanism{mechPlain, mechCurve})
	var labels []string
	for _, c := range secure {
		if c.mech == mechNull || c.inproc {
			t.Errorf("%s: with -mechanisms plain,curve and -inproc, a NULL or inproc case", c.label())
		}
		labels = append(labels, c.kindName()+" "+c.label())
	}
	want := []string{
		"thr tcp 64 B PLAIN", "thr tcp 1 KiB PLAIN", "thr tcp 64 KiB PLAIN", "lat tcp 64 B PLAIN",
		"thr tcp 64 B CURVE", "thr tcp 1 KiB CURVE", "thr tcp 64 KiB CURVE", "lat tcp 64 B CURVE",
	}
	if !slices.Equal(labels, want) {
		t.Errorf("cases %q, want %q", labels, want)
	}

	all := benchCases(false, 1, true, allMechanisms)
	if len(all) != 6+2+2+8 {
		t.Errorf("-mechanisms null,plain,curve -inproc: %d cases, want 18", len(all))
	}
	ids := map[string]bool{}
	for _, c := range all {
		if ids[c.id()] {
			t.Errorf("id %s twice: results of two cases would mix", c.id())
		}
		ids[c.id()] = true
	}
	if got := benchCases(false, 1, false, []mechanism{mechNull}); len(got) != 8 || got[1].id() != "tcp-thr-64" {
		t.Errorf("NULL alone: %d cases, the second %q; want 8 (6 and the proxy's 2), tcp-thr-64", len(got), got[1].id())
	}

	// Each CURVE case runs about as long as NULL's of the same size at
	// libzmq's rates, so its counts are lower; PLAIN's frames are NULL's,
	// and so are its counts. -quick and -scale reduce them alike.
	count := func(cs []benchCase, m mechanism, k kind, size int) int {
		c, ok := findCase(cs, caseRef{kind: k, size: size, mech: m})
		if !ok {
			t.Fatalf("no %s case", benchCase{kind: k, size: size, mech: m}.label())
		}
		return c.count
	}
	quick := benchCases(true, 1, false, allMechanisms)
	half := benchCases(false, 0.5, false, allMechanisms)
	for _, r := range []struct {
		k    kind
		size int
	}{{throughput, 64}, {throughput, 1 << 10}, {throughput, 64 << 10}, {latency, 64}} {
		name := benchCase{kind: r.k, size: r.size}.kindName() + " " + sizeLabel(r.size)
		null, plain, curve := count(all, mechNull, r.k, r.size), count(all, mechPlain, r.k, r.size), count(all, mechCurve, r.k, r.size)
		if plain != null {
			t.Errorf("%s: PLAIN count %d, NULL's %d", name, plain, null)
		}
		if curve > null || (r.k == throughput && curve >= null) {
			t.Errorf("%s: CURVE count %d, NULL's %d", name, curve, null)
		}
		if q := count(quick, mechCurve, r.k, r.size); q >= curve {
			t.Errorf("%s: CURVE quick count %d not below %d", name, q, curve)
		}
		if h := count(half, mechCurve, r.k, r.size); h != curve/2 {
			t.Errorf("%s: CURVE count at -scale 0.5 %d, want %d", name, h, curve/2)
		}
	}
}

// TestToolEnv: every run gets the case's mechanism, replacing whatever the
// caller's environment held, NULL included.
func TestToolEnv(t *testing.T) {
	in := []string{"HOME=/root", mechanismEnv + "=curve", "PATH=/bin"}
	got := toolEnv(in, mechNull)
	want := []string{"HOME=/root", "PATH=/bin", mechanismEnv + "=null"}
	if !slices.Equal(got, want) {
		t.Errorf("toolEnv(NULL) = %q, want %q", got, want)
	}
	if in[1] != mechanismEnv+"=curve" {
		t.Errorf("toolEnv changed its argument: %q", in)
	}
	if got := toolEnv(nil, mechPlain); !slices.Equal(got, []string{mechanismEnv + "=plain"}) {
		t.Errorf("toolEnv(PLAIN) = %q", got)
	}
}

// TestImplRuns: the floor has neither inproc nor mechanisms; libzmq and
// zring have both.
func TestImplRuns(t *testing.T) {
	for _, im := range testImpls() {
		for _, tt := range []struct {
			c    benchCase
			want map[string]bool
		}{
			{thr64, map[string]bool{"libzmq": true, "zring": true, "floor": true}},
			{inproc64, map[string]bool{"libzmq": true, "zring": true, "floor": false}},
			{curveThr64, map[string]bool{"libzmq": true, "zring": true, "floor": false}},
			{curveLat64, map[string]bool{"libzmq": true, "zring": true, "floor": false}},
		} {
			if got := im.runs(tt.c); got != tt.want[im.name] {
				t.Errorf("%s runs %s: %v, want %v", im.name, tt.c.label(), got, tt.want[im.name])
			}
		}
	}
}

// securityResults: NULL, PLAIN and CURVE at 64 B, throughput and latency,
// idle and loaded, three repetitions each.
func securityResults() (map[condition]*resultTable, []benchCase) {
	plainThr64 := benchCase{kind: throughput, mech: mechPlain, size: 64, count: 6_000_000}
	cases := []benchCase{thr64, lat64, plainThr64, curveThr64, curveLat64}
	results := map[condition]*resultTable{}
	for _, cond := range allConditions {
		rt := newResultTable()
		addRuns(rt, thr64, "libzmq", keyMsgs, 3*time.Second, 2.5e6, 2.5e6, 2.5e6)
		addRuns(rt, thr64, "zring", keyMsgs, 3*time.Second, 5e6, 5e6, 5e6)
		addRuns(rt, thr64, "floor", keyMsgs, time.Second, 20e6, 20e6, 20e6)
		addRuns(rt, lat64, "libzmq", keyP50, 0, 60, 60, 60)
		addRuns(rt, lat64, "zring", keyP50, 0, 7, 7, 7)
		addRuns(rt, plainThr64, "libzmq", keyMsgs, 3*time.Second, 2.4e6, 2.4e6, 2.4e6)
		addRuns(rt, plainThr64, "zring", keyMsgs, 3*time.Second, 6e6, 6e6, 6e6)
		addRuns(rt, curveThr64, "libzmq", keyMsgs, 3*time.Second, 650e3, 650e3, 650e3)
		addRuns(rt, curveThr64, "zring", keyMsgs, 1500*time.Millisecond, 800e3, 800e3, 800e3)
		addRuns(rt, curveLat64, "libzmq", keyP50, 0, 52, 52, 52)
		addRuns(rt, curveLat64, "zring", keyP50, 0, 26, 26, 26)
		for _, o := range append(rt.runs[curveLat64.id()]["libzmq"], rt.runs[curveLat64.id()]["zring"]...) {
			o.metrics[keyP99], o.metrics[keyP999], o.metrics[keyAvg] = 100, 200, 55
		}
		results[cond] = rt
	}
	return results, cases
}

// TestRenderSecurity: PLAIN and CURVE get tables of their own, without the
// floor's columns, each case's rows under NULL, PLAIN and CURVE together;
// the NULL tables keep NULL's cases only.
func TestRenderSecurity(t *testing.T) {
	results, cases := securityResults()
	in := reportInput{
		impls: testImpls(), cases: cases, conditions: []condition{idle, loaded},
		results: results, reps: 3, env: environment{libzmqVersion: "4.3.4"},
	}
	out := renderReport(in)
	secAt := strings.Index(out, "### Security mechanisms")
	sec := out[secAt:strings.Index(out, "### Interoperability")]
	for _, want := range []string{
		"The NULL rows are this run's, from the tables above.",
		"#### Throughput under PLAIN and CURVE (PUSH → PULL, as local_thr reports)\n\n" +
			"| case | mechanism | condition | libzmq | zring | zring/libzmq (higher is better) |\n|---|---|---|--:|--:|--:|\n" +
			"| tcp 64 B | NULL | idle | 2,500,000 msg/s · 1,280.0 Mb/s | 5,000,000 msg/s · 2,560.0 Mb/s | 2.00× (2.00–2.00) |\n" +
			"| tcp 64 B | NULL | loaded |",
		"| tcp 64 B | PLAIN | loaded | 2,400,000 msg/s · 1,228.8 Mb/s | 6,000,000 msg/s · 3,072.0 Mb/s | 2.50× (2.50–2.50) |\n" +
			"| tcp 64 B | CURVE | idle | 650,000 msg/s · 332.8 Mb/s | 800,000 msg/s · 409.6 Mb/s | 1.23× (1.23–1.23) |\n",
		"| tcp 64 B p50 | NULL | idle | 60.0 | 7.00 | 0.12× (0.12–0.12) |\n",
		"| tcp 64 B p50 | CURVE | loaded | 52.0 | 26.0 | 0.50× (0.50–0.50) |\n",
		"| tcp 64 B p99.9 | CURVE | idle | 200.0 | 200.0 | 1.00× (1.00–1.00) |\n",
		// CPU: 3 s / 1.5 M = 2, 1.5 s / 1.5 M = 1 second per million.
		"| tcp 64 B | CURVE | idle | 2.000 | 1.000 | 0.50× (0.50–0.50) |\n",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("security tables lack %q", want)
		}
	}
	if strings.Contains(sec, "zring/floor") || strings.Contains(sec, "(Go TCP)") {
		t.Errorf("security tables have floor columns")
	}
	if null := out[strings.Index(out, "### Throughput"):secAt]; strings.Contains(null, "CURVE") || strings.Contains(null, "PLAIN") {
		t.Errorf("the NULL tables show a PLAIN or CURVE case:\n%s", null)
	}
	if !strings.Contains(out, "| CURVE latency tcp 64 B p50 ≤ 0.5× libzmq's CURVE | met: 0.50× | met: 0.50× |") {
		t.Errorf("goal table lacks CURVE's latency goal")
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}

	// Without NULL in the run the tables say where its rows are; without
	// PLAIN or CURVE there is no security section at all.
	in.cases = []benchCase{curveThr64}
	if out := renderReport(in); !strings.Contains(out, "NULL's rows are not in this run") || strings.Contains(out, "| NULL |") {
		t.Errorf("CURVE alone: no note on NULL, or a NULL row")
	}
	in.cases = []benchCase{thr64, lat64}
	if out := renderReport(in); strings.Contains(out, "Security mechanisms") {
		t.Errorf("NULL alone has a security section")
	}
}
