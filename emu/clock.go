package emu

import (
	"encoding/json"
	"time"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// A tenant's own clock appears in its vendor's state dump as the member
// "clock": {"now":"<RFC 3339>","frozen":bool}, absent when the tenant
// follows the emulator clock. A seed section accepts the same member, so a
// dump loaded into another emulator gives the tenant the same clock: a
// frozen one at that instant, a running one that reads "now" at load time.

// ClockMember is the "clock" member of tenant t's dump, or ok false when t
// follows the emulator clock (the member is left out).
func ClockMember(tx *store.Tx, t store.Tenant) (wire.Field, bool) {
	c := tx.Clock()
	tc := c.For(t.Vendor, t.Key)
	if tc == c {
		return wire.Field{}, false
	}
	return wire.Field{Key: "clock", Value: wire.Obj("now", tc.Now().Format(time.RFC3339Nano), "frozen", tc.Frozen())}, true
}

// WithClock appends t's "clock" member to its dump o when t has a clock of
// its own.
func WithClock(tx *store.Tx, t store.Tenant, o wire.Object) wire.Object {
	if f, ok := ClockMember(tx, t); ok {
		return append(o, f)
	}
	return o
}

// SeedClock reads a seed tenant's "clock" member (raw; nothing to do when
// it is empty or null) and gives tenant t that clock once the seed
// commits. A malformed member is a 400 naming it.
func SeedClock(tx *store.Tx, t store.Tenant, raw json.RawMessage) error {
	if len(trimSpace(raw)) == 0 || string(trimSpace(raw)) == "null" {
		return nil
	}
	var in struct {
		Now    *string `json:"now"`
		Frozen *bool   `json:"frozen"`
	}
	if err := DecodeStrict(raw, &in); err != nil {
		return BadRequest("clock: %s", err.Error())
	}
	if in.Now == nil || in.Frozen == nil {
		return BadRequest(`clock must be {"now":"<RFC 3339>","frozen":true|false}`)
	}
	now, err := time.Parse(time.RFC3339Nano, *in.Now)
	if err != nil {
		return BadRequest("clock.now must be an RFC 3339 time, got %q", *in.Now)
	}
	set := func(c *store.Clock) error {
		if *in.Frozen {
			return c.Set(now)
		}
		c.Real()
		return c.Advance(now.Sub(c.Now()))
	}
	// Checked on a scratch clock now, so that a bad seed fails as a whole.
	if err := set(store.NewClock(nil)); err != nil {
		return BadRequest("clock: %v", err)
	}
	clock := tx.Clock()
	tx.AfterCommit(func() { _ = clock.UpdateTenant(t.Vendor, t.Key, set) })
	return nil
}
