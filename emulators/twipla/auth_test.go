package twipla_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/twipla"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/server"
)

const companyPath = "/twipla/v2/3as/company-details"

// wantToken checks a 401 of the JWT verification.
func wantToken(t *testing.T, e *env, authorization, message string) {
	t.Helper()
	wantError(t, e.srv.Do("GET", companyPath, nil, "Authorization", authorization), 401, message, "invalid access token")
}

func TestCompanyDetails(t *testing.T) {
	e := newEnv(t)
	r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+e.token(websiteINTP))
	want := `{"payload":{"id":"7128840a-5347-49a4-8dfa-9022d8dad21a","name":"TWIPLA Demo Partner (website subscriptions)",` +
		`"address":"1 Example Street, 10115 Berlin, Germany","createdAt":"2023-08-22T08:14:03Z",` +
		`"billingMode":"company_managed","subscriptionType":"website","websiteOnboarding":false}}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+e.token(accountINTP))
	want = `{"payload":{"id":"c3a7f1e2-9b4d-4e6a-8f2c-5d1b0a9e7c34","name":"TWIPLA Demo Partner (account subscriptions)",` +
		`"address":"1 Example Street, 10115 Berlin, Germany","createdAt":"2023-08-22T08:14:03Z",` +
		`"billingMode":"platform_managed","subscriptionType":"intpc","websiteOnboarding":false}}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func TestAuthorizationHeader(t *testing.T) {
	e := newEnv(t)
	tok := e.token(websiteINTP)
	wantError(t, e.srv.Do("GET", companyPath, nil), 401, "missing access token", "invalid access token")
	wantToken(t, e, "   ", "missing access token")
	wantToken(t, e, "Basic "+tok, "malformed authorization header")
	wantToken(t, e, "Bearer", "malformed authorization header")
	wantToken(t, e, tok, "malformed authorization header")
	for _, ok := range []string{"Bearer " + tok, "bearer " + tok, "BEARER " + tok, "  Bearer   " + tok + "  ", "Bearer\t" + tok} {
		if r := e.srv.Do("GET", companyPath, nil, "Authorization", ok); r.Status != 200 {
			t.Fatalf("%q: %d %s", ok, r.Status, r.Body)
		}
	}
	// The document's own header.
	if r := e.srv.Do("GET", companyPath, nil, "authentication", "bearer "+tok); r.Status != 200 {
		t.Fatalf("Authentication header: %d %s", r.Status, r.Body)
	}
	// Authorization wins when both are sent.
	r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer x.y.z", "Authentication", "Bearer "+tok)
	wantError(t, r, 401, "malformed token", "invalid access token")
	// The same token works any number of times.
	for i := 0; i < 3; i++ {
		if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+tok); r.Status != 200 {
			t.Fatalf("reuse %d: %d", i, r.Status)
		}
	}
}

// raw builds a token from JSON header and claims with the given signature.
func raw(header, claims string, sig []byte) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString(sig)
}

func TestTokenAttacks(t *testing.T) {
	e := newEnv(t)
	key := testKey(t)
	good := e.token(websiteINTP)
	parts := strings.Split(good, ".")
	claims := e.intpClaims(websiteINTP)

	malformed := []string{"abc", "a.b", "a.b.c.d", "!!!.e30.", "e30.!!!.", "e30.e30.!!!",
		raw(`[1]`, `{}`, nil), raw(`{}`, `"x"`, nil), raw(`{"alg":"RS256"`, `{}`, nil), parts[0] + "." + parts[1]}
	for _, m := range malformed {
		wantToken(t, e, "Bearer "+m, "malformed token")
	}

	// alg none, unsigned.
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims)
	none.Header["kid"] = websiteINTP
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	wantToken(t, e, "Bearer "+noneTok, "unsupported signing algorithm")
	wantToken(t, e, "Bearer "+raw(`{"alg":"none","kid":"`+websiteINTP+`"}`, `{}`, nil), "unsupported signing algorithm")
	wantToken(t, e, "Bearer "+raw(`{"alg":"rs256","kid":"`+websiteINTP+`"}`, `{}`, nil), "unsupported signing algorithm")
	wantToken(t, e, "Bearer "+raw(`{"kid":"`+websiteINTP+`"}`, `{}`, nil), "unsupported signing algorithm")

	// HS256 with the INTP's public key as the HMAC secret (key confusion).
	for _, secret := range [][]byte{seed.TwiplaTestPublicKeyPEM, []byte(strings.TrimSpace(string(seed.TwiplaTestPublicKeyPEM)))} {
		hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		hs.Header["kid"] = websiteINTP
		hsTok, _ := hs.SignedString(secret)
		wantToken(t, e, "Bearer "+hsTok, "unsupported signing algorithm")
	}

	// Other asymmetric algorithms, even with the right key.
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodRS384, jwt.SigningMethodRS512, jwt.SigningMethodPS256} {
		tk := jwt.NewWithClaims(m, claims)
		tk.Header["kid"] = websiteINTP
		s, _ := tk.SignedString(key)
		wantToken(t, e, "Bearer "+s, "unsupported signing algorithm")
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	es := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	es.Header["kid"] = websiteINTP
	esTok, _ := es.SignedString(ec)
	wantToken(t, e, "Bearer "+esTok, "unsupported signing algorithm")

	// kid: missing, not a string, unknown.
	noKid := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	noKidTok, _ := noKid.SignedString(key)
	wantToken(t, e, "Bearer "+noKidTok, "unknown key id")
	wantToken(t, e, "Bearer "+raw(`{"alg":"RS256","kid":7}`, `{}`, nil), "unknown key id")
	wantToken(t, e, "Bearer "+sign(t, key, "00000000-0000-4000-8000-000000000000", e.intpClaims("00000000-0000-4000-8000-000000000000")), "unknown key id")

	// Signed by another key.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	wantToken(t, e, "Bearer "+sign(t, other, websiteINTP, claims), "invalid signature")
	// Tampered payload: roles or intp_id changed after signing.
	for _, c := range []string{`{"roles":["intp","admin"],"intp_id":"` + websiteINTP + `","iat":1,"exp":9999999999}`,
		`{"roles":["intp"],"intp_id":"` + accountINTP + `","iat":1,"exp":9999999999}`} {
		wantToken(t, e, "Bearer "+parts[0]+"."+base64.RawURLEncoding.EncodeToString([]byte(c))+"."+parts[2], "invalid signature")
	}
	// Signature bytes flipped, truncated, missing.
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[10] ^= 1
	wantToken(t, e, "Bearer "+parts[0]+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString(sig), "invalid signature")
	wantToken(t, e, "Bearer "+parts[0]+"."+parts[1]+"."+parts[2][:40], "invalid signature")
	wantToken(t, e, "Bearer "+parts[0]+"."+parts[1]+".", "invalid signature")

	// kid of one INTP, intp_id of another (both on the built-in key).
	wantToken(t, e, "Bearer "+sign(t, key, websiteINTP, e.intpClaims(accountINTP)), "intp_id does not match kid")
	missing := e.intpClaims(websiteINTP)
	delete(missing, "intp_id")
	wantToken(t, e, "Bearer "+sign(t, key, websiteINTP, missing), "intp_id does not match kid")

	// exp and iat.
	for name, mutate := range map[string]func(jwt.MapClaims){
		"missing or invalid exp claim": func(c jwt.MapClaims) { delete(c, "exp") },
		"missing or invalid iat claim": func(c jwt.MapClaims) { c["iat"] = "1700000000" },
	} {
		c := e.intpClaims(websiteINTP)
		mutate(c)
		wantToken(t, e, "Bearer "+sign(t, key, websiteINTP, c), name)
	}
	c := e.intpClaims(websiteINTP)
	c["exp"] = "soon"
	wantToken(t, e, "Bearer "+sign(t, key, websiteINTP, c), "missing or invalid exp claim")
}

func TestTokenTimes(t *testing.T) {
	e := newEnv(t)
	key := testKey(t)
	now := e.now.Unix()
	at := func(iat, exp any, extra ...any) string {
		c := jwt.MapClaims{"roles": []string{"intp"}, "intp_id": websiteINTP, "iat": iat, "exp": exp}
		for i := 0; i+1 < len(extra); i += 2 {
			c[extra[i].(string)] = extra[i+1]
		}
		return "Bearer " + sign(t, key, websiteINTP, c)
	}
	accepted := []string{
		at(now, now+600),
		at(float64(now)+0.123456, float64(now)+600.654321), // the PHP SDK's decimals
		at(now-3600, now-59), // inside the 60 s leeway
		at(now+59, now+600),
		at(now, now+600, "nbf", now+59),
		at(now, now+600, "typ", "jwt", "iss", "twipla-3as-go-sdk", "intpc_id", nil),
	}
	for i, h := range accepted {
		if r := e.srv.Do("GET", companyPath, nil, "Authorization", h); r.Status != 200 {
			t.Fatalf("accepted[%d]: %d %s", i, r.Status, r.Body)
		}
	}
	wantToken(t, e, at(now-3600, now-61), "token expired")
	wantToken(t, e, at(now+61, now+600), "token issued in the future")
	wantToken(t, e, at(now, now+600, "nbf", now+120), "token not yet valid")
	wantToken(t, e, at(now, now+600, "nbf", "later"), "token not yet valid")

	// A token expires by the emulator clock.
	h := at(now, now+600)
	e.advance("11m1s") // exp + 60 s leeway + 1 s
	wantToken(t, e, h, "token expired")
	e.advance("-10m")
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", h); r.Status != 200 {
		t.Fatalf("back in time: %d", r.Status)
	}
}

func TestIgnoreExpiry(t *testing.T) {
	e := newEnv(t, twipla.Config{IgnoreExpiry: true})
	now := e.now.Unix()
	key := testKey(t)
	old := sign(t, key, websiteINTP, jwt.MapClaims{"roles": []string{"intp"}, "intp_id": websiteINTP, "iat": now - 86400, "exp": now - 86000})
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+old); r.Status != 200 {
		t.Fatalf("expired token with IgnoreExpiry: %d %s", r.Status, r.Body)
	}
	// Everything else still applies.
	future := sign(t, key, websiteINTP, jwt.MapClaims{"roles": []string{"intp"}, "intp_id": websiteINTP, "iat": now + 3600, "exp": now + 7200})
	wantToken(t, e, "Bearer "+future, "token issued in the future")
	noExp := sign(t, key, websiteINTP, jwt.MapClaims{"roles": []string{"intp"}, "intp_id": websiteINTP, "iat": now})
	wantToken(t, e, "Bearer "+noExp, "missing or invalid exp claim")
}

func TestRoles(t *testing.T) {
	e := newEnv(t)
	key := testKey(t)
	for _, roles := range []any{[]string{"intpc"}, nil, "intp", []string{}, []any{1}} {
		c := e.intpClaims(websiteINTP)
		if roles == nil {
			delete(c, "roles")
		} else {
			c["roles"] = roles
		}
		r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+sign(t, key, websiteINTP, c))
		if r.Status != 403 || r.Body != `{"status":403,"code":403,"message":"insufficient role","error":"forbidden"}` {
			t.Fatalf("roles %v: %d %s", roles, r.Status, r.Body)
		}
	}
	c := e.intpClaims(websiteINTP)
	c["roles"] = []string{"intpc", "intp"}
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+sign(t, key, websiteINTP, c)); r.Status != 200 {
		t.Fatalf("both roles: %d", r.Status)
	}
}

func TestUnknownRoutesAnswerBeforeAuth(t *testing.T) {
	e := newEnv(t)
	for _, rq := range [][2]string{{"GET", "/twipla/v2/3as/nothing"}, {"PUT", "/twipla/v2/3as/customers"},
		{"DELETE", "/twipla/v2/3as/packages/x"}, {"POST", "/twipla/v3/3as/website-subscriptions/reactivate"},
		{"GET", "/twipla/"}} {
		wantError(t, e.srv.Do(rq[0], rq[1], nil), 404, "route not found", "not found")
	}
	// Trailing slash: the route answers directly.
	r := e.srv.Do("GET", companyPath+"/", nil, "Authorization", "Bearer "+e.token(websiteINTP))
	if r.Status != 200 {
		t.Fatalf("trailing slash: %d %s", r.Status, r.Body)
	}
}

// pemOf is the PKIX PEM of a public key.
func pemOf(t *testing.T, k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

var ownKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// A tenant's own key verifies its tokens and only its tokens; data is
// isolated by INTP.
func TestOwnKeyAndIsolation(t *testing.T) {
	e := newEnv(t)
	own := ownKey()
	const b = "11111111-2222-4333-8444-555555555555"
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"intpId": b, "publicKey": pemOf(t, &own.PublicKey)})
	if r.Status != 201 || strings.Contains(r.Body, "privateKey") {
		t.Fatalf("create tenant: %d %s", r.Status, r.Body)
	}
	mine := func(key *rsa.PrivateKey, kid string) string {
		c := e.intpClaims(b)
		return "Bearer " + sign(t, key, kid, c)
	}
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", mine(own, b)); r.Status != 200 {
		t.Fatalf("own key: %d %s", r.Status, r.Body)
	}
	// The built-in key no longer opens this INTP; its key opens no other.
	wantToken(t, e, mine(testKey(t), b), "invalid signature")
	wantToken(t, e, "Bearer "+sign(t, own, websiteINTP, e.intpClaims(websiteINTP)), "invalid signature")

	a := e.as(websiteINTP)
	a.customer("shared-id", "w-a", "")
	get := func(path string) int {
		return e.srv.Do("GET", "/twipla"+path, nil, "Authorization", mine(own, b)).Status
	}
	list := e.srv.Do("GET", "/twipla/v2/3as/customers?page=0&pageSize=10", nil, "Authorization", mine(own, b))
	if list.Body != `{"payload":[],"meta":{"page":0,"pageSize":10,"pageTotal":0,"total":0}}` {
		t.Fatalf("B sees A's customers: %s", list.Body)
	}
	for _, p := range []string{"/v2/3as/customers/shared-id", "/v2/3as/websites/w-a", "/v3/3as/websites/w-a/contributors",
		"/v2/3as/websites/w-a/api-keys", "/v2/3as/packages/" + pkgPro} {
		if st := get(p); st != 404 {
			t.Fatalf("B reads A's %s: %d", p, st)
		}
	}
	internalID := a.website("w-a")["id"].(string)
	if st := get("/v2/3as/internal/websites/" + internalID); st != 404 {
		t.Fatalf("B reads A's website by TWIPLA id: %d", st)
	}
	// The same ids can exist in both INTPs.
	r = e.srv.Do("POST", "/twipla/v2/3as/customers", map[string]any{"intpCustomerId": "shared-id", "email": "shared-id@example.com",
		"website": map[string]any{"intpWebsiteId": "w-a", "domain": "b.example.com"}}, "Authorization", mine(own, b))
	if r.Status != 201 {
		t.Fatalf("B's own shared-id: %d %s", r.Status, r.Body)
	}
	if a.website("w-a")["domain"] != "w-a.example.com" {
		t.Fatal("A's website changed")
	}
	// Minting is only for tenants on the built-in key.
	r = e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": b})
	if r.Status != 400 || r.Body != `{"error":"tenant has its own public key; sign tokens with its private key"}` {
		t.Fatalf("mint for own key: %d %s", r.Status, r.Body)
	}
	// The journal names the INTP of each request.
	j := e.srv.Do("GET", "/_emulator/requests?vendor=twipla&tenant="+b, nil)
	if !strings.Contains(j.Body, `"tenant":"`+b+`"`) {
		t.Fatalf("journal: %s", j.Body)
	}
}

func TestTenantKeyValidation(t *testing.T) {
	e := newEnv(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDer, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&ownKey().PublicKey)}))
	for key, msg := range map[string]string{
		"not a key":                "publicKey must be a PEM block",
		pemOf(t, &small.PublicKey): "publicKey must be an RSA key of at least 2048 bits",
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDer})): "publicKey must be an RSA key",
		string(seed.TwiplaTestPrivateKeyPEM):                                     `publicKey must be a "PUBLIC KEY" or "RSA PUBLIC KEY" PEM block`,
	} {
		r := e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"publicKey": key})
		if r.Status != 400 || r.Body != `{"error":`+quote(msg)+`}` {
			t.Fatalf("%q: %d %s", msg, r.Status, r.Body)
		}
	}
	// PKCS#1 public keys are accepted; several tenants may share a key.
	for i := 0; i < 2; i++ {
		r := e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"publicKey": pkcs1})
		if r.Status != 201 {
			t.Fatalf("PKCS#1: %d %s", r.Status, r.Body)
		}
		id := obj(t, r.Body)["intpId"].(string)
		tok := sign(t, ownKey(), id, jwt.MapClaims{"roles": []string{"intp"}, "intp_id": id, "iat": e.now.Unix(), "exp": e.now.Add(time.Minute).Unix()})
		if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+tok); r.Status != 200 {
			t.Fatalf("tenant %d: %d %s", i, r.Status, r.Body)
		}
	}
}

// On its own listener the vendor answers its real paths without the prefix,
// so a client only changes the host.
func TestOwnListener(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{twipla.New(twipla.Config{})},
		VendorAddrs: map[string]string{twipla.Name: "127.0.0.1:0"}})
	tok := obj(t, srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": websiteINTP}).Body)["token"].(string)
	req, _ := http.NewRequest("GET", "http://"+srv.VendorAddr(twipla.Name)+"/v2/3as/company-details/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if r := srv.Send(req); r.Status != 200 || !strings.Contains(r.Body, `"id":"`+websiteINTP+`"`) {
		t.Fatalf("own listener: %d %s", r.Status, r.Body)
	}
}
