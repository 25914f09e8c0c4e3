package openapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
)

func router() (*openapi.Router, *openapi.Doc) {
	gin.SetMode(gin.ReleaseMode)
	doc := &openapi.Doc{Name: "t", Title: "t", Version: "1", Servers: []openapi.Server{{}}}
	return openapi.NewRouter(gin.New(), doc), doc
}

// A route registered without a declaration is reported and cannot be
// rendered.
func TestUndeclaredRoute(t *testing.T) {
	r, doc := router()
	r.GET("/a/:id", &openapi.Op{Responses: []*openapi.Response{openapi.Empty(http.StatusNoContent, "")}}, func(*gin.Context) {})
	r.Group("/g").POST("/b", nil, func(*gin.Context) {})
	r.Dispatch([]string{http.MethodGet}, "/api/:fn", func(*gin.Context) {})
	got := strings.Join(doc.Undeclared(), ", ")
	if got != "POST /g/b, GET /api/{fn}" {
		t.Errorf("undeclared: %q", got)
	}
	if _, err := doc.JSON(openapi.Target{}); err == nil {
		t.Error("a document with an undeclared route rendered")
	}
}

// The document is assembled from the registrations: paths in OpenAPI form,
// named schemas as components, the same-status answers merged.
func TestRender(t *testing.T) {
	r, doc := router()
	pet := openapi.Named("Pet", openapi.Object(openapi.Field("name", openapi.String()), openapi.Optional("age", openapi.Integer().Nullable())))
	r.GET("/pets/:id", &openapi.Op{ID: "getPet", Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the pet", pet),
		openapi.JSONAnswer(http.StatusOK, "refused", openapi.Object(openapi.Field("error", openapi.Integer()))).AsError(),
	}}, func(*gin.Context) {})
	js, err := doc.JSON(openapi.Target{Bases: []string{"http://h:1/v"}})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		OpenAPI string
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			OperationID string
			Parameters  []struct{ Name, In string }
			Responses   map[string]struct {
				Content map[string]struct{ Schema map[string]any }
			}
		}
		Components struct{ Schemas map[string]map[string]any }
	}
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	op := m.Paths["/pets/{id}"]["get"]
	if m.OpenAPI != "3.1.0" || m.Servers[0].URL != "http://h:1/v" || op.OperationID != "getPet" {
		t.Errorf("document: %s", js)
	}
	if len(op.Parameters) != 1 || op.Parameters[0].Name != "id" || op.Parameters[0].In != "path" {
		t.Errorf("path parameter: %+v", op.Parameters)
	}
	if oneOf := op.Responses["200"].Content["application/json"].Schema["oneOf"]; oneOf == nil {
		t.Errorf("two answers of one status are not merged into oneOf: %s", js)
	}
	petDef := m.Components.Schemas["Pet"]
	if petDef == nil || petDef["additionalProperties"] != false {
		t.Errorf("component Pet: %v", petDef)
	}
	if age := petDef["properties"].(map[string]any)["age"].(map[string]any)["type"]; age.([]any)[1] != "null" {
		t.Errorf("nullable: %v", age)
	}
}

// YAML says what the JSON says.
func TestYAML(t *testing.T) {
	r, doc := router()
	r.GET("/x", &openapi.Op{Summary: "a \"quoted\": summary\nwith lines", Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "", openapi.Object(openapi.Field("true", openapi.String().Enum("null", "yes")))),
	}}, func(*gin.Context) {})
	y, err := doc.YAML(openapi.Target{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`openapi: "3.1.0"`, `summary: "a \"quoted\": summary\nwith lines"`, `"true":`, `- "null"`} {
		if !strings.Contains(string(y), want) {
			t.Errorf("YAML lacks %s:\n%s", want, y)
		}
	}
}
