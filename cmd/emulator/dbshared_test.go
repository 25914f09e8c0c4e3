package main

import (
	"database/sql"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatabaseFileKeptToItself: by default the running emulator holds its
// database file for itself — another process (here the test, as the
// sqlite3 shell would) finds it locked, and a second emulator on the same
// file, shared or not, stops at once saying why — and EMULATOR_DB_SHARED=1
// lets others in.
func TestDatabaseFileKeptToItself(t *testing.T) {
	db := filepath.Join(t.TempDir(), "own.db")
	tenants := func() (int, error) {
		conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=200")
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		var n int
		err = conn.QueryRow(`SELECT count(*) FROM tenants`).Scan(&n)
		return n, err
	}

	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	if n, err := tenants(); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("another process read the database of a running emulator: %d tenants, %v", n, err)
	}
	second := exec.Command(binary)
	second.Env = append(second.Environ(), "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "EMULATOR_DB_SHARED=1") {
		t.Fatalf("a second emulator on the same file: %v %s", err, out)
	}
	shared := exec.Command(binary)
	shared.Env = append(shared.Environ(), "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db, "EMULATOR_DB_SHARED=1")
	out, err = shared.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another emulator started without EMULATOR_DB_SHARED=1") {
		t.Fatalf("a shared emulator beside one that keeps the file: %v %s", err, out)
	}
	stop(t, p)

	p = startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db, "EMULATOR_DB_SHARED=1")
	if n, err := tenants(); err != nil || n == 0 {
		t.Fatalf("beside a shared emulator: %d tenants, %v", n, err)
	}
	stop(t, p)
	if n, err := tenants(); err != nil || n == 0 {
		t.Fatalf("after the emulator stopped: %d tenants, %v", n, err)
	}
}
