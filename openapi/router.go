package openapi

import (
	"context"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
)

// Router registers routes on a gin engine and records each with its Op in
// a Doc. It is the only way vendors and the control plane register routes,
// so every route the server answers is in the document.
type Router struct {
	engine *gin.Engine
	group  *gin.RouterGroup
	doc    *Doc
	base   string // gin path of the group, for the document's paths
}

// NewRouter records on doc the routes registered on e.
func NewRouter(e *gin.Engine, doc *Doc) *Router {
	return &Router{engine: e, group: &e.RouterGroup, doc: doc, base: "/"}
}

// Engine is the gin engine, for NoRoute, NoMethod and the like.
func (r *Router) Engine() *gin.Engine { return r.engine }

// Doc is the document the routes are recorded in.
func (r *Router) Doc() *Doc { return r.doc }

// Group is a router for the paths below relativePath, whose handlers run
// after mw.
func (r *Router) Group(relativePath string, mw ...gin.HandlerFunc) *Router {
	return &Router{engine: r.engine, group: r.group.Group(relativePath, mw...), doc: r.doc,
		base: join(r.base, relativePath)}
}

// Handle registers handlers for method and relativePath, described by op
// (nil op: the route is recorded as undeclared and a test fails).
func (r *Router) Handle(method, relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.group.Handle(method, relativePath, handlers...)
	full := join(r.base, relativePath)
	r.doc.routes = append(r.doc.routes, Route{Method: method, Path: ginPath(full), Op: op, Handler: full})
}

// GET registers a GET route.
func (r *Router) GET(relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.Handle(http.MethodGet, relativePath, op, handlers...)
}

// POST registers a POST route.
func (r *Router) POST(relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.Handle(http.MethodPost, relativePath, op, handlers...)
}

// PUT registers a PUT route.
func (r *Router) PUT(relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.Handle(http.MethodPut, relativePath, op, handlers...)
}

// PATCH registers a PATCH route.
func (r *Router) PATCH(relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.Handle(http.MethodPatch, relativePath, op, handlers...)
}

// DELETE registers a DELETE route.
func (r *Router) DELETE(relativePath string, op *Op, handlers ...gin.HandlerFunc) {
	r.Handle(http.MethodDelete, relativePath, op, handlers...)
}

// Operation is an operation that a dispatching route serves at a path of
// its own: one gin route "/api/:function" answering "/api/CreateAccount",
// "/api/GetAccount", …
type Operation struct {
	Method string
	Path   string
	Op     *Op
}

// Dispatch registers handler for methods on relativePath and documents the
// operations it serves (paths relative to the router, like relativePath).
// With no operations the route is recorded as undeclared.
func (r *Router) Dispatch(methods []string, relativePath string, handler gin.HandlerFunc, ops ...Operation) {
	full := join(r.base, relativePath)
	for _, m := range methods {
		r.group.Handle(m, relativePath, handler)
		r.doc.routes = append(r.doc.routes, Route{Method: m, Path: ginPath(full), Handler: full, Dispatch: len(ops) > 0})
	}
	for _, o := range ops {
		r.doc.routes = append(r.doc.routes, Route{Method: o.Method, Path: ginPath(join(r.base, o.Path)), Op: o.Op,
			Via: ginPath(full)})
	}
}

// Also registers handler for methods on relativePath, a route that answers
// operations the document already has at their paths below one of its
// servers (JustClick's /u/{login} path form): the route is covered, and
// nothing is added to the document.
func (r *Router) Also(methods []string, relativePath string, handler gin.HandlerFunc) {
	full := join(r.base, relativePath)
	for _, m := range methods {
		r.group.Handle(m, relativePath, handler)
		r.doc.routes = append(r.doc.routes, Route{Method: m, Path: ginPath(full), Handler: full, Dispatch: true})
	}
}

// Serves documents operations that no route of their own answers (the
// engine's NoRoute serves them, as Keitaro's tracker side). Paths are
// relative to the router.
func (r *Router) Serves(ops ...Operation) {
	for _, o := range ops {
		r.doc.routes = append(r.doc.routes, Route{Method: o.Method, Path: ginPath(join(r.base, o.Path)), Op: o.Op})
	}
}

// AllMethods are the methods gin's Any registers.
var AllMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodHead,
	http.MethodOptions, http.MethodDelete, http.MethodConnect, http.MethodTrace}

func join(base, rel string) string {
	if rel == "" {
		return base
	}
	p := path.Join(base, rel)
	if p != "/" && rel[len(rel)-1] == '/' {
		p += "/"
	}
	return p
}

// variantKey is the request context key of a variant slot.
type variantKey struct{}

// WithVariant returns r carrying a slot for the variant of the document
// that describes its answer, and a function that reads the slot once the
// request is answered. A validator's server calls it; without it,
// SetVariant does nothing.
func WithVariant(r *http.Request) (*http.Request, func() string) {
	slot := new(string)
	return r.WithContext(context.WithValue(r.Context(), variantKey{}, slot)), func() string { return *slot }
}

// SetVariant records which variant of the document describes the answer to
// this request (a Keitaro tenant's dialect), for a validator.
func SetVariant(c *gin.Context, variant string) {
	if slot, ok := c.Request.Context().Value(variantKey{}).(*string); ok {
		*slot = variant
	}
}
