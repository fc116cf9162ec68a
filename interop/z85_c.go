package interop

// libzmq's Z85 and CURVE key functions (zmq_z85_encode, zmq_z85_decode,
// zmq_curve_keypair, zmq_curve_public), which pebbe/zmq4 wraps with its own
// checks in front; the tests need libzmq's answers as they are. cgo cannot
// be used in _test.go files, hence this file.

// #cgo !windows pkg-config: libzmq
// #include <stdint.h>
// #include <stdlib.h>
// #include <string.h>
// #include <zmq.h>
import "C"

import "unsafe"

// libzmqZ85Encode calls zmq_z85_encode on data; a NULL return is the error,
// with libzmq's errno.
func libzmqZ85Encode(data []byte) (string, error) {
	dest := (*C.char)(C.malloc(C.size_t(len(data)*5/4 + 1)))
	defer C.free(unsafe.Pointer(dest))
	src := (*C.uint8_t)(C.CBytes(append(data[:len(data):len(data)], 0))) // never a zero-size allocation
	defer C.free(unsafe.Pointer(src))
	if C.zmq_z85_encode(dest, src, C.size_t(len(data))) == nil {
		return "", zmqErr()
	}
	return C.GoString(dest), nil
}

// libzmqZ85Decode calls zmq_z85_decode on s as a C string, so libzmq reads s
// only up to its first NUL. The result has strlen*4/5 bytes, as libzmq
// writes.
func libzmqZ85Decode(s string) ([]byte, error) {
	str := C.CString(s)
	defer C.free(unsafe.Pointer(str))
	n := int(C.strlen(str)) * 4 / 5
	dest := (*C.uint8_t)(C.malloc(C.size_t(n + 1)))
	defer C.free(unsafe.Pointer(dest))
	if C.zmq_z85_decode(dest, str) == nil {
		return nil, zmqErr()
	}
	return C.GoBytes(unsafe.Pointer(dest), C.int(n)), nil
}

// libzmqCurveKeypair calls zmq_curve_keypair: two 40-character Z85 keys.
func libzmqCurveKeypair() (public, secret string, err error) {
	buf := (*C.char)(C.malloc(2 * 41))
	defer C.free(unsafe.Pointer(buf))
	sec := (*C.char)(unsafe.Add(unsafe.Pointer(buf), 41))
	if C.zmq_curve_keypair(buf, sec) != 0 {
		return "", "", zmqErr()
	}
	return C.GoString(buf), C.GoString(sec), nil
}

// libzmqCurvePublic calls zmq_curve_public. secret must be 40 characters:
// libzmq decodes it into a 32-byte buffer without checking its length.
func libzmqCurvePublic(secret string) (string, error) {
	if len(secret) != 40 {
		panic("libzmqCurvePublic: zmq_curve_public would overrun its buffer")
	}
	sec := C.CString(secret)
	defer C.free(unsafe.Pointer(sec))
	pub := (*C.char)(C.malloc(41))
	defer C.free(unsafe.Pointer(pub))
	if C.zmq_curve_public(pub, sec) != 0 {
		return "", zmqErr()
	}
	return C.GoString(pub), nil
}
