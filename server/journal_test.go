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

func TestJournalKeepsResponseHeadersHostAndFault(t *testing.T) {
	srv := start(t)
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default", "Host", "acme.localhost:8080")
	e := requests(t, srv, "?limit=1")[0]
	if e.RequestHeaders["Host"] != "acme.localhost:8080" {
		t.Fatalf("request headers %v: the Host the client sent is missing", e.RequestHeaders)
	}
	if e.ResponseHeaders["Content-Type"] == "" || e.Fault != 0 {
		t.Fatalf("unfaulted entry: response headers %v, fault %d", e.ResponseHeaders, e.Fault)
	}
	if strings.Contains(srv.Do("GET", "/_emulator/requests?limit=1", nil).Body, `"fault`) {
		t.Fatal("an unfaulted exchange carries fault fields")
	}

	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/items","status":503,"body":"down","delay_ms":1,"times":1}`)
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")
	e = requests(t, srv, "?limit=1")[0]
	if e.Fault != 1 || e.Status != 503 || e.ResponseHeaders["Content-Type"] != "text/plain; charset=utf-8" {
		t.Fatalf("faulted entry: fault %d, status %d, headers %v", e.Fault, e.Status, e.ResponseHeaders)
	}
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","delay_ms":1,"times":1}`)
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")
	if e = requests(t, srv, "?limit=1")[0]; e.Fault != 2 || e.Status != 200 {
		t.Fatalf("delayed entry: fault %d, status %d", e.Fault, e.Status)
	}
}

func TestJournalMasksSecretResponseHeaders(t *testing.T) {
	h := journal.MaskHeaders(map[string][]string{"Set-Cookie": {"session=abc; HttpOnly"}, "Content-Type": {"text/html"}})
	if h["Set-Cookie"] != "***" || h["Content-Type"] != "text/html" {
		t.Fatalf("masked %v", h)
	}
}

func TestJournalStatusAndAfterFilters(t *testing.T) {
	srv := start(t)
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")        // 200
	srv.Do("POST", "/notes/items", "x", "X-Tenant", "default")       // 201
	srv.Do("GET", "/notes/nothing-here", nil, "X-Tenant", "default") // 404
	srv.Do("GET", "/notes/items", nil, "X-Tenant", "nobody")         // 401
	all := requests(t, srv, "")
	for q, want := range map[string]int{
		"?status=2xx": 2, "?status=4xx": 2, "?status=404": 1, "?status=5xx": 0, "?status=201": 1,
		fmt.Sprintf("?after=%d", all[2].ID):                      2,
		fmt.Sprintf("?after=%d&status=4xx", all[2].ID):           2,
		fmt.Sprintf("?after=%d&before=%d", all[3].ID, all[0].ID): 2,
		fmt.Sprintf("?after=%d", all[0].ID):                      0,
		"?after=0":                                               4,
	} {
		if got := len(requests(t, srv, q)); got != want {
			t.Errorf("requests%s: %d entries, want %d", q, got, want)
		}
	}
	// A live view polling with after and a small limit learns that it
	// missed entries from next_before.
	r := srv.Do("GET", fmt.Sprintf("/_emulator/requests?after=%d&limit=1", all[3].ID), nil)
	if !strings.Contains(r.Body, fmt.Sprintf(`"next_before":%d`, all[0].ID)) {
		t.Fatalf("after with more than a page: %s", r.Body)
	}
	for _, q := range []string{"status=6xx", "status=0xx", "status=42", "status=abc", "status=", "after=-1", "after=x"} {
		expectError(t, srv.Do("GET", "/_emulator/requests?"+q, nil), 400, strings.Split(q, "=")[0])
	}
}
