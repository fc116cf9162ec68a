package main

import (
	"io"

	"github.com/zring/zring"
)

// The input pipe brings what standard input says to the main goroutine as
// messages on an inproc PAIR, so that one Poller waits for input and for
// the socket together: a socket belongs to one goroutine, and a Poller
// waits on sockets only.
//
// Two goroutines feed it. The reader reads standard input and owns no
// socket, so it may stay blocked in a read when the command ends. The
// writer owns the pipe's sending end; it closes it when the session ends
// (done) or when the context's end fails its send, so that Term never
// waits for a goroutine stuck in a read.
//
// Each message on the pipe is a kind frame and then the kind's frames:
// pipeMessage and the message's frames, pipeEnd (the input is over), or
// pipeError and the error's text.
const (
	pipeMessage = "m"
	pipeEnd     = "e"
	pipeError   = "x"
)

const inputEndpoint = "inproc://zring.input"

type inputItem struct {
	frames [][]byte
	err    error // io.EOF at the end
}

// startInput starts reading mr and returns the main goroutine's end of
// the pipe.
func (s *session) startInput(mr *messageReader) (*zring.Socket, error) {
	in, err := s.socket(zring.PAIR)
	if err != nil {
		return nil, err
	}
	in.SetOption(zring.Linger, 0)
	if err := in.Bind(inputEndpoint); err != nil {
		return nil, err
	}
	out, err := s.ctx.NewSocket(zring.PAIR)
	if err != nil {
		return nil, err
	}
	out.SetOption(zring.Linger, 0)
	if err := out.Connect(inputEndpoint); err != nil {
		out.Close()
		return nil, err
	}
	items := make(chan inputItem, 16)
	go func() {
		for {
			frames, err := mr.read()
			items <- inputItem{frames, err}
			if err != nil {
				return
			}
		}
	}()
	s.helpers.Add(1)
	go func() {
		defer s.helpers.Done()
		defer out.Close()
		for {
			var it inputItem
			select {
			case <-s.done:
				return
			case it = <-items:
			}
			msg := append([][]byte{[]byte(pipeMessage)}, it.frames...)
			switch {
			case it.err == nil:
			case it.err == io.EOF:
				msg = [][]byte{[]byte(pipeEnd)}
			default:
				msg = [][]byte{[]byte(pipeError), []byte(it.err.Error())}
			}
			if err := out.SendMultipart(msg, 0); err != nil {
				return
			}
			if it.err != nil {
				<-s.done
				return
			}
		}
	}()
	return in, nil
}
