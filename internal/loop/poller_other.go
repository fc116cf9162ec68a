//go:build unix && !linux

package loop

import "github.com/zring/zring/internal/errno"

// newPoller: epoll and io_uring are Linux's; the netpoll backend is the
// portable one.
func newPoller(cfg *PoolConfig) (poller, error) {
	switch cfg.Backend {
	case "", BackendNetpoll:
		return newNetPoller()
	case BackendEpoll, BackendUring:
		return nil, errno.ENOTSUP
	}
	return nil, errno.EINVAL
}
