package mousestats

import (
	"net/http"

	"github.com/vendoremu/vendoremu/openapi"
)

// OpenAPI implements emu.Vendor: the reseller API's document header; the
// operations are declared beside their handlers.
func (e *Emulator) OpenAPI() *openapi.Doc {
	return &openapi.Doc{
		Title:   "MouseStats reseller API (vendoremu)",
		Version: "1.0",
		Description: "The MouseStats reseller API as the emulator serves it. Function names after `/api/` match " +
			"case-insensitively; parameter names are case-sensitive and travel only in the query string (the " +
			"first occurrence counts; unknown ones are ignored). Every business outcome is HTTP 200 with a raw " +
			"text answer (`ok`, `user-exists`, `invalid-parameters`, `permission-denied`, a login token); only " +
			"GetAccount answers JSON.",
		Servers: []openapi.Server{{Description: "the emulator (the vendor serves the partner calls from https://ssl.mousestats.com)"}},
		Schemes: []openapi.SecurityScheme{
			{Name: "partnerId", Type: "apiKey", In: "query", ParamName: "_partnerId",
				Description: "the partner's unique name (case-sensitive)"},
			{Name: "partnerSecret", Type: "apiKey", In: "query", ParamName: "_partnerSecret",
				Description: "the partner's private secret; every credential failure answers `permission-denied`"},
		},
		Security: []openapi.Requirement{{"partnerId", "partnerSecret"}},
		Tags:     []openapi.Tag{{Name: "partner", Description: "server-side calls of the partner"}, {Name: "browser", Description: "pages the customer's browser opens"}},
		Unmatched: []*openapi.Response{
			openapi.Empty(http.StatusNotFound, "an unknown function or path: empty body").Named("NotFound"),
			openapi.Empty(http.StatusMethodNotAllowed, "a method other than GET on a known path: empty body").
				Named("MethodNotAllowed").WithHeader("Allow", openapi.String().Const("GET"), "always GET", true),
		},
		Common: []*openapi.Response{
			openapi.Answer(http.StatusInternalServerError, "a recovered panic (a bug)", textAnswer(openapi.String().Const(answerServerError))),
		},
	}
}

// textAnswer is a raw text answer.
func textAnswer(s *openapi.Schema) openapi.Media { return openapi.Media{Type: "text/plain", Schema: s} }

// textReply is HTTP 200 with a raw text answer.
func textReply(desc string, s *openapi.Schema) *openapi.Response {
	return openapi.Answer(http.StatusOK, desc, textAnswer(s))
}

// Answers shared by the partner calls.
var (
	permissionDenied = textReply("a credential failure (checked first), or no such account for this partner",
		openapi.String().Const(string(errPermissionDenied))).AsError()
	invalidParameters = textReply("_userEmail missing, empty or invalid",
		openapi.String().Const(string(errInvalidParameters))).AsError()
)

// userEmailParam is _userEmail with the reference's syntax (§4.5).
var userEmailParam = openapi.Query("_userEmail", openapi.String().MinLength(minEmailLen).MaxLength(maxEmailLen).
	Pattern(emailPattern.String()).Example(DefaultEmail), "the customer's e-mail (looked up case-insensitively)").Require()

// TenantSchemas implements emu.Vendor.
func (e *Emulator) TenantSchemas() (body, answer *openapi.Schema) {
	id := openapi.String().Pattern(partnerIDPattern.String()).Describe("1–64 characters of A-Z a-z 0-9 . _ -")
	secret := openapi.String().Pattern(secretPattern.String()).Describe("1–128 printable ASCII characters, no spaces")
	return openapi.Object(openapi.Optional("partnerId", id.Nullable()), openapi.Optional("partnerSecret", secret.Nullable())).
			Describe("both optional (null: generate); other members are ignored"),
		openapi.Object(openapi.Field("partnerId", id), openapi.Field("partnerSecret", secret))
}
