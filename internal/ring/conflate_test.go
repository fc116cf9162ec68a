package ring

import "testing"

type countWaker struct{ n int }

func (w *countWaker) Wake() { w.n++ }

// TestConflatePipe: the reader gets the last frame flushed, older unread
// ones are freed, it is woken once after finding nothing, and the HWM never
// refuses.
func TestConflatePipe(t *testing.T) {
	p := NewConflatePipe()
	w := &countWaker{}
	p.SetReaderWaker(w)
	if _, ok := p.Read(); ok {
		t.Fatal("read from an empty pipe")
	}
	var old []Msg
	for i := 0; i < 3; i++ {
		if !p.CheckWrite() {
			t.Fatal("a conflating pipe refused")
		}
		m := NewMsg(1)
		m.Data[0] = byte('a' + i)
		old = append(old, m)
		p.Write(m)
		p.Flush()
	}
	if w.n != 1 {
		t.Fatalf("woken %d times, want once", w.n)
	}
	if !p.Peek() || p.Len() != 1 {
		t.Fatal("Peek/Len")
	}
	m, ok := p.Read()
	if !ok || string(m.Data) != "c" {
		t.Fatalf("read %q, want the last", m.Data)
	}
	m.Free()
	for _, o := range old[:2] {
		if !freed(o) {
			t.Fatal("a replaced frame was not freed")
		}
	}
	if _, ok := p.Read(); ok {
		t.Fatal("a second read")
	}
	// Unflushed frames are the writer's: Rollback drops them.
	p.Write(MsgFrom([]byte("x")))
	p.Rollback()
	p.Flush()
	if p.Peek() {
		t.Fatal("a rolled back frame was published")
	}
	p.Write(MsgFrom([]byte("last")))
	p.Close()
	if w.n != 2 {
		t.Fatalf("Close did not wake the sleeping reader (%d)", w.n)
	}
	if p.Closed() {
		t.Fatal("closed before the last frame was read")
	}
	if m, ok := p.Read(); !ok || string(m.Data) != "last" || !p.Closed() || p.CheckWrite() {
		t.Fatalf("after close: %q %v", m.Data, ok)
	}
	q := NewConflatePipe()
	held := NewMsg(4)
	q.Write(held)
	q.Flush()
	q.Detach()
	if !q.Detached() || !freed(held) || q.CheckWrite() {
		t.Fatal("Detach")
	}
}
