package twipla

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/seed"
)

// A remembered signature check counts only for the key it passed with: a
// token is refused once its INTP verifies with another key.
func TestRememberedSignaturesFollowTheKey(t *testing.T) {
	ring, err := newKeyring(seed.TwiplaTestPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"intp_id": "x"}).SignedString(ring.builtin)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(raw, ".")
	sig, _ := b64(parts[2])
	input := parts[0] + "." + parts[1]
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		key  *rsa.PublicKey
		want bool
	}{{&ring.builtin.PublicKey, true}, {&ring.builtin.PublicKey, true}, {&other.PublicKey, false}, {&ring.builtin.PublicKey, true}} {
		if got := ring.signed(raw, input, sig, c.key); got != c.want {
			t.Fatalf("check %d: %v, want %v", i, got, c.want)
		}
	}
	if ring.signed(raw, input, []byte("forged"), &other.PublicKey) {
		t.Fatal("a forged signature passed")
	}
}
