package openapi

import "net/http"

// Exchange is one request to a documented API and the answer it got, as
// the server hands it to a validator in tests.
type Exchange struct {
	// Doc names the document ("keitaro", "control").
	Doc string
	// Variant is the document variant that describes the answer ("" the
	// default).
	Variant string
	// Tenant is the vendor credential of the request's tenant, "" when
	// none was identified.
	Tenant string
	Method string
	// Path is the request path below the document's prefix.
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	// BodyCut is set when Body holds only the start of a very large body.
	BodyCut        bool
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	// ResponseCut is set when ResponseBody holds only the start.
	ResponseCut bool
}
