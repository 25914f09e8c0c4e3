package twipla

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxBody bounds an API request body; the largest real body is a website
// with its package, far below this.
const maxBody = 1 << 20

// fields is a JSON object from a request body, read field by field with the
// vendor's validation messages. path is the prefix of nested objects
// ("website.") so that messages name "website.domain".
type fields struct {
	m    map[string]any
	path string
}

// readFields parses a request body as one JSON object whatever its
// Content-Type; an empty body is {}.
func readFields(r *http.Request) (fields, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return fields{}, badRequest("invalid JSON body")
		}
		if len(b) > maxBody {
			return fields{}, badRequest("request body too large")
		}
		body = b
	}
	return parseFields(body)
}

// parseFields is readFields on bytes.
func parseFields(body []byte) (fields, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return fields{m: map[string]any{}}, nil
	}
	v, err := decodeJSON(body)
	if err != nil {
		return fields{}, badRequest("invalid JSON body")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fields{}, badRequest("request body must be a JSON object")
	}
	return fields{m: m}, nil
}

// decodeJSON decodes exactly one JSON value, keeping numbers as json.Number
// so that integers and decimals can be told apart.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func (f fields) name(k string) string { return f.path + k }

// get returns a member; JSON null counts as absent.
func (f fields) get(k string) (any, bool) {
	v, ok := f.m[k]
	if !ok || v == nil {
		return nil, false
	}
	return v, true
}

func (f fields) required(k string) error { return badRequest("%s is required", f.name(k)) }

// optString reads an optional string member.
func (f fields) optString(k string) (string, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, badRequest("%s must be a string", f.name(k))
	}
	return s, true, nil
}

// packageID reads an optional package id (packageId, website.packageId,
// package.id): nil when absent, and also when it is the empty string, which
// the retired Go SDK always sends (§0).
func (f fields) packageID(k string) (*string, error) {
	s, has, err := f.optString(k)
	if err != nil || !has || s == "" {
		return nil, err
	}
	return &s, nil
}

// str reads a required, non-empty string member.
func (f fields) str(k string) (string, error) {
	s, ok, err := f.optString(k)
	if err != nil {
		return "", err
	}
	if !ok || strings.TrimSpace(s) == "" {
		return "", f.required(k)
	}
	return s, nil
}

// name255 reads a required name of 1–255 characters.
func (f fields) name255(k string) (string, error) {
	s, err := f.str(k)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 255 {
		return "", badRequest("%s must be at most 255 characters", f.name(k))
	}
	return s, nil
}

// id reads an INTP-chosen id (intpCustomerId, intpWebsiteId, …): a string of
// 1–255 characters after trimming, without "/" or control characters.
func (f fields) id(k string) (string, error) {
	s, ok, err := f.optString(k)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if !ok || s == "" {
		return "", f.required(k)
	}
	if !validID(s) {
		return "", badRequest("%s must be 1 to 255 characters without \"/\" or control characters", f.name(k))
	}
	return s, nil
}

// validID is the rule for INTP-chosen ids, also applied to path parameters.
func validID(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 255 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '/' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// email reads a required email address.
func (f fields) email(k string) (string, error) {
	s, ok, err := f.optString(k)
	if err != nil {
		return "", err
	}
	if !ok || s == "" {
		return "", f.required(k)
	}
	if !validEmail(s) {
		return "", badRequest("%s must be a valid email address", f.name(k))
	}
	return s, nil
}

// validEmail: at most 254 characters, one "@", a non-empty local part, a
// domain with a dot, no whitespace or control characters.
func validEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) || strings.Count(s, "@") != 1 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	local, domain, _ := strings.Cut(s, "@")
	return local != "" && strings.Contains(domain, ".")
}

// domain reads a required domain and normalises it.
func (f fields) domain(k string, wildcard bool) (string, error) {
	s, ok, err := f.optString(k)
	if err != nil {
		return "", err
	}
	if !ok || strings.TrimSpace(s) == "" {
		return "", f.required(k)
	}
	d, valid := normalizeDomain(s, wildcard)
	if !valid {
		return "", badRequest("invalid domain")
	}
	return d, nil
}

// normalizeDomain trims and lower-cases a domain, strips a scheme and one
// trailing "/", and checks what is left: dot-separated labels of a-z, 0-9,
// "-" and "_" (a dot is not required), optionally after "*." when wildcard.
func normalizeDomain(s string, wildcard bool) (string, bool) {
	d := strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(d, "https://"); ok {
		d = rest
	} else if rest, ok := strings.CutPrefix(d, "http://"); ok {
		d = rest
	}
	d = strings.TrimSuffix(d, "/")
	prefix := ""
	if wildcard && strings.HasPrefix(d, "*.") {
		prefix, d = "*.", d[2:]
	}
	if d == "" || len(d) > 253 {
		return "", false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" {
			return "", false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
				return "", false
			}
		}
	}
	return prefix + d, true
}

// boolean reads an optional boolean member.
func (f fields) boolean(k string, def bool) (bool, error) {
	v, ok := f.get(k)
	if !ok {
		return def, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, badRequest("%s must be a boolean", f.name(k))
	}
	return b, nil
}

// integer reads an optional JSON integer (a decimal or a string is refused).
func (f fields) integer(k string) (int64, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return 0, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false, badRequest("%s must be an integer", f.name(k))
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0, false, badRequest("%s must be an integer", f.name(k))
	}
	return i, true, nil
}

// number reads an optional JSON number.
func (f fields) number(k string) (float64, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return 0, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false, badRequest("%s must be a number", f.name(k))
	}
	x, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false, badRequest("%s must be a number", f.name(k))
	}
	return x, true, nil
}

// object reads an optional nested object.
func (f fields) object(k string) (fields, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return fields{}, false, nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return fields{}, false, badRequest("%s must be an object", f.name(k))
	}
	return fields{m: m, path: f.name(k) + "."}, true, nil
}

// strings reads an optional array of strings.
func (f fields) strings(k string) ([]string, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return nil, false, nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, false, badRequest("%s must be an array of strings", f.name(k))
	}
	out := make([]string, 0, len(arr))
	for _, it := range arr {
		s, isStr := it.(string)
		if !isStr {
			return nil, false, badRequest("%s must be an array of strings", f.name(k))
		}
		out = append(out, s)
	}
	return out, true, nil
}

// time reads an optional RFC 3339 date-time, in UTC, truncated to seconds.
func (f fields) time(k string) (time.Time, bool, error) {
	v, ok := f.get(k)
	if !ok {
		return time.Time{}, false, nil
	}
	s, isStr := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if !isStr || err != nil || t.UTC().Year() < minYear || t.UTC().Year() > maxYear {
		return time.Time{}, false, badRequest("%s must be an RFC 3339 date-time", f.name(k))
	}
	return t.UTC().Truncate(time.Second), true, nil
}

// The years a date-time in a request may name: periods are added to it, and
// the stored text form must stay four digits.
const (
	minYear = 1
	maxYear = 9000
)

// oneOf checks a required enumerated string member.
func (f fields) oneOf(k string, allowed ...string) (string, error) {
	s, ok, err := f.optString(k)
	if err != nil {
		return "", err
	}
	if !ok || s == "" {
		return "", f.required(k)
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", badRequest("%s must be one of %s", f.name(k), strings.Join(allowed, ", "))
}
