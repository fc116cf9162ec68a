package main

import (
	"strings"
	"testing"
	"time"
)

// Output as libzmq 4.3.4's local_thr prints it (and bench/libzmq, the floor
// and tools/perf must print it).
const localThrOutput = `message size: 64 [B]
message count: 1000
mean throughput: 4345084 [msg/s]
mean throughput: 2224.683 [Mb/s]
`

const remoteLatOutput = `message size: 64 [B]
roundtrip count: 20000
average latency: 59.133 [us]
p50 latency: 56.874 [us]
p99 latency: 90.780 [us]
p99.9 latency: 115.748 [us]
`

func TestParseMetrics(t *testing.T) {
	m := parseMetrics(localThrOutput)
	for key, want := range map[string]float64{
		keySize:  64,
		keyCount: 1000,
		keyMsgs:  4345084,
		keyMbits: 2224.683,
	} {
		if m[key] != want {
			t.Errorf("%q = %v, want %v", key, m[key], want)
		}
	}
	m = parseMetrics(remoteLatOutput)
	for key, want := range map[string]float64{
		keyTrips: 20000, keyAvg: 59.133, keyP50: 56.874, keyP99: 90.780, keyP999: 115.748,
	} {
		if m[key] != want {
			t.Errorf("%q = %v, want %v", key, m[key], want)
		}
	}
}

const fanoutSubOutput = `message size: 64 [B]
message count: 5000
subscribers: 1000
mean throughput: 3034182 [msg/s]
mean throughput: 1553.501 [Mb/s]
`

func TestMetricsCheck(t *testing.T) {
	thr := benchCase{kind: throughput, size: 64, count: 1000}
	lat := benchCase{kind: latency, size: 64, count: 20000}
	fan := benchCase{kind: fanout, size: 64, count: 5000, subs: 1000}
	tests := []struct {
		name string
		c    benchCase
		out  string
		ok   bool
	}{
		{"throughput complete", thr, localThrOutput, true},
		{"latency complete", lat, remoteLatOutput, true},
		{"wrong count", benchCase{kind: throughput, size: 64, count: 999}, localThrOutput, false},
		{"wrong size", benchCase{kind: latency, size: 8, count: 20000}, remoteLatOutput, false},
		{"no percentiles (libzmq's own remote_lat)", lat,
			"message size: 64 [B]\nroundtrip count: 20000\naverage latency: 59.133 [us]\n", false},
		{"Mb/s line missing", thr, strings.Join(strings.Split(localThrOutput, "\n")[:3], "\n"), false},
		{"error", thr, "error in zmq_bind: Address already in use\n", false},
		{"fan-out complete", fan, fanoutSubOutput, true},
		{"fan-out, other subscriber count", benchCase{kind: fanout, size: 64, count: 5000, subs: 10}, fanoutSubOutput, false},
		{"fan-out without the subscribers line (a local_thr report)", fan,
			strings.Replace(fanoutSubOutput, "subscribers: 1000\n", "", 1), false},
	}
	for _, tt := range tests {
		err := parseMetrics(tt.out).check(tt.c)
		if (err == nil) != tt.ok {
			t.Errorf("%s: check = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestResultTableMedian(t *testing.T) {
	c := benchCase{kind: throughput, size: 8, count: 1_000_000}
	rt := newResultTable()
	for _, v := range []float64{300, 100} {
		rt.add(c, "libzmq", outcome{metrics: metrics{keyMsgs: v}, cpu: 2 * time.Second})
	}
	rt.add(c, "libzmq", outcome{status: statusFailed, detail: "boom"})
	rt.add(c, "zring", outcome{status: statusTimeout, detail: "killed"})

	got := rt.median(c, "libzmq", keyMsgs)
	if got.value != 200 || got.ok != 2 || got.runs != 3 {
		t.Errorf("libzmq cell = %+v, want median 200 of 2/3", got)
	}
	if cpu := rt.median(c, "libzmq", keyCPUPer); cpu.value != 2 {
		t.Errorf("CPU per million = %v, want 2", cpu.value)
	}
	if z := rt.median(c, "zring", keyMsgs); z.valid() || z.state != "timeout" {
		t.Errorf("zring cell = %+v, want timeout", z)
	}
	if f := rt.median(c, "floor", keyMsgs); f.valid() || f.state != "—" {
		t.Errorf("floor cell = %+v, want —", f)
	}
}

// TestRatioRange: ratios pair the runs of one repetition and skip a
// repetition where either side failed.
func TestRatioRange(t *testing.T) {
	c := benchCase{kind: throughput, size: 8, count: 1000}
	rt := newResultTable()
	for _, v := range []float64{100, 100, 100, 100} {
		rt.add(c, "libzmq", outcome{metrics: metrics{keyMsgs: v}})
	}
	rt.add(c, "zring", outcome{metrics: metrics{keyMsgs: 150}})
	rt.add(c, "zring", outcome{status: statusFailed, detail: "boom"})
	rt.add(c, "zring", outcome{metrics: metrics{keyMsgs: 120}})
	rt.add(c, "zring", outcome{metrics: metrics{keyMsgs: 180}})
	lo, hi, n := rt.ratioRange(c, "zring", "libzmq", keyMsgs)
	if lo != 1.2 || hi != 1.8 || n != 3 {
		t.Errorf("ratioRange = %v, %v over %d; want 1.2, 1.8 over 3", lo, hi, n)
	}
	if _, _, n := rt.ratioRange(c, "zring", "floor", keyMsgs); n != 0 {
		t.Errorf("ratio against a missing implementation over %d runs", n)
	}
}

func TestFormatting(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(6432277.4), "6,432,277"},
		{thousands(-1234567), "-1,234,567"},
		{decimal(16202.54, 1), "16,202.5"},
		{decimal(0.0333, 3), "0.033"},
		{sizeLabel(8), "8 B"},
		{sizeLabel(1024), "1 KiB"},
		{sizeLabel(65536), "64 KiB"},
		{sizeLabel(1500), "1500 B"},
		{shellArgs([]string{"-only", "libzmq,floor", "-out", "a b"}), " -only libzmq,floor -out 'a b'"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestBenchCases(t *testing.T) {
	full := benchCases(false, 1, false, []mechanism{mechNull})
	quick := benchCases(true, 1, false, []mechanism{mechNull})
	if len(full) != 8 || len(quick) != 8 {
		t.Fatalf("got %d and %d cases, want 8 each", len(full), len(quick))
	}
	for i := range full {
		if quick[i].count >= full[i].count {
			t.Errorf("%s: quick count %d is not below %d", full[i].label(), quick[i].count, full[i].count)
		}
	}
	if n := len(benchCases(false, 1, true, []mechanism{mechNull})); n != 10 {
		t.Errorf("with -inproc: %d cases, want 10", n)
	}
	fan := full[5]
	if fan.kind != fanout || fan.subs != 1000 || fan.messages() != fan.count*1000 {
		t.Errorf("last case %+v, want a fan-out to 1,000 subscribers", fan)
	}
	if got, want := fan.label(), "tcp 64 B → 1,000 SUB"; got != want {
		t.Errorf("fan-out label %q, want %q", got, want)
	}
	if rs, reporter := fan.roles(); len(rs) != 2 || rs[0].tool != fanoutPub || rs[reporter].tool != fanoutSub {
		t.Errorf("fan-out roles %v, reporter %d", rs, reporter)
	}
	if c := benchCases(false, 0.5, false, []mechanism{mechNull})[0]; c.count != 5_000_000 {
		t.Errorf("-scale 0.5: 8 B count %d, want 5,000,000", c.count)
	}
}
