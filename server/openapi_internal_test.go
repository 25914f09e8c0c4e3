package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/openapi/validate"
)

// newFullServer builds (without starting) a server with all five vendors.
func newFullServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(context.Background(), Config{Vendors: emulators.All(emulators.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestEveryRouteIsDeclared: every route of every engine went through the
// openapi.Router with a declaration, so each is in a document.
func TestEveryRouteIsDeclared(t *testing.T) {
	srv := newFullServer(t)
	engines := map[string]*gin.Engine{ControlDoc: srv.control}
	for name, m := range srv.byName {
		engines[name] = m.handler.engine
	}
	for name, e := range engines {
		doc := srv.Document(name)
		for _, r := range doc.Undeclared() {
			t.Errorf("%s: %s has no OpenAPI declaration", name, r)
		}
		registered := map[string]bool{}
		for _, r := range doc.Routes() {
			if r.Handler != "" {
				registered[r.Method+" "+r.Handler] = true
			}
		}
		for _, r := range e.Routes() {
			if !registered[r.Method+" "+r.Path] {
				t.Errorf("%s: %s %s was registered on the engine directly, not through openapi.Router", name, r.Method, r.Path)
			}
		}
		if len(e.Routes()) == 0 {
			t.Errorf("%s: no routes", name)
		}
	}
}

// TestDocumentsAreValidOpenAPI31 loads every document (JSON and YAML, every
// Keitaro dialect) with kin-openapi and validates it as OpenAPI 3.1, and
// compiles every schema as JSON Schema 2020-12.
func TestDocumentsAreValidOpenAPI31(t *testing.T) {
	srv := newFullServer(t)
	for name, doc := range srv.Documents() {
		variants := doc.Variants
		if len(variants) == 0 {
			variants = []string{""}
		}
		for _, variant := range variants {
			target := srv.DocumentTarget(name, "127.0.0.1:8080", variant)
			js, err := doc.JSON(target)
			if err != nil {
				t.Fatalf("%s %s: %v", name, variant, err)
			}
			fromJSON := load(t, name+" "+variant+" json", js)
			ym, err := doc.YAML(target)
			if err != nil {
				t.Fatalf("%s %s yaml: %v", name, variant, err)
			}
			fromYAML := load(t, name+" "+variant+" yaml", ym)
			a, _ := json.Marshal(fromJSON)
			b, _ := json.Marshal(fromYAML)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: the YAML document differs from the JSON one", name, variant)
			}
			checkExamples(t, name+" "+variant, js)
			if !fromJSON.IsOpenAPI31OrLater() {
				t.Errorf("%s: not OpenAPI 3.1: %s", name, fromJSON.OpenAPI)
			}
		}
	}
	if err := validate.New(srv.Documents()).CompileAll(); err != nil {
		t.Error(err)
	}
}

// checkExamples validates every schema's examples against the schema.
func checkExamples(t *testing.T, what string, js []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	const base = "mem://doc.json"
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch x := v.(type) {
		case map[string]any:
			if ex, ok := x["examples"].([]any); ok && strings.Contains(ptr, "schema") {
				sch, err := c.Compile(base + "#" + escapePointer(ptr))
				if err != nil {
					t.Errorf("%s %s: %v", what, ptr, err)
					return
				}
				for _, e := range ex {
					n++
					if err := sch.Validate(e); err != nil {
						t.Errorf("%s %s: the example does not fit its schema: %v", what, ptr, err)
					}
				}
			}
			for k, child := range x {
				walk(child, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
			}
		case []any:
			for i, child := range x {
				walk(child, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "")
	if n == 0 {
		t.Errorf("%s: no examples", what)
	}
}

// escapePointer writes a JSON pointer as a URL fragment.
func escapePointer(p string) string {
	var b strings.Builder
	for _, c := range []byte(p) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func load(t *testing.T, what string, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("%s: load: %v", what, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("%s: not a valid OpenAPI document: %v", what, err)
	}
	return doc
}

// TestKeitaroDocumentPerDialect: the dialects' documents differ where the
// answers do, and the default is the configured dialect.
func TestKeitaroDocumentPerDialect(t *testing.T) {
	srv := newFullServer(t)
	doc := srv.Document("keitaro")
	if doc.Variants[0] != "classic" {
		t.Fatalf("default dialect %q", doc.Variants[0])
	}
	get := func(variant string) map[string]any {
		js, err := doc.JSON(openapi.Target{Variant: variant})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatal(err)
		}
		return m["components"].(map[string]any)["schemas"].(map[string]any)
	}
	costType := func(schemas map[string]any) any {
		props := schemas["Campaign"].(map[string]any)["properties"].(map[string]any)
		return props["cost_value"].(map[string]any)["type"]
	}
	if c, m := costType(get("classic")), costType(get("modern")); c != "string" || m != "number" {
		t.Errorf("cost_value: classic %v, modern %v", c, m)
	}
	if _, err := doc.JSON(openapi.Target{Variant: "ancient"}); err == nil {
		t.Error("an unknown dialect rendered")
	}
}
