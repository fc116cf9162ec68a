//go:build unix && !linux

package loop

import "github.com/zring/zring/internal/errno"

// newPoller: epoll is Linux's; the netpoll backend is the portable one.
func newPoller(backend string) (poller, error) {
	switch backend {
	case "", BackendNetpoll:
		return newNetPoller()
	case BackendEpoll:
		return nil, errno.ENOTSUP
	}
	return nil, errno.EINVAL
}
