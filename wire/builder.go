package wire

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Raw is JSON text an answer includes as it is: what a Builder wrote. A
// nil Raw is null.
type Raw []byte

// Builder writes JSON text directly, value by value, into one growing
// buffer: for answers made of many objects (a list of packages, of
// accounts), where an Object costs an allocation per field (every value
// boxed into an interface) and a type switch per value when it is
// written. The text is byte for byte what Marshal writes for the Objects
// the same calls describe: keys in the order written, the same string
// escaping and number forms.
//
//	var b wire.Builder
//	b.BeginObject()
//	b.Key("id").String(id)
//	b.Key("price").Float(price)
//	b.EndObject()
//	raw, err := b.Raw()
//
// Values go after a Key inside an object, or one after another inside an
// array; the Builder writes the commas. A *Builder is itself a value of
// answers: Marshal and WriteJSON write its text, or fail with its error
// (as they fail on an Object holding a NaN).
type Builder struct {
	b []byte
	// open is set where the next value needs no comma before it: after
	// a '{', a '[', a key, and at the start.
	open bool
	// started is set once anything was written (open alone cannot tell
	// the start from the inside of an empty object).
	started bool
	err     error
}

// Grow makes room for n more bytes.
func (w *Builder) Grow(n int) {
	if cap(w.b)-len(w.b) < n {
		nb := make([]byte, len(w.b), len(w.b)+n)
		copy(nb, w.b)
		w.b = nb
	}
}

// sep writes the comma before a value or key, unless one just opened.
func (w *Builder) sep() {
	if w.started && !w.open {
		w.b = append(w.b, ',')
	}
	w.started, w.open = true, false
}

// BeginObject opens an object.
func (w *Builder) BeginObject() {
	w.sep()
	w.b = append(w.b, '{')
	w.open = true
}

// EndObject closes the object.
func (w *Builder) EndObject() {
	w.b = append(w.b, '}')
	w.open = false
}

// BeginArray opens an array.
func (w *Builder) BeginArray() {
	w.sep()
	w.b = append(w.b, '[')
	w.open = true
}

// EndArray closes the array.
func (w *Builder) EndArray() {
	w.b = append(w.b, ']')
	w.open = false
}

// Key writes an object key; the value written next is its value.
func (w *Builder) Key(k string) *Builder {
	w.sep()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
	w.open = true
	return w
}

// Key is an object key written ahead of time (NewKey), quoted and
// escaped, with its colon: for objects written often, whose keys are
// constants (a package of a list has twelve). It is a struct so that
// only NewKey makes one: a plain string passed to KeyOf would be written
// unquoted.
type Key struct{ text string }

// NewKey is k as a Key.
func NewKey(k string) Key { return Key{string(append(appendString(nil, k), ':'))} }

// KeyOf writes an object key made by NewKey; the value written next is
// its value.
func (w *Builder) KeyOf(k Key) *Builder {
	w.sep()
	w.b = append(w.b, k.text...)
	w.open = true
	return w
}

// String writes a string.
func (w *Builder) String(s string) {
	w.sep()
	w.b = appendString(w.b, s)
}

// Int writes an integer.
func (w *Builder) Int(n int64) {
	w.sep()
	w.b = strconv.AppendInt(w.b, n, 10)
}

// Float writes a float64 as encoding/json does. NaN and the infinities,
// which JSON cannot hold, write null and make Raw fail.
func (w *Builder) Float(f float64) {
	w.sep()
	b, err := appendFloat(w.b, f, 64)
	if err != nil {
		w.fail(err)
		w.b = append(w.b, "null"...)
		return
	}
	w.b = b
}

// Bool writes true or false.
func (w *Builder) Bool(v bool) {
	w.sep()
	if v {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}

// Null writes null.
func (w *Builder) Null() {
	w.sep()
	w.b = append(w.b, "null"...)
}

// Time writes t formatted with layout as a string, without the
// allocation of formatting it into a string first.
func (w *Builder) Time(t time.Time, layout string) {
	w.sep()
	if layout == LayoutSeconds {
		if b, ok := appendSeconds(w.b, t); ok {
			w.b = b
			return
		}
	}
	var scratch [64]byte
	text := t.AppendFormat(scratch[:0], layout)
	for _, c := range text {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			// Text a JSON string escapes: written as any string is.
			w.b = appendString(w.b, string(text))
			return
		}
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, text...)
	w.b = append(w.b, '"')
}

// LayoutSeconds is the layout of RFC 3339 times to the second with a
// literal "Z", which most vendors answer in. Time writes it by hand:
// time's layout interpreter took 170 ns a time, more than the rest of a
// TWIPLA package's fields together.
const LayoutSeconds = "2006-01-02T15:04:05Z"

// appendSeconds appends t in LayoutSeconds, quoted, as AppendFormat
// writes it, or reports false for a year AppendFormat writes with other
// than four digits.
func appendSeconds(b []byte, t time.Time) ([]byte, bool) {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return b, false
	}
	hour, minute, sec := t.Clock()
	return append(b, '"',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z', '"'), true
}

// Value writes any value Marshal can write.
func (w *Builder) Value(v any) {
	w.sep()
	b, err := appendJSON(w.b, v)
	if err != nil {
		w.fail(err)
		w.b = append(w.b, "null"...)
		return
	}
	w.b = b
}

func (w *Builder) fail(err error) {
	if w.err == nil {
		w.err = fmt.Errorf("wire: %w", err)
	}
}

// Raw is the text written (nil, which is null, when nothing was or w is
// nil), or the error of the first value that could not be written.
func (w *Builder) Raw() (Raw, error) {
	if w == nil {
		return nil, nil
	}
	if w.err != nil {
		return nil, w.err
	}
	return Raw(w.b), nil
}

// MarshalJSON is the text written, for encoding/json.
func (w *Builder) MarshalJSON() ([]byte, error) {
	raw, err := w.Raw()
	if raw == nil && err == nil {
		return []byte("null"), nil
	}
	return raw, err
}

// Func is a value written by a function when the answer is encoded,
// straight into the answer's own buffer: a long list written this way
// needs no buffer of its own. The function must write exactly one value
// (a nil Func is null) and may run more than once.
type Func func(w *Builder)

// appendTo writes the value f writes onto b.
func (f Func) appendTo(b []byte) ([]byte, error) {
	if f == nil {
		return append(b, "null"...), nil
	}
	w := Builder{b: b}
	f(&w)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// MarshalJSON is the value f writes, for encoding/json.
func (f Func) MarshalJSON() ([]byte, error) { return f.appendTo(nil) }
