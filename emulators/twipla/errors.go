package twipla

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// apiError is one of TWIPLA's error answers:
// {"status":<int>,"code":<int>,"message":"<reason>","error":"<kind>"}.
type apiError struct {
	status  int
	kind    string
	message string
}

func (e *apiError) Error() string { return e.message }

// The "error" member of each kind of failure.
const (
	kindBadRequest   = "bad request"
	kindInvalidToken = "invalid access token"
	kindInvalidKey   = "invalid api key"
	kindForbidden    = "forbidden"
	kindNotFound     = "not found"
	kindInternal     = "internal server error"
)

// badRequest is a 400 with a message naming the problem.
func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, kindBadRequest, fmt.Sprintf(format, args...)}
}

// moveError answers an invalid subscription move (§0: an upgrade that does
// not go up, a downgrade that does not go down, a resume of a subscription
// that is not canceled): the real API's 500 with the reason kept in the
// message, or a 400 when the INTP asked for the announced behaviour.
func moveError(status int, message string) *apiError {
	if status == http.StatusBadRequest {
		return badRequest("%s", message)
	}
	return &apiError{http.StatusInternalServerError, kindInternal, message}
}

// notFound is a 404 for an object the INTP does not have: "website not found".
func notFound(what string) *apiError {
	return &apiError{http.StatusNotFound, kindNotFound, what + " not found"}
}

// tokenError is a 401 for a JWT that fails verification (§2.1 steps 1–9).
func tokenError(message string) *apiError {
	return &apiError{http.StatusUnauthorized, kindInvalidToken, message}
}

// keyError is a 401 for a website API key that is missing or not valid.
func keyError(message string) *apiError {
	return &apiError{http.StatusUnauthorized, kindInvalidKey, message}
}

// forbidden is the 403 of a verified token without the "intp" role.
func forbidden() *apiError {
	return &apiError{http.StatusForbidden, kindForbidden, "insufficient role"}
}

// orAnswer is err when a lookup failed, else the vendor's answer.
func orAnswer(err error, answer *apiError) error {
	if err != nil {
		return err
	}
	return answer
}

// Objects the 404s name.
const (
	objCustomer    = "customer"
	objWebsite     = "website"
	objPackage     = "package"
	objAPIKey      = "api key"
	objContributor = "contributor"
	objRoute       = "route"
)

// errorBody is the wire form of a failure.
func errorBody(e *apiError) wire.Object {
	return wire.Obj("status", e.status, "code", e.status, "message", e.message, "error", e.kind)
}

// fail answers err: an *apiError as it says, anything else (a database
// failure, a bug) as the vendor's 500 after logging it.
func (e *Emulator) fail(c *gin.Context, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		e.deps.Log.Error("twipla: request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		ae = &apiError{http.StatusInternalServerError, kindInternal, "internal server error"}
	}
	wire.JSON(c.Writer, ae.status, errorBody(ae))
	c.Abort()
}
