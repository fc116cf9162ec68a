package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// encoding is how frames are written on standard output and read from
// standard input.
type encoding int

const (
	encText   encoding = iota // the bytes as they are, one message a line
	encHex                    // lowercase hex (either case read), one message a line
	encBase64                 // standard base64 with padding (read with or without), one message a line
	encFrames                 // binary frames with a length and a more flag, see framesFormat
)

var encodingNames = []string{"text", "hex", "base64", "frames"}

func (e encoding) String() string { return encodingNames[e] }

func parseEncoding(flagName, s string) (encoding, error) {
	for i, n := range encodingNames {
		if s == n {
			return encoding(i), nil
		}
	}
	return 0, usagef("-%s %s: want one of %s", flagName, s, strings.Join(encodingNames, ", "))
}

// framesFormat is how -help describes the frames encoding.
const framesFormat = "each frame is 1 flags byte (1: more frames of the message follow; 0: its last), a 4-byte big-endian length, and that many bytes"

const (
	frameMore       = 1
	frameHeaderSize = 5
)

// messageReader reads messages from standard input: a line at a time (the
// newline taken off, the line split into frames at sep when sep is set,
// each frame decoded), or as frames in framesFormat.
type messageReader struct {
	r   *bufio.Reader
	enc encoding
	sep string
	n   int // messages read, for errors
}

func newMessageReader(r io.Reader, enc encoding, sep string) *messageReader {
	return &messageReader{r: bufio.NewReaderSize(r, 64<<10), enc: enc, sep: sep}
}

// read returns the next message, with at least one frame, or io.EOF at the
// end of the input. The frames are the caller's.
func (mr *messageReader) read() ([][]byte, error) {
	mr.n++
	if mr.enc == encFrames {
		return mr.readFrames()
	}
	line, err := mr.r.ReadBytes('\n')
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	fields := [][]byte{line}
	if mr.sep != "" {
		fields = bytes.Split(line, []byte(mr.sep))
	}
	for i, f := range fields {
		if fields[i], err = decode(mr.enc, f); err != nil {
			if len(fields) > 1 {
				return nil, fmt.Errorf("input line %d, frame %d: %v", mr.n, i+1, err)
			}
			return nil, fmt.Errorf("input line %d: %v", mr.n, err)
		}
	}
	return fields, nil
}

func (mr *messageReader) readFrames() ([][]byte, error) {
	var frames [][]byte
	var hdr [frameHeaderSize]byte
	for {
		if _, err := io.ReadFull(mr.r, hdr[:]); err != nil {
			if err == io.EOF && len(frames) == 0 {
				return nil, io.EOF
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil, fmt.Errorf("input message %d: the input ends inside a message", mr.n)
			}
			return nil, err
		}
		if hdr[0]&^frameMore != 0 {
			return nil, fmt.Errorf("input message %d: frame flags %#02x: only bit 0 (more) is defined", mr.n, hdr[0])
		}
		size := int64(binary.BigEndian.Uint32(hdr[1:]))
		// The buffer grows with the bytes that arrive, not with the length
		// the header claims, so a wrong header costs no more than its input.
		var b bytes.Buffer
		if _, err := io.CopyN(&b, mr.r, size); err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("input message %d: a frame of %d bytes ends after %d", mr.n, size, b.Len())
			}
			return nil, err
		}
		frames = append(frames, b.Bytes())
		if hdr[0]&frameMore == 0 {
			return frames, nil
		}
	}
}

func decode(enc encoding, field []byte) ([]byte, error) {
	switch enc {
	case encHex:
		b := make([]byte, hex.DecodedLen(len(field)))
		_, err := hex.Decode(b, field)
		if err != nil {
			return nil, fmt.Errorf("not hex: %v", err)
		}
		return b, nil
	case encBase64:
		s := strings.TrimRight(string(field), "=")
		b, err := base64.RawStdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("not base64: %v", err)
		}
		return b, nil
	}
	return field, nil
}

// messageWriter writes messages on standard output, buffered: the caller
// flushes before it waits for more.
type messageWriter struct {
	w   *bufio.Writer
	enc encoding
	sep string // between the frames of a message on a line; never empty
}

func newMessageWriter(w io.Writer, enc encoding, sep string) *messageWriter {
	if sep == "" {
		sep = "\t"
	}
	return &messageWriter{w: bufio.NewWriterSize(w, 64<<10), enc: enc, sep: sep}
}

func (mw *messageWriter) write(frames [][]byte) error {
	if mw.enc == encFrames {
		var hdr [frameHeaderSize]byte
		for i, f := range frames {
			if len(f) > math.MaxUint32 {
				return errors.New("a frame over 4 GiB does not fit -frames' length")
			}
			hdr[0] = 0
			if i < len(frames)-1 {
				hdr[0] = frameMore
			}
			binary.BigEndian.PutUint32(hdr[1:], uint32(len(f)))
			mw.w.Write(hdr[:])
			mw.w.Write(f)
		}
		return nil
	}
	for i, f := range frames {
		if i > 0 {
			mw.w.WriteString(mw.sep)
		}
		switch mw.enc {
		case encHex:
			var buf [512]byte
			for len(f) > 0 {
				n := min(len(f), len(buf)/2)
				hex.Encode(buf[:], f[:n])
				mw.w.Write(buf[:2*n])
				f = f[n:]
			}
		case encBase64:
			enc := base64.NewEncoder(base64.StdEncoding, mw.w)
			enc.Write(f)
			enc.Close()
		default:
			mw.w.Write(f)
		}
	}
	return mw.w.WriteByte('\n')
}

// flush writes what is buffered; its error is the first write error since
// the last flush (bufio.Writer keeps it).
func (mw *messageWriter) flush() error { return mw.w.Flush() }
