//go:build linux

package loop

import (
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// eventHost counts the listener's events.
type eventHost struct{ failed, accepted atomic.Int32 }

func (h *eventHost) Attach(*Peer) {}
func (h *eventHost) Detach(*Peer) {}
func (h *eventHost) Event(e Event) {
	switch e.Kind {
	case EventAcceptFailed:
		h.failed.Add(1)
	case EventAccepted:
		h.accepted.Add(1)
	}
}

// TestAcceptBackoff: with the process out of file descriptors, a
// connection waiting in the backlog makes every accept fail (EMFILE). The
// listener must not spin on it (a level-triggered poller reports it again
// at once): it pauses, doubling the pause, and accepts the connection once
// descriptors are free again.
func TestAcceptBackoff(t *testing.T) {
	pool, err := NewPool(PoolConfig{Loops: 1, Backend: BackendEpoll})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	host := &eventHost{}
	cfg := Config{SocketType: "PULL", MaxMsgSize: -1, SndHWM: 10, RcvHWM: 10,
		ReconnectIvl: -1, InBatchSize: 8192, OutBatchSize: 8192}
	ln, _, err := pool.loops[0].Listen(Address{Transport: "tcp", TCP: netip.MustParseAddrPort("127.0.0.1:0")}, cfg, host)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close(0)
	_, sa := sockaddr(ln.addr)

	// Everything that needs a descriptor comes before the limit drops.
	null, err := unix.Open(os.DevNull, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(null)
	client, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(client)
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	highest := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			highest = max(highest, n)
		}
	}
	var orig unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	lowered := orig
	lowered.Cur = uint64(highest + 1)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lowered); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	var fill []int // every free descriptor below the limit
	for {
		fd, err := unix.FcntlInt(uintptr(null), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			break
		}
		fill = append(fill, fd)
	}
	release := func() {
		for _, fd := range fill {
			unix.Close(fd)
		}
		fill = nil
		unix.Setrlimit(unix.RLIMIT_NOFILE, &orig)
	}
	defer release()

	if err := unix.Connect(client, sa); err != nil { // completes in the backlog
		release()
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	failed := host.failed.Load()
	release()
	// Pauses of 5, 10, 20, 40, 80 and 160 ms fit about six failures in
	// 300 ms; spinning made thousands.
	if failed == 0 || failed > 12 {
		t.Fatalf("%d failed accepts in 300 ms with no descriptor free, want a handful", failed)
	}
	deadline := time.Now().Add(3 * time.Second)
	for host.accepted.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("connection not accepted once descriptors were free")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
