package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/zring/zring"
)

// session is one command's context and the sockets of its main goroutine,
// with what ends them: an interrupt (SIGINT or SIGTERM) shuts the context
// down, which makes every blocked call return ErrTerm, and the command
// then stops at once; a normal end closes the sockets and terminates the
// context, which waits for queued messages as ZMQ_LINGER says.
//
// Helper goroutines (the input pipe's writer, monitor printers) each own
// one socket; they close it when done is closed or when the context's end
// makes their call fail, and count themselves in helpers.
type session struct {
	c       *cli
	stderr  io.Writer // c.stderr, shared by the goroutines one line at a time
	ctx     *zring.Context
	sockets []*zring.Socket // the main goroutine's, closed by end
	auth    *zring.Authenticator

	sigs      chan os.Signal
	stop      chan struct{} // closed at the first interrupt
	done      chan struct{} // closed when the main goroutine ends the session
	helpers   sync.WaitGroup
	printers  sync.WaitGroup // the monitor printers, a subset of helpers
	lingering atomic.Bool    // the main goroutine is in Term, waiting for queued messages
	monitors  int            // monitor endpoints made, for their names
}

func newSession(c *cli) (*session, error) {
	ctx, err := zring.NewContext()
	if err != nil {
		return nil, err
	}
	s := &session{c: c, stderr: &lockedWriter{w: c.stderr}, ctx: ctx, sigs: make(chan os.Signal, 2), stop: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(s.sigs, os.Interrupt, syscall.SIGTERM)
	go s.interrupts(s.sigs)
	return s, nil
}

// interrupts runs on its own goroutine. The first interrupt stops the
// command (which then exits 0: interrupting sub or monitor is how they are
// meant to end). One that comes while queued messages are being sent at
// the end, or a second one, exits at once with status 1, since what was
// queued is lost.
func (s *session) interrupts(sigs chan os.Signal) {
	<-sigs
	if s.lingering.Load() {
		fmt.Fprintln(s.stderr, "zring: interrupted while sending queued messages; they are lost")
		os.Exit(exitFailure)
	}
	close(s.stop)
	s.ctx.Shutdown()
	<-sigs
	os.Exit(exitFailure)
}

func (s *session) interrupted() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// socket makes a socket that the main goroutine owns and end closes.
func (s *session) socket(t zring.SocketType) (*zring.Socket, error) {
	sock, err := s.ctx.NewSocket(t)
	if err != nil {
		return nil, err
	}
	s.sockets = append(s.sockets, sock)
	return sock, nil
}

// end closes the session and returns what the command should: err, or
// nil if the session was interrupted. After a failure the sockets are
// closed with no linger, since the run is over; after an interrupt the
// context is not even terminated, since the process exits next.
func (s *session) end(err error) error {
	if s.interrupted() {
		if err == nil || errors.Is(err, zring.ErrTerm) {
			return nil
		}
		return err
	}
	close(s.done)
	for _, sock := range s.sockets {
		if err != nil {
			sock.SetOption(zring.Linger, 0)
		}
		sock.Close()
	}
	// Closing a monitored socket queues its last events and
	// MONITOR_STOPPED for the printer; let it print them before Term
	// makes its reads fail. A printer that lost MONITOR_STOPPED to a
	// full queue is not waited for long.
	printed := make(chan struct{})
	go func() {
		s.printers.Wait()
		close(printed)
	}()
	select {
	case <-printed:
	case <-time.After(time.Second):
	}
	if s.auth != nil {
		s.auth.Close()
	}
	s.lingering.Store(true)
	note := time.AfterFunc(time.Second, func() {
		fmt.Fprintln(s.stderr, "zring: waiting for queued messages to go (-linger; an interrupt drops them)")
	})
	s.ctx.Term()
	note.Stop()
	s.helpers.Wait()
	signal.Stop(s.sigs) // an interrupt from now on is the default one
	return err
}

// watch prints sock's monitor events on w as they come, each line led by
// label, from a goroutine of its own, until the context ends.
func (s *session) watch(sock *zring.Socket, label string, w io.Writer) error {
	s.monitors++
	ep := fmt.Sprintf("inproc://zring.monitor.%d", s.monitors)
	if err := sock.Monitor(ep, zring.EventAll); err != nil {
		return err
	}
	m, err := s.ctx.NewSocket(zring.PAIR)
	if err != nil {
		return err
	}
	m.SetOption(zring.Linger, 0)
	if err := m.Connect(ep); err != nil {
		m.Close()
		return err
	}
	s.helpers.Add(1)
	s.printers.Add(1)
	go func() {
		defer s.helpers.Done()
		defer s.printers.Done()
		defer m.Close()
		for {
			ev, err := m.RecvEvent(0)
			if err != nil || ev.Event == zring.EventMonitorStopped {
				return // the end of the socket, or of the context
			}
			fmt.Fprint(w, label+formatEvent(ev))
		}
	}()
	return nil
}

// lockedWriter lets several goroutines write whole lines to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
