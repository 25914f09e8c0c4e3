package justclick

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// answer is what a function replies: the vendor's code, its exact text and,
// for functions that return data, a result (nil: no "result" key at all).
type answer struct {
	code   int
	text   string
	result any
}

// with returns a with a result.
func (a answer) with(result any) answer {
	a.result = result
	return a
}

// plus returns a with s appended to its text (texts that name a value).
func (a answer) plus(s string) answer {
	a.text += s
	return a
}

// failed reports whether a is an error: nothing the function did may stay.
func (a answer) failed() bool { return a.code != 0 }

// The vendor's answers (reference §5), texts exactly as it spells them.
var (
	answerOK                = answer{code: 0, text: "OK"}
	answerActivationSent    = answer{code: 0, text: "Activation email sent to subscriber"}
	answerAddedNoMail       = answer{code: 0, text: "Subscriber added. Activation email not sent."}
	answerAlreadyRegistered = answer{code: 0, text: "The subscriber is already registered"}
	answerInvalidGroup      = answer{code: 0, text: "Has an invalid subscriptions group"}
	answerOrderCreated      = answer{code: 0, text: "Order created"}
	answerStatusChanged     = answer{code: 0, text: "Order status changed"}

	errNoHash          = answer{code: 1, text: "Not transferred hash"}
	errNoData          = answer{code: 2, text: "No transmitted data"}
	errWrongData       = answer{code: 3, text: "Wrong posted data"}
	errBadHash         = answer{code: 4, text: "Incorrect hash"}
	errUserName        = answer{code: 5, text: "Invalid user name"}
	errDisabled        = answer{code: 7, text: "Account disabled"}
	errIPLimit         = answer{code: 8, text: "Limit to subscribe for this IP exided. Try later."}
	errNoEmail         = answer{code: 100, text: "Email is missing"}
	errNoOrder         = answer{code: 200, text: "Nonexistent order"}
	errWrongStatus     = answer{code: 201, text: "Wrong status"}
	errNotPaid         = answer{code: 202, text: "Order not paid"}
	errNoOrderNumber   = answer{code: 203, text: "Order number is empty"}
	errStatusUnchanged = answer{code: 204, text: "Order status is not changed"}
	errProductNotFound = answer{code: 300, text: "Product not found"}
	errProductExists   = answer{code: 301, text: "Product already exist"}
	errRemoveProduct   = answer{code: 302, text: "Failed to remove product"}
	errAddProduct      = answer{code: 303, text: "Failed to add product"}
	errOrderNotFound   = answer{code: 400, text: "Order not found"}
	errOrdersNotFound  = answer{code: 401, text: "Orders not found"}
	errNoSubscriber    = answer{code: 500, text: "Subscriber not found"}
	errNoGroup         = answer{code: 501, text: "Group not found"}
	errWrongEmail      = answer{code: 600, text: "Wrong email: '"} // + email + "'"
	errOrderExists     = answer{code: 601, text: "Order already exist. His number send in result array."}
	errMissingProducts = answer{code: 603, text: "Missing products"}
	errProductNotExist = answer{code: 604, text: "Product not exist: "} // + good_name
	errNoDeliveryData  = answer{code: 605, text: "Not having any data for delivery products"}
	errOrdersDisabled  = answer{code: 606, text: "Function for creating new orders throw API was disabled for your account"}
	errGroupNoSubs     = answer{code: 800, text: "Group subscribers is not found"}
	errNoSuchAddress   = answer{code: 801, text: "Subscriber with such address is not found"}
	errNoDomains       = answer{code: 900, text: "Active domains not found"}
	errNoPartner       = answer{code: 1000, text: "Partner not found"}
)

// envelopeType is the content type of every function answer. PHP clients
// written against the real service decode a reply only when its type names
// JSON.
const envelopeType = "application/json; charset=UTF-8"

// writeAnswer writes a as the vendor's envelope (reference §2.6):
// error_code, error_text, result when there is one, and hash =
// md5("code::text::secret"), escaped the way PHP's json_encode escapes.
func writeAnswer(c *gin.Context, secret string, a answer) {
	o := wire.Obj("error_code", a.code, "error_text", a.text)
	if a.result != nil {
		o = append(o, wire.Field{Key: "result", Value: a.result})
	}
	o = append(o, wire.Field{Key: "hash", Value: replyHash(a.code, a.text, secret)})
	// Only our own values are encoded: one that cannot be is a bug,
	// answered 500 through wire.Fail.
	wire.WritePHP(c.Writer, http.StatusOK, envelopeType, o)
}

// replyHash is the hash a client checks an answer with.
func replyHash(code int, text, secret string) string {
	return md5hex(strconv.Itoa(code) + "::" + text + "::" + secret)
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// notFound is the answer for an unknown function or any other path.
func notFound(c *gin.Context) {
	wire.Text(c.Writer, http.StatusNotFound, "Not Found")
}
