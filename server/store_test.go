package server_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

func TestRestartOnFileDatabaseKeepsData(t *testing.T) {
	db := t.TempDir() + "/emu.db"
	cfg := server.Config{Addr: "127.0.0.1:0", DB: db, Vendors: []emu.Factory{newNotes}}

	first, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	do := vtestDo(t, "http://"+first.Addr())
	do("POST", "/_emulator/notes/tenants", `{"key":"kept"}`, 201)
	do("POST", "/notes/items", "survives", 201, "X-Tenant", "kept")
	do("POST", "/_emulator/reset?vendor=notes&tenant=default", "", 200) // defaults applied once
	if err := first.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	second := vtest.Start(t, cfg)
	expect(t, second.Do("GET", "/_emulator/state/notes", nil), 200,
		`{"tenants":[{"key":"default","items":["welcome"]},{"key":"kept","items":["survives"]}]}`)
}

func TestConcurrentWritersLoseNothing(t *testing.T) {
	srv := vtest.Start(t, server.Config{DB: t.TempDir() + "/emu.db", Vendors: []emu.Factory{newNotes}})
	const writers, each = 32, 25
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := srv.Do("POST", "/notes/items", fmt.Sprintf("w%d-%d", w, i), "X-Tenant", "default")
				if r.Status != 201 {
					errs <- fmt.Sprintf("%d %s", r.Status, r.Body)
				}
				// Readers run beside the writers and never wait for them.
				if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"); r.Status != 200 {
					errs <- fmt.Sprintf("read %d %s", r.Status, r.Body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		if strings.Contains(e, "locked") {
			t.Fatalf("database is locked: %s", e)
		}
		t.Fatal(e)
	}
	expect(t, srv.Do("GET", "/_emulator/notes/count", nil), 200, fmt.Sprintf(`{"count":%d}`, writers*each+1))
}

func TestShutdownLetsRequestsFinish(t *testing.T) {
	srv, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", Vendors: []emu.Factory{newNotes}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr()
	// A one-time delay: the fault leaves the table the moment a request
	// matches it, which tells the test the request is inside the server.
	vtestDo(t, base)("POST", "/_emulator/faults", `{"path":"/items","delay_ms":300,"times":1}`, 201)

	done := make(chan int)
	go func() { done <- slowGet(t, base+"/notes/items") }()
	for len(srv.Faults().List()) > 0 {
		runtime.Gosched()
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The handler ran after the delay and still found the database open.
	if status := <-done; status != 200 {
		t.Fatalf("in-flight request got %d", status)
	}
}
