package keitaro

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// stampLayout is how the tracker writes entity datetimes.
const stampLayout = "2006-01-02 15:04:05"

// call is one Admin API request, authenticated and parsed, inside its
// transaction.
type call struct {
	t     tenant
	s     store.Scoped
	in    params
	path  gin.Params
	id    int64     // the {id} of the path; 0 when the route has none
	query string    // the raw query string (already in `in` for GET and DELETE)
	now   time.Time // the tenant's clock, once per request
	stamp string    // now as an entity datetime
	// dialect is the tenant's: besides shaping answers (render) it decides
	// the few rules that differ (dialect.go).
	dialect dialect
	// seeding is set when a seed document (or the sample data) creates
	// objects through the handlers: the ids and timestamps it gives for
	// sub-items are kept, and no postbacks are sent.
	seeding bool
	// outbox are the S2S postbacks to send once the transaction commits.
	outbox []sentPostback
	// objects, when set, keeps the objects entity.load read ("table id"):
	// a batch that changes none of them (the conversions helper) reads
	// each campaign, offer and traffic source once.
	objects map[string]row
	// conversions, when set, is the batch of conversions the call is
	// recording (the helper, a seed): see conversionBatch.
	conversions *conversionBatch
}

// A handler answers one route. It returns the answer (built from the value
// types of dialect.go, possibly shaped) or an error of errors.go.
type handler func(c *call) (any, error)

// read serves h in a read-only transaction.
func (e *Emulator) read(h handler) gin.HandlerFunc { return e.serve(h, false) }

// write serves h in the write transaction: all of it is stored or none.
func (e *Emulator) write(h handler) gin.HandlerFunc { return e.serve(h, true) }

// serve runs the steps after authentication (§5's order): the {id} of the
// path, the body, then the handler; and renders the answer in the tenant's
// dialect.
func (e *Emulator) serve(h handler, write bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		t := c.MustGet(tenantKey).(tenant)
		var id int64
		if raw, ok := c.Params.Get("id"); ok {
			if id, ok = pathID(raw); !ok {
				writeError(c, e.deps.Log, errNotFound)
				return
			}
		}
		in, ok := parseParams(c.Request)
		if !ok {
			writeError(c, e.deps.Log, errInvalidJSON)
			return
		}
		run := e.deps.Store.Read
		if write {
			run = e.deps.Store.Write
		}
		var out any
		err := run(c, func(tx *store.Tx) error {
			s := tx.Scope(t.Tenant)
			now := s.Now()
			cl := &call{t: t, s: s, in: in, path: c.Params, id: id, query: c.Request.URL.RawQuery,
				now: now, stamp: now.Format(stampLayout), dialect: e.dialectOf(t)}
			var err error
			out, err = h(cl)
			return err
		})
		if err != nil {
			writeError(c, e.deps.Log, err)
			return
		}
		wire.JSON(c.Writer, http.StatusOK, render(out, e.dialectOf(t)))
	}
}

// withQuery lets a POST or PUT route read its parameters from the query
// string as well as the body (the query string wins), as the official
// spec's integration and file-editor routes take them (?path=…&data=…).
func withQuery(h handler) handler {
	return func(c *call) (any, error) {
		setQuery(c.in, c.query)
		return h(c)
	}
}

// pathID reads an {id} segment: digits only (§1.1).
func pathID(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// dialectOf is the tenant's dialect: its own, else the global one.
func (e *Emulator) dialectOf(t tenant) dialect {
	if d, err := parseDialect(t.dialect); err == nil && t.dialect != "" {
		return d
	}
	return e.dialect
}

// success is the answer of routes that only confirm.
func success() wire.Object { return wire.Obj("success", true) }

// newCall is a call made outside the Admin API (the tracker's public side,
// control-plane helpers, seeds) on behalf of tenant t.
func newCall(tx *store.Tx, t tenant) *call {
	s := tx.Scope(t.Tenant)
	now := s.Now()
	return &call{t: t, s: s, in: params{}, now: now, stamp: now.Format(stampLayout)}
}

// param is a named segment of the path.
func (c *call) param(name string) string { return c.path.ByName(name) }
