package keitaro

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// The 406 messages of §4.0.3, exactly.
const (
	msgRequired = "This field is required"
	msgInvalid  = "This value is invalid"
	msgTooLong  = "This value is too long"
	msgTooShort = "This value is too short"
	msgTaken    = "This value is already taken"
)

// apiError is one of the tracker's fixed answers: a status and
// {"error":text}.
type apiError struct {
	status int
	text   string
}

func (e *apiError) Error() string { return e.text }

// The tracker's fixed errors (§5).
var (
	errInvalidJSON  = &apiError{http.StatusBadRequest, "Invalid JSON"}
	errUnauthorized = &apiError{http.StatusUnauthorized, "Unauthorized"}
	errEdition      = &apiError{http.StatusPaymentRequired, "Admin API is not available in that edition"}
	errForbidden    = &apiError{http.StatusForbidden, "Forbidden"}
	errNotFound     = &apiError{http.StatusNotFound, "Not found"}
)

// fieldErrors is a 406 answer: each failing field with the first rule it
// broke, in the order the fields were checked.
type fieldErrors struct {
	keys []string
	msgs map[string]string
}

// add records msg for field unless the field already failed.
func (f *fieldErrors) add(field, msg string) {
	if f.msgs == nil {
		f.msgs = map[string]string{}
	}
	if _, ok := f.msgs[field]; ok {
		return
	}
	f.keys = append(f.keys, field)
	f.msgs[field] = msg
}

// has reports whether field already failed.
func (f *fieldErrors) has(field string) bool {
	_, ok := f.msgs[field]
	return ok
}

// sortBy orders the failures by the fields' order in names (a check that
// needs the database runs after the others but is reported in its place);
// fields not named keep their order, at the end.
func (f *fieldErrors) sortBy(names []string) {
	rank := func(k string) int {
		if i := slices.Index(names, k); i >= 0 {
			return i
		}
		return len(names)
	}
	slices.SortStableFunc(f.keys, func(a, b string) int { return rank(a) - rank(b) })
}

// err is nil when no field failed, else the 406 error.
func (f *fieldErrors) err() error {
	if len(f.keys) == 0 {
		return nil
	}
	return f
}

func (f *fieldErrors) Error() string {
	var b strings.Builder
	for i, k := range f.keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + f.msgs[k])
	}
	return b.String()
}

// invalid is a one-field 406.
func invalid(field, msg string) error {
	var f fieldErrors
	f.add(field, msg)
	return &f
}

// writeError answers err in the tracker's shape: its fixed errors as they
// are, validation as 406 {"field":["message"]}, anything else (a bug or a
// broken database) as a logged 500.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	var ae *apiError
	var fe *fieldErrors
	switch {
	case errors.As(err, &ae):
		wire.JSON(c.Writer, ae.status, wire.Obj("error", ae.text))
	case errors.As(err, &fe):
		body := make(wire.Object, 0, len(fe.keys))
		for _, k := range fe.keys {
			body = append(body, wire.Field{Key: k, Value: []string{fe.msgs[k]}})
		}
		wire.JSON(c.Writer, http.StatusNotAcceptable, body)
	default:
		log.Error("keitaro request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		internalError(c)
	}
	c.Abort()
}

// internalError is the answer to a bug: never expected, never a stub.
func internalError(c *gin.Context) {
	wire.JSON(c.Writer, http.StatusInternalServerError, wire.Obj("error", "Internal error"))
}

// trafficNotFound is the public tracker side's 404 (§4.13).
func trafficNotFound(c *gin.Context) {
	wire.Text(c.Writer, http.StatusNotFound, "Not Found")
}
