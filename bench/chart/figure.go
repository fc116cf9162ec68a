package main

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The size of every figure: BENCHMARKS.md shows them at their own size,
// 540 pt = 720 CSS pixels wide, within the width GitHub gives a document.
const figureWidth vg.Length = 540 // points

func init() {
	// Sans rather than gonum/plot's default serif: smaller text stays
	// legible. Liberation Sans has Arial's metrics, which the SVGs name as
	// its stand-in (svgFonts).
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont
}

// The implementations' colours (Okabe and Ito's, told apart by the
// colour-blind too) and glyphs (told apart in grey).
var (
	colorOf = map[string]color.Color{
		"zring":  color.RGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
		"libzmq": color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermilion
		"floor":  color.RGBA{0x70, 0x70, 0x70, 0xFF}, // grey: a reference, not a contender
	}
	glyphOf = map[string]draw.GlyphDrawer{
		"zring":  draw.CircleGlyph{},
		"libzmq": draw.TriangleGlyph{},
		"floor":  draw.SquareGlyph{},
	}
	// titleOf is how the charts name an implementation.
	titleOf = map[string]string{"zring": "zring", "libzmq": "libzmq 4.3.4", "floor": "floor (plain Go TCP)"}
	// implOrder is the report's order of columns.
	implOrder = []string{"libzmq", "zring", "floor"}

	inkColor  = color.Gray{0x20}
	noteColor = color.Gray{0x55}
	gridColor = color.Gray{0xDD}
)

// A figure is one chart as BENCHMARKS.md shows it: a title, a caption
// naming the run its figures come from, a legend above the data (so that
// it covers none), one or more panels side by side, and notes under them.
type figure struct {
	title   string
	caption string
	legend  []legendEntry
	panels  []panel
	notes   []string
	height  vg.Length
	// yLabel is drawn once, left of the panels, centred on their data. It
	// is not the plots' own: gonum/plot pads a log axis's label as if the
	// axis were linear, and so wastes the top of the panels.
	yLabel string
}

type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// A panel is one plot of a figure.
type panel struct {
	p *plot.Plot
	// layout, if set, runs once the panel's data area is known and before
	// it is drawn: bar widths are set from it.
	layout func(dataWidth vg.Length)
}

// textStyle is the style of the figure's own text.
func textStyle(size vg.Length, bold bool, c color.Color) text.Style {
	f := plot.DefaultFont
	f.Size = size
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{Color: c, Font: f, Handler: plot.DefaultTextHandler, XAlign: draw.XLeft, YAlign: draw.YTop}
}

// draw draws the figure on dc.
func (f *figure) draw(dc draw.Canvas) {
	dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
	const margin = 8
	left, right := dc.Min.X+margin, dc.Max.X-margin
	// Lines of text end well short of the right edge: where a viewer has
	// neither Liberation Sans nor Arial, its stand-in (DejaVu Sans, say) is
	// up to 15% wider.
	textWidth := (right - left) * 0.85
	y := dc.Max.Y - margin

	title := textStyle(12, true, inkColor)
	for _, line := range wrap(title, f.title, textWidth) {
		dc.FillText(title, vg.Point{X: left, Y: y}, line)
		y -= title.Height(line) + 1
	}
	y -= 2
	caption := textStyle(9, false, noteColor)
	for _, line := range wrap(caption, f.caption, textWidth) {
		dc.FillText(caption, vg.Point{X: left, Y: y}, line)
		y -= caption.Height(line)
	}
	y -= 6

	// The legend: one row, entries side by side, wrapping if need be.
	if len(f.legend) > 0 {
		ls := textStyle(10, false, inkColor)
		const thumbW, thumbH, gap = 22, 9, 16
		rowH := ls.Height("M")
		x := left
		for _, e := range f.legend {
			w := thumbW + 4 + ls.Width(e.name)
			if x > left && x+w > left+textWidth {
				x, y = left, y-rowH-3
			}
			thumb := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - rowH/2 - thumbH/2},
				Max: vg.Point{X: x + thumbW, Y: y - rowH/2 + thumbH/2},
			}}
			for _, t := range e.thumbs {
				t.Thumbnail(&thumb)
			}
			dc.FillText(ls, vg.Point{X: x + thumbW + 4, Y: y}, e.name)
			x += w + gap
		}
		y -= rowH + 8
	}

	bottom := dc.Min.Y + margin
	note := textStyle(8.5, false, noteColor)
	var noteLines []string
	for _, n := range f.notes {
		noteLines = append(noteLines, wrap(note, n, textWidth)...)
	}
	for i := len(noteLines) - 1; i >= 0; i-- {
		bottom += note.Height(noteLines[i])
		dc.FillText(note, vg.Point{X: left, Y: bottom}, noteLines[i])
	}
	if len(noteLines) > 0 {
		bottom += 4
	}

	ylabel := textStyle(10, false, inkColor)
	ylabel.Rotation = math.Pi / 2
	ylabel.XAlign, ylabel.YAlign = draw.XCenter, draw.YTop
	labelW := vg.Length(0)
	if f.yLabel != "" {
		labelW = ylabel.Height(f.yLabel) + 2
	}
	area := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Min.X + 2 + labelW, Y: bottom},
		Max: vg.Point{X: dc.Max.X - margin, Y: y},
	}}
	plots := make([]*plot.Plot, len(f.panels))
	for i, p := range f.panels {
		plots[i] = p.p
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: 14}
	canvases := plot.Align([][]*plot.Plot{plots}, tiles, area)
	if f.yLabel != "" {
		da := f.panels[0].p.DataCanvas(canvases[0][0])
		dc.FillText(ylabel, vg.Point{X: dc.Min.X + 2, Y: (da.Min.Y + da.Max.Y) / 2}, f.yLabel)
	}
	for i, p := range f.panels {
		if p.layout != nil {
			da := p.p.DataCanvas(canvases[0][i])
			p.layout(da.Max.X - da.Min.X)
		}
		p.p.Draw(canvases[0][i])
	}
}

// wrap breaks s into lines no wider than w.
func wrap(sty text.Style, s string, w vg.Length) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && sty.Width(try) > w {
			lines = append(lines, line)
			try = word
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// save writes the figure to path, as SVG or PNG by its extension; PNGs
// are drawn at 96 dpi, the size a browser shows the SVG at.
func (f *figure) save(path string) error {
	var buf bytes.Buffer
	switch filepath.Ext(path) {
	case ".svg":
		c := vgsvg.New(figureWidth, f.height)
		f.draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
		b := svgFonts(buf.Bytes())
		buf.Reset()
		buf.Write(b)
	case ".png":
		c := vgimg.NewWith(vgimg.UseWH(figureWidth, f.height), vgimg.UseDPI(96))
		f.draw(draw.New(c))
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s: want .svg or .png", path)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// svgFonts names stand-ins after the Liberation fonts in an SVG: a browser
// showing the file as an image loads no fonts, and without one it would
// fall back to its default, often a serif, wider than the text was laid
// out for. Arial and Helvetica have Liberation Sans's metrics.
func svgFonts(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}

// newPlot returns a plot with the figures' common styling.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 10.5
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.TextStyle.Color = inkColor
	p.Title.Padding = 4
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 10
		a.Label.TextStyle.Color = inkColor
		a.Tick.Label.Font.Size = 9
		a.Tick.Label.Color = inkColor
		a.Color = noteColor
		a.Tick.Color = noteColor
	}
	p.X.Label.Padding = 2
	p.Y.Label.Padding = 2
	return p
}

// addGrid adds light horizontal grid lines at the y axis's major ticks.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal.Color = gridColor
	g.Horizontal.Width = 0.5
	p.Add(g)
}

// logTicks marks a logarithmic axis at powers of ten, labelled 10k, 1M
// and so on, with unlabelled minor ticks between; across fewer than two
// decades 2× and 5× are labelled too.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	few := math.Log10(max/min) < 2
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		base := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := base * float64(m)
			if v < min*0.999 || v > max*1.001 {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || few && (m == 2 || m == 5) {
				t.Label = siLabel(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// siLabel writes v with an SI suffix: 500, 20k, 1M, 2.5M.
func siLabel(v float64) string {
	for _, s := range []struct {
		f float64
		p string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= s.f {
			return trimFloat(v/s.f) + s.p
		}
	}
	return trimFloat(v)
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// linearTicks marks a linear axis from 0 at a round step, about five
// labelled ticks over the range: 0, 50, 100, 150, 200.
type linearTicks struct{}

func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if max <= min {
		return nil
	}
	raw := (max - min) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []plot.Tick
	for i := math.Ceil(min / step); i*step <= max*1.0001; i++ {
		v := i * step
		ticks = append(ticks, plot.Tick{Value: v, Label: trimFloat(v)})
		if half := v + step/2; half <= max {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	return ticks
}

// sizeTicks marks a message-size axis at the sizes run.
type sizeTicks []int

func (s sizeTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for _, n := range s {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: sizeLabel(n)})
	}
	return ticks
}

// sizeLabel is a size as zbench's report writes it: 8 B, 1 KiB, 64 KiB.
func sizeLabel(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// latencyLabel writes a latency in µs as zbench's report does: 9.75,
// 56.3, 201.5.
func latencyLabel(us float64) string {
	if us < 10 {
		return fmt.Sprintf("%.2f", us)
	}
	return fmt.Sprintf("%.1f", us)
}
