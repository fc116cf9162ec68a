// Package interop tests zring against libzmq 4.3.4 on the wire.
//
// It is a separate module so that the main module stays free of cgo: the
// libzmq side is driven through github.com/pebbe/zmq4, and through the C
// API (libzmq_c.go) for the DRAFT and SOCKS options zmq4 cannot set.
// Everything else here is in _test.go files; run it with `go test ./...` in
// this directory.
package interop
