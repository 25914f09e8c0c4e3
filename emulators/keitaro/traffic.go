package keitaro

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// The tracker's public side (§4.13, §4.14): visitors' clicks on campaign
// URLs, the landing click-through and postbacks. No API key: the tenant is
// the one that owns the alias, the click or the postback key.

// maxHops bounds how often a click is handed on to another campaign.
const maxHops = 5

// public answers the paths outside /admin_api. It is reached from the
// engine's NoRoute: gin's tree cannot hold /:alias beside the Admin API's
// static paths, so the tracker's own first segments are told apart here.
func (e *Emulator) public(c *gin.Context) {
	p := strings.TrimPrefix(c.Request.URL.Path, "/")
	first, rest, _ := strings.Cut(p, "/")
	method := c.Request.Method
	get, post, head := method == http.MethodGet, method == http.MethodPost, method == http.MethodHead
	switch {
	case p == "postback" && (get || post):
		e.postback(c, "")
	case rest == "postback" && (get || post):
		e.postback(c, first)
	case p == "lp/offer" && (get || head):
		e.landingClick(c)
	case first != "" && !slices.Contains(reservedAliases, first) && (get || post || head):
		e.visit(c, first)
	default:
		trafficNotFound(c)
	}
}

// trafficAnswer is what a visitor gets: a redirect, a page or a text.
type trafficAnswer struct {
	status      int
	contentType string
	location    string
	body        string
}

var notFoundAnswer = trafficAnswer{status: http.StatusNotFound, contentType: wire.TextType, body: "Not Found"}

func redirectTo(u string) trafficAnswer { return trafficAnswer{status: http.StatusFound, location: u} }

func (a trafficAnswer) write(w http.ResponseWriter) {
	if a.location != "" {
		w.Header().Set("Location", a.location)
	}
	wire.Bytes(w, a.status, a.contentType, []byte(a.body))
}

// answerTraffic writes the answer of a public endpoint: errNotFound is
// the tracker's plain 404, any other error a logged 500.
func (e *Emulator) answerTraffic(c *gin.Context, ans trafficAnswer, err error) {
	switch {
	case errors.Is(err, errNotFound):
		trafficNotFound(c)
	case err != nil:
		e.deps.Log.Error("keitaro traffic request failed", "path", c.Request.URL.Path, "err", err)
		wire.Text(c.Writer, http.StatusInternalServerError, "Internal error")
	default:
		ans.write(c.Writer)
	}
}

// tenantByID reads the tenant (with its settings) that owns a row found
// across tenants.
func tenantByID(tx *store.Tx, id int64) (tenant, error) {
	st, err := tx.TenantByID(id)
	if err != nil {
		return tenant{}, err
	}
	return loadTenant(tx, st.Key)
}

// campaignByAlias finds the campaign a visitor's alias names: the
// non-archived campaign with that alias of the tenant created first
// (§4.13.1). A disabled one is not found.
func campaignByAlias(tx *store.Tx, alias string) (*call, row, error) {
	var tenantID, id int64
	err := tx.QueryRow(`SELECT c.tenant_id, c.id FROM keitaro_campaigns c JOIN tenants t ON t.id = c.tenant_id AND t.vendor = ?
		WHERE c.alias = ? AND c.state != 'deleted' ORDER BY coalesce(t.origin, t.id) LIMIT 1`, Name, alias).Scan(&tenantID, &id)
	if err != nil {
		return nil, nil, notFoundOr(err)
	}
	t, err := tenantByID(tx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	c := newCall(tx, t)
	camp, err := campaigns.load(c, id)
	if err == nil && camp.str("state") != "active" {
		err = errNotFound
	}
	return c, camp, err
}

// notFoundOr maps "no row" to errNotFound.
func notFoundOr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	return err
}

// GET, POST or HEAD /<alias>: record a click and send the visitor on.
func (e *Emulator) visit(c *gin.Context, alias string) {
	v := visitorOf(c.Request)
	var ans trafficAnswer
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		cl, camp, err := campaignByAlias(tx, alias)
		if err != nil {
			return err
		}
		emu.SetTenant(c, cl.t.Key)
		ans, err = recordVisit(cl, camp, v)
		return err
	})
	e.answerTraffic(c, ans, err)
}

// recordVisit processes a click in a campaign (and the campaigns it is
// handed on to), records it once, and tells what the visitor gets.
func recordVisit(c *call, camp row, v *visitor) (trafficAnswer, error) {
	var parent any
	for hops := 0; ; hops++ {
		k, u, err := newClick(c, camp, v, parent)
		if err != nil {
			return trafficAnswer{}, err
		}
		st, err := pickStream(c, camp, k, u)
		if err != nil {
			return trafficAnswer{}, err
		}
		if st != nil && handsOn(st) {
			target, err := hopTarget(c, st)
			if err != nil {
				return trafficAnswer{}, err
			}
			if target != nil && hops < maxHops {
				if parent == nil {
					parent = camp.int("id")
				}
				camp = target
				continue
			}
			st = nil // nowhere to go: recorded where it is, answered 404
			k["stream_id"], k["is_unique_stream"] = nil, false
		}
		if err := prepareClick(c, k); err != nil {
			return trafficAnswer{}, err
		}
		k["cost"] = clickCost(camp, k, v.param(parameterName(camp, "cost")))
		ans := notFoundAnswer
		if st != nil {
			if ans, err = deliver(c, camp, st, k, v); err != nil {
				return trafficAnswer{}, err
			}
		}
		if err := insertRow(c.s, "keitaro_clicks", k); err != nil {
			return trafficAnswer{}, err
		}
		if err := addClickHours(c.s, []int64{k["click_id"].(int64)}); err != nil {
			return trafficAnswer{}, err
		}
		line := fmt.Sprintf("Click %s in campaign #%d: no stream", k["sub_id"], camp.int("id"))
		if st != nil {
			line = fmt.Sprintf("Click %s in campaign #%d: stream #%d", k["sub_id"], camp.int("id"), st.int("id"))
		}
		return ans, writeLog(c, "traffic", line)
	}
}

// handsOn reports a stream that sends clicks to another campaign.
func handsOn(st row) bool {
	s := st.str("schema")
	return (s == "redirect" || s == "action") && st.str("action_type") == "campaign"
}

// hopTarget is the active campaign a "campaign" action names, or nil.
func hopTarget(c *call, st row) (row, error) {
	var payload any
	_ = json.Unmarshal([]byte(st.str("action_payload")), &payload)
	id, ok := asInt(payloadNumber(payload))
	if !ok {
		return nil, nil
	}
	camp, err := campaigns.load(c, id)
	if err == errNotFound || (err == nil && camp.str("state") != "active") {
		return nil, nil
	}
	return camp, err
}

// payloadNumber turns a decoded JSON number into what asInt reads.
func payloadNumber(v any) any {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return v
}

// parameterName is the query parameter a campaign reads a click
// parameter from: the name its parameters give the key, else the key.
func parameterName(camp row, key string) string {
	var ps map[string]struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal([]byte(camp.str("parameters")), &ps)
	if p, ok := ps[key]; ok && p.Name != "" {
		return p.Name
	}
	return key
}

// newClick is the click a visitor makes in a campaign (§4.13.2), without
// its ids yet, and the visitor's uniqueness in it.
func newClick(c *call, camp row, v *visitor, parent any) (clickRecord, *uniqueness, error) {
	k := clickRecord{
		"campaign_id": camp.int("id"), "ts_id": camp.nullInt("traffic_source_id"),
		"campaign_group_id": camp.nullInt("group_id"), "parent_campaign_id": parent,
		"ip": v.ip, "user_agent": v.userAgent, "referrer": v.referrer, "language": v.language,
		"os": v.os, "browser": v.browser, "device_type": v.deviceType, "is_using_proxy": v.proxy,
	}
	for _, key := range parameterKeys {
		if key != "cost" && key != "currency" {
			k[key] = v.param(parameterName(camp, key))
		}
	}
	for i := 1; i <= 10; i++ {
		n := "extra_param_" + strconv.Itoa(i)
		k[n] = v.param(n)
	}
	bot := botAgent(v.userAgent)
	if !bot {
		entries, err := botList(c)
		if err != nil {
			return nil, nil, err
		}
		bot = slices.ContainsFunc(entries, func(e string) bool { return ipCovered(v.ip, e) })
	}
	k["is_bot"] = bot
	u := &uniqueness{c: c, ip: v.ip, ua: v.userAgent, byUA: camp.str("uniqueness_method") != "ip",
		since: c.now.Add(-time.Duration(camp.int("cookies_ttl")) * time.Hour).Format(stampLayout), seen: map[string]bool{}}
	var err error
	if k["is_unique_campaign"], err = u.at("campaign_id", camp.int("id")); err != nil {
		return nil, nil, err
	}
	if k["is_unique_global"], err = u.at("", 0); err != nil {
		return nil, nil, err
	}
	k["is_unique_stream"] = false
	return k, u, nil
}

// uniqueness answers whether a visitor has no earlier click, within the
// campaign's cookies_ttl, in a campaign, a stream or the whole tenant
// (§4.13.4).
type uniqueness struct {
	c      *call
	ip, ua string
	byUA   bool   // the campaign tells visitors apart by IP and User-Agent
	since  string // clicks after this stamp count
	seen   map[string]bool
}

// at is the visitor's uniqueness among the clicks whose column is id (the
// whole tenant for column "").
func (u *uniqueness) at(column string, id int64) (bool, error) {
	key := column + "#" + strconv.FormatInt(id, 10)
	if unique, ok := u.seen[key]; ok {
		return unique, nil
	}
	q := `SELECT count(*) FROM keitaro_clicks WHERE tenant_id = @tenant AND ip = ? AND datetime > ?`
	args := []any{u.ip, u.since}
	if u.byUA {
		q += ` AND user_agent = ?`
		args = append(args, u.ua)
	}
	if column != "" {
		q += ` AND ` + column + ` = ?`
		args = append(args, id)
	}
	var n int
	if err := u.c.s.QueryRow(q+` LIMIT 1`, args...).Scan(&n); err != nil {
		return false, err
	}
	u.seen[key] = n == 0
	return n == 0, nil
}

// pickStream chooses the stream that takes a click (§4.13.3) and records
// it on the click; nil when none does.
func pickStream(c *call, camp row, k clickRecord, u *uniqueness) (row, error) {
	candidates, err := queryRows(c.s, `SELECT * FROM keitaro_streams WHERE tenant_id = @tenant AND campaign_id = ?
		AND state = 'active' ORDER BY position, id`, camp.int("id"))
	if err != nil {
		return nil, err
	}
	filters, err := queryRows(c.s, `SELECT f.* FROM keitaro_stream_filters f JOIN keitaro_streams s
		ON s.tenant_id = f.tenant_id AND s.id = f.stream_id
		WHERE f.tenant_id = @tenant AND s.campaign_id = ? AND s.state = 'active' ORDER BY f.id`, camp.int("id"))
	if err != nil {
		return nil, err
	}
	byStream := map[int64][]row{}
	for _, f := range filters {
		byStream[f.int("stream_id")] = append(byStream[f.int("stream_id")], f)
	}
	// passing are the streams of a type whose filters pass (with first,
	// only the first of them).
	passing := func(typ string, first bool) ([]row, error) {
		var out []row
		for _, st := range candidates {
			if st.str("type") != typ {
				continue
			}
			if typ == "default" {
				return []row{st}, nil // its filters are not evaluated
			}
			ok, err := passes(st, byStream[st.int("id")], k, u)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, st)
				if first {
					break
				}
			}
		}
		return out, nil
	}
	var chosen row
	for _, step := range []string{"forced", "regular", "default"} {
		weighted := step == "regular" && camp.str("type") == "weight"
		found, err := passing(step, !weighted)
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			chosen = found[0]
			if weighted {
				chosen = pickWeighted(found, "weight")
			}
			break
		}
	}
	if chosen == nil {
		k["stream_id"] = nil
		return nil, nil
	}
	k["stream_id"] = chosen.int("id")
	unique, err := u.at("stream_id", chosen.int("id"))
	k["is_unique_stream"] = unique
	return chosen, err
}

// pickWeighted draws one row with probability proportional to its
// weight column (a decimal); rows weighing 0 are skipped, unless all do
// (the first).
func pickWeighted(rows []row, weight string) row {
	var total float64
	for _, r := range rows {
		total += max(r.num(weight), 0)
	}
	if total == 0 {
		return rows[0]
	}
	n := rand.Float64() * total
	for _, r := range rows {
		if w := max(r.num(weight), 0); w > 0 {
			if n -= w; n < 0 {
				return r
			}
		}
	}
	for i := len(rows) - 1; i >= 0; i-- { // rounding left n just above 0
		if rows[i].num(weight) > 0 {
			return rows[i]
		}
	}
	return rows[0]
}

// passes applies a stream's filters to a click: all of them (or, with
// filter_or, one) must pass; none passes.
func passes(st row, filters []row, k clickRecord, u *uniqueness) (bool, error) {
	if len(filters) == 0 {
		return true, nil
	}
	orMode := st.bool("filter_or")
	for _, f := range filters {
		matches, neutral, err := filterMatches(f, k, u, st.int("id"))
		if err != nil {
			return false, err
		}
		pass := neutral || matches == (f.str("mode") == "accept")
		if orMode && pass {
			return true, nil
		}
		if !orMode && !pass {
			return false, nil
		}
	}
	return !orMode, nil
}

// listFilters are the stream filters that compare a click column with a
// list of values, ignoring case.
var listFilters = func() []string {
	out := []string{"country", "region", "city", "language", "browser", "os", "device_type", "device_model",
		"connection_type", "operator", "isp", "keyword", "source", "ad_campaign_id", "creative_id", "external_id"}
	for i := 1; i <= 15; i++ {
		out = append(out, "sub_id_"+strconv.Itoa(i))
	}
	return out
}()

// filterMatches tells whether a stream filter matches the click; neutral
// filters (schedule, limit, …) pass in both modes.
func filterMatches(f row, k clickRecord, u *uniqueness, streamID int64) (matches, neutral bool, err error) {
	var payload any
	_ = json.Unmarshal([]byte(f.str("payload")), &payload)
	items := payloadList(payload)
	name := f.str("name")
	switch {
	case slices.Contains(listFilters, name):
		for _, it := range items {
			if strings.EqualFold(k.text(name), it) || (name == "country" && strings.EqualFold(k.text("country_code"), it)) {
				return true, false, nil
			}
		}
		return false, false, nil
	case name == "referrer" || name == "user_agent":
		for _, it := range items {
			if it != "" && strings.Contains(strings.ToLower(k.text(name)), strings.ToLower(it)) {
				return true, false, nil
			}
		}
		return false, false, nil
	case name == "ip":
		return slices.ContainsFunc(items, func(e string) bool { return ipCovered(k.text("ip"), e) }), false, nil
	case name == "uniqueness":
		level, _ := payload.(string)
		var unique bool
		switch level {
		case "stream":
			unique, err = u.at("stream_id", streamID)
		case "global":
			unique, err = u.at("", 0)
		default:
			unique, err = u.at("campaign_id", k["campaign_id"].(int64))
		}
		return unique, false, err
	case name == "bot":
		return k["is_bot"] == true, false, nil
	case name == "proxy":
		return k["is_using_proxy"] == true, false, nil
	case name == "empty_referrer":
		return k.text("referrer") == "", false, nil
	}
	return false, true, nil
}

// payloadList reads a list filter's payload: an array of strings, or one
// string as a list of one.
func payloadList(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, it := range x {
			if s, ok := asString(payloadNumber(it)); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// clickCost is a new click's cost (§4.13.2): the query's cost when it is a
// decimal the tracker can store, else the campaign's cost model.
func clickCost(camp row, k clickRecord, fromQuery string) float64 {
	if f, ok := asMoney(fromQuery); ok && f >= 0 {
		return f
	}
	if camp.bool("cost_auto") {
		return 0
	}
	value := camp.num("cost_value")
	switch camp.str("cost_type") {
	case "CPC":
		return value
	case "CPUC":
		if k["is_unique_campaign"] == true {
			return value
		}
	case "CPM":
		return value / 1000
	}
	return 0
}
