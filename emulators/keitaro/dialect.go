package keitaro

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/vendoremu/vendoremu/wire"
)

// This file is the one place that knows the two answer dialects (§1.5,
// §4.0.4). Handlers build answers from the value types below and wrap them
// in a shape; render turns them into plain JSON for the request's dialect.
// No handler ever looks at the dialect: the few rules that differ are asked
// of the call through the methods at the end of this file.

// dialect is one of the two answer styles.
type dialect int

const (
	// classic reproduces the document's 2017 answers.
	classic dialect = iota
	// modern follows the newer tracker everywhere.
	modern
)

func (d dialect) String() string {
	if d == modern {
		return "modern"
	}
	return "classic"
}

// parseDialect reads a configured dialect; "" is classic.
func parseDialect(s string) (dialect, error) {
	switch s {
	case "", "classic":
		return classic, nil
	case "modern":
		return modern, nil
	}
	return classic, fmt.Errorf("keitaro dialect must be classic or modern, got %q", s)
}

// money is an entity's money field: classic "10.0000", modern 10.
type money float64

// offerTime is an offer timestamp (stored "YYYY-MM-DD HH:MM:SS"): classic a
// PHP DateTime object, modern the string.
type offerTime string

// unchanged is the updated_at of a campaign never changed since its
// creation: classic null, modern its created_at.
type unchanged string

// emptyNull is a text that is "" in classic and null in modern when empty
// (stream comments).
type emptyNull string

// modernOnly is a key that only the modern dialect shows.
type modernOnly struct{ v any }

// classicOnly is a key that only the classic dialect shows.
type classicOnly struct{ v any }

// render turns v into plain JSON values for d.
func render(v any, d dialect) any {
	switch x := v.(type) {
	case wire.Object:
		out := make(wire.Object, 0, len(x))
		for _, f := range x {
			val := f.Value
			switch w := val.(type) {
			case modernOnly:
				if d != modern {
					continue
				}
				val = w.v
			case classicOnly:
				if d != classic {
					continue
				}
				val = w.v
			}
			out = append(out, wire.Field{Key: f.Key, Value: render(val, d)})
		}
		return out
	case []wire.Object:
		out := make([]any, len(x))
		for i, o := range x {
			out[i] = render(o, d)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, o := range x {
			out[i] = render(o, d)
		}
		return out
	case shaped:
		o := render(x.obj, d).(wire.Object)
		if d == modern {
			return x.shape.modern(o)
		}
		return x.shape.classic(o)
	case money:
		if d == modern {
			return float64(x)
		}
		return strconv.FormatFloat(float64(x), 'f', 4, 64)
	case offerTime:
		if d == modern {
			return string(x)
		}
		return wire.Obj("date", string(x)+".000000", "timezone_type", 3, "timezone", "UTC")
	case unchanged:
		if d == modern {
			return string(x)
		}
		return nil
	case emptyNull:
		if d == modern && x == "" {
			return nil
		}
		return string(x)
	}
	return v
}

// A shape is how one route's answer object is wrapped in each dialect: the
// rows of the dialect table that are not about single fields.
type shape struct {
	classic, modern func(wire.Object) any
}

// shaped is an answer object with its shape.
type shaped struct {
	shape shape
	obj   wire.Object
}

// of wraps o in the shape.
func (s shape) of(o wire.Object) shaped { return shaped{s, o} }

func asIs(o wire.Object) any            { return o }
func inArray(o wire.Object) any         { return []any{o} }
func inArrayIDString(o wire.Object) any { return []any{idString(o)} }

// idString gives the object's id as a JSON string, as PHP answered the
// freshly written row.
func idString(o wire.Object) wire.Object {
	if id, ok := o.Get("id"); ok {
		o = o.Set("id", fmt.Sprint(id))
	}
	return o
}

// The shapes of §4.0.4.
var (
	// objectShape: an object in both dialects.
	objectShape = shape{asIs, asIs}
	// listOfOne: [x] in both dialects (clones, domain create/check/restore,
	// campaign restore/enable/disable).
	listOfOne = shape{inArray, inArray}
	// classicListOfOne: classic [x], modern the object (campaign and offer
	// archive).
	classicListOfOne = shape{inArray, asIs}
	// networkWritten: classic [x] with the id a string, modern the object
	// (affiliate network create, update, archive).
	networkWritten = shape{inArrayIDString, asIs}
	// networkCloned: [x] in both, classic with the id a string.
	networkCloned = shape{inArrayIDString, inArray}
	// groupCreated: classic {"name","position","type","id"} with the id a
	// string, modern the group.
	groupCreated = shape{groupCreatedClassic, asIs}
	// groupDeleted: classic [] (the document's "empty"), modern the group.
	groupDeleted = shape{func(wire.Object) any { return []any{} }, asIs}
)

func groupCreatedClassic(o wire.Object) any {
	out := wire.Object{}
	for _, k := range []string{"name", "position", "type"} {
		v, _ := o.Get(k)
		out = append(out, wire.Field{Key: k, Value: v})
	}
	id, _ := o.Get("id")
	return append(out, wire.Field{Key: "id", Value: fmt.Sprint(id)})
}

// offerCreated is the shape of POST /offers (§4.4.3): classic answers the
// fields the request supplied plus the bookkeeping keys, with the id a
// string and group "No group" when there is none; modern the full offer.
func offerCreated(supplied map[string]bool, group string) shape {
	if group == "" {
		group = "No group"
	}
	tail := []string{"created_at", "updated_at", "state", "id", "group", "affiliate_network"}
	classicFn := func(o wire.Object) any {
		out := wire.Object{}
		for _, f := range o {
			if supplied[f.Key] && !slices.Contains(tail, f.Key) {
				out = append(out, f)
			}
		}
		for _, k := range tail {
			switch k {
			case "id":
				id, _ := o.Get("id")
				out = append(out, wire.Field{Key: k, Value: fmt.Sprint(id)})
			case "group":
				out = append(out, wire.Field{Key: k, Value: group})
			default:
				v, _ := o.Get(k)
				out = append(out, wire.Field{Key: k, Value: v})
			}
		}
		return out
	}
	return shape{classicFn, asIs}
}

// offerNeedsURL reports whether POST /offers requires url: the document's
// rule (classic); a modern offer carries its target in action_payload and
// needs only a name (§0).
func (c *call) offerNeedsURL() bool { return c.dialect == classic }
