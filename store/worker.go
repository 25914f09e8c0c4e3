package store

import "sync"

// worker is the goroutine of one of the store's background tasks (the
// janitor, the checkpointer): started by the first wake, told by each wake
// that there may be work (a kick that waits while one is pending: a burst
// of wakes is one look), and stopped for good by halt — a wake after
// halt starts nothing, so a closing store has no task left running.
type worker struct {
	mu      sync.Mutex
	kicks   chan struct{}
	stop    chan struct{}
	done    chan struct{}
	stopped bool
}

// wake kicks the worker. The first wake runs start, under the worker's
// lock (what run needs before it begins), then run on a goroutine of its
// own: run takes the kicks and returns once stop is closed.
func (w *worker) wake(start func(), run func(kicks, stop <-chan struct{})) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	if w.kicks == nil {
		w.kicks, w.stop, w.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		if start != nil {
			start()
		}
		go func() {
			defer close(w.done)
			run(w.kicks, w.stop)
		}()
	}
	select {
	case w.kicks <- struct{}{}:
	default:
	}
}

// halt stops the worker for good and waits until its run has returned.
// started tells whether it ever ran.
func (w *worker) halt() (started bool) {
	w.mu.Lock()
	started = w.kicks != nil
	if started && !w.stopped {
		close(w.stop)
	}
	w.stopped = true
	w.mu.Unlock()
	if started {
		<-w.done
	}
	return started
}
