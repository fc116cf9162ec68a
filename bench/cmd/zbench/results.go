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
	vals := t.values(c, implName, key)
	cl := cell{ok: len(vals), runs: len(outs)}
	if len(vals) == 0 {
		cl.state = "failed"
		for _, o := range outs {
			if o.status == statusTimeout {
				cl.state = "timeout"
			}
		}
		return cl
	}
	cl.value = median(vals)
	return cl
}

// values returns metric key of case c for an implementation, one value per
// repetition that succeeded, in the order they ran.
func (t *resultTable) values(c benchCase, implName, key string) []float64 {
	var vals []float64
	for _, o := range t.runs[c.id()][implName] {
		if o.status != statusOK {
			continue
		}
		if v, ok := o.metrics[key]; ok {
			vals = append(vals, v)
		}
	}
	return vals
}

// medianRatio is the ratio of the medians of metric key, a/b, as the
// report's tables show it; ok is false unless both have a median and b's
// is not zero.
func (t *resultTable) medianRatio(c benchCase, a, b, key string) (r float64, ok bool) {
	x, y := t.median(c, a, key), t.median(c, b, key)
	if !x.valid() || !y.valid() || y.value == 0 {
		return 0, false
	}
	return x.value / y.value, true
}

// spread returns max/min of metric key over an implementation's successful
// repetitions of case c, and those values in the order run. The goals use
// it on the latency p50: a p50 that moves by more than half from one run to
// the next is bimodal (some runs spin, some sleep), whatever its median.
func (t *resultTable) spread(c benchCase, implName, key string) (ratio float64, vals []float64) {
	vals = t.values(c, implName, key)
	if len(vals) == 0 {
		return 0, nil
	}
	lo, hi := slices.Min(vals), slices.Max(vals)
	if lo <= 0 {
		return 0, vals
	}
	return hi / lo, vals
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
