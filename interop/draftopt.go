package interop

/*
#cgo LDFLAGS: -lzmq
#include <zmq.h>
#include <errno.h>

static int set_int_option(void *s, int opt, int value) {
	if (zmq_setsockopt(s, opt, &value, sizeof value) != 0)
		return zmq_errno();
	return 0;
}
*/
import "C"

import (
	"reflect"
	"syscall"

	zmq "github.com/pebbe/zmq4"
)

// setDraftInt sets an int option that pebbe/zmq4 has no setter for (the
// DRAFT options Debian's libzmq 4.3.4 carries, by their zmq.h numbers) on
// a libzmq socket. pebbe/zmq4 keeps the C socket in an unexported field;
// reflect reads it, and the call goes straight to zmq_setsockopt.
func setDraftInt(s *zmq.Socket, opt, value int) error {
	handle := reflect.ValueOf(s).Elem().FieldByName("soc").UnsafePointer()
	if e := C.set_int_option(handle, C.int(opt), C.int(value)); e != 0 {
		return syscall.Errno(e)
	}
	return nil
}
