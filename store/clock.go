package store

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// The clock's range: years 1970 to 9000. Vendors store and format dates
// with four-digit years and Unix timestamps; a clock outside this range
// could make them store a date they cannot read back (year 10000 after a
// subscription period is added), so the clock never leaves it.
var (
	MinTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(9000, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// RangeError is a clock move that would leave [MinTime, MaxTime].
type RangeError struct {
	// To is where the clock would have gone (zero when a running clock's
	// offset itself would have overflowed).
	To time.Time
}

func (e *RangeError) Error() string {
	if e.To.IsZero() {
		return "the clock cannot move that far from the wall clock while it runs; set it with \"now\" instead"
	}
	return fmt.Sprintf("the clock must stay within %s and %s, not %s",
		MinTime.Format(time.RFC3339), MaxTime.Format(time.RFC3339Nano), e.To.Format(time.RFC3339Nano))
}

func inRange(t time.Time) error {
	if t.Before(MinTime) || t.After(MaxTime) {
		return &RangeError{To: t}
	}
	return nil
}

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

	// own holds the tenants' own clocks; nil in a tenant's clock.
	own *tenantClocks
}

// NewClock returns a clock that follows wall. A nil wall means time.Now.
func NewClock(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall, own: &tenantClocks{}}
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

// Set freezes the clock at t. A t outside [MinTime, MaxTime] is a
// *RangeError and leaves the clock as it was.
func (c *Clock) Set(t time.Time) error {
	t = t.UTC().Truncate(time.Microsecond)
	if err := inRange(t); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = true
	c.at = t
	return nil
}

// Advance moves the clock on by d (backwards when d is negative). A frozen
// clock stays frozen at its new instant; a running clock keeps running,
// shifted by d. A move out of [MinTime, MaxTime] is a *RangeError and
// leaves the clock as it was.
func (c *Clock) Advance(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		to := c.at.Add(d)
		if err := inRange(to); err != nil {
			return err
		}
		c.at = to
		return nil
	}
	if (d > 0 && c.offset > math.MaxInt64-d) || (d < 0 && c.offset < math.MinInt64-d) {
		return &RangeError{}
	}
	to := c.wall().Add(c.offset + d).UTC()
	if err := inRange(to); err != nil {
		return err
	}
	c.offset += d
	return nil
}

// Real returns the clock to the wall clock: not frozen, no offset.
func (c *Clock) Real() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = false
	c.offset = 0
	c.at = time.Time{}
}
