package main

import (
	"os"
	"testing"
	"time"
)

// TestMain lets the test binary be the busy-loop child and the floor's
// relay, as zbench's own executable is in a real run, and the fake tools
// of proxy_test.go.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == busyLoopArg {
		runBusyLoop()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == relayArg {
		runRelay(os.Args[2:])
		return
	}
	if len(os.Args) > 1 && runFakeTool(os.Args[1], os.Args[2:]) {
		return
	}
	os.Exit(m.Run())
}

// TestBusyLoopStop: stop leaves no process behind, and a second stop does
// nothing.
func TestBusyLoopStop(t *testing.T) {
	b, err := startBusyLoop()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	cpu, wall := b.stop()
	if b.cmd.ProcessState == nil {
		t.Fatal("busy loop not reaped after stop")
	}
	if wall <= 0 || cpu <= 0 {
		t.Errorf("stop = %v CPU over %v, want both positive", cpu, wall)
	}
	if cpu, wall := b.stop(); cpu != 0 || wall != 0 {
		t.Errorf("second stop = %v, %v", cpu, wall)
	}
	var nilLoop *busyLoop
	nilLoop.stop()
}

// TestBusyLoopParentGone: the loop exits by itself once its stdin closes,
// as it does when zbench dies without stopping it.
func TestBusyLoopParentGone(t *testing.T) {
	b, err := startBusyLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer b.stop()
	b.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case err := <-exited:
		b.done = true // reaped here
		if err != nil {
			t.Errorf("busy loop exited with %v, want status 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("busy loop still spinning 5 s after its stdin closed")
	}
}
