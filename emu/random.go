package emu

import "crypto/rand"

// Alphabets of generated credentials, tokens and ids.
const (
	LowerHex   = "0123456789abcdef"
	LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	UpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	Alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// RandomString is n characters drawn uniformly from alphabet (at most 256
// characters) with crypto/rand: generated API keys and tokens are
// credentials tests may share, so they are not guessable either.
func RandomString(n int, alphabet string) string {
	// Bytes at or above limit are rejected so that every character is
	// equally likely.
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// RandomHex is n random lower-case hex characters.
func RandomHex(n int) string { return RandomString(n, LowerHex) }
