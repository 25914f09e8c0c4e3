package console_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/server/console"
)

func TestPageNamesItsAssetsAndEscapes(t *testing.T) {
	var b strings.Builder
	err := console.WritePage(&b, console.PageData{Version: `1.0"><script>x()</script>`, AdminToken: true, Prefix: "/_emulator/console"})
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`data-admin-token="true"`, `src="/_emulator/console/console.js?v=`, `href="/_emulator/console/console.css?v=`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>x()") {
		t.Fatal("the version reached the page as markup")
	}
	// Nothing is loaded from elsewhere.
	for _, external := range []string{"http://", "https://", "//cdn", "fonts."} {
		if strings.Contains(page, external) {
			t.Errorf("the page refers to %q", external)
		}
	}
}

func TestAssetsAreServed(t *testing.T) {
	for name, ctype := range map[string]string{"/console.js": "javascript", "/console.css": "text/css"} {
		w := httptest.NewRecorder()
		console.Assets().ServeHTTP(w, httptest.NewRequest("GET", name, nil))
		if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), ctype) || w.Body.Len() < 1000 {
			t.Errorf("%s: %d %q, %d bytes", name, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
		if strings.Contains(w.Body.String(), "https://") || strings.Contains(w.Body.String(), "@import") {
			t.Errorf("%s loads something from elsewhere", name)
		}
	}
}
