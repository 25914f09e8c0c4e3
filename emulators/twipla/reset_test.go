package twipla_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/twipla"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// After a reset an INTP's old API keys open nothing and its customers are
// gone, whether or not the janitor has deleted the rows yet; another
// INTP's keep working.
func TestResetRetiresKeys(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("mine", "w1", "")
	mine := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "ci"})["apiKey"].(string)
	other, _ := e.tenant(map[string]any{})
	o := e.as(other)
	o.customer("theirs", "ow1", "")
	theirs := o.payload(201, "POST", "/v2/3as/websites/ow1/api-keys", map[string]any{"name": "ci"})["apiKey"].(string)

	if r := e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+websiteINTP, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", mine), 401, "invalid api key", "invalid api key")
	wantNotFound(t, c.do("GET", "/v2/3as/customers/mine", nil), "customer")
	if r := e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", theirs); r.Status != 200 {
		t.Fatalf("the other INTP's key: %d %s", r.Status, r.Body)
	}
	if r := o.do("GET", "/v2/3as/customers/theirs", nil); r.Status != 200 {
		t.Fatalf("the other INTP's customer: %d %s", r.Status, r.Body)
	}
	// The same ids are free for the INTP again.
	c.customer("mine", "w1", "")
}

// A changed start-up seed resets the INTP it names and loads it in one
// transaction, while the old rows are still there: its API key is taken
// back from them.
func TestChangedSeedTakesBackItsAPIKey(t *testing.T) {
	dir := t.TempDir()
	db, seedFile := filepath.Join(dir, "seed.db"), filepath.Join(dir, "seed.json")
	doc := func(domain string) {
		body := `{"twipla":{"tenants":[{"intpId":"` + websiteINTP + `","customers":[{"intpCustomerId":"seeded",
			"email":"seeded@example.com","websites":[{"intpWebsiteId":"sw1","domain":"` + domain + `",
			"apiKeys":[{"name":"ci","apiKey":"twpl-CiKeyFromTheSeed1"}]}]}]}]}}`
		if err := os.WriteFile(seedFile, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := server.Config{DB: db, SeedFile: seedFile, Vendors: []emu.Factory{twipla.New(twipla.Config{})}}
	doc("one.example.com")
	first, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	doc("two.example.com")
	srv := vtest.Start(t, cfg)
	if r := srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", "twpl-CiKeyFromTheSeed1"); r.Status != 200 {
		t.Fatalf("the seed's key after the changed seed: %d %s", r.Status, r.Body)
	}
}
