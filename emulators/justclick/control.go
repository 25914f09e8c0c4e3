package justclick

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxControlBody bounds a helper's JSON body.
const maxControlBody = 1 << 20

// Control implements emu.Vendor: the helpers of reference §7 for data
// only the vendor's own product would make.
func (e *Emulator) Control(r *openapi.Router) {
	r.POST("/groups", addGroupOp, e.helper(http.StatusCreated, addGroupHelper))
	r.POST("/subscriptions", setSubscriptionsOp, e.helper(http.StatusOK, setSubscriptionsHelper))
	r.POST("/partners", addPartnerOp, e.helper(http.StatusCreated, addPartnerHelper))
	r.POST("/callbacks", setCallbackOp, e.helper(http.StatusCreated, setCallbackHelper))
	r.DELETE("/callbacks", deleteCallbackOp, e.helper(http.StatusNoContent, deleteCallbackHelper))
}

// The helpers' bodies are read strictly (an unknown member is a 400), and
// JSON null is the same as an absent member.
var (
	loginMember   = openapi.Field("login", openapi.String().Nullable().Describe("an existing account"))
	controlErrors = []*openapi.Response{
		openapi.JSONAnswer(http.StatusBadRequest, "a body the helper cannot use", controlError),
		openapi.JSONAnswer(http.StatusNotFound, "unknown tenant, contact or subscription", controlError),
	}
	controlError = openapi.Object(openapi.Field("error", openapi.String()))
	jsonNumber   = openapi.OneOf(openapi.Number(), openapi.String(), openapi.Null()).Describe("a number or a numeric string")
)

func helperOp(summary string, body *openapi.Schema, answer *openapi.Response, more ...*openapi.Response) *openapi.Op {
	return &openapi.Op{
		Summary:   summary,
		Tags:      []string{Name},
		Body:      &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(body)}},
		Responses: append(append([]*openapi.Response{answer}, controlErrors...), more...),
	}
}

var (
	addGroupOp = helperOp("Add a mailing group",
		openapi.Object(loginMember,
			openapi.Field("rass_name", openapi.String().Pattern(`^[A-Za-z0-9_-]{1,64}$`).Nullable()),
			openapi.Optional("rass_title", openapi.String().Nullable().Describe("default: the name")),
			openapi.Optional("auto", openapi.Boolean().Nullable()),
			openapi.Optional("rass_id", jsonNumber)),
		openapi.JSONAnswer(http.StatusCreated, "added", openapi.Object(
			openapi.Field("rass_id", openapi.String()), openapi.Field("rass_name", openapi.String()),
			openapi.Field("rass_title", openapi.String()), openapi.Field("auto", openapi.Boolean()))),
		openapi.JSONAnswer(http.StatusConflict, "the name exists", controlError))
	setSubscriptionsOp = helperOp("Set the status of a contact's subscriptions (e.g. the activation click)",
		openapi.Object(loginMember,
			openapi.Field("email", openapi.String().Nullable()),
			openapi.Optional("rass_name", openapi.String().Nullable().Describe("absent: all the contact's subscriptions")),
			openapi.Optional("status", openapi.String().Strings(statusWait, statusSubscribe, statusUnsubscribe,
				statusUnsubscribeByService, statusInvalidEmail, "").Nullable().Describe("default STATUS_SUBSCRIBE"))),
		openapi.JSONAnswer(http.StatusOK, "the number of subscriptions changed", openapi.Object(openapi.Field("updated", openapi.Integer()))))
	addPartnerOp = helperOp("Add a partner and its daily statistics",
		openapi.Object(loginMember,
			openapi.Field("partner", openapi.String().Nullable()),
			openapi.Optional("stats", openapi.Array(openapi.Object(
				openapi.Field("date", openapi.String().Format("date").Nullable()),
				openapi.Optional("clicks", jsonNumber), openapi.Optional("leads", jsonNumber),
				openapi.Optional("bills", jsonNumber), openapi.Optional("earned", jsonNumber),
				openapi.Optional("topay", jsonNumber), openapi.Optional("partners", jsonNumber),
			)).Nullable())),
		openapi.JSONAnswer(http.StatusCreated, "stored", openapi.Object(
			openapi.Field("login", openapi.String()), openapi.Field("partner", openapi.String()),
			openapi.Field("days", openapi.Integer().Describe("rows now stored")))))
	setCallbackOp = helperOp("Set the account's order-callback URL",
		openapi.Object(loginMember, openapi.Field("url", openapi.String().Format("uri").Nullable())),
		openapi.JSONAnswer(http.StatusCreated, "set", openapi.Object(
			openapi.Field("login", openapi.String()), openapi.Field("url", openapi.String()))))
	deleteCallbackOp = &openapi.Op{
		Summary:   "Remove the account's order-callback URL",
		Tags:      []string{Name},
		Params:    []openapi.Param{openapi.Query("login", openapi.String(), "the account").Require()},
		Responses: append([]*openapi.Response{openapi.Empty(http.StatusNoContent, "removed")}, controlErrors...),
	}
)

// helperFunc does one helper's work inside the write transaction.
type helperFunc func(tx *store.Tx, body []byte, query url.Values) (any, error)

// helper runs fn in one write transaction and answers its result with
// status, or its error as {"error":"…"}.
func (e *Emulator) helper(status int, fn helperFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxControlBody))
		if err != nil {
			emu.Abort(c, emu.BadRequest("cannot read body: %v", err))
			return
		}
		var out any
		err = e.deps.Store.Write(c, func(tx *store.Tx) error {
			var err error
			out, err = fn(tx, body, c.Request.URL.Query())
			return err
		})
		switch {
		case err != nil:
			emu.Abort(c, err)
		case out == nil:
			c.Status(status)
		default:
			wire.JSON(c.Writer, status, out)
		}
	}
}

// helperTenant is the account a helper names by login: 400 without one,
// 404 for an unknown one.
func helperTenant(tx *store.Tx, login string) (store.Scoped, error) {
	if login == "" {
		return store.Scoped{}, emu.BadRequest("login is required")
	}
	t, err := tx.Tenant(Name, asciiLower(login))
	if errors.Is(err, store.ErrNoTenant) {
		return store.Scoped{}, emu.NotFound("unknown tenant")
	}
	return tx.Scope(t), err
}

// addGroupHelper is POST /_emulator/justclick/groups (§7.2).
func addGroupHelper(tx *store.Tx, body []byte, _ url.Values) (any, error) {
	var in struct {
		Login string `json:"login"`
		seedGroup
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	s, err := helperTenant(tx, in.Login)
	if err != nil {
		return nil, err
	}
	if _, exists, err := groupByName(s, in.RassName); err != nil || exists {
		if err == nil {
			err = emu.Conflict("group %q already exists", in.RassName)
		}
		return nil, err
	}
	if err := seedGroupRow(s, in.seedGroup); err != nil {
		return nil, err
	}
	g, _, err := groupByName(s, in.RassName)
	if err != nil {
		return nil, err
	}
	return wire.Obj("rass_id", itoa(g.id), "rass_name", g.name, "rass_title", g.title, "auto", g.kind == kindAuto), nil
}

// setSubscriptionsHelper is POST /_emulator/justclick/subscriptions (§7.3):
// what a subscriber's click on the activation link (or a bounce, or an
// unsubscribe by the service) does.
func setSubscriptionsHelper(tx *store.Tx, body []byte, _ url.Values) (any, error) {
	var in struct {
		Login    string `json:"login"`
		Email    string `json:"email"`
		RassName string `json:"rass_name"`
		Status   string `json:"status"`
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	s, err := helperTenant(tx, in.Login)
	if err != nil {
		return nil, err
	}
	if in.Status == "" {
		in.Status = statusSubscribe
	}
	if !statuses[in.Status] {
		return nil, emu.BadRequest("status must be one of STATUS_WAIT, STATUS_SUBSCRIBE, STATUS_UNSUBSCRIBE, STATUS_UNSUBSCRIBE_BY_SERVICE, STATUS_INVALID_EMAIL")
	}
	contact, ok := contactID(s, asciiLower(in.Email))
	if !ok {
		return nil, emu.NotFound("unknown contact %q", in.Email)
	}
	cond, args := `tenant_id = @tenant AND contact_id = ?`, []any{in.Status, s.Now().Unix(), contact}
	if in.RassName != "" {
		g, ok, err := groupByName(s, in.RassName)
		if err != nil {
			return nil, err
		}
		if !ok || count(s, `SELECT count(*) FROM justclick_subscription WHERE `+cond+` AND rass_id = ?`, contact, g.id) == 0 {
			return nil, emu.NotFound("no subscription of %q to %q", in.Email, in.RassName)
		}
		cond, args = cond+` AND rass_id = ?`, append(args, g.id)
	}
	res, err := s.Exec(`UPDATE justclick_subscription SET status = ?, subscription_time = ? WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	return wire.Obj("updated", n), err
}

// addPartnerHelper is POST /_emulator/justclick/partners (§7.4).
func addPartnerHelper(tx *store.Tx, body []byte, _ url.Values) (any, error) {
	var in struct {
		Login string `json:"login"`
		seedPartner
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	s, err := helperTenant(tx, in.Login)
	if err != nil {
		return nil, err
	}
	if err := seedPartnerRows(s, in.seedPartner); err != nil {
		return nil, err
	}
	days := count(s, `SELECT count(*) FROM justclick_partner_day WHERE tenant_id = @tenant AND partner = ?`, in.Partner)
	return wire.Obj("login", s.Tenant.Key, "partner", in.Partner, "days", days), nil
}

// setCallbackHelper is POST /_emulator/justclick/callbacks (§7.5).
func setCallbackHelper(tx *store.Tx, body []byte, _ url.Values) (any, error) {
	var in struct {
		Login string `json:"login"`
		URL   string `json:"url"`
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	s, err := helperTenant(tx, in.Login)
	if err != nil {
		return nil, err
	}
	if in.URL == "" {
		return nil, emu.BadRequest("url is required")
	}
	if err := setCallback(s, in.URL); err != nil {
		return nil, err
	}
	return wire.Obj("login", s.Tenant.Key, "url", in.URL), nil
}

// deleteCallbackHelper is DELETE /_emulator/justclick/callbacks?login=….
func deleteCallbackHelper(tx *store.Tx, _ []byte, query url.Values) (any, error) {
	s, err := helperTenant(tx, query.Get("login"))
	if err != nil {
		return nil, err
	}
	return nil, setCallback(s, "")
}
