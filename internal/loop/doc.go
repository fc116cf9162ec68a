// Package loop owns zring's engine: a fixed pool of I/O loops (goroutines
// on Go's netpoller, or goroutines that own an OS thread blocked in
// epoll_wait, per backend) that own every file descriptor (or, on the conn
// backend, every net.Conn) of the tcp and ipc transports — listeners, dialers with reconnect, and the
// per-connection sessions that drive the zmtp codec and move whole messages
// between the wire and ring pipes.
//
// Ownership. Everything a Loop owns (its poller registrations, timers,
// listeners, connecters, sessions and their fds and buffers) is touched
// only by the holder of the loop's exec lock: the loop goroutine, which
// holds it while it runs posted work, timers and handlers and drops it
// while it sleeps in the poller, or a spinning socket (below). Other
// goroutines reach a loop through Loop.Post (control commands: bind,
// connect, close) and through the pipes' wakers (a session whose out pipe
// gets data after its reader went to sleep is queued on the loop's ready
// list; the loop is woken (eventfd or channel) only when it is, or is
// about to be, blocked in the poller — a burst costs one wake-up).
//
// Driven connections. A socket of a spinning context (the Spin option)
// that would block does its connections' I/O itself, under exec, instead
// of waiting for a loop to be woken and then waking it (Peer.Drive): it
// reads what the kernel has, writes what it sent, and while it keeps
// doing so the poller is not asked for the connection's read readiness.
// Sends on a driven connection are written by the sending goroutine. The
// connection goes back to the loop when the socket parks behind the loops
// (Peer.Undrive) or after driveIdle without a call (checked less often,
// up to driveIdleMax apart, while the socket keeps using it: each check
// wakes the loop). Measured (BENCHMARKS.md),
// 64 B request/reply p50 falls from about 35 µs to about 5 µs on an idle
// machine. The loops themselves never spin: a spinning loop was measured
// to take CPU from the sockets and raised p99 threefold.
//
// Waiting on the connection (wait.go). Spinning pays only while a CPU is
// idle; on a machine with none (one busy-loop process on two vCPUs), a
// socket that parked behind the loops was woken through three goroutine
// hand-offs (the fd's watcher, the loop, the socket), each of which may
// need an OS thread woken: 64 B request/reply p50 30 µs, against 13 µs for
// a plain Go TCP loop, whose reader is the goroutine parked in Go's
// netpoller on its own connection. So a socket blocked in a receive with
// one tcp or ipc peer now waits exactly that way (Peer.Wait): parked in
// the netpoller on a dup of the connection's fd, it drives the connection
// itself when the kernel wakes it, and the loop keeps only the timers and
// writes the kernel pushed back. Anything else that should end the wait
// interrupts it through a past read deadline (Peer.Interrupt). Sockets
// with several peers, inproc pipes, sends blocked at the HWM, reconnects,
// heartbeats and linger stay with the loops and the pipes. DESIGN.md
// planned every message through a loop and a pipe; the measurement on a
// loaded machine is why the common case no longer goes that way.
//
// Sending and receiving on the connection (direct.go). The pipes between
// a socket and its connections cost both ends atomic operations on shared
// cache lines for every message, and with an 8 B stream those were a
// third of each side's CPU. So a frame of at most 256 B that a socket
// sends to a tcp or ipc peer is encoded by the socket's goroutine straight
// into the connection's write buffer (Peer.Write), written by that
// goroutine once a batch is there or when it goes on to wait for a reply,
// else by the loop, scheduled once per batch; and the messages a socket's
// own drive decodes (spinning, or in Peer.Wait) go to a small pooled queue
// on the peer that only the socket's goroutine reads (Peer.Read), not into
// In. The pipes take over whenever the direct way would break order, the
// HWMs or a message's wholeness; larger frames keep the pipe because the
// loop then writes on another CPU meanwhile. Measured (BENCHMARKS.md), 8 B
// PUSH/PULL over tcp moved from 7.6-8.3 M to 9.6-11.7 M msg/s, while
// 1 KiB, 64 KiB, fan-out and request/reply stayed where they were.
//
// Each side alone (BenchmarkOneSideTCP8, against a plain TCP peer that
// costs nothing per message): a frame received costs 35-37 ns, sent 54-62
// ns. Two things got them there from 90 and 88. On receiving, frames are
// built in place (Decoder.Short, Slab.NewMsgAt, Peer.Read filling the
// caller's Msg): a Msg or a zmtp.Frame returned by value is copied with
// overlapping 16-byte moves, and the next copy's load cannot take its
// bytes from those stores, so each hop stalled. On sending, the sender
// waits for the loop's exec lock instead of falling back to the pipe on a
// miss, and takes what the pipe holds into the buffer first: with the
// try-lock, one miss put frames in the pipe, the pipe kept the loop busy,
// and most frames then missed. What remains on the send side is two atomic
// operations (the lock) and the write syscall per batch, each about a
// sixth of its cost.
//
// Backends. The poller interface is the seam. Four backends exist, chosen
// per pool (PoolConfig.Backend, the context's Backend option, or
// ZRING_BACKEND):
//
//   - netpoll (the default): readiness comes from Go's own netpoller,
//     through a watcher goroutine per fd and direction; the loop is an
//     ordinary goroutine. Every hand-off on the message path is then
//     between goroutines. Measured with the perf tools (BENCHMARKS.md),
//     64 B request/reply p50 is 34-36 µs against epoll's 49-74 µs and
//     libzmq's 44 µs, at equal small-message throughput.
//   - epoll on golang.org/x/sys, level-triggered: each loop owns an OS
//     thread blocked in epoll_wait, which can be named and pinned
//     (IOThreadCPUs). Waking such a thread costs tens of microseconds on a
//     virtual machine, which is what netpoll avoids; it keeps a lead for
//     64 KiB messages (1.67x libzmq against netpoll's 1.46x).
//   - io_uring on golang.org/x/sys (internal/uring, no cgo): one-shot
//     polls in the ring re-armed after each handler (level semantics), the
//     submissions of a loop iteration sent by the io_uring_enter that
//     waits. Where io_uring cannot be set up it falls back to epoll with
//     one log line. Readiness through the ring measured no better than
//     epoll (BENCHMARKS.md). Completion I/O (multishot receives into
//     provided buffers, sends through the ring) was measured too, in
//     internal/uring's BenchmarkRecvStream and BenchmarkRecvPingPong, and
//     is not used: it moved a stream no faster and a blocking round trip
//     no sooner than epoll and read(2), since the cost there is the thread
//     wake-up, not the syscalls; a socket spinning on the completion ring
//     waited 3x longer than one spinning on read(2), because the kernel
//     hands completions to the ring's thread by interrupting it; and the
//     mode that avoids that (DEFER_TASKRUN) ties a ring to one OS thread,
//     which a spinning socket driving its connection is not.
//   - conn (conn.go; Windows' default and only backend, selectable
//     everywhere, which is how Linux tests it: ZRING_BACKEND=conn): no
//     file descriptors of its own. Each connection is a net.Conn with a
//     reader goroutine filling a bounded ring and a writer goroutine
//     draining another, each listener a net.Listener with an acceptor
//     goroutine, each connect a net.Dialer's on a goroutine; the loop sees
//     them as non-blocking sockets (a read returns what has arrived or
//     EAGAIN, a write takes what fits or EAGAIN, a connect's end makes
//     the handle writable) and gets their readiness posted as the netpoll
//     backend posts its watchers'. Sessions, connecters, listeners and the
//     SOCKS5 client are the same code on every backend; the engine's fd
//     is a number that names the conn handle (conn_handle.go), and the
//     fd-level functions tell the two apart by a comparison. Socket options
//     go through syscall.RawConn.Control to the same setsockopt calls as
//     the fd backends (conn_unix.go, conn_windows.go, which lists what
//     Windows lacks). It was chosen over a Windows backend of raw
//     sockets and completion ports for what it needs, not by measurement:
//     Go's runtime already owns an IOCP, and package net is the way to it;
//     Windows has no readiness API of epoll's or netpoll's shape short of
//     AFD tricks (wepoll); and it runs, so is tested, on Linux, which a
//     Windows-only backend could not be here. Its costs, measured with
//     the perf tools (tcp loopback, a 2 vCPU VM shared with other work,
//     2-3 interleaved runs each): 8 B throughput
//     9.8-11.2 M msg/s against netpoll's 10.2-14.6 M, 64 KiB 14.3-16.8 k
//     against 18.3-18.4 k (every byte is copied once more, through the
//     rings); 64 B request/reply p50 40-42 µs against netpoll's 7-13 µs
//     (6.5-28 µs with ZRING_CONNWAIT=0), since a socket can neither spin
//     on the kernel nor wait in the netpoller on its connection (Peer.Wait
//     reports WaitUnsupported): bytes reach it through the reader
//     goroutine, which the netpoller wakes only when a CPU looks for work.
//     A closed connection's writer still writes what its ring holds, as a
//     kernel would (connCloseFlush), and Pool.Close waits for that.
//
// All read at most ZMQ_IN_BATCH_SIZE bytes a call and write at most
// ZMQ_OUT_BATCH_SIZE bytes a vectored write.
// DESIGN.md planned epoll as the engine and netpoll as the portable
// fallback; the measurement reversed that for the default.
//
// Why x/sys and not gnet/v2. bench/gnetprobe rebuilds local_thr and
// local_lat on gnet v2.9.7 with this module's zmtp codec and measures them
// beside zring's tools, libzmq's remote_thr/remote_lat sending (2 vCPU VM,
// tcp loopback, medians of 4-5 interleaved runs). With the same hand-off to
// an application goroutine over a ring.Pipe that zring does, gnet receives
// 5.57 M msg/s at 8 B against zring's 5.19 M (1.07x), 4.20 M at 64 B
// against 4.07 M (1.03x), both inside this machine's noise, and 30.5 k at
// 64 KiB against 39.1 k (0.78x: gnet copies every body through its own
// buffer; zring reads big frames straight into the message). gnet cannot
// stop reading a connection and has no writable callback, so a full pipe
// cannot push back on the sender: its heap grew to ~150 MiB where zring's
// stays at 1.2 MiB, and on close it frees input not yet decoded. Its
// request/reply p50 was 51 µs against zring's epoll loop's 57 µs, which
// pointed at zring's wake path (a hand-off into a thread blocked in
// epoll_wait), not at epoll; the netpoll backend removed that hand-off
// (34-36 µs). So zring keeps its own loops, and gnet is used nowhere.
package loop
