package zmq4

import "github.com/zring/zring"

// Proxy is zmq_proxy(3), zring.Proxy: it forwards whole messages between
// frontend and backend both ways, copying each frame to capture when that
// is not nil, until the sockets' context is terminated; it then returns
// ETERM. While it runs it owns the sockets: no other goroutine, Poller or
// Reactor may use them. A nil frontend or backend is Errno(syscall.EFAULT),
// as libzmq says of a NULL socket.
func Proxy(frontend, backend, capture *Socket) error {
	return ProxySteerable(frontend, backend, capture, nil)
}

// ProxySteerable is zmq_proxy_steerable(3), zring.ProxySteerable: Proxy,
// steered by single-frame commands on control: "PAUSE", "RESUME",
// "TERMINATE" (ProxySteerable then returns nil) and "STATISTICS" (eight
// little-endian uint64 frames in reply). Where libzmq 4.3.4 aborts the
// process on any other command, it returns EINVAL; and a REP control
// socket gets an empty reply to each command but STATISTICS, as later
// libzmq versions send.
func ProxySteerable(frontend, backend, capture, control *Socket) error {
	socks := []*Socket{frontend, backend, capture, control}
	for _, s := range socks {
		if s != nil && s.closed {
			return ErrorSocketClosed
		}
	}
	// zring.Proxy waits in a zring.Poller of its own, which takes the
	// sockets' wake-ups: the Pollers they were in must register them anew.
	for _, s := range socks {
		if s != nil {
			s.pollOwner = nil
		}
	}
	defer func() {
		for _, s := range socks {
			if s != nil {
				s.pollOwner = nil
			}
		}
	}()
	return bare(zring.ProxySteerable(frontend.zsock(), backend.zsock(), capture.zsock(), control.zsock()))
}

// zsock returns the zring.Socket behind soc, nil for a nil soc.
func (soc *Socket) zsock() *zring.Socket {
	if soc == nil {
		return nil
	}
	return soc.zs
}
