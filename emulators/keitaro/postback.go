package keitaro

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// The postback endpoint (§4.14): an affiliate network reports a
// conversion of a click. GET or POST, query string or form; no API key.

// The postback answers; all are HTTP 200 text.
const (
	postbackOK       = "Success"
	postbackNoSubID  = "Error: subid is empty"
	postbackNoClick  = "Error: click not found"
	postbackNoStatus = "Error: unknown status"
)

// postbackNames are the parameters a postback itself reads; the others are
// kept in the conversion's params.
var postbackNames = []string{"subid", "sub_id", "status", "payout", "currency", "tid"}

// postbackParams are the query string's parameters and, for a form POST,
// the body's after them (so the body's win).
func postbackParams(r *http.Request) form.Values {
	vals := form.ParseQuery(r.URL.RawQuery)
	if r.Method == http.MethodPost {
		body, _ := form.ParseBody(r, maxBody)
		vals = append(vals, body...)
	}
	return vals
}

// tenantByPostbackKey finds the tenant a postback key belongs to.
func tenantByPostbackKey(tx *store.Tx, key string) (tenant, error) {
	var id int64
	if err := tx.QueryRow(`SELECT tenant_id FROM keitaro_tenant_settings WHERE postback_key = ?`, key).Scan(&id); err != nil {
		return tenant{}, notFoundOr(err)
	}
	return tenantByID(tx, id)
}

// GET or POST /<postbackKey>/postback and /postback. A wrong key is the
// tracker's 404; everything else is answered 200 with a text, and logged.
func (e *Emulator) postback(c *gin.Context, key string) {
	vals := postbackParams(c.Request)
	var text string
	var outbox []sentPostback
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		var cl *call
		if key != "" {
			t, err := tenantByPostbackKey(tx, key)
			if err != nil {
				return err
			}
			cl = newCall(tx, t)
			emu.SetTenant(c, t.Key)
		}
		sub := last(vals, "subid")
		if sub == "" {
			sub = last(vals, "sub_id")
		}
		var err error
		if cl, text, err = applyPostback(tx, cl, sub, vals); err != nil {
			return err
		}
		if cl == nil {
			return nil // no tenant to log for: nobody has the click
		}
		outbox = cl.outbox
		emu.SetTenant(c, cl.t.Key)
		status := last(vals, "status")
		if status == "" {
			status = "lead"
		}
		return writeLog(cl, "postbacks", "Postback subid="+sub+" status="+status+": "+text)
	})
	if err != nil {
		e.answerTraffic(c, trafficAnswer{}, err)
		return
	}
	e.sendPostbacks(outbox) // committed: the answer does not wait for them
	wire.Text(c.Writer, http.StatusOK, text)
}

// last is a parameter's last value ("" when absent).
func last(vals form.Values, name string) string {
	s, _ := vals.Last(name)
	return s
}

// applyPostback stores one postback and tells its answer. Without a
// postback key the click's tenant is found by the click; the call of the
// tenant (nil when unknown) is returned for the log.
func applyPostback(tx *store.Tx, cl *call, sub string, vals form.Values) (*call, string, error) {
	if sub == "" {
		return cl, postbackNoSubID, nil
	}
	var click row
	var err error
	if cl == nil {
		cl, click, err = clickAnywhere(tx, sub)
	} else {
		click, err = clickBySubID(cl, sub)
	}
	if err == errNotFound {
		return cl, postbackNoClick, nil
	}
	if err != nil {
		return cl, "", err
	}
	status, ok := conversionStatus(last(vals, "status"))
	if !ok {
		return cl, postbackNoStatus, nil
	}
	in := postbackIn{click: click, status: status, tid: last(vals, "tid"), at: cl.now, params: map[string]any{}}
	if p, ok := asMoney(last(vals, "payout")); ok {
		in.revenue = &p
	}
	if cur, ok := currency(last(vals, "currency")); ok {
		in.currency = cur.(string)
	}
	for _, pair := range vals {
		if !slices.Contains(postbackNames, pair.Name) {
			in.params[pair.Name] = pair.Value
		}
	}
	if _, err := applyConversion(cl, in); err != nil {
		return cl, "", err
	}
	return cl, postbackOK, nil
}

// MaskPath implements emu.PathMasker: the postback key in
// /<postbackKey>/postback is a credential, so a log line shows its
// fingerprint.
func (e *Emulator) MaskPath(path string) string {
	key, ok := strings.CutSuffix(strings.TrimPrefix(path, "/"), "/postback")
	if !ok || key == "" || strings.Contains(key, "/") {
		return path
	}
	return "/" + journal.Fingerprint(key) + "/postback"
}
