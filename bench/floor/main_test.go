package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring/internal/tcptest"
)

// run starts server, then client, and returns the errors of both.
func run(server, client func() error) (errServer, errClient error) {
	done := make(chan error, 1)
	go func() { done <- server() }()
	errClient = client()
	return <-done, errClient
}

func TestThroughputPair(t *testing.T) {
	for _, size := range []int{0, 8, 70_000} {
		addr := tcptest.UnusedAddr(t)
		var out bytes.Buffer
		es, ec := run(
			func() error { return thrServer(&out, addr, size, 500) },
			func() error { return thrClient(addr, size, 500) })
		if es != nil || ec != nil {
			t.Fatalf("size %d: server %v, client %v", size, es, ec)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 4 || lines[0] != "message size: "+strconv.Itoa(size)+" [B]" || lines[1] != "message count: 500" ||
			!strings.HasSuffix(lines[2], " [msg/s]") || !strings.HasSuffix(lines[3], " [Mb/s]") {
			t.Errorf("size %d: output\n%s", size, out.String())
		}
	}
}

func TestLatencyPair(t *testing.T) {
	addr := tcptest.UnusedAddr(t)
	var out bytes.Buffer
	es, ec := run(
		func() error { return latServer(addr, 64, 200) },
		func() error { return latClient(&out, addr, 64, 200) })
	if es != nil || ec != nil {
		t.Fatalf("server %v, client %v", es, ec)
	}
	want := []string{"message size: 64 [B]", "roundtrip count: 200", "average latency: ", "p50 latency: ",
		"p99 latency: ", "p99.9 latency: "}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output\n%s", out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) || (i >= 2 && !strings.HasSuffix(lines[i], " [us]")) {
			t.Errorf("line %d = %q, want %q... [us]", i, lines[i], w)
		}
	}
}

func TestWrongSizeFails(t *testing.T) {
	addr := tcptest.UnusedAddr(t)
	es, _ := run(
		func() error { return thrServer(&bytes.Buffer{}, addr, 64, 10) },
		func() error { return thrClient(addr, 65, 10) })
	if es != errSize {
		t.Errorf("server error %v, want %v", es, errSize)
	}
}

// The percentiles are nearest-rank of half each round trip, as in
// bench/libzmq/perf_clock.h.
func TestPrintLatencyPercentiles(t *testing.T) {
	rtt := make([]time.Duration, 1000)
	for i := range rtt {
		rtt[len(rtt)-1-i] = time.Duration(i+1) * 2 * time.Microsecond // one way: 1..1000 µs
	}
	var out bytes.Buffer
	printLatency(&out, 64, 1000, 4*time.Millisecond, rtt)
	want := "message size: 64 [B]\nroundtrip count: 1000\naverage latency: 2.000 [us]\n" +
		"p50 latency: 500.000 [us]\np99 latency: 990.000 [us]\np99.9 latency: 999.000 [us]\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPrintThroughputArithmetic(t *testing.T) {
	var out bytes.Buffer
	// 3 messages in 2 µs: libzmq divides the whole count by the time from
	// the first to the last, and truncates msg/s before deriving Mb/s.
	printThroughput(&out, 1000, 3, 2*time.Microsecond)
	want := "message size: 1000 [B]\nmessage count: 3\nmean throughput: 1500000 [msg/s]\nmean throughput: 12000.000 [Mb/s]\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestFanoutPair(t *testing.T) {
	addr := tcptest.UnusedAddr(t)
	var out bytes.Buffer
	es, ec := run(
		func() error { return fanServer(addr, 20, 64, 300) },
		func() error { return fanClient(&out, addr, 20, 64, 300) })
	if es != nil || ec != nil {
		t.Fatalf("server %v, client %v", es, ec)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || lines[0] != "message size: 64 [B]" || lines[1] != "message count: 300" ||
		lines[2] != "subscribers: 20" || !strings.HasSuffix(lines[3], " [msg/s]") || !strings.HasSuffix(lines[4], " [Mb/s]") {
		t.Errorf("output\n%s", out.String())
	}
}

// The fan-out rate counts every delivery: subscribers × count over the time.
func TestPrintFanoutArithmetic(t *testing.T) {
	var out bytes.Buffer
	printFanout(&out, 100, 3, 1000, 2*time.Millisecond) // 3,000 deliveries in 2 ms
	want := "message size: 100 [B]\nmessage count: 3\nsubscribers: 1000\nmean throughput: 1500000 [msg/s]\nmean throughput: 1200.000 [Mb/s]\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
