package affinity

import "testing"

func TestChoose(t *testing.T) {
	loads := []int32{5, 1, 3, 0}
	load := func(i int) int32 { return loads[i] }
	cases := []struct {
		name   string
		bitmap uint64
		want   int
	}{
		{"0 spreads to the least loaded loop", 0, 3},
		{"bit i is loop i", 1 << 2, 2},
		{"least loaded among the set bits", 1<<0 | 1<<1 | 1<<2, 1},
		{"bits past the last loop fall back to all", 1 << 10, 3},
	}
	for _, c := range cases {
		if got := Choose(c.bitmap, len(loads), load); got != c.want {
			t.Errorf("%s: Choose(%#x) = %d, want %d", c.name, c.bitmap, got, c.want)
		}
	}
}
