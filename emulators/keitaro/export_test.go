package keitaro

import "github.com/vendoremu/vendoremu/store"

// RebuildHours sums the tenant's hourly rollups anew from its clicks and
// conversions: for benchmarks that store clicks with SQL of their own.
func RebuildHours(tx *store.Tx, t store.Tenant) error {
	return rebuildHours(tx.Scope(t), "0000-01-01 00:00:00", "9999-12-31 23:59:59")
}
