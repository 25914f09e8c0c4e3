package hitsteps

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// apiError is one of Hitsteps' answers with a non-zero "error": a code and
// its human-readable msg (reference §5).
type apiError struct {
	Code int
	Msg  string
}

func (e *apiError) Error() string { return e.Msg }

// status is the HTTP status the error travels with: Hitsteps answers 200 to
// every call it knows, so only the routing and internal errors carry their
// code as the status.
func (e *apiError) status() int {
	if e.Code >= 400 {
		return e.Code
	}
	return http.StatusOK
}

// The error catalogue. Parameter errors (code 1) name their field and are
// built by missing and invalid.
var (
	errBadLogin          = &apiError{2, "Invalid username or password"}
	errInvalidToken      = &apiError{3, "Invalid token"}
	errInvalidWhitelabel = &apiError{4, "Invalid whitelabel"}
	errAccountNotFound   = &apiError{5, "Account not found"}
	errWebsiteNotFound   = &apiError{6, "Website not found"}
	errEmailExists       = &apiError{7, "Email already exists"}
	errInvalidEmail      = &apiError{8, "Invalid email"}
	errPasswordShort     = &apiError{8, "Password too short"}
	errPasswordLong      = &apiError{8, "Password too long"}
	errWebsiteExists     = &apiError{9, "Website already exists"}
	errInvalidPlan       = &apiError{10, "Invalid plan"}
	errInvalidDuration   = &apiError{10, "Invalid duration"}
	errNoActiveLicense   = &apiError{10, "No active license"}
	errAlreadyOnPlan     = &apiError{10, "Already on this plan"}
	errTrialNotAvailable = &apiError{11, "Trial not available"}
	errInvalidReport     = &apiError{12, "Invalid report"}
	errUnknownCall       = &apiError{404, "Unknown API call"}
	errMethodNotAllowed  = &apiError{405, "Method not allowed"}
	errInternal          = &apiError{500, "Internal error"}
)

// success is the "error":0 that closes every successful answer's list.
var success = wire.Field{Key: "error", Value: 0}

// missing is error 1 for a required field that is absent or empty.
func missing(name string) *apiError { return &apiError{1, "Missing parameter: " + name} }

// invalid is error 1 for a field with the wrong format.
func invalid(name string) *apiError { return &apiError{1, "Invalid parameter: " + name} }

// writeError answers e as {"error":N,"msg":"…"}.
func writeError(c *gin.Context, e *apiError) {
	write(c, e.status(), wire.Obj("error", e.Code, "msg", e.Msg))
}

// write sends v as the compact, PHP-escaped JSON Hitsteps' PHP back end
// writes (json_encode: "\/" and \uXXXX escapes).
func write(c *gin.Context, status int, v any) {
	// An answer that cannot be encoded is logged and answered in
	// Hitsteps' shape by the server's one internal-error path (wire.Fail).
	wire.WritePHP(c.Writer, status, wire.JSONType, v)
	c.Abort()
}
