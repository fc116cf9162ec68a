package main

import (
	"encoding/json"
	"strings"
)

// resultsFormat names the layout of the results file below; bench/chart
// checks it before it draws anything, so change it with the layout.
const resultsFormat = "zbench-results/1"

// The results file: what the markdown report shows, machine-readable, for
// bench/chart's charts. zbench writes it beside the report (-out X.md
// gives X.json; -json names another file). Every number is one that the
// tools printed or that the report's tables show: per case, condition and
// implementation, the medians of the report's cells and each repetition's
// own figures.
type jsonResults struct {
	Format string `json:"format"`
	// Report is the markdown report written with it, as -out named it.
	Report     string   `json:"report,omitempty"`
	Command    string   `json:"command"`
	Date       string   `json:"date"` // when the run began, "2006-01-02 15:04 UTC"
	Took       string   `json:"took"`
	Kernel     string   `json:"kernel"`
	Go         string   `json:"go"`
	CPU        string   `json:"cpu"`
	Libzmq     string   `json:"libzmq"`
	LoadBefore string   `json:"load_before"`
	LoadAfter  string   `json:"load_after"`
	Reps       int      `json:"reps"`
	Conditions []string `json:"conditions"`
	// LoadedCoreShare is the share of a core the busy loop had in the
	// loaded blocks (0.79 for 79%); absent without a loaded block.
	LoadedCoreShare float64       `json:"loaded_core_share,omitempty"`
	Implementations []jsonImpl    `json:"implementations"`
	Cases           []jsonCase    `json:"cases"`
	Interop         []jsonInterop `json:"interop"`
}

type jsonImpl struct {
	Name       string `json:"name"`   // as -only spells it
	Title      string `json:"title"`  // the report's column heading
	Status     string `json:"status"` // "ok", "not run", "skipped"
	SkipReason string `json:"skip_reason,omitempty"`
}

type jsonCase struct {
	ID          string `json:"id"`
	Label       string `json:"label"`     // as the report names it
	Kind        string `json:"kind"`      // thr, lat, fanout
	Transport   string `json:"transport"` // tcp, inproc
	Mechanism   string `json:"mechanism"` // null, plain, curve
	Size        int    `json:"size"`      // bytes per message
	Count       int    `json:"count"`     // messages (per subscriber for fanout) or round trips
	Subscribers int    `json:"subscribers,omitempty"`
	// Proxy is the device of the proxy in the path, as the proxy tools
	// name it: "queue" (ROUTER/DEALER, latency) or "streamer" (PULL/PUSH,
	// throughput); absent for the direct cases.
	Proxy string `json:"proxy,omitempty"`
	// Results, by condition and then implementation; an implementation
	// that did not run the case (not built, or no such tool) is absent.
	Results map[string]map[string]jsonCell `json:"results"`
}

// jsonCell is one implementation's figures for a case in one condition.
type jsonCell struct {
	OK    int    `json:"ok"`              // repetitions that succeeded
	Runs  int    `json:"runs"`            // repetitions run
	State string `json:"state,omitempty"` // when none succeeded: "failed", "timeout"
	// Median of each metric over the repetitions that succeeded: the
	// report's cell.
	Median map[string]float64 `json:"median,omitempty"`
	Reps   []jsonRep          `json:"reps"` // in the order run
}

type jsonRep struct {
	Status      string             `json:"status"` // "ok", "failed", "timeout"
	Detail      string             `json:"detail,omitempty"`
	Metrics     map[string]float64 `json:"metrics,omitempty"`
	CPUSeconds  float64            `json:"cpu_seconds"`
	WallSeconds float64            `json:"wall_seconds"`
}

type jsonInterop struct {
	Pair    string `json:"pair"`
	Status  string `json:"status"`
	Summary string `json:"summary,omitempty"`
}

// jsonMetrics maps the metrics of the report's tables to the results
// file's names for them.
var jsonMetrics = []struct{ key, name string }{
	{keyMsgs, "msg_per_s"},
	{keyMbits, "mbit_per_s"},
	{keyP50, "p50_us"},
	{keyP99, "p99_us"},
	{keyP999, "p99.9_us"},
	{keyAvg, "avg_us"},
	{keyCPUPer, "cpu_s_per_million"},
	{keyVCS, "voluntary_cs_per_1000"},
	{keyIVCS, "involuntary_cs_per_1000"},
}

// renderJSON returns the results file of a run; report is the markdown
// file written beside it ("" for none).
func renderJSON(in reportInput, report string) ([]byte, error) {
	e := in.env
	out := jsonResults{
		Format: resultsFormat, Report: report,
		Command: e.command, Date: e.date, Took: e.took, Kernel: e.kernel, Go: e.goVersion, CPU: e.cpu,
		Libzmq: e.libzmqVersion, LoadBefore: e.loadBefore, LoadAfter: e.loadAfter,
		Reps:            in.reps,
		LoadedCoreShare: in.busy.share(),
		Implementations: []jsonImpl{},
		Cases:           []jsonCase{},
		Interop:         []jsonInterop{},
	}
	for _, c := range in.conditions {
		out.Conditions = append(out.Conditions, string(c))
	}
	for _, im := range in.impls {
		st := im.status
		if im.ok {
			st = "ok"
		}
		out.Implementations = append(out.Implementations, jsonImpl{Name: im.name, Title: im.title, Status: st, SkipReason: im.skipReason})
	}
	for _, c := range in.cases {
		jc := jsonCase{
			ID: c.id(), Label: c.label(), Kind: c.kindName(), Transport: c.transport(), Mechanism: c.mech.name(),
			Size: c.size, Count: c.count, Subscribers: c.subs, Proxy: c.device(),
			Results: map[string]map[string]jsonCell{},
		}
		for _, cond := range in.conditions {
			rt := in.results[cond]
			byImpl := map[string]jsonCell{}
			for _, im := range in.impls {
				if !im.ok || !im.runs(c) || rt == nil || len(rt.runs[c.id()][im.name]) == 0 {
					continue
				}
				byImpl[im.name] = jsonCellOf(rt, c, im.name)
			}
			if len(byImpl) > 0 {
				jc.Results[string(cond)] = byImpl
			}
		}
		out.Cases = append(out.Cases, jc)
	}
	for _, r := range in.cross {
		out.Interop = append(out.Interop, jsonInterop{Pair: r.name, Status: r.status, Summary: r.summary})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func jsonCellOf(rt *resultTable, c benchCase, implName string) jsonCell {
	outs := rt.runs[c.id()][implName]
	jc := jsonCell{Runs: len(outs), Reps: []jsonRep{}}
	for _, m := range jsonMetrics {
		if cl := rt.median(c, implName, m.key); cl.valid() {
			if jc.Median == nil {
				jc.Median = map[string]float64{}
			}
			jc.Median[m.name] = cl.value
		}
	}
	for _, o := range outs {
		r := jsonRep{Status: o.status.String(), Detail: o.detail, CPUSeconds: o.cpu.Seconds(), WallSeconds: o.wall.Seconds()}
		if o.status == statusOK {
			jc.OK++
			for _, m := range jsonMetrics {
				if v, ok := o.metrics[m.key]; ok {
					if r.Metrics == nil {
						r.Metrics = map[string]float64{}
					}
					r.Metrics[m.name] = v
				}
			}
		}
		jc.Reps = append(jc.Reps, r)
	}
	if jc.OK == 0 {
		jc.State = rt.median(c, implName, keyMsgs).state // "failed" or "timeout"
	}
	return jc
}

// jsonPathFor is where the results file goes: -json if given, else beside
// the markdown report (-out X.md → X.json), else nowhere.
func jsonPathFor(jsonFlag, out string) string {
	if jsonFlag != "" || out == "" {
		return jsonFlag
	}
	return strings.TrimSuffix(out, ".md") + ".json"
}
