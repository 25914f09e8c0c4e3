package twipla

import (
	"context"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// The package list, the most read answer, finds its rows through indexes
// and sorts nothing: a temporary B-tree for its ORDER BY cost a fifth of
// the statement.
func TestPackageListPlanSortsNothing(t *testing.T) {
	st, err := store.Open(store.Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: Name, SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	var plan []string
	err = st.Read(context.Background(), func(tx *store.Tx) (err error) {
		plan, err = tx.Scope(store.Tenant{ID: 1}).QueryPlan(packagesQuery)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "TEMP B-TREE") || !strings.Contains(text, "twipla_packages_tenant") || strings.Contains(text, "SCAN") {
		t.Fatalf("package list plan:\n%s", text)
	}
}
