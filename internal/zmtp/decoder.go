package zmtp

import (
	"fmt"
	"math"
)

// MaxFrameSize is the largest frame body a Decoder accepts whatever its
// MaxMsgSize: 2^48-1 bytes on 64-bit platforms, math.MaxInt on 32-bit ones.
// Go cannot allocate a slice beyond the 48-bit address space of amd64 and
// arm64, so a larger frame could never be received: the Decoder refuses its
// header at once with ErrTooLarge instead of starting to read it. libzmq
// 4.3.4 ends up in the same place less directly: a size that does not fit
// size_t fails with EMSGSIZE, and one its allocator cannot provide with
// ENOMEM, both at the header.
const MaxFrameSize = min(math.MaxInt, 1<<48-1)

// maxFrames bounds the frames of one message. A message still being
// received cannot be handed on (messages are delivered whole) and a
// receive high-water mark counts whole messages, so without a bound a peer
// sending an endless multipart message would grow memory without limit.
const maxFrames = 1 << 16

var errTooManyFrames = fmt.Errorf("%w: message has more than %d frames", ErrTooLarge, maxFrames)

// FrameKind says what Decoder.Next or Decoder.Body found.
type FrameKind uint8

const (
	// FrameNone: the input holds no whole frame. Frame.Need is how many
	// more bytes, at least, the next call needs.
	FrameNone FrameKind = iota
	// FrameBody: a header was read, and the body, Frame.Size bytes, is the
	// caller's to read into memory of its own and hand to Decoder.Body.
	// Next consumed only the header: the body's first bytes, if any, follow
	// it in the input. Frame.Flags are the header's.
	FrameBody
	// FrameMessage: a frame of a message. Frame.Flags is FlagMore or 0,
	// Frame.Body its body and Frame.First whether it begins a message.
	FrameMessage
	// FramePing: a PING command (ZMTP 3.1 heartbeat). Frame.TTL is its TTL
	// in tenths of a second, Frame.Body its context, to echo in a PONG.
	FramePing
	// FramePong: a PONG command, the answer to a PING.
	FramePong
	// FrameSubscribe and FrameCancel: a SUBSCRIBE or CANCEL command, with
	// the topic in Frame.Body, to a Decoder whose Subscriptions is set. It
	// counts as a one-frame message (Frame.First is whether one began, as
	// for FrameMessage), the subscription message of ZMTP 3.0 (0x01 or 0x00
	// and the topic), which is what the socket takes.
	FrameSubscribe
	FrameCancel
	// FrameIgnored: a command that asks nothing of us: an unknown one (RFC
	// 37: ignored), or SUBSCRIBE and CANCEL without Subscriptions.
	FrameIgnored
)

// Frame is what the Decoder found. Body is borrowed: it is a subslice of
// the input given to Next (or of the body given to Body), valid as long as
// those bytes are, so the caller copies what it keeps before reusing them.
type Frame struct {
	Kind  FrameKind
	Flags byte   // FrameMessage: FlagMore or 0; FrameBody: the header's flags
	First bool   // FrameMessage, FrameSubscribe, FrameCancel: begins a message
	TTL   uint16 // FramePing
	Size  int    // FrameBody: the body's length
	Need  int    // FrameNone: bytes still missing, at least
	Body  []byte // see Kind
}

// DecoderConfig is one connection's decoding after its handshake.
type DecoderConfig struct {
	// MaxMsgSize is ZMQ_MAXMSGSIZE: the largest frame body accepted (of a
	// command too, as in libzmq), checked at its header. Negative: no limit
	// but MaxFrameSize.
	MaxMsgSize int64
	// Direct: a frame whose body is over Direct bytes and not whole in the
	// input is reported as FrameBody, for the caller to read straight into
	// the body's own memory. Smaller ones are waited for (FrameNone) until
	// they are whole in the input.
	Direct int
	// Subscriptions: SUBSCRIBE and CANCEL commands are subscriptions for us
	// (FrameSubscribe, FrameCancel), as for PUB and XPUB sockets; without
	// it they are FrameIgnored.
	Subscriptions bool
	// Framing is the peer's frame syntax (Handshake.Framing). With
	// FramingZMTP2 and FramingZMTP1 there are no commands: a frame with
	// bit 2 set is ErrMalformed, and Subscriptions has nothing to act on
	// (subscriptions come as messages, 0x01 or 0x00 and the topic, which
	// is what the socket takes anyway). Those versions have no security
	// mechanism, so Transform must be nil with them; Reset panics
	// otherwise (a caller's bug).
	Framing Framing
	// Transform opens every frame before it is classified (see Transform);
	// nil for NULL.
	Transform Transform
}

// Decoder turns the frame stream after the handshake into frames: it
// checks each header against the limits before the caller allocates
// anything, classifies commands, enforces the frames-per-message limit and
// tracks where the stream stands in a multipart message. It does no I/O
// and allocates nothing per frame; the caller owns the input buffer and the
// memory of large bodies.
//
//	for {
//		f, n, err := d.Next(buf)    // err: close the connection
//		switch f.Kind {
//		case zmtp.FrameNone:        // read more (f.Need bytes at least)
//		case zmtp.FrameBody:        // read f.Size bytes (buf[n:] first) into body, then
//			f, err = d.Body(body)   // ... and act on f as below
//		default:                    // act on f, then drop buf[:n]
//		}
//	}
//
// A Decoder belongs to one goroutine. The zero Decoder is not ready: Reset
// it with its connection's configuration first.
type Decoder struct {
	cfg   DecoderConfig
	limit int64 // what a header may announce: MaxMsgSize (plus the Transform's overhead) or MaxFrameSize
	// noShort: Short takes nothing (a Transform, or ZMTP 1.0 framing, whose
	// headers differ), so that its test is one byte, as it was when it
	// looked at the Transform alone.
	noShort bool

	more    bool // the last message frame had FlagMore
	frames  int  // frames of the current message so far
	pending bool // FrameBody was returned: Body comes next
	pflags  byte // the pending frame's header flags
	psize   int  // and its size
}

// Reset makes d ready for a new connection's stream after its handshake.
func (d *Decoder) Reset(cfg DecoderConfig) {
	limit := int64(MaxFrameSize)
	if cfg.MaxMsgSize >= 0 && cfg.MaxMsgSize < limit {
		limit = cfg.MaxMsgSize
		if cfg.Transform != nil {
			limit = min(limit+int64(cfg.Transform.Overhead()), MaxFrameSize)
		}
	}
	if cfg.Transform != nil && cfg.Framing != FramingZMTP3 {
		panic("zmtp: DecoderConfig with a Transform and " + cfg.Framing.String() + " framing, which has no security mechanism")
	}
	*d = Decoder{cfg: cfg, limit: limit, noShort: cfg.Transform != nil || cfg.Framing == FramingZMTP1}
}

// Mid reports whether the stream is inside a multipart message: the last
// message frame had FlagMore.
func (d *Decoder) Mid() bool { return d.more }

// Next decodes at most one frame at the start of b and returns it with the
// number of bytes it consumed:
//
//   - FrameNone, n == 0: b holds no whole frame; call again with more.
//   - FrameBody, n == the header's length: see FrameBody. The next call
//     must be Body.
//   - anything else, n == the frame's length: a whole frame.
//
// An error means the stream cannot go on (ErrMalformed, ErrTooLarge,
// ErrPeerError for an ERROR command); n is then 0. Next keeps no reference
// to b; Frame.Body is borrowed from it (see Frame).
func (d *Decoder) Next(b []byte) (f Frame, n int, err error) {
	if d.pending {
		panic("zmtp: Decoder.Next before Body")
	}
	if n, _, first := d.Short(b); n > 0 {
		return Frame{Kind: FrameMessage, Flags: b[0], First: first, Body: b[2:n]}, n, nil
	}
	flags, size, hn, need, err := parseHeader(d.cfg.Framing, b, d.limit)
	if err != nil {
		return Frame{}, 0, err
	}
	if hn == 0 {
		return Frame{Need: need}, 0, nil
	}
	if avail := len(b) - hn; avail < size {
		if size <= d.cfg.Direct {
			return Frame{Need: size - avail}, 0, nil
		}
		d.pending, d.pflags, d.psize = true, flags, size
		return Frame{Kind: FrameBody, Flags: flags, Size: size}, hn, nil
	}
	f, err = d.complete(flags, b[hn:hn+size])
	if err != nil {
		return Frame{}, 0, err
	}
	return f, hn + size, nil
}

// Short decodes the commonest frame, as Next would: a message frame with
// a short header, whole at the start of b, on a stream with no Transform
// and ZMTP 3 or 2.0 framing (the same bytes in both). It returns the frame's length n (its body is b[2:n]), whether it has
// FlagMore and whether it begins its message. n == 0 when b does not start
// with such a frame, or when the frame breaks a limit: Next then says what
// b holds. Next takes this path first (BenchmarkDecoder: 12 ns a frame,
// against 34 through the general path's calls); a Transform takes the
// general path, so TestDecoderSplits and FuzzStreamDecoder check that both
// agree by decoding with NullTransform too. Short's results fit in
// registers, where Next's Frame does not: a receiver taking millions of
// small frames a second loops on Short itself (loop's processLocal).
func (d *Decoder) Short(b []byte) (n int, more, first bool) {
	if len(b) < 2 || b[0]&^FlagMore != 0 || d.noShort || d.pending {
		return 0, false, false
	}
	n = 2 + int(b[1])
	if n > len(b) || int64(n-2) > d.limit || (d.more && d.frames >= maxFrames) {
		return 0, false, false
	}
	first = !d.more
	if first {
		d.frames = 1
	} else {
		d.frames++
	}
	d.more = b[0] != 0
	return n, d.more, first
}

// Body completes the frame whose header Next reported as FrameBody, with
// its whole body, and returns it as Next would have. body is the caller's
// and stays so; Frame.Body is a subslice of it. It panics unless Next has
// just returned FrameBody and len(body) is that frame's Size.
func (d *Decoder) Body(body []byte) (Frame, error) {
	if !d.pending || len(body) != d.psize {
		panic("zmtp: Decoder.Body without FrameBody, or of the wrong size")
	}
	d.pending = false
	return d.complete(d.pflags, body)
}

// complete handles one whole frame: the only place where the Transform
// opens frames.
func (d *Decoder) complete(flags byte, body []byte) (Frame, error) {
	if d.cfg.Transform != nil {
		var err error
		if flags, body, err = d.cfg.Transform.Open(flags, body); err != nil {
			return Frame{}, err
		}
		if flags&^(FlagMore|FlagCommand) != 0 || flags == FlagMore|FlagCommand {
			return Frame{}, badFlags(flags)
		}
		if d.cfg.MaxMsgSize >= 0 && int64(len(body)) > d.cfg.MaxMsgSize {
			return Frame{}, tooLarge(uint64(len(body)), d.cfg.MaxMsgSize)
		}
	}
	if flags&FlagCommand != 0 {
		return d.command(body)
	}
	first, err := d.message(flags & FlagMore)
	if err != nil {
		return Frame{}, err
	}
	return Frame{Kind: FrameMessage, Flags: flags & FlagMore, First: first, Body: body}, nil
}

// message counts one frame of a message and reports whether it is the
// message's first.
func (d *Decoder) message(more byte) (first bool, err error) {
	first = !d.more
	if first {
		d.frames = 1
	} else if d.frames++; d.frames > maxFrames {
		return false, errTooManyFrames
	}
	d.more = more != 0
	return first, nil
}

// command classifies one command frame's body.
func (d *Decoder) command(body []byte) (Frame, error) {
	name, data, err := ParseCommand(body)
	if err != nil {
		return Frame{}, err
	}
	switch string(name) {
	case cmdPing:
		ttl, ctx, err := ParsePing(data)
		if err != nil {
			return Frame{}, err
		}
		return Frame{Kind: FramePing, TTL: ttl, Body: ctx}, nil
	case cmdPong:
		return Frame{Kind: FramePong}, nil
	case cmdError:
		return Frame{}, fmt.Errorf("%w: %q", ErrPeerError, parseErrorReason(data))
	case cmdSubscribe, cmdCancel:
		if !d.cfg.Subscriptions {
			break
		}
		first, err := d.message(0)
		if err != nil {
			return Frame{}, err
		}
		kind := FrameSubscribe
		if string(name) == cmdCancel {
			kind = FrameCancel
		}
		return Frame{Kind: kind, First: first, Body: data}, nil
	}
	return Frame{Kind: FrameIgnored}, nil
}
