package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zring/zring"
)

func runPerf(c *cli, name string, args []string) error {
	var (
		size, count   int
		bind, connect string
	)
	fs := newFlagSet(name, "thr|lat [flags] [ENDPOINT]", `
Measures zring: thr, throughput (PUSH to PULL), or lat, latency (REQ to
REP, round trips one at a time).

By default both ends run in this process, over ENDPOINT (by default
tcp://127.0.0.1:0, a free port on the loopback; inproc:// and ipc://
work too). To measure between two processes or machines, run the bound end
with -bind and the other with -connect, the same -size and -count on
both, as libzmq's perf tools are run: for thr, -bind receives and prints
the result and -connect sends; for lat, -bind echoes and -connect measures
and prints. Each end is a peer of libzmq's local_thr/remote_thr and
local_lat/remote_lat.

The result is printed as libzmq's tools print it: for thr the mean
throughput in messages and megabits a second, counted from the first
message received to the last; for lat the average latency and its
percentiles, each one way (half a round trip, as libzmq's remote_lat
reports). Progress is shown on stderr.
`, `
zring perf thr
zring perf lat -size 1024 -count 100000
zring perf thr -size 1 inproc://thr
zring perf thr -bind tcp://*:5555        # on one machine
zring perf thr -connect tcp://host1:5555 # on the other`)
	fs.IntVar(&size, "size", 64, "message size, `bytes`")
	fs.IntVar(&count, "count", 0, "`messages` (thr, default 1000000) or round trips (lat, default 10000)")
	fs.StringVar(&bind, "bind", "", "run only the bound end, at `ENDPOINT` (thr: receive and report; lat: echo)")
	fs.StringVar(&connect, "connect", "", "run only the connecting end, to `ENDPOINT` (thr: send; lat: measure and report)")
	args, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("want thr or lat")
	}
	mode := args[0]
	if mode != "thr" && mode != "lat" {
		return usagef("%q: want thr or lat", mode)
	}
	endpoint := "tcp://127.0.0.1:0"
	switch {
	case len(args) > 2:
		return usagef("too many arguments")
	case len(args) == 2 && (bind != "" || connect != ""):
		return usagef("an ENDPOINT with -bind or -connect: give one or the other")
	case len(args) == 2:
		endpoint = args[1]
	case bind != "" && connect != "":
		return usagef("-bind and -connect: each process runs one end")
	}
	for _, ep := range []string{endpoint, bind, connect} {
		if ep != "" {
			if _, err := parseEndpoint(ep, true); err != nil {
				return err
			}
		}
	}
	if size < 0 {
		return usagef("-size %d: want 0 or more", size)
	}
	if count < 0 {
		return usagef("-count %d: want 1 or more", count)
	}
	if count == 0 {
		count = map[string]int{"thr": 1000000, "lat": 10000}[mode]
	}
	s, err := newSession(c)
	if err != nil {
		return err
	}
	p := &perf{s: s, size: size, count: count}
	switch {
	case bind != "":
		err = p.one(mode, bind, true)
	case connect != "":
		err = p.one(mode, connect, false)
	default:
		err = p.both(mode, endpoint)
	}
	return s.end(err)
}

// perf runs one measurement. progress counts messages (thr) or round
// trips (lat) done, for the progress line.
type perf struct {
	s           *session
	size, count int
	progress    atomic.Int64
}

// perfTypes are the socket types of each mode: the bound end's, then the
// connecting end's.
var perfTypes = map[string][2]zring.SocketType{
	"thr": {zring.PULL, zring.PUSH},
	"lat": {zring.REP, zring.REQ},
}

// open makes a socket of type t bound or connected to ep. A bound address
// the system picks is reported only when another process needs it.
func (p *perf) open(t zring.SocketType, ep string, bind, report bool) (*zring.Socket, error) {
	sock, err := p.s.socket(t)
	if err != nil {
		return nil, err
	}
	if bind && !report {
		return sock, sock.Bind(ep)
	}
	if err := attach(p.s.stderr, sock, []endpoint{{ep, bind}}, "", false); err != nil {
		return nil, err
	}
	return sock, nil
}

// one runs one end of mode, in a process of its own.
func (p *perf) one(mode, ep string, bind bool) error {
	t := perfTypes[mode][1]
	if bind {
		t = perfTypes[mode][0]
	}
	sock, err := p.open(t, ep, bind, true)
	if err != nil {
		return err
	}
	stop := p.showProgress(mode)
	defer stop()
	switch {
	case mode == "thr" && bind:
		elapsed, err := p.drain(sock)
		if err != nil {
			return err
		}
		stop()
		return p.reportThroughput(elapsed)
	case mode == "thr":
		return p.pump(sock)
	case bind:
		return p.echo(sock)
	}
	samples, elapsed, err := p.roundTrips(sock)
	if err != nil {
		return err
	}
	stop()
	return p.reportLatency(samples, elapsed)
}

// both runs both ends of mode in this process: the bound end on a
// goroutine of its own, which owns its socket until it returns.
func (p *perf) both(mode, ep string) error {
	bound, err := p.open(perfTypes[mode][0], ep, true, false)
	if err != nil {
		return err
	}
	last, err := bound.GetOption(zring.LastEndpoint)
	if err != nil {
		return err
	}
	conn, err := p.open(perfTypes[mode][1], last.(string), false, false)
	if err != nil {
		return err
	}
	stop := p.showProgress(mode)
	defer stop()
	var (
		wg       sync.WaitGroup
		elapsed  time.Duration
		boundErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if mode == "thr" {
			elapsed, boundErr = p.drain(bound)
		} else {
			boundErr = p.echo(bound)
		}
		if boundErr != nil {
			p.s.ctx.Shutdown() // the other end may be blocked on this one
		}
	}()
	var samples []time.Duration
	if mode == "thr" {
		err = p.pump(conn)
	} else {
		samples, elapsed, err = p.roundTrips(conn)
	}
	if err != nil {
		p.s.ctx.Shutdown()
	}
	wg.Wait()
	stop()
	// The end that failed first says why; the other then saw ErrTerm.
	if err == nil || (errors.Is(err, zring.ErrTerm) && boundErr != nil) {
		err = boundErr
	}
	if err != nil {
		return err
	}
	if mode == "thr" {
		return p.reportThroughput(elapsed)
	}
	return p.reportLatency(samples, elapsed)
}

// drain receives the messages and returns the time from the first to the
// last, as libzmq's local_thr measures.
func (p *perf) drain(sock *zring.Socket) (time.Duration, error) {
	var m zring.Msg
	var start time.Time
	for i := 0; i < p.count; i++ {
		if err := sock.RecvMsg(&m, 0); err != nil {
			return 0, err
		}
		n := len(m.Data)
		m.Free()
		if n != p.size {
			return 0, fmt.Errorf("a message of %d bytes, not -size %d", n, p.size)
		}
		if i == 0 {
			start = time.Now()
		}
		p.progress.Store(int64(i + 1))
	}
	return time.Since(start), nil
}

func (p *perf) pump(sock *zring.Socket) error {
	for i := 0; i < p.count; i++ {
		m := sock.NewMsg(p.size)
		if err := sock.SendMsg(&m, 0); err != nil {
			return err
		}
	}
	return nil
}

func (p *perf) echo(sock *zring.Socket) error {
	var m zring.Msg
	for i := 0; i < p.count; i++ {
		if err := sock.RecvMsg(&m, 0); err != nil {
			return err
		}
		if len(m.Data) != p.size {
			n := len(m.Data)
			m.Free()
			return fmt.Errorf("a message of %d bytes, not -size %d", n, p.size)
		}
		if err := sock.SendMsg(&m, 0); err != nil {
			return err
		}
	}
	return nil
}

func (p *perf) roundTrips(sock *zring.Socket) ([]time.Duration, time.Duration, error) {
	samples := make([]time.Duration, p.count)
	var reply zring.Msg
	start := time.Now()
	for i := range samples {
		t0 := time.Now()
		m := sock.NewMsg(p.size)
		if err := sock.SendMsg(&m, 0); err != nil {
			return nil, 0, err
		}
		if err := sock.RecvMsg(&reply, 0); err != nil {
			return nil, 0, err
		}
		n := len(reply.Data)
		reply.Free()
		if n != p.size {
			return nil, 0, fmt.Errorf("a reply of %d bytes, not -size %d", n, p.size)
		}
		samples[i] = time.Since(t0)
		p.progress.Store(int64(i + 1))
	}
	return samples, time.Since(start), nil
}

func (p *perf) reportThroughput(elapsed time.Duration) error {
	us := max(elapsed.Microseconds(), 1)
	rate := float64(p.count) / float64(us) * 1e6
	out := p.s.c.stdout
	fmt.Fprintf(out, "message size: %d [B]\n", p.size)
	fmt.Fprintf(out, "message count: %d\n", p.count)
	fmt.Fprintf(out, "mean throughput: %d [msg/s]\n", uint64(rate))
	_, err := fmt.Fprintf(out, "mean throughput: %.3f [Mb/s]\n", rate*float64(p.size)*8/1e6)
	return err
}

// reportLatency prints one-way figures (half the round trip), libzmq's
// average and then percentiles by nearest rank.
func (p *perf) reportLatency(samples []time.Duration, elapsed time.Duration) error {
	out := p.s.c.stdout
	n := len(samples)
	fmt.Fprintf(out, "message size: %d [B]\n", p.size)
	fmt.Fprintf(out, "roundtrip count: %d\n", n)
	fmt.Fprintf(out, "average latency: %.3f [us]\n", float64(elapsed.Nanoseconds())/1e3/float64(2*n))
	slices.Sort(samples)
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p99.9", 0.999}, {"max", 1}} {
		i := max(0, min(int(math.Ceil(q.q*float64(n)))-1, n-1))
		fmt.Fprintf(out, "%s latency: %.3f [us]\n", q.name, float64(samples[i].Nanoseconds())/2e3)
	}
	return nil
}

// showProgress shows how far the run is on stderr until the returned
// function is called (which may be called more than once): a line
// rewritten in place on a terminal, else a line a second.
func (p *perf) showProgress(mode string) (stop func()) {
	what := map[string]string{"thr": "messages", "lat": "round trips"}[mode]
	tty := isTerminal(p.s.c.stderr)
	every := time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(p.s.stderr, "\r\033[K")
				}
				return
			case <-t.C:
				line := fmt.Sprintf("zring perf %s: %d/%d %s, %.1f s", mode, p.progress.Load(), p.count, what, time.Since(start).Seconds())
				if tty {
					fmt.Fprint(p.s.stderr, "\r"+line+"\033[K")
					shown = true
				} else {
					fmt.Fprintln(p.s.stderr, line)
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
