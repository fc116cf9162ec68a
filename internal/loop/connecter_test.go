package loop

import (
	"testing"
	"time"
)

// TestRetryDelay: a redial waits libzmq's window, ivl plus a jitter under
// RECONNECT_IVL, never less and never more, and falls on the grid of half
// of RECONNECT_IVL (50 ms at most) so that many redials share a wake; the
// jitter still uses every grid point of the window.
func TestRetryDelay(t *testing.T) {
	now := time.Unix(1_700_000_000, 123_456_789)
	for _, c := range []struct {
		ivl, base, grid time.Duration
	}{
		{100 * time.Millisecond, 100 * time.Millisecond, 50 * time.Millisecond},
		{400 * time.Millisecond, 100 * time.Millisecond, 50 * time.Millisecond}, // doubled by RECONNECT_IVL_MAX
		{10 * time.Millisecond, 10 * time.Millisecond, 5 * time.Millisecond},
		{time.Second, time.Second, 50 * time.Millisecond},
		{time.Millisecond, time.Millisecond, 500 * time.Microsecond},
	} {
		seen := map[time.Duration]bool{}
		for i := 0; i < 2000; i++ {
			at := now.Add(time.Duration(i) * 7919 * time.Microsecond)
			d := retryDelay(at, c.ivl, c.base)
			if d < c.ivl || d >= c.ivl+c.base {
				t.Fatalf("ivl %v, RECONNECT_IVL %v: waited %v, want [%v, %v)", c.ivl, c.base, d, c.ivl, c.ivl+c.base)
			}
			if at.Add(d).Truncate(c.grid) != at.Add(d) {
				t.Fatalf("ivl %v, RECONNECT_IVL %v: %v is off the %v grid", c.ivl, c.base, at.Add(d), c.grid)
			}
			seen[at.Add(d).Sub(at.Add(c.ivl).Truncate(c.grid))] = true
		}
		if want := int(c.base / c.grid); len(seen) < want {
			t.Errorf("ivl %v, RECONNECT_IVL %v: the jitter took %d grid points, want at least %d", c.ivl, c.base, len(seen), want)
		}
	}
}
