package keitaro

import "github.com/vendoremu/vendoremu/emu"

// newToken is a campaign token: 32 × [a-z0-9] (§8.6).
func newToken(*call) any { return emu.RandomString(32, emu.LowerAlnum) }
