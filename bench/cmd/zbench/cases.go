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
	inproc bool      // both ends in one process (inproc_thr, inproc_lat)
	mech   mechanism // of the tcp connections; NULL unless set
	size   int       // bytes per message
	count  int       // messages (per subscriber for fanout), or round trips
	subs   int       // fanout: subscribers
}

func (c benchCase) id() string {
	id := fmt.Sprintf("%s-%s-%d", c.transport(), c.kindName(), c.size)
	if c.kind == fanout {
		id += fmt.Sprintf("-%d", c.subs)
	}
	if c.mech != mechNull {
		id += "-" + c.mech.name()
	}
	return id
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

// label is the case as the report names it: "tcp 64 KiB", "tcp 64 KiB
// CURVE" (NULL goes without saying).
func (c benchCase) label() string {
	l := c.baseLabel()
	if c.mech != mechNull {
		l += " " + c.mech.title()
	}
	return l
}

// baseLabel is the label without the mechanism, for the tables that have a
// column for it.
func (c benchCase) baseLabel() string {
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

// benchCases are the cases of a run with the mechanisms mechs: issue 10's
// cases for NULL (with inproc, the inproc ones too), and issue 11's for
// PLAIN and CURVE, throughput at 64 B, 1 KiB and 64 KiB and latency at
// 64 B. The default counts make each libzmq run last about 2 s on a 2-vCPU
// VM, 64 KiB about 4 s (measured on AMD EPYC: NULL 8 B ≈ 5–6.4 M msg/s,
// 64 B ≈ 2.5–5 M, 1 KiB ≈ 0.5–0.8 M, 64 KiB ≈ 12–43 k, one-way latency
// ≈ 45–60 µs, fan-out to 1,000 subscribers ≈ 3–3.5 M deliveries/s; CURVE
// 64 B ≈ 0.65 M, 1 KiB ≈ 0.15 M, 64 KiB ≈ 6.6 k, latency ≈ 52 µs). PLAIN
// differs from NULL only in the handshake, its frames are NULL's, so it
// has NULL's counts.
func benchCases(quick bool, scale float64, inproc bool, mechs []mechanism) []benchCase {
	type row struct {
		kind          kind
		mech          mechanism
		size          int
		count, qcount int
		subs          int
	}
	rows := []row{
		{throughput, mechNull, 8, 10_000_000, 1_000_000, 0},
		{throughput, mechNull, 64, 6_000_000, 600_000, 0},
		{throughput, mechNull, 1 << 10, 1_000_000, 100_000, 0},
		{throughput, mechNull, 64 << 10, 50_000, 5_000, 0},
		{latency, mechNull, 64, 20_000, 2_000, 0},
		{fanout, mechNull, 64, 5_000, 500, 1000},

		{throughput, mechPlain, 64, 6_000_000, 600_000, 0},
		{throughput, mechPlain, 1 << 10, 1_000_000, 100_000, 0},
		{throughput, mechPlain, 64 << 10, 50_000, 5_000, 0},
		{latency, mechPlain, 64, 20_000, 2_000, 0},

		{throughput, mechCurve, 64, 1_500_000, 150_000, 0},
		{throughput, mechCurve, 1 << 10, 300_000, 30_000, 0},
		{throughput, mechCurve, 64 << 10, 25_000, 2_500, 0},
		{latency, mechCurve, 64, 20_000, 2_000, 0},
	}
	var cases []benchCase
	add := func(r row, inproc bool) {
		n := r.count
		if quick {
			n = r.qcount
		}
		n = max(1, int(math.Round(float64(n)*scale)))
		cases = append(cases, benchCase{kind: r.kind, inproc: inproc, mech: r.mech, size: r.size, count: n, subs: r.subs})
	}
	for _, r := range rows {
		if containsMechanism(mechs, r.mech) {
			add(r, false)
		}
	}
	if inproc && containsMechanism(mechs, mechNull) {
		// inproc has no handshake, so no mechanism: NULL only.
		add(row{throughput, mechNull, 64, 6_000_000, 600_000, 0}, true)
		add(row{latency, mechNull, 64, 200_000, 20_000, 0}, true)
	}
	return cases
}
