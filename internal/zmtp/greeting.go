package zmtp

import "fmt"

// GreetingSize is the length of a ZMTP 3.x greeting. It is fixed, so a peer
// that read the whole of ours knows exactly how much of its own to send.
const GreetingSize = 64

// Layout of the greeting (RFC 37, "Formal Grammar").
const (
	greetingSignatureEnd = 10 // 0xFF, 8 padding bytes, 0x7F
	greetingMajor        = 10
	greetingMinor        = 11
	greetingMechanism    = 12
	mechanismSize        = 20 // NUL padded
	greetingAsServer     = 32
	greetingFillerSize   = 31 // zeros up to GreetingSize
)

// Greeting is the part of a ZMTP greeting that means something: the
// protocol version, the security mechanism and the as-server bit. The
// padding and filler carry nothing; we send zeros and read nothing there.
type Greeting struct {
	Major, Minor uint8
	// Mechanism is the mechanism name without its NUL padding: "NULL",
	// "PLAIN" or "CURVE". Append writes at most its first 20 bytes.
	Mechanism string
	// AsServer is the as-server bit; mechanisms with roles (PLAIN, CURVE)
	// use it, and with NULL it must be false.
	AsServer bool
}

// Append appends g's 64-byte wire form to b: 0xFF, eight zero padding
// bytes, 0x7F, the major and minor version, the mechanism NUL-padded to 20
// bytes, the as-server byte and 31 zero bytes of filler.
//
// The padding is zero as RFC 37 asks of a peer that sends its whole greeting
// at once. A Handshake with Config.Downgrade sends its greeting in stages
// instead, with the identity's length there for ZMTP 1.0 peers, as libzmq
// does (downgrade.go).
func (g Greeting) Append(b []byte) []byte {
	var mech [mechanismSize]byte
	copy(mech[:], g.Mechanism)
	var asServer byte
	if g.AsServer {
		asServer = 1
	}
	b = append(b, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, g.Major, g.Minor)
	b = append(b, mech[:]...)
	b = append(b, asServer)
	var filler [greetingFillerSize]byte
	return append(b, filler[:]...)
}

// ParseGreeting parses a peer's greeting from the first GreetingSize bytes
// of b. It checks the signature (first byte 0xFF, bit 0 of the tenth byte
// set), that the major version is at least 3 (any minor version is fine:
// 3.0 peers frame exactly as 3.1 peers do, and RFC 37 says higher versions
// must be accepted), and that the mechanism field is a name of the RFC's
// characters (A-Z, 0-9, "-", "_", ".", "+") followed only by NULs. It does
// not check that the mechanism is one we use; Handshake does that.
//
// Padding, filler and the value of the as-server byte beyond "zero or not"
// are not checked: the RFC gives them no meaning to validate.
func ParseGreeting(b []byte) (Greeting, error) {
	if err := checkGreetingPrefix(b); err != nil {
		return Greeting{}, err
	}
	if len(b) < GreetingSize {
		return Greeting{}, fmt.Errorf("%w: greeting is %d bytes, need %d", ErrMalformed, len(b), GreetingSize)
	}
	mech, err := parseMechanismName(b[greetingMechanism : greetingMechanism+mechanismSize])
	if err != nil {
		return Greeting{}, err
	}
	return Greeting{
		Major:     b[greetingMajor],
		Minor:     b[greetingMinor],
		Mechanism: mech,
		AsServer:  b[greetingAsServer] != 0,
	}, nil
}

// checkGreetingPrefix checks as much of the signature and version as b
// holds. A peer that is not speaking ZMTP 3 is refused after its first byte
// or two rather than after it has sent all 64, and because the checks run in
// stream order the verdict does not depend on how the bytes were split.
func checkGreetingPrefix(b []byte) error {
	if len(b) > 0 && b[0] != 0xFF {
		return fmt.Errorf("%w: first byte %#02x, want 0xff", ErrSignature, b[0])
	}
	if len(b) > greetingSignatureEnd-1 && b[greetingSignatureEnd-1]&1 == 0 {
		return fmt.Errorf("%w: tenth byte %#02x has bit 0 clear (a ZMTP 1.0 peer?)", ErrSignature, b[greetingSignatureEnd-1])
	}
	if len(b) > greetingMajor && b[greetingMajor] < 3 {
		return fmt.Errorf("%w: peer speaks ZMTP major version %d, we need 3", ErrVersion, b[greetingMajor])
	}
	return nil
}

// parseMechanismName returns the name in a 20-byte NUL-padded field. The
// names every peer uses come back as constants, so parsing them allocates
// nothing.
func parseMechanismName(field []byte) (string, error) {
	n := 0
	for n < len(field) && field[n] != 0 {
		c := field[n]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+') {
			return "", fmt.Errorf("%w: mechanism name has byte %#02x", ErrMechanism, c)
		}
		n++
	}
	if n == 0 {
		return "", fmt.Errorf("%w: empty mechanism name", ErrMechanism)
	}
	for _, c := range field[n:] {
		if c != 0 {
			return "", fmt.Errorf("%w: mechanism name %q is followed by non-NUL bytes", ErrMechanism, field[:n])
		}
	}
	switch string(field[:n]) {
	case "NULL":
		return "NULL", nil
	case "PLAIN":
		return "PLAIN", nil
	case "CURVE":
		return "CURVE", nil
	}
	return string(field[:n]), nil
}
