package zring_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/zring/zring"
)

// TestFrameSizesAcrossInputBuffer: a connection's input buffer starts at
// 16 KiB and grows for frames up to 32 KiB (larger ones are read into
// their own memory): every size around those edges arrives intact, alone
// and inside multipart messages.
func TestFrameSizesAcrossInputBuffer(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	push := sock(t, ctx, zring.PUSH)
	push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
	sizes := []int{0, 1, 8191, 8192, 16375, 16384, 16385, 24576, 32767, 32768, 32769, 40000, 65536, 200000}
	body := func(size, seed int) []byte {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(i*7 + seed)
		}
		return b
	}
	for i, size := range sizes {
		if err := push.Send(body(size, i), 0); err != nil {
			t.Fatal(err)
		}
	}
	parts := make([][]byte, len(sizes))
	for i, size := range sizes {
		parts[i] = body(size, 100+i)
	}
	if err := push.SendMultipart(parts, 0); err != nil {
		t.Fatal(err)
	}
	for i, size := range sizes {
		got, err := pull.Recv(0)
		if err != nil || !bytes.Equal(got, body(size, i)) {
			t.Fatalf("frame of %d bytes: %d bytes back, %v", size, len(got), err)
		}
	}
	got, err := pull.RecvMultipart(0)
	if err != nil || len(got) != len(sizes) {
		t.Fatalf("multipart: %d parts, %v", len(got), err)
	}
	for i := range sizes {
		if !bytes.Equal(got[i], parts[i]) {
			t.Fatalf("multipart part %d of %d bytes differs", i, sizes[i])
		}
	}
}

// TestLargeReadyCommand: a READY near zmtp's 64 KiB command limit (a long
// metadata property) needs the input buffer to grow before the handshake
// can finish; the connection then works.
func TestLargeReadyCommand(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	c := dialRaw(t, tcpAddr(t, bindAt(t, pull, "tcp://127.0.0.1:0")))
	long := bytes.Repeat([]byte("v"), 60000)
	ready := wireCommand("READY", append(wireProps("Socket-Type", "PUSH"), wireProps("X-Long", string(long))...))
	if _, err := c.Write(cat(wireGreeting(3, 1, "NULL"), ready, wireFrame(0, []byte("after")))); err != nil {
		t.Fatal(err)
	}
	got, err := pull.Recv(0)
	if err != nil || string(got) != "after" {
		t.Fatal(fmt.Sprintf("after a %d-byte READY: %q, %v", len(ready), got, err))
	}
}
