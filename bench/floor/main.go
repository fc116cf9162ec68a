// Command floor is the "floor" of the zring benchmarks: the same throughput
// and latency tests as libzmq's perf tools, done with nothing but Go's net
// package — one TCP connection, a 4-byte big-endian length before each
// message, bufio with 64 KiB buffers. No ZMTP, no queues, no I/O threads: what
// a ZeroMQ in Go could at best approach on this machine.
//
//	floor thr-server <bind-to> <message-size> <message-count>     (as local_thr)
//	floor thr-client <connect-to> <message-size> <message-count>  (as remote_thr)
//	floor lat-server <bind-to> <message-size> <roundtrip-count>   (as local_lat)
//	floor lat-client <connect-to> <message-size> <roundtrip-count> (as remote_lat)
//	floor fan-server <bind-to> <subscribers> <message-size> <message-count>    (as fanout_pub)
//	floor fan-client <connect-to> <subscribers> <message-size> <message-count> (as fanout_sub)
//
// The fan-out pair is one connection per subscriber, each written by its own
// goroutine on the server and read by its own on the client: the fastest way
// plain Go moves the same bytes to that many sockets, though unlike a
// publisher it never shares one message between them.
//
// Addresses are host:port, with or without a leading "tcp://". thr-server,
// lat-client and fan-client print the results, the other two only errors; the lines are
// those of the libzmq tools (see bench/libzmq/perf_clock.h for the conventions), so
// the harness in bench/cmd/zbench parses every implementation the same way.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const bufferSize = 64 << 10

// maxMessage bounds the length prefix a peer may send before we allocate.
const maxMessage = 1 << 30

// dialPatience is how long a client keeps retrying while the server starts.
const dialPatience = 10 * time.Second

func main() {
	verb := ""
	if len(os.Args) > 1 {
		verb = os.Args[1]
	}
	subscribers := 1
	args := os.Args[2:]
	if verb == "fan-server" || verb == "fan-client" {
		if len(args) != 4 {
			usage()
		}
		var err error
		if subscribers, err = strconv.Atoi(args[1]); err != nil || subscribers < 1 {
			usage()
		}
		args = append(args[:1:1], args[2:]...)
	}
	if len(args) != 3 {
		usage()
	}
	addr := strings.TrimPrefix(args[0], "tcp://")
	size, err1 := strconv.Atoi(args[1])
	count, err2 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil || size < 0 || size > maxMessage || count <= 0 {
		usage()
	}
	var err error
	switch verb {
	case "thr-server":
		err = thrServer(os.Stdout, addr, size, count)
	case "thr-client":
		err = thrClient(addr, size, count)
	case "lat-server":
		err = latServer(addr, size, count)
	case "lat-client":
		err = latClient(os.Stdout, addr, size, count)
	case "fan-server":
		err = fanServer(addr, subscribers, size, count)
	case "fan-client":
		err = fanClient(os.Stdout, addr, subscribers, size, count)
	default:
		usage()
	}
	if err != nil {
		fmt.Printf("error in %s: %v\n", verb, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Println("usage: floor thr-server|thr-client|lat-server|lat-client <address> <message-size> <message-count>")
	fmt.Println("       floor fan-server|fan-client <address> <subscribers> <message-size> <message-count>")
	os.Exit(1)
}

// accept listens on addr and returns the first connection.
func accept(addr string) (net.Conn, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return ln.Accept()
}

// dial connects to addr, retrying while the server is not yet listening, as
// a ZeroMQ connect would.
func dial(addr string) (net.Conn, error) {
	deadline := time.Now().Add(dialPatience)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			return c, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// framer reads and writes length-prefixed messages. The slice readMsg returns
// is the framer's own buffer, valid until the next readMsg.
type framer struct {
	r   *bufio.Reader
	w   *bufio.Writer
	hdr [4]byte
	buf []byte
}

func newFramer(c net.Conn, size int) *framer {
	return &framer{
		r:   bufio.NewReaderSize(c, bufferSize),
		w:   bufio.NewWriterSize(c, bufferSize),
		buf: make([]byte, size),
	}
}

var errSize = errors.New("message of incorrect size received")

// readMsg reads one message, which must be want bytes long.
func (f *framer) readMsg(want int) ([]byte, error) {
	if _, err := io.ReadFull(f.r, f.hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(f.hdr[:])
	if n != uint32(want) {
		return nil, errSize
	}
	if _, err := io.ReadFull(f.r, f.buf[:n]); err != nil {
		return nil, err
	}
	return f.buf[:n], nil
}

// writeMsg buffers one message; Flush sends it.
func (f *framer) writeMsg(b []byte) error {
	binary.BigEndian.PutUint32(f.hdr[:], uint32(len(b)))
	if _, err := f.w.Write(f.hdr[:]); err != nil {
		return err
	}
	_, err := f.w.Write(b)
	return err
}

func thrServer(w io.Writer, addr string, size, count int) error {
	c, err := accept(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	f := newFramer(c, size)
	var start time.Time
	for i := range count {
		if _, err := f.readMsg(size); err != nil {
			return err
		}
		if i == 0 {
			start = time.Now()
		}
	}
	printThroughput(w, size, count, time.Since(start))
	return nil
}

func thrClient(addr string, size, count int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	f := newFramer(c, size)
	for range count {
		if err := f.writeMsg(f.buf); err != nil {
			return err
		}
	}
	if err := f.w.Flush(); err != nil {
		return err
	}
	// Wait for the server to close: every byte is then read, not just sent.
	_, err = c.Read(f.hdr[:1])
	if err == io.EOF {
		err = nil
	}
	return err
}

func latServer(addr string, size, count int) error {
	c, err := accept(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	f := newFramer(c, size)
	for range count {
		b, err := f.readMsg(size)
		if err != nil {
			return err
		}
		if err := f.writeMsg(b); err != nil {
			return err
		}
		if err := f.w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func latClient(w io.Writer, addr string, size, count int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	f := newFramer(c, size)
	msg := make([]byte, size)
	rtt := make([]time.Duration, count)
	start := time.Now()
	t0 := start
	for i := range count {
		if err := f.writeMsg(msg); err != nil {
			return err
		}
		if err := f.w.Flush(); err != nil {
			return err
		}
		if _, err := f.readMsg(size); err != nil {
			return err
		}
		t1 := time.Now()
		rtt[i] = t1.Sub(t0)
		t0 = t1
	}
	printLatency(w, size, count, t0.Sub(start), rtt)
	return nil
}

// fanServer accepts subscribers connections, then writes count messages of
// size bytes to each, one goroutine per connection, and returns once every
// client has closed (so every byte has been read, not just sent).
func fanServer(addr string, subscribers, size, count int) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	conns := make([]net.Conn, 0, subscribers)
	for len(conns) < subscribers {
		c, err := ln.Accept()
		if err != nil {
			ln.Close()
			return err
		}
		conns = append(conns, c)
	}
	ln.Close()
	errs := make(chan error, subscribers)
	for _, c := range conns {
		go func() {
			defer c.Close()
			f := newFramer(c, size)
			for range count {
				if err := f.writeMsg(f.buf); err != nil {
					errs <- err
					return
				}
			}
			if err := f.w.Flush(); err != nil {
				errs <- err
				return
			}
			_, err := c.Read(f.hdr[:1])
			if err == io.EOF {
				err = nil
			}
			errs <- err
		}()
	}
	var first error
	for range conns {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// fanClient opens subscribers connections and reads count messages on each,
// one goroutine per connection, then prints fanout_sub's lines: the clock
// runs from the first message on any connection to the last on all.
func fanClient(w io.Writer, addr string, subscribers, size, count int) error {
	conns := make([]net.Conn, subscribers)
	for i := range conns {
		c, err := dial(addr)
		if err != nil {
			for _, d := range conns[:i] {
				d.Close()
			}
			return err
		}
		conns[i] = c
	}
	base := time.Now()
	var first atomic.Int64 // ns since base of the first message, +1 (0: none yet)
	errs := make(chan error, subscribers)
	for _, c := range conns {
		go func() {
			f := newFramer(c, size)
			for i := range count {
				if _, err := f.readMsg(size); err != nil {
					errs <- err
					return
				}
				if i == 0 && first.Load() == 0 {
					first.CompareAndSwap(0, int64(time.Since(base))+1)
				}
			}
			errs <- nil
		}()
	}
	var firstErr error
	for range conns {
		if err := <-errs; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	elapsed := time.Since(base) - time.Duration(first.Load()-1)
	for _, c := range conns {
		c.Close()
	}
	if firstErr != nil {
		return firstErr
	}
	printFanout(w, size, count, subscribers, elapsed)
	return nil
}

// printFanout prints fanout_sub's lines: the per-subscriber count, the
// subscribers, and subscribers × count over elapsed, truncated as
// printThroughput truncates.
func printFanout(w io.Writer, size, count, subscribers int, elapsed time.Duration) {
	us := float64(elapsed.Nanoseconds()) / 1e3
	if us < 1 {
		us = 1
	}
	throughput := uint64(float64(count) * float64(subscribers) / us * 1e6)
	megabits := float64(throughput) * float64(size) * 8 / 1e6
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "message count: %d\n", count)
	fmt.Fprintf(w, "subscribers: %d\n", subscribers)
	fmt.Fprintf(w, "mean throughput: %d [msg/s]\n", throughput)
	fmt.Fprintf(w, "mean throughput: %.3f [Mb/s]\n", megabits)
}

// printThroughput prints local_thr's four lines, with libzmq's arithmetic:
// the whole count over the time from first to last message, msg/s truncated
// to an integer before Mb/s is derived from it.
func printThroughput(w io.Writer, size, count int, elapsed time.Duration) {
	us := float64(elapsed.Nanoseconds()) / 1e3
	if us < 1 {
		us = 1
	}
	throughput := uint64(float64(count) / us * 1e6)
	megabits := float64(throughput) * float64(size) * 8 / 1e6
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "message count: %d\n", count)
	fmt.Fprintf(w, "mean throughput: %d [msg/s]\n", throughput)
	fmt.Fprintf(w, "mean throughput: %.3f [Mb/s]\n", megabits)
}

// printLatency prints remote_lat's lines: the average one-way latency
// (elapsed / 2 / count) and nearest-rank percentiles of half of each round
// trip. It sorts rtt.
func printLatency(w io.Writer, size, count int, elapsed time.Duration, rtt []time.Duration) {
	slices.Sort(rtt)
	oneWay := func(permille int) float64 {
		rank := (permille*len(rtt)+999)/1000 - 1
		rank = max(0, min(rank, len(rtt)-1))
		return float64(rtt[rank].Nanoseconds()) / 2e3
	}
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "roundtrip count: %d\n", count)
	fmt.Fprintf(w, "average latency: %.3f [us]\n", float64(elapsed.Nanoseconds())/1e3/float64(2*count))
	fmt.Fprintf(w, "p50 latency: %.3f [us]\n", oneWay(500))
	fmt.Fprintf(w, "p99 latency: %.3f [us]\n", oneWay(990))
	fmt.Fprintf(w, "p99.9 latency: %.3f [us]\n", oneWay(999))
}
