package hitsteps

import (
	"net/http"
	"strings"

	"github.com/vendoremu/vendoremu/openapi"
)

// OpenAPI implements emu.Vendor: the whitelabel API's document header;
// each operation's fields and answer are declared beside its handler (a
// call) and turned into a GET and a POST operation here.
func (e *Emulator) OpenAPI() *openapi.Doc {
	return &openapi.Doc{
		Title:   "Hitsteps whitelabel API (vendoremu)",
		Version: "1.0",
		Description: "The Hitsteps whitelabel API as the emulator serves it. The real paths are not published; " +
			"these are the emulator's. Every call is a form POST (urlencoded or multipart) or a GET with the same " +
			"fields in the query string; a POST's query string is read too (the body wins), a JSON body is not read. " +
			"The last occurrence of a field wins; values are trimmed except passwords; a value over 1024 bytes is " +
			"invalid. Every answer to a known path is HTTP 200: `{\"error\":0,…}` on success, `{\"error\":N,\"msg\":\"…\"}` " +
			"on failure (codes 1–12, see the Error schema). Lists are objects keyed \"0\", \"1\", … followed by " +
			"`\"error\":0`; key order is as documented. Token, main_account and whitelabel_id authenticate every call " +
			"but the first.",
		Servers: []openapi.Server{{Description: "the emulator"}},
		Schemes: []openapi.SecurityScheme{{
			Name: "whitelabelToken", Type: "apiKey", In: "query", ParamName: "token",
			Description: "the token of POST /api/whitelabel/token, sent as the form field `token` (in a POST body or " +
				"the query string); valid 30 days",
		}},
		Tags: []openapi.Tag{
			{Name: "auth"}, {Name: "accounts"}, {Name: "websites"}, {Name: "licences"}, {Name: "statistics"},
		},
		Unmatched: []*openapi.Response{
			openapi.JSONAnswer(http.StatusNotFound, "an unknown path", errorAnswer(404)).Named("UnknownCall"),
			openapi.JSONAnswer(http.StatusMethodNotAllowed, "a method other than GET or POST on a known path",
				errorAnswer(405)).Named("MethodNotAllowed"),
		},
		Common: []*openapi.Response{
			openapi.JSONAnswer(http.StatusInternalServerError, "an internal failure (a bug)", errorAnswer(500)),
		},
	}
}

// errorSchema is every failure's answer: error first, msg second.
var errorSchema = openapi.Named("Error", openapi.Object(
	openapi.Field("error", openapi.Integer().Min(1).Describe("1 missing or invalid field, 2 bad login, 3 invalid token, "+
		"4 invalid whitelabel, 5 account not found, 6 website not found, 7 e-mail exists, 8 invalid e-mail or password, "+
		"9 website exists, 10 plan, duration or licence rule, 11 trial not available, 12 invalid report")),
	openapi.Field("msg", openapi.String().Example("Missing parameter: token")),
))

// errorAnswer is the answer of one routing or internal error code.
func errorAnswer(code int) *openapi.Schema {
	return openapi.Object(
		openapi.Field("error", openapi.Integer().Const(code)),
		openapi.Field("msg", openapi.String()),
	)
}

// Field formats (reference §1.3), as form text; values are trimmed of
// surrounding white space before they are checked.
var (
	idField     = openapi.String().Pattern(trimmed(idFormat.String())).Describe("decimal digits")
	signedField = openapi.String().Pattern(trimmed(signedFormat.String()))
	countField  = openapi.String().Pattern(trimmed(intFormat.String()))
	textField   = openapi.String().MaxLength(maxField)
)

// trimmed allows PHP trim()'s white space around an anchored pattern.
func trimmed(re string) string {
	const space = `[ \t\n\r\x00\x0b]*`
	return "^" + space + strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$") + space + "$"
}

// zero is the "error":0 of every success.
var zero = openapi.Field("error", openapi.Integer().Const(0))

// succeeds is a success answer: "error":0 then props.
func succeeds(props ...openapi.Prop) *openapi.Schema {
	return openapi.Object(append([]openapi.Prop{zero}, props...)...)
}

// list is a list answer: entries keyed "0", "1", … then "error":0.
func list(entry *openapi.Schema) *openapi.Schema {
	return openapi.Object(zero).PatternProp(`^[0-9]+$`, entry)
}

// field is one request field of a call.
type field struct {
	name     string
	schema   *openapi.Schema
	required bool
	desc     string
}

// call documents one operation: its own fields (after the authentication
// fields its access implies) and its success answer.
type call struct {
	summary string
	tag     string
	fields  []field
	answer  *openapi.Schema
}

// authFields are the fields an access level adds in front of a call's own.
func authFields(a access) []field {
	switch a {
	case byToken:
		return []field{
			{"token", openapi.String(), true, "the whitelabel token"},
			{"main_account", textField, true, "the token's own main account"},
		}
	case byWhitelabel:
		return []field{
			{"token", openapi.String(), true, "the whitelabel token"},
			{"whitelabel_id", idField, true, "a whitelabel of the token's main account"},
		}
	}
	return nil
}

// ops are the GET and POST operations of op. A POST reads the query string
// too (the body wins), so its fields are optional in both places: a field
// required by the call must be in one of them.
func (op operation) ops() (get, post *openapi.Op) {
	fields := append(authFields(op.access), op.doc.fields...)
	var getParams, postParams []openapi.Param
	var props []openapi.Prop
	for _, f := range fields {
		desc := f.desc
		if f.required {
			desc = strings.TrimSuffix("required; "+desc, "; ")
		}
		props = append(props, openapi.Optional(f.name, f.schema.Describe(desc)))
		if f.name == "token" {
			continue // the security scheme's query parameter
		}
		p := openapi.Query(f.name, f.schema, desc)
		postParams = append(postParams, p)
		p.Required = f.required
		getParams = append(getParams, p)
	}
	body := openapi.Object(props...)
	answers := []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "success", op.doc.answer),
		openapi.JSONAnswer(http.StatusOK, "failure: error 1–12 with its msg (HTTP 200 all the same)", errorSchema).AsError(),
	}
	base := openapi.Op{
		Summary:   op.doc.summary,
		Tags:      []string{op.doc.tag},
		Responses: answers,
		Security:  []openapi.Requirement{{"whitelabelToken"}},
		NoAuth:    op.access == public,
	}
	get, post = new(openapi.Op), new(openapi.Op)
	*get, *post = base, base
	get.Params = getParams
	post.Params = postParams
	post.Body = &openapi.Body{Content: []openapi.Media{
		{Type: "application/x-www-form-urlencoded", Schema: body},
		{Type: "multipart/form-data", Schema: body},
	}}
	post.Description = "Each field may travel in the body or in the query string (the body wins); a required one " +
		"missing from both answers error 1. A JSON body is not read."
	return get, post
}

// TenantSchemas implements emu.Vendor (reference §7.1).
func (e *Emulator) TenantSchemas() (body, answer *openapi.Schema) {
	text := openapi.String().MinLength(1).MaxLength(maxField)
	body = openapi.Object(
		openapi.Optional("username", text.Nullable()),
		openapi.Optional("password", text.Nullable()),
		openapi.Optional("main_account", jsonCount.Nullable().Describe("digits")),
		openapi.Optional("token", text.Nullable()),
		openapi.Optional("whitelabel_ids", openapi.Array(jsonCount).MinItems(1).Nullable()),
		openapi.Optional("whitelabels", openapi.Array(openapi.Object(
			openapi.Optional("whitelabel_brand", text.Nullable()),
			openapi.Optional("whitelabel_url", text.Nullable()),
		)).Nullable()),
	)
	answer = openapi.Object(
		openapi.Field("username", openapi.String()),
		openapi.Field("password", openapi.String()),
		openapi.Field("main_account", openapi.String().Pattern(`^[0-9]+$`)),
		openapi.Field("token", openapi.String()),
		openapi.Field("whitelabel_ids", openapi.Array(openapi.Integer())),
	)
	return body, answer
}
