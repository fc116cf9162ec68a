package main

import (
	"github.com/zring/zring"
)

// securityFlags are the flags that choose a socket's mechanism (NULL,
// PLAIN or CURVE) and its ZAP domain.
type securityFlags struct {
	curveServer    bool
	curveSecret    string
	curvePublic    string
	curveServerKey string
	curveAllow     stringList
	plainServer    bool
	plainUser      string
	plainPassword  string
	zapDomain      string
}

// The environment variables that may hold the secrets instead of the
// command line, where ps and /proc show them to every user.
const (
	envCurveSecret   = "ZRING_CURVE_SECRETKEY"
	envPlainPassword = "ZRING_PLAIN_PASSWORD"
)

const securityHelp = `Security: without these flags the socket uses ZMTP's NULL mechanism.
CURVE keys are 40 characters of Z85, as zring keygen prints them. A CURVE
server (-curve-server) needs its secret key; its clients need the server's
public key (-curve-serverkey) and make a key pair of their own unless given
one. -curve-allow admits only the clients with those public keys (any
client otherwise). A PLAIN server (-plain-server) admits the one user that
-plain-user and -plain-password name; a PLAIN client sends them. The secret
key and the password may come from $` + envCurveSecret + ` and
$` + envPlainPassword + ` instead of the command line, which other users
of the machine can read.
`

func (sf *securityFlags) register(fs *flagSet) {
	fs.BoolVar(&sf.curveServer, "curve-server", false, "be a CURVE server (needs -curve-secretkey)")
	fs.StringVar(&sf.curveSecret, "curve-secretkey", "", "this side's CURVE secret `key` (Z85; or $"+envCurveSecret+")")
	fs.StringVar(&sf.curvePublic, "curve-publickey", "", "this side's CURVE public `key` (Z85; derived from the secret key when not given)")
	fs.StringVar(&sf.curveServerKey, "curve-serverkey", "", "be a CURVE client of the server with this public `key` (Z85)")
	fs.Var(&sf.curveAllow, "curve-allow", "CURVE server: admit the client with this public `key` only (repeatable)")
	fs.BoolVar(&sf.plainServer, "plain-server", false, "be a PLAIN server admitting -plain-user with -plain-password")
	fs.StringVar(&sf.plainUser, "plain-user", "", "PLAIN `username`")
	fs.StringVar(&sf.plainPassword, "plain-password", "", "PLAIN `password` (or $"+envPlainPassword+")")
	fs.StringVar(&sf.zapDomain, "zap-domain", "", "the ZAP `domain` of the socket's handshakes (ZMQ_ZAP_DOMAIN)")
}

func (sf *securityFlags) curve() bool {
	return sf.curveServer || sf.curveServerKey != "" || sf.curveSecret != "" || sf.curvePublic != "" || len(sf.curveAllow) > 0
}

func (sf *securityFlags) plain() bool {
	return sf.plainServer || sf.plainUser != "" || sf.plainPassword != ""
}

// check validates the flags, takes the secrets from the environment when
// the flags leave them out, and for a CURVE client without a key pair
// makes one. Every failure is a usage error: the command line is wrong.
func (sf *securityFlags) check(c *cli) error {
	if sf.curve() && sf.plain() {
		return usagef("CURVE and PLAIN flags cannot be mixed")
	}
	if sf.curve() {
		return sf.checkCurve(c)
	}
	if sf.plain() {
		if sf.plainPassword == "" {
			sf.plainPassword = c.getenv(envPlainPassword)
		}
		if sf.plainUser == "" || sf.plainPassword == "" {
			return usagef("PLAIN needs -plain-user and -plain-password (or $%s)", envPlainPassword)
		}
		if len(sf.plainUser) > 255 || len(sf.plainPassword) > 255 {
			return usagef("PLAIN's username and password are at most 255 bytes")
		}
	}
	return nil
}

func (sf *securityFlags) checkCurve(c *cli) error {
	if sf.curveServer == (sf.curveServerKey != "") {
		if sf.curveServer {
			return usagef("-curve-server and -curve-serverkey: a socket is a CURVE server or a client, not both")
		}
		return usagef("CURVE keys need -curve-server (a server) or -curve-serverkey (a client)")
	}
	if len(sf.curveAllow) > 0 && !sf.curveServer {
		return usagef("-curve-allow is for a CURVE server (-curve-server)")
	}
	for _, k := range append([]string{sf.curveServerKey, sf.curvePublic}, sf.curveAllow...) {
		if k != "" && !isKey(k) {
			return usagef("%q is not a CURVE key (40 characters of Z85)", k)
		}
	}
	if sf.curveSecret == "" {
		sf.curveSecret = c.getenv(envCurveSecret)
	}
	if sf.curveSecret == "" {
		if sf.curveServer {
			return usagef("-curve-server needs -curve-secretkey (or $%s); zring keygen makes one", envCurveSecret)
		}
		if sf.curvePublic != "" {
			return usagef("-curve-publickey needs its -curve-secretkey")
		}
		pub, sec, err := zring.CurveKeypair()
		if err != nil {
			return err
		}
		sf.curvePublic, sf.curveSecret = pub, sec
		return nil
	}
	pub, err := zring.CurvePublic(sf.curveSecret)
	if err != nil {
		return usagef("the CURVE secret key is not a key (40 characters of Z85)")
	}
	if sf.curvePublic != "" && sf.curvePublic != pub {
		return usagef("-curve-publickey is not the public key of -curve-secretkey")
	}
	sf.curvePublic = pub
	return nil
}

func isKey(s string) bool {
	b, err := zring.Z85Decode(s)
	return err == nil && len(b) == 32
}

// apply sets the mechanism's options on s.
func (sf *securityFlags) apply(s *zring.Socket) error {
	var opts []option
	switch {
	case sf.curveServer:
		opts = []option{{zring.CurveSecretKey, sf.curveSecret, "-curve-secretkey"}, {zring.CurvePublicKey, sf.curvePublic, "-curve-publickey"}, {zring.CurveServer, 1, "-curve-server"}}
	case sf.curveServerKey != "":
		opts = []option{{zring.CurveServerKey, sf.curveServerKey, "-curve-serverkey"}, {zring.CurvePublicKey, sf.curvePublic, "-curve-publickey"}, {zring.CurveSecretKey, sf.curveSecret, "-curve-secretkey"}}
	case sf.plainServer:
		opts = []option{{zring.PlainServer, 1, "-plain-server"}}
	case sf.plainUser != "":
		opts = []option{{zring.PlainUsername, sf.plainUser, "-plain-user"}, {zring.PlainPassword, sf.plainPassword, "-plain-password"}}
	}
	if sf.zapDomain != "" {
		opts = append(opts, option{zring.ZAPDomain, sf.zapDomain, "-zap-domain"})
	}
	return setOptions(s, opts)
}

// authenticate starts the ZAP handler that a PLAIN server, or a CURVE
// server with -curve-allow, needs to admit anyone; it returns nil when
// neither is asked for (a CURVE server without a handler admits every
// client, as in libzmq).
func (sf *securityFlags) authenticate(ctx *zring.Context) (*zring.Authenticator, error) {
	if !sf.plainServer && len(sf.curveAllow) == 0 {
		return nil, nil
	}
	auth, err := zring.NewAuthenticator(ctx)
	if err != nil {
		return nil, err
	}
	if sf.plainServer {
		err = auth.AddPlainUser(sf.zapDomain, sf.plainUser, sf.plainPassword)
	} else {
		err = auth.AllowCurveKey(sf.zapDomain, sf.curveAllow...)
	}
	if err != nil {
		auth.Close()
		return nil, err
	}
	return auth, nil
}
