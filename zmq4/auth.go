package zmq4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/netip"
	"slices"
	"sync"

	"github.com/zring/zring"
)

// The Auth* functions are pebbe/zmq4's ZAP handler (RFC 27) for the
// default context, as CZMQ's zauth is for libzmq: AuthStart serves
// inproc://zeromq.zap.01 until AuthStop, and the other functions edit the
// rules it decides by, before, while or after it runs. The decisions are
// zring.Authenticator's (see its documentation for the order: addresses
// first, then the mechanism's credentials).
//
// The handler that binds the endpoint is a small relay owned by this
// package: it passes each request to a zring.Authenticator running in a
// private context, and the verdict back, adding what the handler of
// AuthSetMetadataHandler returns to a request it accepted. That is the one
// thing the Authenticator has no hook for.
//
// Like pebbe/zmq4's, the handler serves the default context only; sockets
// of a context from NewContext are not authenticated by it.

// zapEndpoint is where libzmq, and zring, send ZAP requests (RFC 27).
const zapEndpoint = "inproc://zeromq.zap.01"

// auth is the rules and the running handler. The rules live here, not only
// in the Authenticator, because pebbe/zmq4's outlive AuthStop and apply to
// the next AuthStart; each new Authenticator is given them.
var auth struct {
	mu       sync.Mutex // guards every field below
	verbose  bool
	metadata func(version, requestID, domain, address, identity, mechanism string, credentials ...string) map[string]string
	allow    map[string]map[string]bool // domain → addresses
	deny     map[string]map[string]bool
	users    map[string]map[string]string // domain → username → password
	keys     map[string]map[string]bool   // domain → Z85 public keys
	anyKey   map[string]bool              // domain → CURVE_ALLOW_ANY
	run      *authRun                     // nil unless started
}

// authRun is one AuthStart's handler: the relay's goroutine (serve), its
// stop socket, and the Authenticator it asks.
type authRun struct {
	private *zring.Context
	a       *zring.Authenticator
	stop    *zring.Socket // a PAIR to the relay's control socket; under auth.mu
	done    chan struct{} // closed when serve has ended
}

// AuthStart starts the ZAP handler for the default context's sockets.
// Until rules are added, NULL clients are accepted, and PLAIN and CURVE
// clients refused. If it runs already, AuthStart does nothing. The error is
// EADDRINUSE if another handler is bound, ErrorContextClosed after Term.
func AuthStart() (err error) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if auth.run != nil {
		return nil
	}
	zc, err := defaultCtx.zringContext()
	if err != nil {
		return err
	}
	r := &authRun{done: make(chan struct{})}
	var socks []*zring.Socket // made so far, closed on failure
	fail := func(err error) error {
		for _, s := range socks {
			s.Close()
		}
		if r.a != nil {
			r.a.Close()
		}
		if r.private != nil {
			r.private.Term()
		}
		return bare(err)
	}
	newSocket := func(c *zring.Context, t zring.SocketType) (*zring.Socket, error) {
		s, err := c.NewSocket(t)
		if err != nil {
			return nil, err
		}
		socks = append(socks, s)
		return s, s.SetOption(zring.Linger, 0)
	}
	if r.private, err = zring.NewContext(); err != nil {
		return fail(err)
	}
	if r.a, err = zring.NewAuthenticator(r.private); err != nil {
		return fail(err)
	}
	rep, err := newSocket(zc, zring.REP)
	if err != nil {
		return fail(err)
	}
	if err := rep.Bind(zapEndpoint); err != nil {
		return fail(err)
	}
	control := fmt.Sprintf("inproc://zmq4.auth.%p", r)
	ctl, err := newSocket(zc, zring.PAIR)
	if err != nil {
		return fail(err)
	}
	if err := ctl.Bind(control); err != nil {
		return fail(err)
	}
	if r.stop, err = newSocket(zc, zring.PAIR); err != nil {
		return fail(err)
	}
	if err := r.stop.Connect(control); err != nil {
		return fail(err)
	}
	req, err := newSocket(r.private, zring.REQ)
	if err != nil {
		return fail(err)
	}
	if err := req.Connect(zapEndpoint); err != nil {
		return fail(err)
	}
	authApplyAll(r.a)
	auth.run = r
	go r.serve(rep, ctl, req)
	return nil
}

// AuthStop stops the ZAP handler and waits until it has; the rules are
// kept for the next AuthStart. Handshakes in progress then fail, as libzmq's
// do when the handler goes away.
func AuthStop() {
	auth.mu.Lock()
	r := auth.run
	auth.run = nil
	if r != nil && r.stop != nil {
		r.stop.Send(nil, zring.DontWait)
	}
	auth.mu.Unlock()
	if r != nil {
		<-r.done
	}
}

// serve relays ZAP requests from rep, in the default context, to the
// Authenticator through req, in the private one, until ctl says stop or the
// default context is terminated. It owns rep, ctl and req, and on its way
// out closes them, the stop socket, the Authenticator and the private
// context.
func (r *authRun) serve(rep, ctl, req *zring.Socket) {
	defer func() {
		rep.Close()
		ctl.Close()
		auth.mu.Lock()
		r.stop.Close()
		r.stop = nil
		if auth.run == r { // the default context was terminated under it
			auth.run = nil
		}
		auth.mu.Unlock()
		req.Close()
		r.a.Close()
		r.private.Term()
		close(r.done)
	}()
	p := zring.NewPoller()
	p.Add(ctl, zring.PollIn)
	p.Add(rep, zring.PollIn)
	for {
		ready, err := p.Wait(-1)
		if err != nil {
			return
		}
		for _, it := range ready {
			if it.Socket == ctl {
				return
			}
		}
		request, err := rep.RecvMultipart(zring.DontWait)
		if errors.Is(err, zring.ErrAgain) {
			continue
		}
		if err != nil {
			return
		}
		if err := req.SendMultipart(request, 0); err != nil {
			return
		}
		reply, err := req.RecvMultipart(0)
		if err != nil {
			return
		}
		if err := rep.SendMultipart(withMetadata(request, reply), 0); err != nil {
			return
		}
	}
}

// withMetadata adds to an accepting ZAP reply what the metadata handler
// returns for its request: "User-Id" replaces the reply's user id, the
// other properties join its metadata (in the order of their names).
func withMetadata(request, reply [][]byte) [][]byte {
	auth.mu.Lock()
	handler := auth.metadata
	auth.mu.Unlock()
	// RFC 27: the request is version, request id, domain, address,
	// identity, mechanism, credentials...; the reply version, request id,
	// status code, status text, user id, metadata.
	if handler == nil || len(request) < 6 || len(reply) != 6 || string(reply[2]) != "200" {
		return reply
	}
	credentials := make([]string, len(request)-6)
	for i, c := range request[6:] {
		credentials[i] = string(c)
	}
	md := handler(string(request[0]), string(request[1]), string(request[2]),
		string(request[3]), string(request[4]), string(request[5]), credentials...)
	names := make([]string, 0, len(md))
	for name := range md {
		names = append(names, name)
	}
	slices.Sort(names)
	blob := reply[5]
	for _, name := range names {
		if name == "User-Id" {
			reply[4] = []byte(md[name])
			continue
		}
		b, err := AuthMetaBlob(name, md[name])
		if err != nil {
			authLog("zmq4: auth: metadata %q left out: %v", name, err)
			continue
		}
		blob = append(blob, b...)
	}
	reply[5] = blob
	return reply
}

// authApplyAll gives a new Authenticator the rules. Called with auth.mu
// held.
func authApplyAll(a *zring.Authenticator) {
	if auth.verbose {
		a.SetLogger(slog.Default())
	}
	for domain, addrs := range auth.allow {
		for addr := range addrs {
			authNote(a.Allow(domain, addr))
		}
	}
	for domain, addrs := range auth.deny {
		for addr := range addrs {
			authNote(a.Deny(domain, addr))
		}
	}
	for domain, users := range auth.users {
		for user, password := range users {
			authNote(a.AddPlainUser(domain, user, password))
		}
	}
	for domain, keys := range auth.keys {
		for key := range keys {
			authNote(a.AllowCurveKey(domain, key))
		}
	}
	for domain := range auth.anyKey {
		authNote(a.AllowCurveAny(domain))
	}
}

// authNote logs a rule the Authenticator refused (an address or key it
// cannot read), when verbose: pebbe/zmq4's functions return no error.
// Called with auth.mu held.
func authNote(err error) {
	if err != nil && auth.verbose {
		log.Printf("zmq4: auth: %v", err)
	}
}

func authLog(format string, args ...any) {
	auth.mu.Lock()
	verbose := auth.verbose
	auth.mu.Unlock()
	if verbose {
		log.Printf(format, args...)
	}
}

// authEdit applies a rule the caller has recorded to the running
// Authenticator, if any. Called with auth.mu held.
func authEdit(edit func(a *zring.Authenticator) error) {
	if auth.run != nil {
		authNote(edit(auth.run.a))
	}
}

func addTo(m *map[string]map[string]bool, domain, v string) {
	if *m == nil {
		*m = make(map[string]map[string]bool)
	}
	if (*m)[domain] == nil {
		(*m)[domain] = make(map[string]bool)
	}
	(*m)[domain][v] = true
}

// authAddresses reads AuthAllow's and AuthDeny's arguments: a domain that
// is an IP address is taken as the first address, for every domain (the
// form of pebbe/zmq4's earlier API).
func authAddresses(domain string, addresses []string) (string, []string) {
	if _, err := netip.ParseAddr(domain); err == nil {
		return zring.AnyDomain, append([]string{domain}, addresses...)
	}
	return domain, addresses
}

// AuthAllow adds addresses (IP addresses, or prefixes in CIDR notation) to
// domain's allow list ("*" for every domain). For NULL an allowed client is
// accepted; for PLAIN and CURVE it still needs its credentials. Once a
// domain has an allow list, every address not on it is refused, and its
// deny list is ignored. If domain is itself an IP address, it and the
// addresses are allowed for every domain. Addresses that cannot be read
// are ignored (logged when verbose).
func AuthAllow(domain string, addresses ...string) {
	domain, addresses = authAddresses(domain, addresses)
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, addr := range addresses {
		addTo(&auth.allow, domain, addr)
		authEdit(func(a *zring.Authenticator) error { return a.Allow(domain, addr) })
	}
}

// AuthDeny adds addresses to domain's deny list: clients from them are
// refused before their credentials are looked at, unless the domain has an
// allow list. A domain that is an IP address works as in AuthAllow.
func AuthDeny(domain string, addresses ...string) {
	domain, addresses = authAddresses(domain, addresses)
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, addr := range addresses {
		addTo(&auth.deny, domain, addr)
		authEdit(func(a *zring.Authenticator) error { return a.Deny(domain, addr) })
	}
}

// AuthPlainAdd lets PLAIN clients with username and password in domain
// ("*" for every domain); their connections' User-Id is the username.
func AuthPlainAdd(domain, username, password string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if auth.users == nil {
		auth.users = make(map[string]map[string]string)
	}
	if auth.users[domain] == nil {
		auth.users[domain] = make(map[string]string)
	}
	auth.users[domain][username] = password
	authEdit(func(a *zring.Authenticator) error { return a.AddPlainUser(domain, username, password) })
}

// AuthPlainRemove removes PLAIN users from domain.
func AuthPlainRemove(domain string, usernames ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, user := range usernames {
		delete(auth.users[domain], user)
		authEdit(func(a *zring.Authenticator) error { return a.RemovePlainUser(domain, user) })
	}
}

// AuthPlainRemoveAll removes every PLAIN user of domain.
func AuthPlainRemoveAll(domain string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for user := range auth.users[domain] {
		authEdit(func(a *zring.Authenticator) error { return a.RemovePlainUser(domain, user) })
	}
	delete(auth.users, domain)
}

// AuthCurveAdd lets CURVE clients with these public keys (Z85, 40
// characters) in domain ("*" for every domain); CURVE_ALLOW_ANY as a key
// lets in every client whatever its key. A connection's User-Id is its
// client's key in Z85.
func AuthCurveAdd(domain string, pubkeys ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, key := range pubkeys {
		if key == CURVE_ALLOW_ANY {
			if auth.anyKey == nil {
				auth.anyKey = make(map[string]bool)
			}
			auth.anyKey[domain] = true
			authEdit(func(a *zring.Authenticator) error { return a.AllowCurveAny(domain) })
			continue
		}
		addTo(&auth.keys, domain, key)
		authEdit(func(a *zring.Authenticator) error { return a.AllowCurveKey(domain, key) })
	}
}

// AuthCurveRemove removes CURVE keys from domain (CURVE_ALLOW_ANY undoes
// AuthCurveAdd's).
func AuthCurveRemove(domain string, pubkeys ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, key := range pubkeys {
		authRemoveKey(domain, key)
	}
}

// AuthCurveRemoveAll removes every CURVE key of domain, CURVE_ALLOW_ANY
// included.
func AuthCurveRemoveAll(domain string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for key := range auth.keys[domain] {
		authRemoveKey(domain, key)
	}
	authRemoveKey(domain, CURVE_ALLOW_ANY)
}

// authRemoveKey is called with auth.mu held.
func authRemoveKey(domain, key string) {
	if key == CURVE_ALLOW_ANY {
		delete(auth.anyKey, domain)
		authEdit(func(a *zring.Authenticator) error { return a.RemoveCurveAny(domain) })
		return
	}
	delete(auth.keys[domain], key)
	authEdit(func(a *zring.Authenticator) error { return a.RemoveCurveKey(domain, key) })
}

// AuthSetVerbose makes the handler log each decision, and each rule it
// could not read, through the standard logger (log/slog's default).
// Passwords are never logged.
func AuthSetVerbose(verbose bool) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	auth.verbose = verbose
	if auth.run != nil {
		if verbose {
			auth.run.a.SetLogger(slog.Default())
		} else {
			auth.run.a.SetLogger(nil)
		}
	}
}

// AuthSetMetadataHandler sets a function the handler calls for each
// request it accepts (status 200), with the request's fields (RFC 27); the
// properties it returns go in the reply, and so become properties of the
// client's connection on the server side (RecvWithMetadata reads them):
// "User-Id" is the reply's user id, in place of the username or key the
// handler would give, and the others its metadata. The default returns no
// properties; nil restores it.
func AuthSetMetadataHandler(
	handler func(
		version, request_id, domain, address, identity, mechanism string, credentials ...string) (metadata map[string]string)) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	auth.metadata = handler
}

// AuthMetaBlob encodes one property as ZAP and ZMTP metadata carry it: the
// name's length in a byte, the name, the value's length in four bytes (big
// endian), the value. A name longer than 255 bytes is an error.
func AuthMetaBlob(key, value string) (blob []byte, err error) {
	if len(key) > 255 {
		return nil, fmt.Errorf("zmq4: metadata name of %d bytes, at most 255: %w", len(key), einval)
	}
	blob = make([]byte, 0, 1+len(key)+4+len(value))
	blob = append(blob, byte(len(key)))
	blob = append(blob, key...)
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(value)))
	return append(blob, value...), nil
}

// ServerAuthNull makes the socket ask the ZAP handler about its NULL
// clients, in domain (ZMQ_ZAP_DOMAIN).
func (server *Socket) ServerAuthNull(domain string) error { return server.SetZapDomain(domain) }

// ServerAuthPlain makes the socket a PLAIN server whose clients the ZAP
// handler checks in domain.
func (server *Socket) ServerAuthPlain(domain string) error {
	if err := server.SetPlainServer(1); err != nil {
		return err
	}
	return server.SetZapDomain(domain)
}

// ServerAuthCurve makes the socket a CURVE server with secret_key (Z85 or
// 32 bytes), whose clients the ZAP handler checks in domain.
func (server *Socket) ServerAuthCurve(domain, secret_key string) error {
	if err := server.SetCurveServer(1); err != nil {
		return err
	}
	if err := server.SetCurveSecretkey(secret_key); err != nil {
		return err
	}
	return server.SetZapDomain(domain)
}

// ClientAuthPlain makes the socket a PLAIN client with these credentials.
func (client *Socket) ClientAuthPlain(username, password string) error {
	if err := client.SetPlainUsername(username); err != nil {
		return err
	}
	return client.SetPlainPassword(password)
}

// ClientAuthCurve makes the socket a CURVE client of the server with
// server_public_key, with its own key pair (all Z85 or 32 bytes).
func (client *Socket) ClientAuthCurve(server_public_key, client_public_key, client_secret_key string) error {
	if err := client.SetCurveServerkey(server_public_key); err != nil {
		return err
	}
	if err := client.SetCurvePublickey(client_public_key); err != nil {
		return err
	}
	return client.SetCurveSecretkey(client_secret_key)
}
