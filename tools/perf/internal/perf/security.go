package perf

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/zring/zring"
)

// MechanismEnv names the environment variable that picks the security
// mechanism of the tools' tcp sockets: "null" (or unset or empty), "plain"
// or "curve". bench/libzmq's C tools read the same variable and hold the
// same credentials and keys, so any tool of either side pairs with any of
// the other. The binding tool is the server (local_thr, local_lat,
// fanout_pub), the connecting one the client. inproc endpoints are left
// alone: libzmq runs no handshake on inproc.
const MechanismEnv = "ZRING_PERF_MECHANISM"

// A Mechanism is the security mechanism of the tools' connections.
type Mechanism string

const (
	MechanismNull  Mechanism = "null"
	MechanismPlain Mechanism = "plain"
	MechanismCurve Mechanism = "curve"
)

// The fixed test credentials and keys, the same text as in
// bench/libzmq/perf_clock.h. They secure nothing (they are public): they
// make every run do the work a real PLAIN or CURVE connection does, with a
// server key both sides know in advance.
const (
	PlainUsername = "zbench"
	PlainPassword = "zbench-password"

	// CurveServerPublic and CurveServerSecret are the binding side's pair,
	// CurveClientPublic and CurveClientSecret the connecting side's; made
	// once with zring.CurveKeypair.
	CurveServerPublic = "osFdMZH%MDwz^=t/cqzo(9h4CF%mdx[]!]0jsc.E"
	CurveServerSecret = "dIIj7fj(RxlJ6jdgMM0[jt%0(Ip@5#1FdPq?WDsU"
	CurveClientPublic = "IBdgFq@dlud?wNOCBL(e<<pJkJqkQm+YPmtUCHhX"
	CurveClientSecret = "x0I#82rBU1vIXhHzsA:>sKp*vbr8<a!<a69@Cm0h"
)

// zapEndpoint is where RFC 27 puts a context's ZAP handler.
const zapEndpoint = "inproc://zeromq.zap.01"

// ParseMechanism reads the value of MechanismEnv.
func ParseMechanism(s string) (Mechanism, error) {
	switch m := Mechanism(strings.ToLower(strings.TrimSpace(s))); m {
	case "", MechanismNull:
		return MechanismNull, nil
	case MechanismPlain, MechanismCurve:
		return m, nil
	}
	return "", fmt.Errorf("%s=%q: unknown mechanism (have null, plain, curve)", MechanismEnv, s)
}

// mechanismFromEnv is MechanismEnv's mechanism; it dies on a bad value, as
// on a bad argument.
func mechanismFromEnv() Mechanism {
	m, err := ParseMechanism(os.Getenv(MechanismEnv))
	if err != nil {
		Die("zmq_setsockopt", err)
	}
	return m
}

// Secure gives s, not yet bound or connected, the role of MechanismEnv's
// mechanism: server when it binds, client when it connects. A PLAIN server
// needs a ZAP handler in its context, or it refuses every client (RFC 27,
// as libzmq 4.3.4); Secure starts one in ctx, once, before s can accept
// anyone. A CURVE server without a handler accepts any client, so it gets
// none. Endpoints other than tcp:// and ipc:// are left as they are.
func Secure(ctx *zring.Context, s *zring.Socket, endpoint string, bind bool) {
	if !strings.HasPrefix(endpoint, "tcp://") && !strings.HasPrefix(endpoint, "ipc://") {
		return
	}
	type option struct {
		opt   zring.Option
		value any
	}
	var opts []option
	switch m := mechanismFromEnv(); {
	case m == MechanismPlain && bind:
		serveZAP(ctx)
		opts = []option{{zring.PlainServer, 1}}
	case m == MechanismPlain:
		opts = []option{{zring.PlainUsername, PlainUsername}, {zring.PlainPassword, PlainPassword}}
	case m == MechanismCurve && bind:
		opts = []option{{zring.CurveServer, 1}, {zring.CurveSecretKey, CurveServerSecret}}
	case m == MechanismCurve:
		opts = []option{{zring.CurveServerKey, CurveServerPublic},
			{zring.CurvePublicKey, CurveClientPublic}, {zring.CurveSecretKey, CurveClientSecret}}
	}
	for _, o := range opts {
		if err := s.SetOption(o.opt, o.value); err != nil {
			Die("zmq_setsockopt", err)
		}
	}
}

// zapServed records the contexts that have a ZAP handler.
var zapServed sync.Map // *zring.Context → struct{}

// serveZAP binds a REP socket at zapEndpoint in ctx and answers every
// request "200" from a goroutine that owns the socket from then on. The
// bind happens before serveZAP returns, so no client can reach a server of
// ctx before the handler is there. The goroutine ends when the context is
// terminated (Recv returns ErrTerm) and closes the socket, which Term waits
// for.
func serveZAP(ctx *zring.Context) {
	if _, loaded := zapServed.LoadOrStore(ctx, struct{}{}); loaded {
		return
	}
	rep, err := ctx.NewSocket(zring.REP)
	if err != nil {
		Die("zmq_socket", err)
	}
	if err := rep.SetOption(zring.Linger, 0); err != nil {
		Die("zmq_setsockopt", err)
	}
	if err := rep.Bind(zapEndpoint); err != nil {
		Die("zmq_bind", err)
	}
	go func() {
		defer rep.Close()
		for {
			req, err := rep.RecvMultipart(0)
			if errors.Is(err, zring.ErrTerm) {
				return
			}
			if err != nil {
				Die("zmq_recv (ZAP handler)", err)
			}
			if err := rep.SendMultipart(ZAPReply(req), 0); err != nil {
				if errors.Is(err, zring.ErrTerm) {
					return
				}
				Die("zmq_send (ZAP handler)", err)
			}
		}
	}()
}

// ZAPReply is the handler's answer to a ZAP request (RFC 27: version,
// request id, domain, address, identity, mechanism, credentials...):
// version 1.0, the request's id, status 200, no user id, no metadata.
func ZAPReply(req [][]byte) [][]byte {
	var id []byte
	if len(req) > 1 {
		id = req[1]
	}
	return [][]byte{[]byte("1.0"), id, []byte("200"), []byte("OK"), nil, nil}
}
