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
