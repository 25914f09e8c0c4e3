package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

func TestTenantClocks(t *testing.T) {
	wall := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := store.NewClock(func() time.Time { return wall })
	if c.For("demo", "a") != c || c.HasOwn("demo", "a") {
		t.Fatal("a tenant starts on the emulator clock")
	}
	frozen := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := c.UpdateTenant("demo", "a", func(tc *store.Clock) error { return tc.Set(frozen) }); err != nil {
		t.Fatal(err)
	}
	// A refused move gives no clock.
	if err := c.UpdateTenant("demo", "b", func(tc *store.Clock) error { return tc.Advance(-100 * 365 * 24 * time.Hour) }); err == nil {
		t.Fatal("out of range")
	}
	if !c.HasOwn("demo", "a") || c.HasOwn("demo", "b") || c.HasOwn("other", "a") {
		t.Fatal("own clocks are per vendor and key")
	}
	wall = wall.Add(time.Hour)
	if got := c.For("demo", "a").Now(); !got.Equal(frozen) {
		t.Fatalf("a's frozen clock moved: %v", got)
	}
	if got := c.For("demo", "b").Now(); !got.Equal(wall) {
		t.Fatalf("b follows the emulator clock: %v", got)
	}

	// Scoped reads go to the tenant's clock.
	st, err := store.Open(store.Memory, c)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Migrate(context.Background(), []store.Schema{{Component: "demo", SQL: schema}})
	st.Write(context.Background(), func(tx *store.Tx) error {
		a, _ := tx.CreateTenant("demo", "a")
		b, _ := tx.CreateTenant("demo", "b")
		if !tx.Scope(a).Now().Equal(frozen) || !tx.Scope(b).Now().Equal(wall) || !tx.Now().Equal(wall) {
			t.Fatalf("scoped clocks: a %v, b %v, tx %v", tx.Scope(a).Now(), tx.Scope(b).Now(), tx.Now())
		}
		return nil
	})

	c.UpdateTenant("demo", "b", func(tc *store.Clock) error { return tc.Advance(time.Hour) })
	c.UpdateTenant("other", "x", func(tc *store.Clock) error { return tc.Set(frozen) })
	got := c.TenantClocks("")
	if len(got) != 3 || got[0].Key != "a" || got[1].Key != "b" || got[2].Vendor != "other" || got[1].Frozen ||
		!got[1].Now.Equal(wall.Add(time.Hour)) {
		t.Fatalf("TenantClocks %+v", got)
	}
	if !c.ReleaseTenant("demo", "a") || c.ReleaseTenant("demo", "a") {
		t.Fatal("ReleaseTenant reports whether there was a clock")
	}
	c.ReleaseVendor("demo")
	if len(c.TenantClocks("demo")) != 0 || len(c.TenantClocks("other")) != 1 {
		t.Fatal("ReleaseVendor")
	}
	c.ReleaseTenants()
	if len(c.TenantClocks("")) != 0 || c.For("other", "x") != c {
		t.Fatal("ReleaseTenants")
	}
}
