package server_test

import (
	"net/http/httptest"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

func TestControlPlaneRefusesOtherSitesWithoutToken(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AllowedHosts: []string{"vendoremu:8080", "emu.internal"}})
	port := srv.Addr()[len("127.0.0.1:"):]
	for _, c := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"curl, SDKs and tests: no Origin, any Content-Type", []string{"Content-Type", "text/plain"}, 200},
		{"localhost", []string{"Host", "localhost:" + port}, 200},
		{"a .localhost name", []string{"Host", "app.localhost:" + port}, 200},
		{"IPv6 loopback", []string{"Host", "[::1]:" + port}, 200},
		{"the page posting to its own control plane", []string{"Origin", "http://127.0.0.1:" + port}, 200},
		{"an allowed host:port", []string{"Host", "vendoremu:8080"}, 200},
		{"an allowed name, any port", []string{"Host", "emu.internal:9999"}, 200},
		{"another port of an allowed host:port", []string{"Host", "vendoremu:9090"}, 403},
		{"a DNS-rebinding page: its own name", []string{"Host", "attacker.example:" + port}, 403},
		{"the unspecified address", []string{"Host", "0.0.0.0:" + port}, 403},
		{"the docker host's address (Testcontainers, CI services)", []string{"Host", "172.17.0.1:" + port}, 200},
		{"an IPv6 address", []string{"Host", "[fd00::5]:" + port}, 200},
		{"another site's page", []string{"Origin", "https://evil.example", "Content-Type", "text/plain"}, 403},
		{"another port's page", []string{"Origin", "http://127.0.0.1:1"}, 403},
		{"a sandboxed frame or a file", []string{"Origin", "null"}, 403},
	} {
		for _, path := range []string{"/_emulator/reset", "/_emulator/clock"} {
			body := `{"advance":"1s"}`
			if path == "/_emulator/reset" {
				body = ""
			}
			r := srv.Do("POST", path, body, c.headers...)
			if r.Status != c.status {
				t.Errorf("%s: POST %s = %d %s, want %d", c.name, path, r.Status, r.Body, c.status)
			}
		}
		// Reading state is refused the same way (DNS rebinding reads secrets).
		if r := srv.Do("GET", "/_emulator/state/notes", nil, c.headers...); r.Status != c.status {
			t.Errorf("%s: GET state = %d, want %d", c.name, r.Status, c.status)
		}
	}
	r := srv.Do("POST", "/_emulator/reset", nil, "Origin", "https://evil.example")
	expectError(t, r, 403, "another site")
	expectError(t, srv.Do("GET", "/_emulator/requests", nil, "Host", "attacker.example"), 403, "EMULATOR_ALLOWED_HOSTS")
	// The health check tells nothing and answers everyone (container health
	// checks, wait strategies on a service name).
	if r := srv.Do("GET", "/_emulator/health", nil, "Host", "attacker.example", "Origin", "https://evil.example"); r.Status != 200 {
		t.Fatalf("health: %d", r.Status)
	}
	// Vendor APIs are not the control plane: their Host may be anything
	// (JustClick names the account in it).
	if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "default", "Host", "acme.justclick.io", "Origin", "https://app.example"); r.Status != 200 {
		t.Fatalf("vendor API: %d", r.Status)
	}
}

func TestInProcessHandlerIsNotBehindTheBrowserGuard(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}})
	// httptest's Host is example.com: no browser can send this request.
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("POST", "/_emulator/reset", nil))
	if w.Code != 200 {
		t.Fatalf("in-process reset: %d %s", w.Code, w.Body)
	}
}

func TestAllowedHostsWildcardAndAdminToken(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AllowedHosts: []string{"*"}})
	if r := srv.Do("POST", "/_emulator/reset", nil, "Host", "anything.example"); r.Status != 200 {
		t.Fatalf("allowed * : %d", r.Status)
	}
	if r := srv.Do("POST", "/_emulator/reset", nil, "Origin", "https://evil.example"); r.Status != 403 {
		t.Fatalf("allowed * still checks Origin: %d", r.Status)
	}
	// With an admin token, the token is the guard: a page cannot know it.
	srv = vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AdminToken: "s3cret"})
	if r := srv.Do("POST", "/_emulator/reset", nil, "Host", "vendoremu:8080", "Authorization", "Bearer s3cret"); r.Status != 200 {
		t.Fatalf("token from a service name: %d", r.Status)
	}
	if r := srv.Do("POST", "/_emulator/reset", nil, "Host", "vendoremu:8080"); r.Status != 401 {
		t.Fatalf("no token: %d", r.Status)
	}
}
