package ring

import (
	"sync"
	"testing"
)

func TestSlabCarvesAndRecycles(t *testing.T) {
	var s Slab
	var msgs []Msg
	for i := 0; i < 3*slabSize/16; i++ { // spans several blocks
		m := s.NewMsg(9)
		if len(m.Data) != 9 || cap(m.Data) != 9 {
			t.Fatalf("len %d cap %d", len(m.Data), cap(m.Data))
		}
		m.Data[0], m.Data[8] = byte(i), byte(i>>8)
		msgs = append(msgs, m)
	}
	for i, m := range msgs { // neighbours did not overwrite each other
		if m.Data[0] != byte(i) || m.Data[8] != byte(i>>8) {
			t.Fatalf("frame %d corrupted", i)
		}
	}
	first := msgs[0].pooled
	for i := range msgs {
		msgs[i].Free()
	}
	if got := first.refs.Load(); got != 0 {
		t.Fatalf("first block refs %d after every frame was freed", got)
	}
	s.Release()
	if big := s.NewMsg(SlabMax + 1); big.pooled == nil || big.pooled.slab {
		t.Fatal("a frame above SlabMax must come from NewMsg")
	}
	if z := s.NewMsg(0); z.Data != nil {
		t.Fatal("empty frame")
	}
}

// TestSlabFreedElsewhere: one goroutine carves, another frees, as a session
// and its socket do. Run with -race.
func TestSlabFreedElsewhere(t *testing.T) {
	p := NewPipe(0)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var s Slab
		for i := 0; i < 200000; i++ {
			m := s.NewMsg(8)
			m.Data[0] = byte(i)
			p.Write(m)
			p.Flush()
		}
		s.Release()
		p.Close()
	}()
	n := 0
	for !p.Closed() {
		m, ok := p.Read()
		if !ok {
			continue
		}
		if m.Data[0] != byte(n) {
			t.Fatalf("frame %d holds %d", n, m.Data[0])
		}
		m.Free()
		n++
	}
	wg.Wait()
	if n != 200000 {
		t.Fatalf("read %d", n)
	}
}

func TestSlabAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	var s Slab
	a := testing.AllocsPerRun(100000, func() {
		m := s.NewMsg(8)
		m.Free()
	})
	if a != 0 {
		t.Fatalf("%.3f allocations per frame", a)
	}
}

func BenchmarkSlabNewFree(b *testing.B) {
	var s Slab
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := s.NewMsg(8)
		m.Free()
	}
}

// TestClone: a frame's clone shares its bytes and keeps them alive until
// both are freed.
func TestClone(t *testing.T) {
	var s Slab
	m := s.NewMsg(5)
	copy(m.Data, "hello")
	m.Flags = More
	c := m.Clone()
	if &c.Data[0] != &m.Data[0] || c.Flags != More {
		t.Fatal("a slab frame's clone must share its bytes")
	}
	pb := m.pooled
	s.Release()
	m.Free()
	if got := pb.refs.Load(); got != 1 {
		t.Fatalf("refs after one free = %d, want 1", got)
	}
	c.Free()
	if got := pb.refs.Load(); got != 0 {
		t.Fatalf("refs after both = %d", got)
	}
	big := NewMsg(1000)
	copy(big.Data, "abc")
	bc := big.Clone()
	if &bc.Data[0] != &big.Data[0] || len(bc.Data) != 1000 {
		t.Fatal("a pooled frame's clone must share its bytes")
	}
	big.Free()
	if string(bc.Data[:3]) != "abc" || bc.pooled.gen != bc.gen {
		t.Fatal("the clone's bytes went back to the pool with the first free")
	}
	bc.Free()
	var empty Msg
	if e := empty.Clone(); e.Data != nil {
		t.Fatal("empty clone")
	}
}

// TestShare: Share(k) lets m and k plain copies of a frame be freed one by
// one, its memory staying alive until the last: a slab block's count, a
// pooled buffer's extra references (back in the pool with the last free),
// nothing for memory the collector owns.
func TestShare(t *testing.T) {
	for _, tc := range []struct {
		name    string
		make    func(*Slab) Msg
		counted bool
	}{
		{"slab frame", func(s *Slab) Msg { return s.NewMsg(64) }, true},
		{"pooled frame", func(*Slab) Msg { return NewMsg(1000) }, true},
		{"frame over 1 MiB", func(*Slab) Msg { return NewMsg(2 << 20) }, false},
		{"caller's bytes", func(*Slab) Msg { return MsgFrom([]byte("abc")) }, false},
		{"empty frame", func(*Slab) Msg { return Msg{} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Slab
			m := tc.make(&s)
			pb := m.pooled
			s.Release()
			const k = 3
			m.Share(k)
			copies := []Msg{m, m, m, m}
			for i := range copies {
				if tc.counted {
					// A slab block counts every frame; a pooled buffer
					// the extra copies.
					want := int64(k + 1 - i)
					if !pb.slab {
						want--
					}
					if got := pb.refs.Load(); got != want {
						t.Fatalf("refs before free %d = %d, want %d", i, got, want)
					}
					if !pb.slab && pb.gen != copies[i].gen {
						t.Fatalf("the buffer went back to the pool before free %d", i)
					}
				}
				copies[i].Free()
			}
			if pb != nil && pb.refs.Load() != 0 {
				t.Fatalf("refs after every copy was freed = %d", pb.refs.Load())
			}
			if pb != nil && !pb.slab && pb.gen == m.gen {
				t.Fatal("the pooled buffer did not go back with the last free")
			}
		})
	}
}

// TestShareConcurrentFrees: the copies of a shared pooled frame freed at
// once from many goroutines give the buffer back exactly once.
func TestShareConcurrentFrees(t *testing.T) {
	for round := 0; round < 200; round++ {
		m := NewMsg(1000)
		pb, gen := m.pooled, m.gen
		const n = 8
		m.Share(n - 1)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			c := m
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Free()
			}()
		}
		wg.Wait()
		if pb.refs.Load() != 0 || pb.gen != gen+1 {
			t.Fatalf("round %d: refs %d, generation moved by %d, want 0 and 1", round, pb.refs.Load(), pb.gen-gen)
		}
	}
}

// TestSlabOwnerFree: frames the owner frees with Slab.Free and frames
// freed elsewhere with Msg.Free, mixed, in the current block and in one
// the slab has moved past: each block's count is zero exactly when all
// its frames are freed and the slab let it go.
func TestSlabOwnerFree(t *testing.T) {
	var s Slab
	var first []Msg
	for i := 0; i < 10; i++ {
		first = append(first, s.NewMsg(100))
	}
	blk := first[0].pooled
	s.Free(&first[0]) // owner, current block: no atomic
	s.Free(&first[1])
	first[2].Free() // elsewhere
	if first[0].pooled != nil || first[0].Data != nil {
		t.Fatal("Slab.Free must zero the Msg")
	}
	for s.cur == blk { // move past the block
		m := s.NewMsg(SlabMax)
		s.Free(&m)
	}
	if got := blk.refs.Load(); got != 7 {
		t.Fatalf("old block refs %d, want the 7 frames still out", got)
	}
	for i := 3; i < 10; i++ {
		if i%2 == 0 {
			s.Free(&first[i]) // owner, but no longer the current block
		} else {
			first[i].Free()
		}
	}
	if got := blk.refs.Load(); got != 0 {
		t.Fatalf("old block refs %d after all were freed", got)
	}
	cur := s.cur
	a, b := s.NewMsg(8), s.NewMsg(8)
	s.Free(&a)
	b.Free()
	s.Release()
	if got := cur.refs.Load(); got != 0 {
		t.Fatalf("current block refs %d after release", got)
	}
}

// TestSlabNewMsgAt: NewMsgAt builds in place the frame NewMsg returns:
// carved from the current block while it fits, from a new block after,
// and from NewMsg above SlabMax or at 0; every frame frees as usual.
func TestSlabNewMsgAt(t *testing.T) {
	var s Slab
	msgs := make([]Msg, 3*slabSize/24)
	for i := range msgs {
		msgs[i] = Msg{Flags: More, Data: []byte("stale")} // overwritten, flags too
		s.NewMsgAt(&msgs[i], 17)
		m := &msgs[i]
		if len(m.Data) != 17 || cap(m.Data) != 17 || m.Flags != 0 || m.pooled == nil || !m.pooled.slab {
			t.Fatalf("frame %d: len %d cap %d flags %d pooled %v", i, len(m.Data), cap(m.Data), m.Flags, m.pooled)
		}
		m.Data[0], m.Data[16] = byte(i), byte(i>>8)
	}
	for i, m := range msgs {
		if m.Data[0] != byte(i) || m.Data[16] != byte(i>>8) {
			t.Fatalf("frame %d corrupted", i)
		}
	}
	first := msgs[0].pooled
	if msgs[len(msgs)-1].pooled == first {
		t.Fatal("frames past a block's end came from the same block")
	}
	for i := range msgs {
		msgs[i].Free()
	}
	if got := first.refs.Load(); got != 0 {
		t.Fatalf("first block refs %d after every frame was freed", got)
	}
	var big, empty Msg
	s.NewMsgAt(&big, SlabMax+1)
	s.NewMsgAt(&empty, 0)
	if big.pooled == nil || big.pooled.slab || len(big.Data) != SlabMax+1 || empty.Data != nil {
		t.Fatal("above SlabMax and at 0, NewMsgAt must give what NewMsg gives")
	}
	big.Free()
	s.Release()
}
