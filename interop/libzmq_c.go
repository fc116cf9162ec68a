package interop

// The tests' way into libzmq's C API, for what github.com/pebbe/zmq4 has
// no call for: DRAFT options Debian's 4.3.4 carries (ZMQ_METADATA,
// ZMQ_ONLY_FIRST_SUBSCRIBE, ZMQ_XPUB_MANUAL_LAST_VALUE) and the SOCKS
// options. It is here, not in a _test.go file, because cgo cannot be used
// in tests.

// #cgo !windows pkg-config: libzmq
// #include <stdlib.h>
// #include <zmq.h>
import "C"

import (
	"errors"
	"reflect"
	"syscall"
	"unsafe"

	zmq "github.com/pebbe/zmq4"
)

// ZMQ_METADATA, a DRAFT option, by its number in zmq.h.
const zmqMetadata = 95

func zmqErr() error { return syscall.Errno(C.zmq_errno()) }

// handle is the C socket beneath a pebbe/zmq4 socket, which keeps it in
// the unexported field soc; reflect reads it, and a binding that changed
// makes the call fail loudly rather than pass a wrong pointer.
func handle(s *zmq.Socket) (unsafe.Pointer, error) {
	f := reflect.ValueOf(s).Elem().FieldByName("soc")
	if !f.IsValid() || f.Kind() != reflect.UnsafePointer {
		return nil, errors.New("pebbe/zmq4's Socket has no soc pointer any more")
	}
	return f.UnsafePointer(), nil
}

// setBytes calls zmq_setsockopt with a binary or string value; nil passes
// C's NULL, an empty slice a valid pointer and length 0.
func setBytes(soc unsafe.Pointer, opt int, v []byte) error {
	var p unsafe.Pointer
	if v != nil {
		p = C.CBytes(append(v[:len(v):len(v)], 0))
		defer C.free(p)
	}
	if C.zmq_setsockopt(soc, C.int(opt), p, C.size_t(len(v))) != 0 {
		return zmqErr()
	}
	return nil
}

// setInt calls zmq_setsockopt with a C int.
func setInt(soc unsafe.Pointer, opt, v int) error {
	c := (*C.int)(C.malloc(C.size_t(unsafe.Sizeof(C.int(0)))))
	defer C.free(unsafe.Pointer(c))
	*c = C.int(v)
	if C.zmq_setsockopt(soc, C.int(opt), unsafe.Pointer(c), C.size_t(unsafe.Sizeof(*c))) != 0 {
		return zmqErr()
	}
	return nil
}

// setsockoptBytes sets a binary or string option on a pebbe/zmq4 socket.
func setsockoptBytes(s *zmq.Socket, opt int, v []byte) error {
	soc, err := handle(s)
	if err != nil {
		return err
	}
	return setBytes(soc, opt, v)
}

// setDraftInt sets an int option on a pebbe/zmq4 socket.
func setDraftInt(s *zmq.Socket, opt, v int) error {
	soc, err := handle(s)
	if err != nil {
		return err
	}
	return setInt(soc, opt, v)
}

// rawLibzmq is a libzmq socket driven through the C API alone, with a
// context of its own: the SOCKS tests use it.
type rawLibzmq struct {
	ctx, s unsafe.Pointer
}

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

func (r *rawLibzmq) setBytes(opt int, v []byte) error { return setBytes(r.s, opt, v) }

func (r *rawLibzmq) setInt(opt, v int) error { return setInt(r.s, opt, v) }

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
