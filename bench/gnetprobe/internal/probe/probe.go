// Package probe holds what the gnet probe tools share: libzmq's perf-tool
// command lines and reports, the GNETPROBE_* switches, allocation counts, and
// Session, a ZMTP 3.1 (NULL) connection driven by gnet's event loop.
package probe

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Args parses "prog <endpoint> <size> <count>" and exits with usage on error.
func Args(usage string) (endpoint string, size, count int) {
	if len(os.Args) != 4 {
		fmt.Fprintf(os.Stderr, "usage: %s %s\n", os.Args[0], usage)
		os.Exit(1)
	}
	var err1, err2 error
	size, err1 = strconv.Atoi(os.Args[2])
	count, err2 = strconv.Atoi(os.Args[3])
	if err1 != nil || err2 != nil || size < 0 || count < 1 || !strings.HasPrefix(os.Args[1], "tcp://") {
		fmt.Fprintf(os.Stderr, "usage: %s %s\n", os.Args[0], usage)
		os.Exit(1)
	}
	return os.Args[1], size, count
}

// Die prints what failed and exits.
func Die(what string, err error) {
	fmt.Fprintf(os.Stderr, "error in %s: %v\n", what, err)
	os.Exit(1)
}

// Throughput prints libzmq's local_thr report.
func Throughput(size, count int, elapsed time.Duration) {
	us := elapsed.Microseconds()
	if us == 0 {
		us = 1
	}
	throughput := uint64(float64(count) / float64(us) * 1e6)
	megabits := float64(throughput*uint64(size)*8) / 1e6
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	fmt.Printf("mean throughput: %d [msg/s]\n", throughput)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", megabits)
}

// Env reads the GNETPROBE_* switches.
//
//	GNETPROBE_MULTICORE=1   gnet.WithMulticore(true) (default: one event loop)
//	GNETPROBE_MODE=pipe     hand messages to an application goroutine over
//	                        zring's ring.Pipe, as zring's engine does
//	                        (default "loop": consume them inside OnTraffic)
//	GNETPROBE_WRITE=writev  (local_lat, loop mode) reply with Conn.Writev
//	                        instead of one coalesced Conn.Write
//	GNETPROBE_LOCK=1        gnet.WithLockOSThread(true)
//	GNETPROBE_MEMSTATS=1    print runtime.MemStats deltas to stderr at exit
type Env struct {
	Multicore, Pipe, Writev, Lock, MemStats bool
}

func ReadEnv() Env {
	on := func(k string) bool { v := os.Getenv(k); return v != "" && v != "0" }
	return Env{
		Multicore: on("GNETPROBE_MULTICORE"),
		Pipe:      os.Getenv("GNETPROBE_MODE") == "pipe",
		Writev:    os.Getenv("GNETPROBE_WRITE") == "writev",
		Lock:      on("GNETPROBE_LOCK"),
		MemStats:  on("GNETPROBE_MEMSTATS"),
	}
}

// Options are the gnet options every probe runs with.
func (e Env) Options() []gnet.Option {
	return []gnet.Option{
		gnet.WithMulticore(e.Multicore),
		gnet.WithLockOSThread(e.Lock),
		gnet.WithReuseAddr(true),
		gnet.WithTCPNoDelay(gnet.TCPNoDelay),
		gnet.WithLogger(quietLogger{}), // gnet's default logger writes to stdout
	}
}

type quietLogger struct{}

func (quietLogger) Debugf(string, ...any) {}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Errorf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+f+"\n", a...)
}
func (quietLogger) Fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+f+"\n", a...)
	os.Exit(1)
}

// Mem snapshots the allocation counters; Report prints the difference.
type Mem struct{ ms runtime.MemStats }

func Snap() (m Mem) { runtime.ReadMemStats(&m.ms); return }

// Report prints to stderr the allocations and GCs since m, per unit.
func (m Mem) Report(label string, units int) {
	var now runtime.MemStats
	runtime.ReadMemStats(&now)
	allocs := now.Mallocs - m.ms.Mallocs
	bytes := now.TotalAlloc - m.ms.TotalAlloc
	fmt.Fprintf(os.Stderr, "memstats %s: %d allocs (%.4f/msg), %d B (%.2f B/msg), %d GCs, heap in use %d KiB\n",
		label, allocs, float64(allocs)/float64(units), bytes, float64(bytes)/float64(units),
		now.NumGC-m.ms.NumGC, now.HeapInuse>>10)
}
