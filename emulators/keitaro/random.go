package keitaro

import "math/rand/v2"

// Alphabets of the generated values (§8.6).
const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	lowerHex   = "0123456789abcdef"
)

// randomString draws n characters of alphabet. Generated values are test
// data, not secrets, so math/rand is enough.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}

// newToken is a campaign token: 32 × [a-z0-9].
func newToken(*call) any { return randomString(32, lowerAlnum) }
