package server_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/journal"
)

var journalAll = journal.Filter{}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newOther is a second notes vendor under another name, for tests that need
// two vendors.
func newOther(d emu.Deps) (emu.Vendor, error) { return &notes{deps: d, name: "other"}, nil }

// vtestDo returns a request helper for a server that was not started by vtest.
func vtestDo(t *testing.T, base string) func(method, path, body string, status int, headers ...string) {
	return func(method, path, body string, status int, headers ...string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, status)
		}
	}
}

// slowGet sends a GET and returns the status (0 on a transport error).
func slowGet(t *testing.T, url string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Tenant", "default")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("in-flight request: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
