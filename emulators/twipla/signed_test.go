package twipla

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/seed"
)

// A remembered signature check counts only for the key it passed with: a
// token is refused once its INTP verifies with another key, and accepted
// again with the first.
func TestRememberedSignaturesFollowTheKey(t *testing.T) {
	ring, err := newKeyring(seed.TwiplaTestPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"intp_id": "x", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	tok.Header["kid"] = "x"
	raw, err := tok.SignedString(ring.builtin)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	clock := func(string) time.Time { return now }
	for i, c := range []struct {
		key  *rsa.PublicKey
		want bool
	}{{&ring.builtin.PublicKey, true}, {&ring.builtin.PublicKey, true}, {&other.PublicKey, false}, {&ring.builtin.PublicKey, true}} {
		keyFor := func(string) (*rsa.PublicKey, error) { return c.key, nil }
		got, err := ring.verifyToken(raw, keyFor, clock, false)
		if (err == nil) != c.want || err == nil && got.kid != "x" {
			t.Fatalf("check %d: %v, want a pass %v", i, err, c.want)
		}
	}
	parts := strings.Split(raw, ".")
	forged := parts[0] + "." + parts[1] + ".Zm9yZ2Vk"
	if _, err := ring.verifyToken(forged, func(string) (*rsa.PublicKey, error) { return &other.PublicKey, nil }, clock, false); err == nil {
		t.Fatal("a forged signature passed")
	}
	// The claims are checked on every use, remembered or not.
	later := func(string) time.Time { return now.Add(2 * time.Hour) }
	if _, err := ring.verifyToken(raw, func(string) (*rsa.PublicKey, error) { return &ring.builtin.PublicKey, nil }, later, false); err == nil {
		t.Fatal("an expired remembered token passed")
	}
}
