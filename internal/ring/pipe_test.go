package ring

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// chanWaker is the usual Waker: a channel with room for one token, which the
// woken side drains before it looks at the pipe again.
type chanWaker struct {
	ch    chan struct{}
	calls atomic.Int64
}

func newChanWaker() *chanWaker { return &chanWaker{ch: make(chan struct{}, 1)} }

func (w *chanWaker) Wake() {
	w.calls.Add(1)
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

// freed reports whether the pooled buffer a copy of a Msg referred to has
// been freed since (its generation moved on).
func freed(m Msg) bool { return m.pooled == nil || m.pooled.gen != m.gen }

func mustRead(t *testing.T, p *Pipe) Msg {
	t.Helper()
	m, ok := p.Read()
	if !ok {
		t.Fatal("Read: nothing to read")
	}
	return m
}

// writeMsg writes one message of parts frames and returns the frames.
func writeMsg(p *Pipe, parts int) []Msg {
	frames := make([]Msg, parts)
	for i := range frames {
		m := NewMsg(8)
		if i < parts-1 {
			m.Flags = More
		}
		frames[i] = m
		p.Write(m)
	}
	return frames
}

func TestPipeHWMExact(t *testing.T) {
	for _, tc := range []struct{ hwm, parts int }{
		{1, 1}, {2, 1}, {3, 1}, {10, 1}, {1000, 1},
		{1, 3}, {10, 3}, // a multipart message counts as one
		{5, 200}, // and may exceed the mark in frames (and chunks)
	} {
		t.Run(fmt.Sprintf("hwm=%d/parts=%d", tc.hwm, tc.parts), func(t *testing.T) {
			p := NewPipe(tc.hwm)
			accepted := 0
			for p.CheckWrite() && accepted <= tc.hwm {
				writeMsg(p, tc.parts)
				accepted++
			}
			if accepted != tc.hwm {
				t.Fatalf("CheckWrite accepted %d messages, want %d", accepted, tc.hwm)
			}
			if p.CheckWrite() {
				t.Fatal("CheckWrite true again without any read")
			}
			p.Flush()
			if p.Len() != tc.hwm {
				t.Fatalf("Len = %d, want %d", p.Len(), tc.hwm)
			}
			for range tc.parts {
				m := mustRead(t, p)
				m.Free()
			}
			if !p.CheckWrite() {
				t.Fatal("CheckWrite false after one message was read")
			}
		})
	}
}

func TestPipeNoHWM(t *testing.T) {
	p := NewPipe(0)
	for i := range 100000 {
		if !p.CheckWrite() {
			t.Fatalf("hwm 0 refused message %d", i)
		}
		p.Write(MsgFrom(nil))
	}
	p.Flush()
	if p.Len() != 100000 || p.HWM() != 0 {
		t.Fatalf("Len = %d, HWM = %d", p.Len(), p.HWM())
	}
}

// TestPipeWriterWake: a refused writer is woken once, when the queue falls
// below the low-water mark max(hwm/2, 1), and not before.
func TestPipeWriterWake(t *testing.T) {
	for _, hwm := range []int{1, 2, 3, 4, 10, 101} {
		t.Run(fmt.Sprint(hwm), func(t *testing.T) {
			p := NewPipe(hwm)
			ww := newChanWaker()
			p.SetWriterWaker(ww)
			for p.CheckWrite() {
				writeMsg(p, 2)
			}
			p.Flush()
			lwm := max(hwm/2, 1)
			for queued := hwm; queued > 0; {
				mustRead(t, p)
				if m := mustRead(t, p); m.More() {
					t.Fatal("second frame has More")
				}
				queued--
				want := int64(0)
				if queued < lwm {
					want = 1
				}
				if got := ww.calls.Load(); got != want {
					t.Fatalf("%d queued: writer woken %d times, want %d", queued, got, want)
				}
			}
			if !p.CheckWrite() {
				t.Fatal("CheckWrite false on an empty pipe")
			}
		})
	}
}

// TestPipeWriterWakeWithdrawn: CheckWrite is exact, so a refused writer may
// find room before the low-water mark; it then takes back its request.
func TestPipeWriterWakeWithdrawn(t *testing.T) {
	p := NewPipe(4)
	ww := newChanWaker()
	p.SetWriterWaker(ww)
	for p.CheckWrite() {
		writeMsg(p, 1)
	}
	p.Flush()
	mustRead(t, p)
	if !p.CheckWrite() {
		t.Fatal("CheckWrite false with 3 of 4 queued")
	}
	writeMsg(p, 1)
	p.Flush()
	for range 4 {
		mustRead(t, p)
	}
	if n := ww.calls.Load(); n != 0 {
		t.Fatalf("writer woken %d times after it withdrew", n)
	}
}

func TestPipeReaderWake(t *testing.T) {
	p := NewPipe(0)
	rw := newChanWaker()
	p.SetReaderWaker(rw)
	steps := []struct {
		name  string
		do    func()
		wakes int64
	}{
		{"Flush with nothing written", p.Flush, 0},
		{"Read on empty marks asleep", func() {
			if _, ok := p.Read(); ok {
				t.Fatal("Read on empty pipe returned a frame")
			}
		}, 0},
		{"Write does not wake", func() { p.Write(MsgFrom([]byte("a"))) }, 0},
		{"Flush wakes the sleeper", p.Flush, 1},
		{"a burst of flushes costs nothing more", func() {
			for range 1000 {
				p.Write(MsgFrom([]byte("b")))
				p.Flush()
			}
		}, 1},
		{"reading while there is data does not sleep", func() {
			for range 1001 {
				mustRead(t, p)
			}
		}, 1},
		{"Peek on empty does not sleep", func() {
			if p.Peek() {
				t.Fatal("Peek true on empty pipe")
			}
			p.Write(MsgFrom([]byte("c")))
			p.Flush()
		}, 1},
		{"Peek sees, Read takes", func() {
			if !p.Peek() || !p.Peek() {
				t.Fatal("Peek false with a frame published")
			}
			if m := mustRead(t, p); string(m.Data) != "c" {
				t.Fatalf("Read %q", m.Data)
			}
		}, 1},
		{"Read twice on empty still one sleep", func() {
			p.Read()
			p.Read()
		}, 1},
		{"Close wakes the sleeper", p.Close, 2},
	}
	for _, s := range steps {
		s.do()
		if got := rw.calls.Load(); got != s.wakes {
			t.Fatalf("after %q: reader woken %d times, want %d", s.name, got, s.wakes)
		}
	}
	if !p.Closed() {
		t.Fatal("Closed false on a closed, drained pipe")
	}
}

func TestPipeOrderAcrossChunks(t *testing.T) {
	p := NewPipe(0)
	const n = 10 * chunkSize
	next := 0
	for i := range n {
		m := NewMsg(8)
		binary.LittleEndian.PutUint64(m.Data, uint64(i))
		if i%3 != 2 {
			m.Flags = More
		}
		p.Write(m)
		if i%7 == 0 {
			p.Flush()
		}
		if i%5 == 0 { // read everything published so far
			for {
				m, ok := p.Read()
				if !ok {
					break
				}
				if got := binary.LittleEndian.Uint64(m.Data); got != uint64(next) {
					t.Fatalf("read frame %d, want %d", got, next)
				}
				if m.More() != (next%3 != 2) {
					t.Fatalf("frame %d: More = %v", next, m.More())
				}
				m.Free()
				next++
			}
		}
	}
	p.Close()
	for {
		m, ok := p.Read()
		if !ok {
			break
		}
		if got := binary.LittleEndian.Uint64(m.Data); got != uint64(next) {
			t.Fatalf("read frame %d, want %d", got, next)
		}
		m.Free()
		next++
	}
	if next != n || !p.Closed() {
		t.Fatalf("read %d frames of %d, Closed = %v", next, n, p.Closed())
	}
}

func TestPipeRollback(t *testing.T) {
	for _, tc := range []struct {
		name              string
		flushed, unflushd int
	}{
		{"nothing written", 0, 0},
		{"within a chunk", 3, 5},
		{"across chunks", 10, 3*chunkSize + 7},
		{"at a chunk boundary", chunkSize, chunkSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPipe(0)
			for i := range tc.flushed {
				p.Write(MsgFrom([]byte{byte(i)}))
			}
			p.Flush()
			var dropped []Msg
			for range tc.unflushd {
				dropped = append(dropped, writeMsg(p, 1)...)
			}
			p.Rollback()
			p.Flush()
			for i, m := range dropped {
				if !freed(m) {
					t.Fatalf("rolled-back frame %d not freed", i)
				}
			}
			if p.Len() != tc.flushed {
				t.Fatalf("Len = %d, want %d", p.Len(), tc.flushed)
			}
			// The pipe goes on as if the rolled-back frames never were.
			for i := range 2 * chunkSize {
				p.Write(MsgFrom([]byte{byte(tc.flushed + i)}))
			}
			p.Flush()
			for i := range tc.flushed + 2*chunkSize {
				if m := mustRead(t, p); m.Data[0] != byte(i) {
					t.Fatalf("frame %d is %d", i, m.Data[0])
				}
			}
			if _, ok := p.Read(); ok {
				t.Fatal("extra frame")
			}
		})
	}
}

func TestPipeClose(t *testing.T) {
	p := NewPipe(10)
	p.Write(MsgFrom([]byte("x")))
	p.Close() // flushes
	if p.Closed() {
		t.Fatal("Closed true with a frame unread")
	}
	if p.CheckWrite() {
		t.Fatal("CheckWrite true after Close")
	}
	late := NewMsg(8)
	p.Write(late)
	if !freed(late) {
		t.Fatal("Write after Close did not free its frame")
	}
	p.Flush()
	p.Close()
	if m := mustRead(t, p); string(m.Data) != "x" {
		t.Fatalf("Read %q", m.Data)
	}
	if !p.Closed() {
		t.Fatal("Closed false on a closed, drained pipe")
	}
	if _, ok := p.Read(); ok {
		t.Fatal("Read after Closed returned a frame")
	}
}

func TestPipeDetach(t *testing.T) {
	p := NewPipe(3)
	ww := newChanWaker()
	p.SetWriterWaker(ww)
	var queued []Msg
	for p.CheckWrite() {
		queued = append(queued, writeMsg(p, 2)...)
	}
	p.Flush()
	unflushed := writeMsg(p, 1) // part of a message beyond the mark
	for range 2 {
		m := mustRead(t, p)
		m.Free()
	}
	queued = queued[2:]

	p.Detach()
	if !p.Detached() {
		t.Fatal("Detached false")
	}
	if n := ww.calls.Load(); n != 1 {
		t.Fatalf("blocked writer woken %d times by Detach, want 1", n)
	}
	for i, m := range queued {
		if !freed(m) {
			t.Fatalf("queued frame %d not freed by Detach", i)
		}
	}
	if freed(unflushed[0]) {
		t.Fatal("Detach freed a frame the writer had not flushed")
	}
	if p.Len() != 0 {
		t.Fatalf("Len = %d after Detach", p.Len())
	}
	if p.CheckWrite() {
		t.Fatal("CheckWrite true after Detach")
	}
	late := NewMsg(8)
	p.Write(late)
	if !freed(late) {
		t.Fatal("Write after Detach did not free its frame")
	}
	p.Flush()
	if !freed(unflushed[0]) {
		t.Fatal("Flush after Detach did not free the unflushed frame")
	}
	if _, ok := p.Read(); ok {
		t.Fatal("Read after Detach returned a frame")
	}
	p.Detach()
	if p.Closed() {
		t.Fatal("Closed true after Detach, before the writer closed")
	}
	p.Close()
	// "every frame it published has been read (or freed by Detach)": the
	// reader may let go of the pipe.
	if !p.Closed() {
		t.Fatal("Closed false after Detach and Close")
	}
}

func TestPipeAllocs(t *testing.T) {
	frame := []byte("steady")
	for _, tc := range []struct {
		name   string
		pooled bool
		batch  int
	}{
		{"caller-owned/1", false, 1},
		{"caller-owned/100", false, 100},
		{"pooled/1", true, 1},
		{"pooled/100", true, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.pooled && raceEnabled {
				t.Skip("sync.Pool drops items on purpose under the race detector")
			}
			p := NewPipe(1000)
			allocs := testing.AllocsPerRun(1000, func() {
				for range tc.batch {
					if !p.CheckWrite() {
						t.Fatal("CheckWrite refused")
					}
					m := MsgFrom(frame)
					if tc.pooled {
						m = NewMsg(64)
					}
					p.Write(m)
					p.Flush()
				}
				for range tc.batch {
					m, _ := p.Read()
					m.Free()
				}
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per run, want 0", allocs)
			}
		})
	}
}

// TestPipeStress runs a writer and a reader that park on channel Wakers
// whenever the pipe says so. A lost wake-up hangs it; a reordering, a lost
// or duplicated frame, or a torn message fails it.
func TestPipeStress(t *testing.T) {
	messages := 2_000_000
	if raceEnabled {
		messages = 1_000_000
	}
	if testing.Short() {
		messages = 100_000
	}
	for _, hwm := range []int{0, 1, 64} {
		t.Run(fmt.Sprint("hwm=", hwm), func(t *testing.T) {
			n := messages
			if hwm == 1 {
				n /= 4 // lock-step: two parks a message
			}
			stressPipe(t, hwm, n)
		})
	}
}

func stressPipe(t *testing.T, hwm, messages int) {
	p := NewPipe(hwm)
	rw, ww := newChanWaker(), newChanWaker()
	p.SetReaderWaker(rw)
	p.SetWriterWaker(ww)
	var flushes, writerParks int64
	done := make(chan error, 1)

	go func() { // writer
		rng := rand.New(rand.NewPCG(1, uint64(hwm)))
		seq := uint64(0)
		for seq < uint64(messages) {
			burst := min(1+rng.IntN(100), messages-int(seq))
			for range burst {
				for !p.CheckWrite() {
					p.Flush() // the reader can only make room from what it sees
					writerParks++
					<-ww.ch
				}
				parts := 1 + int(seq%3)
				for i := range parts {
					m := NewMsg(16)
					binary.LittleEndian.PutUint64(m.Data, seq)
					binary.LittleEndian.PutUint64(m.Data[8:], uint64(i))
					if i < parts-1 {
						m.Flags = More
					}
					p.Write(m)
				}
				seq++
			}
			p.Flush()
			flushes++
		}
		p.Close()
	}()

	go func() { // reader
		var seq, part uint64
		for {
			m, ok := p.Read()
			if !ok {
				if p.Closed() {
					break
				}
				<-rw.ch
				continue
			}
			gotSeq, gotPart := binary.LittleEndian.Uint64(m.Data), binary.LittleEndian.Uint64(m.Data[8:])
			if gotSeq != seq || gotPart != part {
				done <- fmt.Errorf("frame (%d,%d), want (%d,%d)", gotSeq, gotPart, seq, part)
				return
			}
			if wantMore := part < seq%3; m.More() != wantMore {
				done <- fmt.Errorf("frame (%d,%d): More = %v", seq, part, m.More())
				return
			}
			if m.More() {
				part++
			} else {
				seq, part = seq+1, 0
			}
			m.Free()
		}
		if seq != uint64(messages) || part != 0 {
			done <- fmt.Errorf("reader ended at message %d part %d, want %d", seq, part, messages)
			return
		}
		done <- nil
	}()

	// A bystander uses what any goroutine may call, while both ends run.
	stop := make(chan struct{})
	bystander := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				bystander <- nil
				return
			default:
			}
			if n := p.Len(); n < 0 || n > messages {
				bystander <- fmt.Errorf("Len = %d", n)
				return
			}
			if p.Detached() || p.HWM() != hwm {
				bystander <- fmt.Errorf("Detached %v, HWM %d", p.Detached(), p.HWM())
				return
			}
			if i%64 == 0 {
				p.SetReaderWaker(rw)
			}
			time.Sleep(20 * time.Microsecond) // leave the CPUs to the two ends
		}
	}()
	defer func() {
		close(stop)
		if err := <-bystander; err != nil {
			t.Error(err)
		}
	}()

	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("stuck (lost wake-up?): state %#x, Len %d, reader woken %d, writer woken %d",
			p.state.Load(), p.Len(), rw.calls.Load(), ww.calls.Load())
	}
	// Every reader wake comes from a Flush that found the reader asleep.
	wakes := rw.calls.Load()
	t.Logf("%d messages, %d bursts, %d reader wakes, %d writer parks, %d writer wakes",
		messages, flushes, wakes, writerParks, ww.calls.Load())
	if maxWakes := flushes + writerParks + 1; wakes > maxWakes {
		t.Fatalf("reader woken %d times for %d flushes", wakes, maxWakes)
	}
	// With room for bursts, a burst costs at most one wake, not one a
	// message; hwm=1 is lock-step by construction.
	if hwm != 1 && wakes > int64(messages)/10 {
		t.Fatalf("reader woken %d times for %d messages", wakes, messages)
	}
}

// TestPipeDetachRace detaches the reader while the writer runs, and checks
// that every frame is freed by exactly one side (the race detector reports a
// frame both sides touch) and none is leaked.
func TestPipeDetachRace(t *testing.T) {
	for round := range 50 {
		p := NewPipe(0)
		var wg sync.WaitGroup
		var written []Msg
		wg.Go(func() {
			for i := 0; !p.Detached() || i%5 != 0; i++ {
				m := NewMsg(8)
				written = append(written, m)
				p.Write(m)
				if i%3 == 0 {
					p.Flush()
				}
			}
			p.Close()
		})
		wg.Go(func() {
			for i := 0; i < round*37; {
				if m, ok := p.Read(); ok {
					m.Free()
					i++
				}
			}
			p.Detach()
		})
		wg.Wait()
		for i, m := range written {
			if !freed(m) {
				t.Fatalf("round %d: frame %d of %d leaked", round, i, len(written))
			}
		}
	}
}

func BenchmarkPipeSPSC(b *testing.B) {
	for _, batch := range []int{1, 16} {
		b.Run(fmt.Sprint("flush=", batch), func(b *testing.B) {
			frame := make([]byte, 64)
			p := NewPipe(1000)
			rw, ww := newChanWaker(), newChanWaker()
			p.SetReaderWaker(rw)
			p.SetWriterWaker(ww)
			b.SetBytes(int64(len(frame)))
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
				for i := range b.N {
					for !p.CheckWrite() {
						p.Flush()
						<-ww.ch
					}
					p.Write(MsgFrom(frame))
					if i%batch == batch-1 {
						p.Flush()
					}
				}
				p.Close()
			}()
			n := 0
			for {
				m, ok := p.Read()
				if !ok {
					if p.Closed() {
						break
					}
					<-rw.ch
					continue
				}
				m.Free()
				n++
			}
			if n != b.N {
				b.Fatalf("read %d of %d", n, b.N)
			}
		})
	}
}

func BenchmarkPipeSameGoroutine(b *testing.B) {
	p := NewPipe(1000)
	frame := make([]byte, 64)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if !p.CheckWrite() {
			b.Fatal("CheckWrite refused")
		}
		p.Write(MsgFrom(frame))
		p.Flush()
		m, _ := p.Read()
		m.Free()
	}
}

// TestPipeHWMParts: a pipe's high-water mark is its writer's part plus its
// reader's, no limit if either is 0, one alone if the other is -1; a part
// changed later applies to the next CheckWrite, and wakes a writer the old
// mark refused.
func TestPipeHWMParts(t *testing.T) {
	for _, c := range []struct {
		writer, reader, want int
	}{
		{3, 2, 5}, {3, -1, 3}, {-1, 2, 2}, {0, 2, 0}, {3, 0, 0}, {1, 1, 2},
	} {
		if got := NewPipeParts(c.writer, c.reader).HWM(); got != c.want {
			t.Errorf("parts %d and %d: HWM %d, want %d", c.writer, c.reader, got, c.want)
		}
	}
	p := NewPipeParts(1, 1)
	ww := newChanWaker()
	p.SetWriterWaker(ww)
	fill := func() int {
		n := 0
		for ; n < 100 && p.CheckWrite(); n++ {
			p.Write(MsgFrom([]byte("m")))
			p.Flush()
		}
		return n
	}
	if n := fill(); n != 2 {
		t.Fatalf("wrote %d at HWM 2", n)
	}
	p.SetHWMParts(0, 4)
	select {
	case <-ww.ch:
	default:
		t.Fatal("the refused writer was not woken")
	}
	if n := fill(); n != 3 || p.HWM() != 5 {
		t.Fatalf("wrote %d more at HWM %d, want 3 more at 5", n, p.HWM())
	}
	p.SetHWMParts(1, 0)
	if n := fill(); n != 100 {
		t.Fatalf("wrote %d with no limit", n)
	}
}
