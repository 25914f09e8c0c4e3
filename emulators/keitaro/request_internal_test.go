package keitaro

import (
	"encoding/json"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestCoercions(t *testing.T) {
	for _, c := range []struct {
		in   any
		want int64
		ok   bool
	}{
		{json.Number("10"), 10, true}, {"-3", -3, true}, {"10", 10, true},
		{json.Number("1.5"), 0, false}, {"", 0, false},
		{true, 0, false}, {[]any{}, 0, false}, {"99999999999999999999", 0, false},
		// PHP and JavaScript clients write integers as whole floats (§0).
		{json.Number("24.0"), 24, true}, {"24.0", 24, true}, {json.Number("1e2"), 100, true},
		{json.Number("2.4e1"), 24, true}, {json.Number("-5.000"), -5, true}, {json.Number("100e-2"), 1, true},
		{json.Number("-0.0"), 0, true}, {json.Number("0e99999999999999999999"), 0, true},
		{json.Number("9223372036854775807.0"), 9223372036854775807, true},
		{"24.5", 0, false}, {json.Number("24.5"), 0, false}, {json.Number("0.05"), 0, false},
		{json.Number("2.45e1"), 0, false}, {json.Number("1e-1"), 0, false}, {"1e3", 0, false}, {"24.", 0, false},
		{json.Number("9.223372036854775808e18"), 0, false}, {json.Number("1e19"), 0, false},
		{json.Number("1e999999999"), 0, false}, {json.Number("1e-999999999"), 0, false},
		{json.Number("1e9223372036854775807"), 0, false}, {json.Number("1e99999999999999999999"), 0, false},
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
		{`null`, "application/json", true, 0},
		{" null\n", "", true, 0},
		{`null`, "text/plain", true, 0},
		{`nul`, "application/json", false, 0},
		{`null null`, "application/json", false, 0},
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
			proxyIn(v)
		}
	})
}

// FuzzInteger checks asInt against strconv: every integer strconv reads
// is accepted with its value, in both forms; every value asInt accepts is
// the number the text spells (a whole one).
func FuzzInteger(f *testing.F) {
	for _, s := range []string{"0", "-1", "10", "007", "1.0", "1e3", " 1", "9223372036854775808", "2.4e1", "24.5", "1e999999999",
		"-0", "-007", "-", "--1", "999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := asInt(s)
		nn, okn := asInt(json.Number(s))
		// strconv also reads "+5"; JSON has no plus sign and neither does §1.3.
		if m, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "+") && (!ok || n != m || !okn || nn != m) {
			t.Fatalf("asInt(%q) = %d %v / %d %v, strconv says %d", s, n, ok, nn, okn, m)
		}
		// The fast path for plain integers reads what the full grammar reads.
		if p, ok := plainInt(s); ok {
			for _, re := range []*regexp.Regexp{jsonNumberText, wholeText} {
				m := re.FindStringSubmatch(s)
				if m == nil {
					t.Fatalf("plainInt(%q) = %d, but %s refuses it", s, p, re)
				}
				if q, ok := integral(m[1], m[2], m[3], m[4]); !ok || q != p {
					t.Fatalf("plainInt(%q) = %d, integral %d %v", s, p, q, ok)
				}
			}
		}
		for _, c := range []struct {
			n  int64
			ok bool
		}{{n, ok}, {nn, okn}} {
			if !c.ok {
				continue
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f != math.Trunc(f) || math.Abs(f-float64(c.n)) > math.Abs(f)*1e-15 {
				t.Fatalf("asInt(%q) = %d, but the text is %v (%v)", s, c.n, f, err)
			}
		}
	})
}

// FuzzFilePath checks the file editor's paths: an accepted path is
// relative, clean and stays inside the object's folder, and a tree of
// accepted paths can always be built.
func FuzzFilePath(f *testing.F) {
	for _, s := range []string{"index.html", "order/success.html", "../x", "/etc/passwd", "a//b", "a/./b", "C:/x", "a\\b", "\x00", "é/ü.css"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !validPath(p) {
			return
		}
		if path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "\x00") {
			t.Fatalf("accepted %q", p)
		}
		tree("root", []string{p, "index.html"}).object()
	})
}
