package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// TestServedDocuments: GET /_emulator/openapi/<name>.json|.yaml serves each
// document with the listener's address as its server; Keitaro's dialect is
// picked with ?dialect=.
func TestServedDocuments(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: emulators.All(emulators.Config{})})
	for _, name := range append(emulators.Names(), "control") {
		r := srv.Do("GET", "/_emulator/openapi/"+name+".json", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s.json: %d %s", name, r.Status, r.Body)
		}
		var doc struct {
			OpenAPI string
			Servers []struct{ URL string }
			Paths   map[string]any
		}
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		base := srv.URL
		if name != "control" {
			base += "/" + name
		}
		found := false
		for _, s := range doc.Servers {
			found = found || s.URL == base || strings.HasSuffix(s.URL, strings.TrimPrefix(base, "http://127.0.0.1"))
		}
		if doc.OpenAPI != "3.1.0" || !found || len(doc.Paths) == 0 {
			t.Errorf("%s: openapi %q, servers %v, %d paths", name, doc.OpenAPI, doc.Servers, len(doc.Paths))
		}
		y := srv.Do("GET", "/_emulator/openapi/"+name+".yaml", nil)
		if y.Status != 200 || !strings.HasPrefix(y.Body, `openapi: "3.1.0"`) {
			t.Errorf("%s.yaml: %d %.80s", name, y.Status, y.Body)
		}
	}
	classic := srv.Do("GET", "/_emulator/openapi/keitaro.json", nil).Body
	modern := srv.Do("GET", "/_emulator/openapi/keitaro.json?dialect=modern", nil).Body
	if classic == modern || !strings.Contains(classic, `"null until the campaign is first changed"`) ||
		strings.Contains(modern, `"null until the campaign is first changed"`) {
		t.Error("the Keitaro documents do not follow the dialect")
	}
	for path, want := range map[string]int{
		"/_emulator/openapi/keitaro.json?dialect=ancient": 400,
		"/_emulator/openapi/nothing.json":                 404,
		"/_emulator/openapi/keitaro.xml":                  404,
	} {
		if r := srv.Do("GET", path, nil); r.Status != want {
			t.Errorf("%s: %d, want %d: %s", path, r.Status, want, r.Body)
		}
	}
}

// The documents hold no data: they are served without the admin token,
// which the rest of the control plane still needs.
func TestDocumentsNeedNoToken(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: emulators.All(emulators.Config{}), AdminToken: "s3cret"})
	if r := srv.Do("GET", "/_emulator/openapi/twipla.yaml", nil); r.Status != 200 {
		t.Errorf("document without the token: %d %s", r.Status, r.Body)
	}
	if r := srv.Do("GET", "/_emulator/requests", nil); r.Status != 401 {
		t.Errorf("journal without the token: %d", r.Status)
	}
}
