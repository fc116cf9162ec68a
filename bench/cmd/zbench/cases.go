package main

import (
	"fmt"
	"math"
	"strconv"
)

// kind is what a case measures.
type kind int

const (
	throughput kind = iota // PUSH → PULL, local_thr reports
	latency                // REQ ↔ REP, remote_lat reports
	fanout                 // one XPUB → many SUBs, fanout_sub reports
)

// A benchCase is one row group of the report.
type benchCase struct {
	kind   kind
	inproc bool      // both ends in one process (inproc_thr, inproc_lat)
	mech   mechanism // of the tcp connections; NULL unless set
	size   int       // bytes per message
	count  int       // messages (per subscriber for fanout), or round trips
	subs   int       // fanout: subscribers
	// proxy puts a proxy tool between the two ends (tcp, latency and
	// throughput only): its device (see device) binds the endpoint the
	// connecting tool connects to and connects to the binding tool's.
	proxy bool
}

func (c benchCase) id() string {
	id := fmt.Sprintf("%s-%s-%d", c.transport(), c.kindName(), c.size)
	if c.kind == fanout {
		id += fmt.Sprintf("-%d", c.subs)
	}
	if c.proxy {
		id += "-proxy"
	}
	if c.mech != mechNull {
		id += "-" + c.mech.name()
	}
	return id
}

// messages is how many messages a run of c delivers: count, times the
// subscribers for fanout.
func (c benchCase) messages() int {
	if c.kind == fanout {
		return c.count * c.subs
	}
	return c.count
}

// group is the -cases name of the case: "proxy" for the cases with a
// proxy in the path, else its kind, so that -cases lat (make bench's
// spinning passes) keeps to the direct REQ ↔ REP case.
func (c benchCase) group() string {
	if c.proxy {
		return "proxy"
	}
	return c.kindName()
}

// device is the proxy tool's first argument, zmq_proxy's name for the pair
// of sockets it forwards between: "queue", ROUTER frontend and DEALER
// backend, for latency (remote_lat's REQ → ROUTER, DEALER → local_lat's
// REP); "streamer", PULL and PUSH, for throughput, the only pair that
// local_thr's PULL and remote_thr's PUSH connect to. "" without a proxy.
func (c benchCase) device() string {
	switch {
	case !c.proxy:
		return ""
	case c.kind == latency:
		return "queue"
	}
	return "streamer"
}

// proxySockets names the device's sockets for the report: "ROUTER/DEALER".
func (c benchCase) proxySockets() string {
	if c.device() == "queue" {
		return "ROUTER/DEALER"
	}
	return "PULL/PUSH"
}

func (c benchCase) transport() string {
	if c.inproc {
		return "inproc"
	}
	return "tcp"
}

func (c benchCase) kindName() string {
	switch c.kind {
	case throughput:
		return "thr"
	case fanout:
		return "fanout"
	}
	return "lat"
}

// label is the case as the report names it: "tcp 64 KiB", "tcp 64 KiB
// CURVE" (NULL goes without saying).
func (c benchCase) label() string {
	l := c.baseLabel()
	if c.mech != mechNull {
		l += " " + c.mech.title()
	}
	return l
}

// baseLabel is the label without the mechanism, for the tables that have a
// column for it.
func (c benchCase) baseLabel() string {
	switch {
	case c.kind == fanout:
		return fmt.Sprintf("%s %s → %s SUB", c.transport(), sizeLabel(c.size), thousands(float64(c.subs)))
	case c.proxy:
		return fmt.Sprintf("%s %s via %s proxy", c.transport(), sizeLabel(c.size), c.proxySockets())
	}
	return c.transport() + " " + sizeLabel(c.size)
}

func sizeLabel(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// A role is one process of a run of a case, as roles lists them.
type role struct {
	tool tool
	// ends are the run's endpoints the tool takes, by index (each a fresh
	// port on 127.0.0.1): a tool's one endpoint, a proxy's frontend and
	// backend; none over inproc.
	ends []int
	// binds is the index of the endpoint the tool listens on, which the
	// next role waits for before it starts; -1 when it listens on none.
	binds int
	// device, the proxy's first argument, marks a role that runs until it
	// is stopped: once the other roles are done, zbench sends it SIGTERM.
	device string
}

// roles returns the processes of a run of c in the order they start, each
// listening one before the roles that connect to it, and the index of the
// one whose output holds the result. A proxy binds endpoint 0, which the
// connecting end dials, and connects to endpoint 1, where the binding end
// listens.
func (c benchCase) roles() (rs []role, reporter int) {
	one := []int{0}
	switch {
	case c.inproc && c.kind == throughput:
		return []role{{tool: inprocThr, binds: -1}}, 0
	case c.inproc:
		return []role{{tool: inprocLat, binds: -1}}, 0
	case c.proxy:
		rs = []role{
			{tool: localLat, ends: []int{1}, binds: 1},
			{tool: proxyTool, ends: []int{0, 1}, binds: 0, device: c.device()},
			{tool: remoteLat, ends: one, binds: -1},
		}
		reporter = 2
		if c.kind == throughput {
			rs[0].tool, rs[2].tool, reporter = localThr, remoteThr, 0
		}
		return rs, reporter
	case c.kind == throughput:
		return []role{{tool: localThr, ends: one, binds: 0}, {tool: remoteThr, ends: one, binds: -1}}, 0
	case c.kind == fanout:
		return []role{{tool: fanoutPub, ends: one, binds: 0}, {tool: fanoutSub, ends: one, binds: -1}}, 1
	default:
		return []role{{tool: localLat, ends: one, binds: 0}, {tool: remoteLat, ends: one, binds: -1}}, 1
	}
}

// endpoints is how many endpoints a run of c takes.
func (c benchCase) endpoints() int {
	rs, _ := c.roles()
	n := 0
	for _, r := range rs {
		for _, e := range r.ends {
			n = max(n, e+1)
		}
	}
	return n
}

// args are r's arguments in a run of c: a proxy's device and its two
// endpoints; an end tool's endpoint (none over inproc), the subscribers
// for fanout, then size and count.
func (r role) args(c benchCase, endpoints []string) []string {
	var a []string
	if r.device != "" {
		a = append(a, r.device)
	}
	for _, e := range r.ends {
		a = append(a, endpoints[e])
	}
	if r.device != "" {
		return a
	}
	if c.kind == fanout {
		a = append(a, strconv.Itoa(c.subs))
	}
	return append(a, strconv.Itoa(c.size), strconv.Itoa(c.count))
}

// benchCases are the cases of a run with the mechanisms mechs: issue 10's
// cases for NULL (with inproc, the inproc ones too), and issue 11's for
// PLAIN and CURVE, throughput at 64 B, 1 KiB and 64 KiB and latency at
// 64 B. The default counts make each libzmq run last about 2 s on a 2-vCPU
// VM, 64 KiB about 4 s (measured on AMD EPYC: NULL 8 B ≈ 5–6.4 M msg/s,
// 64 B ≈ 2.5–5 M, 1 KiB ≈ 0.5–0.8 M, 64 KiB ≈ 12–43 k, one-way latency
// ≈ 45–60 µs, fan-out to 1,000 subscribers ≈ 3–3.5 M deliveries/s; CURVE
// 64 B ≈ 0.65 M, 1 KiB ≈ 0.15 M, 64 KiB ≈ 6.6 k, latency ≈ 52 µs). PLAIN
// differs from NULL only in the handshake, its frames are NULL's, so it
// has NULL's counts. NULL also has the proxy cases (see there).
func benchCases(quick bool, scale float64, inproc bool, mechs []mechanism) []benchCase {
	type row struct {
		kind          kind
		mech          mechanism
		size          int
		count, qcount int
		subs          int
	}
	rows := []row{
		{throughput, mechNull, 8, 10_000_000, 1_000_000, 0},
		{throughput, mechNull, 64, 6_000_000, 600_000, 0},
		{throughput, mechNull, 1 << 10, 1_000_000, 100_000, 0},
		{throughput, mechNull, 64 << 10, 50_000, 5_000, 0},
		{latency, mechNull, 64, 20_000, 2_000, 0},
		{fanout, mechNull, 64, 5_000, 500, 1000},

		{throughput, mechPlain, 64, 6_000_000, 600_000, 0},
		{throughput, mechPlain, 1 << 10, 1_000_000, 100_000, 0},
		{throughput, mechPlain, 64 << 10, 50_000, 5_000, 0},
		{latency, mechPlain, 64, 20_000, 2_000, 0},

		{throughput, mechCurve, 64, 1_500_000, 150_000, 0},
		{throughput, mechCurve, 1 << 10, 300_000, 30_000, 0},
		{throughput, mechCurve, 64 << 10, 25_000, 2_500, 0},
		{latency, mechCurve, 64, 20_000, 2_000, 0},
	}
	var cases []benchCase
	add := func(r row, inproc, proxy bool) {
		n := r.count
		if quick {
			n = r.qcount
		}
		n = max(1, int(math.Round(float64(n)*scale)))
		cases = append(cases, benchCase{kind: r.kind, inproc: inproc, mech: r.mech, size: r.size, count: n, subs: r.subs, proxy: proxy})
	}
	for _, r := range rows {
		if containsMechanism(mechs, r.mech) {
			add(r, false, false)
		}
	}
	if containsMechanism(mechs, mechNull) {
		// A proxy in the path, each implementation's own (-cases proxy),
		// NULL only. The counts hold these cases to about a minute of
		// make bench: its first pass runs them with three implementations,
		// 3 repetitions, idle and loaded (≈ 30 s), and the epoll and
		// io_uring passes run them too, at half the counts (≈ 15 s each).
		// Through its proxy libzmq moves 64 B at ≈ 0.45–1.2 M msg/s on a
		// 2-vCPU VM and takes ≈ 130–165 µs one way, 2–3× its direct
		// latency, so a libzmq run lasts 0.5–1.2 s; 3,000 round trips
		// leave three samples above the p99.9.
		add(row{throughput, mechNull, 64, 500_000, 50_000, 0}, false, true)
		add(row{latency, mechNull, 64, 3_000, 300, 0}, false, true)
	}
	if inproc && containsMechanism(mechs, mechNull) {
		// inproc has no handshake, so no mechanism: NULL only.
		add(row{throughput, mechNull, 64, 6_000_000, 600_000, 0}, true, false)
		add(row{latency, mechNull, 64, 200_000, 20_000, 0}, true, false)
	}
	return cases
}
