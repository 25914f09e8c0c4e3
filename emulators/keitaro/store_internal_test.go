package keitaro

import (
	"context"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

// openStore is an in-memory store holding Keitaro's schema, for the tests
// that call the package's functions inside a transaction of their own; now
// is its clock (nil: real time). It is closed when the test ends.
func openStore(t *testing.T, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(store.Memory, store.NewClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: Name, SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	return st
}
