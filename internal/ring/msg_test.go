package ring

import (
	"fmt"
	"testing"
)

func TestSizeClass(t *testing.T) {
	for _, tc := range []struct{ size, class int }{
		{1, 0}, {63, 0}, {64, 0},
		{65, 1}, {128, 1},
		{129, 2}, {256, 2},
		{4096, 6}, {4097, 7},
		{1<<20 - 1, numClasses - 1}, {1 << 20, numClasses - 1},
	} {
		if got := sizeClass(tc.size); got != tc.class {
			t.Errorf("sizeClass(%d) = %d, want %d", tc.size, got, tc.class)
		}
	}
}

func TestNewMsg(t *testing.T) {
	for _, tc := range []struct {
		size    int
		wantCap int // 0: not pooled
	}{
		{0, 0},
		{1, 64},
		{64, 64},
		{65, 128},
		{1000, 1024},
		{1 << 20, 1 << 20},
		{1<<20 + 1, 0},
	} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			m := NewMsg(tc.size)
			if len(m.Data) != tc.size {
				t.Fatalf("len(Data) = %d, want %d", len(m.Data), tc.size)
			}
			if pooled := m.pooled != nil; pooled != (tc.wantCap != 0) {
				t.Fatalf("pooled = %v, want %v", pooled, tc.wantCap != 0)
			}
			if tc.wantCap != 0 && cap(m.Data) != tc.wantCap {
				t.Fatalf("cap(Data) = %d, want %d", cap(m.Data), tc.wantCap)
			}
			m.Free()
			if m.Data != nil || m.pooled != nil || m.Flags != 0 {
				t.Fatalf("Free left %+v", m)
			}
		})
	}
}

func TestNewMsgNegativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewMsg(-1) did not panic")
		}
	}()
	NewMsg(-1)
}

func TestMsgFlags(t *testing.T) {
	for _, tc := range []struct {
		flags         Flags
		more, command bool
	}{
		{0, false, false},
		{More, true, false},
		{Command, false, true},
		{More | Command, true, true},
	} {
		m := Msg{Flags: tc.flags}
		if m.More() != tc.more || m.IsCommand() != tc.command {
			t.Errorf("flags %b: More=%v IsCommand=%v, want %v %v", tc.flags, m.More(), m.IsCommand(), tc.more, tc.command)
		}
	}
}

func TestMsgFreeSafety(t *testing.T) {
	t.Run("zero", func(t *testing.T) {
		var m Msg
		m.Free()
		m.Free()
	})
	t.Run("caller-owned", func(t *testing.T) {
		b := []byte("keep")
		m := MsgFrom(b)
		m.Flags = More
		m.Free()
		if m.Data != nil || m.Flags != 0 {
			t.Fatalf("Free left %+v", m)
		}
		if string(b) != "keep" {
			t.Fatalf("Free touched caller's bytes: %q", b)
		}
	})
	t.Run("same variable twice", func(t *testing.T) {
		m := NewMsg(100)
		m.Free()
		m.Free()
		a, b := NewMsg(100), NewMsg(100)
		if &a.Data[:1][0] == &b.Data[:1][0] {
			t.Fatal("two live messages share a buffer")
		}
		a.Free()
		b.Free()
	})
	t.Run("stale copy", func(t *testing.T) {
		a := NewMsg(100)
		stale := a
		a.Free()
		stale.Free() // ignored: the buffer is already back in the pool
		x, y := NewMsg(100), NewMsg(100)
		if &x.Data[:1][0] == &y.Data[:1][0] {
			t.Fatal("a double Free through a copy put one buffer in the pool twice")
		}
		stale = x
		stale.Free()
		z := NewMsg(100) // may or may not reuse x's buffer
		stale = x        // stale now: x's buffer went back above
		stale.Free()
		if z.pooled.gen != z.gen {
			t.Fatal("a stale copy freed a buffer that has a new owner")
		}
		y.Free()
		z.Free()
	})
}

func TestNewMsgFreeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items on purpose under the race detector")
	}
	for _, size := range []int{1, 64, 100, 4096, 65536, 1 << 20} {
		allocs := testing.AllocsPerRun(1000, func() {
			m := NewMsg(size)
			m.Data[0] = 1
			m.Free()
		})
		if allocs != 0 {
			t.Errorf("NewMsg(%d)+Free: %v allocations, want 0", size, allocs)
		}
	}
}

func BenchmarkNewMsgFree(b *testing.B) {
	for _, size := range []int{64, 1500, 65536} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := NewMsg(size)
				m.Free()
			}
		})
	}
}
