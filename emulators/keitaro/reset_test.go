package keitaro_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// After a tenant reset no old click, conversion or campaign is seen again
// by any route — the tenant's own, the public ones that find a click or a
// campaign across tenants, the dumps — while the janitor is still deleting
// them and after; the other tenant keeps everything.
func TestResetLeavesNothingOld(t *testing.T) {
	s := newStory(t)
	other := s.as(s.newTenant(map[string]any{"apiKey": "other-key", "postbackKey": "1234567"}))
	expectStatus(t, other.do("POST", "/campaigns", map[string]any{"alias": "alpha", "name": "Other Alpha"}), 200)
	expectStatus(t, other.do("POST", "/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "action",
		"action_type": "show_text", "action_payload": "other"}), 200)
	expectStatus(t, s.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=other-key",
		map[string]any{"clicks": []any{map[string]any{"campaign_id": 1, "sub_id": "othersub"}}}), 200)

	expectStatus(t, s.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant=story-key", nil), 200)

	empty := `{"rows":[],"total":0,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`
	expect(t, s.do("POST", "/clicks/log", map[string]any{"limit": 10, "columns": []any{"click_id", "sub_id"}}), 200, empty)
	expect(t, s.do("POST", "/conversions/log", map[string]any{"limit": 10, "columns": []any{"conversion_id"}}), 200, empty)
	expect(t, s.do("POST", "/report/build", map[string]any{"range": map[string]any{"interval": "all_time"},
		"grouping": []any{"campaign_id"}, "metrics": []any{"clicks", "conversions", "revenue"}}), 200, empty)
	expect(t, s.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "revenue"}}), 200, `{"clicks":0,"revenue":0}`)
	expect(t, s.do("GET", "/campaigns", nil), 200, `[]`)
	expect(t, s.do("GET", "/logs/traffic", nil), 200, `[]`)
	for _, dump := range []string{"/_emulator/state/keitaro?tenant=story-key", "/_emulator/state/keitaro"} {
		r := s.srv.Do("GET", dump, nil)
		expectStatus(t, r, 200)
		for _, sub := range s.subs {
			if strings.Contains(r.Body, sub) {
				t.Fatalf("%s still shows sub_id %s: %s", dump, sub, r.Body)
			}
		}
	}
	for id, sub := range s.subs {
		for _, path := range []string{"/keitaro/postback?subid=" + sub + "&status=sale", "/keitaro/abcdefg/postback?subid=" + sub + "&status=sale"} {
			if r := s.srv.Do("GET", path, nil); r.Status != 200 || r.Body != "Error: click not found" {
				t.Fatalf("click %d: %s: %d %s", id, path, r.Status, r.Body)
			}
		}
		if r := s.srv.Do("GET", "/keitaro/lp/offer?subid="+sub, nil); r.Status != 404 {
			t.Fatalf("click %d: /lp/offer: %d %s", id, r.Status, r.Body)
		}
	}
	// The alias now belongs to the other tenant; made again, it is the
	// story's, whose tenant was created first and still is.
	if r := s.visit("/alpha", "10.9.9.9", uaChrome); r.Status != 200 || r.Body != "other" {
		t.Fatalf("alpha after the reset: %d %s", r.Status, r.Body)
	}
	expectStatus(t, s.do("POST", "/campaigns", map[string]any{"alias": "alpha", "name": "Alpha again"}), 200)
	expectStatus(t, s.do("POST", "/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "action",
		"action_type": "show_text", "action_payload": "story"}), 200)
	if r := s.visit("/alpha", "10.9.9.9", uaChrome); r.Status != 200 || r.Body != "story" {
		t.Fatalf("alpha made again: %d %s", r.Status, r.Body)
	}
	// An old sub_id is free for the tenant again.
	expectStatus(t, s.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=story-key",
		map[string]any{"clicks": []any{map[string]any{"campaign_id": 1, "sub_id": s.subs[1]}}}), 200)
	if r := s.srv.Do("GET", "/keitaro/abcdefg/postback?subid="+s.subs[1]+"&status=lead", nil); r.Body != "Success" {
		t.Fatalf("postback to the new click: %d %s", r.Status, r.Body)
	}

	// The other tenant has all it had.
	if r := s.srv.Do("GET", "/keitaro/1234567/postback?subid=othersub&status=lead", nil); r.Body != "Success" {
		t.Fatalf("other's postback: %d %s", r.Status, r.Body)
	}
	expect(t, other.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "leads"}}), 200, `{"clicks":2,"leads":1}`)

	// Underneath, the janitor deletes the old rows.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.srv.Store().Swept(ctx); err != nil {
		t.Fatal(err)
	}
	var clicks, conversions int
	err := s.srv.Store().Read(ctx, func(tx *store.Tx) error {
		st, err := tx.Tenant(keitaro.Name, "story-key")
		if err != nil {
			return err
		}
		if err := tx.QueryRow(`SELECT count(*) FROM keitaro_clicks WHERE tenant_id != ?`, st.ID).Scan(&clicks); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT count(*) FROM keitaro_conversions WHERE tenant_id != ?`, st.ID).Scan(&conversions)
	})
	if err != nil {
		t.Fatal(err)
	}
	if clicks != 2 || conversions != 1 {
		t.Fatalf("after the sweep, other tenants hold %d clicks and %d conversions; want the other tenant's 2 and 1", clicks, conversions)
	}
}

// A start-up seed document that changed resets the existing tenants it
// names and loads them in one transaction, while the old clicks are still
// there: the document's sub_ids are taken back from them.
func TestChangedSeedTakesBackItsSubIDs(t *testing.T) {
	dir := t.TempDir()
	db, seedFile := filepath.Join(dir, "seed.db"), filepath.Join(dir, "seed.json")
	doc := func(subs ...string) {
		var clicks []string
		for _, s := range subs {
			clicks = append(clicks, `{"campaign_id":89,"sub_id":"`+s+`"}`)
		}
		body := `{"keitaro":{"tenants":[{"apiKey":"` + keitaro.DefaultTenant + `","clicks":[` +
			strings.Join(clicks, ",") + `]}]}}`
		if err := os.WriteFile(seedFile, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := server.Config{DB: db, SeedFile: seedFile, Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}}
	doc("keep1", "keep2")
	first, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	doc("keep1", "keep2", "keep3")
	srv := vtest.Start(t, cfg)
	a := &api{t: t, srv: srv, key: keitaro.DefaultTenant}
	r := object(t, a.do("POST", "/clicks/log", map[string]any{"limit": 10, "columns": []any{"sub_id"},
		"filters": []any{map[string]any{"name": "sub_id", "operator": "BEGINS_WITH", "expression": "keep"}}, "sort": []any{map[string]any{"name": "sub_id", "order": "asc"}}}))
	var got []string
	for _, row := range r["rows"].([]any) {
		got = append(got, row.(map[string]any)["sub_id"].(string))
	}
	if strings.Join(got, ",") != "keep1,keep2,keep3" {
		t.Fatalf("clicks after the changed seed: %v", got)
	}
}
