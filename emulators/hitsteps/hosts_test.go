package hitsteps

import (
	"strings"
	"testing"
)

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"hitsteps.com":                          "hitsteps.com",
		"WWW.Hitsteps.COM":                      "hitsteps.com",
		"https://www.hitsteps.com:443/blog?x=1": "hitsteps.com",
		"HTTP://a.b.c#frag":                     "a.b.c",
		"www.www.example.com":                   "www.example.com",
		"sub-domain.example.co.uk/":             "sub-domain.example.co.uk",
		"example.com:":                          "example.com",
		"xn--bcher-kva.example":                 "xn--bcher-kva.example",
	} {
		if got, ok := normalizeHost(in); !ok || got != want {
			t.Errorf("normalizeHost(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "localhost", "www.com", "-a.com", "a-.com", "a..com", ".a.com", "a.com.", "a_b.com",
		"user@a.com", "a.com:80x", "ftp://a.com", "bücher.de", "a .com", "https://"} {
		if got, ok := normalizeHost(in); ok {
			t.Errorf("normalizeHost(%q) = %q, want invalid", in, got)
		}
	}
}

func TestURLAndBareHosts(t *testing.T) {
	if h, ok := urlHost("HtTpS://Example.com/x"); !ok || h != "example.com" {
		t.Errorf("urlHost: %q %v", h, ok)
	}
	for _, in := range []string{"example.com", "//example.com", "ftp://example.com"} {
		if _, ok := urlHost(in); ok {
			t.Errorf("urlHost(%q) accepted", in)
		}
	}
	if h, ok := bareHost("www.Example.com:8080"); !ok || h != "example.com" {
		t.Errorf("bareHost: %q %v", h, ok)
	}
	for _, in := range []string{"http://example.com", "example.com/", "example.com?x", "example.com#x", "x://example.com"} {
		if _, ok := bareHost(in); ok {
			t.Errorf("bareHost(%q) accepted", in)
		}
	}
}

func TestValidEmail(t *testing.T) {
	for _, ok := range []string{"a@b.cd", "first.last+tag@sub.example.org", "ü@exämple.de"} {
		if !validEmail(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "a", "a@b", "a@b.", "@b.cd", "a@@b.cd", "a b@c.de", "a@b.c\td"} {
		if validEmail(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestBrokenEscape(t *testing.T) {
	for in, want := range map[string]bool{"a=1&b=%20": false, "a=%zz": true, "a=%": true, "a=%2": true, "%41=%42": false, "": false} {
		if got := brokenEscape([]byte(in)); got != want {
			t.Errorf("brokenEscape(%q) = %v", in, got)
		}
	}
}

func TestCeilDays(t *testing.T) {
	for in, want := range map[int64]int64{-5: 0, 0: 0, 1: 1, 86400: 1, 86401: 2, 20*86400 - 3600: 20} {
		if got := ceilDays(in); got != want {
			t.Errorf("ceilDays(%d) = %d, want %d", in, got, want)
		}
	}
}

// FuzzNormalizeHost: whatever the input, an accepted host is a valid host
// that normalises to itself — unless it still starts with "www." (only one
// is dropped), which normalising again would drop.
func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{"hitsteps.com", "https://www.Hitsteps.com:443/blog?x=1", "www.www.a.b", "a.com:", "HTTP://x.y#z", "ftp://a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := normalizeHost(s)
		if !ok {
			return
		}
		if !hostFormat.MatchString(h) {
			t.Fatalf("normalizeHost(%q) = %q, not a host", s, h)
		}
		if strings.HasPrefix(h, "www.") {
			return
		}
		if h2, ok := normalizeHost(h); !ok || h2 != h {
			t.Fatalf("normalizeHost(%q) = %q, which normalises to %q, %v", s, h, h2, ok)
		}
	})
}
