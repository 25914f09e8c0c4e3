package openapi

import (
	"net/http"
	"slices"
	"strings"
)

// Doc is one API: its description and, once its routes are registered
// through a Router, its operations. Render turns it into an OpenAPI 3.1
// document.
type Doc struct {
	// Name is the document's file name without extension ("keitaro").
	Name        string
	Title       string
	Version     string
	Description string
	// Servers are the base paths below the listener's prefix that the
	// operations' paths are relative to: "" for the prefix itself, or a
	// template such as "/u/{login}" (JustClick names its account there).
	Servers []Server
	// Schemes are the security schemes; Security the requirement of every
	// operation that does not set its own.
	Schemes  []SecurityScheme
	Security []Requirement
	Tags     []Tag
	// Variants are the document's variants (the Keitaro dialects), first the
	// default; empty for a document with one form. VariantParam is the query
	// parameter that picks one when the document is served ("dialect").
	Variants     []string
	VariantParam string
	// Unmatched are the answers to a path no operation has (and to a method
	// a path does not have): documented once under components/responses.
	Unmatched []*Response
	// Common are answers every operation may give (a recovered panic's
	// 500): they are added to each operation's responses.
	Common []*Response

	routes []Route
}

// Server is a base path below the listener's prefix.
type Server struct {
	Path        string
	Description string
	// Variables are the path's template variables with their defaults.
	Variables []Variable
	// Host, when set, is a template for the host instead of the listener's
	// ("{login}.localhost"); the port stays the listener's.
	Host string
}

// Variable is a server template variable.
type Variable struct {
	Name, Default, Description string
}

// SecurityScheme is an OpenAPI security scheme.
type SecurityScheme struct {
	Name        string
	Type        string // apiKey, http
	In          string // header, query, cookie (apiKey)
	ParamName   string // the header / query parameter (apiKey)
	Scheme      string // bearer (http)
	Format      string // bearerFormat (http)
	Description string
}

// Requirement names the schemes that together authorise a request; a list
// of requirements is satisfied by any one of them.
type Requirement []string

// Tag groups operations.
type Tag struct {
	Name, Description string
}

// Route is one registered operation.
type Route struct {
	Method string
	// Path is the OpenAPI path ("/campaigns/{id}").
	Path string
	Op   *Op
	// Handler is the gin path the route was registered under, when it is
	// a route of its own ("" for operations a dispatching route serves).
	Handler string
	// Dispatch marks a gin route that answers the operations documented
	// at their own paths (Router.Dispatch); it has no Op of its own.
	Dispatch bool
	// Via is, for an operation a dispatching route serves, that route's
	// path: where it has a variable, the operation's path segment matches
	// ignoring case (function names).
	Via string
}

// Routes are the registered operations in registration order.
func (d *Doc) Routes() []Route { return d.routes }

// Undeclared lists the routes registered without an Op, as "METHOD path".
func (d *Doc) Undeclared() []string {
	var out []string
	for _, r := range d.routes {
		if r.Op == nil && !r.Dispatch {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// Op is one operation: what a client sends and every answer it can get.
type Op struct {
	ID          string
	Summary     string
	Description string
	Tags        []string
	Params      []Param
	Body        *Body
	Responses   []*Response
	// Security overrides the document's requirement; NoAuth sets none.
	Security   []Requirement
	NoAuth     bool
	Deprecated bool
}

// Param is a query, path, header or cookie parameter.
type Param struct {
	In          string
	Name        string
	Schema      *Schema
	Required    bool
	Description string
	// Explode false for a comma-separated list in one value.
	Explode *bool
}

// Query is a query parameter.
func Query(name string, s *Schema, desc string) Param {
	return Param{In: "query", Name: name, Schema: s, Description: desc}
}

// PathParam is a path parameter (always required).
func PathParam(name string, s *Schema, desc string) Param {
	return Param{In: "path", Name: name, Schema: s, Description: desc, Required: true}
}

// Header is a request header parameter.
func Header(name string, s *Schema, desc string) Param {
	return Param{In: "header", Name: name, Schema: s, Description: desc}
}

// Require marks the parameter required.
func (p Param) Require() Param {
	p.Required = true
	return p
}

// Body is a request body.
type Body struct {
	Required    bool
	Description string
	Content     []Media
}

// Media is one representation of a body.
type Media struct {
	Type    string
	Schema  *Schema
	Example any
	// Encoding tells, per form field, how it is written (style deepObject
	// for PHP bracket fields).
	Encoding map[string]string
}

// Response is one answer of an operation. Several responses may share a
// status (a vendor that answers every error with 200): the document merges
// them into one, and a validator tells them apart by their schemas.
type Response struct {
	// Name names an answer of Doc.Unmatched under components/responses.
	Name string
	// Status is the HTTP status; 0 is the document's "default".
	Status      int
	Description string
	Headers     []ResponseHeader
	// Content is empty for an answer without a body.
	Content []Media
	// Error marks an answer that refuses the request (implied by a status of
	// 400 or more); a request the document does not allow must get one.
	Error bool
}

// ResponseHeader is a header of a response.
type ResponseHeader struct {
	Name        string
	Schema      *Schema
	Description string
	Required    bool
}

// Refusal reports whether the response refuses the request.
func (r *Response) Refusal() bool { return r.Error || r.Status >= 400 }

// JSON is an application/json body.
func JSON(s *Schema) Media { return Media{Type: "application/json", Schema: s} }

// Answer is a response with content.
func Answer(status int, desc string, content ...Media) *Response {
	return &Response{Status: status, Description: desc, Content: content}
}

// JSONAnswer is a response with a JSON body.
func JSONAnswer(status int, desc string, s *Schema) *Response {
	return Answer(status, desc, JSON(s))
}

// Empty is a response without a body.
func Empty(status int, desc string) *Response {
	return &Response{Status: status, Description: desc}
}

// WithHeader returns r with one more header.
func (r *Response) WithHeader(name string, s *Schema, desc string, required bool) *Response {
	c := *r
	c.Headers = append(slices.Clone(r.Headers), ResponseHeader{name, s, desc, required})
	return &c
}

// Named returns r with a component name (for Doc.Unmatched).
func (r *Response) Named(name string) *Response {
	c := *r
	c.Name = name
	return &c
}

// AsError returns r marked as a refusal.
func (r *Response) AsError() *Response {
	c := *r
	c.Error = true
	return &c
}

// ginPath turns gin's ":id" and "*rest" segments into "{id}" and "{rest}".
func ginPath(p string) string {
	if !strings.ContainsAny(p, ":*") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// methodOrder is the order operations are written in within a path.
var methodOrder = []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace}
