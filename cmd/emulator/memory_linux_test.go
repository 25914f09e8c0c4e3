package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/server"
)

// Giving back the executable's pages lowers what the process holds of its
// file, and the process runs on: the code it needs comes back. (This test
// binary is linked by the C linker, so it has a read-only mapping with
// relocated private copies, which must be left alone.)
func TestReleaseStartupPages(t *testing.T) {
	srv, err := server.New(context.Background(), server.Config{
		Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "e.db"),
		Vendors: emulators.All(emulators.Config{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	before := rssFile(t)
	releaseStartupPages()
	if after := rssFile(t); after >= before {
		t.Errorf("file-backed RSS %.1f MB after releasing, %.1f MB before", after, before)
	}
	// Start-up code again, and the server's: all of it still runs.
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	srv.Shutdown(context.Background())
	srv, err = server.New(context.Background(), server.Config{
		Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "e2.db"),
		Vendors: emulators.All(emulators.Config{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
}

func rssFile(t *testing.T) float64 {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	return statusMB(status, "RssFile:")
}
