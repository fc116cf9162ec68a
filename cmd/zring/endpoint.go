package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/zring/zring"
)

// endpoint is one endpoint of the command line and whether it is bound or
// connected.
type endpoint struct {
	addr string
	bind bool
}

// parseEndpoint reads libzmq's (and CZMQ's) convention: "@ep" binds,
// ">ep" connects, and a bare endpoint does what bindByDefault says. Only
// the form is checked here ("transport://address"); the socket judges the
// rest when it binds or connects.
func parseEndpoint(arg string, bindByDefault bool) (endpoint, error) {
	ep := endpoint{addr: arg, bind: bindByDefault}
	switch {
	case strings.HasPrefix(arg, "@"):
		ep = endpoint{addr: arg[1:], bind: true}
	case strings.HasPrefix(arg, ">"):
		ep = endpoint{addr: arg[1:], bind: false}
	}
	if i := strings.Index(ep.addr, "://"); i <= 0 || i+3 == len(ep.addr) {
		return endpoint{}, usagef("%q is not an endpoint (tcp://host:port, ipc://path, inproc://name)", arg)
	}
	return ep, nil
}

func parseEndpoints(args []string, bindByDefault bool) ([]endpoint, error) {
	var eps []endpoint
	for _, a := range args {
		ep, err := parseEndpoint(a, bindByDefault)
		if err != nil {
			return nil, err
		}
		eps = append(eps, ep)
	}
	return eps, nil
}

// ephemeral reports whether binding ep picks the address (a tcp port of 0
// or "*", "ipc://*"), which the user then needs to be told.
func ephemeral(addr string) bool {
	if addr == "ipc://*" {
		return true
	}
	if !strings.HasPrefix(addr, "tcp://") {
		return false
	}
	i := strings.LastIndexByte(addr, ':')
	port := addr[i+1:]
	return port == "0" || port == "*"
}

// attach binds and connects s to eps. A bind whose address the system
// picked, or any bind when verbose, is reported on stderr as
// "zring: [ROLE ]bound ENDPOINT" so that a user (or a script) can connect
// to it.
func attach(stderr io.Writer, s *zring.Socket, eps []endpoint, role string, verbose bool) error {
	if role != "" {
		role += " "
	}
	for _, ep := range eps {
		if !ep.bind {
			if err := s.Connect(ep.addr); err != nil {
				return err
			}
			continue
		}
		if err := s.Bind(ep.addr); err != nil {
			return err
		}
		if verbose || ephemeral(ep.addr) {
			last, err := s.GetOption(zring.LastEndpoint)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "zring: %sbound %s\n", role, last)
		}
	}
	return nil
}
