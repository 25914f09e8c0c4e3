package mousestats

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// textError is one of the vendor's raw text error answers. MouseStats
// reports every business failure as HTTP 200 with the text alone.
type textError string

func (e textError) Error() string { return string(e) }

// The vendor's answers.
const (
	// errPermissionDenied: a credential failure, or a customer the partner
	// does not have (the document's "our user not found").
	errPermissionDenied textError = "permission-denied"
	// errInvalidParameters: a missing or malformed _userEmail or _userPassword.
	errInvalidParameters textError = "invalid-parameters"
	// errUserExists: CreateAccount for an e-mail the partner already has.
	errUserExists textError = "user-exists"

	// answerOK is CreateAccount's success.
	answerOK = "ok"
	// answerServerError answers a recovered panic (a bug).
	answerServerError = "server-error"
)

// reply writes the outcome of a partner call: a textError or a string as
// raw text, any other value as JSON, any other error as a logged 500.
func (e *Emulator) reply(c *gin.Context, out any, err error) {
	var te textError
	switch {
	case errors.As(err, &te):
		wire.Text(c.Writer, http.StatusOK, string(te))
	case err != nil:
		e.deps.Log.Error("mousestats: request failed", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		e.InternalError(c)
	default:
		if s, ok := out.(string); ok {
			wire.Text(c.Writer, http.StatusOK, s)
			return
		}
		wire.WriteJSON(c.Writer, http.StatusOK, wire.JSONType, out)
	}
}
