package store

import (
	"sync"
	"time"
)

// Clock is the emulator's notion of "now", shared by every vendor. It runs
// with the wall clock (optionally shifted by an offset) or is frozen at an
// instant; the control plane moves it so that token expiry, trials and
// licence periods can be tested without waiting.
//
// The zero value is not usable; build one with NewClock.
type Clock struct {
	mu     sync.RWMutex
	wall   func() time.Time
	frozen bool
	at     time.Time     // the frozen instant, when frozen
	offset time.Duration // added to the wall clock, when running
}

// NewClock returns a clock that follows wall. A nil wall means time.Now.
func NewClock(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall}
}

// Now returns the emulator's current time in UTC, truncated to microseconds
// so that it round-trips through the database unchanged.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.frozen {
		return c.at
	}
	return c.wall().Add(c.offset).UTC().Truncate(time.Microsecond)
}

// Frozen reports whether the clock stands still.
func (c *Clock) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.frozen
}

// Set freezes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = true
	c.at = t.UTC().Truncate(time.Microsecond)
}

// Advance moves the clock on by d (backwards when d is negative). A frozen
// clock stays frozen at its new instant; a running clock keeps running,
// shifted by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
		return
	}
	c.offset += d
}

// Real returns the clock to the wall clock: not frozen, no offset.
func (c *Clock) Real() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = false
	c.offset = 0
	c.at = time.Time{}
}
