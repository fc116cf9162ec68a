//go:build linux

package main

// A userspace TCP relay that delays, because this kernel has no tc netem:
// each connection made to it is forwarded to a target, and every byte
// waits a fixed time in each direction before it goes on, as on a long
// link. The relay can also be made dark (Blackhole): it then holds what it
// reads, and the connections made to it, until the light comes back, as a
// link that carries nothing while TCP above it keeps retransmitting. The
// relay reads ahead at most relayQueue chunks a direction, so a sender
// faster than the path is pushed back by TCP's flow control, not buffered
// here without end.

import (
	"net"
	"sync"
	"time"
)

// Relay is a delaying TCP relay listening on Addr (127.0.0.1).
type Relay struct {
	Addr   string
	target string
	delay  time.Duration
	ln     net.Listener

	mu    sync.Mutex
	dark  bool
	lit   chan struct{} // closed when a black hole ends
	conns map[net.Conn]bool
	done  bool
	wg    sync.WaitGroup
}

const (
	relayChunk = 16 << 10
	relayQueue = 64 // chunks in flight a direction: 1 MiB at most
)

// newRelay starts a relay that forwards to target ("host:port") with
// delay one way in each direction.
func newRelay(target string, delay time.Duration) (*Relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Relay{Addr: ln.Addr().String(), target: target, delay: delay, ln: ln, conns: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Blackhole makes the relay dark (on) or lights it again (off).
func (r *Relay) Blackhole(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case on && !r.dark:
		r.dark, r.lit = true, make(chan struct{})
	case !on && r.dark:
		r.dark = false
		close(r.lit)
	}
}

// waitLight returns when the relay is not dark.
func (r *Relay) waitLight() {
	r.mu.Lock()
	dark, lit := r.dark, r.lit
	r.mu.Unlock()
	if dark {
		<-lit
	}
}

// Close stops the relay and ends every connection through it.
func (r *Relay) Close() {
	r.ln.Close()
	r.mu.Lock()
	r.done = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.Blackhole(false)
	r.wg.Wait()
}

// track adds c to the connections Close ends, or closes it at once if the
// relay is closing.
func (r *Relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		c.Close()
		return false
	}
	r.conns[c] = true
	return true
}

func (r *Relay) untrack(c net.Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
	c.Close()
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		if !r.track(c) {
			continue
		}
		r.wg.Add(1)
		go r.serve(c)
	}
}

// serve dials the target for client c (once the relay is lit) and pumps
// both directions until either side ends.
func (r *Relay) serve(c net.Conn) {
	defer r.wg.Done()
	defer r.untrack(c)
	r.waitLight()
	t, err := net.Dial("tcp", r.target)
	if err != nil {
		return
	}
	if !r.track(t) {
		return
	}
	defer r.untrack(t)
	var pumps sync.WaitGroup
	pumps.Add(2)
	go func() { defer pumps.Done(); r.pump(c, t) }()
	go func() { defer pumps.Done(); r.pump(t, c) }()
	pumps.Wait()
}

type chunk struct {
	b   []byte
	due time.Time
}

// pump copies src to dst, each chunk delay after it was read. At src's
// end it half-closes dst; when dst fails it ends both.
func (r *Relay) pump(src, dst net.Conn) {
	q := make(chan chunk, relayQueue)
	go func() {
		defer close(q)
		for {
			b := make([]byte, relayChunk)
			n, err := src.Read(b)
			if n > 0 {
				q <- chunk{b[:n], time.Now().Add(r.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.due))
		r.waitLight()
		if _, err := dst.Write(c.b); err != nil {
			src.Close()
			dst.Close()
			for range q {
			}
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}
