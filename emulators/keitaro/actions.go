package keitaro

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// What a visitor gets once a stream has taken the click (§4.13.5), the
// URL macros, and the landing → offer click-through (§4.13.6).

// metaRedirects are the actions answered with a page that refreshes to
// the URL.
var metaRedirects = []string{"meta", "double_meta", "js", "blank_referrer", "formsubmit", "iframe", "frame",
	"js_for_iframe", "js_for_script"}

// deliver answers a click by the chosen stream's schema, recording on the
// click the landing or offer it gets and its destination.
func deliver(c *call, camp row, st row, k clickRecord, v *visitor) (trafficAnswer, error) {
	m := macrosFor(c, camp, k)
	switch st.str("schema") {
	case "landings":
		lp, err := pickLink(c, landingLinks, st.int("id"))
		if err != nil || lp == nil {
			return notFoundAnswer, err
		}
		k["landing_id"] = lp.int("id")
		m.offerURL = v.offerBase + "?subid=" + k.text("sub_id")
		if lp.str("landing_type") != "external" {
			return landingPage(lp, v.offerPath+"?subid="+url.QueryEscape(k.text("sub_id"))), nil
		}
		return redirect(k, m.expand(lp.str("action_payload"))), nil
	case "offers":
		offer, err := pickLink(c, offerLinks, st.int("id"))
		if err != nil || offer == nil {
			return notFoundAnswer, err
		}
		k["offer_id"], k["affiliate_network_id"] = offer.int("id"), offer.nullInt("affiliate_network_id")
		return redirect(k, m.expand(offer.str("url"))), nil
	}
	var payload any
	_ = json.Unmarshal([]byte(st.str("action_payload")), &payload)
	text, _ := asString(payloadNumber(payload))
	return act(st.str("action_type"), m.expand(text), k), nil
}

// act answers a redirect or action stream's action with its (expanded)
// payload.
func act(action, payload string, k clickRecord) trafficAnswer {
	switch {
	case action == "http" || action == "remote":
		return redirect(k, payload)
	case slices.Contains(metaRedirects, action):
		k["destination"] = payload
		return trafficAnswer{status: http.StatusOK, contentType: wire.HTMLType, body: `<!DOCTYPE html><html><head>` +
			`<meta http-equiv="refresh" content="0;url=` + html.EscapeString(payload) + `"></head><body></body></html>`}
	case action == "show_text":
		return trafficAnswer{status: http.StatusOK, contentType: wire.TextType, body: payload}
	case action == "show_html":
		return trafficAnswer{status: http.StatusOK, contentType: wire.HTMLType, body: payload}
	case action == "local_file" || action == "curl":
		return trafficAnswer{status: http.StatusOK, contentType: wire.HTMLType}
	case action == "do_nothing":
		return trafficAnswer{status: http.StatusOK, contentType: wire.TextType}
	}
	return notFoundAnswer // status404, and a campaign with nowhere to go
}

// redirect is a 302 to u, which becomes the click's destination.
func redirect(k clickRecord, u string) trafficAnswer {
	k["destination"] = u
	return redirectTo(u)
}

// landingPage is the page of a landing that is not an external URL: its
// name and the link to the offer.
func landingPage(lp row, offerLink string) trafficAnswer {
	name := html.EscapeString(lp.str("name"))
	return trafficAnswer{status: http.StatusOK, contentType: wire.HTMLType, body: `<!DOCTYPE html><html><head>` +
		`<meta charset="utf-8"><title>` + name + `</title></head><body><h1>` + name + `</h1>` +
		`<p><a href="` + html.EscapeString(offerLink) + `">Continue</a></p></body></html>`}
}

// The links a stream may send a click to: active links of objects that
// are not archived, in link order.
const (
	landingLinks = `SELECT p.*, l.share FROM keitaro_stream_landings l JOIN keitaro_landing_pages p
		ON p.tenant_id = l.tenant_id AND p.id = l.landing_id
		WHERE l.tenant_id = @tenant AND l.stream_id = ? AND l.state = 'active' AND p.state != 'deleted' ORDER BY l.id`
	offerLinks = `SELECT o.*, l.share FROM keitaro_stream_offers l JOIN keitaro_offers o
		ON o.tenant_id = l.tenant_id AND o.id = l.offer_id
		WHERE l.tenant_id = @tenant AND l.stream_id = ? AND l.state = 'active' AND o.state != 'deleted' ORDER BY l.id`
)

// pickLink draws a landing or offer of a stream by the links' shares; nil
// when the stream has none to give.
func pickLink(c *call, links string, streamID int64) (row, error) {
	rows, err := queryRows(c.s, links, streamID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return pickWeighted(rows, "share"), nil
}

// macros fills the {…} macros of URLs and texts from a click (§4.13.5).
type macros struct {
	k                      clickRecord
	campaignName, currency string
	date                   string // the click's day in the tenant's timezone
	offerURL               string // {offer}: only in landing URLs
}

func macrosFor(c *call, camp row, k clickRecord) macros {
	m := macros{k: k, campaignName: camp.str("name"), currency: camp.str("cost_currency")}
	if at, err := time.Parse(stampLayout, k.text("datetime")); err == nil {
		loc, _ := location("", c.t.timezone)
		m.date = at.In(loc).Format(dayLayout)
	}
	return m
}

var (
	macroToken = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	// macroIDs are the macros that are a click's ids ("" when unset).
	macroIDs = []string{"click_id", "campaign_id", "stream_id", "offer_id", "landing_id", "ts_id"}
	// macroTexts are the macros that are a click's text columns.
	macroTexts = func() []string {
		out := []string{"source", "keyword", "ad_campaign_id", "creative_id", "external_id", "ip", "user_agent",
			"referrer", "language", "os", "browser", "device_type", "region", "city", "visitor_code"}
		for i := 1; i <= 15; i++ {
			out = append(out, "sub_id_"+strconv.Itoa(i))
		}
		for i := 1; i <= 10; i++ {
			out = append(out, "extra_param_"+strconv.Itoa(i))
		}
		return out
	}()
)

// expand replaces the known macros of s by the click's values,
// query-escaped; unknown ones stay as written.
func (m macros) expand(s string) string {
	return macroToken.ReplaceAllStringFunc(s, func(tok string) string {
		v, ok := m.value(tok[1 : len(tok)-1])
		if !ok {
			return tok
		}
		return url.QueryEscape(v)
	})
}

func (m macros) value(name string) (string, bool) {
	switch {
	case name == "subid" || name == "sub_id":
		return m.k.text("sub_id"), true
	case slices.Contains(macroIDs, name):
		if id, ok := m.k[name].(int64); ok {
			return strconv.FormatInt(id, 10), true
		}
		return "", true
	case slices.Contains(macroTexts, name):
		return m.k.text(name), true
	case name == "country":
		return m.k.text("country_code"), true
	case name == "campaign_name":
		return m.campaignName, true
	case name == "cost":
		cost, _ := m.k["cost"].(float64)
		return strconv.FormatFloat(cost, 'f', 4, 64), true
	case name == "currency":
		return m.currency, true
	case name == "date":
		return m.date, true
	case name == "offer" && m.offerURL != "":
		return m.offerURL, true
	}
	return "", false
}

// clickAnywhere finds a click by its sub_id, whichever tenant has it (sub_ids
// are unique across the emulator), with a call for that tenant.
func clickAnywhere(tx *store.Tx, sub string) (*call, row, error) {
	var tenantID int64
	if err := tx.QueryRow(`SELECT c.tenant_id FROM keitaro_clicks c JOIN tenants t ON t.id = c.tenant_id AND t.vendor = ?
		WHERE c.sub_id = ?`, Name, sub).Scan(&tenantID); err != nil {
		return nil, nil, notFoundOr(err)
	}
	t, err := tenantByID(tx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	c := newCall(tx, t)
	click, err := clickBySubID(c, sub)
	return c, click, err
}

// GET /lp/offer?subid=…: the visitor leaves the landing for an offer of
// the click's stream (§4.13.6).
func (e *Emulator) landingClick(c *gin.Context) {
	q := form.ParseQuery(c.Request.URL.RawQuery)
	sub, _ := q.Last("subid")
	if sub == "" {
		sub, _ = q.Last("_subid")
	}
	var ans trafficAnswer
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		cl, click, err := clickAnywhere(tx, sub)
		if err != nil {
			return err
		}
		emu.SetTenant(c, cl.t.Key)
		if click["stream_id"] == nil {
			return errNotFound
		}
		offer, err := pickLink(cl, offerLinks, click.int("stream_id"))
		if err != nil {
			return err
		}
		if offer == nil {
			return errNotFound
		}
		k := clickRecord(click)
		k["offer_id"], k["affiliate_network_id"] = offer.int("id"), offer.nullInt("affiliate_network_id")
		camp, err := campaigns.load(cl, click.int("campaign_id"))
		if err != nil && err != errNotFound {
			return err
		}
		ans = redirect(k, macrosFor(cl, camp, k).expand(offer.str("url")))
		_, err = cl.s.Exec(`UPDATE keitaro_clicks SET landing_clicked = 1,
			landing_clicked_datetime = coalesce(landing_clicked_datetime, ?), offer_id = ?, affiliate_network_id = ?,
			destination = ? WHERE tenant_id = @tenant AND click_id = ?`,
			cl.stamp, k["offer_id"], k["affiliate_network_id"], k["destination"], click.int("click_id"))
		return err
	})
	e.answerTraffic(c, ans, err)
}
