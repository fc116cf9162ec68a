// Package uring owns the raw io_uring ABI (the structs and constants of
// linux/io_uring.h that zring uses, in abi.go) and one ring: its setup, the
// three shared memory regions, and the submission and completion queues as
// seen from user space. It has no cgo and no liburing: io_uring_setup and
// io_uring_enter go through golang.org/x/sys/unix.
//
// It also holds provided-buffer rings (BufRing) with multishot receives and
// ring sends. The loop does not use them: paths_test.go measures them
// against readiness and read(2), and they did not win (BENCHMARKS.md,
// "Completion I/O through the ring").
//
// A Ring belongs to one goroutine. Nothing in it is locked: the only
// atomics are the head and tail words the kernel shares, which are ordered
// against it, not against other goroutines. The one exception is Enter,
// which may block in the kernel on one goroutine while another, under the
// caller's own lock, hands out and submits SQEs (see Enter). An SQE handed
// out by GetSQE is the caller's until the next Flush (which Submit and
// SubmitAndWait do) hands it to the kernel; a CQE is copied out by PopCQE,
// so nothing returned points into the rings after the call.
//
// The package builds on every system so that the portable code can name it,
// but only Linux has a ring.
package uring
