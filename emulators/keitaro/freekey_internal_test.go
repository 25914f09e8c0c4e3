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
	var plan []string
	err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
		plan, err = tx.QueryPlan(postbackKeyCount, "abc1234")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "USING COVERING INDEX keitaro_tenant_settings_postback") {
		t.Errorf("plan: %s", p)
	}
}
