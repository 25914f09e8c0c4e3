package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// BenchmarkJournaledRoundTrip is one vendor read through real HTTP and the
// whole middleware stack (path cleaning, journal, recovery, fault lookup
// with one fault installed that does not match), on a file database.
func BenchmarkJournaledRoundTrip(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{newNotes}})
	srv.Do("POST", "/_emulator/faults", `{"path":"/elsewhere","status":500}`)
	req, _ := http.NewRequest("GET", srv.URL+"/notes/items/", nil)
	req.Header.Set("X-Tenant", "default")
	req.Header.Set("Authorization", "Bearer secret")
	client := &http.Client{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
}

// BenchmarkTenantReset resets one tenant holding 200 rows while another
// tenant holds 10,000, on a file database.
func BenchmarkTenantReset(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{newNotes}})
	ctx := context.Background()
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"big"}`)
	srv.Do("POST", "/_emulator/notes/tenants", `{"key":"small"}`)
	fill := func(key string, n int) {
		err := srv.Store().Write(ctx, func(tx *store.Tx) error {
			t, err := tx.Tenant("notes", key)
			if err != nil {
				return err
			}
			for i := range n {
				if _, err := tx.Scope(t).Exec(`INSERT INTO notes_items (tenant_id, text) VALUES (@tenant, ?)`, fmt.Sprint(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	fill("big", 10000)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		fill("small", 200)
		b.StartTimer()
		if err := srv.Reset(ctx, "notes", "small"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConsolePoll is the web console's live poll with a full journal
// of 10,000 exchanges and nothing new: GET /_emulator/requests?after=<newest>.
func BenchmarkConsolePoll(b *testing.B) {
	srv := vtest.Start(b, server.Config{Vendors: []emu.Factory{newNotes}})
	for range 10000 {
		srv.Journal().Add(journal.Entry{Vendor: "notes", Method: "GET", Path: "/items", Status: 200, ResponseBody: `{"items":["welcome"]}`})
	}
	newest := srv.Journal().List(journal.Filter{Limit: 1})[0].ID
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/_emulator/requests?after=%d&limit=100&vendor=notes", srv.URL, newest), nil)
	client := &http.Client{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `{"requests":[]}` {
			b.Fatalf("%d %s", resp.StatusCode, body)
		}
	}
}
