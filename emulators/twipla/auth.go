package twipla

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// leeway is the clock skew allowed on exp, iat and nbf.
const leeway = 60 * time.Second

// Roles of TWIPLA tokens.
const (
	roleINTP  = "intp"
	roleINTPC = "intpc"
)

// bearerToken extracts the token of "Authorization: Bearer <jwt>" (or the
// document's "Authentication: bearer <jwt>"): checks 1 and 2 of §2.1.
func bearerToken(h http.Header) (string, error) {
	values, ok := h["Authorization"]
	if !ok {
		values = h["Authentication"]
	}
	value := ""
	if len(values) > 0 {
		value = strings.TrimSpace(values[0])
	}
	if value == "" {
		return "", tokenError("missing access token")
	}
	i := strings.IndexAny(value, " \t")
	if i < 0 || !strings.EqualFold(value[:i], "bearer") {
		return "", tokenError("malformed authorization header")
	}
	tok := strings.TrimSpace(value[i:])
	if tok == "" {
		return "", tokenError("malformed authorization header")
	}
	return tok, nil
}

// token is a JWT whose signature and claims verifyToken has checked.
type token struct {
	kid    string
	claims map[string]any
}

// hasRole reports whether the roles claim is an array holding role.
func (t *token) hasRole(role string) bool {
	roles, _ := t.claims["roles"].([]any)
	for _, r := range roles {
		if s, ok := r.(string); ok && s == role {
			return true
		}
	}
	return false
}

// claimString is a string claim, or "" when absent or not a string.
func (t *token) claimString(name string) string {
	s, _ := t.claims[name].(string)
	return s
}

// keyLookup finds the public key of the INTP a kid names. It answers
// tokenError("unknown key id") for a kid that names no INTP; any other error
// is a failure of the emulator.
type keyLookup func(kid string) (*rsa.PublicKey, error)

// verifyToken runs checks 3–9 of §2.1 on a raw JWT, in order, and answers the
// first failure with its message. The role (check 10) is the caller's.
func (k *keyring) verifyToken(raw string, keyFor keyLookup, clock func(kid string) time.Time, ignoreExpiry bool) (*token, error) {
	if v, ok := k.known(raw); ok {
		// Checks 3–5 passed for this very token before, and their answers
		// depend on its text alone; the key must be the INTP's still.
		key, err := keyFor(v.kid)
		if err != nil {
			return nil, err
		}
		if key == v.key {
			return checkClaims(v.kid, v.claims, clock, ignoreExpiry)
		}
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, tokenError("malformed token")
	}
	header, ok1 := decodeSegment(parts[0])
	claims, ok2 := decodeSegment(parts[1])
	sig, err := b64(parts[2])
	if !ok1 || !ok2 || err != nil {
		return nil, tokenError("malformed token")
	}
	if alg, _ := header["alg"].(string); alg != "RS256" {
		return nil, tokenError("unsupported signing algorithm")
	}
	kid, _ := header["kid"].(string)
	if kid == "" {
		return nil, tokenError("unknown key id")
	}
	key, err := keyFor(kid)
	if err != nil {
		return nil, err
	}
	// The checks run in the vendor's order with its messages, so the token is
	// taken apart here; the signature itself is golang-jwt's RS256.
	if !k.signed(raw, parts[0]+"."+parts[1], sig, key, kid, claims) {
		return nil, tokenError("invalid signature")
	}
	return checkClaims(kid, claims, clock, ignoreExpiry)
}

// checkClaims runs checks 6–9 of §2.1 on the claims of a token whose
// signature passed.
func checkClaims(kid string, claims map[string]any, clock func(kid string) time.Time, ignoreExpiry bool) (*token, error) {
	if id, _ := claims["intp_id"].(string); id != kid {
		return nil, tokenError("intp_id does not match kid")
	}
	exp, ok := numericClaim(claims, "exp")
	if !ok {
		return nil, tokenError("missing or invalid exp claim")
	}
	iat, ok := numericClaim(claims, "iat")
	if !ok {
		return nil, tokenError("missing or invalid iat claim")
	}
	// exp, iat and nbf are judged on the clock of the INTP the token names.
	t := float64(clock(kid).UnixMicro()) / 1e6
	skew := leeway.Seconds()
	if !ignoreExpiry && t > exp+skew {
		return nil, tokenError("token expired")
	}
	if iat > t+skew {
		return nil, tokenError("token issued in the future")
	}
	if v, present := claims["nbf"]; present && v != nil {
		nbf, ok := numericClaim(claims, "nbf")
		if !ok || nbf > t+skew {
			return nil, tokenError("token not yet valid")
		}
	}
	return &token{kid: kid, claims: claims}, nil
}

// decodeSegment decodes a base64url JWT segment holding a JSON object.
func decodeSegment(seg string) (map[string]any, bool) {
	b, err := b64(seg)
	if err != nil {
		return nil, false
	}
	v, err := decodeJSON(b)
	if err != nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// b64 decodes unpadded base64url, the JWT encoding. Characters the decoder
// would skip (line breaks) are refused: a segment is its alphabet only.
func b64(seg string) ([]byte, error) {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, errNotBase64URL
		}
	}
	return base64.RawURLEncoding.DecodeString(seg)
}

var errNotBase64URL = errors.New("not base64url")

// numericClaim reads a NumericDate claim: a JSON number, integer or decimal.
func numericClaim(claims map[string]any, name string) (float64, bool) {
	n, ok := claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// now is the current time of the INTP named intpID: its own clock when a
// test gave it one, else the emulator clock.
func (e *Emulator) now(intpID string) time.Time { return e.deps.Clock.For(Name, intpID).Now() }

// authenticate verifies the INTP JWT of a request (§2.1) and returns its INTP.
func (e *Emulator) authenticate(c *gin.Context) (*intp, error) {
	raw, err := bearerToken(c.Request.Header)
	if err != nil {
		return nil, err
	}
	var in *intp
	keyFor := func(kid string) (*rsa.PublicKey, error) {
		// The store remembers the INTP until it changes, so most requests
		// find it without a query; each gets a copy of its own.
		v, err := e.deps.Store.Credential(c, Name, kid, func(tx *store.Tx) (any, error) {
			in, err := findINTP(tx, kid)
			if err != nil {
				return nil, err
			}
			return *in, nil
		})
		if errors.Is(err, store.ErrNoTenant) {
			return nil, tokenError("unknown key id")
		}
		if err != nil {
			return nil, err
		}
		cp := v.(intp)
		in = &cp
		return e.keys.publicKey(in.id, in.publicKey)
	}
	tok, err := e.keys.verifyToken(raw, keyFor, e.now, e.cfg.IgnoreExpiry)
	if err != nil {
		return nil, err
	}
	emu.SetTenant(c, in.id)
	if !tok.hasRole(roleINTP) {
		return nil, forbidden()
	}
	return in, nil
}

// keyring holds the parsed public keys INTPs verify with, so that a request
// costs one RSA verification and no PEM parsing. An entry stays valid while
// the INTP's stored PEM is the one it was parsed from.
type keyring struct {
	builtin *rsa.PrivateKey // the built-in test key (its public half verifies INTPs without their own key)

	mu     sync.RWMutex
	parsed map[string]parsedKey // by intpId

	// verified remembers, by raw token, the key whose signature check it
	// passed, with the token's kid and claims: a client sends the same
	// token many times, and an RSA check (and decoding the token's JSON)
	// is most of a request's work. Only a pass with the very key the
	// token's INTP has now counts. The claims are never written to.
	sigMu    sync.Mutex
	verified map[string]verifiedToken
}

// verifiedToken is what keyring.verified remembers of a token.
type verifiedToken struct {
	key    *rsa.PublicKey
	kid    string
	claims map[string]any
}

// known is what is remembered of raw.
func (k *keyring) known(raw string) (verifiedToken, bool) {
	k.sigMu.Lock()
	v, ok := k.verified[raw]
	k.sigMu.Unlock()
	return v, ok
}

// maxVerified bounds the remembered signatures; past it the memory starts
// again empty.
const maxVerified = 4096

// signed reports whether sig signs input with key (RS256), remembering
// a pass for the raw token with its kid and claims.
func (k *keyring) signed(raw, input string, sig []byte, key *rsa.PublicKey, kid string, claims map[string]any) bool {
	if v, ok := k.known(raw); ok && v.key == key {
		return true
	}
	if jwt.SigningMethodRS256.Verify(input, sig, key) != nil {
		return false
	}
	k.sigMu.Lock()
	if k.verified == nil || len(k.verified) >= maxVerified {
		k.verified = map[string]verifiedToken{}
	}
	k.verified[raw] = verifiedToken{key: key, kid: kid, claims: claims}
	k.sigMu.Unlock()
	return true
}

type parsedKey struct {
	pem string
	key *rsa.PublicKey
}

func newKeyring(privatePEM []byte) (*keyring, error) {
	block, _ := pem.Decode(privatePEM)
	if block == nil {
		return nil, errors.New("twipla: built-in test key is not PEM")
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return &keyring{builtin: priv, parsed: map[string]parsedKey{}}, nil
}

// publicKey is the key an INTP verifies with: its registered PEM, or the
// built-in test key when it registered none.
func (k *keyring) publicKey(intpID, pemText string) (*rsa.PublicKey, error) {
	if pemText == "" {
		return &k.builtin.PublicKey, nil
	}
	k.mu.RLock()
	p, ok := k.parsed[intpID]
	k.mu.RUnlock()
	if ok && p.pem == pemText {
		return p.key, nil
	}
	key, err := parsePublicKey(pemText)
	if err != nil {
		return nil, err
	}
	k.remember(intpID, pemText, key)
	return key, nil
}

// remember caches a key parsed at registration.
func (k *keyring) remember(intpID, pemText string, key *rsa.PublicKey) {
	k.mu.Lock()
	k.parsed[intpID] = parsedKey{pemText, key}
	k.mu.Unlock()
}

// parsePublicKey reads a PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY" PEM
// holding an RSA key of at least 2048 bits.
func parsePublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("publicKey must be a PEM block")
	}
	var key *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, errors.New("publicKey is not a valid PKIX public key")
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("publicKey must be an RSA key")
		}
		key = rk
	case "RSA PUBLIC KEY":
		rk, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, errors.New("publicKey is not a valid PKCS#1 public key")
		}
		key = rk
	default:
		return nil, errors.New(`publicKey must be a "PUBLIC KEY" or "RSA PUBLIC KEY" PEM block`)
	}
	if key.N.BitLen() < 2048 {
		return nil, errors.New("publicKey must be an RSA key of at least 2048 bits")
	}
	return key, nil
}

// publicPEM is the PKIX PEM of a public key.
func publicPEM(key *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// apiKeyHeader is the header of the API-key endpoints (§2.2).
const apiKeyHeader = "X-Api-Key"

// keyAccess is what a valid website API key gives: its INTP and website.
type keyAccess struct {
	tenant  store.Tenant
	intpID  string
	website int64 // website seq
}

// authenticateKey checks the X-Api-Key of a request (§2.2).
func (e *Emulator) authenticateKey(c *gin.Context) (*keyAccess, error) {
	key := strings.TrimSpace(c.GetHeader(apiKeyHeader))
	if key == "" {
		return nil, keyError("missing api key")
	}
	var out *keyAccess
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		k, err := findAPIKey(tx, key)
		if err != nil {
			return err
		}
		if !k.usable(tx.Scope(k.tenant).Now()) {
			return keyError("invalid api key")
		}
		out = &keyAccess{tenant: k.tenant, intpID: k.tenant.Key, website: k.websiteSeq}
		return nil
	})
	if err != nil {
		return nil, err
	}
	emu.SetTenant(c, out.intpID)
	return out, nil
}
