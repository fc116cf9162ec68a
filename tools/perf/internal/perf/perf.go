// Package perf holds what zring's perf tools share: argument parsing, the
// throughput and latency reports in libzmq's perf tools' exact wording, the
// per-round-trip samples behind the p50/p99/p99.9 lines, and the security
// mechanism the environment asks for (security.go).
package perf

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/zring/zring"
)

// Args parses "prog [endpoint] size count" and exits with usage on error.
func Args(usage string, withEndpoint bool) (endpoint string, size, count int) {
	want := 3
	if withEndpoint {
		want = 4
	}
	if len(os.Args) != want {
		fmt.Printf("usage: %s %s\n", filepath.Base(os.Args[0]), usage)
		os.Exit(1)
	}
	a := os.Args[1:]
	if withEndpoint {
		endpoint, a = a[0], a[1:]
	}
	var err1, err2 error
	size, err1 = strconv.Atoi(a[0])
	count, err2 = strconv.Atoi(a[1])
	if err1 != nil || err2 != nil || size < 0 || count < 1 {
		fmt.Printf("usage: %s %s\n", filepath.Base(os.Args[0]), usage)
		os.Exit(1)
	}
	return endpoint, size, count
}

// Profile starts a CPU profile when ZRING_PERF_CPUPROFILE names a file
// prefix (the profile goes to prefix.<tool>) and returns what stops it;
// the tools defer it first thing, so it covers their whole run.
func Profile() (stop func()) {
	prefix := os.Getenv("ZRING_PERF_CPUPROFILE")
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + "." + filepath.Base(os.Args[0]))
	if err != nil {
		Die("cpu profile", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		Die("cpu profile", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// Die prints what failed and exits.
func Die(what string, err error) {
	fmt.Printf("error in %s: %v\n", what, err)
	os.Exit(1)
}

// Open starts a context and a socket of type t on it, bound to endpoint
// when bind is set, else connected to it. It dies on error.
func Open(t zring.SocketType, endpoint string, bind bool) (*zring.Context, *zring.Socket) {
	ctx, err := zring.NewContext()
	if err != nil {
		Die("zmq_init", err)
	}
	return ctx, Attach(ctx, t, endpoint, bind)
}

// Attach adds a socket of type t to ctx, bound or connected to endpoint,
// with the security mechanism MechanismEnv names (see Secure).
func Attach(ctx *zring.Context, t zring.SocketType, endpoint string, bind bool) *zring.Socket {
	s, err := ctx.NewSocket(t)
	if err != nil {
		Die("zmq_socket", err)
	}
	Secure(ctx, s, endpoint, bind)
	if bind {
		err = s.Bind(endpoint)
	} else {
		err = s.Connect(endpoint)
	}
	if err != nil {
		Die(map[bool]string{true: "zmq_bind", false: "zmq_connect"}[bind], err)
	}
	return s
}

// Throughput prints libzmq's local_thr report: counts from the first
// message to the last, elapsed measured from after the first.
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

// Latency prints libzmq's remote_lat report (one-way latency is half the
// round trip) and zring's percentile lines, one-way, in microseconds.
func Latency(size int, samples []time.Duration, elapsed time.Duration) {
	n := len(samples)
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", n)
	fmt.Printf("average latency: %.3f [us]\n", float64(elapsed.Nanoseconds())/1e3/float64(n*2))
	slices.Sort(samples)
	for _, p := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p99", 0.99}, {"p99.9", 0.999}} {
		i := int(math.Ceil(p.q*float64(n))) - 1 // nearest rank, as the C tools
		i = max(0, min(i, n-1))
		fmt.Printf("%s latency: %.3f [us]\n", p.name, float64(samples[i].Nanoseconds())/2e3)
	}
}

// Echo answers count round trips on s (local_lat's REP side), reusing one
// message so the loop allocates nothing.
func Echo(s *zring.Socket, size, count int) {
	var m zring.Msg
	for i := 0; i < count; i++ {
		if err := s.RecvMsg(&m, 0); err != nil {
			Die("zmq_recvmsg", err)
		}
		if len(m.Data) != size {
			Die("zmq_recvmsg", fmt.Errorf("message of incorrect size received: %d", len(m.Data)))
		}
		if err := s.SendMsg(&m, 0); err != nil {
			Die("zmq_sendmsg", err)
		}
	}
}

// RoundTrips times count request/reply round trips on s (remote_lat's REQ
// side) and returns every sample and the total.
func RoundTrips(s *zring.Socket, size, count int) ([]time.Duration, time.Duration) {
	samples := make([]time.Duration, count)
	var reply zring.Msg
	start := time.Now()
	for i := 0; i < count; i++ {
		t0 := time.Now()
		m := s.NewMsg(size)
		if err := s.SendMsg(&m, 0); err != nil {
			Die("zmq_sendmsg", err)
		}
		if err := s.RecvMsg(&reply, 0); err != nil {
			Die("zmq_recvmsg", err)
		}
		if len(reply.Data) != size {
			Die("zmq_recvmsg", fmt.Errorf("message of incorrect size received: %d", len(reply.Data)))
		}
		reply.Free()
		samples[i] = time.Since(t0)
	}
	return samples, time.Since(start)
}

// Drain receives count messages of size bytes on s and returns the time
// from the first to the last (local_thr's measurement).
func Drain(s *zring.Socket, size, count int) time.Duration {
	var m zring.Msg
	var start time.Time
	for i := 0; i < count; i++ {
		if err := s.RecvMsg(&m, 0); err != nil {
			Die("zmq_recvmsg", err)
		}
		if len(m.Data) != size {
			Die("zmq_recvmsg", fmt.Errorf("message of incorrect size received: %d", len(m.Data)))
		}
		m.Free()
		if i == 0 {
			start = time.Now()
		}
	}
	return time.Since(start)
}

// Pump sends count messages of size bytes on s from pooled memory.
func Pump(s *zring.Socket, size, count int) {
	for i := 0; i < count; i++ {
		m := s.NewMsg(size) // zmq_msg_init_size, as libzmq's remote_thr
		if err := s.SendMsg(&m, 0); err != nil {
			Die("zmq_sendmsg", err)
		}
	}
}

// FanoutArgs parses "prog endpoint subscribers size count", the fan-out
// tools' command line (count is per subscriber), and exits with usage on
// error.
func FanoutArgs(usage string) (endpoint string, subscribers, size, count int) {
	bad := func() {
		fmt.Printf("usage: %s %s\n", filepath.Base(os.Args[0]), usage)
		os.Exit(1)
	}
	if len(os.Args) != 5 {
		bad()
	}
	var n [3]int
	for i, a := range os.Args[2:] {
		v, err := strconv.Atoi(a)
		if err != nil || v < 0 || (i != 1 && v < 1) {
			bad()
		}
		n[i] = v
	}
	return os.Args[1], n[0], n[1], n[2]
}

// Fanout prints a fan-out run as bench/libzmq's fanout_sub does: the
// per-subscriber count, the subscribers, and the aggregate delivery rate
// (subscribers × count over the time from the first message anywhere to
// the last everywhere), truncated as Throughput truncates.
func Fanout(size, count, subscribers int, elapsed time.Duration) {
	us := elapsed.Microseconds()
	if us == 0 {
		us = 1
	}
	throughput := uint64(float64(count) * float64(subscribers) / float64(us) * 1e6)
	megabits := float64(throughput*uint64(size)*8) / 1e6
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	fmt.Printf("subscribers: %d\n", subscribers)
	fmt.Printf("mean throughput: %d [msg/s]\n", throughput)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", megabits)
}
