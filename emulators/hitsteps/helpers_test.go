package hitsteps_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators/hitsteps"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

const (
	// sampleToken is the document's token, pre-issued to main account 1234.
	sampleToken = "b91267234abc2354b2324c134ad3454f2c"
	api         = "/hitsteps/api/whitelabel/"
	formType    = "application/x-www-form-urlencoded"
)

func start(t testing.TB) *vtest.Server {
	t.Helper()
	return vtest.StartVendors(t, hitsteps.New(hitsteps.Config{}))
}

// encode url-encodes alternating names and values, in order.
func encode(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// call POSTs the fields url-encoded to an operation.
func call(srv *vtest.Server, op string, kv ...string) vtest.Response {
	return srv.Do("POST", api+op, encode(kv...), "Content-Type", formType)
}

// callMultipart POSTs the fields as multipart/form-data.
func callMultipart(t testing.TB, srv *vtest.Server, op string, kv ...string) vtest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := w.WriteField(kv[i], kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	return srv.Do("POST", api+op, buf.Bytes(), "Content-Type", w.FormDataContentType())
}

// wl calls an operation as the default tenant on one of its whitelabels.
func wl(srv *vtest.Server, op, whitelabel string, kv ...string) vtest.Response {
	return call(srv, op, append([]string{"token", sampleToken, "whitelabel_id", whitelabel}, kv...)...)
}

// want asserts an answer byte for byte: HTTP 200, JSON, exactly body.
func want(t testing.TB, r vtest.Response, body string) {
	t.Helper()
	if r.Status != 200 {
		t.Errorf("status %d, want 200 (body %s)", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if r.Body != body {
		t.Errorf("body\n got %s\nwant %s", r.Body, body)
	}
}

// wantErr asserts Hitsteps' error envelope with HTTP 200.
func wantErr(t testing.TB, r vtest.Response, code int, msg string) {
	t.Helper()
	want(t, r, fmt.Sprintf(`{"error":%d,"msg":"%s"}`, code, msg))
}

// decode reads an answer object keeping numbers as json.Number, so that
// tests can tell "12" from 12.
func decode(t testing.TB, r vtest.Response) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// str is a string field of an answer; it fails the test for any other type.
func str(t testing.TB, r vtest.Response, key string) string {
	t.Helper()
	v, ok := decode(t, r)[key].(string)
	if !ok {
		t.Fatalf("%s is not a string in %s", key, r.Body)
	}
	return v
}

// num is a number field of an answer; it fails the test for any other type.
func num(t testing.TB, r vtest.Response, key string) int64 {
	t.Helper()
	v, ok := decode(t, r)[key].(json.Number)
	if !ok {
		t.Fatalf("%s is not a number in %s", key, r.Body)
	}
	n, err := v.Int64()
	if err != nil {
		t.Fatalf("%s is not an integer in %s", key, r.Body)
	}
	return n
}

// setClock freezes the emulator clock at an instant and returns it.
func setClock(t testing.TB, srv *vtest.Server, at string) time.Time {
	t.Helper()
	r := srv.Do("POST", "/_emulator/clock", map[string]any{"now": at})
	if r.Status != 200 {
		t.Fatalf("set clock: %d %s", r.Status, r.Body)
	}
	tm, _ := time.Parse(time.RFC3339, at)
	return tm
}

// advance moves the frozen clock on ("36h", "30d").
func advance(t testing.TB, srv *vtest.Server, d string) {
	t.Helper()
	if r := srv.Do("POST", "/_emulator/clock", map[string]any{"advance": d}); r.Status != 200 {
		t.Fatalf("advance clock: %d %s", r.Status, r.Body)
	}
}

// control sends a control-plane request and checks its status.
func control(t testing.TB, srv *vtest.Server, method, path string, body any, status int) vtest.Response {
	t.Helper()
	r := srv.Do(method, "/_emulator/"+path, body)
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	return r
}

// tenant is a created main account.
type tenant struct {
	Username     string  `json:"username"`
	Password     string  `json:"password"`
	MainAccount  string  `json:"main_account"`
	Token        string  `json:"token"`
	WhitelabelID []int64 `json:"whitelabel_ids"`
}

func newTenant(t testing.TB, srv *vtest.Server, body any) tenant {
	t.Helper()
	r := control(t, srv, "POST", "hitsteps/tenants", body, 201)
	var tn tenant
	if err := json.Unmarshal([]byte(r.Body), &tn); err != nil {
		t.Fatal(err)
	}
	return tn
}

// as calls an operation as tenant tn on whitelabel id.
func (tn tenant) call(srv *vtest.Server, op string, whitelabel int64, kv ...string) vtest.Response {
	return call(srv, op, append([]string{"token", tn.Token, "whitelabel_id", fmt.Sprint(whitelabel)}, kv...)...)
}
