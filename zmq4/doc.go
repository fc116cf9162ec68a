// Package zmq4 is the API of github.com/pebbe/zmq4 v1.4.0, the cgo binding
// of libzmq, over zring: a program written for pebbe/zmq4 builds and runs
// on zring, with no cgo and no libzmq, once its import path is changed:
//
//	import zmq "github.com/zring/zring/zmq4"
//
// It owns that translation and nothing else: the names, signatures and Go
// types of pebbe/zmq4 (strings and []byte for frames, time.Duration for
// intervals, bool for on/off options, Errno for errors), the default
// context and the package-level functions that use it, the context options
// zring has no place for, the Poller's numbered items, the Reactor, and
// the Auth* functions' rules. Sockets, polling, the proxy, the ZAP
// decisions and the wire are the root package's (zring.Socket,
// zring.Poller, zring.Proxy, zring.Authenticator); behaviour follows
// libzmq 4.3.4, which Version reports.
//
// # Errors
//
// A failed call returns the bare Errno of its libzmq error number, as
// pebbe/zmq4 does, so err == zmq4.ETERM and zmq4.AsErrno(err) ==
// zmq4.Errno(syscall.EAGAIN) hold where they would there; zring's
// *zring.OpError, which names the endpoint or option, is reduced to its
// number. Errno also has an Is method (pebbe's has not): errors.Is matches
// it against the syscall.Errno and zring.Errno of the same number. The
// numbers are Linux's on every system, as zring's are. Calls on a closed
// Socket return ErrorSocketClosed, and on a terminated Context
// ErrorContextClosed, as pebbe/zmq4's do; the ErrorNotImplemented errors
// are never returned, zring having everything of libzmq 4.3.4 they guard.
//
// # What differs from pebbe/zmq4, and why
//
// zring is not libzmq, and some of libzmq cannot be had in pure Go, or is
// not built into zring:
//
//   - No call is ever interrupted by a signal (EINTR): zring runs no C.
//     SetRetryAfterEINTR keeps its setting, which changes nothing.
//   - The context options that only libzmq's own threads can honour are
//     kept and validated as libzmq 4.3.4 does (get/set round-trip, EINVAL
//     for values it refuses) but have no effect: SetThreadPriority and
//     SetThreadSchedPolicy (zring's I/O loops are goroutines, or threads it
//     does not reschedule), and SetMaxMsgsz (libzmq 4.3.4 does not enforce
//     it either). SetIoThreads and SetMaxSockets apply, from the context's
//     first socket on, as in libzmq; IO threads 0 allows inproc only
//     (EMTHREAD otherwise), and MaxSockets counts the sockets made through
//     this package (EMFILE past it). SetBlocky(false) and SetIpv6 set the
//     linger and ZMQ_IPV6 of the sockets made afterwards, as libzmq does.
//   - GetFd fails with EINVAL: a zring socket has no file descriptor to
//     give (ZMQ_FD). Wait with a Poller or a Reactor instead.
//   - What zring does not carry answers as a libzmq built without it: the
//     GSSAPI and VMCI options fail with EINVAL, pgm, epgm, norm, tipc, vmci
//     and udp endpoints with EPROTONOSUPPORT, and HasGssapi, HasNorm,
//     HasPgm and HasTipc report false. The multicast options (Rate,
//     RecoveryIvl, MulticastHops, MulticastMaxtpdu), which libzmq keeps
//     whatever it was built with, are kept and validated here, without
//     effect.
//   - Monitor never publishes zring's EventMessagesDropped (0x8000), which
//     libzmq does not have, even for EVENT_ALL.
//   - Connection properties (RecvWithMetadata) match their names whatever
//     their case; libzmq matches them exactly.
//   - A Poller's timeout counts in whole milliseconds, as zmq_poll's: less
//     than one looks once. A socket may be in several Pollers, or a Poller
//     and a Reactor; zring wakes one waiter per socket, so a Poll first
//     takes the wake-ups of sockets another Poller used since, at the cost
//     of a pass over its items.
//   - Reactor.Run with channels and a negative interval returns an error at
//     once, rather than poll forever and never read the channels.
//   - Proxy and ProxySteerable are zring's: a control command other than
//     PAUSE, RESUME, TERMINATE and STATISTICS returns EINVAL where libzmq
//     4.3.4 aborts the process, and a REP control socket gets an empty reply
//     to each command but STATISTICS, as later libzmq versions send.
//   - The Auth* functions serve the default context, as pebbe/zmq4's do,
//     through zring.Authenticator: addresses may be CIDR prefixes and IPv6,
//     an address or key that cannot be read is ignored (logged when
//     verbose), verbose logs go through log/slog's default logger, and
//     passwords are never logged. The rules outlive AuthStop, as pebbe's
//     do, and apply to the next AuthStart.
//   - Z85decode returns "" for text that is not Z85, as zmq_z85_decode
//     returns NULL.
//   - A Socket dropped without Close is closed by the garbage collector, as
//     pebbe/zmq4 does, so that Term does not wait for it forever.
//
// Not here: the github.com/pebbe/zmq4/draft package (the draft socket
// types, SERVER, CLIENT, RADIO, DISH and the rest, which zring does not
// have).
package zmq4
