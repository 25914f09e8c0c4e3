package keitaro

import (
	"encoding/json"
	"strconv"
	"testing"
)

func TestCoercions(t *testing.T) {
	for _, c := range []struct {
		in   any
		want int64
		ok   bool
	}{
		{json.Number("10"), 10, true}, {"-3", -3, true}, {"10", 10, true},
		{json.Number("1.5"), 0, false}, {json.Number("1e2"), 0, false}, {"1.0", 0, false}, {"", 0, false},
		{true, 0, false}, {[]any{}, 0, false}, {"99999999999999999999", 0, false},
	} {
		if got, ok := asInt(c.in); got != c.want || ok != c.ok {
			t.Errorf("asInt(%#v) = %d, %v", c.in, got, ok)
		}
	}
	for _, c := range []struct {
		in any
		ok bool
	}{
		{json.Number("10.02"), true}, {"10.02", true}, {"5", true}, {".5", true}, {"-1", true},
		{"1,5", false}, {"1e3", false}, {"abc", false}, {false, false}, {map[string]any{}, false},
	} {
		if _, ok := asDecimal(c.in); ok != c.ok {
			t.Errorf("asDecimal(%#v) ok = %v", c.in, ok)
		}
	}
	for _, c := range []struct {
		in       any
		want, ok bool
	}{
		{true, true, true}, {json.Number("0"), false, true}, {"1", true, true}, {"TRUE", true, true},
		{"false", false, true}, {json.Number("2"), false, false}, {"yes", false, false}, {nil, false, false},
	} {
		if got, ok := asBool(c.in); got != c.want || ok != c.ok {
			t.Errorf("asBool(%#v) = %v, %v", c.in, got, ok)
		}
	}
	if s, _ := asString(json.Number("12.50")); s != "12.5" {
		t.Errorf("asString(12.50) = %q", s)
	}
	if s, _ := asString(json.Number("123456789012345678901234567890")); s != "123456789012345678901234567890" {
		t.Errorf("asString(big) = %q", s)
	}
}

func TestParseBody(t *testing.T) {
	for _, c := range []struct {
		body, mediaType string
		ok              bool
		keys            int
	}{
		{"", "", true, 0},
		{"  ", "text/plain", true, 0},
		{`{"a":1}`, "", true, 1},
		{`{"a":1}`, "application/x-www-form-urlencoded", true, 1},
		{`{"a":1} `, "text/plain", true, 1},
		{`a=1&b=2`, "application/x-www-form-urlencoded", true, 2},
		{`a=1`, "application/json", false, 0},
		{`a=1`, "", false, 0},
		{`[1]`, "", false, 0},
		{`{"a":1}{}`, "", false, 0},
		{`null`, "application/json", false, 0},
	} {
		p, ok := parseBody([]byte(c.body), c.mediaType)
		if ok != c.ok || len(p) != c.keys {
			t.Errorf("parseBody(%q, %q) = %v, %v", c.body, c.mediaType, p, ok)
		}
	}
}

func TestBotEntries(t *testing.T) {
	for s, want := range map[string]bool{
		"1.2.3.4": true, "::1": true, "10.0.0.0/8": true, "1.2.3.*": true, "1.2.*.*": true, "fe80::/10": true,
		"1.2.3": false, "1.*.3.4": false, "*.*.*.*": false, "1.2.3.04": false, "256.1.1.*": false, "bot": false, "1.2.3.4/33": false,
	} {
		if got := validBotEntry(s); got != want {
			t.Errorf("validBotEntry(%q) = %v", s, got)
		}
	}
}

// FuzzParseBody feeds request bodies to the body rules of §1.2: they never
// panic, and what they accept is an object whose values the coercions can
// read without panicking.
func FuzzParseBody(f *testing.F) {
	for _, seed := range []struct{ body, mt string }{
		{`{"name":"x","alias":"y"}`, ""}, {`name=x&alias=y`, "application/x-www-form-urlencoded"},
		{`{"a":[1,{"b":null}],"c":1e400}`, "application/json"}, {`{"a":"\ud800"}`, ""}, {"", ""}, {`[]`, ""},
		{`{"a":1}garbage`, ""}, {`%zz=1&a=%41`, "application/x-www-form-urlencoded"},
	} {
		f.Add([]byte(seed.body), seed.mt)
	}
	f.Fuzz(func(t *testing.T, body []byte, mt string) {
		p, ok := parseBody(body, mt)
		if !ok {
			return
		}
		if p == nil {
			t.Fatalf("accepted body gives no params")
		}
		for _, v := range p {
			asString(v)
			asInt(v)
			asNullInt(v)
			asDecimal(v)
			asBool(v)
			parameters(v)
			postbacksIn(v)
			countries(v)
			preferences(v)
			domainName(v)
		}
	})
}

// FuzzInteger checks asInt against strconv for every text it accepts.
func FuzzInteger(f *testing.F) {
	for _, s := range []string{"0", "-1", "10", "007", "1.0", "1e3", " 1", "9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := asInt(s)
		m, err := strconv.ParseInt(s, 10, 64)
		if ok && (err != nil || m != n) {
			t.Fatalf("asInt(%q) = %d, strconv says %d %v", s, n, m, err)
		}
		if n2, ok2 := asInt(json.Number(s)); ok != ok2 || n != n2 {
			t.Fatalf("string and number disagree on %q", s)
		}
	})
}
