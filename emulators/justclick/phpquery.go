package justclick

import (
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/form"
)

// The request hash covers the form as the vendor's PHP sees it: the body is
// parsed like parse_str and rebuilt like http_build_query (reference §2.3,
// §2.4). This file is that round trip and nothing else.

// PHP's default limits, which parse_str applies to every form.
const (
	// maxInputVars is max_input_vars: pieces after this many are ignored.
	maxInputVars = 1000
	// maxInputNesting is max_input_nesting_level: a name with more bracket
	// segments removes its whole top-level field.
	maxInputNesting = 64
)

// Fields is a form as PHP's parse_str leaves it: an ordered map of names to
// strings or to nested Fields. A key keeps the position of its first
// appearance; a later value for it replaces the earlier one in place.
type Fields struct {
	keys []string
	vals []Value
	idx  map[string]int
	// next is the key "[]" appends under: one more than the largest
	// non-negative integer key so far (the vendor's PHP ignores negative keys
	// here; PHP 8 would continue after them).
	next int64
}

// Value is one field: a string, or nested fields when Map is not nil.
type Value struct {
	Str string
	Map *Fields
}

func newFields() *Fields { return &Fields{idx: map[string]int{}} }

// Len is the number of top-level fields.
func (f *Fields) Len() int { return len(f.keys) }

// Get returns the field named key.
func (f *Fields) Get(key string) (Value, bool) {
	i, ok := f.idx[key]
	if !ok {
		return Value{}, false
	}
	return f.vals[i], true
}

// Each calls fn for every field in order.
func (f *Fields) Each(fn func(key string, v Value)) {
	for i, k := range f.keys {
		fn(k, f.vals[i])
	}
}

// Delete removes the field named key.
func (f *Fields) Delete(key string) {
	i, ok := f.idx[key]
	if !ok {
		return
	}
	f.keys = append(f.keys[:i], f.keys[i+1:]...)
	f.vals = append(f.vals[:i], f.vals[i+1:]...)
	delete(f.idx, key)
	for j := i; j < len(f.keys); j++ {
		f.idx[f.keys[j]] = j
	}
}

// Set stores v under key, in place when the key exists, else at the end.
func (f *Fields) Set(key string, v Value) {
	if i, ok := f.idx[key]; ok {
		f.vals[i] = v
		return
	}
	f.idx[key] = len(f.keys)
	f.keys = append(f.keys, key)
	f.vals = append(f.vals, v)
	if n, ok := phpInt(key); ok && n >= f.next {
		// At the largest int64 "[]" finds its key taken and fails, as in PHP.
		f.next = min(n, maxInt64-1) + 1
	}
}

// SetString stores the string s under key.
func (f *Fields) SetString(key, s string) { f.Set(key, Value{Str: s}) }

// child returns the map under key, creating it (in place of a string) when
// there is none, as PHP does when a name goes one bracket deeper.
func (f *Fields) child(key string) *Fields {
	if v, ok := f.Get(key); ok && v.Map != nil {
		return v.Map
	}
	m := newFields()
	f.Set(key, Value{Map: m})
	return m
}

// nextKey is the key "[]" appends under, or false when PHP would refuse
// ("the next element is already occupied").
func (f *Fields) nextKey() (string, bool) {
	k := strconv.FormatInt(f.next, 10)
	if _, taken := f.idx[k]; taken {
		return "", false
	}
	return k, true
}

const maxInt64 = int64(^uint64(0) >> 1)

// phpInt reports whether key is an integer array key to PHP: canonical
// decimal ("0", "5", "-3"; not "05", "+5", "-0") within int64.
func phpInt(key string) (int64, bool) {
	digits := strings.TrimPrefix(key, "-")
	if digits == "" || len(digits) > 19 || (digits[0] == '0' && len(key) > 1) {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(key, 10, 64)
	return n, err == nil
}

// ParseQuery parses an url-encoded body as PHP's parse_str does (reference
// §2.3): split on "&", decode, and register every name=value pair.
func ParseQuery(s string) *Fields {
	// parse_str reads a C string: a NUL byte ends the input.
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f := newFields()
	count := 0
	for s != "" {
		var piece string
		piece, s, _ = strings.Cut(s, "&")
		if piece == "" {
			continue
		}
		if count++; count > maxInputVars {
			break
		}
		k, v, _ := strings.Cut(piece, "=")
		f.register(urlDecode(k), urlDecode(v))
	}
	return f
}

// FromPairs registers already decoded name/value pairs (multipart parts)
// as PHP registers them.
func FromPairs(pairs form.Values) *Fields {
	f := newFields()
	for i, p := range pairs {
		if i >= maxInputVars {
			break
		}
		f.register(p.Name, p.Value)
	}
	return f
}

// PHP's rewriting of names: spaces and dots in a base name become "_"; so do
// "[" in the rest of a name whose first bracket never closes.
var (
	baseName  = strings.NewReplacer(" ", "_", ".", "_")
	plainName = strings.NewReplacer(" ", "_", ".", "_", "[", "_")
)

// segment is one bracketed part of a name; add marks "[]".
type segment struct {
	key string
	add bool
}

// register stores val under the decoded name key, following PHP's
// php_register_variable_ex.
func (f *Fields) register(key, val string) {
	// Names are C strings to PHP: a NUL ends them.
	if i := strings.IndexByte(key, 0); i >= 0 {
		key = key[:i]
	}
	key = strings.TrimLeft(key, " ")
	base, rest, nested := strings.Cut(key, "[")
	if base == "" {
		return
	}
	base = baseName.Replace(base)
	if !nested {
		f.SetString(base, val)
		return
	}
	segs, plain, tooDeep := segments(rest)
	switch {
	case tooDeep:
		f.Delete(base)
		return
	case segs == nil:
		f.SetString(base+"_"+plainName.Replace(plain), val)
		return
	}
	cur, last := f, segment{key: base}
	for _, s := range segs {
		if last.add {
			k, ok := cur.nextKey()
			if !ok {
				return
			}
			m := newFields()
			cur.Set(k, Value{Map: m})
			cur = m
		} else {
			cur = cur.child(last.key)
		}
		last = s
	}
	k := last.key
	if last.add {
		var ok bool
		if k, ok = cur.nextKey(); !ok {
			return
		}
	}
	cur.SetString(k, val)
}

// segments reads the bracket segments of a name whose first "[" has been
// consumed (rest is what follows it). A first segment without "]" makes the
// name plain (segs nil, plain the text after "["); a later one ends the
// reading. More than maxInputNesting segments is tooDeep.
func segments(rest string) (segs []segment, plain string, tooDeep bool) {
	for level := 1; ; level++ {
		if level > maxInputNesting {
			return nil, "", true
		}
		p := 0
		// PHP skips one space before "]", so "[ ]" appends like "[]".
		if p < len(rest) && rest[p] == ' ' {
			p++
		}
		var end int
		if p < len(rest) && rest[p] == ']' {
			segs = append(segs, segment{add: true})
			end = p
		} else {
			j := strings.IndexByte(rest[p:], ']')
			if j < 0 {
				if level == 1 {
					return nil, rest, false
				}
				return segs, "", false
			}
			end = p + j
			segs = append(segs, segment{key: rest[:end]})
		}
		rest = rest[end+1:]
		if rest == "" || rest[0] != '[' {
			return segs, "", false
		}
		rest = rest[1:]
	}
}

// urlDecode is PHP's urldecode: "+" is a space, "%XX" a byte, and a "%"
// without two hex digits stays itself.
func urlDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// Encode builds the query string PHP's http_build_query builds from these
// fields (reference §2.4): RFC 1738 encoding, nested names as
// name%5Bkey%5D, every string leaf in order, empty maps omitted.
func (f *Fields) Encode() string {
	var b []byte
	b = f.encode(b, nil)
	return string(b)
}

func (f *Fields) encode(b, prefix []byte) []byte {
	for i, k := range f.keys {
		name := append([]byte(nil), prefix...)
		if prefix == nil {
			name = appendEscaped(name, k)
		} else {
			name = append(name, "%5B"...)
			name = appendEscaped(name, k)
			name = append(name, "%5D"...)
		}
		if m := f.vals[i].Map; m != nil {
			b = m.encode(b, name)
			continue
		}
		if len(b) > 0 {
			b = append(b, '&')
		}
		b = append(b, name...)
		b = append(b, '=')
		b = appendEscaped(b, f.vals[i].Str)
	}
	return b
}

// appendEscaped is PHP's urlencode: A-Z a-z 0-9 - _ . unchanged, space as
// "+", every other byte %XX in upper-case hex.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}
