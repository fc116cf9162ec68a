package main

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A chartSpec is one of the charts: its file name and how to draw it from
// a run, if the run has its figures.
type chartSpec struct {
	name  string // the file's, without the extension
	about string
	build func(r *Run) (*figure, bool)
}

var charts = []chartSpec{
	{"throughput", "NULL throughput over tcp by message size", throughputChart},
	{"latency", "NULL latency over tcp, p50, p99 and p99.9", latencyChart},
	{"fanout", "fan-out, one XPUB to many SUBs", fanoutChart},
	{"security", "PLAIN and CURVE throughput over tcp by message size", securityChart},
}

// runCaption names the run a figure's numbers come from.
func runCaption(r *Run) string {
	s := fmt.Sprintf("From %s, the zbench run of %s", r.Source, r.Date)
	if r.Reps > 1 {
		return s + fmt.Sprintf(": medians of %d repetitions.", r.Reps)
	}
	return s + ": one repetition."
}

// conditionsOf are the run's conditions, idle first as in the report.
func conditionsOf(r *Run) []string {
	var out []string
	for _, c := range []string{"idle", "loaded"} {
		if r.hasCondition(c) {
			out = append(out, c)
		}
	}
	for _, c := range r.Conditions {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func conditionTitle(cond string) string {
	if cond == "idle" || cond == "loaded" {
		return cond + " machine"
	}
	return cond
}

// conditionNote says what loaded means, if the run has it.
func conditionNote(r *Run) []string {
	if !r.hasCondition("loaded") {
		return nil
	}
	s := "Loaded: one busy-loop process spinning on one core while the cases ran"
	if r.LoadedCoreShare > 0 {
		s += fmt.Sprintf(" (it had %.0f%% of a core)", 100*r.LoadedCoreShare)
	}
	return []string{s + "."}
}

// casesOf returns the run's cases that keep says, by message size, leaving
// out those with a proxy in the path: the charts are of the direct cases,
// and a proxy case has the kind, transport and size of one.
func casesOf(r *Run, keep func(Case) bool) []Case {
	var out []Case
	for _, c := range r.Cases {
		if c.Proxy == "" && keep(c) && len(c.Results) > 0 {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Case) int { return a.Size - b.Size })
	return out
}

// implsOf are the implementations with a figure in any of cases, in the
// report's order.
func implsOf(cases []Case, only ...string) []string {
	var out []string
	for _, im := range implOrder {
		if len(only) > 0 && !slices.Contains(only, im) {
			continue
		}
	found:
		for _, c := range cases {
			for _, byImpl := range c.Results {
				if _, ok := byImpl[im]; ok {
					out = append(out, im)
					break found
				}
			}
		}
	}
	return out
}

// A lineSeries is one line of a throughput-by-size chart.
type lineSeries struct {
	name   string // in the legend
	impl   string
	cases  []Case // one per size
	dashes []vg.Length
}

var dashed = []vg.Length{vg.Points(5), vg.Points(2.5)}

func throughputChart(r *Run) (*figure, bool) {
	cases := casesOf(r, func(c Case) bool { return c.Kind == "thr" && c.Transport == "tcp" && c.Mechanism == "null" })
	if len(cases) == 0 {
		return nil, false
	}
	var series []lineSeries
	for _, im := range implsOf(cases) {
		s := lineSeries{name: titleOf[im], impl: im, cases: cases}
		if im == "floor" {
			s.dashes = dashed
		}
		series = append(series, s)
	}
	f := sizeLineFigure(r, series)
	f.title = "Throughput by message size, PUSH → PULL over tcp (higher is better)"
	f.notes = append([]string{
		"Messages per second as local_thr reports them (first message to last), tcp on 127.0.0.1, both axes logarithmic. " +
			"The floor is the same test over one Go net.Conn with length-prefixed frames: no ZMTP, no queues.",
	}, f.notes...)
	return f, true
}

func securityChart(r *Run) (*figure, bool) {
	cases := map[string][]Case{}
	for _, mech := range []string{"plain", "curve"} {
		cases[mech] = casesOf(r, func(c Case) bool { return c.Kind == "thr" && c.Transport == "tcp" && c.Mechanism == mech })
	}
	if len(cases["plain"])+len(cases["curve"]) == 0 {
		return nil, false
	}
	var series []lineSeries
	for _, im := range implsOf(append(cases["plain"], cases["curve"]...), "libzmq", "zring") {
		for _, mech := range []string{"plain", "curve"} {
			if len(cases[mech]) == 0 {
				continue
			}
			s := lineSeries{name: titleOf[im] + " " + mechTitle(mech), impl: im, cases: cases[mech]}
			if mech == "curve" {
				s.dashes = dashed
			}
			series = append(series, s)
		}
	}
	f := sizeLineFigure(r, series)
	f.title = "PLAIN and CURVE throughput by message size (higher is better)"
	f.notes = append([]string{
		"PUSH → PULL over tcp loopback with every connection under the mechanism; messages per second, both axes logarithmic. " +
			"After the handshake PLAIN's frames are NULL's; CURVE encrypts and authenticates every frame.",
	}, f.notes...)
	return f, true
}

func mechTitle(m string) string {
	switch m {
	case "plain":
		return "PLAIN"
	case "curve":
		return "CURVE"
	}
	return "NULL"
}

// sizeLineFigure draws msg/s against message size, log against log, one
// panel per condition, one line per series.
func sizeLineFigure(r *Run, series []lineSeries) *figure {
	f := &figure{caption: runCaption(r), height: 310, yLabel: "messages per second", notes: conditionNote(r)}
	var sizes []int
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, c := range s.cases {
			if !slices.Contains(sizes, c.Size) {
				sizes = append(sizes, c.Size)
			}
			for _, cond := range r.Conditions {
				if v, ok := c.value(cond, s.impl, mMsgs); ok && v > 0 {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
	}
	slices.Sort(sizes)
	for i, cond := range conditionsOf(r) {
		p := newPlot(conditionTitle(cond))
		addGrid(p)
		p.X.Label.Text = "message size"
		for _, s := range series {
			// The line breaks where a figure is missing rather than
			// bridge the gap.
			var xys plotter.XYs
			segments := []plotter.XYs{nil}
			for _, c := range s.cases {
				v, ok := c.value(cond, s.impl, mMsgs)
				if !ok || v <= 0 {
					f.notes = append(f.notes, fmt.Sprintf("Not charted: %s, %s, %s: %s.", titleOf[s.impl], c.Label, cond, c.missing(cond, s.impl)))
					segments = append(segments, nil)
					continue
				}
				xy := plotter.XY{X: float64(c.Size), Y: v}
				xys = append(xys, xy)
				segments[len(segments)-1] = append(segments[len(segments)-1], xy)
			}
			line, points := lineAndPoints(xys, s.impl, s.dashes)
			for _, seg := range segments {
				if len(seg) > 1 {
					l := *line
					l.XYs = seg
					p.Add(&l)
				}
			}
			if len(xys) > 0 {
				p.Add(points)
			}
			if i == 0 {
				f.legend = append(f.legend, legendEntry{name: s.name, thumbs: []plot.Thumbnailer{line, points}})
			}
		}
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = sizeTicks(sizes), logTicks{}
		if len(sizes) > 0 {
			p.X.Min, p.X.Max = float64(sizes[0])/2, float64(sizes[len(sizes)-1])*2
		}
		if lo <= hi {
			// Every panel the same range, so that they compare.
			p.Y.Min, p.Y.Max = lo/2, hi*2
		}
		f.panels = append(f.panels, panel{p: p})
	}
	return f
}

// lineAndPoints are a series' line and its points, in its implementation's
// colour and glyph.
func lineAndPoints(xys plotter.XYs, impl string, dashes []vg.Length) (*plotter.Line, *plotter.Scatter) {
	line := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: colorOf[impl], Width: vg.Points(1.6), Dashes: dashes}}
	points := &plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{Color: colorOf[impl], Radius: vg.Points(3), Shape: glyphOf[impl]}}
	return line, points
}

func latencyChart(r *Run) (*figure, bool) {
	cases := casesOf(r, func(c Case) bool { return c.Kind == "lat" && c.Transport == "tcp" && c.Mechanism == "null" })
	if len(cases) == 0 {
		return nil, false
	}
	c := cases[0] // zbench has one: 64 B
	impls := implsOf(cases)
	f := &figure{caption: runCaption(r), height: 300, yLabel: "one-way latency, µs", notes: conditionNote(r)}
	quantiles := []struct{ name, metric string }{{"p50", mP50}, {"p99", mP99}, {"p99.9", mP999}}
	var groups []string
	for _, q := range quantiles {
		groups = append(groups, q.name)
	}
	top := 0.0
	for _, cond := range r.Conditions {
		for _, im := range impls {
			for _, q := range quantiles {
				if v, ok := c.value(cond, im, q.metric); ok {
					top = max(top, v)
				}
			}
		}
	}
	for i, cond := range conditionsOf(r) {
		var data []barData
		for _, im := range impls {
			d := barData{impl: im}
			for _, q := range quantiles {
				v, ok := c.value(cond, im, q.metric)
				if !ok {
					f.notes = append(f.notes, fmt.Sprintf("Not charted: %s, %s %s, %s: %s.", titleOf[im], c.Label, q.name, cond, c.missing(cond, im)))
					v = math.NaN()
				}
				d.vals = append(d.vals, v)
			}
			data = append(data, d)
		}
		pn, bars := barPanel(conditionTitle(cond), groups, data, top*1.12, latencyLabel)
		f.panels = append(f.panels, pn)
		if i == 0 {
			f.legend = barLegend(impls, bars)
		}
	}
	f.title = fmt.Sprintf("Latency, %s REQ ↔ REP, one way (lower is better)", c.Label)
	f.notes = append([]string{
		fmt.Sprintf("One way: half a round trip. Percentiles of %s round trips per repetition, as remote_lat reports them (nearest rank).", roundTrips(c)),
	}, f.notes...)
	return f, true
}

// roundTrips is the count of a latency case, or "the run's" when the
// report read back did not say.
func roundTrips(c Case) string {
	if c.Count > 0 {
		return groupDigits(c.Count)
	}
	return "the run's"
}

func fanoutChart(r *Run) (*figure, bool) {
	cases := casesOf(r, func(c Case) bool { return c.Kind == "fanout" })
	if len(cases) == 0 {
		return nil, false
	}
	impls := implsOf(cases)
	conds := conditionsOf(r)
	var groups []string
	for _, cond := range conds {
		groups = append(groups, conditionTitle(cond))
	}
	f := &figure{caption: runCaption(r), height: 300, yLabel: "million deliveries per second", notes: conditionNote(r)}
	top := 0.0
	for _, c := range cases {
		for _, cond := range conds {
			for _, im := range impls {
				if v, ok := c.value(cond, im, mMsgs); ok {
					top = max(top, v/1e6)
				}
			}
		}
	}
	for i, c := range cases {
		var data []barData
		for _, im := range impls {
			d := barData{impl: im}
			for _, cond := range conds {
				v, ok := c.value(cond, im, mMsgs)
				if !ok {
					f.notes = append(f.notes, fmt.Sprintf("Not charted: %s, %s, %s: %s.", titleOf[im], c.Label, cond, c.missing(cond, im)))
					v = math.NaN()
				}
				d.vals = append(d.vals, v/1e6)
			}
			data = append(data, d)
		}
		pn, bars := barPanel(c.Label, groups, data, top*1.12, func(v float64) string { return fmt.Sprintf("%.2f M", v) })
		f.panels = append(f.panels, pn)
		if i == 0 {
			f.legend = barLegend(impls, bars)
		}
	}
	f.title = "Fan-out, one XPUB → many SUBs over tcp (higher is better)"
	f.notes = append([]string{
		"Messages delivered per second, all subscribers together, from the first message anywhere to the last everywhere; " +
			"the publisher waits for every subscription and sends with ZMQ_XPUB_NODROP. " +
			"The floor writes the same bytes down one connection per subscriber.",
	}, f.notes...)
	return f, true
}

// barData is one implementation's bars, one value per group (NaN: none).
type barData struct {
	impl string
	vals []float64
}

// barPanel draws grouped bars with their values above them, y from 0 to
// top; each implementation's bars are in its colour.
func barPanel(title string, groups []string, data []barData, top float64, label func(float64) string) (panel, []*plotter.BarChart) {
	p := newPlot(title)
	addGrid(p)
	var bars []*plotter.BarChart
	var labels []*plotter.Labels
	for _, d := range data {
		vals := make(plotter.Values, len(d.vals))
		lxy := plotter.XYLabels{}
		for i, v := range d.vals {
			if !math.IsNaN(v) {
				vals[i] = v
				lxy.XYs = append(lxy.XYs, plotter.XY{X: float64(i), Y: v})
				lxy.Labels = append(lxy.Labels, label(v))
			}
		}
		b, err := plotter.NewBarChart(vals, 1) // the width is set by layout
		if err != nil {
			panic(err) // the values are finite
		}
		b.Color = colorOf[d.impl]
		if d.impl == "floor" {
			b.Color = color.RGBA{0xA8, 0xA8, 0xA8, 0xFF}
		}
		b.LineStyle.Width = 0
		bars = append(bars, b)
		p.Add(b)
		if len(lxy.XYs) > 0 {
			l, err := plotter.NewLabels(lxy)
			if err != nil {
				panic(err)
			}
			for i := range l.TextStyle {
				l.TextStyle[i].Font.Size = 8
				l.TextStyle[i].Color = inkColor
				l.TextStyle[i].XAlign = text.XCenter
				l.TextStyle[i].YAlign = text.YBottom
			}
			labels = append(labels, l)
			p.Add(l)
		}
	}
	p.NominalX(groups...)
	p.X.Tick.Label.Font.Size = 10
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.Y.Min, p.Y.Max = 0, top
	p.Y.Tick.Marker = linearTicks{}
	layout := func(dataWidth vg.Length) {
		slot := dataWidth / vg.Length(len(groups))
		w := min(slot*0.8/vg.Length(len(bars)), 40)
		for i, b := range bars {
			b.Width = w
			b.Offset = (vg.Length(i) - vg.Length(len(bars)-1)/2) * w
		}
		li := 0
		for i, d := range data {
			if slices.ContainsFunc(d.vals, func(v float64) bool { return !math.IsNaN(v) }) {
				labels[li].Offset = vg.Point{X: bars[i].Offset, Y: 2}
				li++
			}
		}
	}
	return panel{p: p, layout: layout}, bars
}

func barLegend(impls []string, bars []*plotter.BarChart) []legendEntry {
	var out []legendEntry
	for i, im := range impls {
		out = append(out, legendEntry{name: titleOf[im], thumbs: []plot.Thumbnailer{bars[i]}})
	}
	return out
}

// groupDigits writes n with commas: 20,000.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
