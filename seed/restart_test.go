package seed_test

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/outbound"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// instance is one database file and the seed file an emulator starts with;
// start runs a server on it until the (sub)test ends, as a restarted
// container does.
type instance struct {
	db, seedFile string
}

func newInstance(t *testing.T, doc string) *instance {
	dir := t.TempDir()
	in := &instance{db: filepath.Join(dir, "vendoremu.db"), seedFile: filepath.Join(dir, "seed.json")}
	in.setSeed(t, doc)
	return in
}

func (in *instance) setSeed(t *testing.T, doc string) {
	t.Helper()
	if err := os.WriteFile(in.seedFile, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// frozen is the wall clock of every start, so that state dumps (which bring
// subscriptions and expiries up to now) compare equal.
var frozen = time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)

func (in *instance) start(t *testing.T) *vtest.Server {
	t.Helper()
	srv := vtest.Start(t, server.Config{
		DB: in.db, SeedFile: in.seedFile, Vendors: emulators.All(emulators.Config{}),
		Clock: store.NewClock(func() time.Time { return frozen }),
	})
	if r := srv.Do("GET", "/_emulator/health", nil); r.Status != 200 {
		t.Fatalf("health: %d %s", r.Status, r.Body)
	}
	return srv
}

// state is every vendor's state dump.
func state(t *testing.T, srv *vtest.Server) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, v := range emulators.Names() {
		r := srv.Do("GET", "/_emulator/state/"+v, nil)
		if r.Status != 200 {
			t.Fatalf("state %s: %d %s", v, r.Status, r.Body)
		}
		out[v] = r.Body
	}
	return out
}

func actions(r seed.Report) map[string]string {
	out := map[string]string{}
	for _, s := range r.Sections {
		out[s.Vendor] = s.Action
	}
	return out
}

func wantActions(t *testing.T, srv *vtest.Server, want map[string]string) {
	t.Helper()
	if got := actions(srv.Seeded()); !reflect.DeepEqual(got, want) {
		t.Fatalf("seed actions %v, want %v", got, want)
	}
}

func all(action string) map[string]string {
	out := map[string]string{}
	for _, v := range emulators.Names() {
		out[v] = action
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Start → writes → restart with the same seed: the second start is healthy,
// skips the seed, and the data is exactly as the first run left it (seeded
// objects not doubled, the run's writes kept).
func TestRestartWithTheSameSeedKeepsTheData(t *testing.T) {
	in := newInstance(t, readFile(t, "testdata/restart.json"))
	var before map[string]string
	t.Run("first start", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, all(seed.Applied))
		r := srv.Do("POST", "/keitaro/admin_api/v1/campaigns", `{"alias":"runtime","name":"Made at run time"}`, "Api-Key", "ci-key")
		if r.Status != 200 {
			t.Fatalf("create campaign: %d %s", r.Status, r.Body)
		}
		r = srv.Do("POST", "/_emulator/mousestats/tenants", map[string]string{"partnerId": "later"})
		if r.Status != 201 {
			t.Fatalf("create partner: %d %s", r.Status, r.Body)
		}
		before = state(t, srv)
	})
	t.Run("restart", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, all(seed.Skipped))
		after := state(t, srv)
		for _, v := range emulators.Names() {
			if after[v] != before[v] {
				t.Errorf("%s state changed across the restart:\nbefore %.2000s\nafter  %.2000s", v, before[v], after[v])
			}
		}
		for _, want := range []string{`"Made at run time"`, `"Launch"`} {
			if strings.Count(after["keitaro"], want) != 1 {
				t.Errorf("keitaro state holds %s %d times, want once", want, strings.Count(after["keitaro"], want))
			}
		}
	})
	t.Run("reformatted seed", func(t *testing.T) {
		var doc any
		if err := json.Unmarshal([]byte(readFile(t, "testdata/restart.json")), &doc); err != nil {
			t.Fatal(err)
		}
		compact, _ := json.Marshal(doc) // members re-ordered and re-indented
		in.setSeed(t, string(compact))
		srv := in.start(t)
		if got := actions(srv.Seeded()); got["hitsteps"] != seed.Skipped {
			t.Fatalf("a re-indented document is a change: %v", got)
		}
	})
}

// A changed section replaces what the previous one made: its created
// tenants are rebuilt from the new section (run-time writes to them are
// gone), the default tenant it extended goes back to its defaults, and the
// unchanged sections and the tenants no section names keep their data.
func TestChangedSeedReplacesItsTenants(t *testing.T) {
	const v1 = `{
	 "keitaro": {"tenants": [{"apiKey": "ci-key", "campaigns": [{"alias": "launch", "name": "Launch"}]},
	                         {"apiKey": "your-api-key", "campaigns": [{"alias": "seeded", "name": "Seeded"}]},
	                         {"apiKey": "dropped-key"}]},
	 "mousestats": {"tenants": [{"partnerId": "acme", "accounts": [{"email": "a@example.com", "password": "pw1"}]}]}}`
	const v2 = `{
	 "keitaro": {"tenants": [{"apiKey": "ci-key", "campaigns": [{"alias": "launch2", "name": "Launch 2"}]}]},
	 "mousestats": {"tenants": [{"partnerId": "acme", "accounts": [{"email": "a@example.com", "password": "pw1"}]}]}}`
	in := newInstance(t, v1)
	var mouse string
	t.Run("first start", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, map[string]string{"keitaro": seed.Applied, "mousestats": seed.Applied})
		for _, key := range []string{"ci-key", "your-api-key"} {
			r := srv.Do("POST", "/keitaro/admin_api/v1/campaigns", `{"alias":"runtime","name":"Runtime"}`, "Api-Key", key)
			if r.Status != 200 {
				t.Fatalf("create campaign: %d %s", r.Status, r.Body)
			}
		}
		r := srv.Do("POST", "/_emulator/keitaro/tenants", map[string]string{"apiKey": "unnamed-key"})
		if r.Status != 201 {
			t.Fatalf("create tenant: %d %s", r.Status, r.Body)
		}
		r = srv.Do("POST", "/keitaro/admin_api/v1/campaigns", `{"alias":"mine","name":"Mine"}`, "Api-Key", "unnamed-key")
		if r.Status != 200 {
			t.Fatalf("create campaign: %d %s", r.Status, r.Body)
		}
		mouse = state(t, srv)["mousestats"]
	})
	in.setSeed(t, v2)
	t.Run("restart with a changed seed", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, map[string]string{"keitaro": seed.Reapplied, "mousestats": seed.Skipped})
		sec := srv.Seeded().Sections[0]
		if !reflect.DeepEqual(sec.Removed, []string{"ci-key", "dropped-key"}) || !reflect.DeepEqual(sec.Created, []string{"ci-key"}) {
			t.Errorf("keitaro section: removed %v, created %v", sec.Removed, sec.Created)
		}
		names := func(key string) string {
			r := srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", key)
			if r.Status != 200 {
				return r.Body
			}
			var cs []struct{ Name string }
			if err := json.Unmarshal([]byte(r.Body), &cs); err != nil {
				t.Fatalf("campaigns of %s: %v", key, err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return strings.Join(out, ",")
		}
		if got := names("ci-key"); got != "Launch 2" {
			t.Errorf("ci-key campaigns %q, want only the new seed's", got)
		}
		if got := names("your-api-key"); strings.Contains(got, "Seeded") || strings.Contains(got, "Runtime") {
			t.Errorf("default tenant campaigns %q: not back to its defaults", got)
		}
		if got := names("dropped-key"); !strings.Contains(got, "Unauthorized") {
			t.Errorf("dropped-key still answers: %q", got)
		}
		if got := names("unnamed-key"); got != "Mine" {
			t.Errorf("a tenant no seed names lost its data: %q", got)
		}
		if got := state(t, srv)["mousestats"]; got != mouse {
			t.Errorf("unchanged mousestats section was touched:\nbefore %s\nafter  %s", mouse, got)
		}
	})
	t.Run("restart again", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, map[string]string{"keitaro": seed.Skipped, "mousestats": seed.Skipped})
	})
}

// A vendor whose tables are recreated (a new schema version after an
// upgrade) loses its data; the start-up seed puts its section back.
func TestRecreatedVendorGetsItsSectionAgain(t *testing.T) {
	in := newInstance(t, `{"keitaro": {"tenants": [{"apiKey": "ci-key"}]}, "mousestats": {"tenants": [{"partnerId": "acme"}]}}`)
	t.Run("first start", func(t *testing.T) {
		srv := in.start(t)
		err := srv.Store().Write(t.Context(), func(tx *store.Tx) error {
			_, err := tx.Exec(`UPDATE schema_versions SET checksum = 'older' WHERE component = 'keitaro'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("restart", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, map[string]string{"keitaro": seed.Reapplied, "mousestats": seed.Skipped})
		if r := srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", "ci-key"); r.Status != 200 {
			t.Fatalf("the seeded tenant is missing after the vendor's tables were recreated: %d %s", r.Status, r.Body)
		}
	})
}

// A seed that cannot be applied stops the start and writes nothing; the next
// start with a good document is healthy.
func TestBadSeedOnRestartChangesNothing(t *testing.T) {
	in := newInstance(t, `{"keitaro": {"tenants": [{"apiKey": "ci-key"}]}}`)
	t.Run("first start", func(t *testing.T) { in.start(t) })
	in.setSeed(t, `{"keitaro": {"tenants": [{"apiKey": "other-key"}, {"apiKey": "x", "campaigns": [{"name": ""}]}]}}`)
	_, err := server.New(t.Context(), server.Config{DB: in.db, SeedFile: in.seedFile, Vendors: emulators.All(emulators.Config{})})
	if err == nil || !strings.Contains(err.Error(), "keitaro: tenants[1].campaigns[0]") {
		t.Fatalf("bad seed: %v", err)
	}
	in.setSeed(t, `{"keitaro": {"tenants": [{"apiKey": "ci-key"}]}}`)
	t.Run("good seed again", func(t *testing.T) {
		srv := in.start(t)
		wantActions(t, srv, map[string]string{"keitaro": seed.Skipped})
		if r := srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", "other-key"); r.Status != 401 {
			t.Fatalf("the failed seed left other-key behind: %d %s", r.Status, r.Body)
		}
	})
}

// Every vendor says which tenants its section names, so that a changed
// section can replace their data.
func TestEveryVendorNamesItsSeedTenants(t *testing.T) {
	st, err := store.Open(store.Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j := journal.New(journal.Limits{})
	deps := emu.Deps{Store: st, Clock: st.Clock(), Journal: j, Log: slog.New(slog.DiscardHandler), Outbound: outbound.New(j, nil, outbound.Options{})}
	doc := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(readFile(t, "testdata/restart.json")), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"hitsteps":   {"7000", "1234"},
		"mousestats": {"acme"},
		"keitaro":    {"ci-key", "your-api-key"},
		"justclick":  {"shop"},
		"twipla":     {"7128840a-5347-49a4-8dfa-9022d8dad21a", "99999999-8888-4777-8666-555555555555"},
	}
	for _, f := range emulators.All(emulators.Config{}) {
		v, err := f(deps)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := v.(seed.TenantNamer)
		if !ok {
			t.Errorf("%s does not implement seed.TenantNamer", v.Name())
			continue
		}
		if got := n.SeedTenants(doc[v.Name()]); !reflect.DeepEqual(got, want[v.Name()]) {
			t.Errorf("%s names %v, want %v", v.Name(), got, want[v.Name()])
		}
	}
}
