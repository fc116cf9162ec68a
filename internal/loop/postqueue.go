package loop

import (
	"sync"
	"time"
)

// postQueue is the half that the netpoll and conn backends share: watcher
// goroutines post readiness (post, any goroutine), and the loop goroutine
// sleeps on a channel until there is some (take). The loop sleeps on a
// channel rather than in the kernel, so a post wakes it with a scheduler
// hand-off.
type postQueue[T any] struct {
	wakeCh chan struct{}
	timer  *time.Timer // stopped between takes
	mu     sync.Mutex
	ready  []T // posted, not yet taken
	batch  []T // what the last take returned, reused by the next
}

func newPostQueue[T any]() postQueue[T] {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return postQueue[T]{wakeCh: make(chan struct{}, 1), timer: t}
}

// post queues r and wakes the loop.
func (q *postQueue[T]) post(r T) {
	q.mu.Lock()
	q.ready = append(q.ready, r)
	q.mu.Unlock()
	q.wake()
}

// wake ends the loop's sleep in take, or its next one.
func (q *postQueue[T]) wake() {
	select {
	case q.wakeCh <- struct{}{}:
	default:
	}
}

// take returns what has been posted, after sleeping until something is,
// or a wake, or timeoutMs (negative: no limit; 0: no sleep). The caller
// zeroes the slice's elements as it handles them; the next take reuses it.
func (q *postQueue[T]) take(timeoutMs int) []T {
	q.mu.Lock()
	empty := len(q.ready) == 0
	q.mu.Unlock()
	if empty && timeoutMs != 0 {
		if timeoutMs < 0 {
			<-q.wakeCh
		} else {
			q.timer.Reset(time.Duration(timeoutMs) * time.Millisecond)
			select {
			case <-q.wakeCh:
			case <-q.timer.C:
			}
			q.timer.Stop()
		}
	}
	q.mu.Lock()
	q.batch, q.ready = q.ready, q.batch[:0]
	q.mu.Unlock()
	return q.batch
}
