package keitaro

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

// The readers of request values (§1.3): each gives the stored form of a
// value, or false for a value of the wrong type.

// A reader turns a request value into its stored form, or reports a wrong
// type. It is also handed nil (JSON null): a reader that refuses nil makes
// null mean "not sent".
type reader func(any) (any, bool)

// Stored limits of §4.0.5.
const (
	maxName  = 255
	maxURL   = 4096
	maxNotes = 65535
)

func text(v any) (any, bool) {
	s, ok := asString(v)
	return s, ok
}

func textOrNull(v any) (any, bool) {
	if v == nil {
		return nil, true
	}
	return text(v)
}

func integer(v any) (any, bool) {
	n, ok := asInt(v)
	return n, ok
}

func nullInteger(v any) (any, bool) { return asNullInt(v) }

// decimal reads money: within the tracker's range, stored with its four
// decimals.
func decimal(v any) (any, bool) {
	f, ok := asMoney(v)
	return f, ok
}

func number(v any) (any, bool) {
	f, ok := asDecimal(v)
	return f, ok
}

func boolean(v any) (any, bool) {
	b, ok := asBool(v)
	return b, ok
}

// jsonObject reads an object and stores its JSON. PHP encodes an empty
// array as [], so [] is the empty object too.
func jsonObject(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return mustJSON(x), true
	case []any:
		if len(x) == 0 {
			return "{}", true
		}
	}
	return nil, false
}

// jsonObjectOrNull is jsonObject plus null, stored as JSON null.
func jsonObjectOrNull(v any) (any, bool) {
	if v == nil {
		return "null", true
	}
	return jsonObject(v)
}

// anyJSON stores any value as its JSON.
func anyJSON(v any) (any, bool) { return mustJSON(v), true }

// mustJSON encodes a value decoded from JSON, which cannot fail; if it
// ever did, the panic reaches the server's recovery, which logs it and
// answers Keitaro's 500, instead of a silent "null" being stored.
func mustJSON(v any) string {
	b, err := wire.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("keitaro: encode a decoded JSON value: %w", err))
	}
	return string(b)
}

// between accepts numbers within [lo, hi].
func between(lo, hi float64) func(any) bool {
	return func(v any) bool {
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			return true
		}
		return f >= lo && f <= hi
	}
}

var (
	currencyCode = regexp.MustCompile(`^[A-Za-z]{3}$`)
	aliasText    = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// currency reads a 3-letter code, stored upper-case.
func currency(v any) (any, bool) {
	s, ok := asString(v)
	if !ok || !currencyCode.MatchString(s) {
		return nil, false
	}
	return strings.ToUpper(s), true
}

func currencyOrNull(v any) (any, bool) {
	if v == nil || v == "" {
		return nil, true
	}
	return currency(v)
}

// value makes a constant default.
func value(v any) func(*call) any { return func(*call) any { return v } }
