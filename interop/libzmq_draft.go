package interop

/*
#cgo pkg-config: libzmq
#include <zmq.h>
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"reflect"
	"unsafe"

	zmq "github.com/pebbe/zmq4"
)

// zmqMetadata is ZMQ_METADATA, a DRAFT option of libzmq 4.3.4 that
// pebbe/zmq4's stable API does not carry (Debian's library has it).
const zmqMetadata = 95

// setsockoptBytes calls zmq_setsockopt on the libzmq socket beneath s
// with a binary value: the tests need options pebbe/zmq4 has no setter
// for. cgo is not allowed in _test.go files, hence this file.
//
// pebbe/zmq4 keeps the socket's void* in the unexported field soc; it is
// read with reflect, and the call fails loudly should the binding change.
func setsockoptBytes(s *zmq.Socket, opt int, v []byte) error {
	f := reflect.ValueOf(s).Elem().FieldByName("soc")
	if !f.IsValid() || f.Kind() != reflect.UnsafePointer {
		return fmt.Errorf("pebbe/zmq4's Socket has no soc pointer any more")
	}
	soc := *(*unsafe.Pointer)(unsafe.Pointer(f.UnsafeAddr()))
	var p unsafe.Pointer
	if len(v) > 0 {
		c := C.CBytes(v)
		defer C.free(c)
		p = c
	}
	if rc, err := C.zmq_setsockopt(soc, C.int(opt), p, C.size_t(len(v))); rc != 0 {
		return zmq.AsErrno(err)
	}
	return nil
}
