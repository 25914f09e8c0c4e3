package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// appendJSON appends v as encoding/json writes it with HTML escaping off,
// byte for byte: the values vendor answers are built of (Object, strings,
// numbers, booleans, nil, slices and string-keyed maps of them, raw JSON)
// are written directly, anything else through encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case uint64:
		return strconv.AppendUint(b, v, 10), nil
	case float64:
		return appendFloat(b, v, 64)
	case float32:
		return appendFloat(b, float64(v), 32)
	case Object:
		return v.appendTo(b)
	case []Object:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, o := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.appendTo(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []any:
		return appendSlice(b, v)
	case []string:
		return appendSlice(b, v)
	case []int64:
		return appendSlice(b, v)
	case []int:
		return appendSlice(b, v)
	case map[string]any:
		return appendMap(b, v)
	case map[string]string:
		return appendMap(b, v)
	case Raw:
		if v == nil {
			return append(b, "null"...), nil
		}
		return append(b, v...), nil
	case Func:
		return v.appendTo(b)
	case *Builder:
		raw, err := v.Raw()
		if err != nil {
			return nil, err
		}
		return appendJSON(b, raw)
	case json.RawMessage:
		if v == nil {
			return append(b, "null"...), nil
		}
		// Compacted straight onto b.
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, v); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return appendEncoded(b, v)
}

func appendSlice[T any](b []byte, v []T) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, e := range v {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSON(b, e); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// appendMap writes a map with its keys sorted, as encoding/json does.
func appendMap[T any](b []byte, m map[string]T) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendTo writes the object's keys in order.
func (o Object) appendTo(b []byte) ([]byte, error) {
	if o == nil {
		return append(b, "{}"...), nil
	}
	b = append(b, '{')
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Key)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, f.Value); err != nil {
			return nil, &fieldError{f.Key, err}
		}
	}
	return append(b, '}'), nil
}

// fieldError names the key whose value could not be encoded.
type fieldError struct {
	key string
	err error
}

func (e *fieldError) Error() string { return "key " + strconv.Quote(e.key) + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

var encoders = sync.Pool{New: func() any { return new(encoder) }}

type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// appendEncoded writes v through encoding/json, for types appendJSON does
// not know.
func appendEncoded(b []byte, v any) ([]byte, error) {
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	e.buf.Reset()
	if e.enc == nil {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
	}
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'})...), nil
}

// errUnsupportedFloat is NaN or an infinity, which JSON cannot hold.
var errUnsupportedFloat = errors.New("json: unsupported value: NaN or infinite number")

// appendFloat writes a float as encoding/json does (ES6 number to string:
// exponent form below 1e-6 and from 1e21 on, without exponent padding).
func appendFloat(b []byte, f float64, bits int) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errUnsupportedFloat
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// plainWord reports whether none of the eight bytes of x is a control
// character, '"', '\\' or a byte of a multi-byte UTF-8 sequence: bytes a
// JSON string holds as they are. (The tests for a byte below 0x20 and for
// a zero byte of x^c are exact as to whether there is one, once bytes at
// or above 0x80 are ruled out, which the first term does.)
func plainWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^('"'*ones), x^('\\'*ones)
	return (x|(x-0x20*ones)&^x|(quote-ones)&^quote|(backslash-ones)&^backslash)&highs == 0
}

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off: short escapes for \b \f \n \r \t, \u00XX for other
// control characters, U+FFFD for invalid UTF-8, and U+2028/U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look of its own: ids,
		// names and times are mostly such runs.
		for i+8 <= len(s) && plainWord(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
