// Package interop tests zring against libzmq 4.3.4 on the wire.
//
// It is a separate module so that the main module stays free of cgo: the
// libzmq side is driven through github.com/pebbe/zmq4 (and draftopt.go
// sets the DRAFT options it has no setter for). The tests are in _test.go
// files; run them with `go test ./...` in this directory.
package interop
