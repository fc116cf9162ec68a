// Package zring is ZeroMQ in pure Go: the socket types of zmq_socket(3),
// the options of zmq_setsockopt(3), and ZMTP 3.1 on the wire, so libzmq,
// pyzmq, JeroMQ and CZMQ programs are its peers.
//
// The root package is the whole public API: Context, Socket, Msg, the
// options and the errors. Everything behind it is internal (the socket
// types in internal/sockets, the engine in internal/loop, the wire protocol
// in internal/zmtp, the pipes in internal/ring), so that it can change
// without breaking a caller.
//
// A Socket, like a libzmq socket, belongs to one goroutine at a time.
// Errors are Errno values with libzmq's numbers (ErrAgain is EAGAIN, ErrFSM
// is EFSM ...) and match the syscall errno of the same name with errors.Is;
// Bind, Connect and friends wrap them in an *OpError naming the endpoint.
package zring
