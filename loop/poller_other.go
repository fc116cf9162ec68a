//go:build !linux

package loop

import "github.com/zring/zring/internal/errno"

// newPoller: the portable netpoller backend is not part of this release;
// see the package doc.
func newPoller() (poller, error) { return nil, errno.ENOTSUP }
