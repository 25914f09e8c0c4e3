package emulatortest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emulatortest"
)

// A TWIPLA tenant's tokens, which the helper remembers: asked again at the
// same moment of the INTP's clock, the same token; once the clock moved —
// past the first token's expiry, or back before it was issued — never the
// remembered one, but a token of the new time, which the emulator accepts.
func TestTwiplaTokensFollowTheTenantClock(t *testing.T) {
	emu := emulatortest.Shared(t)
	tw := emu.NewTwiplaTenant()
	start := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	emu.FreezeTenantClock("twipla", tw.IntpID, start)
	packages := func(tok string) int {
		status, _ := get(emu.Twipla+"/v2/3as/packages", "Authorization", "Bearer "+tok)
		return status
	}
	claims := func(tok string) (iat, exp int64) {
		var c jwt.MapClaims
		if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
			t.Fatal(err)
		}
		i, _ := c.GetIssuedAt()
		e, _ := c.GetExpirationTime()
		return i.Unix(), e.Unix()
	}

	first := tw.Token(time.Minute)
	if again := tw.Token(time.Minute); again != first {
		t.Fatalf("the same claims signed twice differ:\n%s\n%s", first, again)
	}
	if other := tw.Token(time.Hour); other == first {
		t.Fatal("a token of another lifetime is the first one")
	}
	if c := tw.CustomerToken("c1", time.Minute); c == first || !strings.Contains(c, ".") {
		t.Fatalf("a customer token is the INTP's: %s", c)
	}
	if status := packages(first); status != 200 {
		t.Fatalf("the first token: %d", status)
	}

	// The emulator allows 60 s of skew past exp.
	emu.AdvanceTenantClock("twipla", tw.IntpID, 3*time.Minute)
	if status := packages(first); status != 401 {
		t.Fatalf("the first token after its expiry: %d, want 401", status)
	}
	later := tw.Token(time.Minute)
	if iat, exp := claims(later); iat != start.Add(3*time.Minute).Unix() || exp != iat+60 {
		t.Fatalf("after the clock moved: iat %d exp %d", iat, exp)
	}
	if status := packages(later); status != 200 {
		t.Fatalf("a token asked after the clock moved: %d", status)
	}

	emu.FreezeTenantClock("twipla", tw.IntpID, start.Add(-time.Hour))
	if status := packages(later); status != 401 {
		t.Fatalf("a token issued in the INTP's future: %d, want 401", status)
	}
	earlier := tw.Token(time.Minute)
	if iat, _ := claims(earlier); iat != start.Add(-time.Hour).Unix() {
		t.Fatalf("after the clock moved back: iat %d", iat)
	}
	if status := packages(earlier); status != 200 {
		t.Fatalf("a token asked after the clock moved back: %d", status)
	}
}

// A copy of the tenant signing with another key — a test of a bad
// signature — gets a token of that key, not the one remembered for the
// tenant's own: the emulator refuses it.
func TestTwiplaTokenOfAnotherKey(t *testing.T) {
	emu := emulatortest.Shared(t)
	tw := emu.NewTwiplaTenant()
	good := tw.Token(time.Minute)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bad := tw
	bad.PrivateKey = other
	forged := bad.Token(time.Minute)
	if forged == good {
		t.Fatal("the copy with another key got the tenant's remembered token")
	}
	if status, _ := get(emu.Twipla+"/v2/3as/packages", "Authorization", "Bearer "+forged); status != 401 {
		t.Fatalf("a token of another key: %d, want 401", status)
	}
}
