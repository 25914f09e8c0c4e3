package validate_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/openapi/validate"
)

// shop is a small document in the vendors' styles: a JSON API with an
// error status, a form function answering every outcome with 200, a
// dispatching route and a dialect.
func shop(t *testing.T) *validate.Validator {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	item := openapi.Named("Item", openapi.Variants(map[string]*openapi.Schema{
		"old": openapi.Object(openapi.Field("id", openapi.String()), openapi.Field("price", openapi.String())),
		"new": openapi.Object(openapi.Field("id", openapi.Integer()), openapi.Field("price", openapi.Number())),
	}))
	notFound := openapi.JSONAnswer(http.StatusNotFound, "unknown", openapi.Object(openapi.Field("error", openapi.String())))
	doc := &openapi.Doc{
		Name: "shop", Title: "shop", Version: "1",
		Servers:  []openapi.Server{{}, {Path: "/u/{login}"}},
		Variants: []string{"old", "new"},
		Schemes:  []openapi.SecurityScheme{{Name: "key", Type: "apiKey", In: "query", ParamName: "key"}},
		Security: []openapi.Requirement{{"key"}},
		Unmatched: []*openapi.Response{
			openapi.Answer(http.StatusNotFound, "no such path", openapi.Media{Type: "text/plain", Schema: openapi.String().Const("Not Found")}),
		},
	}
	r := openapi.NewRouter(gin.New(), doc)
	nop := func(*gin.Context) {}
	r.GET("/items/:id", &openapi.Op{
		Params:    []openapi.Param{openapi.PathParam("id", openapi.Integer(), ""), openapi.Query("full", openapi.Boolean(), "")},
		Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "the item", item), notFound},
	}, nop)
	r.POST("/items", &openapi.Op{
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
			openapi.Field("name", openapi.String()), openapi.Optional("tags", openapi.Array(openapi.String())),
		))}},
		Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "created", item)},
	}, nop)
	envelope := func(code *openapi.Schema) *openapi.Schema {
		return openapi.Object(openapi.Field("error", code))
	}
	r.Dispatch([]string{http.MethodPost}, "/api/:function", nop, openapi.Operation{
		Method: http.MethodPost, Path: "/api/AddGood",
		Op: &openapi.Op{
			Body: &openapi.Body{Content: []openapi.Media{{Type: "application/x-www-form-urlencoded", Schema: openapi.Object(
				openapi.Field("goods", openapi.Array(openapi.Object(openapi.Field("good_name", openapi.String())))),
			)}}},
			Responses: []*openapi.Response{
				openapi.JSONAnswer(http.StatusOK, "added", envelope(openapi.Integer().Const(0))),
				openapi.JSONAnswer(http.StatusOK, "refused", envelope(openapi.Integer().Min(1))).AsError(),
			},
		},
	})
	v := validate.New(map[string]*openapi.Doc{"shop": doc})
	if err := v.CompileAll(); err != nil {
		t.Fatal(err)
	}
	return v
}

func exchange(method, path, query string, status int, ctype, body string) openapi.Exchange {
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return openapi.Exchange{Doc: "shop", Method: method, Path: path, Query: query, Header: http.Header{},
		Status: status, ResponseHeader: h, ResponseBody: []byte(body)}
}

func withBody(ex openapi.Exchange, ctype, body string) openapi.Exchange {
	ex.Header.Set("Content-Type", ctype)
	ex.Body = []byte(body)
	return ex
}

func TestValidator(t *testing.T) {
	v := shop(t)
	for _, tc := range []struct {
		name string
		ex   openapi.Exchange
		want string // "" passes; else a part of the error
	}{
		{"documented answer", exchange("GET", "/items/7", "key=k", 200, "application/json", `{"id":"7","price":"1.50"}`), ""},
		{"documented error", exchange("GET", "/items/7", "", 404, "application/json", `{"error":"no"}`), ""},
		{"undocumented status", exchange("GET", "/items/7", "", 409, "application/json", `{"error":"no"}`), "status 409 is not documented"},
		{"undocumented field", exchange("GET", "/items/7", "", 200, "application/json", `{"id":"7","price":"1","x":1}`), "additional properties 'x'"},
		{"wrong JSON type", exchange("GET", "/items/7", "", 200, "application/json", `{"id":7,"price":"1"}`), "/id"},
		{"missing field", exchange("GET", "/items/7", "", 200, "application/json", `{"id":"7"}`), "missing property 'price'"},
		{"undocumented content type", exchange("GET", "/items/7", "", 200, "text/html", `<p>`), "content type"},
		{"not JSON", exchange("GET", "/items/7", "", 200, "application/json", `{`), "not JSON"},
		{"undocumented parameter accepted", exchange("GET", "/items/7", "debug=1", 200, "application/json", `{"id":"7","price":"1"}`), `query parameter "debug" is not documented`},
		{"undocumented parameter refused", exchange("GET", "/items/7", "debug=1", 404, "application/json", `{"error":"no"}`), ""},
		{"parameter of the wrong type accepted", exchange("GET", "/items/7", "full=maybe", 200, "application/json", `{"id":"7","price":"1"}`), "query parameter full"},
		{"path parameter of the wrong type accepted", exchange("GET", "/items/seven", "", 200, "application/json", `{"id":"7","price":"1"}`), "path parameter id"},
		{"unknown path with its documented answer", exchange("GET", "/nothing", "", 404, "text/plain", `Not Found`), ""},
		{"unknown path with another answer", exchange("GET", "/nothing", "", 200, "application/json", `{}`), "a path the document does not have"},
		{"unknown method", exchange("DELETE", "/items/7", "", 200, "application/json", `{}`), "a method the path does not have"},
		{"HEAD answered like GET", exchange("HEAD", "/items/7", "", 200, "application/json", ``), ""},
		{"server path prefix", exchange("GET", "/u/bob/items/7", "", 200, "application/json", `{"id":"7","price":"1"}`), ""},
		{"function name in any case", withBody(exchange("POST", "/api/addgood", "", 200, "application/json", `{"error":0}`),
			"application/x-www-form-urlencoded", "goods[0][good_name]=book"), ""},
		{"literal segment case matters", exchange("POST", "/API/AddGood", "", 200, "application/json", `{"error":0}`), "a path the document does not have"},
		{"PHP form field of the wrong shape accepted", withBody(exchange("POST", "/api/AddGood", "", 200, "application/json", `{"error":0}`),
			"application/x-www-form-urlencoded", "goods=book"), "request body at \"/goods\""},
		{"PHP form field of the wrong shape refused with 200", withBody(exchange("POST", "/api/AddGood", "", 200, "application/json", `{"error":3}`),
			"application/x-www-form-urlencoded", "goods=book"), ""},
		{"undocumented body field accepted", withBody(exchange("POST", "/items", "", 200, "application/json", `{"id":"1","price":"1"}`),
			"application/json", `{"name":"a","colour":"red"}`), "additional properties 'colour'"},
		{"JSON whatever the Content-Type", withBody(exchange("POST", "/items", "", 200, "application/json", `{"id":"1","price":"1"}`),
			"text/plain", `{"name":"a"}`), ""},
		{"missing required body", exchange("POST", "/items", "", 200, "application/json", `{"id":"1","price":"1"}`), "request body is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Check(tc.ex)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected failure: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("passed, want a failure naming %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("failure %v does not name %q", err, tc.want)
			}
		})
	}
}

// TestValidatorVariant: the answer is checked against the variant the
// exchange names.
func TestValidatorVariant(t *testing.T) {
	v := shop(t)
	ex := exchange("GET", "/items/7", "", 200, "application/json", `{"id":7,"price":1.5}`)
	if err := v.Check(ex); err == nil {
		t.Error("the new shape passed as the default (old) variant")
	}
	ex.Variant = "new"
	if err := v.Check(ex); err != nil {
		t.Errorf("new variant: %v", err)
	}
}

// TestCheckAnswer ignores what is wrong with the request, not the answer.
func TestCheckAnswer(t *testing.T) {
	v := shop(t)
	ex := exchange("GET", "/items/7", "debug=1", 200, "application/json", `{"id":"7","price":"1"}`)
	if err := v.CheckAnswer(ex); err != nil {
		t.Errorf("CheckAnswer: %v", err)
	}
	ex.ResponseBody = []byte(`{"id":"7"}`)
	if err := v.CheckAnswer(ex); err == nil {
		t.Error("CheckAnswer passed a broken answer")
	}
}
