package keitaro_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// docNow is the instant the document's write examples were made at.
const docNow = "2017-06-01T13:40:00Z"

// api talks to the Admin API of a test server with one API key.
type api struct {
	t   *testing.T
	srv *vtest.Server
	key string
}

// start runs a keitaro-only server with the clock frozen at docNow.
func start(t *testing.T, cfg keitaro.Config) *api {
	t.Helper()
	srv := vtest.StartVendors(t, keitaro.New(cfg))
	if r := srv.Do("POST", "/_emulator/clock", map[string]any{"now": docNow}); r.Status != 200 {
		t.Fatalf("freeze clock: %d %s", r.Status, r.Body)
	}
	return &api{t: t, srv: srv, key: keitaro.DefaultTenant}
}

// as is the same server seen with another API key.
func (a *api) as(key string) *api { return &api{t: a.t, srv: a.srv, key: key} }

// do sends a request to /keitaro/admin_api/v1<path> with the API key.
func (a *api) do(method, path string, body any, headers ...string) vtest.Response {
	a.t.Helper()
	h := append([]string{"Api-Key", a.key}, headers...)
	return a.srv.Do(method, "/keitaro/admin_api/v1"+path, body, h...)
}

// newTenant creates a tenant through the control plane and returns its
// API key.
func (a *api) newTenant(body map[string]any) string {
	a.t.Helper()
	var b any
	if body != nil {
		b = body
	}
	r := a.srv.Do("POST", "/_emulator/keitaro/tenants", b)
	if r.Status != 201 {
		a.t.Fatalf("create tenant: %d %s", r.Status, r.Body)
	}
	var out struct{ APIKey string }
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		a.t.Fatal(err)
	}
	return out.APIKey
}

// advance moves the frozen clock on.
func (a *api) advance(d string) {
	a.t.Helper()
	if r := a.srv.Do("POST", "/_emulator/clock", map[string]any{"advance": d}); r.Status != 200 {
		a.t.Fatalf("advance clock: %d %s", r.Status, r.Body)
	}
}

// expect checks the status and the exact body (compact JSON; whitespace
// in want is ignored outside strings).
func expect(t *testing.T, r vtest.Response, status int, want string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	if w := compact(t, want); r.Body != w {
		t.Fatalf("body\n got %s\nwant %s", r.Body, w)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
}

// expectStatus checks only the status.
func expectStatus(t *testing.T, r vtest.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("bad expected JSON %s: %v", s, err)
	}
	return b.String()
}

// object decodes a JSON object answer (numbers stay json.Number, so that
// "12" and 12 differ).
func object(t *testing.T, r vtest.Response) map[string]any {
	t.Helper()
	var m map[string]any
	decode(t, r, &m)
	return m
}

// list decodes a JSON array answer of objects.
func list(t *testing.T, r vtest.Response) []map[string]any {
	t.Helper()
	var l []map[string]any
	decode(t, r, &l)
	return l
}

func decode(t *testing.T, r vtest.Response, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("answer %d is not the expected JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// num is a JSON number as the test expects to see it.
func num(s string) json.Number { return json.Number(s) }

// field asserts one value of a decoded object, JSON type included.
func field(t *testing.T, m map[string]any, key string, want any) {
	t.Helper()
	got, ok := m[key]
	if !ok {
		t.Fatalf("no key %q in %v", key, m)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("%s = %s, want %s", key, gj, wj)
	}
}

// one decodes an answer that must be a list of exactly one object (the
// "[x]" of the dialect table) and returns that object.
func one(t *testing.T, r vtest.Response) map[string]any {
	t.Helper()
	l := list(t, r)
	if len(l) != 1 {
		t.Fatalf("want a list of one object, got %d: %s", len(l), r.Body)
	}
	return l[0]
}

// ids lists the "id" of each object.
func ids(l []map[string]any) []string {
	out := make([]string, len(l))
	for i, m := range l {
		out[i] = string(m["id"].(json.Number))
	}
	return out
}

// sprintf fills %s placeholders of an expected answer.
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
