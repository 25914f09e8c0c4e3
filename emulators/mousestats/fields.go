package mousestats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
)

// fields is a control-plane JSON object (a tenants or PATCH body, a seed
// entry) read key by key: names match exactly, a value of the wrong JSON
// type is a 400 naming it, and null counts as absent.
type fields struct {
	m map[string]json.RawMessage
	// at prefixes field names in error messages ("tenants[0].").
	at string
}

// objectFields reads raw as one JSON object (null is not one).
func objectFields(raw json.RawMessage, at string) (fields, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		name := strings.TrimSuffix(at, ".")
		if name == "" {
			name = "the section"
		}
		return fields{}, emu.BadRequest("%s must be a JSON object", name)
	}
	return fields{m: m, at: at}, nil
}

// raw is name's value, or nil when it is absent or null.
func (f fields) raw(name string) json.RawMessage {
	v := bytes.TrimSpace(f.m[name])
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return v
}

func (f fields) bad(name, format string, args ...any) error {
	return emu.BadRequest("%s%s %s", f.at, name, fmt.Sprintf(format, args...))
}

// str is the string name holds, or nil.
func (f fields) str(name string) (*string, error) {
	v := f.raw(name)
	if v == nil {
		return nil, nil
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return nil, f.bad(name, "must be a string")
	}
	return &s, nil
}

// integer is the integer name holds, or nil; it must be written as a JSON
// integer (no fraction, no exponent, no quotes) within [0, max].
func (f fields) integer(name string, max int64) (*int64, error) {
	v := f.raw(name)
	if v == nil {
		return nil, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 || n > max {
		return nil, f.bad(name, "must be an integer from 0 to %d", max)
	}
	return &n, nil
}

// boolean is the boolean name holds, or nil.
func (f fields) boolean(name string) (*bool, error) {
	v := f.raw(name)
	if v == nil {
		return nil, nil
	}
	var b bool
	if json.Unmarshal(v, &b) != nil {
		return nil, f.bad(name, "must be true or false")
	}
	return &b, nil
}

// list is the array of objects name holds (nil when absent).
func (f fields) list(name string) ([]fields, error) {
	v := f.raw(name)
	if v == nil {
		return nil, nil
	}
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		return nil, f.bad(name, "must be an array")
	}
	out := make([]fields, len(items))
	for i, it := range items {
		var err error
		if out[i], err = objectFields(it, fmt.Sprintf("%s%s[%d].", f.at, name, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// only rejects a name outside allowed, so that a typo in a seed document is
// reported instead of silently ignored.
func (f fields) only(allowed ...string) error {
	var unknown []string
	for name := range f.m {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return emu.BadRequest("%sunknown field %q (known: %s)", f.at, unknown[0], strings.Join(allowed, ", "))
}

// maxCounter bounds the usage counters: a 32-bit signed integer.
const maxCounter = math.MaxInt32
