package zmq4

// Version reports the libzmq version whose behaviour zring follows, 4.3.4:
// programs that compare it against a feature's version find zring has it.
func Version() (major, minor, patch int) { return 4, 3, 4 }

// What zring carries, as zmq_has(3) reports it for libzmq: CURVE and ipc
// yes; GSSAPI, NORM, PGM and TIPC no (their endpoints fail with
// EPROTONOSUPPORT, their options with EINVAL, as in a libzmq built without
// them).

// HasCurve reports true: zring has the CURVE mechanism.
func HasCurve() bool { return true }

// HasGssapi reports false: zring has no GSSAPI mechanism.
func HasGssapi() bool { return false }

// HasIpc reports true: zring has the ipc transport.
func HasIpc() bool { return true }

// HasNorm reports false: zring has no norm transport.
func HasNorm() bool { return false }

// HasPgm reports false: zring has no pgm or epgm transport.
func HasPgm() bool { return false }

// HasTipc reports false: zring has no tipc transport.
func HasTipc() bool { return false }
