package server_test

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTenantClock(t *testing.T) {
	srv := startTwoTenants(t)
	// A tenant without a clock of its own follows the emulator clock.
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"2030-01-01T00:00:00Z"}`), 200, `{"frozen":true,"now":"2030-01-01T00:00:00Z"}`)
	expect(t, srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=a", nil), 200,
		`{"frozen":true,"now":"2030-01-01T00:00:00Z","own":false,"tenant":"a","vendor":"notes"}`)

	// Setting it gives the tenant its own clock; the others do not move.
	expect(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=a", `{"now":"2031-03-01T10:00:00Z"}`), 200,
		`{"frozen":true,"now":"2031-03-01T10:00:00Z","own":true,"tenant":"a","vendor":"notes"}`)
	expect(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=a", `{"advance":"1d2h"}`), 200,
		`{"frozen":true,"now":"2031-03-02T12:00:00Z","own":true,"tenant":"a","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=b", nil), 200,
		`{"frozen":true,"now":"2030-01-01T00:00:00Z","own":false,"tenant":"b","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"2030-01-01T00:00:00Z"}`)
	// Moving the emulator clock moves the followers, not a's own clock.
	srv.Do("POST", "/_emulator/clock", `{"advance":"1h"}`)
	expect(t, srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=b", nil), 200,
		`{"frozen":true,"now":"2030-01-01T01:00:00Z","own":false,"tenant":"b","vendor":"notes"}`)
	expect(t, srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=a", nil), 200,
		`{"frozen":true,"now":"2031-03-02T12:00:00Z","own":true,"tenant":"a","vendor":"notes"}`)

	// An advance on a follower starts its own clock where the emulator
	// clock is; a running emulator clock gives a running own clock.
	srv.Do("POST", "/_emulator/clock", `{"real":true}`)
	r := srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=b", `{"advance":"48h"}`)
	var c struct {
		Now    time.Time `json:"now"`
		Frozen bool      `json:"frozen"`
		Own    bool      `json:"own"`
	}
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil || c.Frozen || !c.Own || (time.Until(c.Now)-48*time.Hour).Abs() > time.Minute {
		t.Fatalf("advanced follower: %s", r.Body)
	}
	// {"real":true} releases a tenant's own clock.
	r = srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=b", `{"real":true}`)
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil || c.Own || time.Until(c.Now).Abs() > time.Minute {
		t.Fatalf("released: %s", r.Body)
	}

	// The same bounds as the emulator clock; a refused move leaves no
	// clock behind.
	expectError(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=b", `{"now":"9001-01-01T00:00:00Z"}`), 400, "within")
	expectError(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=b", `{"advance":"-100000d"}`), 400, "within")
	expectError(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=b", `{"advance":"999999d"}`), 400, "at most")
	if r := srv.Do("GET", "/_emulator/clock?vendor=notes&tenant=b", nil); json.Unmarshal([]byte(r.Body), &c) != nil || c.Own {
		t.Fatalf("after refused moves: %s", r.Body)
	}
	for q, want := range map[string]string{
		"?vendor=notes":          "needs both vendor and tenant",
		"?tenant=a":              "needs both vendor and tenant",
		"?vendor=ghost&tenant=a": `unknown vendor "ghost"`,
		"?vendor=notes&tenant=":  "needs both vendor and tenant",
	} {
		expectError(t, srv.Do("GET", "/_emulator/clock"+q, nil), 400, want)
		expectError(t, srv.Do("POST", "/_emulator/clock"+q, `{"now":"2031-03-01T10:00:00Z"}`), 400, want)
	}
	expectError(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant=A", `{"now":"2031-03-01T10:00:00Z"}`), 404, `unknown tenant "A" of notes`)
}

func TestResetReleasesTenantClocks(t *testing.T) {
	srv := startTwoTenants(t)
	set := func(tenant string) {
		expect(t, srv.Do("POST", "/_emulator/clock?vendor=notes&tenant="+tenant, `{"now":"2031-03-01T10:00:00Z"}`), 200,
			`{"frozen":true,"now":"2031-03-01T10:00:00Z","own":true,"tenant":"`+tenant+`","vendor":"notes"}`)
	}
	own := func(tenant string) bool {
		var c struct {
			Own bool `json:"own"`
		}
		json.Unmarshal([]byte(srv.Do("GET", "/_emulator/clock?vendor=notes&tenant="+tenant, nil).Body), &c)
		return c.Own
	}
	srv.Do("POST", "/_emulator/clock", `{"now":"2030-01-01T00:00:00Z"}`)
	set("a")
	set("b")
	srv.Do("POST", "/_emulator/reset?vendor=notes&tenant=a", nil)
	if own("a") || !own("b") {
		t.Fatal("a tenant reset releases that tenant's clock only")
	}
	srv.Do("POST", "/_emulator/reset", nil)
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"b"}`)
	if own("b") {
		t.Fatal("a full reset releases every tenant's clock")
	}
	// The emulator clock is left alone.
	expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"2030-01-01T00:00:00Z"}`)
}
