package main

import (
	"fmt"
	"slices"
	"strings"
)

// A goal is one of issue 10's targets for zring, checked against the
// medians of a run, the same figures the report's tables show.
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

// goals are issue 10's targets, in the order of the report's goal table.
var goals = []goal{
	ratioGoal("latency tcp 64 B p50 ≤ 1.2× floor", bothConditions, latency, 64, keyP50, "floor", 1.2, atMost),
	ratioGoal("latency tcp 64 B p50 ≤ 0.5× libzmq", bothConditions, latency, 64, keyP50, "libzmq", 0.5, atMost),
	ratioGoal("latency tcp 64 B p99 ≤ 1.5× floor", bothConditions, latency, 64, keyP99, "floor", 1.5, atMost),
	ratioGoal("latency tcp 64 B p99 ≤ 0.8× libzmq", bothConditions, latency, 64, keyP99, "libzmq", 0.8, atMost),
	{
		text:  "latency tcp 64 B p50 steady: max/min of zring's repetitions ≤ 1.5",
		where: bothConditions,
		eval:  p50SpreadGoal(1.5),
	},
	ratioGoal("throughput tcp 8 B ≥ 0.5× floor", idleOnly, throughput, 8, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("throughput tcp 64 B ≥ 0.5× floor", idleOnly, throughput, 64, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("throughput tcp 64 KiB ≥ 1.5× libzmq", idleOnly, throughput, 64<<10, keyMsgs, "libzmq", 1.5, atLeast),
	ratioGoal("fan-out tcp 64 B → 1,000 SUB ≥ 0.5× floor", idleOnly, fanout, 64, keyMsgs, "floor", 0.5, atLeast),
	ratioGoal("fan-out tcp 64 B → 1,000 SUB ≥ 2× libzmq", idleOnly, fanout, 64, keyMsgs, "libzmq", 2, atLeast),
	{
		text:  "throughput inproc 64 B ≥ 4× libzmq in every repetition",
		where: idleOnly,
		eval:  inprocEveryRepGoal(4),
	},
	{
		text:  "CPU seconds per million messages ≤ 0.5× libzmq, every tcp throughput size",
		where: idleOnly,
		eval:  cpuGoal(0.5),
	},
}

type bound bool

const (
	atMost  bound = true
	atLeast bound = false
)

// findCase returns the case of that kind and message size over tcp (or,
// with inproc, over inproc).
func findCase(cases []benchCase, k kind, inproc bool, size int) (benchCase, bool) {
	for _, c := range cases {
		if c.kind == k && c.inproc == inproc && c.size == size {
			return c, true
		}
	}
	return benchCase{}, false
}

// ratioGoal checks zring/other of metric key on the tcp case of kind k and
// size against limit.
func ratioGoal(text string, where []condition, k kind, size int, key, other string, limit float64, b bound) goal {
	return goal{text: text, where: where, eval: func(rt *resultTable, cases []benchCase) goalResult {
		c, ok := findCase(cases, k, false, size)
		if !ok {
			return goalResult{}
		}
		r, ok := rt.medianRatio(c, "zring", other, key)
		if !ok {
			return goalResult{}
		}
		met := r >= limit
		if b == atMost {
			met = r <= limit
		}
		return goalResult{measured: true, met: met, figure: fmt.Sprintf("%.2f×", r)}
	}}
}

// p50SpreadGoal checks max/min of zring's latency p50s over the
// repetitions; one repetition proves nothing either way.
func p50SpreadGoal(limit float64) func(*resultTable, []benchCase) goalResult {
	return func(rt *resultTable, cases []benchCase) goalResult {
		c, ok := findCase(cases, latency, false, 64)
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
		c, ok := findCase(cases, throughput, true, 64)
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

// cpuGoal checks zring/libzmq CPU per message on every tcp throughput case
// and reports the worst.
func cpuGoal(limit float64) func(*resultTable, []benchCase) goalResult {
	return func(rt *resultTable, cases []benchCase) goalResult {
		worst, at := 0.0, ""
		for _, c := range cases {
			if c.kind != throughput || c.inproc {
				continue
			}
			if r, ok := rt.medianRatio(c, "zring", "libzmq", keyCPUPer); ok && (at == "" || r > worst) {
				worst, at = r, c.label()
			}
		}
		if at == "" {
			return goalResult{}
		}
		return goalResult{measured: true, met: worst <= limit, figure: fmt.Sprintf("worst %.2f× at %s", worst, at)}
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
