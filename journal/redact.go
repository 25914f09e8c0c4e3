package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Fingerprint names a secret credential in a log line without giving it
// away: its first characters (4, or a third of a short one), "…", and 8 hex
// digits of its SHA-256, e.g. "your…3fa0c9d1". The same secret always gives
// the same fingerprint, so a log can be matched against the journal, where
// tests read the credentials themselves. "" stays "".
func Fingerprint(secret string) string {
	if secret == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	keep := min(4, utf8.RuneCountInString(secret)/3)
	prefix := secret
	for i := range secret {
		if keep == 0 {
			prefix = secret[:i]
			break
		}
		keep--
	}
	return prefix + "…" + hex.EncodeToString(sum[:4])
}

// secretParam reports whether a query parameter name looks like it carries
// a credential (api_key, token, partnerSecret, hash, password, …).
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "pass", "hash", "sign", "auth", "session", "jwt", "cred"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// MaskQuery returns a raw query string for a log line: parameters whose
// name looks like a credential have their value replaced by its
// Fingerprint; everything else is kept as it was.
func MaskQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, value, ok := strings.Cut(p, "=")
		if !ok || value == "" {
			continue
		}
		dn, err := url.QueryUnescape(name)
		if err != nil {
			dn = name
		}
		if secretParam(dn) {
			dv, err := url.QueryUnescape(value)
			if err != nil {
				dv = value
			}
			parts[i] = name + "=" + Fingerprint(dv)
		}
	}
	return strings.Join(parts, "&")
}
