// Package validate checks exchanges with the emulator against its OpenAPI
// documents: the test servers (internal/vtest, emulatortest) hand it every
// request and answer, so that an answer the document does not describe — a
// status, a field, a JSON type, a header — fails the test that produced it,
// and so does a request that the emulator accepted although it carried a
// parameter, field or body the document does not list.
//
// Schemas are JSON Schema 2020-12 (OpenAPI 3.1's dialect), compiled once per
// document with github.com/santhosh-tekuri/jsonschema/v6. Routing,
// parameters and bodies are read here rather than by kin-openapi's
// openapi3filter: the vendors' form bodies are PHP bracket forms
// (goods[0][good_name]=…) that no OpenAPI parameter style describes
// exactly, several vendors answer every error with HTTP 200 (an answer is
// then told apart by its schema), and openapi3filter compiles each schema
// anew on every call. kin-openapi's loader still checks that each document
// is valid OpenAPI 3.1 (see the tests).
package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/vendoremu/vendoremu/openapi"
)

// Validator checks exchanges against a set of documents.
type Validator struct {
	docs map[string]*openapi.Doc

	mu       sync.Mutex
	variants map[string]*compiled // by doc name + "\x00" + variant
}

// New returns a validator for docs, keyed by Exchange.Doc.
func New(docs map[string]*openapi.Doc) *Validator {
	return &Validator{docs: docs, variants: map[string]*compiled{}}
}

// compiled is one variant of one document, ready to validate against.
type compiled struct {
	doc     *openapi.Doc
	variant string
	url     string
	routes  []route

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[*openapi.Schema]*jsonschema.Schema
	n        int
}

type route struct {
	openapi.Route
	segs []string
	// fold marks the segments that match ignoring case.
	fold []bool
}

func (v *Validator) compiledFor(name, variant string) (*compiled, error) {
	doc := v.docs[name]
	if doc == nil {
		return nil, fmt.Errorf("no document %q", name)
	}
	if variant == "" && len(doc.Variants) > 0 {
		variant = doc.Variants[0]
	}
	key := name + "\x00" + variant
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.variants[key]; ok {
		return c, nil
	}
	tree, err := doc.CompactJSON(openapi.Target{Variant: variant, Prefix: "/" + name})
	if err != nil {
		return nil, err
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(tree))
	if err != nil {
		return nil, err
	}
	c := &compiled{doc: doc, variant: variant, url: "mem://" + name + "/" + variant + "/openapi.json",
		compiler: jsonschema.NewCompiler(), schemas: map[*openapi.Schema]*jsonschema.Schema{}}
	c.compiler.DefaultDraft(jsonschema.Draft2020)
	c.compiler.AssertFormat()
	if err := c.compiler.AddResource(c.url, parsed); err != nil {
		return nil, err
	}
	for _, r := range doc.Routes() {
		if r.Dispatch {
			continue
		}
		rt := route{Route: r, segs: strings.Split(r.Path, "/")}
		rt.fold = make([]bool, len(rt.segs))
		if r.Via != "" {
			for i, seg := range strings.Split(r.Via, "/") {
				if _, ok := variable(seg); ok && i < len(rt.fold) {
					rt.fold[i] = true
				}
			}
		}
		c.routes = append(c.routes, rt)
	}
	v.variants[key] = c
	return c, nil
}

// schema compiles s (once).
func (c *compiled) schema(s *openapi.Schema) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sch, ok := c.schemas[s]; ok {
		return sch, nil
	}
	js, err := c.doc.SchemaJSON(s, c.variant, c.url)
	if err != nil {
		return nil, err
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	c.n++
	u := fmt.Sprintf("mem://%s/%s/schema/%d.json", c.doc.Name, c.variant, c.n)
	if err := c.compiler.AddResource(u, parsed); err != nil {
		return nil, err
	}
	sch, err := c.compiler.Compile(u)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", js, err)
	}
	c.schemas[s] = sch
	return sch, nil
}

// problems collects what is wrong with one side of an exchange.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// Check validates one exchange. The error lists every problem found.
func (v *Validator) Check(ex openapi.Exchange) error { return v.check(ex, false) }

// CheckAnswer validates only the answer of an exchange whose request is
// deliberately not the document's (a test of how the vendor treats
// unknown parameters, a fuzz target).
func (v *Validator) CheckAnswer(ex openapi.Exchange) error { return v.check(ex, true) }

func (v *Validator) check(ex openapi.Exchange, answerOnly bool) error {
	c, err := v.compiledFor(ex.Doc, ex.Variant)
	if err != nil {
		return err
	}
	where := ex.Method + " " + clip([]byte(ex.Path))
	if ex.Query != "" {
		where += "?" + clip([]byte(ex.Query))
	}
	where = fmt.Sprintf("%s %s → %d", ex.Doc, where, ex.Status)
	if ex.Variant != "" {
		where += " (" + ex.Variant + ")"
	}
	r, params, pathKnown := c.match(ex.Method, ex.Path)
	var also []*openapi.Response
	if r == nil && ex.Method == http.MethodHead {
		// HEAD is GET without the body, or refused like any other
		// undocumented method.
		r, params, pathKnown = c.match(http.MethodGet, ex.Path)
		also = c.doc.Unmatched
	}
	if r == nil {
		var resp problems
		if _, ok := c.response(&resp, ex, c.doc.Unmatched); !ok {
			what := "a path the document does not have"
			if pathKnown {
				what = "a method the path does not have"
			}
			return fmt.Errorf("%s: %s, and the answer is none of the document's answers to unknown paths:\n  %s",
				where, what, strings.Join(resp, "\n  "))
		}
		return nil
	}
	var req problems
	c.request(&req, ex, r, params)
	var resp problems
	candidates := append(append(slices.Clone(r.Op.Responses), c.doc.Common...), also...)
	matched, ok := c.response(&resp, ex, candidates)
	if !ok {
		return fmt.Errorf("%s: the answer is not documented for %s %s:\n  %s", where, r.Method, r.Path, strings.Join(resp, "\n  "))
	}
	if len(req) > 0 && !answerOnly && !slices.ContainsFunc(matched, (*openapi.Response).Refusal) {
		return fmt.Errorf("%s: the request breaks the document for %s %s, yet the emulator accepted it:\n  %s",
			where, r.Method, r.Path, strings.Join(req, "\n  "))
	}
	return nil
}

// match finds the operation for method and path: literal segments beat
// template variables; a function name served by a dispatching route
// matches ignoring case. pathKnown tells whether some other method has the
// path.
func (c *compiled) match(method, path string) (*route, map[string]string, bool) {
	segs := strings.Split(path, "/")
	pathKnown := false
	for _, srv := range c.serverPrefixes() {
		rest, vars, ok := matchPrefix(segs, srv)
		if !ok {
			continue
		}
		var best *route
		var bestParams map[string]string
		bestScore := -1
		for i := range c.routes {
			r := &c.routes[i]
			params, score, ok := matchSegs(rest, r)
			if !ok {
				continue
			}
			if r.Method != method {
				pathKnown = true
				continue
			}
			if score > bestScore {
				best, bestParams, bestScore = r, params, score
			}
		}
		if best != nil {
			for k, v := range vars {
				bestParams[k] = v
			}
			return best, bestParams, true
		}
	}
	return nil, nil, pathKnown
}

func (c *compiled) serverPrefixes() [][]string {
	var out [][]string
	for _, s := range c.doc.Servers {
		if s.Path == "" {
			out = append(out, nil)
			continue
		}
		out = append(out, strings.Split(s.Path, "/")[1:])
	}
	if len(out) == 0 {
		out = append(out, nil)
	}
	// Longer prefixes first: "/u/{login}" before "".
	slices.SortStableFunc(out, func(a, b []string) int { return len(b) - len(a) })
	return out
}

func matchPrefix(segs, prefix []string) ([]string, map[string]string, bool) {
	if len(prefix) == 0 {
		return segs, nil, true
	}
	// segs[0] is "" (the path starts with "/").
	if len(segs) < len(prefix)+1 {
		return nil, nil, false
	}
	vars := map[string]string{}
	for i, p := range prefix {
		s := segs[i+1]
		if name, ok := variable(p); ok {
			if s == "" {
				return nil, nil, false
			}
			vars[name] = s
			continue
		}
		if s != p {
			return nil, nil, false
		}
	}
	return append([]string{""}, segs[len(prefix)+1:]...), vars, true
}

func matchSegs(segs []string, r *route) (map[string]string, int, bool) {
	if len(segs) != len(r.segs) {
		return nil, 0, false
	}
	params := map[string]string{}
	score := 0
	for i, t := range r.segs {
		if name, ok := variable(t); ok {
			if segs[i] == "" {
				return nil, 0, false
			}
			params[name] = segs[i]
			continue
		}
		if segs[i] != t && !(r.fold[i] && strings.EqualFold(segs[i], t)) {
			return nil, 0, false
		}
		score++
	}
	return params, score, true
}

func variable(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// request checks the request against the operation.
func (c *compiled) request(p *problems, ex openapi.Exchange, r *route, pathParams map[string]string) {
	op := r.Op
	query, _ := url.ParseQuery(ex.Query)
	known := map[string]bool{}
	for _, s := range c.securityQueryParams(op) {
		known[s] = true
	}
	// A free-form query object (style form, exploded) takes any name.
	anyName := slices.ContainsFunc(op.Params, func(p openapi.Param) bool {
		return p.In == "query" && slices.Contains(p.Schema.Types(), "object")
	})
	for _, prm := range op.Params {
		switch prm.In {
		case "path":
			if v, ok := pathParams[prm.Name]; ok {
				c.value(p, "path parameter "+prm.Name, prm.Schema, []string{v})
			}
		case "query":
			if slices.Contains(prm.Schema.Types(), "object") {
				continue
			}
			known[prm.Name] = true
			vals, ok := query[prm.Name]
			if !ok {
				if prm.Required {
					p.add("query parameter %s is required", prm.Name)
				}
				continue
			}
			c.value(p, "query parameter "+prm.Name, prm.Schema, vals)
		case "header":
			v := ex.Header.Get(prm.Name)
			if v == "" {
				if prm.Required {
					p.add("header %s is required", prm.Name)
				}
				continue
			}
			c.value(p, "header "+prm.Name, prm.Schema, []string{v})
		}
	}
	for name := range query {
		if !known[name] && !anyName {
			p.add("query parameter %q is not documented", name)
		}
	}
	body := bytes.TrimSpace(ex.Body)
	if op.Body == nil {
		// JSON null and {} carry nothing (a Python client sends null on
		// every call).
		if len(body) > 0 && string(body) != "null" && !emptyObject(body) {
			p.add("a request body is not documented")
		}
		return
	}
	if len(body) == 0 {
		if op.Body.Required {
			p.add("the request body is required")
		}
		return
	}
	if ex.BodyCut {
		return
	}
	ctype := ex.Header.Get("Content-Type")
	mt, mparams, _ := mime.ParseMediaType(ctype)
	var media *openapi.Media
	if json.Valid(body) {
		// A vendor that reads a JSON body whatever its Content-Type says
		// documents it as JSON.
		for i := range op.Body.Content {
			if op.Body.Content[i].Type == "application/json" {
				media = &op.Body.Content[i]
				mt = "application/json"
				break
			}
		}
	}
	for i := range op.Body.Content {
		if media == nil && mediaMatches(op.Body.Content[i].Type, mt) {
			media = &op.Body.Content[i]
		}
	}
	if media == nil {
		p.add("request body of type %q is not documented", ctype)
		return
	}
	var value any
	var err error
	switch {
	case isJSON(mt):
		value, err = jsonschema.UnmarshalJSON(bytes.NewReader(ex.Body))
	case mt == "application/x-www-form-urlencoded":
		value = formTree(parseForm(string(ex.Body)))
	case mt == "multipart/form-data":
		var pairs [][2]string
		pairs, err = parseMultipart(ex.Body, mparams["boundary"])
		value = formTree(pairs)
	default:
		value = string(ex.Body)
	}
	if err != nil {
		p.add("request body is not %s: %v", mt, err)
		return
	}
	if media.Schema != nil {
		c.validate(p, "request body", media.Schema, value)
	}
}

// securityQueryParams are the query parameters of the operation's security
// schemes (documented there, not as parameters).
func (c *compiled) securityQueryParams(op *openapi.Op) []string {
	reqs := c.doc.Security
	if op.Security != nil {
		reqs = op.Security
	}
	if op.NoAuth {
		reqs = nil
	}
	var out []string
	for _, req := range reqs {
		for _, name := range req {
			for _, s := range c.doc.Schemes {
				if s.Name == name && s.Type == "apiKey" && s.In == "query" {
					out = append(out, s.ParamName)
				}
			}
		}
	}
	return out
}

// value checks a parameter's text values, read as the schema's type.
func (c *compiled) value(p *problems, what string, s *openapi.Schema, vals []string) {
	if s == nil {
		return
	}
	var v any
	if slices.Contains(s.Types(), "array") {
		items := []any{}
		for _, x := range vals {
			items = append(items, typedText(s.Items(), x))
		}
		v = items
	} else {
		v = typedText(s, vals[0])
	}
	c.validate(p, what, s, v)
}

// typedText reads a parameter's text as the JSON type its schema wants.
func typedText(s *openapi.Schema, text string) any {
	if s == nil {
		return text
	}
	types := s.Types()
	if slices.Contains(types, "integer") || slices.Contains(types, "number") {
		if _, err := strconv.ParseFloat(text, 64); err == nil && !strings.ContainsAny(text, "xXpP_") {
			return json.Number(text)
		}
	}
	if slices.Contains(types, "boolean") && (text == "true" || text == "false") {
		return text == "true"
	}
	return text
}

// emptyObject reports whether b is the JSON object {}.
func emptyObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && m != nil && len(m) == 0
}

// mediaMatches reports whether a declared media type (or range: "*/*",
// "text/*") covers the media type mt.
func mediaMatches(declared, mt string) bool {
	switch {
	case strings.EqualFold(declared, mt), declared == "*/*":
		return true
	case strings.HasSuffix(declared, "/*"):
		return strings.HasPrefix(strings.ToLower(mt), strings.ToLower(strings.TrimSuffix(declared, "*")))
	}
	return false
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// response finds the candidates the answer fits; ok is false (with the
// reasons in p) when none does.
func (c *compiled) response(p *problems, ex openapi.Exchange, candidates []*openapi.Response) ([]*openapi.Response, bool) {
	var byStatus []*openapi.Response
	for _, r := range candidates {
		if r.Status == ex.Status {
			byStatus = append(byStatus, r)
		}
	}
	if len(byStatus) == 0 {
		for _, r := range candidates {
			if r.Status == 0 {
				byStatus = append(byStatus, r)
			}
		}
	}
	if len(byStatus) == 0 {
		var st []string
		for _, r := range candidates {
			st = append(st, strconv.Itoa(r.Status))
		}
		p.add("status %d is not documented (documented: %s)", ex.Status, strings.Join(st, ", "))
		return nil, false
	}
	ctype := ex.ResponseHeader.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ctype)
	var matched []*openapi.Response
	for _, r := range byStatus {
		var rp problems
		c.answer(&rp, ex, r, mt, ctype)
		if len(rp) == 0 {
			matched = append(matched, r)
			continue
		}
		desc := r.Description
		if len(desc) > 60 {
			desc = desc[:60] + "…"
		}
		for _, x := range rp {
			p.add("as %d %q: %s", r.Status, desc, x)
		}
	}
	return matched, len(matched) > 0
}

// answer checks the answer against one documented response.
func (c *compiled) answer(p *problems, ex openapi.Exchange, r *openapi.Response, mt, ctype string) {
	for _, h := range r.Headers {
		v := ex.ResponseHeader.Values(h.Name)
		if len(v) == 0 {
			if h.Required {
				p.add("header %s is missing", h.Name)
			}
			continue
		}
		if h.Schema != nil {
			for _, x := range v {
				c.validate(p, "header "+h.Name, h.Schema, typedText(h.Schema, x))
			}
		}
	}
	if len(r.Content) == 0 {
		if len(ex.ResponseBody) > 0 && ex.Method != http.MethodHead {
			p.add("a body is not documented (got %q)", clip(ex.ResponseBody))
		}
		return
	}
	var media *openapi.Media
	for i := range r.Content {
		if mediaMatches(r.Content[i].Type, mt) {
			media = &r.Content[i]
			break
		}
	}
	if media == nil {
		var types []string
		for _, m := range r.Content {
			types = append(types, m.Type)
		}
		p.add("content type %q is not documented (documented: %s)", ctype, strings.Join(types, ", "))
		return
	}
	if media.Schema == nil || ex.ResponseCut || ex.Method == http.MethodHead {
		return
	}
	var value any = string(ex.ResponseBody)
	if isJSON(mt) {
		var err error
		value, err = jsonschema.UnmarshalJSON(bytes.NewReader(ex.ResponseBody))
		if err != nil {
			p.add("the body is not JSON: %v (%q)", err, clip(ex.ResponseBody))
			return
		}
	}
	c.validate(p, "body", media.Schema, value)
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// validate checks value against s.
func (c *compiled) validate(p *problems, what string, s *openapi.Schema, value any) {
	sch, err := c.schema(s)
	if err != nil {
		p.add("%s: the document's schema does not compile: %v", what, err)
		return
	}
	err = sch.Validate(value)
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		p.add("%s: %v", what, err)
		return
	}
	for _, leaf := range leaves(ve) {
		p.add("%s at %q: %s", what, "/"+strings.Join(leaf.InstanceLocation, "/"), leaf.ErrorKind.LocalizedString(printer))
	}
}

// leaves are the innermost causes of a validation error, which name what
// is wrong (the outer ones only say where).
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	if _, ok := ve.ErrorKind.(*kind.OneOf); ok && len(ve.Causes) > 3 {
		// oneOf lists why every alternative failed; the first few are enough.
		return append(leaves(ve.Causes[0]), leaves(ve.Causes[1])...)
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// parseForm splits an urlencoded body into decoded pairs; a pair whose
// escapes do not decode is dropped, as the vendors do.
func parseForm(body string) [][2]string {
	var out [][2]string
	for _, piece := range strings.Split(body, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, [2]string{dk, dv})
	}
	return out
}

func parseMultipart(body []byte, boundary string) ([][2]string, error) {
	if boundary == "" {
		return nil, errors.New("no boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var out [][2]string
	for {
		part, err := mr.NextPart()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return out, err
		}
		if part.FileName() != "" {
			continue
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(part); err != nil {
			return out, err
		}
		out = append(out, [2]string{part.FormName(), b.String()})
	}
}

// Prepare reads every document's default variant ahead of the first
// exchange, so that no request pays for it (a server under test answers
// its first request as fast as the others).
func (v *Validator) Prepare() error {
	for name := range v.docs {
		if _, err := v.compiledFor(name, ""); err != nil {
			return err
		}
	}
	return nil
}

// CompileAll compiles every schema of every document and variant, so that a
// schema that is not valid JSON Schema 2020-12 fails at once rather than on
// the first exchange that needs it.
func (v *Validator) CompileAll() error {
	for name, doc := range v.docs {
		variants := doc.Variants
		if len(variants) == 0 {
			variants = []string{""}
		}
		for _, variant := range variants {
			c, err := v.compiledFor(name, variant)
			if err != nil {
				return err
			}
			for _, r := range c.routes {
				for _, s := range schemasOf(r.Op, c.doc) {
					if _, err := c.schema(s); err != nil {
						return fmt.Errorf("%s (%s) %s %s: %w", name, variant, r.Method, r.Path, err)
					}
				}
			}
		}
	}
	return nil
}

// schemasOf lists the schemas an operation uses.
func schemasOf(op *openapi.Op, doc *openapi.Doc) []*openapi.Schema {
	var out []*openapi.Schema
	for _, p := range op.Params {
		if p.Schema != nil {
			out = append(out, p.Schema)
		}
	}
	if op.Body != nil {
		for _, m := range op.Body.Content {
			if m.Schema != nil {
				out = append(out, m.Schema)
			}
		}
	}
	for _, r := range append(append(slices.Clone(op.Responses), doc.Common...), doc.Unmatched...) {
		for _, m := range r.Content {
			if m.Schema != nil {
				out = append(out, m.Schema)
			}
		}
		for _, h := range r.Headers {
			if h.Schema != nil {
				out = append(out, h.Schema)
			}
		}
	}
	return out
}
