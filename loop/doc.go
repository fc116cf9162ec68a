// Package loop owns zring's engine: a fixed pool of I/O loops, each one
// goroutine locked to its OS thread, that own every file descriptor of the
// tcp and ipc transports — listeners, dialers with reconnect, and the
// per-connection sessions that drive the zmtp codec and move whole messages
// between the wire and ring pipes.
//
// Ownership. Everything a Loop owns (its poller, timers, listeners,
// connecters, sessions and their fds and buffers) is touched only on that
// loop's goroutine. Other goroutines reach it through Loop.Post (control
// commands: bind, connect, close) and through the pipes' wakers (a session
// whose out pipe gets data after its reader went to sleep is queued on the
// loop's ready list; the loop is woken by its eventfd only when it is, or is
// about to be, blocked in the poller — a burst costs one wake-up).
//
// Backend. The poller interface is the seam for backends. This release has
// epoll on golang.org/x/sys, level-triggered, with reads bounded by
// ZMQ_IN_BATCH_SIZE bytes and vectored writes bounded by ZMQ_OUT_BATCH_SIZE
// bytes. The io_uring backend and the portable netpoller backend come with
// the engine work; on systems other than Linux NewPool returns ENOTSUP for now.
package loop
