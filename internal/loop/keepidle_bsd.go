//go:build unix && !linux && !darwin

package loop

import "golang.org/x/sys/unix"

// tcpKeepIdle is ZMQ_TCP_KEEPALIVE_IDLE's socket option.
const tcpKeepIdle = unix.TCP_KEEPIDLE
