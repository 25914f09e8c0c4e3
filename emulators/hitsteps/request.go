package hitsteps

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
)

// maxBody bounds how much of a request body is read; every field the API
// takes is at most maxField bytes, so this is generous.
const maxBody = 1 << 20

// maxField is the longest value any field may have (reference §1.2).
const maxField = 1024

// Field formats of reference §1.3.
var (
	idFormat     = regexp.MustCompile(`^[0-9]{1,18}$`)
	signedFormat = regexp.MustCompile(`^-?[0-9]{1,9}$`)
	intFormat    = regexp.MustCompile(`^[0-9]{1,9}$`)
)

// untrimmed are the fields used verbatim; every other value loses its
// surrounding white space.
var untrimmed = map[string]bool{"password": true, "new_password": true}

// phpSpace is what PHP's trim() removes.
const phpSpace = " \t\n\r\x00\x0b"

// readFields reads a call's fields the way PHP fills $_REQUEST: the query
// string, then a url-encoded or multipart body, whose fields win because
// the last occurrence of a name is the one used. A body that cannot be
// parsed as a whole contributes nothing; other content types are not read.
func readFields(r *http.Request) form.Values {
	in := form.ParseQuery(r.URL.RawQuery)
	switch form.MediaType(r) {
	case "application/x-www-form-urlencoded":
		raw, err := form.ReadBody(r, maxBody)
		if err != nil || brokenEscape(raw) {
			return in
		}
		return append(in, form.ParseQuery(string(raw))...)
	case "multipart/form-data":
		body, err := form.ParseBody(r, maxBody)
		if err != nil {
			return in
		}
		return append(in, body...)
	}
	return in
}

// brokenEscape reports whether raw has a "%" that does not start a %XX
// escape, which makes a url-encoded body unparseable as a whole.
func brokenEscape(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' {
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return true
			}
			i += 2
		}
	}
	return false
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// request is one API call being answered: its fields, its transaction and,
// once authenticated, its tenant and whitelabel.
//
// Field readers keep the first failure in err and return zero values after
// it, so a handler reads its fields in the reference's check order and
// looks at err once; the first failing field is the one reported.
type request struct {
	c   *gin.Context
	in  form.Values
	tx  *store.Tx
	now time.Time // the emulator clock, then the tenant's once it is known

	// Set by authentication.
	scope store.Scoped
	main  string // the main account number, as its tenant key
	wl    whitelabel

	err *apiError
}

// fail records e unless an earlier field already failed.
func (r *request) fail(e *apiError) {
	if r.err == nil {
		r.err = e
	}
}

// identified scopes the request to tenant t once its credential has proved
// it: from here on it reads t's clock, the journal shows t, and t's faults
// apply (emu.SetTenant).
func (r *request) identified(t store.Tenant) {
	r.scope, r.main = r.tx.Scope(t), t.Key
	r.now = r.scope.Now()
	emu.SetTenant(r.c, t.Key)
}

// unix is the request's clock in whole seconds.
func (r *request) unix() int64 { return r.now.Unix() }

// field is the value of name, trimmed unless it is a password; "" when
// missing (an error if required) or after an earlier failure.
func (r *request) field(name string, required bool) string {
	if r.err != nil {
		return ""
	}
	v := r.value(name)
	switch {
	case v == "":
		if required {
			r.fail(missing(name))
		}
	case len(v) > maxField:
		r.fail(invalid(name))
		return ""
	}
	return v
}

// present reports whether name has a value (is not missing).
func (r *request) present(name string) bool { return r.value(name) != "" }

// value is the last value of name, trimmed unless it is a password.
func (r *request) value(name string) string {
	v, _ := r.in.Last(name)
	if !untrimmed[name] {
		v = strings.Trim(v, phpSpace)
	}
	return v
}

// text is a required text field.
func (r *request) text(name string) string { return r.field(name, true) }

// optional is a text field that may be missing ("").
func (r *request) optional(name string) string { return r.field(name, false) }

// id is a required id field (§1.3).
func (r *request) id(name string) int64 {
	return r.number(r.text(name), name, idFormat)
}

// optionalID is an id field that may be missing (ok false).
func (r *request) optionalID(name string) (id int64, ok bool) {
	v := r.optional(name)
	if v == "" {
		return 0, false
	}
	return r.number(v, name, idFormat), r.err == nil
}

// signed is a required signed integer field (plan, newplan).
func (r *request) signed(name string) int64 {
	return r.number(r.text(name), name, signedFormat)
}

// count is a required non-negative integer field (duration).
func (r *request) count(name string) int64 {
	return r.number(r.text(name), name, intFormat)
}

func (r *request) number(v, name string, format *regexp.Regexp) int64 {
	if v == "" {
		return 0
	}
	if !format.MatchString(v) {
		r.fail(invalid(name))
		return 0
	}
	n, _ := strconv.ParseInt(v, 10, 64) // the formats fit an int64
	return n
}

// check fails with e unless ok, for the rules a field has beyond its
// format; it is a no-op after an earlier failure.
func (r *request) check(ok bool, e *apiError) {
	if !ok {
		r.fail(e)
	}
}

// email is a required e-mail field: trimmed, lower-cased, error 8 unless
// it is a plausible address.
func (r *request) email(name string) string {
	v := strings.ToLower(r.text(name))
	if v != "" {
		r.check(validEmail(v), errInvalidEmail)
	}
	return v
}

// password is a required password field: verbatim, 6 to 128 characters.
func (r *request) password(name string) string {
	v := r.text(name)
	if v != "" {
		n := utf8.RuneCountInString(v)
		r.check(n >= 6, errPasswordShort)
		r.check(n <= 128, errPasswordLong)
	}
	return v
}

// fields is the first field failure, or nil: handlers call it once their
// fields are read, before any lookup.
func (r *request) fields() error {
	if r.err == nil {
		return nil
	}
	return r.err
}
