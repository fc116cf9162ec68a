//go:build !unix

package main

import "os/exec"

// ownProcessGroup leaves cmd as it is: cancellation kills the tool itself.
func ownProcessGroup(cmd *exec.Cmd) {}
