package emu_test

import (
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
)

func TestRandomString(t *testing.T) {
	seen := map[byte]int{}
	for range 200 {
		s := emu.RandomString(37, emu.Alnum)
		if len(s) != 37 {
			t.Fatalf("length %d", len(s))
		}
		for i := range len(s) {
			if !strings.ContainsRune(emu.Alnum, rune(s[i])) {
				t.Fatalf("%q outside the alphabet", s[i])
			}
			seen[s[i]]++
		}
	}
	if len(seen) != len(emu.Alnum) {
		t.Fatalf("only %d of %d characters drawn in 7400", len(seen), len(emu.Alnum))
	}
	if h := emu.RandomHex(34); len(h) != 34 || strings.Trim(h, emu.LowerHex) != "" {
		t.Fatalf("RandomHex: %q", h)
	}
	if emu.RandomHex(32) == emu.RandomHex(32) {
		t.Fatal("two draws are equal")
	}
}
