package journal_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

func TestAddCutsEveryField(t *testing.T) {
	j := journal.New(journal.Limits{})
	h := map[string]string{"X-Small": "ok", "X-Huge": strings.Repeat("v", 100<<10)}
	for i := range 10 {
		h["X-Fill-"+string(rune('a'+i))] = strings.Repeat("f", 6<<10)
	}
	j.Add(journal.Entry{
		Path: "/" + strings.Repeat("p", 1<<20), Query: strings.Repeat("q", 1<<20), RequestHeaders: h,
		RequestBody: strings.Repeat("b", 1<<20), ResponseBody: strings.Repeat("é", 1<<20),
	})
	e := j.List(journal.Filter{})[0]
	if len(e.Path) != journal.PathLimit || len(e.Query) != journal.QueryLimit || len(e.RequestBody) != journal.BodyLimit {
		t.Fatalf("path %d, query %d, body %d bytes", len(e.Path), len(e.Query), len(e.RequestBody))
	}
	// A cut never splits a character.
	if n := len(e.ResponseBody); n > journal.BodyLimit || n < journal.BodyLimit-1 || !utf8.ValidString(e.ResponseBody) {
		t.Fatalf("response body %d bytes, valid %v", n, utf8.ValidString(e.ResponseBody))
	}
	total := 0
	for k, v := range e.RequestHeaders {
		if len(v) > journal.HeaderValueLimit {
			t.Fatalf("%s: %d bytes", k, len(v))
		}
		total += len(k) + len(v)
	}
	if total > journal.HeadersLimit || e.RequestHeaders["X-Small"] != "ok" {
		t.Fatalf("headers %d bytes, X-Small %q", total, e.RequestHeaders["X-Small"])
	}
	if b := j.Bytes(); b > 200<<10 {
		t.Fatalf("one entry counts %d bytes", b)
	}
}

func TestByteBoundDropsOldest(t *testing.T) {
	j := journal.New(journal.Limits{MaxEntries: 1000, MaxBytes: 100 << 10})
	for i := range 50 {
		j.Add(journal.Entry{Path: "/" + strconv.Itoa(i), RequestBody: strings.Repeat("x", 10<<10)})
	}
	got := j.List(journal.Filter{})
	if j.Bytes() > 100<<10 || len(got) < 5 || len(got) > 10 || got[0].Path != "/49" {
		t.Fatalf("%d entries, %d bytes, newest %s", len(got), j.Bytes(), got[0].Path)
	}
	// An entry larger than the bound is still kept, alone.
	j.Add(journal.Entry{Path: "/big", RequestBody: strings.Repeat("x", 64<<10), ResponseBody: strings.Repeat("y", 64<<10)})
	if got := j.List(journal.Filter{}); len(got) != 1 || got[0].Path != "/big" {
		t.Fatalf("%d entries", len(got))
	}
	// Paging: entries older than an id.
	for i := range 5 {
		j.Add(journal.Entry{Path: "/p" + strconv.Itoa(i)})
	}
	page := j.List(journal.Filter{Limit: 2})
	older := j.List(journal.Filter{Limit: 2, Before: page[1].ID})
	if page[0].Path != "/p4" || page[1].Path != "/p3" || older[0].Path != "/p2" || older[1].Path != "/p1" {
		t.Fatalf("pages %v %v", page, older)
	}
}

func TestFingerprintAndMaskQuery(t *testing.T) {
	fp := journal.Fingerprint("your-api-key")
	if fp != journal.Fingerprint("your-api-key") || !strings.HasPrefix(fp, "your…") || len(fp) != len("your…")+8 ||
		fp == journal.Fingerprint("your-api-kez") {
		t.Fatalf("fingerprint %q", fp)
	}
	// A short secret shows at most a third of itself.
	if fp := journal.Fingerprint("abc123"); !strings.HasPrefix(fp, "ab…") || strings.Contains(fp, "abc") {
		t.Fatalf("short secret %q", fp)
	}
	if journal.Fingerprint("") != "" {
		t.Fatal("empty secret")
	}
	q := journal.MaskQuery("api_key=sk-live-0123456789&page=2&token=t0k3n-abcdef&partnerSecret=pw&name=x")
	if strings.Contains(q, "sk-live-0123456789") || strings.Contains(q, "t0k3n-abcdef") || strings.Contains(q, "=pw") ||
		!strings.Contains(q, "page=2") || !strings.Contains(q, "name=x") || !strings.Contains(q, journal.Fingerprint("sk-live-0123456789")) {
		t.Fatalf("masked query %q", q)
	}
}

// The ring grows as entries come (an idle journal holds no full ring), and
// keeps them in order while it grows and while the byte bound drops the
// oldest in the middle of a growth.
func TestRingGrowsInOrder(t *testing.T) {
	j := journal.New(journal.Limits{MaxEntries: 300, MaxBytes: 40 << 10})
	for i := range 1000 {
		body := ""
		if i%7 == 0 {
			body = strings.Repeat("x", 2<<10) // some entries push the byte bound
		}
		j.Add(journal.Entry{Path: "/" + strconv.Itoa(i), RequestBody: body})
		got := j.List(journal.Filter{})
		if len(got) == 0 || len(got) > 300 || got[0].Path != "/"+strconv.Itoa(i) {
			t.Fatalf("after %d: %d entries, newest %v", i, len(got), got[0].Path)
		}
		for k := 1; k < len(got); k++ {
			if got[k].ID != got[k-1].ID-1 {
				t.Fatalf("after %d: entry %d is id %d after id %d", i, k, got[k].ID, got[k-1].ID)
			}
		}
	}
	if j.Capacity() != 300 {
		t.Fatalf("capacity %d", j.Capacity())
	}
}
