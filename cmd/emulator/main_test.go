package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the emulator built once for the tests that run it as a process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vendoremu-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "emulator")
	// The Dockerfile's flags, so the tests run (and the benchmarks measure)
	// the binary users ship.
	build := exec.Command("go", "build", "-tags", "nomsgpack", "-trimpath", "-ldflags", "-s -w", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the emulator:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running emulator binary.
type process struct {
	cmd  *exec.Cmd
	url  string
	exit chan error
}

// startBinary runs the emulator and waits for its ready line.
func startBinary(t testing.TB, env ...string) *process {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exit: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "vendoremu ready on "); ok {
				ready <- url
			}
		}
		p.exit <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case p.url = <-ready:
	case err := <-p.exit:
		t.Fatalf("emulator exited before it was ready: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("no ready line within 20 s")
	}
	return p
}

func TestReadyLineAndHealth(t *testing.T) {
	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0")
	resp, err := http.Get(p.url + "/_emulator/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status  string   `json:"status"`
		Vendors []string `json:"vendors"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	if h.Status != "ok" || strings.Join(h.Vendors, ",") != "hitsteps,mousestats,keitaro,justclick,twipla" {
		t.Fatalf("health %+v", h)
	}
	// The binary checks health itself, for images without curl.
	check := exec.Command(binary, "-healthcheck", "-addr", strings.TrimPrefix(p.url, "http://"))
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("-healthcheck: %v %s", err, out)
	}
	// The default database is vendoremu.db in the working directory.
	if _, err := os.Stat(filepath.Join(p.cmd.Dir, "vendoremu.db")); err != nil {
		t.Fatalf("default database: %v", err)
	}
}

func TestSigtermLetsInFlightRequestsFinish(t *testing.T) {
	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB=emu.db")
	// A one-time delay leaves the fault table when a request matches it:
	// then the request is inside the server.
	body := `{"vendor":"keitaro","path":"/slow","delay_ms":400,"times":1}`
	if resp, err := http.Post(p.url+"/_emulator/faults", "application/json", strings.NewReader(body)); err != nil || resp.StatusCode != 201 {
		t.Fatalf("add fault: %v %v", resp, err)
	}
	answered := make(chan int)
	go func() {
		resp, err := http.Get(p.url + "/keitaro/slow")
		if err != nil {
			t.Errorf("in-flight request: %v", err)
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for {
		resp, err := http.Get(p.url + "/_emulator/faults")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) == `{"faults":[]}` {
			break
		}
		runtime.Gosched()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if status := <-answered; status != http.StatusNotFound { // Keitaro's answer to an unknown path
		t.Fatalf("in-flight request got %d", status)
	}
	select {
	case err := <-p.exit:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("emulator did not exit after SIGTERM")
	}
	// The database was closed cleanly: its write-ahead log is checkpointed away.
	if fi, err := os.Stat(filepath.Join(p.cmd.Dir, "emu.db-wal")); err == nil && fi.Size() > 0 {
		t.Fatalf("WAL left behind: %d bytes", fi.Size())
	}
}

func TestHealthcheckFailsWithoutEmulator(t *testing.T) {
	check := exec.Command(binary, "-healthcheck", "-addr", "127.0.0.1:1")
	if err := check.Run(); err == nil {
		t.Fatal("-healthcheck succeeded with nothing listening")
	}
}

func TestBadConfigurationRefusesToStart(t *testing.T) {
	for _, env := range []string{"EMULATOR_LOG=xml", "EMULATOR_KEITARO_DIALECT=fancy", "EMULATOR_JUSTCLICK_IP_LIMIT=-1",
		"EMULATOR_TWIPLA_IGNORE_EXPIRY=maybe", "EMULATOR_ADDR=nonsense"} {
		cmd := exec.Command(binary)
		cmd.Env = append(os.Environ(), env, "EMULATOR_DB=:memory:")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "vendoremu:") {
			t.Errorf("%s: started anyway or said nothing (%v): %s", env, err, out)
		}
	}
}

// TestPrintDocument: emulator -openapi writes a vendor's (or the control
// plane's) OpenAPI document for the configured listeners, JSON or YAML,
// without touching a database file.
func TestPrintDocument(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-openapi", "keitaro", "-addr", "127.0.0.1:9999", "-keitaro-addr", "127.0.0.1:9998"},
			[]string{`"openapi": "3.1.0"`, `"url": "http://127.0.0.1:9999/keitaro"`, `"url": "http://127.0.0.1:9998"`, `"/admin_api/v1/campaigns"`}},
		{[]string{"-openapi", "keitaro", "-keitaro-dialect", "modern"}, []string{`"group": {`}},
		{[]string{"-openapi", "justclick.yaml"}, []string{`openapi: "3.1.0"`, `"/api/GetPartnerStats":`, `url: "http://{login}.localhost:8080/justclick"`}},
		{[]string{"-openapi", "control"}, []string{`"/_emulator/openapi/{file}"`}},
	} {
		cmd := exec.Command(binary, tc.args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: output lacks %s", tc.args, w)
			}
		}
	}
	if out, err := exec.Command(binary, "-openapi", "nothing").CombinedOutput(); err == nil || !strings.Contains(string(out), "documents: hitsteps") {
		t.Errorf("unknown document: %v %s", err, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("-openapi left files: %v", entries)
	}
}
