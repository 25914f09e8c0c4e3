package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

func start(t testing.TB) *vtest.Server {
	t.Helper()
	return vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, Version: "test"})
}

func expect(t testing.TB, r vtest.Response, status int, body string) {
	t.Helper()
	if r.Status != status || r.Body != body {
		t.Fatalf("got %d %s\nwant %d %s", r.Status, r.Body, status, body)
	}
}

func expectError(t *testing.T, r vtest.Response, status int, contains string) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if r.Status != status || json.Unmarshal([]byte(r.Body), &e) != nil || !strings.Contains(e.Error, contains) {
		t.Fatalf("got %d %s\nwant %d with an error containing %q", r.Status, r.Body, status, contains)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error content type %q", ct)
	}
}

func TestHealth(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("GET", "/_emulator/health", nil), 200, `{"status":"ok","version":"test","vendors":["notes"]}`)
}

func TestUnknownPaths(t *testing.T) {
	srv := start(t)
	expectError(t, srv.Do("GET", "/_emulator/nope", nil), 404, "not found")
	expectError(t, srv.Do("PUT", "/_emulator/health", nil), 404, "not found")
	expectError(t, srv.Do("GET", "/nowhere/items", nil), 404, "/notes")
	expect(t, srv.Do("GET", "/notes/nope", nil), 404, `{"error":"no such note route"}`)
	if r := srv.Do("GET", "/", nil); r.Status != http.StatusFound || r.Header.Get("Location") != "/_emulator/" {
		t.Fatalf("GET / = %d %v", r.Status, r.Header)
	}
}

func TestPathsMatchWithTrailingAndDoubleSlashes(t *testing.T) {
	srv := start(t)
	for _, p := range []string{"/notes/items", "/notes/items/", "//notes//items", "/_emulator/health/"} {
		if r := srv.Do("GET", p, nil, "X-Tenant", "default"); r.Status != 200 {
			t.Errorf("GET %s = %d %s", p, r.Status, r.Body)
		}
	}
}

func TestClock(t *testing.T) {
	srv := start(t)
	r := srv.Do("GET", "/_emulator/clock", nil)
	var c struct {
		Now    time.Time `json:"now"`
		Frozen bool      `json:"frozen"`
	}
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil || c.Frozen || time.Since(c.Now).Abs() > time.Minute {
		t.Fatalf("initial clock %s", r.Body)
	}
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"2031-03-01T10:00:00Z"}`), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
	expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"advance":"36h"}`), 200, `{"frozen":true,"now":"2031-03-02T22:00:00Z"}`)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"advance":"30d"}`), 200, `{"frozen":true,"now":"2031-04-01T22:00:00Z"}`)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"advance":"-1d2h"}`), 200, `{"frozen":true,"now":"2031-03-31T20:00:00Z"}`)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"2031-03-01T12:00:00+02:00"}`), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
	if got := srv.Clock().Now(); !got.Equal(time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("server clock %v", got)
	}

	r = srv.Do("POST", "/_emulator/clock", `{"real":true}`)
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil || c.Frozen || time.Since(c.Now).Abs() > time.Minute {
		t.Fatalf("real clock %s", r.Body)
	}
	// Advancing a running clock shifts it and keeps it running.
	r = srv.Do("POST", "/_emulator/clock", `{"advance":"48h"}`)
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil || c.Frozen || (c.Now.Sub(time.Now())-48*time.Hour).Abs() > time.Minute {
		t.Fatalf("advanced running clock %s", r.Body)
	}

	for body, reason := range map[string]string{
		`garbage`: "JSON object",
		`[1]`:     "JSON object",
		`{}`:      "exactly one",
		`{"now":"2031-03-01T10:00:00Z","advance":"1h"}`: "exactly one",
		`{"now":"yesterday"}`:                           "RFC 3339",
		`{"now":12}`:                                    `"now" must be a string`,
		`{"advance":"soon"}`:                            "duration",
		`{"advance":"1d-2h"}`:                           "duration",
		`{"real":false}`:                                "real must be true",
		`{"real":"yes"}`:                                `"real" must be a boolean`,
		`{"frozen":true}`:                               "unknown field",
	} {
		expectError(t, srv.Do("POST", "/_emulator/clock", body), 400, reason)
	}
}

func TestAdminToken(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AdminToken: "s3cret"})
	if r := srv.Do("GET", "/_emulator/health", nil); r.Status != 200 {
		t.Fatalf("health needs no token: %d", r.Status)
	}
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "s3cret"}, {"Authorization", "Basic s3cret"}} {
		expectError(t, srv.Do("GET", "/_emulator/requests", nil, h...), 401, "EMULATOR_ADMIN_TOKEN")
	}
	if r := srv.Do("GET", "/_emulator/requests", nil, "Authorization", "bearer s3cret"); r.Status != 200 {
		t.Fatalf("with token: %d %s", r.Status, r.Body)
	}
	// Vendor APIs never need the admin token.
	if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"); r.Status != 200 {
		t.Fatalf("vendor API: %d", r.Status)
	}
}

func TestTenantsDispatch(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("POST", "/_emulator/notes/tenants", `{"key":"acme"}`), 201, `{"key":"acme"}`)
	expectError(t, srv.Do("POST", "/_emulator/notes/tenants", `{"key":"acme"}`), 409, "tenant exists")
	expectError(t, srv.Do("POST", "/_emulator/notes/tenants", `{"key":`), 400, "body must be")
	expectError(t, srv.Do("POST", "/_emulator/other/tenants", `{}`), 404, "not found")
	expect(t, srv.Do("POST", "/notes/items", "hello", "X-Tenant", "acme"), 201, `{"id":2}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "acme"), 200, `{"items":["hello"]}`)
	// The vendor's own helpers live under /_emulator/<vendor>/.
	expect(t, srv.Do("GET", "/_emulator/notes/count", nil), 200, `{"count":2}`)
}

// CreateTenant, in process, creates what POST /_emulator/<vendor>/tenants
// creates and fails as the vendor fails it there.
func TestCreateTenantInProcess(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	out, err := srv.CreateTenant(ctx, "notes", []byte(`{"key":"acme"}`))
	if err != nil || string(out) != `{"key":"acme"}` {
		t.Fatalf("CreateTenant: %s, %v", out, err)
	}
	// The tenant is the one the HTTP control plane and the vendor API see.
	expectError(t, srv.Do("POST", "/_emulator/notes/tenants", `{"key":"acme"}`), 409, "tenant exists")
	expect(t, srv.Do("POST", "/notes/items", "hello", "X-Tenant", "acme"), 201, `{"id":2}`)
	for body, want := range map[string]int{`{"key":"acme"}`: 409, `{"key":`: 400} {
		_, err := srv.CreateTenant(ctx, "notes", []byte(body))
		if status, _ := emu.ErrorStatus(err); status != want {
			t.Errorf("CreateTenant(%s): %v (status %d), want status %d", body, err, status, want)
		}
	}
	if _, err := srv.CreateTenant(ctx, "ghost", nil); err == nil || !strings.Contains(err.Error(), `unknown vendor "ghost"`) {
		t.Errorf("unknown vendor: %v", err)
	}
	// A failed creation wrote nothing: only the default tenant and acme.
	expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200, `{"tenants":[{"key":"default","items":["welcome"]},{"key":"acme","items":["hello"]}]}`)
}

func TestState(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200, `{"tenants":[{"key":"default","items":["welcome"]}]}`)
	expect(t, srv.Do("GET", "/_emulator/state/notes?tenant=default", nil), 200, `{"tenants":[{"key":"default","items":["welcome"]}]}`)
	expectError(t, srv.Do("GET", "/_emulator/state/notes?tenant=ghost", nil), 404, "unknown tenant")
	expectError(t, srv.Do("GET", "/_emulator/state/ghost", nil), 400, `unknown vendor "ghost"`)
}

func TestResetOneTenantLeavesOthers(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"a"}`)
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"b"}`)
	srv.Do("POST", "/notes/items", "a1", "X-Tenant", "a")
	srv.Do("POST", "/notes/items", "b1", "X-Tenant", "b")
	srv.Do("POST", "/notes/items", "d1", "X-Tenant", "default")

	expect(t, srv.Do("POST", "/_emulator/reset?vendor=notes&tenant=a", nil), 200, `{"status":"ok","tenant":"a","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":[]}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"), 200, `{"items":["b1"]}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome","d1"]}`)

	// The default tenant gets its defaults back; its credentials stay.
	expect(t, srv.Do("POST", "/_emulator/reset?vendor=notes&tenant=default", nil), 200, `{"status":"ok","tenant":"default","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome"]}`)

	expectError(t, srv.Do("POST", "/_emulator/reset?vendor=notes&tenant=ghost", nil), 404, `unknown tenant "ghost"`)
	expectError(t, srv.Do("POST", "/_emulator/reset?tenant=a", nil), 400, "tenant needs vendor")
	expectError(t, srv.Do("POST", "/_emulator/reset?vendor=ghost", nil), 400, `unknown vendor "ghost"`)
}

func TestResetVendorAndEverything(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"a"}`)
	srv.Do("POST", "/notes/items", "a1", "X-Tenant", "a")
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/nothing","status":500}`)

	expect(t, srv.Do("POST", "/_emulator/reset?vendor=notes", nil), 200, `{"status":"ok","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200, `{"tenants":[{"key":"default","items":["welcome"]}]}`)
	// Created tenants are gone; AUTOINCREMENT ids start again.
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 401, `{"error":"unknown tenant"}`)
	expect(t, srv.Do("POST", "/notes/items", "x", "X-Tenant", "default"), 201, `{"id":2}`)
	// A vendor reset leaves the journal and faults alone; a full reset empties them.
	if n := len(srv.Journal().List(journalAll)); n == 0 {
		t.Fatal("vendor reset emptied the journal")
	}
	if len(srv.Faults().List()) != 1 {
		t.Fatal("vendor reset removed the fault")
	}
	expect(t, srv.Do("POST", "/_emulator/reset", nil), 200, `{"status":"ok"}`)
	expect(t, srv.Do("GET", "/_emulator/requests", nil), 200, `{"requests":[]}`)
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
	expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200, `{"tenants":[{"key":"default","items":["welcome"]}]}`)
}

func TestSeed(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("POST", "/_emulator/seed", `{"notes":{"tenants":[{"key":"acme","items":["x","y"]},{"key":"default","items":["z"]}]}}`),
		200, `{"status":"ok","vendors":["notes"]}`)
	expect(t, srv.Do("GET", "/_emulator/state/notes", nil), 200,
		`{"tenants":[{"key":"default","items":["welcome","z"]},{"key":"acme","items":["x","y"]}]}`)

	before := srv.Do("GET", "/_emulator/state/notes", nil).Body
	for body, reason := range map[string]string{
		``:             "JSON object",
		`[]`:           "JSON object",
		`{"notes":`:    "not valid JSON",
		`{"ghost":{}}`: `unknown vendor "ghost"`,
		// The first tenant is valid, the second is not: nothing may be written.
		`{"notes":{"tenants":[{"key":"new","items":["1"]},{"items":["2"]}]}}`: "notes: tenants[1].key is required",
		`{"notes":{"tenants":"x"}}`:             "notes: notes section must be",
		`{"notes":{"tenants":[]},"notes":{}}`:   "appears twice",
		`{"notes":{"tenants":[]}} {"notes":{}}`: "trailing data",
	} {
		expectError(t, srv.Do("POST", "/_emulator/seed", body), 400, reason)
		if after := srv.Do("GET", "/_emulator/state/notes", nil).Body; after != before {
			t.Fatalf("bad seed %s changed the state:\n%s\n%s", body, before, after)
		}
	}
}

func TestSeedFileAtStart(t *testing.T) {
	path := t.TempDir() + "/seed.json"
	writeFile(t, path, `{"notes":{"tenants":[{"key":"ci","items":["from file"]}]}}`)
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, SeedFile: path})
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "ci"), 200, `{"items":["from file"]}`)

	writeFile(t, path, `{"notes":{"tenants":[{"items":["no key"]}]}}`)
	_, err := server.New(t.Context(), server.Config{Vendors: []emu.Factory{newNotes}, SeedFile: path})
	if err == nil || !strings.Contains(err.Error(), "tenants[0].key is required") {
		t.Fatalf("bad seed file: %v", err)
	}
}

func TestPanicAnswersInVendorShape(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("GET", "/notes/panic", nil), 500, `{"error":"notes broke"}`)
	// The server keeps serving, and the journal has the 500.
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome"]}`)
	if e := srv.Journal().List(journalAll)[1]; e.Status != 500 || e.Path != "/panic" {
		t.Fatalf("journal entry %+v", e)
	}
}

func TestVendorOwnListener(t *testing.T) {
	srv := vtest.Start(t, server.Config{
		Vendors:     []emu.Factory{newNotes},
		VendorAddrs: map[string]string{"notes": "127.0.0.1:0"},
	})
	resp, err := http.Get(fmt.Sprintf("http://%s/items/", srv.VendorAddr("notes")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 { // no X-Tenant: the vendor answered, without prefix
		t.Fatalf("own listener: %d", resp.StatusCode)
	}
	// A vendor learns which listener a request came through, for redirects.
	resp, err = http.Get(fmt.Sprintf("http://%s/where", srv.VendorAddr("notes")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `{"base":""}` {
		t.Fatalf("own listener base path: %s", b)
	}
	expect(t, srv.Do("GET", "/notes/where", nil), 200, `{"base":"/notes"}`)
	if e := srv.Journal().List(journalAll)[2]; e.Vendor != "notes" || e.Path != "/items" {
		t.Fatalf("journal entry %+v", e)
	}
	if _, err := server.New(t.Context(), server.Config{Vendors: []emu.Factory{newNotes}, VendorAddrs: map[string]string{"ghost": ":0"}}); err == nil {
		t.Fatal("a listener for an unknown vendor was accepted")
	}
}

func TestWarnsWhenOpenBeyondLoopbackWithoutToken(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		warn        bool
	}{
		{"0.0.0.0:0", "", true},
		{"0.0.0.0:0", "s3cret", false},
		{"127.0.0.1:0", "", false},
	} {
		var logs strings.Builder
		srv, err := server.New(t.Context(), server.Config{
			Addr: c.addr, AdminToken: c.token, Vendors: []emu.Factory{newNotes},
			Log: slog.New(slog.NewTextHandler(&logs, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		srv.Shutdown(context.Background())
		if got := strings.Contains(logs.String(), "EMULATOR_ADMIN_TOKEN"); got != c.warn {
			t.Errorf("%s with token %q: warned %v\n%s", c.addr, c.token, got, logs.String())
		}
	}
}
