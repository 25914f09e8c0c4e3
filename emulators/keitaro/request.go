package keitaro

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/form"
)

// maxBody bounds an Admin API request body; a longer one cannot be a body
// the tracker accepts and is answered as invalid JSON.
const maxBody = 8 << 20

// params are a request's parameters: the JSON (or form) body, and for GET
// and DELETE the query string on top of it (§1.2). Values are what
// encoding/json gives with UseNumber: string, json.Number, bool, nil,
// []any, map[string]any.
type params map[string]any

// parseParams reads the parameters of r, or reports that the body is not
// one the tracker accepts (400 Invalid JSON).
func parseParams(r *http.Request) (params, bool) {
	body, err := form.ReadBody(r, maxBody+1)
	if err != nil || len(body) > maxBody {
		return nil, false
	}
	mt := form.MediaType(r)
	var p params
	var ok bool
	if isNull(body) {
		// A widely used Python client sends json.dumps(None) on every call
		// without parameters, whatever the Content-Type (§0, §1.2).
		p, ok = params{}, true
	} else if mt == "multipart/form-data" && !looksLikeJSON(body) {
		p, ok = multipartParams(r)
	} else {
		p, ok = parseBody(body, mt)
	}
	if !ok {
		return nil, false
	}
	if r.Method == http.MethodGet || r.Method == http.MethodDelete {
		setQuery(p, r.URL.RawQuery)
	}
	return p, true
}

// setQuery puts the query string's parameters over the body's, read the
// way PHP reads them: a plain name's last occurrence wins, "a[]" makes a
// list a, "a[k]" sets key k of an object a (report ranges and columns
// travel so on GET routes, §1.2).
func setQuery(p params, raw string) {
	fromQuery := map[string]bool{}
	for _, pair := range form.ParseQuery(raw) {
		name, key, nested := strings.Cut(pair.Name, "[")
		if !nested || name == "" || !strings.HasSuffix(key, "]") || strings.ContainsAny(key[:len(key)-1], "[]") {
			p[pair.Name] = pair.Value
			continue
		}
		key = key[:len(key)-1]
		if !fromQuery[name] {
			delete(p, name) // the query string replaces the body's value
			fromQuery[name] = true
		}
		if key == "" {
			list, _ := p[name].([]any)
			p[name] = append(list, pair.Value)
			continue
		}
		m, ok := p[name].(map[string]any)
		if !ok {
			m = map[string]any{}
			p[name] = m
		}
		m[key] = pair.Value
	}
}

// parseBody applies the rules of §1.2 to a JSON or url-encoded body: an
// empty body and the JSON literal null are {}, a body that looks like JSON (or says it is) is JSON
// whatever its Content-Type, a form body is a form of strings, anything else
// is invalid.
func parseBody(body []byte, mediaType string) (params, bool) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0 || isNull(trimmed):
		return params{}, true
	case looksLikeJSON(trimmed) || mediaType == "application/json":
		return decodeJSONObject(trimmed)
	case mediaType == "application/x-www-form-urlencoded":
		p := params{}
		for _, pair := range form.ParseQuery(string(body)) {
			p[pair.Name] = pair.Value
		}
		return p, true
	}
	return nil, false
}

// isNull reports a body that is the JSON literal null, spaces around it
// allowed.
func isNull(body []byte) bool { return string(bytes.TrimSpace(body)) == "null" }

func looksLikeJSON(body []byte) bool {
	t := bytes.TrimSpace(body)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// decodeJSONObject decodes exactly one JSON object.
func decodeJSONObject(b []byte) (params, bool) {
	v, ok := decodeJSONValue(b)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return params(m), true
}

// decodeJSONValue decodes exactly one JSON value, numbers as json.Number.
func decodeJSONValue(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if len(bytes.TrimSpace(b[dec.InputOffset():])) > 0 {
		return nil, false // something follows the value
	}
	return v, true
}

// multipartParams reads a multipart/form-data body; every field is a string.
func multipartParams(r *http.Request) (params, bool) {
	vals, err := form.ParseBody(r, maxBody)
	if err != nil {
		return nil, false
	}
	p := params{}
	for _, pair := range vals {
		p[pair.Name] = pair.Value
	}
	return p, true
}

// present reports whether name was sent with a value other than null.
func (p params) present(name string) bool {
	v, ok := p[name]
	return ok && v != nil
}

// The coercions of §1.3. Each returns the value in its stored form and false
// when the JSON type (or text) is not one the declared type accepts.

var (
	intText     = regexp.MustCompile(`^-?[0-9]+$`)
	decimalText = regexp.MustCompile(`^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
)

// asString accepts a string, or a number as its shortest decimal text.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		if intText.MatchString(x.String()) {
			return x.String(), true
		}
		f, err := x.Float64()
		if err != nil {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

// asInt accepts a JSON integer or a string of digits, and — as PHP and
// JavaScript clients send integers — a JSON number or a decimal string
// whose fraction is zero ("24.0", 2.4e1). A real fraction is refused.
func asInt(v any) (int64, bool) {
	var m []string
	switch x := v.(type) {
	case json.Number:
		if n, ok := plainInt(string(x)); ok {
			return n, true
		}
		m = jsonNumberText.FindStringSubmatch(x.String())
	case string:
		if n, ok := plainInt(x); ok {
			return n, true
		}
		m = wholeText.FindStringSubmatch(x)
	}
	if m == nil {
		return 0, false
	}
	return integral(m[1], m[2], m[3], m[4])
}

// plainInt reads the common case of asInt without a regular expression:
// an optional minus and at most 18 digits, which always fit an int64.
func plainInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 18 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

var (
	// jsonNumberText is a JSON number: sign, digits, fraction, exponent.
	jsonNumberText = regexp.MustCompile(`^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$`)
	// wholeText is an integer as a string, possibly written with a fraction.
	wholeText = regexp.MustCompile(`^(-?)([0-9]+)(?:\.([0-9]+))?()$`)
)

// integral is the int64 that sign, digits, fraction and exponent spell
// exactly, without ever building a huge number (an exponent of a billion
// must not cost memory): false when the value has a fraction or does not
// fit.
func integral(sign, whole, frac, exp string) (int64, bool) {
	digits := strings.TrimLeft(whole+frac, "0")
	shift := -len(frac) // the value is digits × 10^shift
	if exp != "" {
		e, err := strconv.Atoi(exp)
		if err != nil || e > 1<<20 || e < -1<<20 {
			return 0, digits == "" // only a zero stays whole (and small) so far out
		}
		shift += e
	}
	if digits == "" {
		return 0, true
	}
	if shift < 0 {
		if -shift > len(digits) || strings.Trim(digits[len(digits)+shift:], "0") != "" {
			return 0, false // a real fraction
		}
		digits = digits[:len(digits)+shift]
	} else {
		if shift > 19 || len(digits)+shift > 19 {
			return 0, false // beyond int64
		}
		digits += strings.Repeat("0", shift)
	}
	n, err := strconv.ParseInt(sign+digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// asNullInt is asInt plus null, "" and 0, which all mean "none" (nil).
func asNullInt(v any) (any, bool) {
	if v == nil || v == "" {
		return nil, true
	}
	n, ok := asInt(v)
	if !ok {
		return nil, false
	}
	if n == 0 {
		return nil, true
	}
	return n, true
}

// asDecimal accepts a JSON number or a decimal string.
func asDecimal(v any) (float64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
		if !decimalText.MatchString(s) {
			return 0, false
		}
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// asBool accepts true/false, 1/0, "1"/"0" and "true"/"false".
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case string:
		switch strings.ToLower(x) {
		case "1", "true":
			return true, true
		case "0", "false":
			return false, true
		}
	}
	return false, false
}

// maxMoney bounds money and costs: the tracker stores them as DECIMAL with
// four decimals, which holds nothing bigger, and sums of bounded values
// cannot overflow into a number JSON cannot carry.
const maxMoney = 1e12

// asMoney is a decimal within ±maxMoney, rounded to the tracker's four
// decimals; anything else is not money the tracker can store.
func asMoney(v any) (float64, bool) {
	f, ok := asDecimal(v)
	if !ok {
		return 0, false
	}
	f = round4(f) + 0 // + 0: -0 is 0
	if math.Abs(f) > maxMoney {
		return 0, false
	}
	return f, true
}

// round4 keeps the four decimals the tracker stores money with.
func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
