package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/zring/zring"
)

func runKeygen(c *cli, name string, args []string) error {
	var secret string
	fs := newFlagSet(name, "[-public SECRET]", `
Prints a new CURVE key pair, as zmq_curve_keypair makes it, in Z85 (40
characters each), one labelled key a line:

  public-key: <the key peers are given: -curve-serverkey, -curve-allow>
  secret-key: <the key only its owner holds: -curve-secretkey>

With -public it prints only the public key of the secret key given, in the
same form ("-" reads the secret key from standard input, which keeps it off
the command line).
`, `
zring keygen > server.keys
zring keygen -public - < server.secret
awk '/^secret-key:/ {print $2}' server.keys`)
	fs.StringVar(&secret, "public", "", "print the public key of this secret `key` (Z85; \"-\": read it from standard input)")
	args, err := parseFlags(c, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("keygen takes no arguments")
	}
	if secret == "" {
		pub, sec, err := zring.CurveKeypair()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "public-key: %s\nsecret-key: %s\n", pub, sec)
		return err
	}
	if secret == "-" {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("reading the secret key from standard input: %v", err)
		}
		secret = strings.TrimSpace(line)
		// A line from zring keygen's output works as it is.
		secret = strings.TrimSpace(strings.TrimPrefix(secret, "secret-key:"))
	}
	pub, err := zring.CurvePublic(secret)
	if err != nil {
		return usagef("the secret key is not 40 characters of Z85")
	}
	_, err = fmt.Fprintf(c.stdout, "public-key: %s\n", pub)
	return err
}
