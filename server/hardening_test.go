package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/faults"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// parkedNow is how many requests wait out a fault's delay, as the control
// plane reports it.
func parkedNow(srv *vtest.Server) int64 {
	var got struct {
		Faults []faults.Fault `json:"faults"`
	}
	json.Unmarshal([]byte(srv.Do("GET", "/_emulator/faults", nil).Body), &got)
	var parked int64
	for _, f := range got.Faults {
		parked += f.Parked
	}
	return parked
}

// waitParked polls the fault list until n requests wait out a delay.
func waitParked(t *testing.T, srv *vtest.Server, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if parkedNow(srv) == n {
			return
		}
	}
	t.Fatalf("%d requests never parked on the delay", n)
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDeletingAFaultReleasesParkedRequests(t *testing.T) {
	srv := start(t)
	const n = 20
	for _, del := range []string{"/_emulator/faults/1", "/_emulator/faults"} {
		srv.Do("DELETE", "/_emulator/faults", nil)
		id := srv.Do("POST", "/_emulator/faults", `{"path":"/items","delay_ms":600000}`).Body
		done := make(chan int, n)
		for range n {
			go func() { done <- slowGet(t, srv.URL+"/notes/items") }()
		}
		waitParked(t, srv, n)
		if del == "/_emulator/faults/1" {
			del = "/_emulator/faults/" + strings.Trim(strings.TrimPrefix(id, `{"id":`), "}")
		}
		expect(t, srv.Do("DELETE", del, nil), 204, "")
		for range n {
			if status := <-done; status != 200 { // the vendor's own answer
				t.Fatalf("DELETE %s: released request got %d", del, status)
			}
		}
	}
	// A counted fault used up by the requests it holds has left the list,
	// and clearing the faults still releases them.
	srv.Do("POST", "/_emulator/faults", `{"path":"/items","delay_ms":600000,"status":503,"times":3}`)
	done := make(chan int, 3)
	for range 3 {
		go func() { done <- slowGet(t, srv.URL+"/notes/items") }()
	}
	for len(srv.Faults().List()) > 0 {
		time.Sleep(0) // yield until all three matched
	}
	expect(t, srv.Do("DELETE", "/_emulator/faults", nil), 204, "")
	for range 3 {
		if status := <-done; status != 200 {
			t.Fatalf("released request got %d", status)
		}
	}
}

func TestUnencodableAnswerIsLoggedAndAnsweredInVendorShape(t *testing.T) {
	var logs syncBuffer
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	r := srv.Do("GET", "/notes/nan", nil)
	expect(t, r, 500, `{"error":"notes broke"}`)
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "/nan") || !strings.Contains(l, "unsupported value") {
		t.Fatalf("not logged:\n%s", l)
	}
	if e := srv.Journal().List(journal.Filter{Limit: 1})[0]; e.Status != 500 || e.ResponseBody != `{"error":"notes broke"}` {
		t.Fatalf("journal %+v", e)
	}
}

func TestClockStaysWithinItsRange(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"1970-01-01T00:00:00Z"}`), 200, `{"frozen":true,"now":"1970-01-01T00:00:00Z"}`)
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"advance":"-1s"}`), 400, "9000-12-31T23:59:59.999999Z")
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"now":"1969-12-31T23:59:59Z"}`), 400, "1970-01-01T00:00:00Z")
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"9000-12-31T23:59:59.999999Z"}`), 200,
		`{"frozen":true,"now":"9000-12-31T23:59:59.999999Z"}`)
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"advance":"1us"}`), 400, "must stay within")
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"now":"9001-01-01T00:00:00Z"}`), 400, "must stay within")
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"now":"9999-12-01T00:00:00Z"}`), 400, "must stay within")
	// A refused move leaves the clock where it was.
	expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"9000-12-31T23:59:59.999999Z"}`)

	// Durations a time.Duration cannot hold are refused, not wrapped.
	expect(t, srv.Do("POST", "/_emulator/clock", `{"now":"2031-03-01T10:00:00Z"}`), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
	for _, d := range []string{"999999d", "-999999d", "106752d", "106751d24h", "9999999999h", "-9999999999999999999ns"} {
		expectError(t, srv.Do("POST", "/_emulator/clock", `{"advance":"`+d+`"}`), 400, "at most")
	}
	expect(t, srv.Do("GET", "/_emulator/clock", nil), 200, `{"frozen":true,"now":"2031-03-01T10:00:00Z"}`)
	expect(t, srv.Do("POST", "/_emulator/clock", `{"advance":"100000d"}`), 200, `{"frozen":true,"now":"2304-12-15T10:00:00Z"}`)
	// A running clock is bounded the same way.
	srv.Do("POST", "/_emulator/clock", `{"real":true}`)
	expectError(t, srv.Do("POST", "/_emulator/clock", `{"advance":"-30000d"}`), 400, "must stay within")
}

func TestShutdownInterruptsALongWrite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "emu.db")
	writing := make(chan struct{}, 1)
	factory := func(d emu.Deps) (emu.Vendor, error) { return &notes{deps: d, name: "notes", writing: writing}, nil }
	srv, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", DB: db, Vendors: []emu.Factory{factory}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		req, _ := http.NewRequest("POST", "http://"+srv.Addr()+"/notes/long-write", nil)
		req.Header.Set("X-Tenant", "default")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-writing // the write transaction is under way, and never ends by itself
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	select {
	case <-shut:
	case <-time.After(20 * time.Second):
		t.Fatal("Shutdown waited for the write instead of interrupting it")
	}
	<-answered
	// The interrupted transaction was rolled back: only the default note.
	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	st.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM notes_items`).Scan(&n)
	})
	if n != 1 {
		t.Fatalf("%d notes after the interrupted write, want 1 (half-written)", n)
	}
}

func TestLogsNameTenantsByFingerprint(t *testing.T) {
	var logs syncBuffer
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes},
		Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	const key = "sk-live-0123456789abcdef"
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"`+key+`"}`)
	srv.Do("GET", "/notes/items", nil, "X-Tenant", key)
	srv.Do("GET", "/notes/panic?api_key="+key+"&page=2", nil)
	l := logs.String()
	if strings.Contains(l, key) {
		t.Fatalf("a credential reached the log:\n%s", l)
	}
	fp := journal.Fingerprint(key)
	if !strings.HasPrefix(fp, "sk-l…") || strings.Count(l, fp) < 2 || !strings.Contains(l, "page=2") {
		t.Fatalf("no fingerprint %q naming the tenant:\n%s", fp, l)
	}
	// The journal keeps the credential: tests read it there.
	if e := srv.Journal().List(journal.Filter{Path: "/items"})[0]; e.Tenant != key {
		t.Fatalf("journal tenant %q", e.Tenant)
	}
}

func TestJournalIsPaged(t *testing.T) {
	srv := start(t)
	for i := range 250 {
		srv.Do("POST", "/notes/items", fmt.Sprint(i), "X-Tenant", "default")
	}
	var page struct {
		Requests   []journal.Entry `json:"requests"`
		NextBefore int64           `json:"next_before"`
	}
	get := func(q string) {
		t.Helper()
		page.NextBefore = 0
		r := srv.Do("GET", "/_emulator/requests"+q, nil)
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &page) != nil {
			t.Fatalf("requests%s: %d %s", q, r.Status, r.Body)
		}
	}
	get("")
	if len(page.Requests) != server.DefaultPage || page.Requests[0].RequestBody != "249" {
		t.Fatalf("default page: %d entries", len(page.Requests))
	}
	var seen []string
	for q := "?limit=70"; ; q = fmt.Sprintf("?limit=70&before=%d", page.NextBefore) {
		get(q)
		for _, e := range page.Requests {
			seen = append(seen, e.RequestBody)
		}
		if page.NextBefore == 0 {
			break
		}
	}
	if len(seen) != 250 || seen[0] != "249" || seen[249] != "0" {
		t.Fatalf("walked %d entries: %v…", len(seen), seen[:min(3, len(seen))])
	}
	get("?limit=1000")
	if len(page.Requests) != 250 || page.NextBefore != 0 {
		t.Fatalf("limit=1000: %d entries, next %d", len(page.Requests), page.NextBefore)
	}
	for _, q := range []string{"?limit=1001", "?limit=0", "?limit=-1", "?before=x", "?before=0"} {
		expectError(t, srv.Do("GET", "/_emulator/requests"+q, nil), 400, strings.Split(strings.TrimPrefix(q, "?"), "=")[0])
	}
}

func TestJournalIsBoundedInBytes(t *testing.T) {
	const maxBytes = 2 << 20
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, Journal: journal.Limits{MaxBytes: maxBytes}})
	headers := []string{"X-Tenant", "default"}
	for i := range 4 {
		headers = append(headers, fmt.Sprintf("X-Fill-%d", i), strings.Repeat("h", 10<<10))
	}
	path := "/notes/items?" + strings.Repeat("q", 20<<10)
	for range 100 {
		if r := srv.Do("GET", path, nil, headers...); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	if b := srv.Journal().Bytes(); b > maxBytes {
		t.Fatalf("journal holds %d bytes, bound %d", b, maxBytes)
	}
	entries := srv.Journal().List(journal.Filter{})
	if len(entries) == 100 || len(entries) < 10 {
		t.Fatalf("journal kept %d of 100 entries", len(entries))
	}
	e := entries[0]
	total := 0
	for k, v := range e.RequestHeaders {
		if len(v) > journal.HeaderValueLimit {
			t.Fatalf("header %s kept %d bytes", k, len(v))
		}
		total += len(k) + len(v)
	}
	if total > journal.HeadersLimit || len(e.Query) != journal.QueryLimit || e.RequestHeaders["X-Tenant"] != "default" {
		t.Fatalf("headers %d bytes, query %d bytes, X-Tenant %q", total, len(e.Query), e.RequestHeaders["X-Tenant"])
	}
}
