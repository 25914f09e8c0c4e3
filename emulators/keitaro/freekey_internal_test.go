package keitaro

import (
	"context"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// Finding a free postback key for a new tenant searches the index: a scan
// makes each creation cost as much as there are tenants.
func TestFreePostbackKeyUsesTheIndex(t *testing.T) {
	st := openStore(t, nil)
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(`EXPLAIN QUERY PLAN `+postbackKeyCount, "abc1234")
		if err != nil {
			return err
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return err
			}
			plan = append(plan, detail)
		}
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING COVERING INDEX keitaro_tenant_settings_postback") {
			t.Errorf("plan: %s", p)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
