package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

func indentJSON(tree any) ([]byte, error) {
	compact, err := compactJSON(tree)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// toYAML writes the tree as YAML: block style, every string and key double
// quoted with JSON escapes (which YAML's double-quoted scalars share), so no
// value can be misread as another type.
func toYAML(tree any) []byte {
	js, err := compactJSON(tree)
	if err != nil {
		return nil
	}
	v, err := decodeOrdered(json.NewDecoder(bytes.NewReader(js)))
	if err != nil {
		return nil
	}
	var b bytes.Buffer
	writeYAML(&b, v, 0, false)
	return bytes.TrimPrefix(b.Bytes(), []byte("\n"))
}

// decodeOrdered reads one JSON value keeping object key order.
func decodeOrdered(dec *json.Decoder) (any, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return orderedValue(dec, tok)
}

func orderedValue(dec *json.Decoder, tok json.Token) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := wire.Object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				vt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := orderedValue(dec, vt)
				if err != nil {
					return nil, err
				}
				o = append(o, wire.Field{Key: k, Value: v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				vt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := orderedValue(dec, vt)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// plainKey is a key YAML reads as the same string without quotes.
var plainKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.-]*$`)

// yamlKey writes a key plainly where that cannot change its meaning.
func yamlKey(k string) string {
	switch strings.ToLower(k) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return yamlScalar(k)
	}
	if plainKey.MatchString(k) {
		return k
	}
	return yamlScalar(k)
}

func yamlScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return x.String()
	case string:
		b, _ := wire.Marshal(x)
		return string(b)
	}
	b, _ := wire.Marshal(v)
	return string(b)
}

// writeYAML writes v, which follows a "key:" or "-" already written (inSeq
// for "-"), at the given indent for its nested lines.
func writeYAML(w io.Writer, v any, indent int, inSeq bool) {
	pad := strings.Repeat(" ", indent)
	switch x := v.(type) {
	case wire.Object:
		if len(x) == 0 {
			fmt.Fprint(w, " {}\n")
			return
		}
		for i, f := range x {
			if i == 0 && inSeq {
				fmt.Fprintf(w, " %s:", yamlKey(f.Key))
			} else {
				if i == 0 {
					fmt.Fprint(w, "\n")
				}
				fmt.Fprintf(w, "%s%s:", pad, yamlKey(f.Key))
			}
			writeYAML(w, f.Value, indent+2, false)
		}
	case []any:
		if len(x) == 0 {
			fmt.Fprint(w, " []\n")
			return
		}
		fmt.Fprint(w, "\n")
		for _, item := range x {
			fmt.Fprintf(w, "%s-", pad)
			writeYAML(w, item, indent+2, true)
		}
	default:
		fmt.Fprintf(w, " %s\n", yamlScalar(v))
	}
}

// compactJSON encodes a rendered tree in one pass (wire.Object's own
// MarshalJSON re-encodes every nested level, which a whole document makes
// slow).
func compactJSON(tree any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeTree(&b, tree); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeTree(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case wire.Object:
		b.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeTree(b, f.Key); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := encodeTree(b, f.Value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case []any:
		b.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeTree(b, item); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	js, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(js)
	return nil
}
