package main

import (
	"fmt"
	"math"
)

// kind is what a case measures.
type kind int

const (
	throughput kind = iota // PUSH → PULL, local_thr reports
	latency                // REQ ↔ REP, remote_lat reports
	fanout                 // one XPUB → many SUBs, fanout_sub reports
)

// A benchCase is one row group of the report.
type benchCase struct {
	kind   kind
	inproc bool // both ends in one process (inproc_thr, inproc_lat)
	size   int  // bytes per message
	count  int  // messages (per subscriber for fanout), or round trips
	subs   int  // fanout: subscribers
}

func (c benchCase) id() string {
	if c.kind == fanout {
		return fmt.Sprintf("%s-%s-%d-%d", c.transport(), c.kindName(), c.size, c.subs)
	}
	return fmt.Sprintf("%s-%s-%d", c.transport(), c.kindName(), c.size)
}

// messages is how many messages a run of c delivers: count, times the
// subscribers for fanout.
func (c benchCase) messages() int {
	if c.kind == fanout {
		return c.count * c.subs
	}
	return c.count
}

func (c benchCase) transport() string {
	if c.inproc {
		return "inproc"
	}
	return "tcp"
}

func (c benchCase) kindName() string {
	switch c.kind {
	case throughput:
		return "thr"
	case fanout:
		return "fanout"
	}
	return "lat"
}

// label is the case as the report names it: "tcp 64 KiB".
func (c benchCase) label() string {
	if c.kind == fanout {
		return fmt.Sprintf("%s %s → %s SUB", c.transport(), sizeLabel(c.size), thousands(float64(c.subs)))
	}
	return c.transport() + " " + sizeLabel(c.size)
}

func sizeLabel(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// tools returns the tools of a run, the binding one first, and the index of
// the one whose output holds the result.
func (c benchCase) tools() (ts []tool, reporter int) {
	switch {
	case c.inproc && c.kind == throughput:
		return []tool{inprocThr}, 0
	case c.inproc:
		return []tool{inprocLat}, 0
	case c.kind == throughput:
		return []tool{localThr, remoteThr}, 0
	case c.kind == fanout:
		return []tool{fanoutPub, fanoutSub}, 1
	default:
		return []tool{localLat, remoteLat}, 1
	}
}

// benchCases are the cases of a run. The default counts make each libzmq
// run last about 1–2 s on a 2-vCPU VM (measured on AMD EPYC: 8 B ≈ 6.4 M msg/s,
// 64 B ≈ 5 M, 1 KiB ≈ 0.8 M, 64 KiB ≈ 21–43 k, one-way latency ≈ 45–60 µs,
// fan-out to 1,000 subscribers ≈ 3–3.5 M deliveries/s).
func benchCases(quick bool, scale float64, inproc bool) []benchCase {
	type row struct {
		kind          kind
		size          int
		count, qcount int
		subs          int
	}
	rows := []row{
		{throughput, 8, 10_000_000, 1_000_000, 0},
		{throughput, 64, 6_000_000, 600_000, 0},
		{throughput, 1 << 10, 1_000_000, 100_000, 0},
		{throughput, 64 << 10, 50_000, 5_000, 0},
		{latency, 64, 20_000, 2_000, 0},
		{fanout, 64, 5_000, 500, 1000},
	}
	var cases []benchCase
	add := func(r row, inproc bool) {
		n := r.count
		if quick {
			n = r.qcount
		}
		n = max(1, int(math.Round(float64(n)*scale)))
		cases = append(cases, benchCase{kind: r.kind, inproc: inproc, size: r.size, count: n, subs: r.subs})
	}
	for _, r := range rows {
		add(r, false)
	}
	if inproc {
		add(row{throughput, 64, 6_000_000, 600_000, 0}, true)
		add(row{latency, 64, 200_000, 20_000, 0}, true)
	}
	return cases
}
