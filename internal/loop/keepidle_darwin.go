package loop

import "golang.org/x/sys/unix"

// tcpKeepIdle: macOS names TCP_KEEPIDLE TCP_KEEPALIVE.
const tcpKeepIdle = unix.TCP_KEEPALIVE
