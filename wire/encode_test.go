package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// reference is how answers were encoded before the direct writer: an
// Object key by key, every value through encoding/json without HTML
// escaping. The direct writer must give the same bytes.
func reference(v any) ([]byte, error) {
	switch v := v.(type) {
	case Object:
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := reference(f.Key)
			buf.Write(k)
			buf.WriteByte(':')
			b, err := reference(f.Value)
			if err != nil {
				return nil, err
			}
			buf.Write(b)
		}
		buf.WriteByte('}')
		return buf.Bytes(), nil
	case []Object:
		if v == nil {
			return []byte("null"), nil
		}
		out := []byte{'['}
		for i, o := range v {
			if i > 0 {
				out = append(out, ',')
			}
			b, err := reference(o)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		}
		return append(out, ']'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

func sample(s string, f float64, n int64, raw []byte) any {
	var rm any = json.RawMessage(`{ "raw" : [1, 2] }`)
	if json.Valid(raw) {
		rm = json.RawMessage(raw)
	}
	return Object{
		{s, s},
		{"f", f},
		{"f32", float32(f)},
		{"n", n},
		{"int", int(n)},
		{"list", []any{s, f, n, nil, true, false, []string{s}, []int64{n}, []int(nil)}},
		{"map", map[string]any{s: f, "b": Obj("x", s), "z": nil}},
		{"strings", map[string]string{s: s}},
		{"objects", []Object{Obj(s, n), nil}},
		{"none", []Object(nil)},
		{"raw", rm},
		{"other", struct {
			A string `json:"a"`
			O Object `json:"o"`
		}{s, Obj("k", s)}},
		{"time", time.Unix(n%1e10, 0).UTC()},
	}
}

func FuzzMarshalMatchesEncodingJSON(f *testing.F) {
	f.Add("plain", 1.5, int64(42), []byte(`{"a":1}`))
	f.Add("<>&\u2028\u2029\x00\x1f\x7f\b\f\n\r\t\"\\/ é 😀 \xff\xfe", 1e21, int64(-1), []byte(` [ "x" ] `))
	f.Add("", 1e-7, int64(math.MinInt64), []byte(`nope`))
	f.Add("x", 123456789.125, int64(math.MaxInt64), []byte(`"\u00e9<"`))
	f.Add("y", -0.000001, int64(0), []byte(`1e400`))
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, raw []byte) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsInf(float64(float32(x)), 0) {
			x = 0
		}
		v := sample(s, x, n, raw)
		got, err := Marshal(v)
		want, werr := reference(v)
		if (err == nil) != (werr == nil) {
			t.Fatalf("error %v, encoding/json's %v", err, werr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

func TestMarshalRefusesNaN(t *testing.T) {
	for _, v := range []any{math.NaN(), Obj("x", math.Inf(1)), []any{float32(math.Inf(-1))}} {
		if _, err := Marshal(v); err == nil {
			t.Errorf("%v encoded", v)
		}
	}
}

// appendString skips plain runs eight bytes at a time: every byte value
// at every place of strings around that width (and a multi-byte
// character split across two words) must still be written as
// encoding/json writes it.
func TestAppendStringEveryByteEverywhere(t *testing.T) {
	check := func(s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("%q: %s, want %s", s, got, want.String())
		}
	}
	for n := 1; n <= 19; n++ {
		for at := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a~ Z09/}", 3)[:n])
				b[at] = byte(c)
				check(string(b))
			}
			for _, r := range []string{"é", "\u2028", "😀", "\u2029"} {
				check(strings.Repeat("x", at) + r + strings.Repeat("y", n))
			}
		}
	}
}
