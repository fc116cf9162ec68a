// Package sockets owns the socket types of zmq_socket(3) and their routing:
// load-balancing out (lb), fair-queueing in (fq), the REQ and REP state
// machines, the mute-state action of each type, the options table, the
// inproc transport (two sockets' pipes joined directly) and the context that
// ties sockets, inproc names and the loop pool together.
//
// Goroutines. A Socket, like a libzmq socket, is used by one goroutine at a
// time (the application's). The loops reach it only through its mailbox
// (Attach/Detach, which queue a command and wake it) and through the pipes'
// wakers. Everything a pattern holds is owned by the socket's goroutine.
//
// Messages. A Msg's Data passes to the pipe on Send (zero-copy) and to the
// caller on Recv; see ring.Msg for the ownership rules.
package sockets
