package openapi

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

// Target says for whom a document is rendered.
type Target struct {
	// Variant picks one of Doc.Variants ("" is the first).
	Variant string
	// Bases are the URLs the document's paths are relative to, without a
	// trailing slash: "http://127.0.0.1:8080/keitaro" (the shared listener),
	// "http://127.0.0.1:8081" (the vendor's own). None gives relative server
	// URLs under Prefix.
	Bases []string
	// Prefix is the path prefix used when Base is empty.
	Prefix string
}

// Version is the OpenAPI version of every document.
const Version = "3.1.0"

// Render builds the OpenAPI document for t as an ordered JSON tree.
func (d *Doc) Render(t Target) (wire.Object, error) {
	variant, err := d.variant(t.Variant)
	if err != nil {
		return nil, err
	}
	r := &renderer{variant: variant, refBase: "", components: map[string]*Schema{}, common: d.Common}
	info := wire.Obj("title", d.Title, "version", d.Version)
	if desc := d.description(); desc != "" {
		info = info.Set("description", desc)
	}
	doc := wire.Obj("openapi", Version, "info", info,
		"jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base")
	doc = doc.Set("servers", d.servers(t))
	if len(d.Tags) > 0 {
		var tags []any
		for _, tg := range d.Tags {
			o := wire.Obj("name", tg.Name)
			if tg.Description != "" {
				o = o.Set("description", tg.Description)
			}
			tags = append(tags, o)
		}
		doc = doc.Set("tags", tags)
	}
	if len(d.Security) > 0 {
		doc = doc.Set("security", requirements(d.Security))
	}
	paths, err := r.paths(d)
	if err != nil {
		return nil, err
	}
	doc = doc.Set("paths", paths)
	comps := wire.Object{}
	if len(r.components) > 0 {
		schemas := wire.Object{}
		// Components are rendered in name order; rendering one may add
		// more, so repeat until none is new.
		done := map[string]bool{}
		for {
			var names []string
			for n := range r.components {
				if !done[n] {
					names = append(names, n)
				}
			}
			if len(names) == 0 {
				break
			}
			for _, n := range names {
				done[n] = true
				def := r.components[n].clone()
				def.name = ""
				schemas = append(schemas, wire.Field{Key: n, Value: r.schema(def)})
			}
		}
		sort.Slice(schemas, func(i, j int) bool { return schemas[i].Key < schemas[j].Key })
		comps = comps.Set("schemas", schemas)
	}
	if len(d.Unmatched) > 0 {
		resp := wire.Object{}
		for _, u := range d.Unmatched {
			resp = resp.Set(u.Name, r.response([]*Response{u}))
		}
		comps = comps.Set("responses", resp)
	}
	if len(d.Schemes) > 0 {
		ss := wire.Object{}
		for _, s := range d.Schemes {
			o := wire.Obj("type", s.Type)
			if s.Description != "" {
				o = o.Set("description", s.Description)
			}
			switch s.Type {
			case "apiKey":
				o = o.Set("name", s.ParamName).Set("in", s.In)
			case "http":
				o = o.Set("scheme", s.Scheme)
				if s.Format != "" {
					o = o.Set("bearerFormat", s.Format)
				}
			}
			ss = ss.Set(s.Name, o)
		}
		comps = comps.Set("securitySchemes", ss)
	}
	if len(comps) > 0 {
		doc = doc.Set("components", comps)
	}
	if r.err != nil {
		return nil, r.err
	}
	return doc, nil
}

// JSON renders the document as indented JSON.
func (d *Doc) JSON(t Target) ([]byte, error) {
	tree, err := d.Render(t)
	if err != nil {
		return nil, err
	}
	return indentJSON(tree)
}

// CompactJSON renders the document as JSON without white space.
func (d *Doc) CompactJSON(t Target) ([]byte, error) {
	tree, err := d.Render(t)
	if err != nil {
		return nil, err
	}
	return compactJSON(tree)
}

// YAML renders the document as YAML.
func (d *Doc) YAML(t Target) ([]byte, error) {
	tree, err := d.Render(t)
	if err != nil {
		return nil, err
	}
	return toYAML(tree), nil
}

func (d *Doc) variant(v string) (string, error) {
	if len(d.Variants) == 0 {
		if v != "" {
			return "", fmt.Errorf("the %s document has no variants", d.Name)
		}
		return "", nil
	}
	if v == "" {
		return d.Variants[0], nil
	}
	if !slices.Contains(d.Variants, v) {
		return "", fmt.Errorf("the %s document has the variants %s, not %q", d.Name, strings.Join(d.Variants, ", "), v)
	}
	return v, nil
}

// description is the document's description plus what answers paths
// that are not in it.
func (d *Doc) description() string {
	desc := d.Description
	if len(d.Unmatched) > 0 {
		var parts []string
		for _, u := range d.Unmatched {
			parts = append(parts, fmt.Sprintf("- %d (`#/components/responses/%s`): %s", u.Status, u.Name, u.Description))
		}
		if desc != "" {
			desc += "\n\n"
		}
		desc += "Requests to paths or methods this document does not list get:\n\n" + strings.Join(parts, "\n")
	}
	return desc
}

func (d *Doc) servers(t Target) []any {
	bases := t.Bases
	if len(bases) == 0 {
		bases = []string{t.Prefix}
	}
	var out []any
	for _, base := range bases {
		for _, s := range d.Servers {
			u := base + s.Path
			if s.Host != "" {
				if pu, err := url.Parse(base); err == nil && pu.Host != "" {
					host := s.Host
					if p := pu.Port(); p != "" {
						host += ":" + p
					}
					u = pu.Scheme + "://" + host + pu.EscapedPath() + s.Path
				}
			}
			if u == "" {
				u = "/"
			}
			o := wire.Obj("url", u)
			if s.Description != "" {
				o = o.Set("description", s.Description)
			}
			if len(s.Variables) > 0 {
				vars := wire.Object{}
				for _, v := range s.Variables {
					vo := wire.Obj("default", v.Default)
					if v.Description != "" {
						vo = vo.Set("description", v.Description)
					}
					vars = vars.Set(v.Name, vo)
				}
				o = o.Set("variables", vars)
			}
			out = append(out, o)
		}
	}
	return out
}

func requirements(reqs []Requirement) []any {
	out := []any{}
	for _, req := range reqs {
		o := wire.Object{}
		for _, name := range req {
			o = o.Set(name, []any{})
		}
		out = append(out, o)
	}
	return out
}

// renderer renders schemas for one variant, collecting components.
type renderer struct {
	variant string
	// refBase goes in front of "#/components/…" in $ref (a validator
	// compiles schemas apart from the document).
	refBase    string
	components map[string]*Schema
	opIDs      map[string]bool
	common     []*Response
	err        error
}

func (r *renderer) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *renderer) paths(d *Doc) (wire.Object, error) {
	r.opIDs = map[string]bool{}
	byPath := map[string][]Route{}
	var order []string
	for _, rt := range d.routes {
		if rt.Dispatch {
			continue
		}
		if rt.Op == nil {
			return nil, fmt.Errorf("%s %s has no declaration", rt.Method, rt.Path)
		}
		if _, ok := byPath[rt.Path]; !ok {
			order = append(order, rt.Path)
		}
		byPath[rt.Path] = append(byPath[rt.Path], rt)
	}
	out := wire.Object{}
	for _, p := range order {
		item := wire.Object{}
		routes := byPath[p]
		for _, m := range methodOrder {
			for _, rt := range routes {
				if rt.Method != m {
					continue
				}
				key := strings.ToLower(m)
				if _, dup := item.Get(key); dup {
					return nil, fmt.Errorf("%s %s is declared twice", m, p)
				}
				item = item.Set(key, r.operation(rt))
			}
		}
		for _, rt := range routes {
			if !slices.Contains(methodOrder, rt.Method) {
				return nil, fmt.Errorf("%s %s: OpenAPI has no operation for that method", rt.Method, p)
			}
		}
		out = out.Set(p, item)
	}
	return out, r.err
}

// operationID makes a unique id from the declared one or the route.
func (r *renderer) operationID(rt Route) string {
	id := rt.Op.ID
	if id == "" {
		var b strings.Builder
		b.WriteString(strings.ToLower(rt.Method))
		up := true
		for _, c := range rt.Path {
			switch {
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				if up && c >= 'a' && c <= 'z' {
					c -= 'a' - 'A'
				}
				b.WriteRune(c)
				up = false
			default:
				up = true
			}
		}
		id = b.String()
	}
	base := id
	for n := 2; r.opIDs[id]; n++ {
		id = base + strconv.Itoa(n)
	}
	r.opIDs[id] = true
	return id
}

func (r *renderer) operation(rt Route) wire.Object {
	op := rt.Op
	o := wire.Obj("operationId", r.operationID(rt))
	if op.Summary != "" {
		o = o.Set("summary", op.Summary)
	}
	if op.Description != "" {
		o = o.Set("description", op.Description)
	}
	if len(op.Tags) > 0 {
		o = o.Set("tags", op.Tags)
	}
	if op.Deprecated {
		o = o.Set("deprecated", true)
	}
	params := r.params(rt)
	if len(params) > 0 {
		o = o.Set("parameters", params)
	}
	if op.Body != nil {
		o = o.Set("requestBody", r.body(op.Body))
	}
	o = o.Set("responses", r.responses(append(slices.Clone(op.Responses), r.common...)))
	switch {
	case op.NoAuth:
		o = o.Set("security", []any{})
	case op.Security != nil:
		o = o.Set("security", requirements(op.Security))
	}
	return o
}

// params renders the declared parameters; a path parameter of the route
// that is not declared is documented as a plain string.
func (r *renderer) params(rt Route) []any {
	var out []any
	declared := map[string]bool{}
	for _, p := range rt.Op.Params {
		if p.In == "path" {
			declared[p.Name] = true
		}
	}
	for _, name := range PathNames(rt.Path) {
		if !declared[name] {
			out = append(out, r.param(PathParam(name, String(), "")))
		}
	}
	for _, p := range rt.Op.Params {
		if p.In == "path" && !slices.Contains(PathNames(rt.Path), p.Name) {
			r.fail("%s %s declares path parameter %q that the path does not have", rt.Method, rt.Path, p.Name)
		}
		out = append(out, r.param(p))
	}
	return out
}

func (r *renderer) param(p Param) wire.Object {
	o := wire.Obj("name", p.Name, "in", p.In)
	if p.Description != "" {
		o = o.Set("description", p.Description)
	}
	if p.Required {
		o = o.Set("required", true)
	}
	if p.Explode != nil {
		o = o.Set("style", "form").Set("explode", *p.Explode)
	}
	s := p.Schema
	if s == nil {
		s = String()
	}
	return o.Set("schema", r.schema(s))
}

// PathNames are the template variables of an OpenAPI path, in order.
func PathNames(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

func (r *renderer) body(b *Body) wire.Object {
	o := wire.Object{}
	if b.Description != "" {
		o = o.Set("description", b.Description)
	}
	if b.Required {
		o = o.Set("required", true)
	}
	return o.Set("content", r.content(b.Content))
}

func (r *renderer) content(media []Media) wire.Object {
	out := wire.Object{}
	var order []string
	byType := map[string][]Media{}
	for _, m := range media {
		if _, ok := byType[m.Type]; !ok {
			order = append(order, m.Type)
		}
		byType[m.Type] = append(byType[m.Type], m)
	}
	for _, t := range order {
		ms := byType[t]
		o := wire.Object{}
		var schemas []*Schema
		for _, m := range ms {
			if m.Schema != nil {
				schemas = append(schemas, m.Schema)
			}
		}
		switch len(schemas) {
		case 0:
		case 1:
			o = o.Set("schema", r.schema(schemas[0]))
		default:
			o = o.Set("schema", r.schema(OneOf(schemas...)))
		}
		for _, m := range ms {
			if m.Example != nil {
				o = o.Set("example", m.Example)
				break
			}
		}
		enc := wire.Object{}
		for _, m := range ms {
			for field, style := range sortedMap(m.Encoding) {
				enc = enc.Set(field, wire.Obj("style", style, "explode", true))
			}
		}
		if len(enc) > 0 {
			o = o.Set("encoding", enc)
		}
		out = out.Set(t, o)
	}
	return out
}

func sortedMap(m map[string]string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// responses merges the declared answers by status.
func (r *renderer) responses(rs []*Response) wire.Object {
	byStatus := map[int][]*Response{}
	var statuses []int
	for _, resp := range rs {
		if _, ok := byStatus[resp.Status]; !ok {
			statuses = append(statuses, resp.Status)
		}
		byStatus[resp.Status] = append(byStatus[resp.Status], resp)
	}
	sort.Slice(statuses, func(i, j int) bool {
		a, b := statuses[i], statuses[j]
		if a == 0 || b == 0 {
			return b == 0 && a != 0
		}
		return a < b
	})
	out := wire.Object{}
	for _, st := range statuses {
		key := "default"
		if st != 0 {
			key = strconv.Itoa(st)
		}
		out = out.Set(key, r.response(byStatus[st]))
	}
	return out
}

func (r *renderer) response(rs []*Response) wire.Object {
	var descs []string
	for _, resp := range rs {
		if resp.Description != "" && !slices.Contains(descs, resp.Description) {
			descs = append(descs, resp.Description)
		}
	}
	desc := strings.Join(descs, "\n\n")
	if len(descs) > 1 {
		desc = "- " + strings.Join(descs, "\n- ")
	}
	if desc == "" {
		desc = http0(rs[0].Status)
	}
	o := wire.Obj("description", desc)
	headers := wire.Object{}
	for _, resp := range rs {
		for _, h := range resp.Headers {
			if _, ok := headers.Get(h.Name); ok {
				continue
			}
			ho := wire.Object{}
			if h.Description != "" {
				ho = ho.Set("description", h.Description)
			}
			// A header only some of the merged answers carry is not
			// required of the merged response.
			if h.Required && len(rs) == 1 {
				ho = ho.Set("required", true)
			}
			s := h.Schema
			if s == nil {
				s = String()
			}
			headers = headers.Set(h.Name, ho.Set("schema", r.schema(s)))
		}
	}
	if len(headers) > 0 {
		o = o.Set("headers", headers)
	}
	var media []Media
	for _, resp := range rs {
		media = append(media, resp.Content...)
	}
	if len(media) > 0 {
		o = o.Set("content", r.content(media))
	}
	return o
}

func http0(status int) string {
	if status == 0 {
		return "Any other answer"
	}
	return fmt.Sprintf("HTTP %d", status)
}

// schema renders s; a named schema becomes a $ref and is collected.
func (r *renderer) schema(s *Schema) any {
	if s == nil {
		return wire.Object{}
	}
	if s.ref != nil {
		o := r.schema(s.ref).(wire.Object)
		if s.desc != "" {
			o = o.Set("description", s.desc)
		}
		return o
	}
	if s.name != "" {
		if prev, ok := r.components[s.name]; ok && prev != s {
			if !sameSchema(prev, s) {
				r.fail("two different schemas are named %q", s.name)
			}
		} else if !ok {
			r.components[s.name] = s
		}
		return wire.Obj("$ref", r.refBase+"#/components/schemas/"+s.name)
	}
	if s.variants != nil {
		if r.variant != "" {
			v, ok := s.variants[r.variant]
			if !ok {
				r.fail("schema has no variant %q", r.variant)
				return wire.Object{}
			}
			return r.schema(v)
		}
		var keys []string
		for k := range s.variants {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var alts []*Schema
		for _, k := range keys {
			alts = append(alts, s.variants[k])
		}
		return r.schema(OneOf(alts...))
	}
	o := wire.Object{}
	switch len(s.types) {
	case 0:
	case 1:
		o = o.Set("type", s.types[0])
	default:
		o = o.Set("type", s.types)
	}
	if s.desc != "" {
		o = o.Set("description", s.desc)
	}
	if s.hasConst {
		o = o.Set("const", s.constant)
	}
	if s.enum != nil {
		o = o.Set("enum", s.enum)
	}
	if s.format != "" {
		o = o.Set("format", s.format)
	}
	if s.pattern != "" {
		o = o.Set("pattern", s.pattern)
	}
	if s.minimum != nil {
		o = o.Set("minimum", *s.minimum)
	}
	if s.maximum != nil {
		o = o.Set("maximum", *s.maximum)
	}
	if s.minLength != nil {
		o = o.Set("minLength", *s.minLength)
	}
	if s.maxLength != nil {
		o = o.Set("maxLength", *s.maxLength)
	}
	if s.media != "" {
		o = o.Set("contentMediaType", s.media)
	}
	if s.items != nil {
		o = o.Set("items", r.schema(s.items))
	}
	if s.minItems != nil {
		o = o.Set("minItems", *s.minItems)
	}
	if s.maxItems != nil {
		o = o.Set("maxItems", *s.maxItems)
	}
	if slices.Contains(s.types, "object") {
		if len(s.props) > 0 {
			props := wire.Object{}
			var req []string
			for _, p := range s.props {
				if _, dup := props.Get(p.Name); dup {
					r.fail("property %q declared twice", p.Name)
				}
				props = props.Set(p.Name, r.schema(p.Schema))
				if !p.Optional {
					req = append(req, p.Name)
				}
			}
			o = o.Set("properties", props)
			if len(req) > 0 {
				o = o.Set("required", req)
			}
		}
		if len(s.patterns) > 0 {
			pp := wire.Object{}
			for _, p := range s.patterns {
				pp = pp.Set(p.Name, r.schema(p.Schema))
			}
			o = o.Set("patternProperties", pp)
		}
		switch {
		case s.additional != nil:
			o = o.Set("additionalProperties", r.schema(s.additional))
		case !s.open:
			o = o.Set("additionalProperties", false)
		}
	}
	if s.oneOf != nil {
		var alts []any
		for _, a := range s.oneOf {
			alts = append(alts, r.schema(a))
		}
		o = o.Set("oneOf", alts)
	}
	if s.anyOf != nil {
		var alts []any
		for _, a := range s.anyOf {
			alts = append(alts, r.schema(a))
		}
		o = o.Set("anyOf", alts)
	}
	if s.hasDefault {
		o = o.Set("default", s.deflt)
	}
	if len(s.examples) > 0 {
		o = o.Set("examples", s.examples)
	}
	return o
}

// sameSchema reports whether two schemas render alike (one component
// declared twice by value).
func sameSchema(a, b *Schema) bool {
	ra := &renderer{components: map[string]*Schema{}}
	rb := &renderer{components: map[string]*Schema{}}
	ca, cb := a.clone(), b.clone()
	ca.name, cb.name = "", ""
	ja, errA := wire.Marshal(ra.schema(ca))
	jb, errB := wire.Marshal(rb.schema(cb))
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// SchemaJSON renders one schema of the document for variant on its own,
// with its $refs pointing into the document at docURL (for a validator).
func (d *Doc) SchemaJSON(s *Schema, variant, docURL string) ([]byte, error) {
	v, err := d.variant(variant)
	if err != nil {
		return nil, err
	}
	r := &renderer{variant: v, refBase: docURL, components: map[string]*Schema{}}
	tree := r.schema(s)
	if r.err != nil {
		return nil, r.err
	}
	return compactJSON(tree)
}
