package twipla_test

import (
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emulators/twipla"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/seed"
)

// The seeded INTPs and some of their package ids (§3).
const (
	websiteINTP = twipla.DefaultTenant
	accountINTP = twipla.AccountTenant

	pkgFree     = "4cafe689-e1d4-44fb-9d6b-7807d3139a7b"
	pkgTrial    = "0d7e5c1a-6b2f-4f3e-9a8d-1c4b7e2f5a90"
	pkgBasic    = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
	pkgPro      = "471cc1d4-ec27-4504-b7c2-949af95662bc"
	pkgBusiness = "8b1f2d3c-4e5a-4b6c-9d7e-0f1a2b3c4d5e"
	pkgCustom   = "e6a9c8b7-1d2e-4f30-8a4b-5c6d7e8f9a0b"

	accFree  = "2a4c6e80-1b3d-4f5a-8c7e-9d0f1a2b3c4d"
	accBasic = "4c6e8a02-3d5f-4b7c-8e9a-1f2b3c4d5e6f"
	accPro   = "5d7f9b13-4e6a-4c8d-9f0b-2a3c4d5e6f70"
	accCust  = "7f9b1d35-6a8c-4e0f-9b2d-4c5e6f708192"
)

// t0 is where every test freezes the emulator clock.
const t0 = "2031-03-10T12:00:00Z"

// env is a running emulator with a frozen clock the test moves.
type env struct {
	t   testing.TB
	srv *vtest.Server
	now time.Time
}

func newEnv(t testing.TB, cfg ...twipla.Config) *env {
	t.Helper()
	c := twipla.Config{}
	if len(cfg) > 0 {
		c = cfg[0]
	}
	e := &env{t: t, srv: vtest.StartVendors(t, twipla.New(c))}
	e.freeze(t0)
	return e
}

// freeze sets the emulator clock.
func (e *env) freeze(at string) {
	e.t.Helper()
	r := e.srv.Do("POST", "/_emulator/clock", map[string]any{"now": at})
	if r.Status != 200 {
		e.t.Fatalf("freeze clock: %d %s", r.Status, r.Body)
	}
	e.now, _ = time.Parse(time.RFC3339, at)
}

// advance moves the emulator clock on ("720h", "31d").
func (e *env) advance(d string) {
	e.t.Helper()
	r := e.srv.Do("POST", "/_emulator/clock", map[string]any{"advance": d})
	if r.Status != 200 {
		e.t.Fatalf("advance clock: %d %s", r.Status, r.Body)
	}
	var out struct{ Now string }
	_ = json.Unmarshal([]byte(r.Body), &out)
	e.now, _ = time.Parse(time.RFC3339Nano, out.Now)
}

// testKey is the built-in test key, as an INTP's own signer holds it.
func testKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := jwt.ParseRSAPrivateKeyFromPEM(seed.TwiplaTestPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sign signs claims as an INTP's SDK does: RS256 with kid = intpId.
func sign(t testing.TB, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// intpClaims are the claims of a valid INTP token at the env's now.
func (e *env) intpClaims(intpID string) jwt.MapClaims {
	return jwt.MapClaims{"roles": []string{"intp"}, "intp_id": intpID,
		"iat": e.now.Unix(), "exp": e.now.Add(10 * time.Minute).Unix()}
}

// token is a valid INTP token for intpID, signed with the built-in key.
func (e *env) token(intpID string) string {
	return sign(e.t, testKey(e.t), intpID, e.intpClaims(intpID))
}

// as is a client of one INTP.
func (e *env) as(intpID string) *client { return &client{e: e, intp: intpID} }

type client struct {
	e    *env
	intp string
}

// do sends an API request under /twipla with a fresh INTP token.
func (c *client) do(method, path string, body any) vtest.Response {
	c.e.t.Helper()
	return c.e.srv.Do(method, "/twipla"+path, body, "Authorization", "Bearer "+c.e.token(c.intp))
}

// ok sends a request and fails the test unless it answers status.
func (c *client) ok(status int, method, path string, body any) map[string]any {
	c.e.t.Helper()
	r := c.do(method, path, body)
	if r.Status != status {
		c.e.t.Fatalf("%s %s: want %d, got %d %s", method, path, status, r.Status, r.Body)
	}
	if r.Body == "" {
		return nil
	}
	return obj(c.e.t, r.Body)
}

// payload is the "payload" object of a 200/201 answer.
func (c *client) payload(status int, method, path string, body any) map[string]any {
	c.e.t.Helper()
	p, _ := c.ok(status, method, path, body)["payload"].(map[string]any)
	return p
}

func obj(t testing.TB, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, body)
	}
	return m
}

// wantError checks an error answer byte for byte.
func wantError(t testing.TB, r vtest.Response, status int, message, kind string) {
	t.Helper()
	want := `{"status":` + itoa(status) + `,"code":` + itoa(status) + `,"message":` + quote(message) + `,"error":` + quote(kind) + `}`
	if r.Status != status || r.Body != want {
		t.Fatalf("want %d %s\n got %d %s", status, want, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
}

func wantBad(t testing.TB, r vtest.Response, message string) {
	t.Helper()
	wantError(t, r, 400, message, "bad request")
}

// wantMoveError checks the answer to an invalid subscription move by
// default: the real API's 500, its reason in the message.
func wantMoveError(t testing.TB, r vtest.Response, message string) {
	t.Helper()
	wantError(t, r, 500, message, "internal server error")
}

func wantNotFound(t testing.TB, r vtest.Response, what string) {
	t.Helper()
	wantError(t, r, 404, what+" not found", "not found")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// keys lists an object's keys in wire order.
func keysOf(t testing.TB, raw string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var out []string
	for dec.More() {
		k, _ := dec.Token()
		out = append(out, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	return out
}

// customer creates a customer (with a website when wid is not empty) on the
// website-model INTP.
func (c *client) customer(cid, wid string, pkg string) map[string]any {
	c.e.t.Helper()
	body := map[string]any{"intpCustomerId": cid, "email": cid + "@example.com"}
	if wid != "" {
		w := map[string]any{"intpWebsiteId": wid, "domain": wid + ".example.com"}
		if pkg != "" {
			w["packageId"] = pkg
		}
		body["website"] = w
	}
	return c.payload(201, "POST", "/v2/3as/customers", body)
}

// website reads a website.
func (c *client) website(wid string) map[string]any {
	c.e.t.Helper()
	return c.payload(200, "GET", "/v2/3as/websites/"+wid, nil)
}

// tenant creates an INTP through the control plane; it answers the INTP's
// id and its package ids by name.
func (e *env) tenant(body map[string]any) (string, map[string]string) {
	e.t.Helper()
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", body)
	if r.Status != 201 {
		e.t.Fatalf("create tenant: %d %s", r.Status, r.Body)
	}
	ten := obj(e.t, r.Body)
	ids := map[string]string{}
	for _, p := range ten["packages"].([]any) {
		p := p.(map[string]any)
		ids[p["name"].(string)] = p["id"].(string)
	}
	return ten["intpId"].(string), ids
}
