//go:build linux

package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Resubscription storm: a SUB with 100,000 topics whose PUB is killed (-9)
// and started again on its endpoint. On reconnecting the SUB must send all
// its subscriptions again, and all of them must take effect: libzmq#4064
// reports subscriptions lost to full queues in this storm. The new PUB
// cycles through every topic, and the SUB counts the distinct topics it
// receives from it; the figure is how long after the restart the last one
// came.

func init() {
	register(Scenario{
		Name:   "resub/sub-100k-topics-pub-restart",
		About:  "SUB subscribed to 100,000 topics (short: 10,000); its PUB, cycling through them at 50,000 msg/s (short: 20,000/s), is killed (-9) and started again. Required: every topic reaches the SUB from the new PUB within 60 s (short: 5 s); the time from the restart until the last one is reported.",
		Short:  true,
		Libzmq: true,
		Run: func(e *Env, impl string) Result {
			if e.Short {
				return resubStorm(e, impl, 10000, 20000, 5*time.Second)
			}
			return resubStorm(e, impl, 100000, 50000, 60*time.Second)
		},
	})
}

func resubStorm(e *Env, impl string, topics, rate int, limit time.Duration) (r Result) {
	r.Pass = true
	const restartAt = 1 << 40 // the new PUB's first sequence number
	pubArgs := func(ep string, start int) []string {
		return []string{"-type", "PUB", "-bind", ep, "-topics", strconv.Itoa(topics), "-send", "0",
			"-rate", strconv.Itoa(rate), "-size", "32", "-start", strconv.Itoa(start)}
	}
	pub, ep, err := boundPeer(e, impl, func(ep string) []string { return pubArgs(ep, 0) })
	if err != nil {
		r.Fail("PUB: %v", err)
		return r
	}
	defer func() { pub.Kill() }()
	sub, err := e.Peer(impl, "", "-type", "SUB", "-connect", ep, "-topics", strconv.Itoa(topics),
		"-count-topics", "-start", strconv.Itoa(restartAt), "-events", "-reconnect-ivl", "100")
	if err != nil {
		r.Fail("SUB: %v", err)
		return r
	}
	defer sub.Kill()
	if _, err := sub.Expect("event HANDSHAKE_SUCCEEDED", 10*time.Second); err != nil {
		r.Fail("SUB: %v", err)
		return r
	}
	// Let the subscriptions reach the first PUB and a cycle or two go by.
	time.Sleep(time.Duration(2*topics/rate)*time.Second + 500*time.Millisecond)
	pub.Kill()
	restarted := time.Now()
	pub, err = e.Peer(impl, "", pubArgs(ep, restartAt)...)
	if err != nil {
		r.Fail("restarted PUB: %v", err)
		return r
	}
	var firstAt, allAt time.Duration
	if l, err := sub.Expect("first ", limit); err == nil {
		ns, _ := strconv.ParseInt(strings.TrimPrefix(l, "first "), 10, 64)
		firstAt = time.Unix(0, ns).Sub(restarted)
		if l, err := sub.Expect("all-topics ", limit-time.Since(restarted)); err == nil {
			ns, _ := strconv.ParseInt(strings.TrimPrefix(l, "all-topics "), 10, 64)
			allAt = time.Unix(0, ns).Sub(restarted)
		}
	}
	pub.Kill()
	sub.Signal(syscall.SIGTERM)
	var got int
	if l, err := sub.Expect("topics ", 5*time.Second); err == nil {
		got, _ = strconv.Atoi(strings.TrimPrefix(l, "topics "))
	}
	r.Add("topics effective after the restart", fmt.Sprintf("%d of %d", got, topics))
	r.Add("restart → first message", firstAt.Round(time.Millisecond))
	if allAt > 0 {
		r.Add("restart → all topics", allAt.Round(time.Millisecond))
	} else {
		r.Add("restart → all topics", fmt.Sprintf("not within %v", limit))
	}
	r.Add("one cycle of the PUB", (time.Duration(topics) * time.Second / time.Duration(rate)).Round(time.Millisecond))
	if got != topics {
		r.Fail("%d of %d topics effective %v after the restart", got, topics, limit)
	}
	return r
}
