package store

import "strings"

// bindTenant rewrites query for a tenant: each @tenant placeholder becomes
// a "?" parameter, and the tenant id goes into the arguments at that
// parameter's place. String literals, quoted identifiers and comments are
// skipped, so a "?" or "@tenant" inside them is left alone.
func bindTenant(query string, args []any, tenant int64) (string, []any) {
	var b strings.Builder
	b.Grow(len(query))
	out := make([]any, 0, len(args)+2)
	next := 0 // the next caller argument
	last := 0 // query[last:i] is still to be copied
	for i := 0; i < len(query); i++ {
		switch c := query[i]; c {
		case '\'', '"', '`':
			i = skipQuoted(query, i, c)
		case '[':
			if j := strings.IndexByte(query[i:], ']'); j >= 0 {
				i += j
			} else {
				i = len(query)
			}
		case '-':
			if strings.HasPrefix(query[i:], "--") {
				if j := strings.IndexByte(query[i:], '\n'); j >= 0 {
					i += j
				} else {
					i = len(query)
				}
			}
		case '/':
			if strings.HasPrefix(query[i:], "/*") {
				if j := strings.Index(query[i+2:], "*/"); j >= 0 {
					i += j + 3
				} else {
					i = len(query)
				}
			}
		case '?':
			if next < len(args) {
				out = append(out, args[next])
			}
			next++
		case '@':
			end := i + len(TenantPlaceholder)
			if strings.HasPrefix(query[i:], TenantPlaceholder) && (end == len(query) || !identChar(query[end])) {
				b.WriteString(query[last:i])
				b.WriteByte('?')
				last = end
				out = append(out, tenant)
				i = end - 1
			}
		}
	}
	b.WriteString(query[last:])
	if next < len(args) {
		// More arguments than parameters: leave the error to SQLite.
		out = append(out, args[next:]...)
	}
	return b.String(), out
}

// skipQuoted returns the index of the quote that closes the one at i (a
// doubled quote inside is part of the text), or the end of s.
func skipQuoted(s string, i int, quote byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == quote {
			if j+1 < len(s) && s[j+1] == quote {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

func identChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
