package interop

// #cgo !windows pkg-config: libzmq
// #include <stdlib.h>
// #include <zmq.h>
import "C"

import (
	"errors"
	"syscall"
	"unsafe"
)

// rawLibzmq is a libzmq socket driven through the C API directly, for the
// options github.com/pebbe/zmq4 has no setter for (ZMQ_SOCKS_PROXY,
// ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD). It has a context of its own. It
// is here, not in a _test.go file, because cgo cannot be used in tests.
type rawLibzmq struct {
	ctx, s unsafe.Pointer
}

func zmqErr() error { return syscall.Errno(C.zmq_errno()) }

func newRawLibzmq(typ int) (*rawLibzmq, error) {
	ctx := C.zmq_ctx_new()
	if ctx == nil {
		return nil, zmqErr()
	}
	s := C.zmq_socket(ctx, C.int(typ))
	if s == nil {
		err := zmqErr()
		C.zmq_ctx_term(ctx)
		return nil, err
	}
	return &rawLibzmq{ctx: ctx, s: s}, nil
}

// setBytes sets a binary or string option; nil passes C's NULL.
func (r *rawLibzmq) setBytes(opt int, v []byte) error {
	var p unsafe.Pointer
	if v != nil {
		p = C.CBytes(append(v[:len(v):len(v)], 0)) // never NULL for an empty value
		defer C.free(p)
	}
	if C.zmq_setsockopt(r.s, C.int(opt), p, C.size_t(len(v))) != 0 {
		return zmqErr()
	}
	return nil
}

func (r *rawLibzmq) setInt(opt, v int) error {
	c := C.int(v)
	if C.zmq_setsockopt(r.s, C.int(opt), unsafe.Pointer(&c), C.size_t(unsafe.Sizeof(c))) != 0 {
		return zmqErr()
	}
	return nil
}

// getString reads a string option, without its terminating NUL.
func (r *rawLibzmq) getString(opt int) (string, error) {
	buf := (*[1024]byte)(C.malloc(1024))
	defer C.free(unsafe.Pointer(buf))
	n := C.size_t(len(buf))
	if C.zmq_getsockopt(r.s, C.int(opt), unsafe.Pointer(&buf[0]), &n) != 0 {
		return "", zmqErr()
	}
	if n == 0 {
		return "", errors.New("zmq_getsockopt: no NUL")
	}
	return string(buf[:n-1]), nil
}

func (r *rawLibzmq) bind(ep string) error {
	c := C.CString(ep)
	defer C.free(unsafe.Pointer(c))
	if C.zmq_bind(r.s, c) != 0 {
		return zmqErr()
	}
	return nil
}

func (r *rawLibzmq) connect(ep string) error {
	c := C.CString(ep)
	defer C.free(unsafe.Pointer(c))
	if C.zmq_connect(r.s, c) != 0 {
		return zmqErr()
	}
	return nil
}

// send sends one single-frame message (blocking up to ZMQ_SNDTIMEO).
func (r *rawLibzmq) send(b []byte) error {
	p := C.CBytes(append(b[:len(b):len(b)], 0))
	defer C.free(p)
	if C.zmq_send(r.s, p, C.size_t(len(b)), 0) < 0 {
		return zmqErr()
	}
	return nil
}

// recv receives one frame of at most 4096 bytes (blocking up to
// ZMQ_RCVTIMEO).
func (r *rawLibzmq) recv() ([]byte, error) {
	buf := C.malloc(4096)
	defer C.free(buf)
	n := C.zmq_recv(r.s, buf, 4096, 0)
	if n < 0 {
		return nil, zmqErr()
	}
	return C.GoBytes(buf, n), nil
}

// close closes the socket with linger 0 and terminates its context.
func (r *rawLibzmq) close() {
	r.setInt(C.ZMQ_LINGER, 0)
	C.zmq_close(r.s)
	C.zmq_ctx_term(r.ctx)
}
