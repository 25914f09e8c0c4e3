// Package form reads form fields the way vendors' PHP back ends do: from the
// query string and from url-encoded or multipart bodies, in order, keeping
// every occurrence, and never failing a whole request because one pair is
// broken.
package form

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// Pair is one name=value occurrence.
type Pair struct {
	Name  string
	Value string
}

// Values are the pairs of a query string or body, in the order sent.
type Values []Pair

// First returns the value of the first occurrence of name.
func (v Values) First(name string) (string, bool) {
	for _, p := range v {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// Last returns the value of the last occurrence of name (PHP's rule).
func (v Values) Last(name string) (string, bool) {
	for i := len(v) - 1; i >= 0; i-- {
		if v[i].Name == name {
			return v[i].Value, true
		}
	}
	return "", false
}

// All returns every value of name, in order.
func (v Values) All(name string) []string {
	var out []string
	for _, p := range v {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

// ParseQuery splits a raw query string (or url-encoded body) into pairs.
// "+" is a space and %XX escapes are decoded; a pair whose name or value
// cannot be decoded is dropped, the others are kept. Empty pieces ("a=1&&b=2")
// are skipped; a piece without "=" is a name with an empty value.
func ParseQuery(raw string) Values {
	var out Values
	for raw != "" {
		var piece string
		piece, raw, _ = strings.Cut(raw, "&")
		if piece == "" {
			continue
		}
		name, value, _ := strings.Cut(piece, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, Pair{n, v})
	}
	return out
}

// ErrUnreadable is returned for a body of a form type that cannot be parsed
// (a broken multipart body).
var ErrUnreadable = errors.New("form: unreadable body")

// MediaType is the request's content type without parameters, lower-cased,
// or "" when there is none or it cannot be parsed.
func MediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// ReadBody reads at most limit bytes of the request body (the rest is left
// unread and ignored) and puts them back, so the body can be read again.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit))
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// ParseBody reads the body's fields when it is application/x-www-form-urlencoded
// or multipart/form-data (file parts are skipped). Other content types have
// no fields. A multipart body that breaks off gives the fields read so far
// and ErrUnreadable.
func ParseBody(r *http.Request, limit int64) (Values, error) {
	mt := MediaType(r)
	if mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data" {
		return nil, nil
	}
	body, err := ReadBody(r, limit)
	if err != nil {
		return nil, ErrUnreadable
	}
	if mt == "application/x-www-form-urlencoded" {
		return ParseQuery(string(body)), nil
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return nil, ErrUnreadable
	}
	return parseMultipart(body, params["boundary"])
}

func parseMultipart(body []byte, boundary string) (Values, error) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var out Values
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, ErrUnreadable
		}
		name := part.FormName()
		if name == "" || part.FileName() != "" {
			part.Close()
			continue
		}
		v, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return out, ErrUnreadable
		}
		out = append(out, Pair{name, string(v)})
	}
}
