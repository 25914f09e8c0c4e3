package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

func TestVersionFlag(t *testing.T) {
	out, err := exec.Command(binary, "-version").CombinedOutput()
	if err != nil || string(out) != "vendoremu dev\n" {
		t.Fatalf("-version: %v %q", err, out)
	}
}

// summaryLine starts the emulator in dir, waits for its start-up summary
// on stderr, and stops it.
func summaryLine(t *testing.T, dir string, env ...string) string {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), `msg="vendoremu started"`) {
				found <- sc.Text()
			}
		}
		close(found)
	}()
	select {
	case line, ok := <-found:
		if !ok {
			t.Fatal("the emulator exited without its start-up summary")
		}
		return line
	case <-time.After(20 * time.Second):
		t.Fatal("no start-up summary within 20 s")
	}
	return ""
}

func TestStartupSummary(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	os.WriteFile(seed, []byte(`{"keitaro":{"tenants":[{"apiKey":"ci-key"}]}}`), 0o644)
	env := []string{"EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB=emu.db", "EMULATOR_KEITARO_ADDR=127.0.0.1:0"}
	first := summaryLine(t, dir, env...)
	for _, want := range []string{"version=dev", "db=emu.db", "db_state=created", "tenants=", "listeners=\"shared=http://127.0.0.1:",
		" keitaro=http://127.0.0.1:", "seed=none", "admin_token=off"} {
		if !strings.Contains(first, want) {
			t.Errorf("summary lacks %q:\n%s", want, first)
		}
	}
	second := summaryLine(t, dir, append(env, "EMULATOR_SEED="+seed, "EMULATOR_ADMIN_TOKEN=t")...)
	for _, want := range []string{"db_state=reused", `seed="keitaro applied"`, "admin_token=on"} {
		if !strings.Contains(second, want) {
			t.Errorf("summary lacks %q:\n%s", want, second)
		}
	}
	// The same seed again on the same database is remembered, not doubled.
	third := summaryLine(t, dir, append(env, "EMULATOR_SEED="+seed)...)
	if !strings.Contains(third, `seed="keitaro skipped"`) {
		t.Errorf("restart with the same seed: summary lacks seed=\"keitaro skipped\":\n%s", third)
	}
	tenants := func(line string) int {
		_, rest, _ := strings.Cut(line, "tenants=")
		n, _ := strconv.Atoi(strings.Fields(rest)[0])
		return n
	}
	if n1, n2, n3 := tenants(first), tenants(second), tenants(third); n1 < 5 || n2 != n1+1 || n3 != n2 {
		t.Errorf("tenants %d, %d, then %d (one seeded, once)", n1, n2, n3)
	}
}

// otherUser runs cmd as uid 65532 when the test runs as root (root writes
// anywhere, so a permission problem needs another user), as the image
// does; otherwise as the test's own user. It returns the uid used.
func otherUser(t *testing.T, cmd *exec.Cmd) int {
	if os.Getuid() != 0 {
		return os.Getuid()
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
	return 65532
}

// sharedDir is a directory the other user can enter, with the binary
// reachable too.
func sharedDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "vendoremu-perm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(binary), 0o755)
	return dir
}

func runFailing(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("started although storage is unusable:\n%s", out.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running after 20 s: it started although storage is unusable:\n%s", out.String())
	}
	return out.String()
}

func TestUnwritableDirectorySaysPermissionDenied(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data")
	os.Mkdir(dir, 0o755)
	if os.Getuid() != 0 {
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+filepath.Join(dir, "vendoremu.db"))
	uid := otherUser(t, cmd)
	out := runFailing(t, cmd)
	for _, want := range []string{"permission denied", dir, "uid " + strconv.Itoa(uid)} {
		if !strings.Contains(out, want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
}

func TestReadOnlyDatabaseFailsTheStart(t *testing.T) {
	dir := sharedDir(t)
	db := filepath.Join(dir, "emu.db")
	// A database made by an earlier start, then made read-only for the
	// user that starts the emulator now (as a volume owned by another
	// user would be).
	summaryLine(t, dir, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	if os.Getuid() == 0 {
		os.Chown(dir, 65532, 65532)
		os.Chmod(db, 0o644) // owned by root: readable, not writable, by 65532
	} else {
		os.Chmod(db, 0o444)
	}
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	uid := otherUser(t, cmd)
	out := runFailing(t, cmd)
	for _, want := range []string{"permission denied", db, "uid " + strconv.Itoa(uid)} {
		if !strings.Contains(out, want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
}

func TestSigtermDuringALongSeedExitsWithinTheLimitAndWritesNothingHalf(t *testing.T) {
	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB=emu.db", "EMULATOR_SHUTDOWN_TIMEOUT=2s")
	// 120,000 clicks on the default Keitaro tenant's campaign 89, in one
	// seed transaction.
	var doc strings.Builder
	doc.WriteString(`{"keitaro":{"tenants":[{"apiKey":"your-api-key","clicks":[`)
	for i := range 120000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		doc.WriteString(`{"campaign_id":89}`)
	}
	doc.WriteString(`]}]}}`)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /_emulator/seed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", doc.Len(), doc.String())
	// The seed is being read or written; stop the emulator now.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exit:
	case <-time.After(2*time.Second + 10*time.Second):
		t.Fatal("the emulator did not exit within its shutdown limit (plus a wide margin)")
	}
	st, err := store.Open(filepath.Join(p.cmd.Dir, "emu.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	st.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM keitaro_clicks WHERE campaign_id = 89`).Scan(&n)
	})
	// The default data holds a few clicks of campaign 89 (far fewer than 200);
	// the seed is all or nothing.
	if n%120000 > 200 || n >= 240000 {
		t.Fatalf("%d clicks of campaign 89: the seed was half-written", n)
	}
}
