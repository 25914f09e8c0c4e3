package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/server"
)

type journalAnswer struct {
	Requests []journal.Entry `json:"requests"`
}

func requests(t *testing.T, srv *vtest.Server, query string) []journal.Entry {
	t.Helper()
	r := srv.Do("GET", "/_emulator/requests"+query, nil)
	var out journalAnswer
	if r.Status != 200 || json.Unmarshal([]byte(r.Body), &out) != nil {
		t.Fatalf("requests%s: %d %s", query, r.Status, r.Body)
	}
	return out.Requests
}

func TestJournalRecordsExchanges(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/notes/items?x=1&y=%20z", "first note", "X-Tenant", "default", "Authorization", "Bearer top-secret", "Api-Key", "k")
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")
	srv.Do("GET", "/_emulator/health", nil) // the control plane is not journaled

	got := requests(t, srv, "")
	if len(got) != 2 {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	get, post := got[0], got[1]
	if get.Method != "GET" || post.Method != "POST" || get.ID <= post.ID {
		t.Fatalf("not newest first: %+v", got)
	}
	if post.Vendor != "notes" || post.Tenant != "default" || post.Path != "/items" || post.Query != "x=1&y=%20z" ||
		post.Status != 201 || post.RequestBody != "first note" || post.ResponseBody != `{"id":2}` || post.DurationMS < 0 {
		t.Fatalf("entry %+v", post)
	}
	h := post.RequestHeaders
	if h["Authorization"] != "Bearer ***" || h["Api-Key"] != "***" || h["X-Tenant"] != "default" {
		t.Fatalf("headers %v", h)
	}
	if strings.Contains(srv.Do("GET", "/_emulator/requests", nil).Body, "top-secret") {
		t.Fatal("a secret reached the journal")
	}
	if get.ResponseBody != `{"items":["welcome","first note"]}` {
		t.Fatalf("response body %q", get.ResponseBody)
	}
}

func TestJournalFilters(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes, newOther}})
	srv.Do("POST", "/notes/items", "a", "X-Tenant", "default")
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")
	srv.Do("GET", "/notes/items/deep/path", nil)
	srv.Do("GET", "/other/items", nil, "X-Tenant", "default")

	count := func(q string) int { return len(requests(t, srv, q)) }
	for q, want := range map[string]int{
		"":                                  4,
		"?vendor=notes":                     3,
		"?vendor=other":                     1,
		"?method=post":                      1,
		"?method=GET&vendor=notes":          2,
		"?path=/items":                      3,
		"?path=/items/*":                    1,
		"?path=*/path":                      1,
		"?path=/it*":                        4,
		"?limit=2":                          2,
		"?vendor=notes&path=/items&limit=1": 1,
		"?tenant=default":                   3, // the deep path named no tenant
	} {
		if got := count(q); got != want {
			t.Errorf("requests%s: %d entries, want %d", q, got, want)
		}
	}
	expectError(t, srv.Do("GET", "/_emulator/requests?limit=-1", nil), 400, "limit")
	expectError(t, srv.Do("GET", "/_emulator/requests?limit=0", nil), 400, "limit")
	expectError(t, srv.Do("GET", "/_emulator/requests?limit=lots", nil), 400, "limit")
	expectError(t, srv.Do("GET", "/_emulator/requests?vendor=ghost", nil), 400, "unknown vendor")

	if r := srv.Do("DELETE", "/_emulator/requests", nil); r.Status != 204 {
		t.Fatalf("DELETE: %d", r.Status)
	}
	if n := count(""); n != 0 {
		t.Fatalf("%d entries after DELETE", n)
	}
}

func TestJournalCapAndBodyLimit(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, Journal: journal.Limits{MaxEntries: 5}})
	for i := range 8 {
		srv.Do("POST", "/notes/items", fmt.Sprint(i), "X-Tenant", "default")
	}
	got := requests(t, srv, "")
	if len(got) != 5 || got[0].RequestBody != "7" || got[4].RequestBody != "3" {
		t.Fatalf("ring kept %d entries: first %q last %q", len(got), got[0].RequestBody, got[len(got)-1].RequestBody)
	}

	big := strings.Repeat("n", journal.BodyLimit+1000)
	srv.Do("POST", "/notes/items", big, "X-Tenant", "default")
	e := requests(t, srv, "?limit=1")[0]
	if len(e.RequestBody) != journal.BodyLimit {
		t.Fatalf("journal kept %d bytes of the body", len(e.RequestBody))
	}
	// The handler still received the whole body.
	var st struct {
		Tenants []struct {
			Items []string `json:"items"`
		} `json:"tenants"`
	}
	json.Unmarshal([]byte(srv.Do("GET", "/_emulator/state/notes", nil).Body), &st)
	items := st.Tenants[0].Items
	if last := items[len(items)-1]; last != big {
		t.Fatalf("handler got %d bytes, want %d", len(last), len(big))
	}
}
