package loop

import "golang.org/x/sys/unix"

// socketFD opens a non-blocking, close-on-exec stream socket.
func socketFD(family int) (int, error) {
	return unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// acceptFD accepts one connection, non-blocking and close-on-exec.
func acceptFD(fd int) (int, error) {
	nfd, _, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, err
	}
	return nfd, nil
}
