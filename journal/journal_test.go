package journal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/journal"
)

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		match      bool
	}{
		{"/items", "/items", true},
		{"/items", "/items/1", false},
		{"*", "/anything/at/all", true},
		{"/items/*", "/items/1/deep", true},
		{"/items/*", "/items", false},
		{"*/deep", "/items/deep", true},
		{"/a*c*e", "/abcde", true},
		{"/a*c*e", "/abcd", false},
		{"/a**b", "/ab", true},
	} {
		if got := journal.Glob(c.pattern, c.s); got != c.match {
			t.Errorf("Glob(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}

func TestMaskHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer eyJ.secret.sig")
	h.Set("Authentication", "bearer x")
	h.Set("Api-Key", "your-api-key")
	h.Set("X-Api-Key", "twpl-abc")
	h.Set("Cookie", "ms_session=1")
	h.Set("Content-Type", "application/json")
	m := journal.MaskHeaders(h)
	for k, want := range map[string]string{"Authorization": "Bearer ***", "Authentication": "bearer ***", "Api-Key": "***",
		"X-Api-Key": "***", "Cookie": "***", "Content-Type": "application/json"} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q", k, m[k], want)
		}
	}
}

func TestRingKeepsNewest(t *testing.T) {
	j := journal.New(journal.Limits{MaxEntries: 3})
	for _, p := range []string{"/1", "/2", "/3", "/4"} {
		j.Add(journal.Entry{Path: p, RequestBody: strings.Repeat("x", journal.BodyLimit+1)})
	}
	got := j.List(journal.Filter{})
	if len(got) != 3 || got[0].Path != "/4" || got[2].Path != "/2" || got[0].ID != 4 {
		t.Fatalf("%+v", got)
	}
	if len(got[0].RequestBody) != journal.BodyLimit {
		t.Fatal("body not capped")
	}
	j.Clear()
	if len(j.List(journal.Filter{})) != 0 {
		t.Fatal("not cleared")
	}
	if id := j.Add(journal.Entry{}); id != 5 {
		t.Fatalf("ids restart after clear: %d", id)
	}
}
