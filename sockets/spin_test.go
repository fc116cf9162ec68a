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
