package zmq4_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// Every function and method of pebbe/zmq4 v1.4.0, with its signature as
// that package's documentation gives it. Each assignment compiles only if
// this package's declaration has exactly that type, so a drifted signature
// fails the build of the tests.
var _ func(domain string, addresses ...string) = zmq.AuthAllow
var _ func(domain string, pubkeys ...string) = zmq.AuthCurveAdd
var _ func(z85SecretKey string) (z85PublicKey string, err error) = zmq.AuthCurvePublic
var _ func(domain string, pubkeys ...string) = zmq.AuthCurveRemove
var _ func(domain string) = zmq.AuthCurveRemoveAll
var _ func(domain string, addresses ...string) = zmq.AuthDeny
var _ func(key, value string) (blob []byte, err error) = zmq.AuthMetaBlob
var _ func(domain, username, password string) = zmq.AuthPlainAdd
var _ func(domain string, usernames ...string) = zmq.AuthPlainRemove
var _ func(domain string) = zmq.AuthPlainRemoveAll
var _ func(handler func(version, request_id, domain, address, identity, mechanism string, credentials ...string) (metadata map[string]string)) = zmq.AuthSetMetadataHandler
var _ func(verbose bool) = zmq.AuthSetVerbose
var _ func() (err error) = zmq.AuthStart
var _ func() = zmq.AuthStop
var _ func(e int) string = zmq.Error
var _ func() (bool, error) = zmq.GetBlocky
var _ func() (int, error) = zmq.GetIoThreads
var _ func() (bool, error) = zmq.GetIpv6
var _ func() (int, error) = zmq.GetMaxMsgsz
var _ func() (int, error) = zmq.GetMaxSockets
var _ func() bool = zmq.GetRetryAfterEINTR
var _ func() bool = zmq.HasCurve
var _ func() bool = zmq.HasGssapi
var _ func() bool = zmq.HasIpc
var _ func() bool = zmq.HasNorm
var _ func() bool = zmq.HasPgm
var _ func() bool = zmq.HasTipc
var _ func() (z85_public_key, z85_secret_key string, err error) = zmq.NewCurveKeypair
var _ func(frontend, backend, capture *zmq.Socket) error = zmq.Proxy
var _ func(frontend, backend, capture, control *zmq.Socket) error = zmq.ProxySteerable
var _ func(i bool) error = zmq.SetBlocky
var _ func(n int) error = zmq.SetIoThreads
var _ func(i bool) error = zmq.SetIpv6
var _ func(n int) error = zmq.SetMaxMsgsz
var _ func(n int) error = zmq.SetMaxSockets
var _ func(retry bool) = zmq.SetRetryAfterEINTR
var _ func(n int) error = zmq.SetThreadPriority
var _ func(n int) error = zmq.SetThreadSchedPolicy
var _ func() error = zmq.Term
var _ func() (major, minor, patch int) = zmq.Version
var _ func(s string) string = zmq.Z85decode
var _ func(data string) string = zmq.Z85encode
var _ func() (ctx *zmq.Context, err error) = zmq.NewContext
var _ func(ctx *zmq.Context) (bool, error) = (*zmq.Context).GetBlocky
var _ func(ctx *zmq.Context) (int, error) = (*zmq.Context).GetIoThreads
var _ func(ctx *zmq.Context) (bool, error) = (*zmq.Context).GetIpv6
var _ func(ctx *zmq.Context) (int, error) = (*zmq.Context).GetMaxMsgsz
var _ func(ctx *zmq.Context) (int, error) = (*zmq.Context).GetMaxSockets
var _ func(ctx *zmq.Context) bool = (*zmq.Context).GetRetryAfterEINTR
var _ func(ctx *zmq.Context, t zmq.Type) (soc *zmq.Socket, err error) = (*zmq.Context).NewSocket
var _ func(ctx *zmq.Context, i bool) error = (*zmq.Context).SetBlocky
var _ func(ctx *zmq.Context, n int) error = (*zmq.Context).SetIoThreads
var _ func(ctx *zmq.Context, i bool) error = (*zmq.Context).SetIpv6
var _ func(ctx *zmq.Context, n int) error = (*zmq.Context).SetMaxMsgsz
var _ func(ctx *zmq.Context, n int) error = (*zmq.Context).SetMaxSockets
var _ func(ctx *zmq.Context, retry bool) = (*zmq.Context).SetRetryAfterEINTR
var _ func(ctx *zmq.Context, n int) error = (*zmq.Context).SetThreadPriority
var _ func(ctx *zmq.Context, n int) error = (*zmq.Context).SetThreadSchedPolicy
var _ func(ctx *zmq.Context) error = (*zmq.Context).Term
var _ func(err error) zmq.Errno = zmq.AsErrno
var _ func(errno zmq.Errno) string = zmq.Errno.Error
var _ func(e zmq.Event) string = zmq.Event.String
var _ func(f zmq.Flag) string = zmq.Flag.String
var _ func(m zmq.Mechanism) string = zmq.Mechanism.String
var _ func() *zmq.Poller = zmq.NewPoller
var _ func(p *zmq.Poller, soc *zmq.Socket, events zmq.State) int = (*zmq.Poller).Add
var _ func(p *zmq.Poller, timeout time.Duration) ([]zmq.Polled, error) = (*zmq.Poller).Poll
var _ func(p *zmq.Poller, timeout time.Duration) ([]zmq.Polled, error) = (*zmq.Poller).PollAll
var _ func(p *zmq.Poller, id int) error = (*zmq.Poller).Remove
var _ func(p *zmq.Poller, soc *zmq.Socket) error = (*zmq.Poller).RemoveBySocket
var _ func(p *zmq.Poller) string = (*zmq.Poller).String
var _ func(p *zmq.Poller, id int, events zmq.State) (previous zmq.State, err error) = (*zmq.Poller).Update
var _ func(p *zmq.Poller, soc *zmq.Socket, events zmq.State) (previous zmq.State, err error) = (*zmq.Poller).UpdateBySocket
var _ func() *zmq.Reactor = zmq.NewReactor
var _ func(r *zmq.Reactor, ch <-chan interface{}, limit int, handler func(interface{}) error) (id uint64) = (*zmq.Reactor).AddChannel
var _ func(r *zmq.Reactor, ch <-chan time.Time, limit int, handler func(interface{}) error) (id uint64) = (*zmq.Reactor).AddChannelTime
var _ func(r *zmq.Reactor, soc *zmq.Socket, events zmq.State, handler func(zmq.State) error) = (*zmq.Reactor).AddSocket
var _ func(r *zmq.Reactor, id uint64) = (*zmq.Reactor).RemoveChannel
var _ func(r *zmq.Reactor, soc *zmq.Socket) = (*zmq.Reactor).RemoveSocket
var _ func(r *zmq.Reactor, interval time.Duration) (err error) = (*zmq.Reactor).Run
var _ func(r *zmq.Reactor, verbose bool) = (*zmq.Reactor).SetVerbose
var _ func(t zmq.Type) (soc *zmq.Socket, err error) = zmq.NewSocket
var _ func(soc *zmq.Socket, endpoint string) error = (*zmq.Socket).Bind
var _ func(client *zmq.Socket, server_public_key, client_public_key, client_secret_key string) error = (*zmq.Socket).ClientAuthCurve
var _ func(client *zmq.Socket, username, password string) error = (*zmq.Socket).ClientAuthPlain
var _ func(soc *zmq.Socket) error = (*zmq.Socket).Close
var _ func(soc *zmq.Socket, endpoint string) error = (*zmq.Socket).Connect
var _ func(soc *zmq.Socket) (*zmq.Context, error) = (*zmq.Socket).Context
var _ func(soc *zmq.Socket, endpoint string) error = (*zmq.Socket).Disconnect
var _ func(soc *zmq.Socket) (uint64, error) = (*zmq.Socket).GetAffinity
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetBacklog
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetConnectTimeout
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurvePublickeyRaw
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurvePublickeykeyZ85
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurveSecretkeyRaw
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurveSecretkeyZ85
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurveServerkeyRaw
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetCurveServerkeyZ85
var _ func(soc *zmq.Socket) (zmq.State, error) = (*zmq.Socket).GetEvents
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetFd
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetGssapiPlaintext
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetGssapiPrincipal
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetGssapiServer
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetGssapiServicePrincipal
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetHandshakeIvl
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetIdentity
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetImmediate
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetInvertMatching
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetIpv6
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetLastEndpoint
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetLinger
var _ func(soc *zmq.Socket) (int64, error) = (*zmq.Socket).GetMaxmsgsize
var _ func(soc *zmq.Socket) (zmq.Mechanism, error) = (*zmq.Socket).GetMechanism
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetMulticastHops
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetMulticastMaxtpdu
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetPlainPassword
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetPlainServer
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetPlainUsername
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetRate
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetRcvbuf
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetRcvhwm
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetRcvmore
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetRcvtimeo
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetReconnectIvl
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetReconnectIvlMax
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetRecoveryIvl
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetSndbuf
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetSndhwm
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetSndtimeo
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetSocksProxy
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetTcpKeepalive
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetTcpKeepaliveCnt
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetTcpKeepaliveIdle
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetTcpKeepaliveIntvl
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetTcpMaxrt
var _ func(soc *zmq.Socket) (bool, error) = (*zmq.Socket).GetThreadSafe
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).GetTos
var _ func(soc *zmq.Socket) (zmq.Type, error) = (*zmq.Socket).GetType
var _ func(soc *zmq.Socket) (uint64, error) = (*zmq.Socket).GetVmciBufferMaxSize
var _ func(soc *zmq.Socket) (uint64, error) = (*zmq.Socket).GetVmciBufferMinSize
var _ func(soc *zmq.Socket) (uint64, error) = (*zmq.Socket).GetVmciBufferSize
var _ func(soc *zmq.Socket) (time.Duration, error) = (*zmq.Socket).GetVmciConnectTimeout
var _ func(soc *zmq.Socket) (string, error) = (*zmq.Socket).GetZapDomain
var _ func(soc *zmq.Socket) (int, error) = (*zmq.Socket).Getusefd
var _ func(soc *zmq.Socket, addr string, events zmq.Event) error = (*zmq.Socket).Monitor
var _ func(soc *zmq.Socket, flags zmq.Flag) (string, error) = (*zmq.Socket).Recv
var _ func(soc *zmq.Socket, flags zmq.Flag) ([]byte, error) = (*zmq.Socket).RecvBytes
var _ func(soc *zmq.Socket, flags zmq.Flag, properties ...string) (msg []byte, metadata map[string]string, err error) = (*zmq.Socket).RecvBytesWithMetadata
var _ func(soc *zmq.Socket, flags zmq.Flag) (event_type zmq.Event, addr string, value int, err error) = (*zmq.Socket).RecvEvent
var _ func(soc *zmq.Socket, flags zmq.Flag) (msg []string, err error) = (*zmq.Socket).RecvMessage
var _ func(soc *zmq.Socket, flags zmq.Flag) (msg [][]byte, err error) = (*zmq.Socket).RecvMessageBytes
var _ func(soc *zmq.Socket, flags zmq.Flag, properties ...string) (msg [][]byte, metadata map[string]string, err error) = (*zmq.Socket).RecvMessageBytesWithMetadata
var _ func(soc *zmq.Socket, flags zmq.Flag, properties ...string) (msg []string, metadata map[string]string, err error) = (*zmq.Socket).RecvMessageWithMetadata
var _ func(soc *zmq.Socket, flags zmq.Flag, properties ...string) (msg string, metadata map[string]string, err error) = (*zmq.Socket).RecvWithMetadata
var _ func(soc *zmq.Socket, data string, flags zmq.Flag) (int, error) = (*zmq.Socket).Send
var _ func(soc *zmq.Socket, data []byte, flags zmq.Flag) (int, error) = (*zmq.Socket).SendBytes
var _ func(soc *zmq.Socket, parts ...interface{}) (total int, err error) = (*zmq.Socket).SendMessage
var _ func(soc *zmq.Socket, parts ...interface{}) (total int, err error) = (*zmq.Socket).SendMessageDontwait
var _ func(server *zmq.Socket, domain, secret_key string) error = (*zmq.Socket).ServerAuthCurve
var _ func(server *zmq.Socket, domain string) error = (*zmq.Socket).ServerAuthNull
var _ func(server *zmq.Socket, domain string) error = (*zmq.Socket).ServerAuthPlain
var _ func(soc *zmq.Socket, value uint64) error = (*zmq.Socket).SetAffinity
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetBacklog
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetConflate
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetConnectRid
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetConnectTimeout
var _ func(soc *zmq.Socket, key string) error = (*zmq.Socket).SetCurvePublickey
var _ func(soc *zmq.Socket, key string) error = (*zmq.Socket).SetCurveSecretkey
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetCurveServer
var _ func(soc *zmq.Socket, key string) error = (*zmq.Socket).SetCurveServerkey
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetGssapiPlaintext
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetGssapiPrincipal
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetGssapiServer
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetGssapiServicePrincipal
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetHandshakeIvl
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetHeartbeatIvl
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetHeartbeatTimeout
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetHeartbeatTtl
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetIdentity
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetImmediate
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetInvertMatching
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetIpv6
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetLinger
var _ func(soc *zmq.Socket, value int64) error = (*zmq.Socket).SetMaxmsgsize
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetMulticastHops
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetMulticastMaxtpdu
var _ func(soc *zmq.Socket, password string) error = (*zmq.Socket).SetPlainPassword
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetPlainServer
var _ func(soc *zmq.Socket, username string) error = (*zmq.Socket).SetPlainUsername
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetProbeRouter
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetRate
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetRcvbuf
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetRcvhwm
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetRcvtimeo
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetReconnectIvl
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetReconnectIvlMax
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetRecoveryIvl
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetReqCorrelate
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetReqRelaxed
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetRouterHandover
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetRouterMandatory
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetRouterRaw
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetSndbuf
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetSndhwm
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetSndtimeo
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetSocksProxy
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetStreamNotify
var _ func(soc *zmq.Socket, filter string) error = (*zmq.Socket).SetSubscribe
var _ func(soc *zmq.Socket, filter string) error = (*zmq.Socket).SetTcpAcceptFilter
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetTcpKeepalive
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetTcpKeepaliveCnt
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetTcpKeepaliveIdle
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetTcpKeepaliveIntvl
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetTcpMaxrt
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetTos
var _ func(soc *zmq.Socket, filter string) error = (*zmq.Socket).SetUnsubscribe
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetUseFd
var _ func(soc *zmq.Socket, value uint64) error = (*zmq.Socket).SetVmciBufferMaxSize
var _ func(soc *zmq.Socket, value uint64) error = (*zmq.Socket).SetVmciBufferMinSize
var _ func(soc *zmq.Socket, value uint64) error = (*zmq.Socket).SetVmciBufferSize
var _ func(soc *zmq.Socket, value time.Duration) error = (*zmq.Socket).SetVmciConnectTimeout
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetXpubManual
var _ func(soc *zmq.Socket, value bool) error = (*zmq.Socket).SetXpubNodrop
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetXpubVerbose
var _ func(soc *zmq.Socket, value int) error = (*zmq.Socket).SetXpubVerboser
var _ func(soc *zmq.Socket, value string) error = (*zmq.Socket).SetXpubWelcomeMsg
var _ func(soc *zmq.Socket, domain string) error = (*zmq.Socket).SetZapDomain
var _ func(soc zmq.Socket) string = zmq.Socket.String
var _ func(soc *zmq.Socket, endpoint string) error = (*zmq.Socket).Unbind
var _ func(s zmq.State) string = zmq.State.String
var _ func(t zmq.Type) string = zmq.Type.String

// The constants and variables of pebbe/zmq4, with their types.
var (
	_ zmq.Type      = zmq.REQ
	_ zmq.Flag      = zmq.DONTWAIT | zmq.SNDMORE
	_ zmq.Event     = zmq.EVENT_ALL
	_ zmq.State     = zmq.POLLIN | zmq.POLLOUT
	_ zmq.Mechanism = zmq.GSSAPI
	_ zmq.Errno     = zmq.ETERM
	_ int           = zmq.MaxSocketsDflt
	_ int           = zmq.IoThreadsDflt
	_ string        = zmq.CURVE_ALLOW_ANY
	_ error         = zmq.ErrorNotImplementedWindows
	_               = zmq.Polled{Socket: (*zmq.Socket)(nil), Events: zmq.State(0)}
)

// pebbeStyleProgram is what programs written for pebbe/zmq4 do, as its
// README and the guide's Go examples write it; it is compiled, not run, so
// that a change of this package that would break such a program fails the
// build of the tests.
func pebbeStyleProgram() {
	zmq.SetIoThreads(1)
	context, err := zmq.NewContext()
	if err != nil {
		panic(err)
	}
	defer context.Term()
	socket, _ := context.NewSocket(zmq.DEALER)
	defer socket.Close()
	socket.SetLinger(0)
	socket.SetRcvtimeo(250 * time.Millisecond)
	socket.SetIdentity("client")
	socket.Connect("tcp://localhost:5555")
	var n int
	n, err = socket.Send("header", zmq.SNDMORE)
	n, err = socket.SendBytes([]byte("body"), 0)
	n, err = socket.SendMessage("a", []byte("b"), []string{"c", "d"}, [][]byte{[]byte("e")}, 42)
	_ = n
	var msg []string
	msg, err = socket.RecvMessage(0)
	switch zmq.AsErrno(err) {
	case zmq.Errno(syscall.EAGAIN):
	case zmq.Errno(syscall.EINTR):
	case zmq.ETERM:
		return
	}
	if err == zmq.ETERM || err == zmq.Errno(syscall.EAGAIN) {
		return
	}
	_ = msg
	reply, _ := socket.Recv(zmq.DONTWAIT)
	more, _ := socket.GetRcvmore()
	_, _ = reply, more

	poller := zmq.NewPoller()
	id := poller.Add(socket, zmq.POLLIN)
	poller.Update(id, zmq.POLLIN|zmq.POLLOUT)
	polled, _ := poller.Poll(time.Second)
	for _, p := range polled {
		switch s := p.Socket; s {
		case socket:
			if p.Events&zmq.POLLIN != 0 {
				s.RecvMessageBytes(0)
			}
		}
	}
	poller.RemoveBySocket(socket)

	reactor := zmq.NewReactor()
	reactor.AddSocket(socket, zmq.POLLIN, func(zmq.State) error { return nil })
	reactor.AddChannelTime(time.Tick(time.Second), 1, func(interface{}) error { return nil })
	reactor.Run(100 * time.Millisecond)

	socket.Monitor("inproc://monitor", zmq.EVENT_ALL)
	monitor, _ := zmq.NewSocket(zmq.PAIR)
	monitor.Connect("inproc://monitor")
	event, addr, value, _ := monitor.RecvEvent(0)
	_, _, _ = event.String(), addr, value

	public, secret, _ := zmq.NewCurveKeypair()
	zmq.AuthSetVerbose(true)
	zmq.AuthStart()
	defer zmq.AuthStop()
	zmq.AuthAllow("domain", "127.0.0.1", "10.0.0.0/8")
	zmq.AuthCurveAdd("domain", zmq.CURVE_ALLOW_ANY)
	server, _ := zmq.NewSocket(zmq.REP)
	server.ServerAuthCurve("domain", secret)
	socket.ClientAuthCurve(public, public, secret)
	zmq.Proxy(socket, server, nil)
	major, minor, patch := zmq.Version()
	_, _, _ = major, minor, patch
	_ = zmq.Z85decode(zmq.Z85encode("1234"))
}

var _ = pebbeStyleProgram

// pebbeNames are the exported names of pebbe/zmq4 v1.4.0 ("Type.Method"
// for methods and fields).
var pebbeNames = strings.Fields(`
AsErrno
AuthAllow
AuthCurveAdd
AuthCurvePublic
AuthCurveRemove
AuthCurveRemoveAll
AuthDeny
AuthMetaBlob
AuthPlainAdd
AuthPlainRemove
AuthPlainRemoveAll
AuthSetMetadataHandler
AuthSetVerbose
AuthStart
AuthStop
CURVE
CURVE_ALLOW_ANY
Context
Context.GetBlocky
Context.GetIoThreads
Context.GetIpv6
Context.GetMaxMsgsz
Context.GetMaxSockets
Context.GetRetryAfterEINTR
Context.NewSocket
Context.SetBlocky
Context.SetIoThreads
Context.SetIpv6
Context.SetMaxMsgsz
Context.SetMaxSockets
Context.SetRetryAfterEINTR
Context.SetThreadPriority
Context.SetThreadSchedPolicy
Context.Term
DEALER
DONTWAIT
EADDRINUSE
EADDRNOTAVAIL
EAFNOSUPPORT
ECONNABORTED
ECONNREFUSED
ECONNRESET
EFSM
EHOSTUNREACH
EINPROGRESS
EMSGSIZE
EMTHREAD
ENETDOWN
ENETRESET
ENETUNREACH
ENOBUFS
ENOCOMPATPROTO
ENOTCONN
ENOTSOCK
ENOTSUP
EPROTONOSUPPORT
ETERM
ETIMEDOUT
EVENT_ACCEPTED
EVENT_ACCEPT_FAILED
EVENT_ALL
EVENT_BIND_FAILED
EVENT_CLOSED
EVENT_CLOSE_FAILED
EVENT_CONNECTED
EVENT_CONNECT_DELAYED
EVENT_CONNECT_RETRIED
EVENT_DISCONNECTED
EVENT_HANDSHAKE_FAILED_AUTH
EVENT_HANDSHAKE_FAILED_NO_DETAIL
EVENT_HANDSHAKE_FAILED_PROTOCOL
EVENT_HANDSHAKE_SUCCEEDED
EVENT_LISTENING
EVENT_MONITOR_STOPPED
Errno
Errno.Error
Error
ErrorContextClosed
ErrorMoreExpected
ErrorNoSocket
ErrorNotImplemented405
ErrorNotImplemented41
ErrorNotImplemented42
ErrorNotImplementedWindows
ErrorSocketClosed
Event
Event.String
Flag
Flag.String
GSSAPI
GetBlocky
GetIoThreads
GetIpv6
GetMaxMsgsz
GetMaxSockets
GetRetryAfterEINTR
HasCurve
HasGssapi
HasIpc
HasNorm
HasPgm
HasTipc
IoThreadsDflt
MaxSocketsDflt
Mechanism
Mechanism.String
NULL
NewContext
NewCurveKeypair
NewPoller
NewReactor
NewSocket
PAIR
PLAIN
POLLIN
POLLOUT
PUB
PULL
PUSH
Polled
Polled.Events
Polled.Socket
Poller
Poller.Add
Poller.Poll
Poller.PollAll
Poller.Remove
Poller.RemoveBySocket
Poller.String
Poller.Update
Poller.UpdateBySocket
Proxy
ProxySteerable
REP
REQ
ROUTER
Reactor
Reactor.AddChannel
Reactor.AddChannelTime
Reactor.AddSocket
Reactor.RemoveChannel
Reactor.RemoveSocket
Reactor.Run
Reactor.SetVerbose
SNDMORE
STREAM
SUB
SetBlocky
SetIoThreads
SetIpv6
SetMaxMsgsz
SetMaxSockets
SetRetryAfterEINTR
SetThreadPriority
SetThreadSchedPolicy
Socket
Socket.Bind
Socket.ClientAuthCurve
Socket.ClientAuthPlain
Socket.Close
Socket.Connect
Socket.Context
Socket.Disconnect
Socket.GetAffinity
Socket.GetBacklog
Socket.GetConnectTimeout
Socket.GetCurvePublickeyRaw
Socket.GetCurvePublickeykeyZ85
Socket.GetCurveSecretkeyRaw
Socket.GetCurveSecretkeyZ85
Socket.GetCurveServerkeyRaw
Socket.GetCurveServerkeyZ85
Socket.GetEvents
Socket.GetFd
Socket.GetGssapiPlaintext
Socket.GetGssapiPrincipal
Socket.GetGssapiServer
Socket.GetGssapiServicePrincipal
Socket.GetHandshakeIvl
Socket.GetIdentity
Socket.GetImmediate
Socket.GetInvertMatching
Socket.GetIpv6
Socket.GetLastEndpoint
Socket.GetLinger
Socket.GetMaxmsgsize
Socket.GetMechanism
Socket.GetMulticastHops
Socket.GetMulticastMaxtpdu
Socket.GetPlainPassword
Socket.GetPlainServer
Socket.GetPlainUsername
Socket.GetRate
Socket.GetRcvbuf
Socket.GetRcvhwm
Socket.GetRcvmore
Socket.GetRcvtimeo
Socket.GetReconnectIvl
Socket.GetReconnectIvlMax
Socket.GetRecoveryIvl
Socket.GetSndbuf
Socket.GetSndhwm
Socket.GetSndtimeo
Socket.GetSocksProxy
Socket.GetTcpKeepalive
Socket.GetTcpKeepaliveCnt
Socket.GetTcpKeepaliveIdle
Socket.GetTcpKeepaliveIntvl
Socket.GetTcpMaxrt
Socket.GetThreadSafe
Socket.GetTos
Socket.GetType
Socket.GetVmciBufferMaxSize
Socket.GetVmciBufferMinSize
Socket.GetVmciBufferSize
Socket.GetVmciConnectTimeout
Socket.GetZapDomain
Socket.Getusefd
Socket.Monitor
Socket.Recv
Socket.RecvBytes
Socket.RecvBytesWithMetadata
Socket.RecvEvent
Socket.RecvMessage
Socket.RecvMessageBytes
Socket.RecvMessageBytesWithMetadata
Socket.RecvMessageWithMetadata
Socket.RecvWithMetadata
Socket.Send
Socket.SendBytes
Socket.SendMessage
Socket.SendMessageDontwait
Socket.ServerAuthCurve
Socket.ServerAuthNull
Socket.ServerAuthPlain
Socket.SetAffinity
Socket.SetBacklog
Socket.SetConflate
Socket.SetConnectRid
Socket.SetConnectTimeout
Socket.SetCurvePublickey
Socket.SetCurveSecretkey
Socket.SetCurveServer
Socket.SetCurveServerkey
Socket.SetGssapiPlaintext
Socket.SetGssapiPrincipal
Socket.SetGssapiServer
Socket.SetGssapiServicePrincipal
Socket.SetHandshakeIvl
Socket.SetHeartbeatIvl
Socket.SetHeartbeatTimeout
Socket.SetHeartbeatTtl
Socket.SetIdentity
Socket.SetImmediate
Socket.SetInvertMatching
Socket.SetIpv6
Socket.SetLinger
Socket.SetMaxmsgsize
Socket.SetMulticastHops
Socket.SetMulticastMaxtpdu
Socket.SetPlainPassword
Socket.SetPlainServer
Socket.SetPlainUsername
Socket.SetProbeRouter
Socket.SetRate
Socket.SetRcvbuf
Socket.SetRcvhwm
Socket.SetRcvtimeo
Socket.SetReconnectIvl
Socket.SetReconnectIvlMax
Socket.SetRecoveryIvl
Socket.SetReqCorrelate
Socket.SetReqRelaxed
Socket.SetRouterHandover
Socket.SetRouterMandatory
Socket.SetRouterRaw
Socket.SetSndbuf
Socket.SetSndhwm
Socket.SetSndtimeo
Socket.SetSocksProxy
Socket.SetStreamNotify
Socket.SetSubscribe
Socket.SetTcpAcceptFilter
Socket.SetTcpKeepalive
Socket.SetTcpKeepaliveCnt
Socket.SetTcpKeepaliveIdle
Socket.SetTcpKeepaliveIntvl
Socket.SetTcpMaxrt
Socket.SetTos
Socket.SetUnsubscribe
Socket.SetUseFd
Socket.SetVmciBufferMaxSize
Socket.SetVmciBufferMinSize
Socket.SetVmciBufferSize
Socket.SetVmciConnectTimeout
Socket.SetXpubManual
Socket.SetXpubNodrop
Socket.SetXpubVerbose
Socket.SetXpubVerboser
Socket.SetXpubWelcomeMsg
Socket.SetZapDomain
Socket.String
Socket.Unbind
State
State.String
Term
Type
Type.String
Version
XPUB
XSUB
Z85decode
Z85encode
`)

// extraNames are the exported names this package has that pebbe/zmq4 has
// not, and why: a program moved back to pebbe/zmq4 must still build, so the
// list is short.
var extraNames = map[string]string{
	"Errno.Is": "errors.Is matches an Errno against syscall and zring errors of the same number",
}

// TestExportedNames checks that the package exports pebbe/zmq4's names and,
// but for extraNames, nothing else, so that the surface does not drift in
// either direction. The signatures are checked by the declarations above.
func TestExportedNames(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var got []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, exportedNames(f)...)
	}
	for _, want := range pebbeNames {
		if !slices.Contains(got, want) {
			t.Errorf("pebbe/zmq4's %s is missing", want)
		}
	}
	for _, name := range got {
		if !slices.Contains(pebbeNames, name) && extraNames[name] == "" {
			t.Errorf("%s is not pebbe/zmq4's: remove it, or list it in extraNames with the reason", name)
		}
	}
}

// exportedNames lists f's exported top-level names, methods and struct
// fields, as pebbeNames spells them.
func exportedNames(f *ast.File) []string {
	var names []string
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				names = append(names, d.Name.Name)
				continue
			}
			typ := d.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			names = append(names, typ.(*ast.Ident).Name+"."+d.Name.Name)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							names = append(names, n.Name)
						}
					}
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					names = append(names, s.Name.Name)
					if st, ok := s.Type.(*ast.StructType); ok {
						for _, field := range st.Fields.List {
							for _, n := range field.Names {
								if n.IsExported() {
									names = append(names, s.Name.Name+"."+n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	return names
}

// TestImportsRootOnly keeps the package a client of the root package's
// public API: it may import the root and the standard library, never the
// engine under internal/.
func TestImportsRootOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			first, _, _ := strings.Cut(path, "/")
			if path != "github.com/zring/zring" && path != "github.com/zring/zring/zmq4" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: zmq4 builds on the root package alone", name, path)
			}
		}
	}
}
