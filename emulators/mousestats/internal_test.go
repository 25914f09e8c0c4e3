package mousestats

import (
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/form"
)

func TestValidEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"test@example.com":             true,
		"a@b.c":                        true,
		"a+tag@example.co.uk":          true,
		"a.b!#$%&'*+/=?^_`{|}~-@x-y.z": true,
		"Test@Example.COM":             true,
		"":                             false,
		"a@":                           false,
		"@example.com":                 false,
		"a@example":                    false,
		"a@example.":                   false,
		"a@.example.com":               false,
		"a@example..com":               false,
		"a b@example.com":              false,
		"a(b)@example.com":             false,
		"a@example.com(x)":             false,
		"a@b@example.com":              false,
		"a@exa_mple.com":               false,
		"ü@example.com":                false,
		"a@example.com\n":              false,
		"\ta@example.com":              false,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com": true,
		strings.Repeat("a", 65) + "@" + strings.Repeat("b", 185) + ".com": false,
	} {
		if got := validEmail(s); got != want {
			t.Errorf("validEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidHours(t *testing.T) {
	for raw, want := range map[string]int{
		"": 1, "_validHours=": 1, "_validHours=1": 1, "_validHours=24": 24, "_validHours=05": 5, "_validHours=%2B7": 7,
		"_validHours=0": 1, "_validHours=25": 1, "_validHours=-3": 1, "_validHours=abc": 1, "_validHours=2.5": 1,
		"_validHours=1_0": 1, "_validHours=0x10": 1, "_validHours=12&_validHours=3": 12, "_validHours=%zz&_validHours=3": 3,
	} {
		if got := validHours(form.ParseQuery(raw)); got != want {
			t.Errorf("validHours(%q) = %d, want %d", raw, got, want)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	at := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	a := newAccount("a@example.com", "pw", true, at)
	for d, want := range map[time.Duration]int64{
		0: 30, time.Microsecond: 30, 23*time.Hour + 59*time.Minute: 30, 24 * time.Hour: 29, 36 * time.Hour: 29,
		29*24*time.Hour + 12*time.Hour: 1, 30*24*time.Hour - time.Microsecond: 1, 30 * 24 * time.Hour: 0,
		1000 * 24 * time.Hour: 0, -24 * time.Hour: 31,
	} {
		if got := a.daysLeft(at.Add(d)); got != want {
			t.Errorf("daysLeft at T%+v = %d, want %d", d, got, want)
		}
	}
	if got := newAccount("a@example.com", "pw", false, at).daysLeft(at); got != 0 {
		t.Errorf("daysLeft without a plan = %d", got)
	}
}
