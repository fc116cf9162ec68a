package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// relayArg, as zbench's first argument, makes the process the floor's
// counterpart of the proxy tools: a plain Go TCP relay, run as
//
//	zbench -relay-child <device> <frontend-bind-to> <backend-connect-to>
//
// with the proxy tools' arguments (the device is ignored: the floor has no
// socket types). It is not a flag, so -help does not offer it.
const relayArg = "-relay-child"

// relayBufferSize is the floor's own buffer size (bench/floor).
const relayBufferSize = 64 << 10

// relayCommand is the argv prefix that runs the relay: zbench's own
// executable, as the busy loop is; nil, and the floor has no proxy cases,
// if that executable cannot be found.
func relayCommand() []string {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	return []string{exe, relayArg}
}

// runRelay is the whole life of the relay: it listens on the frontend,
// connects to the backend, takes one connection on the frontend and copies
// bytes both ways as they come, one read and one write at a time per
// direction, with no framing, no queue and no copy beyond the buffer. It
// is what one more hop costs on this machine with nothing of ZeroMQ: the
// floor of a proxy. A direction that ends (EOF or error) half-closes its
// destination, so that the floor's tools see each other close; the relay
// exits with status 0 when both directions have ended, or when it gets
// SIGTERM or SIGINT, as the proxy tools do.
func runRelay(args []string) {
	if len(args) != 3 {
		fmt.Printf("usage: zbench %s <device> <frontend-bind-to> <backend-connect-to>\n", relayArg)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		os.Exit(0)
	}()
	die := func(what string, err error) {
		fmt.Printf("error in %s: %v\n", what, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", strings.TrimPrefix(args[1], "tcp://"))
	if err != nil {
		die("listen", err)
	}
	back, err := net.Dial("tcp", strings.TrimPrefix(args[2], "tcp://"))
	if err != nil {
		die("dial", err)
	}
	front, err := ln.Accept()
	if err != nil {
		die("accept", err)
	}
	ln.Close()
	done := make(chan struct{}, 2)
	go func() { relayCopy(back.(*net.TCPConn), front); done <- struct{}{} }()
	go func() { relayCopy(front.(*net.TCPConn), back); done <- struct{}{} }()
	<-done
	<-done
	os.Exit(0)
}

// relayCopy copies src to dst until either fails or src ends, then
// half-closes dst. It reads and writes itself rather than use io.Copy,
// which between two TCP connections would splice through a pipe in the
// kernel: the floor is the plain read and write any Go program has.
func relayCopy(dst *net.TCPConn, src net.Conn) {
	buf := make([]byte, relayBufferSize)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break // EOF or a reset: the end of this direction either way
		}
	}
	dst.CloseWrite()
}
