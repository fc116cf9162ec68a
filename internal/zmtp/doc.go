// Package zmtp owns the ZeroMQ Message Transport Protocol on the wire, ZMTP
// 3.1 (rfc.zeromq.org/spec:37) and the ZMTP 3.0 peers it stays compatible
// with (spec:23): the 64-byte greeting and version check, the frame header
// codec, commands (READY, ERROR, PING, PONG, SUBSCRIBE, CANCEL), connection
// metadata, the socket-type compatibility table, the handshake that runs
// greeting, security mechanism and metadata exchange, and the codec of the
// frame stream after it (Decoder, Encoder): frames, multipart state, the
// commands of an open connection and the limits on what a peer may send.
// The security mechanisms (Config.Mechanism) plug in behind one internal
// interface, one state type per mechanism and role: NULL (RFC 37), PLAIN
// (RFC 24, plain.go) and CURVE (RFC 25/26, curve.go); a mechanism that
// boxes every frame (CURVE) adds a Transform to the stream codec. A server
// that must authenticate its peer stops the handshake with a ZAP request
// (RFC 27, security.go: ZAPPending, ZAPReply) that the caller takes to the
// application's handler; the package itself has no idea where that is.
// Z85 (RFC 32) and CURVE key derivation are here too (z85.go, curvekey.go).
// With Config.Downgrade (the engine always sets it), the greeting is sent in
// stages as libzmq sends it, and a ZMTP 1.0 or 2.0 peer (0MQ 2.x/3.x,
// JeroMQ 0.3) is spoken to in its own framing (downgrade.go, framing.go:
// Handshake.Framing picks the codec), with NULL only: a secured handshake
// refuses it (CVE-2014-9721).
//
// The package is sans-I/O. It reads and writes byte slices and nothing else:
// no sockets, no timers, no goroutines, no blocking. The engine in package
// loop owns the file descriptors and the buffers, and calls in here with
// whatever bytes it has. So every parser here is written for a stream that
// arrives in arbitrary pieces: it reports that it needs more bytes (n == 0,
// err == nil) rather than guessing, it checks every length taken from the
// wire against what it has and against a limit before using it, it never
// allocates for a length the peer announced before those bytes have
// arrived, and it never panics on any input. Bad input is an error value
// (ErrMalformed, ErrTooLarge, ...; compare with errors.Is), after which the
// caller closes that one connection.
//
// Encoders append to a caller's slice (AppendX(b, ...) []byte), so the hot
// path can reuse one output buffer and allocate nothing per frame. Their
// arguments come from our own code, not the wire: they panic on a caller's
// bug (a negative size, an empty or overlong name) rather than write a frame
// that lies, and say so in their doc comments.
//
// Borrowed slices. Parsers return subslices of their input (ParseCommand's
// name and data, ParsePing's context, the name and value ParseMetadata hands
// to its callback). They stay valid only while the caller keeps the input
// bytes unchanged; copy them to keep them longer. The one exception is
// Handshake.Peer, whose PeerInfo owns copies of everything in it.
//
// Concurrency. Nothing here is safe for concurrent use; a Handshake belongs
// to the goroutine that owns its connection (a loop's goroutine), as does
// every buffer passed in.
package zmtp
