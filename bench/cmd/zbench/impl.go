package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A tool is one of libzmq's perf programs, by its libzmq name.
type tool string

const (
	localThr  tool = "local_thr"
	remoteThr tool = "remote_thr"
	localLat  tool = "local_lat"
	remoteLat tool = "remote_lat"
	inprocThr tool = "inproc_thr"
	inprocLat tool = "inproc_lat"
	// Not libzmq's: one XPUB → many SUBs, written for zbench in
	// bench/libzmq and tools/perf alike.
	fanoutPub tool = "fanout_pub"
	fanoutSub tool = "fanout_sub"
	// Ours as well: zmq_proxy between the ends of the proxy cases
	// (tools/perf/proxy, bench/libzmq/proxy.c; the floor's is relay.go).
	proxyTool tool = "proxy"
)

var allTools = []tool{localThr, remoteThr, localLat, remoteLat, inprocThr, inprocLat, fanoutPub, fanoutSub, proxyTool}

// tcpTools are the tools every implementation must have to be benchmarked.
var tcpTools = []tool{localThr, remoteThr, localLat, remoteLat, fanoutPub, fanoutSub}

// implNames are the implementations in the order of the report's columns.
var implNames = []string{"libzmq", "zring", "floor"}

// An impl is one implementation under test: how to build it and how to run
// each of its tools.
type impl struct {
	name  string // as in -only
	title string // column heading

	build func() error
	// command returns the argv prefix that runs t (arguments follow), or nil
	// if this implementation has no such tool.
	command func(t tool) []string
	// secure: the tools take mechanismEnv (the floor's do not).
	secure bool

	ok         bool   // built and selected
	status     string // why not ok, for the table: "not run" or "skipped"
	skipReason string
}

// newImpls describes libzmq, zring and the floor, built under tmp.
func newImpls(root, tmp, zringBin string) []*impl {
	libzmqDir := filepath.Join(tmp, "libzmq")
	zringDir := filepath.Join(tmp, "zring")
	if zringBin != "" {
		zringDir = zringBin
	}
	floorBin := filepath.Join(tmp, "floor", "floor")

	inDir := func(dir string, have []tool) func(tool) []string {
		return func(t tool) []string {
			for _, h := range have {
				if h == t {
					return []string{filepath.Join(dir, string(t))}
				}
			}
			return nil
		}
	}

	libzmq := &impl{name: "libzmq", title: "libzmq", command: inDir(libzmqDir, allTools), secure: true}
	libzmq.build = func() error {
		if err := os.MkdirAll(libzmqDir, 0o755); err != nil {
			return err
		}
		src := filepath.Join(root, "bench", "libzmq")
		for _, t := range allTools {
			err := runQuiet(root, "gcc", "-O2", "-Wall", "-o", filepath.Join(libzmqDir, string(t)),
				filepath.Join(src, string(t)+".c"), "-lzmq", "-lpthread")
			if err != nil {
				return fmt.Errorf("gcc %s.c (is libzmq3-dev installed?): %w", t, err)
			}
		}
		return nil
	}

	zring := &impl{name: "zring", title: "zring", secure: true}
	zringHave := allTools
	zring.build = func() error {
		if zringBin == "" {
			if err := os.MkdirAll(zringDir, 0o755); err != nil {
				return err
			}
			if err := runQuiet(root, "go", "build", "-o", zringDir+string(filepath.Separator), "./tools/perf/..."); err != nil {
				return fmt.Errorf("go build ./tools/perf/...: %w", err)
			}
		}
		var missing []string
		zringHave = nil
		for _, t := range allTools {
			if isExecutable(filepath.Join(zringDir, string(t))) {
				zringHave = append(zringHave, t)
			} else if isTCP(t) {
				missing = append(missing, string(t))
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("no %s in %s (tools/perf not written yet?)", strings.Join(missing, ", "), zringDir)
		}
		return nil
	}
	zring.command = func(t tool) []string { return inDir(zringDir, zringHave)(t) }

	floor := &impl{name: "floor", title: "floor (Go TCP)"}
	floor.build = func() error {
		return runQuiet(root, "go", "build", "-o", floorBin, "./bench/floor")
	}
	floorVerb := map[tool]string{
		localThr: "thr-server", remoteThr: "thr-client",
		localLat: "lat-server", remoteLat: "lat-client",
		fanoutPub: "fan-server", fanoutSub: "fan-client",
	}
	floor.command = func(t tool) []string {
		if v, ok := floorVerb[t]; ok {
			return []string{floorBin, v}
		}
		if t == proxyTool {
			return relayCommand()
		}
		return nil
	}

	return []*impl{libzmq, zring, floor}
}

// runs reports whether the implementation has what case c needs: the tool
// of each role, and the mechanism unless it is NULL. The floor has no
// inproc and no mechanisms.
func (im *impl) runs(c benchCase) bool {
	rs, _ := c.roles()
	for _, r := range rs {
		if im.command(r.tool) == nil {
			return false
		}
	}
	return c.mech == mechNull || im.secure
}

func isTCP(t tool) bool {
	for _, u := range tcpTools {
		if u == t {
			return true
		}
	}
	return false
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// runQuiet runs a build command in dir; on failure the error carries the
// command's last lines of output.
func runQuiet(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if msg := lastLines(out.String(), 6); msg != "" {
			return errors.New(msg)
		}
		return err
	}
	return nil
}

// lastLines returns at most n trailing non-empty lines of s, joined by " | "
// so that they fit in one log line or table cell.
func lastLines(s string, n int) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
