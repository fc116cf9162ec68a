//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// ownProcessGroup leaves cmd as it is: cancellation kills the tool itself.
func ownProcessGroup(cmd *exec.Cmd) {}

// contextSwitches is not known here.
func contextSwitches(*os.ProcessState) (voluntary, involuntary int64) { return 0, 0 }

// stopHelper asks a proxy to stop with os.Interrupt, where the system can
// send it (not on Windows, where the proxy runs out helperStopTimeout and
// its run fails).
func stopHelper(cmd *exec.Cmd) { cmd.Process.Signal(os.Interrupt) }
