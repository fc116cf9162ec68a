package zmtp

// EncoderConfig is one connection's encoding after its handshake.
type EncoderConfig struct {
	// CopyMax: AppendFrame copies bodies up to this many bytes after their
	// header; larger ones it leaves where they are for the caller to write
	// (vectored I/O from the message's own memory). Only with a nil
	// Transform: a Transform seals every body into the output.
	CopyMax int
	// SubscriptionCommands: the socket's subscription messages (0x01 or
	// 0x00 and the topic, alone in their message) go out as SUBSCRIBE and
	// CANCEL commands, as libzmq 4.3.4 sends a SUB's or XSUB's to a ZMTP
	// 3.1 peer. Set it for those sockets and peers only: ZMTP 3.0 peers
	// (Greeting.Minor 0) expect the messages.
	SubscriptionCommands bool
	// Framing is the peer's frame syntax (Handshake.Framing). ZMTP 2.0
	// message frames are ZMTP 3's; ZMTP 1.0 ones have their own header
	// (see FramingZMTP1). Neither version has commands: frames with
	// FlagCommand and AppendPing and AppendPong append nothing, and
	// SubscriptionCommands is ignored. They have no security mechanism
	// either, so Transform must be nil with them; Reset panics otherwise
	// (a caller's bug).
	Framing Framing
	// Transform seals every frame (see Transform); nil for NULL.
	Transform Transform
}

// Encoder turns frames into the frame stream after the handshake. Its
// methods append to the caller's buffer and allocate nothing once the
// buffers have grown. It keeps where the stream stands in a multipart
// message, so all frames of a connection go through one Encoder, in order.
//
// An Encoder belongs to one goroutine. The zero Encoder is not ready: Reset
// it with its connection's configuration first.
type Encoder struct {
	cfg  EncoderConfig
	more bool // the last frame had FlagMore
	// other: frames are not plain ZMTP 3 ones (a Transform, or ZMTP 1.0 or
	// 2.0 framing): seal takes its slow branch, tested with one byte.
	other   bool
	scratch []byte // a command's NULL frame, before a Transform seals it
}

// Reset makes e ready for a new connection's stream after its handshake,
// keeping its scratch memory.
func (e *Encoder) Reset(cfg EncoderConfig) {
	if cfg.Framing != FramingZMTP3 {
		if cfg.Transform != nil {
			panic("zmtp: EncoderConfig with a Transform and " + cfg.Framing.String() + " framing, which has no security mechanism")
		}
		cfg.SubscriptionCommands = false
	}
	*e = Encoder{cfg: cfg, scratch: e.scratch[:0], other: cfg.Transform != nil || cfg.Framing != FramingZMTP3}
}

// Mid reports whether the stream is inside a multipart message: the last
// frame appended had FlagMore. A connection that ends mid-message has
// sent part of one, and its peer will drop it.
func (e *Encoder) Mid() bool { return e.more }

// AppendFrame appends one frame of a message with flags FlagMore and/or
// FlagCommand (other bits are ignored) and returns the extended dst and
// tail: the bytes to send right after dst's, nil when everything is in dst.
// tail is a suffix of body, left where it is because it is over CopyMax
// bytes; the caller must keep body unchanged until tail is sent.
//
// A subscription message, with SubscriptionCommands, goes out as the
// SUBSCRIBE or CANCEL command for its topic instead.
func (e *Encoder) AppendFrame(dst []byte, flags byte, body []byte) (out, tail []byte) {
	flags &= FlagMore | FlagCommand
	first := !e.more
	e.more = flags&FlagMore != 0
	if first && flags == 0 && e.cfg.SubscriptionCommands && len(body) > 0 && body[0] <= 1 {
		if e.cfg.Transform == nil {
			return appendSubscription(dst, body), nil
		}
		e.scratch = appendSubscription(e.scratch[:0], body)
		return e.sealFrame(dst, e.scratch), nil
	}
	return e.seal(dst, flags, body)
}

// appendSubscription appends the command for a subscription message.
func appendSubscription(dst, msg []byte) []byte {
	if msg[0] == 1 {
		return AppendSubscribe(dst, msg[1:])
	}
	return AppendCancel(dst, msg[1:])
}

// AppendPing appends a PING command frame (see the function AppendPing).
func (e *Encoder) AppendPing(dst []byte, ttl uint16, context []byte) []byte {
	if e.cfg.Framing != FramingZMTP3 {
		return dst // no heartbeats before ZMTP 3.1
	}
	if e.cfg.Transform == nil {
		return AppendPing(dst, ttl, context)
	}
	e.scratch = AppendPing(e.scratch[:0], ttl, context)
	return e.sealFrame(dst, e.scratch)
}

// AppendPong appends a PONG command frame (see the function AppendPong).
func (e *Encoder) AppendPong(dst []byte, context []byte) []byte {
	if e.cfg.Framing != FramingZMTP3 {
		return dst
	}
	if e.cfg.Transform == nil {
		return AppendPong(dst, context)
	}
	e.scratch = AppendPong(e.scratch[:0], context)
	return e.sealFrame(dst, e.scratch)
}

// seal appends one frame: the only place where the Transform seals frames.
// With none, a body over CopyMax is left to the caller as tail.
func (e *Encoder) seal(dst []byte, flags byte, body []byte) (out, tail []byte) {
	if e.other {
		return e.sealOther(dst, flags, body)
	}
	dst = AppendFrameHeader(dst, flags, len(body))
	if len(body) > e.cfg.CopyMax {
		return dst, body
	}
	return append(dst, body...), nil
}

// sealOther is seal for a Transform or a framing older than ZMTP 3.
func (e *Encoder) sealOther(dst []byte, flags byte, body []byte) (out, tail []byte) {
	if e.cfg.Transform != nil {
		return e.cfg.Transform.Seal(dst, flags, body), nil
	}
	if flags&FlagCommand != 0 {
		return dst, nil // ZMTP 1.0 and 2.0 have no commands to carry it
	}
	if e.cfg.Framing == FramingZMTP1 {
		dst = appendV1FrameHeader(dst, flags, len(body))
	} else {
		dst = AppendFrameHeader(dst, flags, len(body))
	}
	if len(body) > e.cfg.CopyMax {
		return dst, body
	}
	return append(dst, body...), nil
}

// sealFrame seals a whole frame as the Append functions build it for NULL
// (its header, then its body).
func (e *Encoder) sealFrame(dst, frame []byte) []byte {
	flags, size, hn, _ := ParseFrameHeader(frame, -1)
	out, _ := e.seal(dst, flags, frame[hn:hn+size])
	return out
}
