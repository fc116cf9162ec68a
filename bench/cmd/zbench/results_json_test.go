package main

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// TestRenderJSON: the results file holds the report's medians and every
// repetition, by case, condition and implementation, under the names
// bench/chart reads.
func TestRenderJSON(t *testing.T) {
	results := goalResults()
	addRuns(results[idle], thr1K, "zring", keyMsgs, 0, 1e6, 1e6, 1e6)
	results[idle].add(thr1K, "zring", outcome{status: statusTimeout, detail: "killed after 1m0s"})
	impls := testImpls()
	impls[2].ok, impls[2].status, impls[2].skipReason = false, "skipped", "go build ./bench/floor: no Go"
	in := reportInput{
		impls:      impls,
		cases:      []benchCase{thr8, thr1K, lat64, fan64, curveThr64},
		conditions: []condition{idle, loaded},
		results:    results,
		busy:       busyStats{blocks: 3, cpu: 30 * time.Second, wall: 40 * time.Second},
		cross:      []crossResult{{name: "zring remote_thr → libzmq local_thr", status: "ok", summary: "3,000,000 msg/s"}},
		reps:       3,
		env:        environment{libzmqVersion: "4.3.4", command: "go run ./bench/cmd/zbench -out bench/out/latest.md", date: "2026-12-05 16:03 UTC"},
	}
	b, err := renderJSON(in, "bench/out/latest.md")
	if err != nil {
		t.Fatal(err)
	}
	var got jsonResults
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v in:\n%s", err, b)
	}
	if got.Format != resultsFormat || got.Report != "bench/out/latest.md" || got.Date != "2026-12-05 16:03 UTC" ||
		got.Reps != 3 || got.LoadedCoreShare != 0.75 || len(got.Conditions) != 2 || got.Conditions[1] != "loaded" {
		t.Errorf("header: %+v", got)
	}
	if im := got.Implementations[2]; im.Name != "floor" || im.Status != "skipped" || im.SkipReason == "" {
		t.Errorf("floor: %+v", im)
	}
	if len(got.Cases) != 5 || len(got.Interop) != 1 {
		t.Fatalf("%d cases, %d interop pairs", len(got.Cases), len(got.Interop))
	}
	byID := map[string]jsonCase{}
	for _, c := range got.Cases {
		byID[c.ID] = c
	}

	c := byID["tcp-thr-8"]
	if c.Kind != "thr" || c.Transport != "tcp" || c.Mechanism != "null" || c.Size != 8 || c.Label != "tcp 8 B" {
		t.Errorf("tcp 8 B: %+v", c)
	}
	z := c.Results["idle"]["zring"]
	if z.OK != 3 || z.Runs != 3 || z.Median["msg_per_s"] != 12e6 || len(z.Reps) != 3 ||
		z.Reps[0].Metrics["msg_per_s"] != 12e6 || z.Reps[0].CPUSeconds != 2 {
		t.Errorf("tcp 8 B idle zring: %+v", z)
	}
	// CPU per million messages, as the report's CPU table: 2 s / 10⁷ × 10⁶.
	if v := z.Median["cpu_s_per_million"]; math.Abs(v-0.2) > 1e-9 {
		t.Errorf("tcp 8 B idle zring cpu_s_per_million = %v, want 0.2", v)
	}
	if _, ok := c.Results["idle"]["floor"]; ok {
		t.Errorf("a skipped implementation has results")
	}

	if z := byID["tcp-thr-1024"].Results["idle"]["zring"]; z.OK != 3 || z.Runs != 4 || z.Reps[3].Status != "timeout" {
		t.Errorf("tcp 1 KiB idle zring, one timeout among 4: %+v", z)
	}
	lat := byID["tcp-lat-64"].Results["loaded"]
	if lat["zring"].Median["p50_us"] != 14 || lat["libzmq"].Median["p99_us"] != 100 {
		t.Errorf("tcp 64 B latency, loaded: %+v", lat)
	}
	if c := byID["tcp-fanout-64-1000"]; c.Subscribers != 1000 || c.Results["idle"]["zring"].Median["msg_per_s"] != 9e6 {
		t.Errorf("fan-out: %+v", c)
	}
	if c := byID["tcp-thr-64-curve"]; c.Mechanism != "curve" || c.Results["loaded"]["libzmq"].Median["msg_per_s"] != 650e3 {
		t.Errorf("CURVE 64 B: %+v", c)
	}
}

func TestJSONPathFor(t *testing.T) {
	for _, tt := range []struct{ json, out, want string }{
		{"", "", ""},
		{"", "bench/out/latest.md", "bench/out/latest.json"},
		{"", "report", "report.json"},
		{"/tmp/r.json", "bench/out/latest.md", "/tmp/r.json"},
		{"/tmp/r.json", "", "/tmp/r.json"},
	} {
		if got := jsonPathFor(tt.json, tt.out); got != tt.want {
			t.Errorf("jsonPathFor(%q, %q) = %q, want %q", tt.json, tt.out, got, tt.want)
		}
	}
}
