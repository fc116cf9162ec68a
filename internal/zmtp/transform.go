package zmtp

// Transform is what a security mechanism does to every frame after the
// handshake. NULL and PLAIN send frames as they are; CURVE (RFC 25) boxes
// each one, flags included, into a MESSAGE command with a nonce and sends
// that instead. The stream codec has one place where it meets a Transform
// each way: Decoder.complete opens every frame once its whole body is in
// hand, before the frame is classified or counted, and Encoder.seal seals
// every frame, commands included, after the subscription conversion. So a
// mechanism that boxes frames adds a Transform and touches nothing else of
// the codec.
//
// A nil Transform is NULL's identity and lets the Encoder leave large
// bodies where they are (see Encoder.AppendFrame); NullTransform is the same
// identity through this interface, for tests and as the pattern for real
// ones. A Transform belongs to one connection's goroutine and may keep
// state (CURVE's nonces): frames must be opened and sealed in the order they
// travel.
type Transform interface {
	// Overhead is how many bytes longer a sealed frame's body is than the
	// body of the frame it carries. The Decoder allows it on top of
	// MaxMsgSize when it checks a header, before the frame is opened.
	Overhead() int

	// Open returns the frame carried by one frame as received: its flags
	// (FlagMore, FlagCommand) and body. flags and body are the received
	// frame's; body is whole and belongs to the caller of the Decoder, and
	// Open may decrypt it in place: the body it returns may be a subslice
	// of body, valid as long as body is. An error (a forged or replayed
	// box, say) ends the connection; it should wrap ErrMalformed.
	Open(flags byte, body []byte) (innerFlags byte, inner []byte, err error)

	// Seal appends to dst the whole frame, header included, that carries a
	// frame with these flags (FlagMore, FlagCommand) and body. It must not
	// keep body.
	Seal(dst []byte, flags byte, body []byte) []byte
}

// NullTransform is the identity Transform: frames travel as they are, as
// with the NULL and PLAIN mechanisms. The codec behaves the same with it as
// with a nil Transform, except that the Encoder then copies every body
// (Seal has nowhere else to put it).
type NullTransform struct{}

// Overhead is 0: a frame is its own wire frame.
func (NullTransform) Overhead() int { return 0 }

// Open returns the frame as it came: inner is body itself.
func (NullTransform) Open(flags byte, body []byte) (byte, []byte, error) { return flags, body, nil }

// Seal appends the frame's header and its body.
func (NullTransform) Seal(dst []byte, flags byte, body []byte) []byte {
	return append(AppendFrameHeader(dst, flags, len(body)), body...)
}
