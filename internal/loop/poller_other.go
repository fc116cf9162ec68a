//go:build unix && !linux

package loop

import "github.com/zring/zring/internal/errno"

// newPoller: epoll and io_uring are Linux's; netpoll and conn run on any
// Unix.
func newPoller(cfg *PoolConfig) (poller, error) {
	switch cfg.Backend {
	case "", BackendNetpoll:
		return newNetPoller()
	case BackendConn:
		return newConnPoller()
	case BackendEpoll, BackendUring:
		return nil, errno.ENOTSUP
	}
	return nil, errno.EINVAL
}
