package loop

import (
	"sync"

	"github.com/zring/zring/internal/ring"
	"github.com/zring/zring/internal/zmtp"
)

// Sending on the connection. A frame the socket sends to a tcp or ipc
// peer is encoded by the sending goroutine straight into the session's
// write buffer (Peer.Write, session.sendDirect), as a bufio.Writer takes a
// write: no pipe in between, no loop woken per message. The buffer is
// written to the kernel
//
//   - by the sender itself when it holds a batch (Config.OutBatchSize), or
//     when the socket drives the connection (it waits on a reply: the
//     request goes out within its Send, as a driven session's Wake did);
//   - otherwise by the loop, scheduled once when the buffer stops being
//     empty, which catches a sender that goes quiet with bytes buffered.
//
// The pipe (peer.Out) stays for everything else, and takes over whenever
// the direct way cannot be used at once: the connection is not up (or is
// lingering, raw, conflating), the buffer is full and the kernel pushes
// back (the pipe's HWM then applies, as before), a frame of the same
// message went through the pipe, or the frame is large (its body is
// written from its own memory, through the pipe). Order holds because the
// session always takes the buffer first, then the pipe, and a frame goes
// direct only once the pipe is empty: the sender moves what the pipe holds
// into the buffer first.
//
// The sender waits for the loop's exec lock rather than falling back to
// the pipe when the loop holds it. With a try-lock, one miss (the loop
// writing the buffer it was scheduled to flush) sent frames to the pipe,
// which kept the loop busy, which made the next try miss: in
// BenchmarkOneSideTCP8/send 84% of the frames went through the pipe, at 88
// ns a frame, against 54 ns once the sender waits (the loop's hold is one
// write or one pass over its ready sessions).
//
// Measured (BENCHMARKS.md), 8 B PUSH to PULL over tcp: the sender's pipe
// write, flush (a compare-and-swap on a line the loop's goroutine reads
// on the other CPU) and the loop's read cost about 40 ns of its 113 ns per
// message.

// Write sends one frame to the peer: straight into its connection's write
// buffer when it can (see above), else into Out, flushed at the end of a
// message. The caller has checked Out.CheckWrite for the message's first
// frame, as for a pipe write; m's memory is the peer's after the call and
// m is zeroed. The writer's goroutine only.
func (p *Peer) Write(m *ring.Msg) {
	more := m.More()
	if !p.outPiped && p.sendDirect(m) {
		return
	}
	p.Out.Write(*m)
	*m = ring.Msg{}
	if p.outPiped != more {
		// Stored only when it changes: a Peer shares cache lines with
		// others (an inproc pair's two are made together), and a store
		// per message there cost inproc throughput three quarters of its
		// rate.
		p.outPiped = more
	}
	if !more {
		p.Out.Flush()
	}
}

// directMax is the largest frame sent directly. Larger ones go through
// the pipe, so that the loop's writes overlap the sender's work on another
// CPU: a write syscall moves only ZMQ_OUT_BATCH_SIZE bytes (8 KiB by
// default), eight 1 KiB messages, and a sender doing those writes itself
// measured 0.55-0.86 M msg/s at 1 KiB against 0.84-1.05 M through the
// loop. Below it a write carries dozens of messages or more, and the
// pipe's per-message cost is what counts.
const directMax = ring.SlabMax

// sendDirect encodes m into the connection's write buffer if the session
// is able (see session.sendDirect), and reports whether it did. It waits
// for the loop's exec lock (see above).
func (p *Peer) sendDirect(m *ring.Msg) bool {
	s := p.session.Load()
	if s == nil || !s.cfg.SendOnConn || len(m.Data) > directMax {
		return false
	}
	s.loop.exec.Lock()
	ok := s.peer == p && s.sendDirect(m)
	s.loop.exec.Unlock()
	if ok {
		if p.wslab != nil {
			p.wslab.Free(m)
		} else {
			m.Free()
		}
	}
	return ok
}

// sendDirect is Peer.sendDirect's work, under exec. m's bytes are copied;
// the caller frees m.
func (s *session) sendDirect(m *ring.Msg) bool {
	if s.fd < 0 || !s.active || s.finished || s.lingering || s.isRaw || s.cfg.Conflate ||
		s.dropTail || s.closeAfterWrite {
		return false
	}
	if s.peer.Out.Peek() && len(s.wbuf) < s.cfg.OutBatchSize && len(s.segs) < maxIovecs-2 {
		// Frames the pipe took (while the loop held the connection) go
		// first, taken here rather than left to the loop: otherwise one
		// miss keeps a streaming sender on the pipe for as long as the
		// loop finds frames there, which measured most of an 8 B stream.
		// Only into a write buffer with room: while the kernel pushes
		// back, the frames stay in the pipe, whose SNDHWM then holds the
		// sender. (Filling regardless moved a batch out of the pipe at
		// every Send: the buffer grew without bound and the pipe never
		// reached its HWM, 83 MiB in torture's halfopen/no-heartbeat.)
		s.fill()
	}
	if len(s.wbuf) >= s.cfg.OutBatchSize || len(s.segs) >= maxIovecs-2 || s.peer.Out.Peek() {
		s.writeOut()
		if s.fd < 0 || len(s.wbuf) >= s.cfg.OutBatchSize || len(s.segs) >= maxIovecs-2 || s.peer.Out.Peek() {
			return false // the kernel pushed back: the pipe and its HWM take over
		}
	}
	if len(s.segs) == 0 {
		s.directUnflushed = true
	}
	more := m.Flags&ring.More != 0
	var flags byte
	if more {
		flags |= zmtp.FlagMore
	}
	if m.Flags&ring.Command != 0 {
		flags |= zmtp.FlagCommand
	}
	off := len(s.wbuf)
	s.wbuf, _ = s.enc.AppendFrame(s.wbuf, flags, m.Data) // the body is copied: len ≤ directMax
	s.addWbufSeg(off, len(s.wbuf)-off)
	if more {
		return true // a message is written whole, if the kernel takes it
	}
	switch {
	case s.inlineSends > 0:
		// The socket drives the connection: write now, as Wake would.
		s.inlineSends--
		s.writeOut()
	case len(s.wbuf) >= s.cfg.OutBatchSize:
		s.writeOut()
	case s.directUnflushed && !s.scheduled.Swap(true):
		// The loop writes what is buffered unless the sender does first.
		s.loop.schedule(s)
	}
	s.directUnflushed = false
	return true
}

// Receiving on the connection. When the socket's own goroutine drives the
// connection (Peer.Drive while it spins, Peer.Wait while it waits), the
// messages that drive decodes go into the peer's local queue, a plain
// slice only that goroutine touches, instead of through the In pipe: the
// socket then takes them with Peer.Read at the cost of a slice index, with
// no atomic operation and no wake-up, as a net.Conn reader takes bytes out
// of its bufio.Reader.
//
// Order: a drive delivers locally only when the socket has read everything
// In published and nothing is half-delivered there (beginLocal), and the
// socket reads local before In, so whatever is local is older than
// whatever is in In. Wholeness: the socket sees only whole messages in
// local; a message the drive leaves unfinished (its last frames not read
// yet) continues in In, where the loop delivers the rest and publishes it
// whole (endLocal), or is dropped with the connection (dropLocalTail), as
// In's Rollback drops one. Bounds: a drive stops decoding, and reading,
// once the local queue holds localMax frames or it put localMaxBytes bytes
// there (checked at each message's end); the frames it read and left are
// decoded first by the socket's next drive, or into In when the socket
// stops driving (undrive). A connection's end is only found by reading,
// which comes after those frames are decoded; only an end found without
// reading (a heartbeat timeout, the socket closing) drops them, as it
// drops what the kernel still holds.

// localMax is the number of unread frames in a peer's local queue at
// which a drive stops decoding (at a message's end), and localMaxBytes the
// bytes one drive may put there: the rest of what it read waits in the
// session's input buffer for the socket's next drive, and the kernel
// keeps the rest, as a full pipe would make it. A drive costs a lock and
// a pooled queue, tens of nanoseconds, against a read syscall's
// microseconds for the same messages. Measured before the bounds were
// these: 64 KiB messages filling the queue by the thousand (512 MiB,
// unseen by RCVHWM) halved their rate; and queues grown per peer to one
// drive's messages, then handed on to the pipe past the bound, slowed a
// 1,000-subscriber fan-out by a fifth in growing and scanning them.
const (
	localMax      = 256
	localMaxBytes = 256 << 10
)

// localQueue is a peer's local queue: msgs[head:] are unread. Queues come
// from localPool when a drive delivers and go back once the socket has
// read them, so that a socket with a thousand peers, or a thousand
// sockets with one each, hold queue memory only for the peers with
// messages waiting.
type localQueue struct {
	msgs []ring.Msg
	head int
}

var localPool = sync.Pool{New: func() any { return &localQueue{msgs: make([]ring.Msg, 0, localMax)} }}

func (p *Peer) hasLocal() bool { return p.lq != nil && p.lq.head < len(p.lq.msgs) }

// releaseLocal returns an emptied local queue to the pool.
func (p *Peer) releaseLocal() {
	q := p.lq
	clear(q.msgs[q.head:]) // frames dropped (none, or freed) must not pin memory
	q.msgs, q.head = q.msgs[:0], 0
	p.lq = nil
	localPool.Put(q)
}

// beginLocal starts a drive of the socket's own: it delivers into
// peer.lq if that keeps the order (see above). Under exec, on the
// socket's goroutine.
func (s *session) beginLocal() {
	p := s.peer
	s.toLocal = s.cfg.RecvOnConn && p != nil && s.active && !s.isRaw && !s.inUnflushed && !s.dec.Mid() &&
		s.big.Data == nil && (p.lq == nil || len(p.lq.msgs)-p.lq.head < localMax) && p.In.Len() == 0
	if s.toLocal {
		if p.lq == nil {
			p.lq = localPool.Get().(*localQueue)
		}
		s.localMark, s.localBytes = len(p.lq.msgs), 0
	}
}

// endLocal ends it: the frames of a message not yet whole move to In,
// unpublished, where the rest of the message follows them.
func (s *session) endLocal() {
	if !s.toLocal {
		s.localFull = false
		s.tidyLocal()
		return
	}
	s.toLocal, s.localFull = false, false
	q := s.peer.lq
	for i := s.localMark; i < len(q.msgs); i++ {
		s.peer.In.Write(q.msgs[i])
		q.msgs[i] = ring.Msg{}
	}
	q.msgs = q.msgs[:s.localMark]
	s.tidyLocal()
}

// tidyLocal gives back a queue the drive took and left empty. On the
// socket's goroutine, in its drive.
func (s *session) tidyLocal() {
	if p := s.peer; p != nil && p.lq != nil && !p.hasLocal() {
		p.releaseLocal()
	}
}

// dropLocalTail frees the frames of a message the connection's end cut
// short in peer.lq, as In.Rollback does in the pipe.
// Only a drive of the socket's own (toLocal) may touch the queue: a close
// on the loop leaves it to the socket.
func (s *session) dropLocalTail() {
	s.localFull = false
	if s.toLocal {
		s.toLocal = false
		q := s.peer.lq
		for i := s.localMark; i < len(q.msgs); i++ {
			q.msgs[i].Free()
		}
		q.msgs = q.msgs[:s.localMark]
		s.tidyLocal()
	}
}

// processLocal is process's loop for what a socket's own drive mostly
// finds: short message frames (zmtp's Decoder.Short), each carved and
// copied straight into the peer's local queue, with the bounds deliver
// keeps. It reports whether it decoded any; what it stops at goes through
// process's general path.
func (s *session) processLocal() bool {
	q := s.peer.lq
	b := s.in.Bytes()
	used := 0
	for !s.localFull {
		n, more, _ := s.dec.Short(b[used:])
		if n == 0 {
			break
		}
		body := b[used+2 : used+n]
		used += n
		q.msgs = append(q.msgs, ring.Msg{})
		m := &q.msgs[len(q.msgs)-1]
		s.slab.NewMsgAt(m, len(body))
		copy(m.Data, body)
		s.localBytes += len(body)
		if more {
			m.Flags = ring.More
			continue
		}
		s.localMark = len(q.msgs)
		s.localFull = len(q.msgs)-q.head >= localMax || s.localBytes >= localMaxBytes
	}
	s.in.Consume(used)
	return used > 0
}

// Read moves the next frame received from the peer into *m and reports
// whether there was one: from the local queue, then from In. The socket's
// goroutine only, as In's reader. (*m is filled in place: a Msg returned
// by value through the receive path's calls cost a store-forwarding stall
// at each hop; with zmtp.Frame's, a third of an 8 B stream's receive.)
func (p *Peer) Read(m *ring.Msg) bool {
	if q := p.lq; q != nil && q.head < len(q.msgs) {
		*m = q.msgs[q.head]
		q.msgs[q.head] = ring.Msg{}
		if q.head++; q.head == len(q.msgs) {
			p.releaseLocal()
		}
		return true
	}
	msg, ok := p.In.Read()
	if ok {
		*m = msg
	}
	return ok
}

// HasIn reports whether Read would return a frame now (In.Peek, and the
// local queue).
func (p *Peer) HasIn() bool { return p.hasLocal() || p.In.Peek() }

// InClosed reports whether everything the peer's connection delivered has
// been read and no more will come (In.Closed, and the local queue).
func (p *Peer) InClosed() bool { return !p.hasLocal() && p.In.Closed() }

// DropIn stops reading the peer: the local queue is freed and In detached
// (In.Detach).
func (p *Peer) DropIn() {
	if q := p.lq; q != nil {
		for i := q.head; i < len(q.msgs); i++ {
			q.msgs[i].Free()
		}
		p.releaseLocal()
	}
	p.In.Detach()
}
