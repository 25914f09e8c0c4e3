package store

import (
	"strings"
	"sync"
	"sync/atomic"
)

// bindTenant rewrites query for a tenant: each @tenant placeholder becomes
// a "?" parameter, and the tenant id goes into the arguments at that
// parameter's place. String literals, quoted identifiers and comments are
// skipped, so a "?" or "@tenant" inside them is left alone.
func bindTenant(query string, args []any, tenant int64) (string, []any) {
	b := parseTenant(query)
	return b.text, b.args(args, tenant)
}

// boundQuery is a scoped query with its @tenant placeholders made "?"
// parameters: text, and the parameters in order, tenant[i] telling
// whether the i-th takes the tenant id (else the caller's next argument).
type boundQuery struct {
	text   string
	tenant []bool
}

// args are the arguments of the bound query for the caller's args.
func (b *boundQuery) args(args []any, tenant int64) []any {
	out := make([]any, 0, len(b.tenant)+max(len(args)-len(b.tenant), 0)+1)
	next := 0 // the next caller argument
	for _, t := range b.tenant {
		switch {
		case t:
			out = append(out, tenant)
		case next < len(args):
			out = append(out, args[next])
			next++
		default:
			next++
		}
	}
	if next < len(args) {
		// More arguments than parameters: leave the error to SQLite.
		out = append(out, args[next:]...)
	}
	return out
}

// parseTenant finds query's parameters and turns its @tenant placeholders
// into "?".
func parseTenant(query string) *boundQuery {
	var b strings.Builder
	b.Grow(len(query))
	var slots []bool
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
			slots = append(slots, false)
		case '@':
			end := i + len(TenantPlaceholder)
			if strings.HasPrefix(query[i:], TenantPlaceholder) && (end == len(query) || !identChar(query[end])) {
				b.WriteString(query[last:i])
				b.WriteByte('?')
				last = end
				slots = append(slots, true)
				i = end - 1
			}
		}
	}
	b.WriteString(query[last:])
	return &boundQuery{text: b.String(), tenant: slots}
}

// bindings remembers the bound form of the scoped queries a store ran, by
// their text: most are constants, run again and again, and rewriting one
// costs more than looking it up. Queries built at run time could be many,
// so past maxBindings no more are remembered.
type bindings struct {
	m sync.Map // query text → *boundQuery
	n atomic.Int32
}

const maxBindings = 4096

// bound is query's bound form.
func (bs *bindings) bound(query string) *boundQuery {
	if b, ok := bs.m.Load(query); ok {
		return b.(*boundQuery)
	}
	b := parseTenant(query)
	if bs.n.Load() < maxBindings {
		if _, loaded := bs.m.LoadOrStore(query, b); !loaded {
			bs.n.Add(1)
		}
	}
	return b
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
