package loop

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zring/zring/internal/errno"
)

// Address is a parsed tcp or ipc endpoint, resolved to something a socket
// can bind or connect to.
type Address struct {
	Transport string         // "tcp" or "ipc"
	TCP       netip.AddrPort // tcp: what is bound or connected to
	Path      string         // ipc; a leading '@' is Linux's abstract namespace
	// SOCKSHost, when set, makes a tcp connect go through a SOCKS5 proxy
	// (ZMQ_SOCKS_PROXY): TCP is then the proxy's address, and the proxy is
	// asked for SOCKSHost (an IP literal, or a name left unresolved) and
	// SOCKSPort.
	SOCKSHost string
	SOCKSPort uint16
}

// String is the endpoint as ZMQ_LAST_ENDPOINT shows it; through a proxy,
// the endpoint asked of the proxy.
func (a Address) String() string {
	if a.Transport == "ipc" {
		return "ipc://" + a.Path
	}
	if a.SOCKSHost != "" {
		return "tcp://" + net.JoinHostPort(a.SOCKSHost, strconv.Itoa(int(a.SOCKSPort)))
	}
	return "tcp://" + a.TCP.String()
}

// ipcTempPrefix names the directories made for "ipc://*".
const ipcTempPrefix = "zring-ipc-"

// SplitEndpoint splits "transport://address". A missing "://" is EINVAL.
func SplitEndpoint(ep string) (transport, addr string, err error) {
	i := strings.Index(ep, "://")
	if i <= 0 {
		return "", "", errno.Invalidf(`want "transport://address"`)
	}
	return ep[:i], ep[i+3:], nil
}

// ResolveBind resolves the address part of a bind endpoint. tcp accepts
// "*:port", "IP:port", "[IPv6]:port", "host:port" and an interface name;
// port "*" or 0 picks a free port. ipc accepts a path, "@name" (abstract) and
// "*" (a fresh path in a new temporary directory, as libzmq does); where
// the system has no ipc (Windows), it is EPROTONOSUPPORT, as libzmq
// refuses a transport its platform lacks.
//
// With ipv6 (ZMQ_IPV6), "*" is the IPv6 wildcard (dual-stack: IPv4
// clients connect too) and names resolve to IPv6 addresses first.
func ResolveBind(transport, addr string, ipv6 bool) (Address, error) {
	switch transport {
	case "tcp":
		host, port, err := splitHostPort(addr)
		if err != nil {
			return Address{}, err
		}
		if host == "*" {
			any := netip.IPv4Unspecified()
			if ipv6 {
				any = netip.IPv6Unspecified()
			}
			return Address{Transport: "tcp", TCP: netip.AddrPortFrom(any, port)}, nil
		}
		ip, err := resolveHost(host, true, ipv6)
		if err != nil {
			return Address{}, err
		}
		return Address{Transport: "tcp", TCP: netip.AddrPortFrom(ip, port)}, nil
	case "ipc":
		if !ipcSupported {
			return Address{}, errno.EPROTONOSUPPORT
		}
		if addr == "" {
			return Address{}, errno.Invalidf("missing path")
		}
		if addr == "*" {
			dir, err := os.MkdirTemp("", ipcTempPrefix+"*")
			if err != nil {
				return Address{}, errno.ENOENT
			}
			addr = filepath.Join(dir, "socket")
		}
		return Address{Transport: "ipc", Path: addr}, nil
	}
	return Address{}, errno.EPROTONOSUPPORT
}

// ResolveConnect resolves the address part of a connect endpoint (ipv6 as
// for ResolveBind).
func ResolveConnect(transport, addr string, ipv6 bool) (Address, error) {
	switch transport {
	case "tcp":
		ap, err := resolveDial(addr, ipv6, "a connect needs a host and a port, not a wildcard")
		if err != nil {
			return Address{}, err
		}
		return Address{Transport: "tcp", TCP: ap}, nil
	case "ipc":
		if !ipcSupported {
			return Address{}, errno.EPROTONOSUPPORT
		}
		if addr == "" || addr == "*" {
			return Address{}, errno.Invalidf("a connect needs a path, not a wildcard")
		}
		return Address{Transport: "ipc", Path: addr}, nil
	}
	return Address{}, errno.EPROTONOSUPPORT
}

// ResolveSOCKS resolves a tcp connect endpoint's address part to be
// reached through the SOCKS5 proxy at proxy ("host:port", ZMQ_SOCKS_PROXY):
// the proxy's host is resolved here (ipv6 as for ResolveBind), the
// endpoint's is not, since "if the endpoints are domain names instead of
// addresses they shall not be resolved and they shall be forwarded
// unchanged to the SOCKS proxy". A host longer than SOCKS's 255 bytes, a
// port of 0 and an unresolvable proxy are EINVAL.
func ResolveSOCKS(addr, proxy string, ipv6 bool) (Address, error) {
	host, port, err := splitHostPort(addr)
	if err != nil {
		return Address{}, err
	}
	if port == 0 || host == "*" || len(host) > 255 {
		return Address{}, errno.Invalidf("a SOCKS connect needs a host of at most 255 bytes and a port")
	}
	ap, err := resolveDial(proxy, ipv6, "the SOCKS proxy needs a host and a port")
	if err != nil {
		return Address{}, err
	}
	return Address{Transport: "tcp", TCP: ap, SOCKSHost: host, SOCKSPort: port}, nil
}

// resolveDial resolves "host:port" to dial (ipv6 as for ResolveBind): a
// wildcard host or port is EINVAL, with why as the reason.
func resolveDial(addr string, ipv6 bool, why string) (netip.AddrPort, error) {
	host, port, err := splitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if port == 0 || host == "*" {
		return netip.AddrPort{}, errno.Invalidf("%s", why)
	}
	ip, err := resolveHost(host, false, ipv6)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(ip, port), nil
}

func splitHostPort(addr string) (string, uint16, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, errno.Invalidf("missing port")
	}
	host, ps := addr[:i], addr[i+1:]
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if host == "" {
		return "", 0, errno.Invalidf("missing host")
	}
	if ps == "*" {
		return host, 0, nil
	}
	p, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return "", 0, errno.Invalidf("bad port %q", ps)
	}
	return host, uint16(p), nil
}

// resolveHost turns a literal, an interface name (bind only) or a host name
// into an IP, preferring IPv4 as libzmq does without ZMQ_IPV6, and IPv6
// with it.
func resolveHost(host string, bind, ipv6 bool) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), nil
	}
	var found []netip.Addr
	if bind {
		if ifi, err := net.InterfaceByName(host); err == nil {
			if addrs, err := ifi.Addrs(); err == nil {
				for _, a := range addrs {
					if pn, ok := a.(*net.IPNet); ok {
						if ip, ok := netip.AddrFromSlice(pn.IP); ok {
							found = append(found, ip.Unmap())
						}
					}
				}
			}
			if ip, ok := prefer(found, ipv6); ok {
				return ip, nil
			}
			return netip.Addr{}, errno.ENODEV
		}
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, errno.Invalidf("cannot resolve %q", host)
	}
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip); ok {
			found = append(found, a.Unmap())
		}
	}
	if ip, ok := prefer(found, ipv6); ok {
		return ip, nil
	}
	return netip.Addr{}, errno.Invalidf("%q has no IPv4 address (ZMQ_IPV6 is off)", host)
}

// prefer picks the first address of the preferred family, or else the
// first IPv4 one: without ZMQ_IPV6 an IPv6-only name does not resolve, as
// in libzmq.
func prefer(ips []netip.Addr, ipv6 bool) (netip.Addr, bool) {
	for _, ip := range ips {
		if ip.Is6() == ipv6 {
			return ip, true
		}
	}
	for _, ip := range ips {
		if ip.Is4() {
			return ip, true
		}
	}
	return netip.Addr{}, false
}
