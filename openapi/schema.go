// Package openapi describes what the emulator serves as OpenAPI 3.1
// documents. Vendors do not write documents: they register their routes
// through a Router, giving each route an Op (its parameters, body and
// answers, declared beside the handler), and the server assembles the
// document from those registrations. A route registered without an Op is
// recorded as undeclared, which a test reports, so the document cannot
// drift from the routes.
//
// The package has no dependency beyond gin; validating exchanges against
// the documents is openapi/validate's job and runs in tests only.
package openapi

import (
	"maps"
	"slices"
)

// Schema is a JSON Schema (2020-12, the dialect of OpenAPI 3.1) built with
// the constructors below. Methods return changed copies, so a declared
// schema can be refined where it is used without touching the original.
type Schema struct {
	types      []string
	props      []Prop
	additional *Schema // nil: closed object (additionalProperties false)
	patterns   []Prop  // patternProperties: Name is the pattern
	open       bool    // any additional property
	items      *Schema
	enum       []any
	constant   any
	hasConst   bool
	pattern    string
	format     string
	minimum    *float64
	maximum    *float64
	minLength  *int
	maxLength  *int
	minItems   *int
	maxItems   *int
	oneOf      []*Schema
	anyOf      []*Schema
	desc       string
	examples   []any
	deflt      any
	hasDefault bool
	// name makes the schema a component: it is written once under
	// components/schemas and referred to by $ref everywhere it is used.
	name string
	// variants are alternatives per document variant (a Keitaro dialect):
	// a document rendered for one variant shows only that one's schema,
	// an unrestricted document shows all of them as oneOf.
	variants map[string]*Schema
	// media is the contentMediaType of a string holding another document.
	media string
	// ref is the named schema this one refers to with its own description
	// (OpenAPI 3.1 allows siblings of $ref).
	ref *Schema
}

// Prop is one property of an object schema.
type Prop struct {
	Name     string
	Schema   *Schema
	Optional bool
}

// Field is a property that is always present.
func Field(name string, s *Schema) Prop { return Prop{Name: name, Schema: s} }

// Optional is a property that may be absent.
func Optional(name string, s *Schema) Prop { return Prop{Name: name, Schema: s, Optional: true} }

func typed(t ...string) *Schema { return &Schema{types: t} }

// String is a JSON string.
func String() *Schema { return typed("string") }

// Integer is a JSON number without a fraction.
func Integer() *Schema { return typed("integer") }

// Number is any JSON number.
func Number() *Schema { return typed("number") }

// Boolean is true or false.
func Boolean() *Schema { return typed("boolean") }

// Null is JSON null.
func Null() *Schema { return typed("null") }

// Any is any JSON value.
func Any() *Schema { return &Schema{} }

// Array is a JSON array of items.
func Array(items *Schema) *Schema { return &Schema{types: []string{"array"}, items: items} }

// Object is a JSON object with exactly these properties: any other key
// fails validation, so an undocumented field in an answer is caught.
func Object(props ...Prop) *Schema {
	return &Schema{types: []string{"object"}, props: props}
}

// Map is a JSON object whose keys are free and whose values are values.
func Map(values *Schema) *Schema {
	return &Schema{types: []string{"object"}, additional: values}
}

// OneOf is exactly one of the alternatives.
func OneOf(alts ...*Schema) *Schema { return &Schema{oneOf: alts} }

// AnyOf is at least one of the alternatives.
func AnyOf(alts ...*Schema) *Schema { return &Schema{anyOf: alts} }

// Const is exactly the value v.
func Const(v any) *Schema { return &Schema{constant: v, hasConst: true} }

// Named makes s a component called name: documents write it once under
// components/schemas and refer to it with $ref.
func Named(name string, s *Schema) *Schema {
	c := s.clone()
	c.name = name
	return c
}

// named reports whether s is a component or refers to one.
func (s *Schema) named() bool { return s.name != "" || s.ref != nil }

// Variants declares one schema per document variant (the Keitaro dialects):
// a document for one variant shows that variant's schema, one for all
// shows oneOf all of them.
func Variants(byVariant map[string]*Schema) *Schema {
	return &Schema{variants: byVariant}
}

// clone copies s for a refinement. The copy is no component: refining a
// named schema gives an inline schema (Describe keeps the reference).
func (s *Schema) clone() *Schema {
	c := *s
	c.name = ""
	c.types = slices.Clone(s.types)
	c.props = slices.Clone(s.props)
	c.patterns = slices.Clone(s.patterns)
	c.enum = slices.Clone(s.enum)
	c.examples = slices.Clone(s.examples)
	c.variants = maps.Clone(s.variants)
	return &c
}

// Nullable also allows null.
func (s *Schema) Nullable() *Schema {
	if s.variants != nil || s.oneOf != nil || s.named() || len(s.types) == 0 {
		return OneOf(s, Null())
	}
	c := s.clone()
	if !slices.Contains(c.types, "null") {
		c.types = append(c.types, "null")
	}
	if c.enum != nil && !slices.Contains(c.enum, any(nil)) {
		c.enum = append(c.enum, nil)
	}
	return c
}

// Or also allows the JSON types of other (a type union such as
// ["string","integer"]); other's constraints are not carried over.
func (s *Schema) Or(other *Schema) *Schema {
	c := s.clone()
	for _, t := range other.types {
		if !slices.Contains(c.types, t) {
			c.types = append(c.types, t)
		}
	}
	return c
}

// Enum allows only the listed values.
func (s *Schema) Enum(values ...any) *Schema {
	c := s.clone()
	c.enum = values
	return c
}

// Strings allows only the listed strings.
func (s *Schema) Strings(values ...string) *Schema {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return s.Enum(vs...)
}

// Describe sets the description; a named schema keeps being referred to,
// with the description beside the reference.
func (s *Schema) Describe(text string) *Schema {
	if s.name != "" {
		return &Schema{ref: s, desc: text}
	}
	if s.ref != nil {
		return &Schema{ref: s.ref, desc: text}
	}
	c := s.clone()
	c.desc = text
	return c
}

// Example adds an example value.
func (s *Schema) Example(v any) *Schema {
	c := s.clone()
	c.examples = append(c.examples, v)
	return c
}

// Default documents the value used when the field is absent.
func (s *Schema) Default(v any) *Schema {
	c := s.clone()
	c.deflt, c.hasDefault = v, true
	return c
}

// Pattern requires a string to match the ECMA-262 regular expression re
// (anchor it yourself).
func (s *Schema) Pattern(re string) *Schema {
	c := s.clone()
	c.pattern = re
	return c
}

// Format names the string's format (date-time, email, uuid, uri, …).
func (s *Schema) Format(f string) *Schema {
	c := s.clone()
	c.format = f
	return c
}

// Min sets the inclusive minimum of a number.
func (s *Schema) Min(v float64) *Schema {
	c := s.clone()
	c.minimum = &v
	return c
}

// Max sets the inclusive maximum of a number.
func (s *Schema) Max(v float64) *Schema {
	c := s.clone()
	c.maximum = &v
	return c
}

// MinLength sets the shortest string, in characters.
func (s *Schema) MinLength(n int) *Schema {
	c := s.clone()
	c.minLength = &n
	return c
}

// MaxLength sets the longest string, in characters.
func (s *Schema) MaxLength(n int) *Schema {
	c := s.clone()
	c.maxLength = &n
	return c
}

// MinItems sets the fewest array items.
func (s *Schema) MinItems(n int) *Schema {
	c := s.clone()
	c.minItems = &n
	return c
}

// MaxItems sets the most array items.
func (s *Schema) MaxItems(n int) *Schema {
	c := s.clone()
	c.maxItems = &n
	return c
}

// Open allows properties besides the declared ones (for inputs the vendor
// reads leniently, such as a JSON value stored as sent).
func (s *Schema) Open() *Schema {
	c := s.clone()
	c.open = true
	return c
}

// With returns an object schema with more properties after the declared
// ones (a component's copy that is not the component itself).
func (s *Schema) With(props ...Prop) *Schema {
	c := s.clone()
	c.name = ""
	c.props = append(c.props, props...)
	return c
}

// Without returns an object schema without the named properties.
func (s *Schema) Without(names ...string) *Schema {
	c := s.clone()
	c.name = ""
	c.props = slices.DeleteFunc(c.props, func(p Prop) bool { return slices.Contains(names, p.Name) })
	return c
}

// Replace returns an object schema whose named properties have new schemas
// (an answer that differs from a component in a field or two).
func (s *Schema) Replace(props ...Prop) *Schema {
	c := s.clone()
	c.name = ""
	for _, p := range props {
		for i := range c.props {
			if c.props[i].Name == p.Name {
				c.props[i] = p
			}
		}
	}
	return c
}

// AllOptional returns an object schema whose properties may all be absent
// (an update body that takes any subset of a create body).
func (s *Schema) AllOptional() *Schema {
	c := s.clone()
	c.name = ""
	for i := range c.props {
		c.props[i].Optional = true
	}
	return c
}

// MediaType marks a string as holding a document of that media type.
func (s *Schema) MediaType(t string) *Schema {
	c := s.clone()
	c.media = t
	return c
}

// PatternProp returns an object schema that also takes properties whose
// names match the ECMA-262 pattern re, with values of schema v (Hitsteps'
// lists keyed "0", "1", …).
func (s *Schema) PatternProp(re string, v *Schema) *Schema {
	c := s.clone()
	c.name = ""
	c.patterns = append(c.patterns, Prop{Name: re, Schema: v})
	return c
}

// Props are the declared properties of an object schema.
func (s *Schema) Props() []Prop { return s.props }

// Name is the component name given by Named, or "".
func (s *Schema) Name() string { return s.name }

// Const allows only the value v.
func (s *Schema) Const(v any) *Schema {
	c := s.clone()
	c.constant, c.hasConst = v, true
	return c
}

// Types are the JSON types the schema allows (none: unconstrained).
func (s *Schema) Types() []string {
	if s.ref != nil {
		return s.ref.types
	}
	return s.types
}

// Items is an array schema's item schema.
func (s *Schema) Items() *Schema {
	if s.ref != nil {
		return s.ref.items
	}
	return s.items
}
