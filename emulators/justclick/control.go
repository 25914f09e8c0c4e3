package justclick

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxControlBody bounds a helper's JSON body.
const maxControlBody = 1 << 20

// Control implements emu.Vendor: the helpers of reference §7 for data
// only the vendor's own product would make.
func (e *Emulator) Control(g *gin.RouterGroup) {
	g.POST("/groups", e.helper(http.StatusCreated, addGroupHelper))
	g.POST("/subscriptions", e.helper(http.StatusOK, setSubscriptionsHelper))
	g.POST("/partners", e.helper(http.StatusCreated, addPartnerHelper))
	g.POST("/callbacks", e.helper(http.StatusCreated, setCallbackHelper))
	g.DELETE("/callbacks", e.helper(http.StatusNoContent, deleteCallbackHelper))
}

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
