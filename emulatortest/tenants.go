package emulatortest

import (
	"context"
	"crypto/md5"
	"crypto/rsa"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
)

// Each New…Tenant creates a new, empty account of one vendor as the
// control plane's POST /_emulator/<vendor>/tenants does, in process (no
// loopback exchange, as ResetTenant), and returns its credentials. Its
// data, clock and faults are its own, so tests that each take one may run
// in parallel on one emulator.

// HitstepsTenant is a Hitsteps reseller: its main account's login, its
// whitelabel token and its whitelabels.
type HitstepsTenant struct {
	Username      string  `json:"username"`
	Password      string  `json:"password"`
	MainAccount   string  `json:"main_account"`
	Token         string  `json:"token"`
	WhitelabelIDs []int64 `json:"whitelabel_ids"`
}

// Key is the tenant's key in the control plane and the journal.
func (h HitstepsTenant) Key() string { return h.MainAccount }

// NewHitstepsTenant creates a Hitsteps reseller with two whitelabels.
func (e *Emulator) NewHitstepsTenant() HitstepsTenant {
	if e.t != nil {
		e.t.Helper()
	}
	var out HitstepsTenant
	e.decodeInto("hitsteps tenant", e.createTenant("hitsteps"), &out)
	e.claim("hitsteps", out.Key())
	return out
}

// MouseStatsTenant is a MouseStats partner.
type MouseStatsTenant struct {
	PartnerID     string `json:"partnerId"`
	PartnerSecret string `json:"partnerSecret"`
}

// Key is the tenant's key in the control plane and the journal.
func (m MouseStatsTenant) Key() string { return m.PartnerID }

// NewMouseStatsTenant creates a MouseStats partner without accounts.
func (e *Emulator) NewMouseStatsTenant() MouseStatsTenant {
	if e.t != nil {
		e.t.Helper()
	}
	var out MouseStatsTenant
	e.decodeInto("mousestats tenant", e.createTenant("mousestats"), &out)
	e.claim("mousestats", out.Key())
	return out
}

// KeitaroTenant is a Keitaro tracker: its Admin API key (the Api-Key
// header) and the key of its S2S postback URL.
type KeitaroTenant struct {
	APIKey      string `json:"apiKey"`
	PostbackKey string `json:"postbackKey"`
}

// Key is the tenant's key in the control plane and the journal.
func (k KeitaroTenant) Key() string { return k.APIKey }

// NewKeitaroTenant creates an empty Keitaro tracker.
func (e *Emulator) NewKeitaroTenant() KeitaroTenant {
	if e.t != nil {
		e.t.Helper()
	}
	var out KeitaroTenant
	e.decodeInto("keitaro tenant", e.createTenant("keitaro"), &out)
	e.claim("keitaro", out.Key())
	return out
}

// JustClickTenant is a JustClick account: its login (the account's host
// name) and the secret its requests are signed with.
type JustClickTenant struct {
	Login  string `json:"login"`
	Secret string `json:"secret"`
	// API is the account's API base on the shared listener, in the path
	// form: API + "CreateOrder" is a function's URL (a client that names
	// the account by its host, LOGIN.justclick.io, gets the same answers
	// from Host: LOGIN.localhost).
	API string `json:"-"`
}

// Key is the tenant's key in the control plane and the journal.
func (j JustClickTenant) Key() string { return j.Login }

// NewJustClickTenant creates an empty JustClick account.
func (e *Emulator) NewJustClickTenant() JustClickTenant {
	if e.t != nil {
		e.t.Helper()
	}
	var out JustClickTenant
	e.decodeInto("justclick tenant", e.createTenant("justclick"), &out)
	e.claim("justclick", out.Key())
	out.API = e.JustClick + "/u/" + out.Login + "/api/"
	return out
}

// SignedBody is the form body a JustClick client sends for the fields
// (name, value pairs, in order): PHP's http_build_query of them, then
// hash=md5(query::login::secret), as the vendor's PHP sample signs.
func (j JustClickTenant) SignedBody(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, phpURLEncode(pairs[i])+"="+phpURLEncode(pairs[i+1]))
	}
	q := strings.Join(parts, "&")
	sum := md5.Sum([]byte(q + "::" + j.Login + "::" + j.Secret))
	if q != "" {
		q += "&"
	}
	return q + "hash=" + hex.EncodeToString(sum[:])
}

// VerifyAnswer checks the hash of an answer the way a JustClick client
// does: md5(error_code::error_text::secret).
func (j JustClickTenant) VerifyAnswer(code int, text, hash string) bool {
	sum := md5.Sum([]byte(strings.Join([]string{strconv.Itoa(code), text, j.Secret}, "::")))
	return hex.EncodeToString(sum[:]) == hash
}

// createTenant creates a tenant of vendor with its defaults and returns
// the answer POST /_emulator/<vendor>/tenants gives.
func (e *Emulator) createTenant(vendor string) []byte {
	if e.t != nil {
		e.t.Helper()
	}
	out, err := e.Server.CreateTenant(context.Background(), vendor, nil)
	if err != nil {
		e.fail("create %s tenant: %v", vendor, err)
	}
	return out
}

// phpURLEncode is PHP's urlencode (Go's QueryEscape keeps "~").
func phpURLEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E") }

// TwiplaTenant is a TWIPLA integration partner (INTP) signing with the
// emulator's built-in test key, whose private half it holds, as a partner's
// SDK holds its own.
type TwiplaTenant struct {
	IntpID           string `json:"intpId"`
	SubscriptionType string `json:"subscriptionType"`
	BillingMode      string `json:"billingMode"`
	// PrivateKeyPEM is the key the INTP's tokens are signed with.
	PrivateKeyPEM string `json:"privateKey"`
	// PrivateKey is PrivateKeyPEM parsed.
	PrivateKey *rsa.PrivateKey `json:"-"`

	clock *store.Clock
	// signed remembers the tokens signed (see sign); shared by the copies.
	signed *signedTokens
}

// signedTokens are the tokens a TwiplaTenant signed, by what was signed:
// RS256 (PKCS #1 v1.5) is deterministic, so the same claims give the same
// token, and a test that asks for a token per request — as a client
// library that signs per call does — pays one RSA signature (~1 ms of CPU,
// a few per cent of a CI suite) per second of its tenant's clock instead
// of one per request.
type signedTokens struct {
	mu sync.Mutex
	m  map[signedKey]string
}

// signedKey is what a token is made of: the key that signs it, its kid
// and INTP (fields a test may change on a copy of the tenant), its role and
// customer, and its iat and exp in Unix seconds (the claims hold nothing
// else).
type signedKey struct {
	key           *rsa.PrivateKey
	intpID        string
	role, intpcID string
	iat, exp      int64
}

// maxSignedTokens bounds the memory: past it, it starts again empty.
const maxSignedTokens = 64

// Key is the tenant's key in the control plane and the journal.
func (tw TwiplaTenant) Key() string { return tw.IntpID }

// NewTwiplaTenant creates an INTP (website subscriptions, company-managed
// billing) with the default package set and no customers.
func (e *Emulator) NewTwiplaTenant() TwiplaTenant {
	if e.t != nil {
		e.t.Helper()
	}
	var out TwiplaTenant
	e.decodeInto("twipla tenant", e.createTenant("twipla"), &out)
	e.claim("twipla", out.Key())
	var key *rsa.PrivateKey
	var err error
	if out.PrivateKeyPEM == string(seed.TwiplaTestPrivateKeyPEM) && e.twiplaTestKey != nil {
		key, err = e.twiplaTestKey()
	} else {
		key, err = jwt.ParseRSAPrivateKeyFromPEM([]byte(out.PrivateKeyPEM))
	}
	if err != nil {
		e.fail("twipla tenant key: %v", err)
	}
	out.PrivateKey, out.clock, out.signed = key, e.Clock, &signedTokens{}
	return out
}

// Token is an INTP token (role intp) valid for ttl from the INTP's now —
// its own clock when it has one — for "Authorization: Bearer". Asked again
// within the same second of that clock, it is the same token.
func (tw TwiplaTenant) Token(ttl time.Duration) string {
	return tw.sign("intp", "", ttl)
}

// CustomerToken is an INTPC token (role intpc) for the INTP's customer
// intpcID, as the partner signs for its dashboard.
func (tw TwiplaTenant) CustomerToken(intpcID string, ttl time.Duration) string {
	return tw.sign("intpc", intpcID, ttl)
}

func (tw TwiplaTenant) sign(role, intpcID string, ttl time.Duration) string {
	now := time.Now()
	if tw.clock != nil {
		now = tw.clock.For("twipla", tw.IntpID).Now()
	}
	// The token is a function of these alone: iat and exp are read from
	// the clock each time, so a clock moved back or forth gets a token of
	// its own time, never one signed for another.
	k := signedKey{key: tw.PrivateKey, intpID: tw.IntpID, role: role, intpcID: intpcID, iat: now.Unix(), exp: now.Add(ttl).Unix()}
	if tw.signed != nil {
		tw.signed.mu.Lock()
		s, ok := tw.signed.m[k]
		tw.signed.mu.Unlock()
		if ok {
			return s
		}
	}
	claims := jwt.MapClaims{"roles": []string{role}, "intp_id": tw.IntpID, "iat": k.iat, "exp": k.exp}
	if role == "intpc" {
		claims["intpc_id"] = intpcID
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = tw.IntpID
	s, err := tok.SignedString(tw.PrivateKey)
	if err != nil {
		// A 2048-bit RSA key signs any claims; this cannot fail.
		panic("emulatortest: sign twipla token: " + err.Error())
	}
	if tw.signed != nil {
		tw.signed.mu.Lock()
		if tw.signed.m == nil || len(tw.signed.m) >= maxSignedTokens {
			tw.signed.m = map[signedKey]string{}
		}
		tw.signed.m[k] = s
		tw.signed.mu.Unlock()
	}
	return s
}

// claim reports the failures of the tenant's exchanges against the OpenAPI
// documents to the test that created it, when that test ends: tests
// sharing an emulator each learn of their own.
func (e *Emulator) claim(vendor, key string) {
	if e.t == nil || e.check == nil {
		return
	}
	t := e.t
	t.Cleanup(func() { e.check.ReportTenant(t, vendor, key) })
}
