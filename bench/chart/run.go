package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// resultsFormat is the layout of zbench's results file this program reads
// (bench/cmd/zbench/results_json.go writes it).
const resultsFormat = "zbench-results/1"

// A Run is one zbench run: its results file, or its markdown report read
// back (parseReport). Only what the charts need is here; the results file
// holds more (each repetition's figures, the machine, interop).
type Run struct {
	Format          string   `json:"format"`
	Report          string   `json:"report"`
	Command         string   `json:"command"`
	Date            string   `json:"date"`
	Reps            int      `json:"reps"`
	Conditions      []string `json:"conditions"`
	LoadedCoreShare float64  `json:"loaded_core_share"`
	Implementations []Impl   `json:"implementations"`
	Cases           []Case   `json:"cases"`

	// Source is the file the run was read from, as the charts' captions
	// name it (relative to the repository when it is inside one).
	Source string `json:"-"`
}

// An Impl is one implementation under test.
type Impl struct {
	Name   string `json:"name"`   // libzmq, zring, floor
	Title  string `json:"title"`  // the report's column heading
	Status string `json:"status"` // ok, not run, skipped
}

// A Case is one case of the run and its results.
type Case struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Kind        string `json:"kind"`      // thr, lat, fanout
	Transport   string `json:"transport"` // tcp, inproc
	Mechanism   string `json:"mechanism"` // null, plain, curve
	Size        int    `json:"size"`
	Count       int    `json:"count"`
	Subscribers int    `json:"subscribers"`
	// Proxy is the device of a proxy in the path ("queue", "streamer"),
	// empty for the direct cases that the charts draw.
	Proxy string `json:"proxy"`
	// Results by condition, then implementation.
	Results map[string]map[string]Cell `json:"results"`
}

// A Cell is one implementation's figures for a case in one condition.
type Cell struct {
	OK     int                `json:"ok"`
	Runs   int                `json:"runs"`
	State  string             `json:"state"`  // when none succeeded: failed, timeout
	Median map[string]float64 `json:"median"` // by metric, below
}

// Metrics, as the results file names them.
const (
	mMsgs = "msg_per_s"
	mP50  = "p50_us"
	mP99  = "p99_us"
	mP999 = "p99.9_us"
	mAvg  = "avg_us"
	mCPU  = "cpu_s_per_million"
	mMbit = "mbit_per_s"
)

// value returns the median of metric m for case c, condition cond and
// implementation impl, if the run has one.
func (c Case) value(cond, impl, m string) (float64, bool) {
	v, ok := c.Results[cond][impl].Median[m]
	return v, ok
}

// missing says why case c has no value for impl in cond: the cell's state
// ("timeout", "failed") or "not run".
func (c Case) missing(cond, impl string) string {
	cl, ok := c.Results[cond][impl]
	switch {
	case !ok:
		return "not run"
	case cl.State != "":
		return cl.State
	}
	return "no figure"
}

// hasCondition reports whether the run ran condition cond.
func (r *Run) hasCondition(cond string) bool {
	for _, c := range r.Conditions {
		if c == cond {
			return true
		}
	}
	return false
}

// loadRun reads a results file (.json) or a markdown report (anything
// else) that zbench wrote.
func loadRun(path string) (*Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r *Run
	if strings.HasSuffix(path, ".json") {
		r = new(Run)
		if err := json.Unmarshal(b, r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if r.Format != resultsFormat {
			return nil, fmt.Errorf("%s: format %q, want %q (a results file of another zbench?)", path, r.Format, resultsFormat)
		}
	} else {
		if r, err = parseReport(string(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	r.Source = displayPath(path)
	return r, nil
}

// displayPath is path relative to the root of the repository holding it
// (the nearest directory upwards with a .git), so that a caption reads
// bench/out/latest.json wherever the program ran; path itself outside a
// repository.
func displayPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	for dir := filepath.Dir(abs); ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			if rel, err := filepath.Rel(dir, abs); err == nil {
				return filepath.ToSlash(rel)
			}
			return path
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return path
		}
		dir = parent
	}
}
