package hitsteps

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	hostFormat  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
	portFormat  = regexp.MustCompile(`^[0-9]*$`)
	emailFormat = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// normalizeHost reduces a domain or URL to the host websites are stored
// and compared by (reference §4.7): lower-cased, without scheme, path,
// query, fragment, port or one leading "www.". ok is false when what is
// left is not a host name with at least one dot.
func normalizeHost(s string) (host string, ok bool) {
	h := strings.ToLower(s)
	h, _ = cutScheme(h)
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	if i := strings.IndexByte(h, ':'); i >= 0 {
		if !portFormat.MatchString(h[i+1:]) {
			return "", false
		}
		h = h[:i]
	}
	h = strings.TrimPrefix(h, "www.")
	if !hostFormat.MatchString(h) {
		return "", false
	}
	return h, true
}

// cutScheme removes a leading http:// or https:// from a lower-cased
// string and reports whether there was one.
func cutScheme(s string) (string, bool) {
	for _, p := range []string{"http://", "https://"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return s, false
}

// urlHost is the host of an absolute http(s) URL (scheme in any case).
func urlHost(s string) (string, bool) {
	if _, ok := cutScheme(strings.ToLower(s)); !ok {
		return "", false
	}
	return normalizeHost(s)
}

// bareHost is the host of a bare domain such as "www.example.com" (no
// scheme, path, query or fragment).
func bareHost(s string) (string, bool) {
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#") {
		return "", false
	}
	return normalizeHost(s)
}

// validEmail is the e-mail rule of ops 11 and 13: something@host.tld, at
// most 254 characters.
func validEmail(s string) bool {
	return utf8.RuneCountInString(s) <= 254 && emailFormat.MatchString(s)
}
