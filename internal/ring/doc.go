// Package ring holds what moves messages between goroutines and buffers
// bytes for I/O loops, with no system calls:
//
//   - Msg, one frame of a message, whose bytes may come from a pool of
//     power-of-two size classes (64 B to 1 MiB) so that the hot path
//     allocates nothing;
//   - Pipe, libzmq's pipe: a lock-free single-producer single-consumer queue
//     of frames between a socket and one peer, bounded by a high-water mark
//     counted in messages, with the ypipe handshake by which a reader that
//     found the pipe empty is woken exactly once when frames arrive;
//   - Buffer, the growable byte buffer into which an I/O loop reads a
//     connection's inbound bytes and from which the ZMTP decoder consumes them.
//
// # Ownership
//
// A Msg is owned by one party at a time. NewMsg's bytes are borrowed from the
// pool until Free; Pipe.Write hands the Msg (and the duty to Free it) to the
// pipe, and Pipe.Read hands it to the reader. Copies of a Msg share its bytes:
// once it has been handed on or freed, other copies must not be used.
//
// # Goroutines
//
// A Pipe has one writer goroutine and one reader goroutine at a time; each
// side may move to another goroutine across a synchronizing hand-over. The
// pipe never blocks or parks anybody: it tells each side, through a Waker the
// other side calls, when waiting is over. A Buffer belongs to one goroutine.
package ring
