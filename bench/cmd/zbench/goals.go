package main

import (
	"fmt"
	"slices"
	"strings"
)

// A goal is one of issue 10's or issue 11's targets for zring, checked
// against the medians of a run, the same figures the report's tables show.
type goal struct {
	text string
	// where lists the conditions the issue sets the goal for; in the
	// others the report gives the figure for information only.
	where []condition
	eval  func(rt *resultTable, cases []benchCase) goalResult
}

// A goalResult is one goal in one condition.
type goalResult struct {
	measured bool
	met      bool
	figure   string // "0.45×", "worst 1.23× at tcp 1 KiB"
}

var (
	bothConditions = []condition{idle, loaded}
	idleOnly       = []condition{idle}
)

// Cases the goals name; over tcp and NULL unless they say otherwise.
var (
	lat64Ref    = caseRef{kind: latency, size: 64}
	curveLatRef = caseRef{kind: latency, size: 64, mech: mechCurve}
)

// goals are issue 10's targets, then issue 11's for the security
// mechanisms, in the order of the report's goal table. Issue 11's follow
// issue 10's pattern: latency in both conditions, throughput and CPU on
// the idle machine.
var goals = []goal{
	ratioGoal("latency tcp 64 B p50 ≤ 1.2× floor", bothConditions, lat64Ref, keyP50, "floor", 1.2, atMost),
	ratioGoal("latency tcp 64 B p50 ≤ 0.5× libzmq", bothConditions, lat64Ref, keyP50, "libzmq", 0.5, atMost),
	ratioGoal("latency tcp 64 B p99 ≤ 1.5× floor", bothConditions, lat64Ref, keyP99, "floor", 1.5, atMost),
	ratioGoal("latency tcp 64 B p99 ≤ 0.8× libzmq", bothConditions, lat64Ref, keyP99, "libzmq", 0.8, atMost),
	{
		text:  "latency tcp 64 B p50 steady: max/min of zring's repetitions ≤ 1.5",
		where: bothConditions,
		eval:  p50SpreadGoal(1.5),
	},
	ratioGoal("throughput tcp 8 B ≥ 0.5× floor", idleOnly, caseRef{kind: throughput, size: 8}, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("throughput tcp 64 B ≥ 0.5× floor", idleOnly, caseRef{kind: throughput, size: 64}, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("throughput tcp 64 KiB ≥ 1.5× libzmq", idleOnly, caseRef{kind: throughput, size: 64 << 10}, keyMsgs, "libzmq", 1.5, atLeast),
	ratioGoal("fan-out tcp 64 B → 1,000 SUB ≥ 0.5× floor", idleOnly, caseRef{kind: fanout, size: 64}, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("fan-out tcp 64 B → 1,000 SUB ≥ 2× libzmq", idleOnly, caseRef{kind: fanout, size: 64}, keyMsgs, "libzmq", 2, atLeast),
	{
		text:  "throughput inproc 64 B ≥ 4× libzmq in every repetition",
		where: idleOnly,
		eval:  inprocEveryRepGoal(4),
	},
	{
		text:  "CPU seconds per million messages ≤ 0.5× libzmq, every tcp throughput size",
		where: idleOnly,
		eval:  everySizeGoal(mechNull, keyCPUPer, 0.5, atMost),
	},
	{
		text:  "CURVE throughput tcp ≥ 1.5× libzmq's CURVE, every size",
		where: idleOnly,
		eval:  everySizeGoal(mechCurve, keyMsgs, 1.5, atLeast),
	},
	ratioGoal("CURVE latency tcp 64 B p50 ≤ 0.5× libzmq's CURVE", bothConditions, curveLatRef, keyP50, "libzmq", 0.5, atMost),
	{
		text:  "CURVE CPU seconds per million messages ≤ libzmq's CURVE, every tcp throughput size",
		where: idleOnly,
		eval:  everySizeGoal(mechCurve, keyCPUPer, 1, atMost),
	},
}

type bound bool

const (
	atMost  bound = true
	atLeast bound = false
)

// A caseRef names a case of the run by what it measures, not its count:
// kind, message size, mechanism, whether it is over inproc (else tcp), and
// whether a proxy is in the path.
type caseRef struct {
	kind   kind
	size   int
	mech   mechanism
	inproc bool
	proxy  bool
}

// findCase returns the case of the run that ref names.
func findCase(cases []benchCase, ref caseRef) (benchCase, bool) {
	for _, c := range cases {
		if c.kind == ref.kind && c.inproc == ref.inproc && c.size == ref.size && c.mech == ref.mech && c.proxy == ref.proxy {
			return c, true
		}
	}
	return benchCase{}, false
}

// within reports whether ratio r is on the right side of limit.
func (b bound) within(r, limit float64) bool {
	if b == atMost {
		return r <= limit
	}
	return r >= limit
}

// ratioGoal checks zring/other of metric key on the case ref against
// limit.
func ratioGoal(text string, where []condition, ref caseRef, key, other string, limit float64, b bound) goal {
	return goal{text: text, where: where, eval: func(rt *resultTable, cases []benchCase) goalResult {
		c, ok := findCase(cases, ref)
		if !ok {
			return goalResult{}
		}
		r, ok := rt.medianRatio(c, "zring", other, key)
		if !ok {
			return goalResult{}
		}
		return goalResult{measured: true, met: b.within(r, limit), figure: fmt.Sprintf("%.2f×", r)}
	}}
}

// p50SpreadGoal checks max/min of zring's latency p50s over the
// repetitions; one repetition proves nothing either way.
func p50SpreadGoal(limit float64) func(*resultTable, []benchCase) goalResult {
	return func(rt *resultTable, cases []benchCase) goalResult {
		c, ok := findCase(cases, lat64Ref)
		if !ok {
			return goalResult{}
		}
		r, vals := rt.spread(c, "zring", keyP50)
		if len(vals) < 2 || r == 0 {
			return goalResult{}
		}
		return goalResult{measured: true, met: r <= limit,
			figure: fmt.Sprintf("%.2f× (%s–%s µs)", r, latencyText(slices.Min(vals)), latencyText(slices.Max(vals)))}
	}
}

// inprocEveryRepGoal checks the lowest zring/libzmq inproc throughput ratio
// of the repetitions; a repetition where either failed counts against it.
func inprocEveryRepGoal(limit float64) func(*resultTable, []benchCase) goalResult {
	return func(rt *resultTable, cases []benchCase) goalResult {
		c, ok := findCase(cases, caseRef{kind: throughput, size: 64, inproc: true})
		if !ok {
			return goalResult{}
		}
		lo, _, n := rt.ratioRange(c, "zring", "libzmq", keyMsgs)
		if n == 0 {
			return goalResult{}
		}
		runs := max(len(rt.runs[c.id()]["zring"]), len(rt.runs[c.id()]["libzmq"]))
		return goalResult{measured: true, met: lo >= limit && n == runs,
			figure: fmt.Sprintf("lowest %.2f× (%d of %d repetitions)", lo, n, runs)}
	}
}

// everySizeGoal checks zring/libzmq of metric key on every tcp throughput
// case of mechanism m against limit and reports the worst: the highest
// ratio when the bound is atMost, the lowest when atLeast.
func everySizeGoal(m mechanism, key string, limit float64, b bound) func(*resultTable, []benchCase) goalResult {
	return func(rt *resultTable, cases []benchCase) goalResult {
		worst, at := 0.0, ""
		for _, c := range cases {
			if c.kind != throughput || c.inproc || c.proxy || c.mech != m {
				continue
			}
			r, ok := rt.medianRatio(c, "zring", "libzmq", key)
			if !ok {
				continue
			}
			worse := r > worst
			if b == atLeast {
				worse = r < worst
			}
			if at == "" || worse {
				worst, at = r, c.label()
			}
		}
		if at == "" {
			return goalResult{}
		}
		return goalResult{measured: true, met: b.within(worst, limit), figure: fmt.Sprintf("worst %.2f× at %s", worst, at)}
	}
}

// A goalCell is a goal's result in one condition, and whether the issue
// sets the goal there.
type goalCell struct {
	goalResult
	required bool
}

// A goalRow is one goal across the conditions run.
type goalRow struct {
	text  string
	cells []goalCell // one per condition, in the report's order
}

// evalGoals checks every goal in every condition run.
func evalGoals(gs []goal, conds []condition, results map[condition]*resultTable, cases []benchCase) []goalRow {
	var rows []goalRow
	for _, g := range gs {
		row := goalRow{text: g.text}
		for _, cond := range conds {
			var r goalResult
			if rt := results[cond]; rt != nil {
				r = g.eval(rt, cases)
			}
			row.cells = append(row.cells, goalCell{goalResult: r, required: containsCondition(g.where, cond)})
		}
		rows = append(rows, row)
	}
	return rows
}

// text is the cell as the goal table shows it.
func (c goalCell) text() string {
	switch {
	case !c.measured && c.required:
		return "not measured"
	case !c.measured:
		return "—"
	case !c.required:
		return c.figure + ", no goal"
	case c.met:
		return "met: " + c.figure
	}
	return "**missed**: " + c.figure
}

// renderGoals writes the goal table and a line counting its verdicts.
func renderGoals(b *strings.Builder, conds []condition, rows []goalRow) {
	b.WriteString("| goal |")
	for _, c := range conds {
		fmt.Fprintf(b, " %s |", c)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(conds)))
	b.WriteString("\n")
	met, missed, unknown := 0, 0, 0
	for _, r := range rows {
		fmt.Fprintf(b, "| %s |", r.text)
		for _, c := range r.cells {
			fmt.Fprintf(b, " %s |", c.text())
			switch {
			case !c.required:
			case !c.measured:
				unknown++
			case c.met:
				met++
			default:
				missed++
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "\n%d met, %d missed, %d not measured.", met, missed, unknown)
	b.WriteString(" Ratios are zring's median over the other's, as in the tables below.")
	if containsCondition(conds, loaded) {
		b.WriteString(" The latency goals hold for the idle and the loaded machine; the others are set for the idle one,")
		b.WriteString(" and a loaded figure beside them is for information (\"no goal\").")
	}
	b.WriteString("\n")
}
