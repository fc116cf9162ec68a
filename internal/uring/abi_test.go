//go:build linux

package uring

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestABILayout checks every struct against the kernel's layout
// (include/uapi/linux/io_uring.h): total size, and the offset of each field
// by name.
func TestABILayout(t *testing.T) {
	for _, c := range []struct {
		v       any
		size    uintptr
		offsets map[string]uintptr
	}{
		{Params{}, 120, map[string]uintptr{
			"SQEntries": 0, "CQEntries": 4, "Flags": 8, "SQThreadCPU": 12, "SQThreadIdle": 16,
			"Features": 20, "WQFd": 24, "Resv": 28, "SQOff": 40, "CQOff": 80,
		}},
		{SQRingOffsets{}, 40, map[string]uintptr{
			"Head": 0, "Tail": 4, "RingMask": 8, "RingEntries": 12, "Flags": 16,
			"Dropped": 20, "Array": 24, "Resv1": 28, "UserAddr": 32,
		}},
		{CQRingOffsets{}, 40, map[string]uintptr{
			"Head": 0, "Tail": 4, "RingMask": 8, "RingEntries": 12, "Overflow": 16,
			"CQEs": 20, "Flags": 24, "Resv1": 28, "UserAddr": 32,
		}},
		{SQE{}, 64, map[string]uintptr{
			"Opcode": 0, "Flags": 1, "IOPrio": 2, "Fd": 4, "Off": 8, "Addr": 16, "Len": 24,
			"OpFlags": 28, "UserData": 32, "BufIndex": 40, "Personality": 42, "FileIndex": 44,
			"Addr3": 48,
		}},
		{CQE{}, 16, map[string]uintptr{"UserData": 0, "Res": 8, "Flags": 12}},
		{GeteventsArg{}, 24, map[string]uintptr{"Sigmask": 0, "SigmaskSz": 8, "MinWaitUsec": 12, "Ts": 16}},
		{KernelTimespec{}, 16, map[string]uintptr{"Sec": 0, "Nsec": 8}},
		{BufReg{}, 40, map[string]uintptr{"RingAddr": 0, "RingEntries": 8, "Bgid": 12, "Flags": 14}},
		{Buf{}, 16, map[string]uintptr{"Addr": 0, "Len": 8, "Bid": 12, "Resv": 14}},
	} {
		typ := reflect.TypeOf(c.v)
		if typ.Size() != c.size {
			t.Errorf("%s: size %d, kernel's is %d", typ.Name(), typ.Size(), c.size)
		}
		named := 0
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if f.Name == "_" {
				continue
			}
			named++
			want, ok := c.offsets[f.Name]
			if !ok {
				t.Errorf("%s.%s: not in the kernel layout table", typ.Name(), f.Name)
			} else if f.Offset != want {
				t.Errorf("%s.%s: offset %d, kernel's is %d", typ.Name(), f.Name, f.Offset, want)
			}
		}
		if named != len(c.offsets) {
			t.Errorf("%s: %d named fields, table has %d", typ.Name(), named, len(c.offsets))
		}
	}
	if sqeSize != unsafe.Sizeof(SQE{}) || cqeSize != unsafe.Sizeof(CQE{}) {
		t.Error("sqeSize/cqeSize disagree with the structs")
	}
}

func TestPoll32(t *testing.T) {
	want := uint32(0x0005)
	if bigEndian {
		want = 0x00050000
	}
	if got := poll32(0x0005); got != want {
		t.Fatalf("poll32(5) = %#x, want %#x", got, want)
	}
}
