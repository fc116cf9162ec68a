package zring

import (
	"context"

	"github.com/zring/zring/internal/errno"
)

// The ...Context forms of Send and Recv are the same calls bounded by a
// context.Context as well: when ctx is cancelled or its deadline passes
// while the call waits, the call returns ctx.Err() (context.Canceled or
// context.DeadlineExceeded) and the socket is as a timed-out call
// (ZMQ_SNDTIMEO, ZMQ_RCVTIMEO) leaves it: nothing half sent, nothing half
// received, ready for the next call. A ctx that has already ended returns
// its error before trying. The socket's own timeouts and DontWait still
// apply, as does the termination of the zring Context (ErrTerm).
//
// A call that does not have to wait costs what the plain call costs; one
// that waits registers with ctx once (context.AfterFunc), which allocates.

// SendContext is Send bounded by ctx.
func (s *Socket) SendContext(ctx context.Context, b []byte, flags Flag) error {
	return s.bound(ctx, flags, func(f Flag) error { return s.Send(b, f) })
}

// SendMsgContext is SendMsg bounded by ctx.
func (s *Socket) SendMsgContext(ctx context.Context, m *Msg, flags Flag) error {
	return s.bound(ctx, flags, func(f Flag) error { return s.SendMsg(m, f) })
}

// SendMultipartContext is SendMultipart bounded by ctx: only the first
// frame may wait, so a cancelled call has sent nothing.
func (s *Socket) SendMultipartContext(ctx context.Context, parts [][]byte, flags Flag) error {
	return s.bound(ctx, flags, func(f Flag) error { return s.SendMultipart(parts, f) })
}

// RecvContext is Recv bounded by ctx.
func (s *Socket) RecvContext(ctx context.Context, flags Flag) ([]byte, error) {
	var b []byte
	err := s.bound(ctx, flags, func(f Flag) (err error) {
		b, err = s.Recv(f)
		return err
	})
	return b, err
}

// RecvMsgContext is RecvMsg bounded by ctx.
func (s *Socket) RecvMsgContext(ctx context.Context, m *Msg, flags Flag) error {
	return s.bound(ctx, flags, func(f Flag) error { return s.RecvMsg(m, f) })
}

// RecvMultipartContext is RecvMultipart bounded by ctx: only the first
// frame may wait (the others of a message arrive with it).
func (s *Socket) RecvMultipartContext(ctx context.Context, flags Flag) ([][]byte, error) {
	var parts [][]byte
	err := s.bound(ctx, flags, func(f Flag) (err error) {
		parts, err = s.RecvMultipart(f)
		return err
	})
	return parts, err
}

// bound runs op once without waiting, and, if it would have to wait and
// flags allow it, again with ctx able to end the wait.
func (s *Socket) bound(ctx context.Context, flags Flag, op func(Flag) error) error {
	done := ctx.Done()
	if done == nil {
		return op(flags) // context.Background() and friends never end
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := op(flags | DontWait)
	if err != errno.EAGAIN || flags&DontWait != 0 {
		return err
	}
	gen := s.s.BeginCancelable()
	stop := context.AfterFunc(ctx, func() { s.s.Cancel(gen) })
	err = op(flags)
	stop()
	s.s.EndCancelable()
	if err == errno.ECANCELED {
		return ctx.Err()
	}
	return err
}
