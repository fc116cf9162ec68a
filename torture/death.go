//go:build linux

package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process death (issue 12's D-rules): a peer killed with SIGKILL
// mid-stream and restarted on the same endpoint, with numbered messages.
// What was in flight in the dead process is lost, as with any transport;
// what must hold is that nothing arrives twice, order is kept, the missing
// numbers are one contiguous range no longer than what was in flight
// (HWM + kernel buffers), everything after it arrives, and the stream
// resumes soon after the restart. The PULL dies under a PUSH that
// connects, then under one that binds; the PUSH dies (the PULL's record of
// its stream must be a gap-free prefix); a PUB dies under a SUB of 1,000
// topics, which must get all 1,000 back. Each scenario reports
// duplicates, reordering, the lost range beside its bound, and the
// reconnect time (restart → first delivery of the new process's stream).

func init() {
	register(Scenario{
		Name:   "death/pull-kill9-push-connects",
		About:  "PUSH connects and streams numbered 16 B messages at 50,000/s; the PULL is killed (-9) and restarted on its endpoint. 0 duplicates, order kept, one gap no longer than RCVHWM + SNDHWM + kernel buffers, all after it delivered.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return pullKilled(e, impl, false) },
	}, Scenario{
		Name:   "death/pull-kill9-push-binds",
		About:  "PUSH binds and streams numbered 16 B messages at 50,000/s; the PULL connects, is killed (-9) and restarted. 0 duplicates, order kept, one gap no longer than RCVHWM + SNDHWM + kernel buffers, all after it delivered.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return pullKilled(e, impl, true) },
	}, Scenario{
		Name:   "death/push-kill9",
		About:  "PUSH connects and streams numbered 16 B messages at 50,000/s to a bound PULL, is killed (-9) and restarted numbering from 10^9. The first stream received is a gap-free prefix of what was sent, its lost tail no longer than SNDHWM + kernel buffers; the second arrives whole; 0 duplicates, order kept.",
		Short:  true,
		Libzmq: true,
		Run:    pushKilled,
	}, Scenario{
		Name:   "death/pub-kill9-1000-topics",
		About:  "PUB binds and cycles 50,000 numbered msg/s through 1,000 topics to a SUB of those 1,000 (HWMs 100,000); the PUB is killed (-9) and restarted numbering from 10^9. All 1,000 topics delivered again within 2 s of the restarted PUB's bind, after that nothing missing; 0 duplicates, order kept; the loss at the kill no longer than SNDHWM + kernel buffers.",
		Short:  true,
		Libzmq: true,
		Run:    pubKilled,
	})
}

// The stream shape of every death scenario: 16 B messages at 50,000/s,
// HWMs at libzmq's default but for PUB and SUB (the flags come last in a
// peer's arguments, and the last of a flag counts).
const (
	deathRate = 50000
	deathSize = 16
	deathHWM  = 1000
	// pubHWM is the PUB's and the SUB's: a PUB drops what a SUB's queue
	// has no room for, and on a machine shared with other work a SUB that
	// keeps up on average can stall for a moment. 100,000 messages (2 s of
	// the stream) keep such drops out of what this scenario measures.
	pubHWM      = 100_000
	restartBase = 1_000_000_000   // a restarted sender's first number
	topicCount  = 1000            // death/pub-kill9-1000-topics
	allTopicsBy = 2 * time.Second // from the restarted PUB's bind: start-up is the machine's, not the library's
)

// streamFor is how long each process streams before it is killed, and the
// restarted one after its first delivery.
func streamFor(e *Env) time.Duration {
	if e.Short {
		return 400 * time.Millisecond
	}
	return 1500 * time.Millisecond
}

func freeLoopbackTCP() (string, error) {
	port, err := Port()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("tcp://127.0.0.1:%d", port), nil
}

func senderArgs(typ, role, ep string, more ...string) []string {
	return append([]string{"-type", typ, role, ep, "-send", "0", "-rate", strconv.Itoa(deathRate),
		"-size", strconv.Itoa(deathSize), "-sndhwm", strconv.Itoa(deathHWM), "-reconnect-ivl", "100", "-ready-at", "-hold"}, more...)
}

func receiverArgs(typ, role, ep, rec string, more ...string) []string {
	return append([]string{"-type", typ, role, ep, "-recv", "-record", rec, "-rcvhwm", strconv.Itoa(deathHWM),
		"-reconnect-ivl", "100", "-ready-at"}, more...)
}

// lineAfter parses a peer's "<word> <unix ns>" line and returns how long
// after t that was.
func lineAfter(t time.Time, line string) time.Duration {
	f := strings.Fields(line)
	ns, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
	return time.Unix(0, ns).Sub(t).Round(time.Millisecond)
}

// readyAt is when a peer (run with -ready-at) was bound or connected, by
// its own clock; now if it does not say.
func readyAt(p *Proc) time.Time {
	line, err := p.Expect("ready-at", 5*time.Second)
	if err != nil {
		return time.Now()
	}
	ns, _ := strconv.ParseInt(strings.TrimPrefix(line, "ready-at "), 10, 64)
	return time.Unix(0, ns)
}

// reconnectText is the time from a restart to a delivery (line), and
// from the restarted process's "ready" (its start-up left out: Python's
// is longer than Go's).
func reconnectText(restarted, ready time.Time, line string) string {
	return fmt.Sprintf("%v (%v after ready)", lineAfter(restarted, line), lineAfter(ready, line))
}

// stopSending has a sender (run with -hold) stop sending and returns how
// many it sent. It keeps its socket open, so that what it has queued still
// goes out (with ZMQ_LINGER 0, closing it would drop that): the scenario
// ends it once the receiver has had the last message (awaitLast).
func stopSending(p *Proc) (uint64, error) {
	if err := p.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	line, err := p.Expect("sent ", 5*time.Second)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimPrefix(line, "sent "), 10, 64)
}

// awaitLast waits, at most 10 s, until the receiver's record ends with
// last (the number of the last message sent). Whether everything came is
// checked after; this is only how long to wait for it.
func awaitLast(rec string, last uint64) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if got, err := ReadRecord(rec); err == nil && len(got) > 0 && got[len(got)-1] >= last {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// inFlightBound is the most messages a killed process and the kernel
// between the two can have held: hwms (the queues on the way) plus both
// socket buffers' worth of messages (each with its 2-byte frame header).
func inFlightBound(hwms int) int { return hwms + kernelBuffers()/(deathSize+2) }

func pullKilled(e *Env, impl string, pushBinds bool) (r Result) {
	r.Pass = true
	ep, err := freeLoopbackTCP()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	run := streamFor(e)
	rec1 := filepath.Join(e.Dir, impl+"-pull1.rec")
	rec2 := filepath.Join(e.Dir, impl+"-pull2.rec")
	pullRole, pushRole := "-bind", "-connect"
	if pushBinds {
		pullRole, pushRole = "-connect", "-bind"
	}
	var push, pull *Proc
	defer func() { // whichever are running when it returns
		for _, p := range []*Proc{push, pull} {
			if p != nil {
				p.Kill()
			}
		}
	}()
	startPull := func(rec string) (err error) {
		pull, err = e.Peer(impl, "", receiverArgs("PULL", pullRole, ep, rec)...)
		return err
	}
	startPush := func() (err error) {
		push, err = e.Peer(impl, "", senderArgs("PUSH", pushRole, ep)...)
		return err
	}
	if pushBinds {
		err = startPush()
		if err == nil {
			err = startPull(rec1)
		}
	} else if err = startPull(rec1); err == nil {
		err = startPush()
	}
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	if _, err := pull.Expect("first", 5*time.Second); err != nil {
		r.Fail("first PULL: %v", err)
		return r
	}
	time.Sleep(run)
	pull.Kill() // SIGKILL: no linger, no goodbye
	time.Sleep(200 * time.Millisecond)
	restarted := time.Now()
	if err := startPull(rec2); err != nil {
		r.Fail("restart: %v", err)
		return r
	}
	ready := readyAt(pull)
	line, err := pull.Expect("first", 10*time.Second)
	if err != nil {
		r.Fail("restarted PULL: %v", err)
		return r
	}
	reconnect := reconnectText(restarted, ready, line)
	time.Sleep(run)
	sent, err := stopSending(push)
	if err != nil {
		r.Fail("PUSH: %v", err)
	}
	awaitLast(rec2, sent-1)
	if _, err := pull.Stop(5 * time.Second); err != nil {
		r.Fail("PULL: %v", err)
	}
	a, err1 := ReadRecord(rec1)
	b, err2 := ReadRecord(rec2)
	if err1 != nil || err2 != nil {
		r.Fail("records: %v %v", err1, err2)
		return r
	}
	s := checkSequence(append(a, b...), sent)
	bound := inFlightBound(2 * deathHWM) // the PUSH's queue and the dead PULL's
	r.Add("sent", sent)
	r.Add("duplicates", s.duplicates)
	r.Add("reordered", s.reordered)
	r.Add("lost", s.lostText())
	r.Add("in-flight bound", bound)
	r.Add("reconnect", reconnect)
	if s.duplicates > 0 || s.reordered > 0 {
		r.Fail("duplicates or reordering")
	}
	if s.gaps > 1 {
		r.Fail("the loss is not one contiguous range")
	}
	if s.lost > uint64(bound) {
		r.Fail("lost more than was in flight")
	}
	if s.tail > 0 {
		r.Fail("%d messages after the gap never arrived", s.tail)
	}
	return r
}

func pushKilled(e *Env, impl string) (r Result) {
	r.Pass = true
	ep, err := freeLoopbackTCP()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	run := streamFor(e)
	rec := filepath.Join(e.Dir, impl+"-push-death.rec")
	counter := filepath.Join(e.Dir, impl+"-push1.sent")
	pull, err := e.Peer(impl, "", receiverArgs("PULL", "-bind", ep, rec, "-mark", strconv.Itoa(restartBase))...)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	defer pull.Kill()
	push, err := e.Peer(impl, "", senderArgs("PUSH", "-connect", ep, "-sent-file", counter)...)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	sent1, restarted, ok := killSender(&r, push, pull, counter, run)
	if !ok {
		return r
	}
	push, _, reconnect, ok := restartSender(e, impl, &r, pull, restarted, "PUSH",
		senderArgs("PUSH", "-connect", ep, "-start", strconv.Itoa(restartBase)))
	if push != nil {
		defer push.Kill()
	}
	if !ok {
		return r
	}
	time.Sleep(run)
	before, after, sent2, ok := endRestarted(&r, push, pull, rec)
	if !ok {
		return r
	}
	s1 := checkSequence(before, sent1)
	s2 := checkFrom(after, restartBase, restartBase+sent2)
	bound := inFlightBound(deathHWM) // the dead PUSH's queue
	r.Add("sent", fmt.Sprintf("%d + %d", sent1, sent2))
	r.Add("duplicates", s1.duplicates+s2.duplicates)
	r.Add("reordered", s1.reordered+s2.reordered)
	r.Add("lost at the kill", s1.tailText(sent1))
	r.Add("lost after the restart", s2.lost+s2.tail)
	r.Add("in-flight bound", bound)
	r.Add("reconnect", reconnect)
	if s1.duplicates+s2.duplicates > 0 || s1.reordered+s2.reordered > 0 {
		r.Fail("duplicates or reordering")
	}
	if s1.gaps > 0 {
		r.Fail("the first stream received is not a gap-free prefix: %d missing in %d range(s) before its end", s1.lost, s1.gaps)
	}
	if s1.tail > uint64(bound) {
		r.Fail("lost more than the dead PUSH can have held")
	}
	if s2.lost+s2.tail > 0 {
		r.Fail("%d of the restarted PUSH's messages never arrived", s2.lost+s2.tail)
	}
	return r
}

func pubKilled(e *Env, impl string) (r Result) {
	r.Pass = true
	ep, err := freeLoopbackTCP()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	run := streamFor(e)
	rec := filepath.Join(e.Dir, impl+"-sub.rec")
	counter := filepath.Join(e.Dir, impl+"-pub1.sent")
	topics := strconv.Itoa(topicCount)
	hwm := strconv.Itoa(pubHWM)
	pub, err := e.Peer(impl, "", senderArgs("PUB", "-bind", ep, "-topics", topics, "-sndhwm", hwm, "-sent-file", counter)...)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	sub, err := e.Peer(impl, "", receiverArgs("SUB", "-connect", ep, rec, "-topics", topics, "-rcvhwm", hwm,
		"-mark", strconv.Itoa(restartBase))...)
	if err != nil {
		pub.Kill()
		r.Fail("%v", err)
		return r
	}
	defer sub.Kill()
	sent1, restarted, ok := killSender(&r, pub, sub, counter, run)
	if !ok {
		return r
	}
	pub, ready, firstMatch, ok := restartSender(e, impl, &r, sub, restarted, "PUB",
		senderArgs("PUB", "-bind", ep, "-topics", topics, "-sndhwm", hwm, "-start", strconv.Itoa(restartBase)))
	if pub != nil {
		defer pub.Kill()
	}
	if !ok {
		return r
	}
	allTopics, allText := time.Duration(-1), "never"
	if line, err := sub.Expect("mark-all", 10*time.Second); err == nil {
		allTopics, allText = lineAfter(ready, line), reconnectText(restarted, ready, line)
	}
	time.Sleep(run)
	before, after, sent2, ok := endRestarted(&r, pub, sub, rec)
	if !ok {
		return r
	}
	// Until a SUB's subscriptions have reached the PUB, the PUB drops
	// what they would match: each stream is checked from the message that
	// completed its set of topics, the point after which every message
	// sent matches one the PUB knows.
	k1, k2 := allTopicsAt(before, topicCount), allTopicsAt(after, topicCount)
	whole1 := checkSequence(before, sent1)
	whole2 := checkFrom(after, restartBase, restartBase+sent2)
	dups := whole1.duplicates + whole2.duplicates
	reordered := whole1.reordered + whole2.reordered
	bound := inFlightBound(pubHWM) // the dead PUB's queue to the SUB
	r.Add("sent", fmt.Sprintf("%d + %d", sent1, sent2))
	r.Add("duplicates", dups)
	r.Add("reordered", reordered)
	r.Add("first matching after restart", firstMatch)
	r.Add("all topics after restart", allText)
	r.Add("topics restored", fmt.Sprintf("%d of %d", distinctTopics(after, topicCount), topicCount))
	if dups > 0 || reordered > 0 {
		r.Fail("duplicates or reordering")
	}
	if k1 < 0 {
		r.Fail("the first PUB's stream never carried all %d topics to the SUB", topicCount)
	} else {
		s := checkFrom(before[k1:], before[k1], sent1)
		r.Add("lost at the kill", s.tailText(sent1))
		r.Add("in-flight bound", bound)
		if s.lost > 0 {
			r.Fail("the first stream lost %d in %d range(s) after all topics had come", s.lost, s.gaps)
		}
		if s.tail > uint64(bound) {
			r.Fail("lost more at the kill than the dead PUB can have held")
		}
	}
	if k2 < 0 || allTopics < 0 {
		r.Fail("the restarted PUB's stream never carried all %d topics to the SUB", topicCount)
	} else {
		s := checkFrom(after[k2:], after[k2], restartBase+sent2)
		r.Add("dropped before resubscribed", after[k2]-restartBase+1-uint64(k2+1))
		if s.lost+s.tail > 0 {
			r.Fail("the restarted stream lost %d after all topics had come back", s.lost+s.tail)
		}
		if allTopics > allTopicsBy {
			r.Fail("all topics came back %v after the restarted PUB's bind, over %v", allTopics, allTopicsBy)
		}
	}
	return r
}

// sequence is what a receiver's record says of a stream numbered
// 0..sent-1 (checkSequence) or from..sent-1 (checkFrom).
type sequence struct {
	duplicates, reordered uint64
	lost                  uint64 // numbers below the highest received that never came
	gaps                  int    // contiguous ranges those form
	firstLost, lastLost   uint64 // the lowest and highest of them
	tail                  uint64 // numbers sent after the highest received
	next                  uint64 // the number after the highest received
}

// lostText is the numbers lost below the highest received, and their
// range.
func (s sequence) lostText() string {
	if s.lost == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%d..%d, %d range(s))", s.lost, s.firstLost, s.lastLost, s.gaps)
}

// tailText is the numbers sent after the highest received, and their
// range.
func (s sequence) tailText(sent uint64) string {
	if s.tail == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%d..%d)", s.tail, s.next, sent-1)
}

func checkSequence(got []uint64, sent uint64) sequence { return checkFrom(got, 0, sent) }

// checkFrom checks a stream numbered from..sent-1.
func checkFrom(got []uint64, from, sent uint64) (s sequence) {
	seen := make(map[uint64]bool, len(got))
	next := from // the number expected next
	var high uint64
	for i, n := range got {
		if seen[n] {
			s.duplicates++
			continue
		}
		seen[n] = true
		if i > 0 && n < high {
			s.reordered++
			continue
		}
		if n > next {
			if s.gaps == 0 {
				s.firstLost = next
			}
			s.gaps++
			s.lost += n - next
			s.lastLost = n - 1
		}
		next, high = n+1, n
	}
	if sent > next {
		s.tail = sent - next
	}
	s.next = next
	return s
}

// splitStreams parts a record at a restarted sender's first number: what
// the first sender sent, then the second, each in the order received (the
// two streams come over different connections: order is kept within each).
// restartSender starts the killed sender again with args and waits for
// the receiver's "mark" (the restarted stream's first message). It
// returns the process (nil if it did not start), when it was ready, and
// the time from the restart to that message, or ok false with r failed.
func restartSender(e *Env, impl string, r *Result, receiver *Proc, restarted time.Time, what string, args []string) (p *Proc, ready time.Time, reconnect string, ok bool) {
	p, err := e.Peer(impl, "", args...)
	if err != nil {
		r.Fail("restart: %v", err)
		return nil, ready, "", false
	}
	ready = readyAt(p)
	line, err := receiver.Expect("mark", 10*time.Second)
	if err != nil {
		r.Fail("the restarted %s's stream: %v", what, err)
		return p, ready, "", false
	}
	return p, ready, reconnectText(restarted, ready, line), true
}

// killSender kills the sender with -9 after run of delivery to the
// receiver, reads how many it had sent from its counter file, and waits
// 200 ms before the caller restarts it at the returned moment. Failures
// go to r; ok is false when the scenario cannot go on.
func killSender(r *Result, sender, receiver *Proc, counter string, run time.Duration) (sent1 uint64, restarted time.Time, ok bool) {
	if _, err := receiver.Expect("first", 5*time.Second); err != nil {
		sender.Kill()
		r.Fail("receiver: %v", err)
		return 0, time.Time{}, false
	}
	time.Sleep(run)
	sender.Kill()
	sent1, err := readSentCount(counter)
	if err != nil {
		r.Fail("the killed sender's count: %v", err)
		return 0, time.Time{}, false
	}
	time.Sleep(200 * time.Millisecond)
	return sent1, time.Now(), true
}

// endRestarted ends a scenario whose sender was restarted numbering from
// restartBase: it stops the sender, waits until the receiver's record rec
// holds the sender's last message, stops the receiver, and returns the
// record split into the two streams and how many the restarted sender
// sent. Failures go to r; ok is false when there is no record to judge.
func endRestarted(r *Result, sender, receiver *Proc, rec string) (before, after []uint64, sent2 uint64, ok bool) {
	sent2, err := stopSending(sender)
	if err != nil {
		r.Fail("sender: %v", err)
	}
	awaitLast(rec, restartBase+sent2-1)
	if _, err := receiver.Stop(5 * time.Second); err != nil {
		r.Fail("receiver: %v", err)
	}
	got, err := ReadRecord(rec)
	if err != nil {
		r.Fail("record: %v", err)
		return nil, nil, 0, false
	}
	before, after = splitStreams(got, restartBase)
	return before, after, sent2, true
}

func splitStreams(got []uint64, base uint64) (before, after []uint64) {
	for _, n := range got {
		if n < base {
			before = append(before, n)
		} else {
			after = append(after, n)
		}
	}
	return before, after
}

// allTopicsAt is the index of the message that completed the set of
// topics (a message numbered n carries topic n mod topics), -1 if the set
// never completed.
func allTopicsAt(got []uint64, topics int) int {
	seen := make(map[uint64]bool, topics)
	for i, n := range got {
		seen[n%uint64(topics)] = true
		if len(seen) == topics {
			return i
		}
	}
	return -1
}

func distinctTopics(got []uint64, topics int) int {
	seen := make(map[uint64]bool, topics)
	for _, n := range got {
		seen[n%uint64(topics)] = true
	}
	return len(seen)
}

// readSentCount reads a sender's -sent-file: how many messages it had sent,
// also when it was killed.
func readSentCount(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if len(b) < 8 {
		return 0, fmt.Errorf("%s: %d bytes", path, len(b))
	}
	return binary.LittleEndian.Uint64(b), nil
}

// kernelBuffers is the most a loopback TCP connection's two socket buffers
// can hold, in bytes (tcp_rmem and tcp_wmem maxima).
func kernelBuffers() int {
	total := 0
	for _, f := range []string{"/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return 12 << 20
		}
		fields := strings.Fields(string(b))
		n, _ := strconv.Atoi(fields[len(fields)-1])
		total += n
	}
	return total
}
