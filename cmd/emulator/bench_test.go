package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/server"
)

// BenchmarkStartupToReady builds and starts the whole emulator in-process on
// a new, empty database file — migrations, the five vendors' defaults,
// listening — and stops it. This is what the binary does before it prints
// its ready line.
func BenchmarkStartupToReady(b *testing.B) {
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		srv, err := server.New(context.Background(), server.Config{
			Addr:    "127.0.0.1:0",
			DB:      filepath.Join(dir, strconv.Itoa(i)+".db"),
			Vendors: emulators.All(emulators.Config{}),
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Shutdown(context.Background())
		b.StartTimer()
	}
}

// BenchmarkBinaryStartToReady runs the built binary until its ready line on
// a new database file: process start included.
func BenchmarkBinaryStartToReady(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		p := startBinary(b, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+filepath.Join(dir, "e.db"))
		b.StopTimer()
		p.cmd.Process.Kill()
		<-p.exit
		b.StartTimer()
	}
}

// BenchmarkIdleMemory reports the binary's resident memory after start-up
// and one health check, as the kernel accounts it for the process: all of it
// (VmRSS) and the part that is not the mapped binary (RssAnon: heap, stacks,
// SQLite's caches). The binary starts with its file out of the page cache,
// as from an image (see evictFromPageCache).
func BenchmarkIdleMemory(b *testing.B) {
	var rss, anon float64
	for b.Loop() {
		if err := evictFromPageCache(binary); err != nil {
			b.Fatal(err)
		}
		p := startBinary(b, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+filepath.Join(b.TempDir(), "e.db"))
		resp, err := http.Get(p.url + "/_emulator/health")
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		status, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
		if err != nil {
			b.Fatalf("reading VmRSS: %v", err)
		}
		rss, anon = statusMB(status, "VmRSS:"), statusMB(status, "RssAnon:")
		p.cmd.Process.Kill()
		<-p.exit
	}
	b.ReportMetric(rss, "MB-rss")
	b.ReportMetric(anon, "MB-rss-anon")
}

// statusMB reads a "Name:   1234 kB" line of /proc/<pid>/status, in MB.
func statusMB(status []byte, name string) float64 {
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, name); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
