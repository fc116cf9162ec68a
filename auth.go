package zring

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zring/zring/internal/zmtp"
)

// AnyDomain, given as the domain of a rule, makes the rule apply to every
// ZAP domain, the empty one included (pebbe/zmq4's "*"). A request is
// judged by the rules of its own domain and those of AnyDomain together.
const AnyDomain = "*"

// zapHandlerEndpoint is where RFC 27 has the one ZAP handler of a context
// bind; the sockets' sessions connect to it (sockets.Context.zapConnect).
const zapHandlerEndpoint = "inproc://zeromq.zap.01"

// zapMaxString is RFC 27's limit on its string fields (domain, user id...)
// and libzmq's on ZMQ_ZAP_DOMAIN and the PLAIN username and password.
const zapMaxString = 255

// Authenticator is a ZAP handler (RFC 27) for the sockets of one Context,
// as CZMQ's zauth actor and pebbe/zmq4's Auth* functions are for libzmq:
// it decides which peers the context's tcp and ipc handshakes accept, by
// the peer's IP address for every mechanism, by username and password for
// PLAIN servers, and by the client's public key for CURVE servers. Rules
// are kept per ZAP domain (the ZAPDomain option of the server socket, ""
// when unset); AnyDomain holds rules for all domains.
//
// A request is decided in the order zauth and pebbe/zmq4 use:
//
//  1. Addresses. If the domain has an allow list (its own or AnyDomain's),
//     a peer whose address is not on it is refused, whatever its
//     credentials; otherwise, if it has a deny list, a peer on that list
//     is refused. An allow list makes a deny list of the same domain
//     inert. Entries are IPv4 or IPv6 addresses or CIDR prefixes
//     ("10.0.0.0/8", as pebbe/zmq4 takes; zauth takes exact addresses
//     only); an IPv4-mapped IPv6 address matches its IPv4 form. An ipc
//     peer has no IP address: it is on no list.
//  2. The mechanism. NULL: accepted (the address check is all there is).
//     PLAIN: accepted if the username is one of the domain's users with
//     that password; an allowed address still needs the password. CURVE:
//     accepted if the domain allows any key (AllowCurveAny) or has the
//     client's key. With no users or keys configured, every PLAIN and
//     CURVE peer is refused. Any other mechanism (zring has none; zauth
//     lets GSSAPI in) is refused.
//
// An accepted peer's connection gets the User-Id property (RFC 27's user
// id): the username for PLAIN, the client's public key in Z85 for CURVE,
// none for NULL. Replies are 200 "OK", 400 "No access" (the handshake
// fails with EventHandshakeFailedAuth 400 on both sides) and, for a
// request that is not RFC 27's, 500 "Internal error".
//
// The handler is a REP socket bound at inproc://zeromq.zap.01, owned by a
// goroutine of its own from NewAuthenticator to Close; one context has at
// most one. The rules are shared between that goroutine and the
// application's calls, which may come from any goroutine at any time,
// before, while or after the handler runs, under one mutex. A mutex and not
// a channel to the handler: a change is then in force for every request
// decided after the call returns, with no round trip through the handler
// (zauth waits for its actor's acknowledgement to give the same promise;
// and the handler, waiting in a Poller on sockets, would need a socket
// rung beside each channel send), and the handler holds the lock only
// while it looks the request up, never across socket I/O or logging. The handler's socket needs no lock: only its goroutine
// touches it.
//
// Without a handler (before NewAuthenticator, after Close) libzmq 4.3.4's
// rules apply: PLAIN servers refuse everyone, CURVE servers and NULL
// sockets with a ZAPDomain accept everyone. Set ZAPEnforceDomain on a
// socket that must refuse in that case too.
type Authenticator struct {
	mu     sync.Mutex // guards policy and stop
	policy authPolicy
	// stop is the application's end of the control pipe. Close sends on
	// it to end the handler; the handler closes it when it ends (it may
	// end first, when the context is terminated), so that Term does not
	// wait for a socket the application cannot see.
	stop *Socket

	logger    atomic.Pointer[slog.Logger]
	closeOnce sync.Once
	done      chan struct{} // closed when the handler's goroutine has ended
	err       error         // why the handler ended, if not Close or Term; read after done
}

// authPolicy is the rules. Its maps are keyed by domain; a missing domain
// has no rules. Guarded by Authenticator.mu.
type authPolicy struct {
	allow, deny map[string]map[netip.Prefix]struct{}
	users       map[string]map[string]string // domain → username → password
	curveAny    map[string]bool
	curveKeys   map[string]map[[32]byte]struct{}
}

// NewAuthenticator starts a ZAP handler for ctx's sockets: a goroutine
// serving inproc://zeromq.zap.01 until Close, or until ctx is terminated.
// It has no rules yet, so NULL peers are accepted and PLAIN and CURVE peers
// refused. If another socket of ctx is bound there (another handler), the
// error wraps ErrAddrInUse; on a terminated context, ErrTerm.
//
// Besides the handler, it takes two PAIR sockets of ctx for its control
// pipe, bound and connected at an inproc endpoint named after the
// Authenticator ("inproc://zring.authenticator.0x..."). All three are
// closed when the handler ends.
func NewAuthenticator(ctx *Context) (*Authenticator, error) {
	a := &Authenticator{done: make(chan struct{})}
	control := fmt.Sprintf("inproc://zring.authenticator.%p", a)
	var socks []*Socket
	fail := func(err error) (*Authenticator, error) {
		for _, s := range socks {
			s.Close()
		}
		if errors.Is(err, ErrAddrInUse) {
			return nil, fmt.Errorf("new authenticator: another ZAP handler serves this context: %w", err)
		}
		return nil, fmt.Errorf("new authenticator: %w", err)
	}
	newSocket := func(t SocketType) (*Socket, error) {
		s, err := ctx.NewSocket(t)
		if err != nil {
			return nil, err
		}
		socks = append(socks, s)
		return s, s.SetOption(Linger, 0)
	}
	ctl, err := newSocket(PAIR)
	if err != nil {
		return fail(err)
	}
	if err := ctl.Bind(control); err != nil {
		return fail(err)
	}
	stop, err := newSocket(PAIR)
	if err != nil {
		return fail(err)
	}
	if err := stop.Connect(control); err != nil {
		return fail(err)
	}
	// The ZAP endpoint last: no session sends a request to a handler that
	// then fails to start.
	rep, err := newSocket(REP)
	if err != nil {
		return fail(err)
	}
	if err := rep.Bind(zapHandlerEndpoint); err != nil {
		return fail(err)
	}
	a.stop = stop
	go a.serve(rep, ctl)
	return a, nil
}

// Close stops the handler and waits until its goroutine has ended; the
// endpoint inproc://zeromq.zap.01 is then free for another handler.
// Handshakes whose request it had not answered fail
// (EventHandshakeFailedNoDetail, EFAULT, as when libzmq's handler goes
// away); later ones follow the rules for no handler (see Authenticator).
// The rules are kept. Close may be called more than once and from any
// goroutine, but not from the logger (SetLogger), which runs on the
// handler's goroutine. It returns nil, unless the handler had ended on an
// unexpected socket error, which it then returns.
func (a *Authenticator) Close() error {
	a.closeOnce.Do(func() {
		a.mu.Lock()
		if a.stop != nil {
			// If this fails, the context is being terminated, which ends
			// the handler too.
			a.stop.Send(nil, DontWait)
		}
		a.mu.Unlock()
	})
	<-a.done
	return a.err
}

// SetLogger makes the handler log each decision to l (Info: domain,
// address, mechanism, the username or client key, the status and why) and
// each request it cannot read (Warn), as zauth's and pebbe/zmq4's verbose
// modes print them; passwords are never logged, unlike in those. nil, the
// default, logs nothing. The logger is called on the handler's goroutine,
// while the next request waits.
func (a *Authenticator) SetLogger(l *slog.Logger) { a.logger.Store(l) }

// Allow adds addresses to domain's allow list: IPv4 or IPv6 addresses
// ("192.168.1.7", "::1") or CIDR prefixes ("10.0.0.0/8", "fd00::/8").
// Once a domain has an allow list, only those addresses get on to the
// mechanism's checks; its deny list is then ignored. For NULL that is
// all: an allowed address is accepted. For PLAIN and CURVE the
// credentials are still checked. An address that is not an IP address or
// prefix, or that has an IPv6 zone, is ErrInvalid and nothing is added.
func (a *Authenticator) Allow(domain string, addresses ...string) error {
	return a.editAddresses("authenticator allow", domain, addresses, func(p *authPolicy) map[string]map[netip.Prefix]struct{} {
		if p.allow == nil {
			p.allow = make(map[string]map[netip.Prefix]struct{})
		}
		return p.allow
	}, true)
}

// Deny adds addresses, as Allow takes them, to domain's deny list: peers
// from them are refused before their credentials are looked at. The list
// is ignored while the domain has an allow list.
func (a *Authenticator) Deny(domain string, addresses ...string) error {
	return a.editAddresses("authenticator deny", domain, addresses, func(p *authPolicy) map[string]map[netip.Prefix]struct{} {
		if p.deny == nil {
			p.deny = make(map[string]map[netip.Prefix]struct{})
		}
		return p.deny
	}, true)
}

// RemoveAllowed takes addresses, written as they were given to Allow (a
// prefix removes that prefix, not the addresses within it), off domain's
// allow list. An address not on the list is no error. When the list is
// empty, the domain is back to no allow list.
func (a *Authenticator) RemoveAllowed(domain string, addresses ...string) error {
	return a.editAddresses("authenticator remove allowed", domain, addresses, func(p *authPolicy) map[string]map[netip.Prefix]struct{} { return p.allow }, false)
}

// RemoveDenied takes addresses off domain's deny list, as RemoveAllowed
// does off the allow list.
func (a *Authenticator) RemoveDenied(domain string, addresses ...string) error {
	return a.editAddresses("authenticator remove denied", domain, addresses, func(p *authPolicy) map[string]map[netip.Prefix]struct{} { return p.deny }, false)
}

// editAddresses parses every address first, so that a bad one changes
// nothing, then adds them to or removes them from the list of lists that
// pick returns (nil: nothing to remove).
func (a *Authenticator) editAddresses(op, domain string, addresses []string, pick func(*authPolicy) map[string]map[netip.Prefix]struct{}, add bool) error {
	if err := checkDomain(op, domain); err != nil {
		return err
	}
	prefixes := make([]netip.Prefix, 0, len(addresses))
	for _, s := range addresses {
		p, err := parseAddressRule(s)
		if err != nil {
			return fmt.Errorf("%s: %w: %s", op, ErrInvalid, err)
		}
		prefixes = append(prefixes, p)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	lists := pick(&a.policy)
	if lists == nil {
		return nil
	}
	list := lists[domain]
	if add && list == nil {
		list = make(map[netip.Prefix]struct{})
		lists[domain] = list
	}
	for _, p := range prefixes {
		if add {
			list[p] = struct{}{}
		} else {
			delete(list, p)
		}
	}
	if len(list) == 0 {
		delete(lists, domain)
	}
	return nil
}

// AddPlainUser lets PLAIN clients that send user and password in domain
// (every domain for AnyDomain), replacing the user's password if it had
// one. The connection's User-Id is then user. user must be 1 to 255 bytes
// and password at most 255 (PLAIN's limits), or the error is ErrInvalid.
func (a *Authenticator) AddPlainUser(domain, user, password string) error {
	const op = "authenticator add plain user"
	if err := checkDomain(op, domain); err != nil {
		return err
	}
	if user == "" || len(user) > zapMaxString {
		return fmt.Errorf("%s: %w: username of %d bytes, want 1 to %d", op, ErrInvalid, len(user), zapMaxString)
	}
	if len(password) > zapMaxString {
		return fmt.Errorf("%s: %w: password of %d bytes, want at most %d", op, ErrInvalid, len(password), zapMaxString)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.policy.users == nil {
		a.policy.users = make(map[string]map[string]string)
	}
	if a.policy.users[domain] == nil {
		a.policy.users[domain] = make(map[string]string)
	}
	a.policy.users[domain][user] = password
	return nil
}

// RemovePlainUser removes user from domain's PLAIN users (not from
// AnyDomain's, unless domain is AnyDomain). A user who is not there is no
// error. The error is ErrInvalid only for a domain longer than 255 bytes.
func (a *Authenticator) RemovePlainUser(domain, user string) error {
	if err := checkDomain("authenticator remove plain user", domain); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if users := a.policy.users[domain]; users != nil {
		delete(users, user)
		if len(users) == 0 {
			delete(a.policy.users, domain)
		}
	}
	return nil
}

// AllowCurveAny lets every CURVE client in domain (every domain for
// AnyDomain) whatever its public key, as zauth's and pebbe/zmq4's
// CURVE_ALLOW_ANY: the connection is encrypted, but anyone with a key pair
// gets in (still subject to the address lists). The connection's User-Id
// is the client's key in Z85 all the same. The error is ErrInvalid only
// for a domain longer than 255 bytes.
func (a *Authenticator) AllowCurveAny(domain string) error {
	if err := checkDomain("authenticator allow curve any", domain); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.policy.curveAny == nil {
		a.policy.curveAny = make(map[string]bool)
	}
	a.policy.curveAny[domain] = true
	return nil
}

// RemoveCurveAny undoes AllowCurveAny for domain: its CURVE clients need a
// key AllowCurveKey gave again.
func (a *Authenticator) RemoveCurveAny(domain string) error {
	if err := checkDomain("authenticator remove curve any", domain); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.policy.curveAny, domain)
	return nil
}

// AllowCurveKey lets CURVE clients whose long-term public key is one of
// keys in domain (every domain for AnyDomain). Keys are the 40-character
// Z85 text CurveKeypair returns; anything else is ErrInvalid and nothing
// is added. The connection's User-Id is the client's key in Z85.
func (a *Authenticator) AllowCurveKey(domain string, keys ...string) error {
	return a.editCurveKeys("authenticator allow curve key", domain, keys, true)
}

// RemoveCurveKey takes keys (Z85) off domain's CURVE keys. A key that is
// not there is no error; one that is not a Z85 key is ErrInvalid.
func (a *Authenticator) RemoveCurveKey(domain string, keys ...string) error {
	return a.editCurveKeys("authenticator remove curve key", domain, keys, false)
}

func (a *Authenticator) editCurveKeys(op, domain string, keys []string, add bool) error {
	if err := checkDomain(op, domain); err != nil {
		return err
	}
	raw := make([][32]byte, len(keys))
	for i, k := range keys {
		if len(k) != z85KeyLen {
			hint := ""
			if k == AnyDomain {
				hint = " (AllowCurveAny lets any key in)"
			}
			return fmt.Errorf("%s: %w: key %q is %d characters, want %d of Z85%s", op, ErrInvalid, k, len(k), z85KeyLen, hint)
		}
		if _, err := zmtp.AppendZ85Decode(raw[i][:0], []byte(k)); err != nil {
			return z85Invalid(op, err)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.policy.curveKeys == nil {
		a.policy.curveKeys = make(map[string]map[[32]byte]struct{})
	}
	set := a.policy.curveKeys[domain]
	if add && set == nil {
		set = make(map[[32]byte]struct{})
		a.policy.curveKeys[domain] = set
	}
	for _, k := range raw {
		if add {
			set[k] = struct{}{}
		} else {
			delete(set, k)
		}
	}
	if len(set) == 0 {
		delete(a.policy.curveKeys, domain)
	}
	return nil
}

// checkDomain refuses a domain no socket can have (ZAPDomain takes at most
// 255 bytes), which would be a rule that never applies.
func checkDomain(op, domain string) error {
	if len(domain) > zapMaxString {
		return fmt.Errorf("%s: %w: domain of %d bytes, want at most %d", op, ErrInvalid, len(domain), zapMaxString)
	}
	return nil
}

// parseAddressRule reads an address list entry: an address is the prefix
// of its full length. IPv4-mapped IPv6 entries become IPv4 ones, as
// request addresses do (zapAddr), so that either form matches the other.
func parseAddressRule(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return p, fmt.Errorf("%q is not a CIDR prefix", s)
		}
	} else {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return p, fmt.Errorf("%q is not an IP address", s)
		}
		if addr.Zone() != "" {
			return p, fmt.Errorf("%q has an IPv6 zone, which ZAP addresses never have", s)
		}
		p = netip.PrefixFrom(addr, addr.BitLen())
	}
	if addr := p.Addr(); addr.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(addr.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// zapAddr is a request's address frame as an IP address, unmapped; false
// for what is not one (an ipc peer's "localhost:uid:gid:pid", or "").
func zapAddr(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap().WithZone(""), true
}

// serve is the handler's goroutine. It owns rep and ctl; it waits on both,
// answers each request rep receives, and ends when ctl receives (Close) or
// the context is terminated, closing its sockets and the application's
// end of the control pipe.
func (a *Authenticator) serve(rep, ctl *Socket) {
	var err error
	defer func() {
		if err != nil && !errors.Is(err, ErrTerm) {
			a.err = fmt.Errorf("authenticator: handler stopped: %w", err)
			if l := a.logger.Load(); l != nil {
				l.Error("zap handler stopped", "error", err)
			}
		}
		rep.Close()
		ctl.Close()
		a.mu.Lock()
		a.stop.Close()
		a.stop = nil
		a.mu.Unlock()
		close(a.done)
	}()
	p := NewPoller()
	p.Add(ctl, PollIn)
	p.Add(rep, PollIn)
	for {
		var ready []PollItem
		if ready, err = p.Wait(-1); err != nil {
			return
		}
		for _, it := range ready {
			if it.Socket == ctl {
				return // Close
			}
		}
		var req [][]byte
		req, err = rep.RecvMultipart(DontWait)
		if errors.Is(err, ErrAgain) {
			continue
		}
		if err != nil {
			return
		}
		if err = rep.SendMultipart(a.answer(req), 0); err != nil {
			return
		}
	}
}

// zapRequest is a request's frames after REP's envelope, as strings where
// RFC 27 has strings.
type zapRequest struct {
	requestID   []byte
	domain      string
	address     string
	mechanism   string
	credentials [][]byte
}

// zapVerdict is the answer to one request, and why, for the log.
type zapVerdict struct {
	code, text, userID string
	why                string
}

var (
	zapOK       = zapVerdict{code: "200", text: "OK"}
	zapNoAccess = zapVerdict{code: "400", text: "No access"}
)

// answer decides req (frames as REP received them) and returns the reply's
// frames. Handler goroutine.
func (a *Authenticator) answer(frames [][]byte) [][]byte {
	var requestID []byte
	if len(frames) > 1 {
		requestID = frames[1]
	}
	var v zapVerdict
	var r zapRequest
	switch {
	case len(frames) < 6:
		v = zapVerdict{why: fmt.Sprintf("request of %d frames, want at least 6", len(frames))}
	case string(frames[0]) != "1.0":
		v = zapVerdict{why: fmt.Sprintf("request version %q, want \"1.0\"", frames[0])}
	default:
		r = zapRequest{requestID: requestID, domain: string(frames[2]), address: string(frames[3]),
			mechanism: string(frames[5]), credentials: frames[6:]}
		a.mu.Lock()
		v = a.policy.decide(&r)
		a.mu.Unlock()
	}
	if v.code == "" { // not RFC 27's request
		v.code, v.text = "500", "Internal error"
		if l := a.logger.Load(); l != nil {
			l.Warn("zap request refused", "status", v.code, "why", v.why)
		}
	} else if l := a.logger.Load(); l != nil {
		attrs := []any{"domain", r.domain, "address", r.address, "mechanism", r.mechanism}
		switch {
		case r.mechanism == zmtp.MechanismPlain && len(r.credentials) == 2:
			attrs = append(attrs, "user", string(r.credentials[0]))
		case r.mechanism == zmtp.MechanismCurve && len(r.credentials) == 1 && len(r.credentials[0]) == 32:
			attrs = append(attrs, "key", string(zmtp.AppendZ85(nil, r.credentials[0])))
		}
		l.Info("zap", append(attrs, "status", v.code, "why", v.why)...)
	}
	return [][]byte{[]byte("1.0"), requestID, []byte(v.code), []byte(v.text), []byte(v.userID), nil}
}

// decide applies the rules to r (see Authenticator for the order). The
// caller holds the lock. A verdict without a code is a request that is
// not RFC 27's.
func (p *authPolicy) decide(r *zapRequest) zapVerdict {
	addr, isIP := zapAddr(r.address)
	allowed := false // by the allow list, or for not being on the deny list
	switch {
	case hasAddressList(p.allow, r.domain):
		if !isIP || !onAddressList(p.allow, r.domain, addr) {
			v := zapNoAccess
			v.why = "address not on the allow list"
			return v
		}
		allowed = true
	case hasAddressList(p.deny, r.domain):
		if isIP && onAddressList(p.deny, r.domain, addr) {
			v := zapNoAccess
			v.why = "address on the deny list"
			return v
		}
		allowed = true
	}
	switch r.mechanism {
	case zmtp.MechanismNull:
		v := zapOK
		v.why = "NULL"
		if allowed {
			v.why = "NULL, address allowed"
		}
		return v
	case zmtp.MechanismPlain:
		if len(r.credentials) != 2 {
			return zapVerdict{why: fmt.Sprintf("PLAIN request with %d credential frames, want 2", len(r.credentials))}
		}
		user, pass := string(r.credentials[0]), r.credentials[1]
		for _, d := range [2]string{r.domain, AnyDomain} {
			if want, ok := p.users[d][user]; ok && subtle.ConstantTimeCompare([]byte(want), pass) == 1 {
				v := zapOK
				v.userID, v.why = user, fmt.Sprintf("PLAIN user and password in domain %q", d)
				return v
			}
		}
		v := zapNoAccess
		v.why = "PLAIN unknown user or wrong password"
		return v
	case zmtp.MechanismCurve:
		if len(r.credentials) != 1 || len(r.credentials[0]) != 32 {
			return zapVerdict{why: "CURVE request without a 32-byte client key"}
		}
		key := [32]byte(r.credentials[0])
		for _, d := range [2]string{r.domain, AnyDomain} {
			why := ""
			if p.curveAny[d] {
				why = fmt.Sprintf("CURVE any key in domain %q", d)
			} else if _, ok := p.curveKeys[d][key]; ok {
				why = fmt.Sprintf("CURVE key allowed in domain %q", d)
			}
			if why != "" {
				v := zapOK
				v.userID, v.why = string(zmtp.AppendZ85(nil, key[:])), why
				return v
			}
		}
		v := zapNoAccess
		v.why = "CURVE key not allowed"
		return v
	}
	v := zapNoAccess
	v.why = fmt.Sprintf("no rules for mechanism %q", r.mechanism)
	return v
}

// hasAddressList: the domain, or AnyDomain, has entries in lists.
func hasAddressList(lists map[string]map[netip.Prefix]struct{}, domain string) bool {
	return len(lists[domain]) > 0 || len(lists[AnyDomain]) > 0
}

// onAddressList: addr is within an entry of the domain's or AnyDomain's
// list. The lists are scanned: they are short, and a handshake costs far
// more than the scan.
func onAddressList(lists map[string]map[netip.Prefix]struct{}, domain string, addr netip.Addr) bool {
	for _, d := range [2]string{domain, AnyDomain} {
		for p := range lists[d] {
			if p.Contains(addr) {
				return true
			}
		}
	}
	return false
}
