package main

import (
	"fmt"
	"strings"
)

// A table writes one of the report's comparison tables: the case (and, in
// the security tables, its mechanism), a condition column when the run had
// more than one condition, then libzmq | zring | zring/libzmq, and with
// floor set, floor | zring/floor. Each row is the median of one metric,
// one row per condition.
type table struct {
	b     *strings.Builder
	in    reportInput
	mech  bool // a mechanism column after the case
	floor bool // the floor's columns
}

// multi: with one condition the tables keep their single-condition shape.
func (t table) multi() bool { return len(t.in.conditions) > 1 }

// title returns the column heading of the implementation called name.
func (t table) title(name string) string {
	for _, im := range t.in.impls {
		if im.name == name {
			return im.title
		}
	}
	return name
}

// header writes the heading rows; better says which way the ratios improve.
func (t table) header(better string) {
	head := []string{"case"}
	align := []string{"---"}
	if t.mech {
		head, align = append(head, "mechanism"), append(align, "---")
	}
	if t.multi() {
		head, align = append(head, "condition"), append(align, "---")
	}
	head = append(head, t.title("libzmq"), t.title("zring"), fmt.Sprintf("zring/libzmq (%s is better)", better))
	align = append(align, "--:", "--:", "--:")
	if t.floor {
		head, align = append(head, t.title("floor"), "zring/floor"), append(align, "--:", "--:")
	}
	fmt.Fprintf(t.b, "| %s |\n|%s|\n", strings.Join(head, " | "), strings.Join(align, "|"))
}

// row writes one row per condition for metric key of case c under label;
// show formats a valid cell.
func (t table) row(c benchCase, label, key string, show func(c benchCase, cl cell) string) {
	for _, cond := range t.in.conditions {
		rt := t.in.results[cond]
		cells := map[string]cell{}
		text := map[string]string{}
		for _, im := range t.in.impls {
			switch {
			case !im.ok:
				text[im.name] = im.status
			case !im.runs(c):
				text[im.name] = "n/a"
			default:
				cl := rt.median(c, im.name, key)
				cells[im.name] = cl
				if cl.valid() {
					text[im.name] = show(c, cl)
					if cl.ok < cl.runs {
						text[im.name] += fmt.Sprintf(" (%d/%d ok)", cl.ok, cl.runs)
					}
				} else {
					text[im.name] = cl.state
				}
			}
		}
		ratio := func(a, b string) string {
			x, y := cells[a], cells[b]
			if !x.valid() || !y.valid() || y.value == 0 {
				return "—"
			}
			s := fmt.Sprintf("%.2f×", x.value/y.value)
			if lo, hi, n := rt.ratioRange(c, a, b, key); n > 1 {
				s += fmt.Sprintf(" (%.2f–%.2f)", lo, hi)
			}
			return s
		}
		cols := []string{label}
		if t.mech {
			cols = append(cols, c.mech.title())
		}
		if t.multi() {
			cols = append(cols, string(cond))
		}
		cols = append(cols, text["libzmq"], text["zring"], ratio("zring", "libzmq"))
		if t.floor {
			cols = append(cols, text["floor"], ratio("zring", "floor"))
		}
		fmt.Fprintf(t.b, "| %s |\n", strings.Join(cols, " | "))
	}
}
