package sockets

import (
	"testing"
	"time"
)

// TestAdaptSpin: a wait within spinRecover spin times restores the full
// spin; each longer wait halves it, down to none; a short wait brings it
// back.
func TestAdaptSpin(t *testing.T) {
	const full = 50 * time.Microsecond
	s := &Socket{ctx: &Context{spin: full}, spinFor: full}
	steps := []struct {
		waited time.Duration
		want   time.Duration
	}{
		{10 * time.Microsecond, full},
		{time.Millisecond, full / 2},
		{time.Millisecond, full / 4},
		{spinRecover * full, full}, // an unspun round trip of this length is worth spinning for
		{spinRecover*full + 1, full / 2},
		{full, full},
		{time.Second, full / 2},
		{time.Second, full / 4},
		{time.Second, full / 8},
		{time.Second, full / 16},
		{time.Second, full / 32},
		{time.Second, 0}, // 1.5625 µs: not worth a spin
		{time.Second, 0},
		{130 * time.Microsecond, full},
	}
	for i, st := range steps {
		s.adaptSpin(st.waited)
		if s.spinFor != st.want {
			t.Fatalf("step %d: waited %v: spin %v, want %v", i, st.waited, s.spinFor, st.want)
		}
	}
}

// TestSpinGovernor: a stall turns spinning off for spinBackoffMin; each
// stall that follows within spinForget doubles the back-off, up to
// spinBackoffMax; a stall after a long quiet starts again from the least.
func TestSpinGovernor(t *testing.T) {
	var g spinGovernor
	t0 := time.Unix(1000, 0)
	if !g.allowed(t0) {
		t.Fatal("a new context must be allowed to spin")
	}
	steps := []struct {
		stall time.Duration // since t0
		want  time.Duration // back-off it starts
	}{
		{0, spinBackoffMin},
		{spinBackoffMin, 2 * spinBackoffMin},
		{3 * spinBackoffMin, 4 * spinBackoffMin},
		{time.Second, 8 * spinBackoffMin},
		{2 * time.Second, 16 * spinBackoffMin},
		{3 * time.Second, 32 * spinBackoffMin},
		{4 * time.Second, spinBackoffMax},
		{5 * time.Second, spinBackoffMax},
		{5*time.Second + spinForget + 1, spinBackoffMin},
	}
	for i, st := range steps {
		at := t0.Add(st.stall)
		g.stalled(at)
		if g.allowed(at.Add(st.want - 1)) {
			t.Fatalf("step %d: spinning allowed before the back-off of %v ended", i, st.want)
		}
		if !g.allowed(at.Add(st.want)) {
			t.Fatalf("step %d: spinning still off after a back-off of %v", i, st.want)
		}
	}
	if got := g.stalls.Load(); got != int64(len(steps)) {
		t.Fatalf("stalls counted %d, want %d", got, len(steps))
	}
}

// TestSpinJudge: a socket spins until a probe of parking at once shows a
// median wait shorter by more than a fifth; a losing probe doubles the window
// before the next, up to judgeExploitMax; a winning one switches the way
// and starts again from judgeExploit.
func TestSpinJudge(t *testing.T) {
	var j spinJudge
	// feed runs waits until the judge starts a probe (or wins one), with
	// the chosen way costing chosen and the other way other; it returns
	// how many waits of the chosen way came before the probe.
	feed := func(chosen, other time.Duration) int {
		t.Helper()
		n := 0
		for !j.probing {
			j.record(chosen)
			n++
			if n > judgeExploitMax+1 {
				t.Fatal("no probe")
			}
		}
		for j.probing {
			j.record(other)
		}
		return n
	}
	if !j.spin() {
		t.Fatal("a new socket must spin")
	}
	// Spinning wins (an idle machine): the windows double to the cap.
	want := judgeExploit
	for i := 0; i < 8; i++ {
		if n := feed(5*time.Microsecond, 18*time.Microsecond); n != want {
			t.Fatalf("window %d: %d waits before the probe, want %d", i, n, want)
		}
		if !j.spin() {
			t.Fatalf("window %d: stopped spinning though spinning won", i)
		}
		want = min(2*want, judgeExploitMax)
	}
	// The machine gets busy: parking wins by more than a fifth.
	feed(40*time.Microsecond, 17*time.Microsecond)
	if j.spin() {
		t.Fatal("still spinning after parking won")
	}
	// A small difference does not switch back.
	if n := feed(17*time.Microsecond, 16*time.Microsecond); n != judgeExploit || j.spin() {
		t.Fatalf("window %d waits, spin %v; want %d and no spin", n, j.spin(), judgeExploit)
	}
	// A preemption while probing (one wait of a second) does not decide
	// the probe, either way: the medians compare the typical waits. Here
	// the other waits are no shorter, so the probe loses; and a probe
	// whose waits are short but for one preemption wins.
	for !j.probing {
		j.record(17 * time.Microsecond)
	}
	j.record(time.Second)
	for j.probing {
		j.record(17 * time.Microsecond)
	}
	if j.spin() {
		t.Fatal("a probe no faster won")
	}
	for !j.probing {
		j.record(17 * time.Microsecond)
	}
	j.record(time.Second)
	for j.probing {
		j.record(3 * time.Microsecond)
	}
	if !j.spin() {
		t.Fatal("one preemption lost a probe whose other waits were far shorter")
	}
	// Back to parking for what follows: a probe of parking shorter by more
	// than a fifth.
	feed(17*time.Microsecond, 5*time.Microsecond)
	if j.spin() {
		t.Fatal("parking a fifth faster did not switch")
	}
	// To spin again a tenth is enough (one side's spin saves only its own
	// wake-up); to stop, it takes a fifth.
	feed(17*time.Microsecond, 15*time.Microsecond)
	if !j.spin() {
		t.Fatal("a probe of spinning a tenth faster did not switch")
	}
	feed(15*time.Microsecond, 13*time.Microsecond)
	if !j.spin() {
		t.Fatal("a probe of parking less than a fifth faster switched")
	}
}

// TestSpinJudgeStall: a stall while spinning is the way chosen switches to
// parking at once, with the next probe after judgeExploit waits; a stall
// in a probe of spinning ends the probe as lost, doubling the window.
func TestSpinJudgeStall(t *testing.T) {
	var j spinJudge
	j.record(5 * time.Microsecond)
	j.stalled()
	if j.spin() || j.probing || j.window != judgeExploit {
		t.Fatalf("after a stall: spin %v, probing %v, window %d; want parking, %d", j.spin(), j.probing, j.window, judgeExploit)
	}
	for !j.probing {
		j.record(17 * time.Microsecond)
	}
	if !j.spin() {
		t.Fatal("the probe does not spin")
	}
	j.record(5 * time.Microsecond)
	j.stalled()
	if j.spin() || j.probing || j.window != 2*judgeExploit {
		t.Fatalf("after a stall in a probe: spin %v, probing %v, window %d; want parking, %d", j.spin(), j.probing, j.window, 2*judgeExploit)
	}
	// A stall while parking is the way (a spin the governor let through
	// cannot happen then; nothing changes but the window's count).
	j.record(17 * time.Microsecond)
	j.stalled()
	if j.spin() || j.window != 2*judgeExploit {
		t.Fatalf("a stall while parking changed the way or the window: spin %v, window %d", j.spin(), j.window)
	}
}

// TestSpinJudgeOutliers: a few waits of milliseconds in the chosen way's
// window (the VM's host taking the CPU) do not make parking look faster:
// the medians are compared, not the means.
func TestSpinJudgeOutliers(t *testing.T) {
	var j spinJudge
	for i := 0; !j.probing; i++ {
		w := 9 * time.Microsecond
		if i%8 == 0 {
			w = 2 * time.Millisecond // one wait in eight: the mean is 258 µs, the median 9
		}
		j.record(w)
	}
	for j.probing {
		j.record(15 * time.Microsecond) // parking: slower than spinning's typical wait
	}
	if !j.spin() {
		t.Fatal("outliers in the spinning window switched the socket to parking")
	}
}
