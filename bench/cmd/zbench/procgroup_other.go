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
