package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/zring/zring"
)

// option is one socket option to set, with the flag it came from, so that
// a value the socket refuses is reported as that flag's.
type option struct {
	opt   zring.Option
	value any
	flag  string
}

// setOptions sets opts in order. A value the socket refuses (ErrInvalid)
// is the command line's fault: a usage error naming the flag.
func setOptions(s *zring.Socket, opts []option) error {
	for _, o := range opts {
		if err := s.SetOption(o.opt, o.value); err != nil {
			if errors.Is(err, zring.ErrInvalid) {
				return usagef("%s: not accepted by a %s socket (%v)", o.flag, s.Type(), err)
			}
			return fmt.Errorf("%s: %w", o.flag, err)
		}
	}
	return nil
}

// socketFlags are the options every socket command takes.
type socketFlags struct {
	bind      bool
	identity  string
	sndhwm    int
	rcvhwm    int
	linger    millis
	timeout   millis
	verbose   bool
	immediate bool
}

func (sf *socketFlags) register(fs *flagSet, withIdentity bool) {
	fs.BoolVar(&sf.bind, "b", false, "bind the endpoints instead of connecting to them (\"@ENDPOINT\" binds one, \">ENDPOINT\" connects one)")
	if withIdentity {
		fs.StringVar(&sf.identity, "identity", "", "the routing `id` to announce to ROUTER peers (ZMQ_ROUTING_ID)")
	}
	fs.IntVar(&sf.sndhwm, "sndhwm", 1000, "send high-water mark, `messages` (ZMQ_SNDHWM; 0 no limit)")
	fs.IntVar(&sf.rcvhwm, "rcvhwm", 1000, "receive high-water mark, `messages` (ZMQ_RCVHWM; 0 no limit)")
	fs.Var(&sf.linger, "linger", "at the end, how long to wait for queued messages to go, `ms` or a duration (-1: as long as it takes; the default, or -timeout when given)")
	fs.Var(&sf.timeout, "timeout", "give up (exit status 1) when a send, or a receive that is due, waits longer than `time`, ms or a duration")
	fs.BoolVar(&sf.verbose, "v", false, "print the socket's monitor events on stderr")
	fs.BoolVar(&sf.immediate, "immediate", true, "queue messages only for connections made (ZMQ_IMMEDIATE): with -immediate=false, as libzmq by default, a connect's messages wait for its connection, and may keep the command waiting at its end")
}

// lingerMS is ZMQ_LINGER for the socket: -linger, else -timeout (so that a
// command given a time limit never waits longer at its end), else -1.
func (sf *socketFlags) lingerMS() int {
	switch {
	case sf.linger.set:
		return sf.linger.ms()
	case sf.timeout.set:
		return sf.timeout.ms()
	}
	return -1
}

// wait is -timeout as a Poller wait, negative for none.
func (sf *socketFlags) wait() time.Duration {
	if !sf.timeout.set {
		return -1
	}
	return sf.timeout.d
}

func (sf *socketFlags) options() []option {
	immediate := 0
	if sf.immediate {
		immediate = 1
	}
	opts := []option{
		{zring.Immediate, immediate, "-immediate"},
		{zring.SndHWM, sf.sndhwm, "-sndhwm"},
		{zring.RcvHWM, sf.rcvhwm, "-rcvhwm"},
		{zring.Linger, sf.lingerMS(), "-linger"},
	}
	if sf.identity != "" {
		opts = append(opts, option{zring.RoutingID, sf.identity, "-identity"})
	}
	if sf.timeout.set {
		opts = append(opts, option{zring.SndTimeo, sf.timeout.ms(), "-timeout"}, option{zring.RcvTimeo, sf.timeout.ms(), "-timeout"})
	}
	return opts
}
