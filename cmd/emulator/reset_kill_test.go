package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/vendoremu/vendoremu/store"
)

// A tenant reset is acknowledged before its old rows are deleted (the
// janitor deletes them afterwards, store/retire.go). Killed in between,
// the emulator comes back with none of them visible, and the janitor
// finishes the job.
func TestResetSurvivesKill9DuringSweep(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reset.db")
	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	stop(t, p)

	// 50,000 clicks and 5,000 conversions of the default tenant, written
	// underneath while no emulator runs.
	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		tn, err := tx.Tenant("keitaro", "your-api-key")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
			INSERT INTO keitaro_clicks (tenant_id, click_id, sub_id, visitor_code, datetime, campaign_id, ip)
			SELECT ?, 1000 + i, 'old' || i, 'v', datetime('2017-05-02', '+' || i || ' minutes'), 89, '10.0.' || (i % 250) || '.' || (i % 200)
			FROM n`, tn.ID); err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO keitaro_conversions (tenant_id, conversion_id, click_id, sub_id, status, original_status,
				tid, revenue, currency, postback_datetime, params)
			SELECT tenant_id, click_id, click_id, sub_id, 'lead', 'lead', '', 1, 'USD', datetime, '{}'
			FROM keitaro_clicks WHERE tenant_id = ? AND click_id % 10 = 0`, tn.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	p = startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	if body := call(t, p, "POST", "/_emulator/reset?vendor=keitaro&tenant=your-api-key", ""); !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("reset: %s", body)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exit
	t.Logf("retired tenants left by the kill: %d", retired(t, db))

	// Shared, so that retired can watch the janitor from beside it.
	p = startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db, "EMULATOR_DB_SHARED=1")
	for _, sub := range []string{"old1", "old10", "old49999"} {
		if body := call(t, p, "GET", "/keitaro/postback?subid="+sub+"&status=sale", ""); body != "Error: click not found" {
			t.Fatalf("postback to an old click %s: %s", sub, body)
		}
	}
	if body := call(t, p, "GET", "/_emulator/state/keitaro?tenant=your-api-key", ""); strings.Contains(body, `"old1`) {
		t.Fatal("the state dump shows old clicks")
	}
	if body := call(t, p, "POST", "/keitaro/admin_api/v1/clicks/summary", `{"metrics":["clicks","conversions"]}`); strings.Contains(body, "50000") || strings.Contains(body, "5000") {
		t.Fatalf("summary after the reset: %s", body)
	}
	// The restarted janitor deletes the rest.
	deadline := time.Now().Add(60 * time.Second)
	for retired(t, db) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the retired tenant's rows were not deleted within 60 s of the restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop(t, p)
	st, err = store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var clicks, conversions int
	err = st.Read(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(`SELECT count(*) FROM keitaro_clicks WHERE sub_id LIKE 'old%'`).Scan(&clicks); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT count(*) FROM keitaro_conversions WHERE sub_id LIKE 'old%'`).Scan(&conversions)
	})
	if err != nil {
		t.Fatal(err)
	}
	if clicks != 0 || conversions != 0 {
		t.Fatalf("%d old clicks and %d old conversions left after the sweep", clicks, conversions)
	}
}

// call sends a request with the default Keitaro API key and returns the
// body of its 200 answer.
func call(t *testing.T, p *process, method, path, body string) string {
	t.Helper()
	req, _ := http.NewRequest(method, p.url+path, strings.NewReader(body))
	req.Header.Set("Api-Key", "your-api-key")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return string(b)
}

// retired counts the retired tenants in the database file, read beside
// the process that may be running on it.
func retired(t *testing.T, db string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM tenants WHERE substr(vendor, 1, 1) = ?`, store.RetiredPrefix).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// stop ends the process with SIGTERM and waits for it.
func stop(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.exit
}
