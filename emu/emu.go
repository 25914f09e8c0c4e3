// Package emu defines what a vendor emulator is: the interface each
// emulators/<vendor> package implements, the dependencies it is built with,
// and the small vocabulary the server and the vendors share (control-plane
// errors, the journal's tenant).
package emu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/outbound"
	"github.com/vendoremu/vendoremu/store"
)

// Deps are what a vendor is built with. They are shared by every vendor.
type Deps struct {
	Store   *store.Store
	Clock   *store.Clock
	Journal *journal.Journal
	Log     *slog.Logger
	// Outbound sends the requests a vendor makes on its own (callbacks,
	// postbacks) after its transaction commits.
	Outbound *outbound.Sender
}

// Factory builds a vendor from its dependencies. Vendor packages export a
// constructor that, given the vendor's own configuration, returns one.
type Factory func(Deps) (Vendor, error)

// Vendor is one emulated vendor API.
//
// Every method that takes a *store.Tx runs inside a transaction the caller
// opened (a write transaction unless noted) and must not open another.
type Vendor interface {
	// Name is the vendor's prefix on the shared listener and its name in the
	// control plane, seed documents and table names ("keitaro").
	Name() string
	// Schema is the vendor's SQL (its embedded schema.sql). Every table is
	// named "<name>_…"; tenant data tables have a tenant_id column that
	// references tenants(id).
	Schema() string
	// OpenAPI describes the vendor's API for its OpenAPI document (title,
	// servers, security schemes, the answers to unknown paths); Routes
	// adds the operations.
	OpenAPI() *openapi.Doc
	// Routes registers the vendor API on r with the vendor's own paths (no
	// prefix), each route with its declaration. r's engine already carries
	// the journal, fault and recovery middleware. The vendor sets NoRoute
	// (and NoMethod, if it answers 405) on r.Engine() itself.
	Routes(r *openapi.Router)
	// Control registers the vendor's control-plane helpers on r, which is
	// /_emulator/<name> of the control plane's document. The server itself
	// owns the "tenants" route.
	Control(r *openapi.Router)
	// TenantSchemas describe POST /_emulator/<name>/tenants in the control
	// plane's document: the body it takes and the credentials it answers.
	TenantSchemas() (body, answer *openapi.Schema)
	// InternalError answers a recovered panic in the vendor's error shape.
	InternalError(c *gin.Context)
	// Defaults seeds the vendor's default tenants and data into its emptied
	// tables (after start on a fresh database, and after a vendor reset).
	Defaults(tx *store.Tx) error
	// ResetTenant wipes one tenant's data and re-applies its defaults, keeping
	// its credentials. An unknown key gives store.ErrNoTenant.
	ResetTenant(tx *store.Tx, key string) error
	// CreateTenant creates a tenant from a control-plane body (possibly empty)
	// and returns the credentials to answer with (status 201). Bad input is
	// an *Error with status 400, a taken credential one with status 409.
	CreateTenant(tx *store.Tx, body []byte) (any, error)
	// LoadSeed applies the vendor's section of a seed document on top of the
	// current data. A section it cannot use is an *Error (status 400) whose
	// message names the problem; the caller rolls everything back.
	LoadSeed(tx *store.Tx, section json.RawMessage) error
	// State dumps everything the vendor holds, or one tenant's part when
	// tenant is not empty (unknown: store.ErrNoTenant). tx is read-only.
	State(tx *store.Tx, tenant string) (any, error)
}

// PathMasker is implemented by a vendor whose paths can carry a secret
// (Keitaro's /<postback key>/postback). MaskPath returns path as a log line
// may show it; the journal keeps the path as it was sent, since tests read
// it there.
type PathMasker interface {
	MaskPath(path string) string
}

// Error is a control-plane failure: an HTTP status and a reason, answered as
// {"error":"<Message>"}.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// BadRequest is a 400 control-plane error.
func BadRequest(format string, args ...any) *Error {
	return &Error{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// NotFound is a 404 control-plane error.
func NotFound(format string, args ...any) *Error {
	return &Error{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// Conflict is a 409 control-plane error.
func Conflict(format string, args ...any) *Error {
	return &Error{http.StatusConflict, fmt.Sprintf(format, args...)}
}

// ErrorStatus maps an error from a vendor's control-plane method to a status
// and message: *Error as it says, store.ErrNoTenant 404, store.ErrTenantExists
// 409, anything else 500.
func ErrorStatus(err error) (int, string) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Status, e.Message
	case errors.Is(err, store.ErrNoTenant):
		return http.StatusNotFound, "unknown tenant"
	case errors.Is(err, store.ErrTenantExists):
		return http.StatusConflict, "tenant exists"
	default:
		return http.StatusInternalServerError, err.Error()
	}
}

// Abort answers a control-plane request with err's status and
// {"error":"…"}.
func Abort(c *gin.Context, err error) {
	status, msg := ErrorStatus(err)
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// DecodeObject parses a control-plane body as one JSON object. An empty body
// is an empty object. Anything else is a 400 naming the problem.
func DecodeObject(body []byte) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	if len(trimSpace(body)) == 0 {
		return out, nil
	}
	if err := json.Unmarshal(body, &out); err != nil || out == nil {
		return nil, BadRequest("body must be a JSON object")
	}
	return out, nil
}

// DecodeStrict decodes a control-plane body, one JSON object, into v. Unknown
// fields and wrong types are a 400 that names them, so a typo in a test's
// fixture is reported instead of ignored. An empty body leaves v as it is.
func DecodeStrict(body []byte, v any) error {
	if len(trimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return BadRequest("body must be a JSON object, got %s", te.Value)
		case errors.As(err, &te):
			return BadRequest("field %q must be %s, got %s", te.Field, kindName(te.Type.Kind()), te.Value)
		default:
			return BadRequest("body must be a JSON object: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if dec.More() {
		return BadRequest("body must be one JSON object")
	}
	return nil
}

// kindName names a Go kind the way a JSON user thinks of it.
func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return k.String()
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// Exchange is what the server learns about one vendor request while the
// vendor serves it. The server puts one in the request's context before the
// vendor sees the request; the vendor reaches it through SetTenant and
// BasePath.
type Exchange struct {
	// Tenant is the tenant's key as SetTenant recorded it, or "".
	Tenant string
	// Fault is the id of the injected fault that changed the answer, or 0.
	Fault int64
	// OnTenant, when set, is called by SetTenant with the key. The server's
	// fault injection uses it to match the faults of that tenant; it may
	// not return (see SetTenant).
	OnTenant func(key string)
	// BasePath is the prefix the shared listener stripped ("/keitaro"), ""
	// on a vendor's own listener.
	BasePath string
}

type exchangeKey struct{}

// WithExchange returns r carrying x; the server calls it before a vendor
// sees r.
func WithExchange(r *http.Request, x *Exchange) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
}

// ExchangeOf is the Exchange r carries, or nil (a control-plane request).
func ExchangeOf(r *http.Request) *Exchange {
	x, _ := r.Context().Value(exchangeKey{}).(*Exchange)
	return x
}

// SetTenant records which tenant a request belongs to (the vendor's
// credential key) once its credential has proved it: the journal shows it,
// and faults scoped to that tenant apply from here on. Call it as soon as
// the credential is checked, inside the transaction that checks it and
// before anything is written. (A request that only names a tenant — a
// partner id with a wrong secret — is NameTenant's.)
//
// When an injected fault answers this tenant's request, SetTenant does not
// return: it unwinds the handler (so its transaction rolls back and nothing
// it did is kept) and the server answers with the fault. Code that recovers
// panics must re-panic errors that match http.ErrAbortHandler.
func SetTenant(c *gin.Context, key string) {
	x := ExchangeOf(c.Request)
	if x == nil {
		return
	}
	x.Tenant = key
	if x.OnTenant != nil {
		x.OnTenant(key)
	}
}

// NameTenant records, for the journal only, the tenant a request names
// before (or without) its credential proving it: a known partner id with a
// wrong secret, a known login with a wrong hash. Faults scoped to that
// tenant do not apply to it — the request is not the tenant's until
// SetTenant.
func NameTenant(c *gin.Context, key string) {
	if x := ExchangeOf(c.Request); x != nil {
		x.Tenant = key
	}
}

// TenantOf returns what SetTenant or NameTenant recorded, or "".
func TenantOf(c *gin.Context) string {
	if x := ExchangeOf(c.Request); x != nil {
		return x.Tenant
	}
	return ""
}

// BasePath is the path prefix a request arrived under: "/<vendor>" on the
// shared listener, "" on the vendor's own listener. Vendors put it in front
// of redirects and links to their own paths, so a browser stays on the
// listener it used.
func BasePath(r *http.Request) string {
	if x := ExchangeOf(r); x != nil {
		return x.BasePath
	}
	return ""
}
