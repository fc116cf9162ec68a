//go:build linux

package main

// Loss and delay (issue 12): a link that loses packets at random, and one
// that is long. TCP repairs both, so what the application sees must be
// perfect: every numbered message, once, in order, and no heartbeat
// declaring a live peer dead while the round trip is under
// HEARTBEAT_TIMEOUT. A PUSH offers numbered messages at a fixed rate for
// a fixed time, blocking when the path carries less, to a recording PULL,
// then stops sending with its socket still open (-hold), so that nothing
// it queued is thrown away; what is measured is what arrived and how fast:
// the messages received per second, from the sender's start to the last
// message's arrival. Loss is
// iptables' statistic match on both ends of a veth pair between two
// namespaces (netns.go); delay is relay.go's relay on loopback, as this
// kernel has no netem.

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	streamSize   = 256  // bytes a message
	streamSndHWM = 1000 // the peers' defaults
	streamRcvHWM = 1000
	outBatch     = 8192 // ZMQ_OUT_BATCH_SIZE's default: what a sender takes from its queue at once
)

func init() {
	lossAbout := func(pct string) string {
		return "PUSH in netns B offers numbered 256 B messages at 10,000/s for 60 s (short: 5 s; it blocks when the link carries less) to PULL in netns A while each packet arriving at either veth end is dropped with probability " + pct +
			" (iptables -m statistic; one TCP segment a packet). Required: all it sent delivered, 0 duplicates, 0 reordered, no disconnect, and of what is queued when the sending stops, the two processes hold at most SNDHWM + RCVHWM + one 8 KiB batch (the rest in the kernel); reported: messages received per second, packets dropped, segments retransmitted."
	}
	register(
		Scenario{
			Name: "loss/random-1pct", About: lossAbout("1 %"),
			Short: true, Root: true, Libzmq: true,
			Run: func(e *Env, impl string) Result { return randomLoss(e, impl, 0.01) },
		},
		Scenario{
			Name: "loss/random-10pct", About: lossAbout("10 %"),
			Short: true, Root: true, Libzmq: true,
			Run: func(e *Env, impl string) Result { return randomLoss(e, impl, 0.10) },
		},
		Scenario{
			Name: "loss/delay-50ms",
			About: "PUSH offers numbered 256 B messages at 2,000/s for 60 s (short: 3 s) to PULL through a relay adding 50 ms each way (RTT 100 ms), heartbeats IVL/TIMEOUT 100/300 ms on both. " +
				"Required: all delivered, 0 duplicates, 0 reordered, no DISCONNECTED (the round trip is under the timeout); reported: messages received per second.",
			Short: true, Libzmq: true, // loopback only: no root needed
			Run: func(e *Env, impl string) Result { return delayed(e, impl) },
		},
	)
}

func randomLoss(e *Env, impl string, p float64) (r Result) {
	r.Pass = true
	l, err := newLink()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer l.Close()
	dur := 60 * time.Second
	if e.Short {
		dur = 5 * time.Second
	}
	retrans := tcpRetransmits(l.B)
	ep := "tcp://" + l.AddrA + ":" + halfOpenPort
	streamThrough(e, impl, &r, streamSpec{
		name: fmt.Sprintf("loss%g", p*100), recvNS: l.A, sendNS: l.B, bind: ep, connect: ep, rate: 10000, dur: dur,
		fault: func() error { return l.Loss(p) },
	})
	r.Add("packets dropped, A / B", droppedPackets(l.A), "/", droppedPackets(l.B))
	r.Add("segments retransmitted by B", tcpRetransmits(l.B)-retrans)
	return r
}

func delayed(e *Env, impl string) (r Result) {
	r.Pass = true
	const delay = 50 * time.Millisecond
	dur := 60 * time.Second
	if e.Short {
		dur = 3 * time.Second
	}
	port, err := Port()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	target := fmt.Sprintf("127.0.0.1:%d", port)
	relay, err := newRelay(target, delay)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer relay.Close()
	streamThrough(e, impl, &r, streamSpec{
		name: "delay", bind: "tcp://" + target, connect: "tcp://" + relay.Addr, rate: 2000, dur: dur,
		flags: []string{"-hb-ivl", "100", "-hb-timeout", "300"},
	})
	r.Add("one-way delay", delay)
	return r
}

// streamSpec is one stream from a PUSH to a PULL.
type streamSpec struct {
	name           string
	recvNS, sendNS string // "" for this namespace
	bind, connect  string
	rate           int           // messages a second the PUSH offers
	dur            time.Duration // for how long
	flags          []string      // for both peers
	fault          func() error  // run once the first message arrived
}

// streamThrough runs the stream, adding figures and failures to r. The
// PUSH offers s.rate messages a second for s.dur, blocking when the
// path is slower (its queue is SNDHWM); then it stops sending but keeps
// its socket open, and everything it sent must arrive.
func streamThrough(e *Env, impl string, r *Result, s streamSpec) {
	rec := filepath.Join(e.Dir, impl+"-"+s.name+".rec")
	pull, err := e.Peer(impl, s.recvNS, append([]string{"-type", "PULL", "-bind", s.bind, "-recv", "-record", rec, "-events",
		"-rcvhwm", strconv.Itoa(streamRcvHWM)}, s.flags...)...)
	if err != nil {
		r.Fail("%v", err)
		return
	}
	defer pull.Kill()
	push, err := e.Peer(impl, s.sendNS, append([]string{"-type", "PUSH", "-connect", s.connect, "-events",
		"-send", "0", "-rate", strconv.Itoa(s.rate), "-size", strconv.Itoa(streamSize), "-hold",
		"-sndhwm", strconv.Itoa(streamSndHWM)}, s.flags...)...)
	if err != nil {
		r.Fail("%v", err)
		return
	}
	defer push.Kill()
	started := time.Now() // the PUSH's clock for -rate starts about now
	if _, ok := waitRecord(rec, 0, 10*time.Second); !ok {
		r.Fail("PULL: nothing within 10 s")
		return
	}
	if s.fault != nil {
		if err := s.fault(); err != nil {
			r.Fail("%v", err)
			return
		}
	}
	time.Sleep(s.dur - time.Since(started))
	stopped := time.Now()
	push.Signal(syscall.SIGTERM) // stop sending; the socket stays open (-hold)
	var events []string
	sent := int64(-1)
	for timeout := time.After(30 * time.Second); sent < 0; {
		var l string
		var ok bool
		select {
		case l, ok = <-push.lines:
		case <-timeout:
		}
		if !ok {
			r.Fail("PUSH did not say how many it sent")
			return
		}
		if n, found := strings.CutPrefix(l, "sent "); found {
			sent, _ = strconv.ParseInt(n, 10, 64)
		} else if strings.HasPrefix(l, "event DISCONNECTED") {
			events = append(events, "B: "+l)
		}
	}
	// What is queued between the two applications now, and how much of
	// it the sender's kernel holds: the rest is in the sender's process
	// (SNDHWM, plus one write batch) or the receiver's (RCVHWM).
	backlog := sent - int64(recordCount(rec))
	senderRSS := rss(push.Pid)
	inKernel := int64(kernelSendQ(s.sendNS) / (streamSize + 2))
	held := int64(streamSndHWM + streamRcvHWM + outBatch/(streamSize+2))
	overHeld := s.sendNS != "" && backlog-inKernel > held
	// Wait for the last: until all came, or nothing has for 30 s (at 10 %
	// loss TCP's retransmission timer can back off to seconds). A short
	// run whose sender already held too much does not wait for it all.
	const stall = 30 * time.Second
	drainFor := time.Duration(math.MaxInt64)
	if e.Short && overHeld {
		drainFor = 5 * time.Second
	}
	var last time.Time
	unwaited := int64(0)
	for got, moved := recordCount(rec), time.Now(); ; {
		n := recordCount(rec)
		if n != got {
			got, moved = n, time.Now()
		}
		if int64(n) >= sent {
			last = time.Now()
			break
		}
		if time.Since(stopped) > drainFor {
			unwaited = sent - int64(n)
			break
		}
		if time.Since(moved) > stall {
			if s.sendNS != "" {
				r.Fail("nothing arrived for %v with %d messages still to come, %d of them in the sender's kernel",
					stall, sent-int64(n), kernelSendQ(s.sendNS)/(streamSize+2))
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, l := range drainLines(push, "event DISCONNECTED") {
		events = append(events, "B: "+l)
	}
	for _, l := range drainLines(pull, "event DISCONNECTED") {
		events = append(events, "A: "+l)
	}
	push.Kill()
	pull.Kill()
	got, err := ReadRecord(rec)
	if err != nil {
		r.Fail("record: %v", err)
		return
	}
	q := checkSequence(got, uint64(sent))
	r.Add("sent", sent)
	r.Add("received", len(got))
	r.Add("duplicates / reordered / lost / never came", q.duplicates, "/", q.reordered, "/", q.lost, "/", q.tail)
	r.Add("disconnects", len(events))
	r.Add("queued when the sending stopped", backlog)
	r.Add("sender RSS then", mib(senderRSS))
	if s.sendNS != "" {
		r.Add("of which in the sender's kernel (Send-Q)", inKernel)
		r.Add("held by the two processes", backlog-inKernel, fmt.Sprintf("(bound: SNDHWM + RCVHWM + one 8 KiB batch = %d)", held))
		if overHeld {
			r.Fail("%d messages were held by the processes with SNDHWM %d and RCVHWM %d (sender's RSS %s): the sender does not block at its high-water mark",
				backlog-inKernel, streamSndHWM, streamRcvHWM, mib(senderRSS))
		}
	}
	if !last.IsZero() {
		took := last.Sub(started)
		r.Add("throughput", fmt.Sprintf("%.0f msg/s (offered %d/s for %v; the last arrived %.2f s after the sending stopped)",
			float64(sent)/took.Seconds(), s.rate, s.dur, last.Sub(stopped).Seconds()))
	}
	if unwaited > 0 {
		r.Add("still queued, not waited for (short form)", unwaited)
		q.tail = 0 // on their way: the full form waits for them
	}
	if q.duplicates > 0 || q.reordered > 0 || q.lost > 0 || q.tail > 0 {
		r.Fail("%d duplicates, %d reordered, %d lost, %d never came", q.duplicates, q.reordered, q.lost, q.tail)
	}
	if len(events) > 0 {
		r.Fail("disconnected: %s", strings.Join(events, ", "))
	}
}

// droppedPackets is how many packets namespace ns's INPUT chain dropped
// at random (the counters of its statistic rules).
func droppedPackets(ns string) int64 {
	out, err := exec.Command("ip", "netns", "exec", ns, "iptables", "-L", "INPUT", "-v", "-x", "-n").Output()
	if err != nil {
		return -1
	}
	var n int64
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(line, "statistic") {
			v, _ := strconv.ParseInt(f[0], 10, 64)
			n += v
		}
	}
	return n
}

// tcpRetransmits is namespace ns's count of TCP segments retransmitted
// (RetransSegs of /proc/net/snmp, which shows the reader's namespace).
func tcpRetransmits(ns string) int64 {
	out, err := exec.Command("ip", "netns", "exec", ns, "cat", "/proc/net/snmp").Output()
	if err != nil {
		return 0
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Tcp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i, name := range names {
			if name == "RetransSegs" && i < len(f) {
				v, _ := strconv.ParseInt(f[i], 10, 64)
				return v
			}
		}
	}
	return 0
}

// kernelSendQ is the sum of Send-Q (bytes the kernel holds, unsent or
// unacknowledged) over the established TCP connections in namespace ns.
func kernelSendQ(ns string) int {
	out, err := exec.Command("ip", "netns", "exec", ns, "ss", "-tnH").Output()
	if err != nil {
		return 0
	}
	total := 0
	for _, line := range strings.Split(string(out), "\n") {
		// ss -tnH: State Recv-Q Send-Q Local Peer
		if f := strings.Fields(line); len(f) > 2 && f[0] == "ESTAB" {
			n, _ := strconv.Atoi(f[2])
			total += n
		}
	}
	return total
}
