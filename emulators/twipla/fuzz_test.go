package twipla

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/wire"
)

const fuzzINTP = DefaultTenant

// fuzzNow is the instant the seed tokens are valid at.
var fuzzNow = time.Date(2031, 3, 10, 12, 0, 0, 0, time.UTC)

// FuzzVerifyToken feeds arbitrary tokens, clocks and expiry switches to the
// verifier. It must never panic, must answer every failure with one of the
// §2.1 messages, and must accept only what an independent RS256 verifier
// (golang-jwt) accepts, with claims that pass the checks by hand.
func FuzzVerifyToken(f *testing.F) {
	ring, err := newKeyring(seed.TwiplaTestPrivateKeyPEM)
	if err != nil {
		f.Fatal(err)
	}
	mint := func(header, claims wire.Object) string {
		b, _ := wire.Marshal(header)
		c, _ := wire.Marshal(claims)
		enc := base64.RawURLEncoding
		return enc.EncodeToString(b) + "." + enc.EncodeToString(c) + "."
	}
	now := fuzzNow.Unix()
	valid, _ := signToken(ring.builtin, fuzzINTP, wire.Obj("roles", []string{"intp"}, "intp_id", fuzzINTP, "iat", now, "exp", now+600))
	decimals, _ := signToken(ring.builtin, fuzzINTP, wire.Obj("roles", []string{"intp"}, "intp_id", fuzzINTP, "iat", 1.5e9, "exp", float64(now)+0.5))
	other, _ := signToken(ring.builtin, AccountTenant, wire.Obj("roles", []string{"intpc"}, "intp_id", fuzzINTP, "iat", now, "exp", now+600))
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"intp_id": fuzzINTP, "iat": now, "exp": now + 600})
	hs.Header["kid"] = fuzzINTP
	hsTok, _ := hs.SignedString(seed.TwiplaTestPublicKeyPEM)
	for _, s := range []string{valid, decimals, other, hsTok, "", "a.b.c", "...", valid + "=", strings.Replace(valid, ".", "\n.", 1),
		mint(wire.Obj("alg", "none", "kid", fuzzINTP), wire.Obj("intp_id", fuzzINTP, "iat", now, "exp", now+600)),
		mint(wire.Obj("alg", "RS256", "kid", 1), wire.Obj()),
	} {
		f.Add(s, int64(0), false)
		f.Add(s, int64(700), true)
	}
	messages := map[string]bool{"malformed token": true, "unsupported signing algorithm": true, "unknown key id": true,
		"invalid signature": true, "intp_id does not match kid": true, "missing or invalid exp claim": true,
		"missing or invalid iat claim": true, "token expired": true, "token issued in the future": true, "token not yet valid": true}
	pub := &ring.builtin.PublicKey
	keyFor := func(kid string) (*rsa.PublicKey, error) {
		if kid == fuzzINTP || kid == AccountTenant {
			return pub, nil
		}
		return nil, tokenError("unknown key id")
	}
	f.Fuzz(func(t *testing.T, raw string, offset int64, ignoreExpiry bool) {
		offset %= 1 << 40
		at := fuzzNow.Add(time.Duration(offset) * time.Second)
		tok, err := ring.verifyToken(raw, keyFor, func(string) time.Time { return at }, ignoreExpiry)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != 401 || ae.kind != kindInvalidToken || !messages[ae.message] {
				t.Fatalf("unexpected failure %#v", err)
			}
			return
		}
		// Independent signature and algorithm check.
		parsed, perr := jwt.Parse(raw, func(*jwt.Token) (any, error) { return pub, nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
		if perr != nil || !parsed.Valid {
			t.Fatalf("accepted a token golang-jwt refuses: %v", perr)
		}
		if parsed.Header["kid"] != tok.kid || (tok.kid != fuzzINTP && tok.kid != AccountTenant) {
			t.Fatalf("accepted kid %v", parsed.Header["kid"])
		}
		claims := parsed.Claims.(jwt.MapClaims)
		if claims["intp_id"] != tok.kid {
			t.Fatalf("accepted intp_id %v for kid %s", claims["intp_id"], tok.kid)
		}
		num := func(name string) float64 {
			n, ok := claims[name].(json.Number)
			if !ok {
				t.Fatalf("accepted %s = %v", name, claims[name])
			}
			x, err := n.Float64()
			if err != nil {
				t.Fatalf("accepted %s = %v", name, n)
			}
			return x
		}
		sec := float64(at.Unix())
		if exp := num("exp"); !ignoreExpiry && sec > exp+60 {
			t.Fatalf("accepted an expired token: exp %v at %v", exp, sec)
		}
		if iat := num("iat"); iat > sec+60 {
			t.Fatalf("accepted a token from the future: iat %v at %v", iat, sec)
		}
	})
}

// FuzzNormalizeDomain: the domain rule never panics and what it accepts is
// lower-case labels of the allowed characters, stable when normalised again.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"Shop.Example.com", "https://x.io/", "*.example.com", "localhost", "string", "a..b", " ", "x.io/path", "ünï.de", "http://*.a"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, wildcard bool) {
		d, ok := normalizeDomain(s, wildcard)
		if !ok {
			return
		}
		again, ok2 := normalizeDomain(d, wildcard)
		if !ok2 || again != d {
			t.Fatalf("%q → %q → %q (%v)", s, d, again, ok2)
		}
		rest := strings.TrimPrefix(d, "*.")
		if rest == "" || len(rest) > 253 || strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
			t.Fatalf("accepted %q from %q", d, s)
		}
	})
}

// FuzzStampScan: a stamp reads its stored form without time.Parse
// (parseStored); every text must scan to the time, or fail, exactly as
// time.Parse(RFC3339) made it, and the stored form of every valid time
// must take the fast way.
func FuzzStampScan(f *testing.F) {
	for _, s := range []string{"2023-08-22T08:14:03Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z",
		"2023-02-29T12:00:00Z", "2031-04-31T00:00:00Z", "2031-03-10T24:00:00Z", "2031-03-10T12:60:00Z", "2031-03-10T12:00:60Z",
		"2031-13-10T12:00:00Z", "2031-00-10T12:00:00Z", "2031-03-00T12:00:00Z", "2031-03-10T12:00:00+02:00",
		"2031-03-10t12:00:00z", "2031-03-10T12:00:00.5Z", "+031-03-10T12:00:00Z", "２０31-03-10T12:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var got stamp
		gotErr := got.Scan(text)
		want, wantErr := time.Parse(time.RFC3339, text)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: scan %v, time.Parse %v", text, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if want = want.UTC(); got.Time != want {
			t.Fatalf("%q: scan %v, time.Parse %v", text, got.Time, want)
		}
		if _, fast := parseStored(text); fast != (fmtTime(want) == text && want.Year() <= 9999) {
			t.Fatalf("%q: fast %v, stored form %q", text, fast, fmtTime(want))
		}
		var fromBytes stamp
		if err := fromBytes.Scan([]byte(text)); err != nil || fromBytes != got {
			t.Fatalf("%q as bytes: %v %v", text, fromBytes, err)
		}
	})
}
