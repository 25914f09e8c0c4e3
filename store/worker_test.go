package store

import "testing"

// A worker starts once, at its first wake, looks once per wake, and after
// halt — which waits for its loop to end — no wake starts it again: a
// store being closed gets no janitor or checkpointer back.
func TestWorkerStartsOnceAndStopsForGood(t *testing.T) {
	var w worker
	starts := 0
	looks := make(chan struct{})
	run := func(kicks, stop <-chan struct{}) {
		for {
			select {
			case <-stop:
				return
			case <-kicks:
				looks <- struct{}{}
			}
		}
	}
	start := func() { starts++ }
	for range 3 {
		w.wake(start, run)
		<-looks
	}
	if starts != 1 {
		t.Fatalf("started %d times over three wakes", starts)
	}
	if !w.halt() {
		t.Fatal("halt says the worker never started")
	}
	w.wake(start, run)
	if starts != 1 {
		t.Fatal("a wake after halt started the worker again")
	}
	if !w.halt() {
		t.Fatal("a second halt forgot that the worker had run")
	}
	var never worker
	if never.halt() {
		t.Fatal("halt of a worker never woken says it started")
	}
	never.wake(start, run)
	if starts != 1 {
		t.Fatal("a worker halted before its first wake started")
	}
}
