package keitaro

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the catalogue of §4.11.2: every click column, conversion
// column and metric a report can name, each with the SQL that computes it
// from the stored tables. report_sql.go assembles these into queries.

// colType is how a column compares in filters and which JSON type it
// answers with.
type colType int

const (
	tInteger  colType = iota // JSON integer, or null when unset
	tString                  // JSON string
	tNumber                  // money: JSON number, 4 decimals
	tBoolean                 // JSON true / false
	tDatetime                // "YYYY-MM-DD HH:MM:SS" in the report's timezone; compared as text
	tObject                  // JSON object (a conversion's params)
)

// definition is the type's name in GET /report/definition.
func (t colType) definition() string {
	switch t {
	case tInteger:
		return "integer"
	case tNumber:
		return "number"
	case tBoolean:
		return "boolean"
	case tDatetime:
		return "datetime"
	case tObject:
		return "object"
	}
	return "string"
}

// numeric reports whether filters compare the column as a number.
func (t colType) numeric() bool { return t == tInteger || t == tNumber }

// scope is what a column's SQL may refer to: the click k, the click's
// conversion totals v (joined only when an expression asks for them), the
// conversion cv of the conversions log, and the report's timezone.
type scope struct {
	zone        zoneShift
	conversions bool // rows are conversions: cv joined to its click k
	useTotals   bool // some expression reads v
	hours       bool // k is the hourly rollups (clickHours), not the clicks
	// byConversion: k is each click joined to its conversions cv, a row
	// per conversion (one, cv null, for a click without any); the bases
	// are conversionRowBases.
	byConversion bool
	names        []string // the name columns expressions read, each joined as n_<column>
}

// name reads the name of the object a click refers to: its table is
// joined (once) as n_<column>.
func (s *scope) name(column string) string {
	if !slices.Contains(s.names, column) {
		s.names = append(s.names, column)
	}
	return "coalesce(n_" + column + ".name, '')"
}

// total reads one of the click's conversion totals (0 without any).
func (s *scope) total(name string) string {
	s.useTotals = true
	return "coalesce(v." + name + ", 0)"
}

// local is a stored UTC datetime column as wall time of the report's zone.
func (s *scope) local(col string) string { return s.zone.local(col) }

// localDay is the date ("YYYY-MM-DD") of local(col). Under one offset it
// is the stored date, or the next (or previous) one from the time of day
// the offset crosses midnight: a text comparison per row, and a date
// function only for the hours that cross, rather than datetime() for
// every row (on the 152,000 rollup rows of 1M clicks: 17 ms a report).
func (s *scope) localDay(col string) string {
	z := s.zone
	if len(z) != 1 || z[0].offset == 0 || z[0].offset <= -86400 || z[0].offset >= 86400 {
		return "substr(" + s.local(col) + ", 1, 10)"
	}
	clock := func(sec int) string { return time.Unix(int64(sec), 0).UTC().Format("15:04:05") }
	at := "substr(" + col + ", 12, 8)"
	if off := z[0].offset; off > 0 {
		return "CASE WHEN " + at + " >= '" + clock(86400-off) + "' THEN date(" + col + ", '+1 day') ELSE substr(" + col + ", 1, 10) END"
	}
	return "CASE WHEN " + at + " < '" + clock(-z[0].offset) + "' THEN date(" + col + ", '-1 day') ELSE substr(" + col + ", 1, 10) END"
}

// A column is one click (or conversion) column of §4.11.2.
type column struct {
	name string
	typ  colType
	sql  func(s *scope) string
}

// rounded is expr rounded half away from zero to dp decimals, as a
// decimal reader expects (10.7 / 4 = 2.675 → 2.68, although the binary
// 2.675 is slightly below the half): the value, scaled to whole units of
// the last decimal, is moved a ten-millionth of a unit away from zero
// before SQLite rounds it. The nudge is absolute in those units, so large
// figures are not moved (a relative one shifted 1e12 by 0.002).
func rounded(expr string, dp int) string {
	scale := "1e" + strconv.Itoa(dp)
	return "(round((" + expr + ") * " + scale + " + iif((" + expr + ") < 0, -1e-7, 1e-7)) / " + scale + ")"
}

func stored(name string, typ colType) *column {
	return &column{name, typ, func(*scope) string { return "k." + name }}
}

func fixed(name string, typ colType, expr string) *column {
	return &column{name, typ, func(*scope) string { return expr }}
}

// nameOf is the current name of the object a click refers to ("" when it
// refers to none, or to one that does not exist).
func nameOf(name string) *column {
	return &column{name, tString, func(s *scope) string { return s.name(name) }}
}

// nameTables are, for each name column, the table and the click's id
// column it is read by.
var nameTables = map[string][2]string{
	"campaign":          {"keitaro_campaigns", "campaign_id"},
	"campaign_group":    {"keitaro_groups", "campaign_group_id"},
	"parent_campaign":   {"keitaro_campaigns", "parent_campaign_id"},
	"landing":           {"keitaro_landing_pages", "landing_id"},
	"offer":             {"keitaro_offers", "offer_id"},
	"ts":                {"keitaro_traffic_sources", "ts_id"},
	"stream":            {"keitaro_streams", "stream_id"},
	"affiliate_network": {"keitaro_affiliate_networks", "affiliate_network_id"},
}

// localTime is a part of a datetime column in the report's timezone: part
// is SQL over $t, the local "YYYY-MM-DD HH:MM:SS" text (cutting the text is
// cheaper than a date function per row).
func localTime(name, col, part string, typ colType) *column {
	return &column{name, typ, func(s *scope) string {
		return strings.ReplaceAll(part, "$t", s.local(col))
	}}
}

// ipv4 holds when the click's IP is a dotted IPv4 address.
const ipv4 = `(k.ip GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' AND k.ip NOT GLOB '*[^0-9.]*' AND length(k.ip) - length(replace(k.ip, '.', '')) = 3)`

// labelRefs are the columns a label may mark, in the order the label
// column looks them up (§4.11.7).
var labelRefs = func() []string {
	refs := []string{"ip", "source", "keyword", "ad_campaign_id", "creative_id", "external_id"}
	for i := 1; i <= 15; i++ {
		refs = append(refs, "sub_id_"+strconv.Itoa(i))
	}
	return refs
}()

// labelColumn is the label of the first labelled ref of the click, or "".
func labelColumn() string {
	parts := make([]string, 0, len(labelRefs)+1)
	for _, ref := range labelRefs {
		parts = append(parts, `(SELECT label FROM keitaro_labels WHERE tenant_id = @tenant AND campaign_id = k.campaign_id
			AND ref_name = '`+ref+`' AND value = k.`+ref+`)`)
	}
	return "coalesce(" + strings.Join(append(parts, "''"), ", ") + ")"
}

// clickData are the stored string columns of §4.11.2 "data".
var clickData = func() []string {
	out := []string{"language", "device_type", "connection_type", "ip", "country_code", "country", "region", "city",
		"user_agent", "operator", "os", "os_version", "browser", "browser_version", "device_model", "isp", "source",
		"referrer", "search_engine", "keyword", "destination"}
	for i := 1; i <= 15; i++ {
		out = append(out, "sub_id_"+strconv.Itoa(i))
	}
	for i := 1; i <= 10; i++ {
		out = append(out, "extra_param_"+strconv.Itoa(i))
	}
	return append(out, "ad_campaign_id", "external_id", "creative_id")
}()

// clickIDs are the stored id columns (integers, null when unset).
var clickIDs = []string{"click_id", "campaign_id", "campaign_group_id", "parent_campaign_id", "landing_id", "offer_id",
	"ts_id", "stream_id", "language_id", "device_type_id", "affiliate_network_id"}

// clickFlags are the stored boolean columns.
var clickFlags = []string{"is_unique_stream", "is_unique_campaign", "is_unique_global", "is_bot", "is_using_proxy", "landing_clicked"}

// clickColumns are the click columns in the order of §4.11.2, which is the
// order GET /report/definition lists them in.
var clickColumns = func() []*column {
	var cols []*column
	for _, n := range clickIDs {
		cols = append(cols, stored(n, tInteger))
	}
	cols = append(cols, stored("sub_id", tString), stored("visitor_code", tString),
		nameOf("campaign"), nameOf("campaign_group"), nameOf("parent_campaign"), nameOf("landing"),
		nameOf("offer"), nameOf("ts"), nameOf("stream"), nameOf("affiliate_network"))
	for _, n := range clickData {
		cols = append(cols, stored(n, tString))
	}
	cols = append(cols,
		fixed("ip_mask1", tString, `CASE WHEN `+ipv4+` THEN rtrim(k.ip, '0123456789') || '0' ELSE '' END`),
		fixed("ip_mask2", tString, `CASE WHEN `+ipv4+` THEN rtrim(rtrim(rtrim(k.ip, '0123456789'), '.'), '0123456789') || '0.0' ELSE '' END`),
		fixed("label", tString, labelColumn()),
		fixed("cost", tNumber, rounded("k.cost", 4)),
		&column{"revenue", tNumber, func(s *scope) string {
			return rounded(s.total("lead_revenue")+" + "+s.total("sale_revenue"), 4)
		}},
		&column{"profit", tNumber, func(s *scope) string {
			return rounded(s.total("lead_revenue")+" + "+s.total("sale_revenue")+" - k.cost", 4)
		}})
	for _, n := range clickFlags[:3] {
		cols = append(cols, stored(n, tBoolean))
	}
	cols = append(cols,
		&column{"is_lead", tBoolean, func(s *scope) string { return "(" + s.total("leads") + " > 0)" }},
		&column{"is_sale", tBoolean, func(s *scope) string { return "(" + s.total("sales") + " + " + s.total("rebills") + " > 0)" }},
		&column{"is_rejected", tBoolean, func(s *scope) string { return "(" + s.total("rejected") + " > 0)" }},
		stored("is_bot", tBoolean), stored("is_using_proxy", tBoolean),
		fixed("is_empty_referrer", tBoolean, "(k.referrer = '')"),
		stored("landing_clicked", tBoolean),
		localTime("datetime", "k.datetime", "$t", tDatetime),
		&column{"year", tInteger, func(s *scope) string { return "CAST(substr(" + s.localDay("k.datetime") + ", 1, 4) AS INTEGER)" }},
		&column{"month", tString, func(s *scope) string { return "substr(" + s.localDay("k.datetime") + ", 1, 7)" }},
		localTime("week", "k.datetime", "strftime('%G-%V', $t)", tString),
		localTime("weekday", "k.datetime", "CAST(strftime('%u', $t) AS INTEGER)", tInteger),
		&column{"day", tString, func(s *scope) string { return s.localDay("k.datetime") }},
		localTime("hour", "k.datetime", "CAST(substr($t, 12, 2) AS INTEGER)", tInteger),
		localTime("day_hour", "k.datetime", "substr($t, 1, 13) || ':00'", tString),
		localTime("landing_clicked_datetime", "k.landing_clicked_datetime", "$t", tDatetime),
		fixed("landing_clicked_period", tInteger, "(unixepoch(k.landing_clicked_datetime) - unixepoch(k.datetime))"))
	return cols
}()

// conversionColumns are the columns only the conversions log has, and the
// click columns that describe the conversion there (§4.11.6).
var conversionColumns = []*column{
	fixed("conversion_id", tInteger, "cv.conversion_id"),
	fixed("status", tString, "cv.status"),
	fixed("previous_status", tString, "cv.previous_status"),
	fixed("original_status", tString, "cv.original_status"),
	fixed("tid", tString, "cv.tid"),
	fixed("revenue", tNumber, rounded("cv.revenue", 4)),
	fixed("currency", tString, "cv.currency"),
	localTime("click_datetime", "k.datetime", "$t", tDatetime),
	localTime("postback_datetime", "cv.postback_datetime", "$t", tDatetime),
	localTime("sale_datetime", "cv.sale_datetime", "$t", tDatetime),
	fixed("sale_period", tInteger, "cv.sale_period"),
	fixed("params", tObject, "cv.params"),
	localTime("datetime", "cv.postback_datetime", "$t", tDatetime),
	fixed("is_lead", tBoolean, "(cv.status = 'lead')"),
	fixed("is_sale", tBoolean, "(cv.status IN ('sale', 'rebill'))"),
	fixed("is_rejected", tBoolean, "(cv.status = 'rejected')"),
}

// Columns by name: of clicks, and of the conversions log (click columns
// with the conversion's own in front).
var (
	clickColumnIndex      = indexColumns(clickColumns)
	conversionColumnIndex = indexColumns(append(append([]*column{}, clickColumns...), conversionColumns...))
)

func indexColumns(cols []*column) map[string]*column {
	m := make(map[string]*column, len(cols))
	for _, c := range cols {
		m[c.name] = c // later entries override: the conversion's own columns win
	}
	return m
}

// metricKind is how a metric is rounded and typed (§4.11.2).
type metricKind int

const (
	mCount   metricKind = iota // integer
	mMoney                     // number, 4 decimals
	mPercent                   // number, 2 decimals
)

func (k metricKind) definition() string {
	switch k {
	case mMoney:
		return "number"
	case mPercent:
		return "percent"
	}
	return "integer"
}

// A metric is a formula over the base sums of a group of clicks. Its SQL
// names the bases b_<name>; the report computes only the bases it needs.
type metric struct {
	name  string
	kind  metricKind
	sql   string
	bases []string // filled from sql at start-up
}

// output is the metric's value as answered: rounded by its kind.
func (m *metric) output() string {
	switch m.kind {
	case mMoney:
		return rounded(m.sql, 4)
	case mPercent:
		return rounded(m.sql, 2)
	}
	return m.sql
}

// A base is one aggregate over the clicks of a group; totals marks those
// that read the clicks' conversion totals.
type base struct {
	sql    string
	totals bool
}

var bases = map[string]base{
	"b_clicks":                 {"count(*)", false},
	"b_campaign_unique_clicks": {"coalesce(sum(k.is_unique_campaign), 0)", false},
	"b_stream_unique_clicks":   {"coalesce(sum(k.is_unique_stream), 0)", false},
	"b_global_unique_clicks":   {"coalesce(sum(k.is_unique_global), 0)", false},
	"b_bots":                   {"coalesce(sum(k.is_bot), 0)", false},
	"b_proxies":                {"coalesce(sum(k.is_using_proxy), 0)", false},
	"b_empty_referrers":        {"coalesce(sum(k.referrer = ''), 0)", false},
	"b_lp_clicks":              {"coalesce(sum(k.landing_clicked), 0)", false},
	"b_cost":                   {"total(k.cost)", false},
	"b_lcp_sum":                {"total(unixepoch(k.landing_clicked_datetime) - unixepoch(k.datetime))", false},
	"b_lcp_n":                  {"count(k.landing_clicked_datetime)", false},
	"b_leads":                  {"coalesce(sum(v.leads), 0)", true},
	"b_sales":                  {"coalesce(sum(v.sales), 0)", true},
	"b_rejected":               {"coalesce(sum(v.rejected), 0)", true},
	"b_rebills":                {"coalesce(sum(v.rebills), 0)", true},
	"b_lead_revenue":           {"total(v.lead_revenue)", true},
	"b_sale_revenue":           {"total(v.sale_revenue)", true},
	"b_rejected_revenue":       {"total(v.rejected_revenue)", true},
}

// hourBases are the bases over the hourly rollups: sums of their sums.
var hourBases = map[string]string{
	"b_clicks":                 "coalesce(sum(k.clicks), 0)",
	"b_campaign_unique_clicks": "coalesce(sum(k.campaign_unique), 0)",
	"b_stream_unique_clicks":   "coalesce(sum(k.stream_unique), 0)",
	"b_global_unique_clicks":   "coalesce(sum(k.global_unique), 0)",
	"b_bots":                   "coalesce(sum(k.bots), 0)",
	"b_proxies":                "coalesce(sum(k.proxies), 0)",
	"b_empty_referrers":        "coalesce(sum(k.empty_referrers), 0)",
	"b_lp_clicks":              "coalesce(sum(k.lp_clicks), 0)",
	"b_cost":                   "total(k.cost)",
	"b_lcp_sum":                "total(k.lcp_sum)",
	"b_lcp_n":                  "coalesce(sum(k.lcp_n), 0)",
	"b_leads":                  "coalesce(sum(k.leads), 0)",
	"b_sales":                  "coalesce(sum(k.sales), 0)",
	"b_rejected":               "coalesce(sum(k.rejected), 0)",
	"b_rebills":                "coalesce(sum(k.rebills), 0)",
	"b_lead_revenue":           "total(k.lead_revenue)",
	"b_sale_revenue":           "total(k.sale_revenue)",
	"b_rejected_revenue":       "total(k.rejected_revenue)",
}

// conversionRowBases are the bases over the clicks joined to their
// conversions (scope.byConversion), which planHoursLess groups the clicks
// it leaves out by: a click's own figures count on the first row of the
// click only. It reads the conversions of just those clicks, by the
// conversions' click index, where the bases (v) sum every conversion of
// the tenant first (measured on 1M clicks, 80,000 left out: 0.17 s of a
// 0.47 s query).
var conversionRowBases = func() map[string]string {
	// The unary + keeps SQLite from looking for the earlier conversion
	// along the primary key (every conversion of the tenant below it).
	first := "CASE WHEN cv.conversion_id IS NULL THEN 1 ELSE NOT EXISTS (SELECT 1 FROM keitaro_conversions c " +
		"WHERE c.tenant_id = k.tenant_id AND c.click_id = k.click_id AND +c.conversion_id < cv.conversion_id) END"
	once := func(x string) string { return "iif(" + first + ", " + x + ", NULL)" }
	return map[string]string{
		"b_clicks":                 "count(" + once("1") + ")",
		"b_campaign_unique_clicks": "coalesce(sum(" + once("k.is_unique_campaign") + "), 0)",
		"b_stream_unique_clicks":   "coalesce(sum(" + once("k.is_unique_stream") + "), 0)",
		"b_global_unique_clicks":   "coalesce(sum(" + once("k.is_unique_global") + "), 0)",
		"b_bots":                   "coalesce(sum(" + once("k.is_bot") + "), 0)",
		"b_proxies":                "coalesce(sum(" + once("k.is_using_proxy") + "), 0)",
		"b_empty_referrers":        "coalesce(sum(" + once("k.referrer = ''") + "), 0)",
		"b_lp_clicks":              "coalesce(sum(" + once("k.landing_clicked") + "), 0)",
		"b_cost":                   "total(" + once("k.cost") + ")",
		"b_lcp_sum":                "total(" + once("unixepoch(k.landing_clicked_datetime) - unixepoch(k.datetime)") + ")",
		"b_lcp_n":                  "count(" + once("k.landing_clicked_datetime") + ")",
		"b_leads":                  "coalesce(sum(cv.status = 'lead'), 0)",
		"b_sales":                  "coalesce(sum(cv.status = 'sale'), 0)",
		"b_rejected":               "coalesce(sum(cv.status = 'rejected'), 0)",
		"b_rebills":                "coalesce(sum(cv.status = 'rebill'), 0)",
		"b_lead_revenue":           "total(CASE WHEN cv.status = 'lead' THEN cv.revenue END)",
		"b_sale_revenue":           "total(CASE WHEN cv.status IN ('sale', 'rebill') THEN cv.revenue END)",
		"b_rejected_revenue":       "total(CASE WHEN cv.status = 'rejected' THEN cv.revenue END)",
	}
}()

// hourColumns are the click columns the hourly rollups keep: a report
// naming only these (and metrics) can be answered from them.
var hourColumns = []string{"campaign_id", "campaign_group_id", "landing_id", "offer_id", "ts_id", "stream_id",
	"affiliate_network_id", "campaign", "campaign_group", "landing", "offer", "ts", "stream", "affiliate_network",
	"country_code", "year", "month", "week", "weekday", "day", "hour", "day_hour"}

// ratio is a / b, 0 when b is 0 (SQLite divides by zero to NULL).
func ratio(a, b string) string { return "ifnull((" + a + ") * 1.0 / (" + b + "), 0)" }

// pct is a / b × 100, 0 when b is 0.
func pct(a, b string) string { return ratio("("+a+") * 100", b) }

const (
	sqlConversions = "b_leads + b_sales"
	sqlRevenue     = "b_lead_revenue + b_sale_revenue"
	sqlProfit      = "b_lead_revenue + b_sale_revenue - b_cost"
)

// metrics are every metric in the document's order (Stats, then Money).
// Formulas marked "(choice)" in §4.11.2 are the emulator's own.
var metrics = func() []*metric {
	ms := []*metric{
		{name: "clicks", kind: mCount, sql: "b_clicks"},
		{name: "campaign_unique_clicks", kind: mCount, sql: "b_campaign_unique_clicks"},
		{name: "stream_unique_clicks", kind: mCount, sql: "b_stream_unique_clicks"},
		{name: "global_unique_clicks", kind: mCount, sql: "b_global_unique_clicks"},
		{name: "uc_campaign_rate", kind: mPercent, sql: pct("b_campaign_unique_clicks", "b_clicks")}, // choice
		{name: "uc_stream_rate", kind: mPercent, sql: pct("b_stream_unique_clicks", "b_clicks")},     // choice
		{name: "uc_global_rate", kind: mPercent, sql: pct("b_global_unique_clicks", "b_clicks")},     // choice
		{name: "bots", kind: mCount, sql: "b_bots"},
		{name: "bot_share", kind: mPercent, sql: pct("b_bots", "b_clicks")}, // choice
		{name: "proxies", kind: mCount, sql: "b_proxies"},
		{name: "empty_referrers", kind: mCount, sql: "b_empty_referrers"},
		{name: "conversions", kind: mCount, sql: "(" + sqlConversions + ")"},
		{name: "leads", kind: mCount, sql: "b_leads"},
		{name: "sales", kind: mCount, sql: "b_sales"},
		{name: "rejected", kind: mCount, sql: "b_rejected"},
		{name: "rebills", kind: mCount, sql: "b_rebills"},
		{name: "approve", kind: mPercent, sql: pct("b_sales", "b_leads + b_sales + b_rejected")}, // choice
		{name: "lp_clicks", kind: mCount, sql: "b_lp_clicks"},
		{name: "lp_ctr", kind: mPercent, sql: pct("b_lp_clicks", "b_clicks")}, // choice
		{name: "landing_clicked_period", kind: mCount, sql: "CAST(" + rounded(ratio("b_lcp_sum", "b_lcp_n"), 0) + " AS INTEGER)"},
		{name: "cr", kind: mPercent, sql: pct(sqlConversions, "b_clicks")},
		{name: "crs", kind: mPercent, sql: pct("b_sales", "b_clicks")}, // choice: the docs' "CR confirmed"
		{name: "crl", kind: mPercent, sql: pct("b_leads", "b_clicks")}, // choice: the docs' "CR hold"
		{name: "roi", kind: mPercent, sql: pct(sqlProfit, "b_cost")},
		{name: "roi_confirmed", kind: mPercent, sql: pct("b_sale_revenue - b_cost", "b_cost")}, // choice
		{name: "epc", kind: mMoney, sql: ratio(sqlRevenue, "b_clicks")},
		{name: "epc_confirmed", kind: mMoney, sql: ratio("b_sale_revenue", "b_clicks")},
		{name: "cps", kind: mMoney, sql: ratio("b_cost", "b_sales")},
		{name: "cpa", kind: mMoney, sql: ratio("b_cost", sqlConversions)}, // choice
		{name: "cpc", kind: mMoney, sql: ratio("b_cost", "b_clicks")},
		{name: "ecpc", kind: mMoney, sql: ratio("b_cost * 1000", "b_clicks")},
		{name: "ecpm", kind: mMoney, sql: ratio("("+sqlRevenue+") * 1000", "b_clicks")},
		{name: "ecpm_confirmed", kind: mMoney, sql: ratio("b_sale_revenue * 1000", "b_clicks")},
		{name: "ec", kind: mMoney, sql: ratio(sqlRevenue, sqlConversions)},
		{name: "ec_confirmed", kind: mMoney, sql: ratio("b_sale_revenue", sqlConversions)},
		{name: "profitability", kind: mPercent, sql: pct(sqlProfit, sqlRevenue)}, // choice
		{name: "cost", kind: mMoney, sql: "b_cost"},
		{name: "revenue", kind: mMoney, sql: "(" + sqlRevenue + ")"}, // choice: lead + sale revenue
		{name: "profit", kind: mMoney, sql: "(" + sqlProfit + ")"},
		{name: "lead_revenue", kind: mMoney, sql: "b_lead_revenue"},
		{name: "sale_revenue", kind: mMoney, sql: "b_sale_revenue"},
		{name: "rejected_revenue", kind: mMoney, sql: "b_rejected_revenue"},
		{name: "profit_confirmed", kind: mMoney, sql: "(b_sale_revenue - b_cost)"}, // choice
	}
	for _, m := range ms {
		for _, b := range baseName.FindAllString(m.sql, -1) {
			if !slices.Contains(m.bases, b) {
				m.bases = append(m.bases, b)
			}
		}
	}
	return ms
}()

var baseName = regexp.MustCompile(`\bb_[a-z_]+\b`)

// metricIndex finds a metric by name.
var metricIndex = func() map[string]*metric {
	m := make(map[string]*metric, len(metrics))
	for _, x := range metrics {
		m[x.name] = x
	}
	return m
}()

// defaultSummaryMetrics are what POST /clicks/summary answers when asked
// for nothing in particular.
var defaultSummaryMetrics = []string{"clicks", "campaign_unique_clicks", "conversions", "leads", "sales", "rejected",
	"cost", "revenue", "profit", "roi", "cr", "epc"}

// operators are the filter operators of §4.11.4, as the definition lists
// them.
var operators = []string{"EQUALS", "NOT_EQUAL", "GREATER_THAN", "LESS_THAN", "EQUALS_OR_GREATER_THAN",
	"EQUALS_OR_LESS_THAN", "BEGINS_WITH", "ENDS_WITH", "CONTAINS", "NOT_CONTAIN", "MATCH_REGEXP", "NOT_MATCH_REGEXP",
	"IN_LIST", "NOT_IN_LIST", "BETWEEN", "IS_SET", "IS_NOT_SET", "IS_TRUE", "IS_FALSE", "HAS_LABEL", "NOT_HAS_LABEL"}

// intervals are the named ranges of §4.11.3.
var intervals = []string{"today", "yesterday", "7_days_ago", "first_day_of_this_week", "1_month_ago",
	"first_day_of_this_month", "1_year_ago", "first_day_of_this_year", "all_time"}
