// Package wire writes vendor answers byte for byte: JSON objects whose key
// order is part of a vendor's contract, JSON without Go's HTML escaping,
// PHP json_encode escaping, and raw text.
package wire

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Content types vendors answer with.
const (
	JSONType = "application/json; charset=utf-8"
	TextType = "text/plain; charset=utf-8"
	HTMLType = "text/html; charset=utf-8"
)

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its keys in the order given.
type Object []Field

// Obj builds an Object from alternating keys and values:
// Obj("error", 0, "msg", "Invalid token"). It panics on an odd count or a
// non-string key, which is a programming error.
func Obj(kv ...any) Object {
	if len(kv)%2 != 0 {
		panic("wire.Obj: odd number of arguments")
	}
	o := make(Object, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			panic(fmt.Sprintf("wire.Obj: key %v is not a string", kv[i]))
		}
		o = append(o, Field{k, kv[i+1]})
	}
	return o
}

// Set appends key with value, or replaces its value if the key is there.
func (o Object) Set(key string, value any) Object {
	for i := range o {
		if o[i].Key == key {
			o[i].Value = value
			return o
		}
	}
	return append(o, Field{key, value})
}

// Get returns the value of key.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the keys in order.
func (o Object) MarshalJSON() ([]byte, error) {
	return o.appendTo(nil)
}

// List is a vendor list written as a JSON object keyed "0", "1", … in order,
// optionally followed by trailing fields (Hitsteps ends its lists with
// "error":0).
func List[T any](items []T, trailing ...Field) Object {
	o := make(Object, 0, len(items)+len(trailing))
	for i, it := range items {
		o = append(o, Field{strconv.Itoa(i), it})
	}
	return append(o, trailing...)
}

// Marshal encodes v compactly, without escaping <, > and & (vendors do not),
// and without a trailing newline: exactly encoding/json's bytes, written
// directly for the values answers are made of.
func Marshal(v any) ([]byte, error) {
	return appendJSON(nil, v)
}

// PHP re-escapes compact JSON the way PHP's json_encode does with default
// flags: "/" becomes "\/" and every non-ASCII character becomes \uXXXX with
// lower-case hex (a UTF-16 surrogate pair above U+FFFF). The input must be
// valid JSON as Marshal writes it.
func PHP(js []byte) []byte {
	return AppendPHP(nil, js)
}

// AppendPHP appends js re-escaped as PHP does it (see PHP) to dst.
func AppendPHP(dst, js []byte) []byte {
	dst = slices.Grow(dst, len(js)+len(js)/8)
	start := 0 // js[start:i] is still to be copied as it is
	for i := 0; i < len(js); {
		c := js[i]
		switch {
		case c == '/':
			// Outside strings JSON has no "/", so every one is in a string.
			dst = append(dst, js[start:i]...)
			dst = append(dst, '\\', '/')
			i++
			start = i
		case c < utf8.RuneSelf:
			i++
		default:
			dst = append(dst, js[start:i]...)
			r, size := utf8.DecodeRune(js[i:])
			i += size
			start = i
			if r >= 0x10000 {
				r -= 0x10000
				dst = appendU(appendU(dst, 0xD800+(r>>10)), 0xDC00+(r&0x3FF))
			} else {
				dst = appendU(dst, r)
			}
		}
	}
	return append(dst, js[start:]...)
}

// appendU appends the escape \uXXXX of a UTF-16 code unit, lower-case hex.
func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// WritePHP writes v as JSON re-escaped the way PHP's json_encode escapes
// (see PHP), with the given status and content type: the answer of a
// vendor written in PHP. If v cannot be encoded (a bug) it answers
// through Fail instead.
func WritePHP(w http.ResponseWriter, status int, contentType string, v any) {
	bp := answers.Get().(*[]byte)
	defer answers.Put(bp)
	js, err := appendJSON((*bp)[:0], v)
	if err != nil {
		Fail(w, fmt.Errorf("wire: cannot encode the answer: %w", err))
		return
	}
	// The re-escaped copy goes after the JSON in the same buffer.
	b := AppendPHP(js, js)
	Bytes(w, status, contentType, b[len(js):])
	if cap(b) <= maxPooled {
		*bp = b
	}
}

// JSON writes v as JSON with the given status and application/json.
func JSON(w http.ResponseWriter, status int, v any) {
	WriteJSON(w, status, JSONType, v)
}

// WriteJSON writes v as JSON with the given status and content type. If v
// cannot be encoded (a bug: a NaN or infinite number, say) it answers
// through Fail instead.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	bp := answers.Get().(*[]byte)
	defer answers.Put(bp)
	b, err := appendJSON((*bp)[:0], v)
	if err != nil {
		Fail(w, fmt.Errorf("wire: cannot encode the answer: %w", err))
		return
	}
	Bytes(w, status, contentType, b)
	if cap(b) <= maxPooled {
		*bp = b
	}
}

// answers are the buffers answers are encoded into (the writer copies
// them out); one that grew past maxPooled is left to the collector.
var answers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooled = 64 << 10

// Failer is a ResponseWriter that knows how to answer an internal error:
// the server gives every vendor handler one that logs the error and
// answers in the vendor's own error shape (the vendor's InternalError, as
// for a recovered panic).
type Failer interface {
	Fail(err error)
}

// Fail answers an internal error (an answer that could not be built) on w:
// through w's Fail when w is a Failer, as every writer the server hands a
// handler is; otherwise, outside a server, with a bare JSON 500.
func Fail(w http.ResponseWriter, err error) {
	if f, ok := w.(Failer); ok {
		f.Fail(err)
		return
	}
	Bytes(w, http.StatusInternalServerError, JSONType, []byte(`{"error":"Internal error"}`))
}

// Text writes s verbatim as text/plain.
func Text(w http.ResponseWriter, status int, s string) {
	Bytes(w, status, TextType, []byte(s))
}

// Bytes writes b verbatim with the given status and content type.
func Bytes(w http.ResponseWriter, status int, contentType string, b []byte) {
	Parts(w, status, contentType, b)
}

// Parts is Bytes of the parts one after the other, written as they are:
// an answer with a long part made elsewhere is not copied into one buffer.
func Parts(w http.ResponseWriter, status int, contentType string, parts ...[]byte) {
	h := w.Header()
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h["Content-Length"] = []string{strconv.Itoa(n)}
	w.WriteHeader(status)
	for _, p := range parts {
		_, _ = w.Write(p)
	}
}
