package keitaro_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/server"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The postback key is a credential in the path: the debug log's request
// line shows its fingerprint, the journal the path as sent.
func TestDebugLogMasksThePostbackKey(t *testing.T) {
	var logs lockedBuffer
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{keitaro.New(keitaro.Config{})},
		Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	const key = "5ec7e79"
	if r := srv.Do("POST", "/_emulator/keitaro/tenants", map[string]any{"apiKey": "mask-api", "postbackKey": key}); r.Status != 201 && r.Status != 200 {
		t.Fatalf("tenant: %d %s", r.Status, r.Body)
	}
	srv.Do("GET", "/keitaro/"+key+"/postback?subid=none&status=lead", nil)
	l := logs.String()
	if strings.Contains(l, key) {
		t.Fatalf("the postback key reached the log:\n%s", l)
	}
	if want := `"path":"/` + journal.Fingerprint(key) + `/postback"`; !strings.Contains(l, want) {
		t.Fatalf("no request line with %s:\n%s", want, l)
	}
	if e := srv.Journal().List(journal.Filter{Path: "/*/postback"}); len(e) != 1 || e[0].Path != "/"+key+"/postback" {
		t.Fatalf("journal: %+v", e)
	}
}
