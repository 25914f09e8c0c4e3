package server

import (
	"testing"
	"time"
)

func TestParseAdvance(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"36h": 36 * time.Hour, "90m": 90 * time.Minute, "-1h30m": -90 * time.Minute,
		"30d": 30 * 24 * time.Hour, "1d12h": 36 * time.Hour, "-2d": -48 * time.Hour, "0s": 0,
	} {
		if got, err := parseAdvance(in); err != nil || got != want {
			t.Errorf("parseAdvance(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "1d-2h", "d", "1.5d", "3 days"} {
		if _, err := parseAdvance(in); err == nil {
			t.Errorf("parseAdvance(%q) accepted", in)
		}
	}
}

func FuzzParseAdvance(f *testing.F) {
	for _, s := range []string{"36h", "30d", "-1d2h", "1d-2h", "9999999d", "1.5h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseAdvance(s) // must not panic
	})
}

func TestCleanPath(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "/a/": "/a", "//a//b/": "/a/b", "/a/b": "/a/b", "a": "/a", "///": "/",
	} {
		if got := cleanPath(in); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}
