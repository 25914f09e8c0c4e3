package store

import (
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Tenants' own clocks. A test suite that freezes time for its tenant must
// not freeze it for the suites running beside it, so a tenant may have a
// clock of its own; a tenant without one follows the emulator clock.
//
// They live in memory, like the emulator clock itself: they do not survive
// a restart, and a snapshot neither saves nor restores them (a restore
// brings data back, not time). Resetting a tenant releases its clock.

type tenantRef struct{ vendor, key string }

type tenantClocks struct {
	n  atomic.Int64 // len(m), read without the lock on every request
	mu sync.RWMutex
	m  map[tenantRef]*Clock
}

// TenantClock is a tenant's own clock, as the state dumps show it.
type TenantClock struct {
	Vendor string
	Key    string
	Now    time.Time
	Frozen bool
}

// For is the clock the tenant of vendor named key reads: its own, or c
// when it has none.
func (c *Clock) For(vendor, key string) *Clock {
	if c.own == nil || c.own.n.Load() == 0 {
		return c
	}
	c.own.mu.RLock()
	tc := c.own.m[tenantRef{vendor, key}]
	c.own.mu.RUnlock()
	if tc == nil {
		return c
	}
	return tc
}

// HasOwn reports whether the tenant has a clock of its own.
func (c *Clock) HasOwn(vendor, key string) bool { return c.For(vendor, key) != c }

// UpdateTenant applies fn (a Set, an Advance) to the tenant's own clock,
// giving the tenant one first — starting where c is now, frozen or running
// — when it has none. An error from fn leaves everything as it was.
func (c *Clock) UpdateTenant(vendor, key string, fn func(*Clock) error) error {
	if c.own == nil {
		return errors.New("store: a tenant's clock has no tenants")
	}
	c.own.mu.Lock()
	defer c.own.mu.Unlock()
	ref := tenantRef{vendor, key}
	if tc := c.own.m[ref]; tc != nil {
		return fn(tc)
	}
	c.mu.RLock()
	tc := &Clock{wall: c.wall, frozen: c.frozen, at: c.at, offset: c.offset}
	c.mu.RUnlock()
	if err := fn(tc); err != nil {
		return err
	}
	if c.own.m == nil {
		c.own.m = map[tenantRef]*Clock{}
	}
	c.own.m[ref] = tc
	c.own.n.Store(int64(len(c.own.m)))
	return nil
}

// ReleaseTenant drops the tenant's own clock, so that it follows c again.
// It reports whether the tenant had one.
func (c *Clock) ReleaseTenant(vendor, key string) bool {
	return c.release(func(r tenantRef) bool { return r == tenantRef{vendor, key} }) > 0
}

// ReleaseVendor drops the own clocks of every tenant of vendor.
func (c *Clock) ReleaseVendor(vendor string) {
	c.release(func(r tenantRef) bool { return r.vendor == vendor })
}

// ReleaseTenants drops every tenant's own clock.
func (c *Clock) ReleaseTenants() {
	c.release(func(tenantRef) bool { return true })
}

func (c *Clock) release(match func(tenantRef) bool) int {
	if c.own == nil {
		return 0
	}
	c.own.mu.Lock()
	defer c.own.mu.Unlock()
	n := 0
	for r := range c.own.m {
		if match(r) {
			delete(c.own.m, r)
			n++
		}
	}
	c.own.n.Store(int64(len(c.own.m)))
	return n
}

// TenantClocks lists the tenants' own clocks of vendor ("" for every
// vendor), by vendor and key.
func (c *Clock) TenantClocks(vendor string) []TenantClock {
	if c.own == nil {
		return nil
	}
	c.own.mu.RLock()
	out := make([]TenantClock, 0, len(c.own.m))
	for r, tc := range c.own.m {
		if vendor == "" || r.vendor == vendor {
			out = append(out, TenantClock{Vendor: r.vendor, Key: r.key, Now: tc.Now(), Frozen: tc.Frozen()})
		}
	}
	c.own.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Vendor != out[j].Vendor {
			return out[i].Vendor < out[j].Vendor
		}
		return out[i].Key < out[j].Key
	})
	return out
}
