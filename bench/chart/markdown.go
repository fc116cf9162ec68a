package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// parseReport reads the figures back out of a markdown report zbench
// wrote (bench/cmd/zbench/report.go): the medians of the throughput,
// fan-out, latency and CPU tables, NULL's and PLAIN's and CURVE's, and the
// run's date and command from "How this was measured". It is for reports
// written before zbench wrote results files; a results file holds the same
// medians unrounded.
func parseReport(md string) (*Run, error) {
	r := &Run{Format: resultsFormat, Reps: 1}
	lines := strings.Split(md, "\n")
	byID := map[string]int{} // index in r.Cases
	impls := map[string]bool{}
	var heading string
	var counts []string // "lat tcp 64 B × 20,000 round trips", read after the tables
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(line, "## zring vs libzmq"):
			if m := regexp.MustCompile(`median of (\d+)`).FindStringSubmatch(line); m != nil {
				r.Reps, _ = strconv.Atoi(m[1])
			}
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case strings.HasPrefix(line, "Conditions: "):
			list, _, _ := strings.Cut(strings.TrimPrefix(line, "Conditions: "), ".")
			r.Conditions = strings.Split(list, " and ")
			if m := regexp.MustCompile(`it had (\d+)% of a core`).FindStringSubmatch(line); m != nil {
				pc, _ := strconv.Atoi(m[1])
				r.LoadedCoreShare = float64(pc) / 100
			}
		case strings.HasPrefix(line, "- command: `"):
			r.Command = strings.TrimSuffix(strings.TrimPrefix(line, "- command: `"), "`")
		case strings.HasPrefix(line, "- date: "):
			r.Date, _, _ = strings.Cut(strings.TrimPrefix(line, "- date: "), ";")
		case strings.HasPrefix(line, "- counts: "):
			counts = strings.Split(strings.TrimPrefix(line, "- counts: "), "; ")
		case strings.HasPrefix(line, "|"):
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, splitRow(lines[i]))
			}
			i--
			t, ok := tableKinds[tableOf(heading)]
			if !ok || len(rows) < 3 {
				continue
			}
			if err := readTable(r, t, rows, byID, impls); err != nil {
				return nil, fmt.Errorf("table under %q: %w", heading, err)
			}
		}
	}
	if len(r.Conditions) == 0 {
		r.Conditions = []string{"idle"} // a single-condition report says nothing: zbench's default is idle
	}
	if len(r.Cases) == 0 {
		return nil, errors.New("no zbench result tables found")
	}
	for _, c := range counts {
		m := countLine.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		for i := range r.Cases {
			if r.Cases[i].Kind == m[1] && r.Cases[i].Label == m[2] {
				r.Cases[i].Count, _ = strconv.Atoi(strings.ReplaceAll(m[3], ",", ""))
			}
		}
	}
	for _, name := range []string{"libzmq", "zring", "floor"} {
		if impls[name] {
			r.Implementations = append(r.Implementations, Impl{Name: name, Title: name, Status: "ok"})
		}
	}
	return r, nil
}

// tableOf is the part of a heading that names its table.
func tableOf(heading string) string {
	name, _, _ := strings.Cut(heading, " (")
	name, _, _ = strings.Cut(name, ",")
	return name
}

// A tableKind says what a report table holds: the kind of its cases and,
// for each row, the metric (latency tables name it at the end of the case).
type tableKind struct {
	kind   string // thr (thr or fanout, by the case), lat
	metric string // for latency tables, from the row's last word
}

var tableKinds = map[string]tableKind{
	"Throughput":                       {kind: "thr", metric: mMsgs},
	"Fan-out":                          {kind: "thr", metric: mMsgs},
	"Latency":                          {kind: "lat"},
	"CPU seconds per million messages": {kind: "thr", metric: mCPU},
	"Throughput under PLAIN and CURVE": {kind: "thr", metric: mMsgs},
	"Latency under PLAIN and CURVE":    {kind: "lat"},
	"CPU seconds per million messages under PLAIN and CURVE": {kind: "thr", metric: mCPU},
}

var latencyMetrics = map[string]string{"p50": mP50, "p99": mP99, "p99.9": mP999, "avg": mAvg}

// caseLabel matches the case column: "tcp 64 KiB", "tcp 64 B → 1,000 SUB",
// "tcp 64 B CURVE", then for latency the metric.
var caseLabel = regexp.MustCompile(`^(tcp|inproc) (\d+) (B|KiB|MiB)(?: → ([\d,]+) SUB)?(?: (PLAIN|CURVE))?(?: (p50|p99|p99\.9|avg))?$`)

// countLine matches one count of "How this was measured": "thr tcp 64 B
// CURVE × 1,500,000 messages".
var countLine = regexp.MustCompile(`^(thr|lat|fanout) (.+) × ([\d,]+) `)

// readTable adds the medians of one table to r.
func readTable(r *Run, t tableKind, rows [][]string, byID map[string]int, impls map[string]bool) error {
	head := rows[0]
	col := map[string]int{}
	for i, h := range head {
		name, _, _ := strings.Cut(h, " ") // "floor (Go TCP)", "zring/libzmq (higher is better)"
		col[name] = i
	}
	if _, ok := col["case"]; !ok {
		return errors.New("no case column")
	}
	for _, row := range rows[2:] {
		if len(row) != len(head) {
			return fmt.Errorf("row %q has %d cells, the heading %d", strings.Join(row, " | "), len(row), len(head))
		}
		m := caseLabel.FindStringSubmatch(row[col["case"]])
		if m == nil {
			return fmt.Errorf("case %q not understood", row[col["case"]])
		}
		transport, unit, subs, mech, quantile := m[1], m[3], m[4], strings.ToLower(m[5]), m[6]
		size, _ := strconv.Atoi(m[2])
		switch unit {
		case "KiB":
			size <<= 10
		case "MiB":
			size <<= 20
		}
		if i, ok := col["mechanism"]; ok {
			mech = strings.ToLower(row[i])
		}
		if mech == "" {
			mech = "null"
		}
		cond := "idle"
		if len(r.Conditions) > 0 {
			cond = r.Conditions[0]
		}
		if i, ok := col["condition"]; ok {
			cond = row[i]
		}
		kind, metric := t.kind, t.metric
		if kind == "lat" {
			if metric = latencyMetrics[quantile]; metric == "" {
				return fmt.Errorf("latency row %q names no p50, p99, p99.9 or avg", row[col["case"]])
			}
		} else if quantile != "" {
			return fmt.Errorf("row %q is not a latency table's", row[col["case"]])
		}
		c := Case{Kind: kind, Transport: transport, Mechanism: mech, Size: size}
		if subs != "" {
			c.Kind = "fanout"
			c.Subscribers, _ = strconv.Atoi(strings.ReplaceAll(subs, ",", ""))
		}
		c.ID = caseID(c)
		idx, ok := byID[c.ID]
		if !ok {
			// The label as zbench's results file has it: the mechanism
			// after the case unless NULL, whether or not the table
			// names it in a column of its own.
			c.Label = strings.TrimSuffix(row[col["case"]], " "+quantile)
			if mech != "null" && m[5] == "" {
				c.Label += " " + strings.ToUpper(mech)
			}
			c.Results = map[string]map[string]Cell{}
			r.Cases = append(r.Cases, c)
			idx = len(r.Cases) - 1
			byID[c.ID] = idx
		}
		c = r.Cases[idx]
		for _, impl := range []string{"libzmq", "zring", "floor"} {
			i, ok := col[impl]
			if !ok {
				continue
			}
			v, cl, err := parseCell(row[i], r.Reps)
			if err != nil {
				return fmt.Errorf("%s %s %s: %w", c.ID, cond, impl, err)
			}
			if cl.Runs == 0 && cl.State == "" {
				continue // n/a, not run
			}
			impls[impl] = true
			if c.Results[cond] == nil {
				c.Results[cond] = map[string]Cell{}
			}
			old, seen := c.Results[cond][impl]
			if seen {
				cl.Median = old.Median
			}
			if cl.State == "" {
				if cl.Median == nil {
					cl.Median = map[string]float64{}
				}
				cl.Median[metric] = v
			}
			c.Results[cond][impl] = cl
		}
	}
	return nil
}

// parseCell reads one implementation's cell: "5,297,310 msg/s · 339.0
// Mb/s", "9.75", "0.359", any of them followed by " (2/3 ok)"; "timeout"
// and "failed" give a cell with that state and no value; "n/a", "not run",
// "skipped" and "—" none at all.
func parseCell(s string, reps int) (float64, Cell, error) {
	switch s {
	case "timeout", "failed":
		return 0, Cell{State: s, Runs: reps}, nil
	case "n/a", "not run", "skipped", "—", "":
		return 0, Cell{}, nil
	}
	cl := Cell{OK: reps, Runs: reps}
	if m := regexp.MustCompile(` \((\d+)/(\d+) ok\)$`).FindStringSubmatch(s); m != nil {
		cl.OK, _ = strconv.Atoi(m[1])
		cl.Runs, _ = strconv.Atoi(m[2])
		s = strings.TrimSuffix(s, m[0])
	}
	num, _, _ := strings.Cut(s, " ")
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		return 0, Cell{}, fmt.Errorf("cell %q: %w", s, err)
	}
	return v, cl, nil
}

// caseID is zbench's id of a case: tcp-thr-64, tcp-fanout-64-1000,
// tcp-lat-64-curve.
func caseID(c Case) string {
	id := fmt.Sprintf("%s-%s-%d", c.Transport, c.Kind, c.Size)
	if c.Kind == "fanout" {
		id += fmt.Sprintf("-%d", c.Subscribers)
	}
	if c.Mechanism != "null" {
		id += "-" + c.Mechanism
	}
	return id
}

// splitRow splits a markdown table row into its trimmed cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}
