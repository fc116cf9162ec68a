package perf

import (
	"io"
	"os"
	"testing"
	"time"
)

// stdout runs fn with os.Stdout captured and returns what it printed.
func stdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	fn()
	os.Stdout = saved
	w.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The tools' lines are what bench/libzmq's print for the same numbers, so
// the harness reads every implementation alike.
func TestReports(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"throughput: 3 messages in 2 µs, msg/s truncated before Mb/s",
			func() { Throughput(1000, 3, 2*time.Microsecond) },
			"message size: 1000 [B]\nmessage count: 3\nmean throughput: 1500000 [msg/s]\nmean throughput: 12000.000 [Mb/s]\n"},
		{"fan-out: 3 messages to 1,000 subscribers in 2 ms is 1.5 M deliveries/s",
			func() { Fanout(100, 3, 1000, 2*time.Millisecond) },
			"message size: 100 [B]\nmessage count: 3\nsubscribers: 1000\nmean throughput: 1500000 [msg/s]\nmean throughput: 1200.000 [Mb/s]\n"},
	}
	for _, tt := range tests {
		if got := stdout(t, tt.fn); got != tt.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}
