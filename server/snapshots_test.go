package server_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

func TestSnapshotsThroughTheControlPlane(t *testing.T) {
	for _, db := range []string{"", filepath.Join(t.TempDir(), "emu.db")} {
		srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, DB: db})
		srv.Do("POST", "/notes/items", "fixture", "X-Tenant", "default")
		srv.Do("POST", "/_emulator/notes/tenants", `{"key":"suite"}`)
		r := srv.Do("POST", "/_emulator/snapshots", `{"name":"baseline"}`)
		if r.Status != 201 || !strings.HasPrefix(r.Body, `{"name":"baseline","created_at":"`) {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		// The clock and the faults are not part of a snapshot.
		srv.Do("POST", "/_emulator/clock", `{"now":"2031-03-01T10:00:00Z"}`)
		srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=suite", `{"now":"2040-01-01T00:00:00Z"}`)
		srv.Do("POST", "/_emulator/faults", `{"path":"/never","status":500}`)

		// Writes of a test: a note, a new tenant, a reset of another.
		srv.Do("POST", "/notes/items", "written by a test", "X-Tenant", "default")
		srv.Do("POST", "/_emulator/notes/tenants", `{"key":"temp"}`)
		srv.Do("POST", "/_emulator/reset?vendor=notes&tenant=suite", nil)

		expect(t, srv.Do("POST", "/_emulator/snapshots/baseline/restore", nil), 200, `{"name":"baseline","status":"ok"}`)
		expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome","fixture"]}`)
		expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200,
			`{"tenants":[{"key":"default","items":["welcome","fixture"]},{"key":"suite","items":[]}]}`)
		expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
		if r := srv.Do("GET", "/_emulator/faults", nil); !strings.Contains(r.Body, `"/never"`) {
			t.Fatalf("faults after restore: %s", r.Body)
		}
		// The tenant reset above released suite's clock; a restore does
		// not bring it back (clocks are not data).
		if r := srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=suite", nil); !strings.Contains(r.Body, `"own":false`) {
			t.Fatalf("suite's clock: %s", r.Body)
		}
		// Ids continue from the snapshot's.
		expect(t, srv.Do("POST", "/notes/items", "next", "X-Tenant", "default"), 201, `{"id":3}`)

		var list struct {
			Snapshots []struct {
				Name  string `json:"name"`
				Bytes int64  `json:"bytes"`
			} `json:"snapshots"`
		}
		r = srv.Do("GET", "/_emulator/snapshots", nil)
		if json.Unmarshal([]byte(r.Body), &list) != nil || len(list.Snapshots) != 1 || list.Snapshots[0].Name != "baseline" || list.Snapshots[0].Bytes == 0 {
			t.Fatalf("list: %s", r.Body)
		}
		expectError(t, srv.Do("POST", "/_emulator/snapshots/missing/restore", nil), 404, `no snapshot "missing"`)
		expectError(t, srv.Do("POST", "/_emulator/snapshots", `{"name":"../../etc/passwd"}`), 400, "a snapshot name is 1-64 characters")
		expectError(t, srv.Do("POST", "/_emulator/snapshots", `{"name":".hidden"}`), 400, "not starting with")
		expectError(t, srv.Do("POST", "/_emulator/snapshots", `{}`), 400, `{"name":"<snapshot name>"}`)
		expectError(t, srv.Do("POST", "/_emulator/snapshots", `{"name":7}`), 400, `"name" must be a string`)
		expectError(t, srv.Do("POST", "/_emulator/snapshots/..%2F..%2Fx/restore", nil), 404, "not found")
		expectError(t, srv.Do("POST", "/_emulator/snapshots/a%20b/restore", nil), 400, "a snapshot name")
		if r := srv.Do("DELETE", "/_emulator/snapshots/baseline", nil); r.Status != 204 {
			t.Fatalf("delete: %d", r.Status)
		}
		expectError(t, srv.Do("DELETE", "/_emulator/snapshots/baseline", nil), 404, `no snapshot "baseline"`)
		expect(t, srv.Do("GET", "/_emulator/snapshots", nil), 200, `{"snapshots":[]}`)
	}
}

// A restore replaces pages, not rows, so no change trigger tells the
// credential cache: a key created after the snapshot and already used
// (cached) must stop working, and one the snapshot holds must work again.
func TestRestoreForgetsCachedCredentials(t *testing.T) {
	for _, db := range []string{"", filepath.Join(t.TempDir(), "emu.db")} {
		srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}, DB: db})
		campaigns := func(key string) int {
			return srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", key).Status
		}
		srv.Do("POST", "/_emulator/keitaro/tenants", `{"apiKey":"kept"}`)
		if r := srv.Do("POST", "/_emulator/snapshots", `{"name":"base"}`); r.Status != 201 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		srv.Do("POST", "/_emulator/keitaro/tenants", `{"apiKey":"later"}`)
		if s := campaigns("later"); s != 200 {
			t.Fatalf("new key before restore: %d", s)
		}
		if r := srv.Do("POST", "/_emulator/reset?vendor=keitaro", nil); r.Status != 200 {
			t.Fatalf("vendor reset: %d", r.Status)
		}
		if s := campaigns("kept"); s != 401 {
			t.Fatalf("key removed by the vendor reset: %d", s)
		}
		srv.Do("POST", "/_emulator/keitaro/tenants", `{"apiKey":"later"}`)
		if s := campaigns("later"); s != 200 {
			t.Fatalf("key created again: %d", s)
		}
		expect(t, srv.Do("POST", "/_emulator/snapshots/base/restore", nil), 200, `{"name":"base","status":"ok"}`)
		if s := campaigns("later"); s != 401 {
			t.Errorf("key the snapshot does not hold, after restore: %d, want 401", s)
		}
		if s := campaigns("kept"); s != 200 {
			t.Errorf("key the snapshot holds, after restore: %d, want 200", s)
		}
	}
}
