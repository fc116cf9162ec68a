package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Process death: a peer killed with SIGKILL mid-stream and restarted on
// the same endpoint. What was in flight to it is lost, as with any
// transport; what must hold (issue 12's D-rules) is that nothing arrives
// twice, order is kept, the missing sequence numbers are one contiguous
// range no longer than what was in flight, and everything after it
// arrives.

func init() {
	register(Scenario{
		Name:   "death/pull-kill9-push-connects",
		About:  "PUSH connects and streams numbered 16 B messages at 50,000/s; the PULL is killed (-9) and restarted on its endpoint. 0 duplicates, order kept, one gap no longer than RCVHWM + kernel buffers, all after it delivered.",
		Short:  true,
		Libzmq: true,
		Run:    func(e *Env, impl string) Result { return pullKilled(e, impl) },
	})
}

func pullKilled(e *Env, impl string) (r Result) {
	r.Pass = true
	port, err := Port()
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	ep := fmt.Sprintf("tcp://127.0.0.1:%d", port)
	run := 1500 * time.Millisecond
	if e.Short {
		run = 400 * time.Millisecond
	}
	const rate, size, rcvhwm, sndhwm = 50000, 16, 1000, 1000
	rec1 := filepath.Join(e.Dir, impl+"-pull1.rec")
	rec2 := filepath.Join(e.Dir, impl+"-pull2.rec")
	pullArgs := func(rec string) []string {
		return []string{"-type", "PULL", "-bind", ep, "-recv", "-record", rec, "-rcvhwm", strconv.Itoa(rcvhwm)}
	}
	pull, err := e.Peer(impl, "", pullArgs(rec1)...)
	if err != nil {
		r.Fail("%v", err)
		return r
	}
	push, err := e.Peer(impl, "", "-type", "PUSH", "-connect", ep, "-send", "0", "-rate", strconv.Itoa(rate),
		"-size", strconv.Itoa(size), "-sndhwm", strconv.Itoa(sndhwm), "-reconnect-ivl", "100")
	if err != nil {
		pull.Kill()
		r.Fail("%v", err)
		return r
	}
	defer push.Kill()
	if _, err := pull.Expect("first", 5*time.Second); err != nil {
		pull.Kill()
		r.Fail("first PULL: %v", err)
		return r
	}
	time.Sleep(run)
	pull.Kill() // SIGKILL: no linger, no goodbye
	time.Sleep(200 * time.Millisecond)
	restarted := time.Now()
	pull, err = e.Peer(impl, "", pullArgs(rec2)...)
	if err != nil {
		r.Fail("restart: %v", err)
		return r
	}
	line, err := pull.Expect("first", 10*time.Second)
	if err != nil {
		pull.Kill()
		r.Fail("restarted PULL: %v", err)
		return r
	}
	first, _ := strconv.ParseInt(strings.TrimPrefix(line, "first "), 10, 64)
	reconnect := time.Unix(0, first).Sub(restarted)
	time.Sleep(run)
	sentLine, err := push.Stop(5 * time.Second)
	if err != nil {
		r.Fail("PUSH: %v", err)
	}
	sent, _ := strconv.ParseUint(strings.TrimPrefix(sentLine, "sent "), 10, 64)
	time.Sleep(500 * time.Millisecond) // the last messages reach the PULL
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
	inFlight := rcvhwm + sndhwm + kernelBuffers()/(size+2) // messages a killed PULL's side can have held
	r.Add("sent", sent)
	r.Add("duplicates", s.duplicates)
	r.Add("reordered", s.reordered)
	r.Add("lost", fmt.Sprintf("%d in %d range(s)", s.lost, s.gaps))
	r.Add("in-flight bound", inFlight)
	r.Add("reconnect", reconnect.Round(time.Millisecond))
	if s.duplicates > 0 || s.reordered > 0 {
		r.Fail("duplicates or reordering")
	}
	if s.gaps > 1 {
		r.Fail("the loss is not one contiguous range")
	}
	if s.lost > uint64(inFlight) {
		r.Fail("lost more than was in flight")
	}
	if s.tail > 0 {
		r.Fail("%d messages after the gap never arrived", s.tail)
	}
	return r
}

// sequence is what a receiver's record says of a stream numbered 0..sent-1.
type sequence struct {
	duplicates, reordered uint64
	lost                  uint64 // numbers below the highest received that never came
	gaps                  int    // contiguous ranges those form
	tail                  uint64 // numbers sent after the highest received
}

func checkSequence(got []uint64, sent uint64) (s sequence) {
	seen := make(map[uint64]bool, len(got))
	var next uint64 // the number expected next
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
			s.gaps++
			s.lost += n - next
		}
		next, high = n+1, n
	}
	if sent > next {
		s.tail = sent - next
	}
	return s
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
