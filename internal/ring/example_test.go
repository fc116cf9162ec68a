package ring_test

import (
	"fmt"

	"github.com/zring/zring/internal/ring"
)

// signal is a Waker that a goroutine parks on.
type signal chan struct{}

func (s signal) Wake() {
	select {
	case s <- struct{}{}:
	default: // a wake is already pending
	}
}

// A writer goroutine sends multipart messages through a Pipe to a reader that
// parks whenever Read finds the pipe empty, and is woken by the writer's Flush.
func ExamplePipe() {
	p := ring.NewPipe(2) // at most two messages queued
	readable, writable := make(signal, 1), make(signal, 1)
	p.SetReaderWaker(readable)
	p.SetWriterWaker(writable)

	go func() { // the writer, e.g. a socket's Send
		for _, msg := range [][]string{{"alpha"}, {"key", "value"}, {"omega"}} {
			for !p.CheckWrite() {
				p.Flush()
				<-writable // the reader made room
			}
			for i, part := range msg {
				m := ring.NewMsg(len(part))
				copy(m.Data, part)
				if i < len(msg)-1 {
					m.Flags = ring.More
				}
				p.Write(m)
			}
			p.Flush()
		}
		p.Close()
	}()

	for { // the reader, e.g. an I/O loop encoding frames
		m, ok := p.Read()
		if !ok {
			if p.Closed() {
				break
			}
			<-readable // Read marked us asleep: the next Flush wakes us
			continue
		}
		fmt.Printf("%s more=%v\n", m.Data, m.More())
		m.Free()
	}
	// Output:
	// alpha more=false
	// key more=true
	// value more=false
	// omega more=false
}

func ExampleNewMsg() {
	m := ring.NewMsg(5) // pooled; the bytes are not zeroed
	copy(m.Data, "hello")
	fmt.Println(string(m.Data), len(m.Data))
	m.Free() // back to the pool; m is now the zero Msg
	fmt.Println(m.Data == nil)
	// Output:
	// hello 5
	// true
}

func ExampleBuffer() {
	b := ring.NewBuffer(16)
	// An I/O loop reads into the free tail...
	n := copy(b.Free(), "\x00\x03abc\x00\x02d")
	b.Commit(n)
	// ...and a decoder consumes complete frames (here: flags, length, body).
	for b.Len() >= 2 {
		frame := b.Bytes()
		size := int(frame[1])
		if len(frame) < 2+size {
			break // wait for more bytes
		}
		fmt.Printf("%q\n", frame[2:2+size])
		b.Consume(2 + size)
	}
	fmt.Println("left over:", b.Len())
	// Output:
	// "abc"
	// left over: 3
}
