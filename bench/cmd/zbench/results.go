package main

import (
	"fmt"
	"slices"
)

// resultTable holds every outcome, by case and implementation, in the order
// the repetitions ran.
type resultTable struct {
	runs map[string]map[string][]outcome
}

func newResultTable() *resultTable {
	return &resultTable{runs: map[string]map[string][]outcome{}}
}

func (t *resultTable) add(c benchCase, implName string, o outcome) {
	if o.status == statusOK && c.kind != latency {
		// CPU seconds of both processes per million messages (deliveries,
		// for fanout).
		o.metrics[keyCPUPer] = o.cpu.Seconds() / float64(c.messages()) * 1e6
	}
	if o.status == statusOK && c.kind == latency && (o.nvcsw > 0 || o.nivcsw > 0) {
		o.metrics[keyVCS] = float64(o.nvcsw) / float64(c.count) * 1000
		o.metrics[keyIVCS] = float64(o.nivcsw) / float64(c.count) * 1000
	}
	byImpl := t.runs[c.id()]
	if byImpl == nil {
		byImpl = map[string][]outcome{}
		t.runs[c.id()] = byImpl
	}
	byImpl[implName] = append(byImpl[implName], o)
}

// A cell is the median of one metric over the repetitions that succeeded.
type cell struct {
	value float64
	ok    int    // repetitions that succeeded
	runs  int    // repetitions run
	state string // when none succeeded: "timeout", "failed", "—"
}

func (c cell) valid() bool { return c.ok > 0 }

// median returns the cell of metric key for case c and implementation name.
func (t *resultTable) median(c benchCase, implName, key string) cell {
	outs := t.runs[c.id()][implName]
	if len(outs) == 0 {
		return cell{state: "—"}
	}
	var vals []float64
	timeouts := 0
	for _, o := range outs {
		switch {
		case o.status == statusOK:
			if v, ok := o.metrics[key]; ok {
				vals = append(vals, v)
			}
		case o.status == statusTimeout:
			timeouts++
		}
	}
	cl := cell{ok: len(vals), runs: len(outs)}
	if len(vals) == 0 {
		cl.state = "failed"
		if timeouts > 0 {
			cl.state = "timeout"
		}
		return cl
	}
	cl.value = median(vals)
	return cl
}

// ratioRange returns the smallest and largest ratio a/b of metric key for
// case c over the repetitions where both implementations succeeded, and
// how many there were. Within a repetition the two ran one after the
// other, so the spread of these ratios shows how far the machine's noise
// moves the median's ratio.
func (t *resultTable) ratioRange(c benchCase, a, b, key string) (lo, hi float64, n int) {
	as, bs := t.runs[c.id()][a], t.runs[c.id()][b]
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, okx := as[i].metrics[key]
		y, oky := bs[i].metrics[key]
		if as[i].status != statusOK || bs[i].status != statusOK || !okx || !oky || y == 0 {
			continue
		}
		r := x / y
		if n == 0 || r < lo {
			lo = r
		}
		if n == 0 || r > hi {
			hi = r
		}
		n++
	}
	return lo, hi, n
}

// notRetried is the detail of a run skipped because the same case timed out
// for the same implementation in an earlier repetition.
const notRetried = "timed out in an earlier repetition; not retried"

// failures lists the distinct failure details of case c for an
// implementation, for the notes under the table.
func (t *resultTable) failures(c benchCase, implName string) []string {
	var out []string
	for _, o := range t.runs[c.id()][implName] {
		if o.status != statusOK && o.detail != notRetried {
			msg := fmt.Sprintf("%s: %s", o.status, o.detail)
			if !slices.Contains(out, msg) {
				out = append(out, msg)
			}
		}
	}
	return out
}

// median of vals (which it sorts); the mean of the middle two when even.
func median(vals []float64) float64 {
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}
