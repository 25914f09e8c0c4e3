package keitaro

import (
	"strings"
	"unicode/utf8"
)

// A field is one request attribute of an entity: how a request value is
// read (§1.3), its rules (§4.0.3, §4.0.5) and its default on create. The
// column has the field's name.
type field struct {
	name     string
	read     reader
	required bool
	max      int      // longest accepted string, in characters (0: no limit)
	oneOf    []string // accepted values
	fold     bool     // oneOf compared ignoring case, stored as listed
	valid    func(any) bool
	def      func(*call) any // value on create when not sent (nil: NULL)
	unique   bool            // no other object of the tenant has the value
	only     when
}

// when restricts a field to creates or to updates.
type when int

const (
	always when = iota
	onCreate
	onUpdate
)

// decode reads the entity's fields from the request: on create every field
// not sent gets its default; on update only the fields sent are returned.
// Failures go to errs, one per field.
func decode(c *call, fields []field, creating bool, errs *fieldErrors) map[string]any {
	vals := map[string]any{}
	for _, f := range fields {
		if (f.only == onCreate && !creating) || (f.only == onUpdate && creating) {
			continue
		}
		raw, sent := c.in[f.name]
		v, given := readField(f, raw, sent, errs)
		switch {
		case errs.has(f.name):
		case given:
			vals[f.name] = v
		case f.required && (creating || sent):
			errs.add(f.name, msgRequired)
		case creating && f.def != nil:
			vals[f.name] = f.def(c)
		case creating:
			vals[f.name] = nil
		}
	}
	return vals
}

// readField applies one field's rules to a sent value. given is false when
// the value counts as not sent (absent, a null the field does not take, a
// blank required string).
func readField(f field, raw any, sent bool, errs *fieldErrors) (any, bool) {
	if !sent {
		return nil, false
	}
	if s, ok := raw.(string); ok && f.required && strings.TrimSpace(s) == "" {
		return nil, false
	}
	v, ok := f.read(raw)
	if !ok {
		if raw == nil {
			return nil, false
		}
		errs.add(f.name, msgInvalid)
		return nil, false
	}
	if v == nil && f.required {
		return nil, false
	}
	if s, ok := v.(string); ok {
		if f.max > 0 && utf8.RuneCountInString(s) > f.max {
			errs.add(f.name, msgTooLong)
			return nil, false
		}
		if len(f.oneOf) > 0 {
			canon, ok := pick(f.oneOf, s, f.fold)
			if !ok {
				errs.add(f.name, msgInvalid)
				return nil, false
			}
			v = canon
		}
	}
	if f.valid != nil && !f.valid(v) {
		errs.add(f.name, msgInvalid)
		return nil, false
	}
	return v, true
}

// pick finds s among the allowed values.
func pick(allowed []string, s string, fold bool) (string, bool) {
	for _, a := range allowed {
		if a == s || (fold && strings.EqualFold(a, s)) {
			return a, true
		}
	}
	return "", false
}

// checkUnique adds "already taken" for each unique field whose new value
// another object of the tenant has (archived ones included, §4.0.3).
func checkUnique(c *call, e *entity, vals map[string]any, self int64, errs *fieldErrors) error {
	for _, f := range e.fields {
		v, ok := vals[f.name]
		if !f.unique || !ok || errs.has(f.name) {
			continue
		}
		var n int
		err := c.s.QueryRow(`SELECT count(*) FROM `+e.table+` WHERE tenant_id = @tenant AND "`+f.name+`" = ? AND id != ?`,
			v, self).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			errs.add(f.name, msgTaken)
		}
	}
	return nil
}
