//go:build linux

package main

// Network namespaces for the scenarios that cut, drop or degrade a link
// (halfopen.go, loss.go): two namespaces of their own, A and B, joined by
// a veth pair, so that a fault is a real kernel's and touches nothing
// outside them. The veth ends are made directly inside the namespaces, so
// no interface ever appears in the machine's own namespace, and the
// addresses (10.77.0.1 and 10.77.0.2) exist only in there: several runs
// at once cannot collide, because only the namespaces' names are global,
// and they carry this process's id.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Link is a pair of network namespaces joined by a veth pair: the peer in
// A is reached at AddrA, the one in B at AddrB.
type Link struct {
	A, B         string // namespace names
	AddrA, AddrB string
	devA, devB   string // the veth end in each
}

// linkPrefix starts every namespace this package makes: "zt-link-<pid>-".
const linkPrefix = "zt-link-"

var linkSeq atomic.Int64

// newLink makes two fresh namespaces joined by a veth pair, both ends up
// and addressed, and B's dark rules in place (see Drop). Close removes
// them; on failure nothing is left behind.
func newLink() (_ *Link, err error) {
	sweepLinks()
	n := linkSeq.Add(1)
	l := &Link{
		A:     fmt.Sprintf("%s%d-%d-a", linkPrefix, os.Getpid(), n),
		B:     fmt.Sprintf("%s%d-%d-b", linkPrefix, os.Getpid(), n),
		AddrA: "10.77.0.1", AddrB: "10.77.0.2",
		devA: "zt0", devB: "zt1",
	}
	if err := ipCmd("netns", "add", l.A); err != nil {
		return nil, err
	}
	if err := ipCmd("netns", "add", l.B); err != nil {
		ipCmd("netns", "del", l.A)
		return nil, err
	}
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	steps := [][]string{
		{"link", "add", l.devA, "netns", l.A, "type", "veth", "peer", "name", l.devB, "netns", l.B},
		{"-n", l.A, "addr", "add", l.AddrA + "/30", "dev", l.devA},
		{"-n", l.B, "addr", "add", l.AddrB + "/30", "dev", l.devB},
		// One wire packet per skb: without it TCP hands the veth 64 KiB
		// super-packets, and a packet lost is 45 segments lost.
		{"-n", l.A, "link", "set", l.devA, "gso_max_segs", "1"},
		{"-n", l.B, "link", "set", l.devB, "gso_max_segs", "1"},
		{"-n", l.A, "link", "set", "lo", "up"},
		{"-n", l.B, "link", "set", "lo", "up"},
		{"-n", l.A, "link", "set", l.devA, "up"},
		{"-n", l.B, "link", "set", l.devB, "up"},
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			return nil, err
		}
	}
	if err := l.Clear(); err != nil { // B's dark rules
		return nil, err
	}
	return l, nil
}

// Close removes both namespaces, and the veth pair with them. The peers
// running in them must have ended.
func (l *Link) Close() {
	ipCmd("netns", "del", l.A)
	ipCmd("netns", "del", l.B)
}

// Dark B is arranged ahead (newLink): two iptables rules in B drop every
// packet in or out of its veth while that device is in group darkGroup.
// Drop and Undrop then only move the device in and out of the group, one
// netlink message sent from this process, so the moment the link goes
// dark is known to microseconds, not to a command's start-up time.
const darkGroup = 77

// Drop makes B dark: iptables drops every packet on its veth. It returns
// the moment just before the change and how long the change took.
func (l *Link) Drop() (at time.Time, took time.Duration, err error) {
	return l.netlink(func(fd int, ifindex int32) (time.Time, time.Duration, error) {
		return setLink(fd, ifindex, darkGroup, 0, 0)
	})
}

// Undrop lets B's packets through again, returning the moment it did.
func (l *Link) Undrop() (at time.Time, err error) {
	at, _, err = l.netlink(func(fd int, ifindex int32) (time.Time, time.Duration, error) {
		return setLink(fd, ifindex, 0, 0, 0)
	})
	return at, err
}

// Down sets B's veth end down (A's then has no carrier): B's packets have
// no route, A's are lost. It returns the moment just before and how long
// the change took.
func (l *Link) Down() (at time.Time, took time.Duration, err error) {
	return l.netlink(func(fd int, ifindex int32) (time.Time, time.Duration, error) {
		return setLink(fd, ifindex, -1, 0, unix.IFF_UP)
	})
}

// Up sets B's veth end up again (its address's route comes back with
// it), returning the moment just before.
func (l *Link) Up() (at time.Time, err error) {
	at, _, err = l.netlink(func(fd int, ifindex int32) (time.Time, time.Duration, error) {
		return setLink(fd, ifindex, -1, unix.IFF_UP, unix.IFF_UP)
	})
	return at, err
}

// Loss drops each packet arriving on either veth end with probability p
// (iptables -m statistic --mode random in both namespaces), so both
// directions of the link lose p of their packets, after they left: the
// sending kernel sees a loss, as on a wire.
func (l *Link) Loss(p float64) error {
	for _, ns := range []struct{ name, dev, keep string }{{l.A, l.devA, ""}, {l.B, l.devB, l.darkRules()}} {
		rules := fmt.Sprintf("*filter\n%s-A INPUT -i %s -m statistic --mode random --probability %s -j DROP\nCOMMIT\n",
			ns.keep, ns.dev, strconv.FormatFloat(p, 'f', -1, 64))
		if err := iptablesRestore(ns.name, rules); err != nil {
			return err
		}
	}
	return nil
}

// netlink runs f on an OS thread that has joined B's namespace, with a
// route netlink socket and B's veth's index there, then takes the thread
// back to its own namespace before handing it back to Go's scheduler. (A
// thread left in B once was the main thread, which Go cannot end: the
// process's /proc/net then showed B's tables to every later scenario.)
func (l *Link) netlink(f func(fd int, ifindex int32) (time.Time, time.Duration, error)) (time.Time, time.Duration, error) {
	type result struct {
		at   time.Time
		took time.Duration
		err  error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // unlocked only once back in its own namespace
		var r result
		defer func() { done <- r }()
		home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			r.err = err
			return
		}
		defer func() {
			if unix.Setns(home, unix.CLONE_NEWNET) == nil {
				runtime.UnlockOSThread()
			}
			unix.Close(home)
		}()
		ns, err := unix.Open("/run/netns/"+l.B, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			r.err = err
			return
		}
		err = unix.Setns(ns, unix.CLONE_NEWNET)
		unix.Close(ns)
		if err != nil {
			r.err = fmt.Errorf("setns %s: %w", l.B, err)
			return
		}
		ifi, err := net.InterfaceByName(l.devB)
		if err != nil {
			r.err = err
			return
		}
		fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		if err != nil {
			r.err = err
			return
		}
		defer unix.Close(fd)
		r.at, r.took, r.err = f(fd, int32(ifi.Index))
	}()
	r := <-done
	return r.at, r.took, r.err
}

// setLink sends one RTM_NEWLINK for ifindex on the route netlink socket fd:
// the device's group when group >= 0, and its flags under change, and
// waits for the kernel's answer. It returns the moment just before the
// message went and how long until the answer.
func setLink(fd int, ifindex int32, group int, flags, change uint32) (time.Time, time.Duration, error) {
	msg := make([]byte, unix.SizeofNlMsghdr+unix.SizeofIfInfomsg, 64)
	e := binary.NativeEndian
	e.PutUint16(msg[4:], unix.RTM_NEWLINK)
	e.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	e.PutUint32(msg[8:], 1) // sequence
	ifi := msg[unix.SizeofNlMsghdr:]
	ifi[0] = unix.AF_UNSPEC
	e.PutUint32(ifi[4:], uint32(ifindex))
	e.PutUint32(ifi[8:], flags)
	e.PutUint32(ifi[12:], change)
	if group >= 0 {
		attr := make([]byte, unix.SizeofRtAttr+4)
		e.PutUint16(attr[0:], uint16(len(attr)))
		e.PutUint16(attr[2:], unix.IFLA_GROUP)
		e.PutUint32(attr[4:], uint32(group))
		msg = append(msg, attr...)
	}
	e.PutUint32(msg[0:], uint32(len(msg)))
	at := time.Now()
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return at, 0, err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	took := time.Since(at)
	if err != nil {
		return at, took, err
	}
	// The answer is an NLMSG_ERROR whose error is 0 for success.
	if n < unix.SizeofNlMsghdr+4 || e.Uint16(buf[4:]) != unix.NLMSG_ERROR {
		return at, took, fmt.Errorf("netlink: unexpected answer (%d bytes)", n)
	}
	if errno := int32(e.Uint32(buf[unix.SizeofNlMsghdr:])); errno != 0 {
		return at, took, fmt.Errorf("netlink RTM_NEWLINK: %w", unix.Errno(-errno))
	}
	return at, took, nil
}

// Clear removes every firewall rule in both namespaces but the dark
// group's (the filter tables are theirs alone).
func (l *Link) Clear() error {
	if err := iptablesRestore(l.A, "*filter\nCOMMIT\n"); err != nil {
		return err
	}
	return iptablesRestore(l.B, "*filter\n"+l.darkRules()+"COMMIT\n")
}

// darkRules are B's rules (iptables-restore lines) dropping every packet
// on its veth while that is in darkGroup.
func (l *Link) darkRules() string {
	return fmt.Sprintf("-A INPUT -i %s -m devgroup --src-group %d -j DROP\n-A OUTPUT -o %s -m devgroup --dst-group %d -j DROP\n",
		l.devB, darkGroup, l.devB, darkGroup)
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// iptablesRestore loads rules (iptables-restore's format) into namespace
// ns's filter table in one commit; rules without a table's chains listed
// replace the table, so "*filter\nCOMMIT\n" empties it.
func iptablesRestore(ns, rules string) error {
	cmd := exec.Command("ip", "netns", "exec", ns, "iptables-restore")
	cmd.Stdin = strings.NewReader(rules)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables-restore in %s: %v: %s", ns, err, bytes.TrimSpace(out))
	}
	return nil
}

// sweepLinks removes namespaces that an earlier run of this program left
// behind when it was killed before its cleanup: those named linkPrefix
// with the id of a process that no longer exists.
func sweepLinks() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], linkPrefix) {
			continue
		}
		name := fields[0]
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, linkPrefix), "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			ipCmd("netns", "del", name)
		}
	}
}

// rss is a process's resident set size in bytes (VmRSS), 0 if unknown.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// recordCount is how many sequence numbers a receiver's record file holds
// so far (see ReadRecord); the receiver may still be writing it.
func recordCount(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var b [8]byte
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}
