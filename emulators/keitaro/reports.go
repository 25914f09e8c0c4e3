package keitaro

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/wire"
)

// The report routes of §4.11: report/build (= clicks/build), clicks/log,
// conversions/log, clicks/summary and report/definition. Every figure is
// computed by SQL from the stored clicks and conversions at request time
// (report_sql.go); this file reads the requests and shapes the answers.

// reportKind is the route a report request serves: it decides which names
// the request may use.
type reportKind int

const (
	kindBuild          reportKind = iota // grouping, metrics; filters on columns and metrics
	kindSummary                          // metrics; filters on columns
	kindClicksLog                        // click columns
	kindConversionsLog                   // click and conversion columns
)

// reportRequest is a report request, read and checked.
type reportRequest struct {
	kind          reportKind
	rng           reportRange
	limit, offset int64
	grouping      []*column
	metrics       []*metric
	columns       []*column
	filters       []filter
	sort          []sortItem
	summary       bool
	// raw answers from the clicks even where the hourly rollups would do
	// (the tests compare the two).
	raw bool
}

// sortItem is one {"name","order"} of a request's sort.
type sortItem struct {
	name string
	desc bool
}

// filter is one filter of a request, its expression already read into the
// form its SQL needs.
type filter struct {
	name string
	op   string
	typ  colType
	col  *column        // a filter on a column selects clicks …
	met  *metric        // … one on a metric selects finished rows
	fold bool           // strings compare ignoring case
	arg  any            // the expression (a label name for HAS_LABEL)
	list []any          // IN_LIST, NOT_IN_LIST, BETWEEN
	re   *regexp.Regexp // MATCH_REGEXP, NOT_MATCH_REGEXP
	// listed: the list goes to SQLite as parameters (inList), within
	// the request's budget of maxListed values.
	listed bool
}

// columnsOf are the columns a kind of request may name.
func (k reportKind) columns() map[string]*column {
	if k == kindConversionsLog {
		return conversionColumnIndex
	}
	return clickColumnIndex
}

// readReport reads a report request; every failing field is reported
// (range, limit, offset, grouping, metrics, columns, filters, sort).
func readReport(c *call, kind reportKind) (*reportRequest, error) {
	var errs fieldErrors
	req := &reportRequest{kind: kind}
	in := c.in
	if kind != kindSummary && !in.present("range") && !in.present("limit") {
		errs.add("range", msgRequired) // "You must always 'limit' or 'range'"
	}
	var ok bool
	if req.rng, ok = readRange(in["range"], c.now, c.t.timezone); !ok {
		errs.add("range", msgInvalid)
	}
	req.limit = pageParam(c, "limit", 0, &errs)
	if !in.present("offset") && in.present("offer") {
		if _, isInt := asInt(in["offer"]); isInt {
			in["offset"] = in["offer"] // the document's misspelling
		}
	}
	req.offset = pageParam(c, "offset", 0, &errs)
	cols := kind.columns()
	var sortable []string
	switch kind {
	case kindBuild, kindSummary:
		if kind == kindBuild {
			for _, n := range readNames(in["grouping"], "grouping", func(n string) bool { return cols[n] != nil }, &errs) {
				req.grouping = append(req.grouping, cols[n])
				sortable = append(sortable, n)
			}
		}
		names := readNames(in["metrics"], "metrics", func(n string) bool { return metricIndex[n] != nil }, &errs)
		if kind == kindSummary && len(names) == 0 {
			names = defaultSummaryMetrics
		}
		for _, n := range names {
			req.metrics = append(req.metrics, metricIndex[n])
			sortable = append(sortable, n)
		}
	default:
		names := readNames(in["columns"], "columns", func(n string) bool { return cols[n] != nil }, &errs)
		if len(names) == 0 && !errs.has("columns") {
			errs.add("columns", msgRequired)
		}
		for _, n := range names {
			req.columns = append(req.columns, cols[n])
		}
		// A log may be sorted by any field it knows, shown or not (§0).
		for n := range cols {
			sortable = append(sortable, n)
		}
	}
	req.filters = readFilters(in["filters"], func(name string) (*column, *metric) {
		if col := cols[name]; col != nil {
			return col, nil
		}
		if kind == kindBuild {
			return nil, metricIndex[name]
		}
		return nil, nil
	}, &errs)
	if kind != kindSummary {
		req.sort = readSort(in["sort"], sortable, &errs)
	}
	if kind == kindBuild && in.present("summary") {
		if req.summary, ok = asBool(in["summary"]); !ok {
			errs.add("summary", msgInvalid)
		}
	}
	return req, errs.err()
}

// readNames reads a list of names: an array of strings, or one
// comma-separated string (as a query string carries it). Duplicates
// appear once; the first unknown name is reported.
func readNames(raw any, key string, known func(string) bool, errs *fieldErrors) []string {
	var items []any
	switch x := raw.(type) {
	case nil:
		return nil
	case []any:
		items = x
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
	default:
		errs.add(key, msgInvalid)
		return nil
	}
	var out []string
	for _, it := range items {
		s, ok := it.(string)
		switch {
		case !ok:
			errs.add(key, msgInvalid)
			return nil
		case !known(s):
			errs.add(key, "Unknown field: "+s)
			return nil
		case !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	return out
}

// listOf reads an array, or one object standing for a list of one.
func listOf(raw any) ([]any, bool) {
	switch x := raw.(type) {
	case []any:
		return x, true
	case map[string]any:
		return []any{x}, true
	}
	return nil, false
}

// readFilters reads the filters; the first failing one is reported.
func readFilters(raw any, resolve func(string) (*column, *metric), errs *fieldErrors) []filter {
	if raw == nil {
		return nil
	}
	items, ok := listOf(raw)
	if !ok {
		errs.add("filters", msgInvalid)
		return nil
	}
	var out []filter
	for _, it := range items {
		f, msg := readFilter(it, resolve)
		if msg != "" {
			errs.add("filters", msg)
			return nil
		}
		out = append(out, f)
	}
	// SQLite takes at most 32,766 parameters a statement, and a filter
	// may appear in several parts of one: the lists of a request share
	// maxListed parameters, and the rest go as JSON.
	budget := maxListed
	for i := range out {
		f := &out[i]
		if (f.op == "IN_LIST" || f.op == "NOT_IN_LIST") && (f.typ == tString || f.typ == tDatetime) &&
			len(f.list) > 0 && len(f.list) <= budget {
			f.listed = true
			budget -= len(f.list)
		}
	}
	return out
}

// readFilter reads one {"name","operator","expression","case_sensitive"}.
// A failure is the 406 message for "filters".
func readFilter(raw any, resolve func(string) (*column, *metric)) (filter, string) {
	var f filter
	m, ok := raw.(map[string]any)
	if !ok {
		return f, msgInvalid
	}
	name, nameOK := asString(m["name"])
	op, opOK := asString(m["operator"])
	switch {
	case m["name"] == nil || (nameOK && name == ""), m["operator"] == nil || (opOK && op == ""):
		return f, msgRequired
	case !nameOK || !opOK:
		return f, msgInvalid
	}
	f.name, f.op = name, strings.ToUpper(op)
	if f.op == "NOT_CONTAINS" {
		f.op = "NOT_CONTAIN"
	}
	f.col, f.met = resolve(name)
	switch {
	case f.col == nil && f.met == nil:
		return f, "Unknown field: " + name
	case !slices.Contains(operators, f.op):
		return f, "Unknown operator: " + op
	case f.col != nil:
		f.typ = f.col.typ
	case f.met.kind == mCount:
		f.typ = tInteger
	default:
		f.typ = tNumber
	}
	cs := false
	if m["case_sensitive"] != nil {
		if cs, ok = asBool(m["case_sensitive"]); !ok {
			return f, msgInvalid
		}
	}
	f.fold = !cs
	if !f.readExpression(m["expression"]) {
		return f, msgInvalid
	}
	return f, ""
}

// readExpression reads the filter's expression in the form its operator
// and the column's type need.
func (f *filter) readExpression(v any) bool {
	var ok bool
	switch f.op {
	case "IS_SET", "IS_NOT_SET", "IS_TRUE", "IS_FALSE":
		return true
	case "BEGINS_WITH", "ENDS_WITH", "CONTAINS", "NOT_CONTAIN":
		f.arg, ok = asString(v)
		return ok
	case "MATCH_REGEXP", "NOT_MATCH_REGEXP":
		var s string
		if s, ok = asString(v); ok {
			f.re, ok = regexpOf(s, f.fold)
		}
		return ok
	case "IN_LIST", "NOT_IN_LIST":
		items, isList := v.([]any)
		if s, isText := v.(string); isText {
			for _, part := range strings.Split(s, ",") {
				items = append(items, strings.TrimSpace(part))
			}
		} else if !isList {
			return false
		}
		return f.readList(items)
	case "BETWEEN":
		items, isList := v.([]any)
		return isList && len(items) == 2 && f.readList(items)
	case "HAS_LABEL", "NOT_HAS_LABEL":
		s, _ := v.(string)
		f.arg = s
		return f.col != nil && (s == "whitelist" || s == "blacklist")
	}
	f.arg, ok = f.scalar(v)
	return ok
}

func (f *filter) readList(items []any) bool {
	f.list = []any{}
	for _, it := range items {
		x, ok := f.scalar(it)
		if !ok {
			return false
		}
		f.list = append(f.list, x)
	}
	return true
}

// scalar reads one value compared with the column: a number on number
// columns ("4" = 4), 0/1 on booleans, else text.
func (f *filter) scalar(v any) (any, bool) {
	switch {
	case f.typ.numeric():
		return asDecimal(v)
	case f.typ == tBoolean:
		b, ok := asBool(v)
		if b {
			return int64(1), ok
		}
		return int64(0), ok
	}
	return asString(v)
}

// readSort reads the sort items; names must be among those requested.
func readSort(raw any, allowed []string, errs *fieldErrors) []sortItem {
	if raw == nil {
		return nil
	}
	items, ok := listOf(raw)
	if !ok {
		errs.add("sort", msgInvalid)
		return nil
	}
	var out []sortItem
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			errs.add("sort", msgInvalid)
			return nil
		}
		name, ok := asString(m["name"])
		if m["name"] == nil || name == "" {
			errs.add("sort", msgRequired)
			return nil
		}
		if !ok {
			errs.add("sort", msgInvalid)
			return nil
		}
		if !slices.Contains(allowed, name) {
			errs.add("sort", "Unknown field: "+name)
			return nil
		}
		item := sortItem{name: name}
		if m["order"] != nil {
			order, _ := asString(m["order"])
			switch strings.ToLower(order) {
			case "asc":
			case "desc":
				item.desc = true
			default:
				errs.add("sort", msgInvalid)
				return nil
			}
		}
		out = append(out, item)
	}
	return out
}

// zoneOf is the report timezone's offsets over the span of time its rows
// show: the tenant's data (clicks, postbacks, now), narrowed to the range
// when the rows are clicks (the conversions log shows clicks older than
// its range). Few offsets make a short CASE for SQLite to evaluate per row.
func zoneOf(c *call, rng reportRange, byClicks bool) (zoneShift, error) {
	if rng.loc == time.UTC {
		return zoneShift{{offset: 0}}, nil
	}
	var first, lastClick, lastPostback *string
	// Apart, each is one step along the click-time index; together, a
	// walk over all of the tenant's clicks.
	if err := c.s.QueryRow(`SELECT (SELECT min(datetime) FROM keitaro_clicks WHERE tenant_id = @tenant),
		(SELECT max(datetime) FROM keitaro_clicks WHERE tenant_id = @tenant)`).Scan(&first, &lastClick); err != nil {
		return nil, err
	}
	if err := c.s.QueryRow(`SELECT max(postback_datetime) FROM keitaro_conversions WHERE tenant_id = @tenant`).
		Scan(&lastPostback); err != nil {
		return nil, err
	}
	from, to := c.now, c.now
	for _, s := range []*string{first, lastClick, lastPostback} {
		if s == nil {
			continue
		}
		if t, err := time.Parse(stampLayout, *s); err == nil {
			from, to = minTime(from, t), maxTime(to, t)
		}
	}
	if t, err := time.Parse(stampLayout, rng.from); err == nil && byClicks {
		from = maxTime(from, t)
	}
	if t, err := time.Parse(stampLayout, rng.to); err == nil && byClicks {
		to = minTime(to, t)
	}
	if to.Before(from) {
		to = from
	}
	return shiftFor(rng.loc, from.AddDate(0, 0, -1), to.AddDate(0, 0, 1)), nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// grouped is the SQL of the groups of the filtered clicks (one group
// without grouping) with the metrics' values: columns "g_0"… then
// "m_<metric>"…, then for the summary metrics the bases summed over all
// groups, "s_<base>"….
func (q *query) grouped(grouping []*column, ms, summary []*metric) (string, []any) {
	need := basesNeeded(ms, summary)
	inner, args := q.sums(grouping, need, "b_", false)
	return metricsOver(inner, grouping, ms, summary), args
}

// lessGrouped is grouped for planHoursLess: the groups of the rollups (q)
// less the groups of the clicks the other filters leave out (left), summed
// again; a group none of whose clicks is kept is none.
func lessGrouped(q, left *query, grouping []*column, ms, summary []*metric) (string, []any) {
	need := basesNeeded(ms, summary)
	kept, args := q.sums(grouping, need, "p_", false, "0 AS p_left")
	out, largs := left.sums(grouping, need, "p_", true, "1 AS p_left")
	var sel, keys, inexact []string
	for i := range grouping {
		sel = append(sel, `"g_`+strconv.Itoa(i)+`"`)
		keys = append(keys, strconv.Itoa(i+1))
	}
	for _, b := range need {
		// Counts are integers, money and seconds (total) reals, as the
		// clicks' own sums are.
		agg := "sum"
		if strings.HasPrefix(bases[b].sql, "total(") {
			agg = "total"
		}
		p := "p_" + b[2:]
		sel = append(sel, agg+"("+p+") AS "+b)
		// Counts and whole seconds subtract exactly; money does not. Less
		// as much money left out as kept, its figure is the clicks' own
		// within rounding errors of the rollups' size; else (say the kept
		// clicks cost nothing, and the difference is a remainder of
		// rounding) the report is answered from the clicks.
		if agg == "total" && b != "b_lcp_sum" {
			inexact = append(inexact, "abs(total(iif(p_left, "+p+", 0))) > abs(total("+p+"))")
		}
	}
	if len(inexact) == 0 {
		inexact = append(inexact, "0")
	}
	sel = append(sel, "("+strings.Join(inexact, " OR ")+") AS x_inexact")
	inner := "SELECT " + strings.Join(sel, ", ") + " FROM (" + kept + " UNION ALL " + out + ")"
	if len(keys) > 0 {
		inner += " GROUP BY " + strings.Join(keys, ", ") + " HAVING sum(p_clicks) > 0"
	}
	return metricsOver(inner, grouping, ms, summary, "max(x_inexact) OVER () AS s_inexact"), append(args, largs...)
}

// basesNeeded are the bases of the metrics and of the summary metrics,
// clicks first, each once.
func basesNeeded(ms, summary []*metric) []string {
	need := []string{"b_clicks"}
	for _, b := range append(basesOf(ms), basesOf(summary)...) {
		if !slices.Contains(need, b) {
			need = append(need, b)
		}
	}
	return need
}

// sums is the SQL of the groups of the filtered rows with the bases they
// sum: columns "g_0"…, then each base under its name with prefix in place
// of "b_" (negated when negate is set).
func (q *query) sums(grouping []*column, need []string, prefix string, negate bool, extra ...string) (string, []any) {
	if q.sc.hours && slices.ContainsFunc(grouping, func(g *column) bool { _, ok := nameTables[g.name]; return ok }) {
		return q.sumsByID(grouping, need, prefix, negate, extra...)
	}
	var sel, keys []string
	for i, g := range grouping {
		sel = append(sel, g.sql(&q.sc)+` AS "g_`+strconv.Itoa(i)+`"`)
		keys = append(keys, strconv.Itoa(i+1))
	}
	for _, b := range need {
		var x string
		switch {
		case q.sc.hours:
			x = hourBases[b]
		case q.sc.byConversion:
			x = conversionRowBases[b]
		default:
			q.sc.useTotals = q.sc.useTotals || bases[b].totals
			x = bases[b].sql
		}
		if negate {
			x = "-" + x
		}
		sel = append(sel, x+" AS "+prefix+b[2:])
	}
	sel = append(sel, extra...)
	fromWhere, args := q.filtered()
	inner := "SELECT " + strings.Join(sel, ", ") + fromWhere
	if len(keys) > 0 {
		inner += " GROUP BY " + strings.Join(keys, ", ")
	}
	return inner, args
}

// sumsByID is sums over the rollups grouped by names: the rollups are
// summed by the ids the names are read by first, and those few sums by
// name (objects of one name make one group) — rather than a name read
// for each rollup row.
func (q *query) sumsByID(grouping []*column, need []string, prefix string, negate bool, extra ...string) (string, []any) {
	var sel, keys, outer, joins []string
	for i, g := range grouping {
		n := strconv.Itoa(i)
		keys = append(keys, strconv.Itoa(i+1))
		if t, ok := nameTables[g.name]; ok {
			sel = append(sel, "k."+t[1]+` AS "i_`+n+`"`)
			outer = append(outer, "coalesce(n_"+n+`.name, '') AS "g_`+n+`"`)
			joins = append(joins, " LEFT JOIN "+t[0]+" n_"+n+" ON n_"+n+".tenant_id = @tenant AND n_"+n+`.id = i."i_`+n+`"`)
			continue
		}
		sel = append(sel, g.sql(&q.sc)+` AS "g_`+n+`"`)
		outer = append(outer, `i."g_`+n+`"`)
	}
	for _, b := range need {
		sel = append(sel, hourBases[b]+" AS q_"+b[2:])
		x := "sum(q_" + b[2:] + ")"
		if strings.HasPrefix(hourBases[b], "total(") {
			x = "total(q_" + b[2:] + ")"
		}
		if negate {
			x = "-" + x
		}
		outer = append(outer, x+" AS "+prefix+b[2:])
	}
	outer = append(outer, extra...)
	fromWhere, args := q.filtered()
	inner := "SELECT " + strings.Join(sel, ", ") + fromWhere + " GROUP BY " + strings.Join(keys, ", ")
	return "SELECT " + strings.Join(outer, ", ") + " FROM (" + inner + ") i" + strings.Join(joins, "") +
		" GROUP BY " + strings.Join(keys, ", "), args
}

// metricsOver is the SQL of the metrics over groups with their bases
// (inner, as sums names them), and the extra columns after them.
func metricsOver(inner string, grouping []*column, ms, summary []*metric, extra ...string) string {
	mid := make([]string, 0, len(grouping)+len(ms))
	for i := range grouping {
		mid = append(mid, `"g_`+strconv.Itoa(i)+`"`)
	}
	for _, m := range ms {
		mid = append(mid, m.output()+` AS "m_`+m.name+`"`)
	}
	for _, b := range basesOf(summary) {
		mid = append(mid, "sum("+b+") OVER () AS s_"+b[2:])
	}
	mid = append(mid, extra...)
	if len(mid) == 0 {
		mid = append(mid, "b_clicks")
	}
	return "SELECT " + strings.Join(mid, ", ") + " FROM (" + inner + ")"
}

// basesOf are the bases the metrics need, each once.
func basesOf(ms []*metric) []string {
	var out []string
	for _, m := range ms {
		for _, b := range m.bases {
			if !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// summed is a metric's value over the "s_<base>" sums of grouped.
func summed(m *metric) string {
	return baseName.ReplaceAllStringFunc(m.output(), func(b string) string { return "s_" + b[2:] })
}

// metricType is how a metric's value is answered.
func metricType(m *metric) colType {
	if m.kind == mCount {
		return tInteger
	}
	return tNumber
}

// runBuild answers report/build's rows, total and, when asked, summary.
// The summary's sums ride along the groups (one pass over the clicks); a
// page without rows has them counted apart.
func runBuild(c *call, req *reportRequest, zone zoneShift) ([]wire.Object, int64, wire.Object, error) {
	p, err := req.planIn(c, zone, req.grouping)
	if err != nil {
		return nil, 0, nil, err
	}
	rows, total, sum, exact, err := buildBy(c, req, zone, p)
	if err == nil && !exact {
		rows, total, sum, _, err = buildBy(c, req, zone, planClicks)
	}
	return rows, total, sum, err
}

// buildBy is runBuild by the plan given. exact is false when the plan is
// planHoursLess and its figures may not be the clicks' own (lessGrouped).
// A page without rows (past the last one, or metric filters that leave no
// group) is counted from the same groups, and its summary summed by the
// same plan.
func buildBy(c *call, req *reportRequest, zone zoneShift, p plan) ([]wire.Object, int64, wire.Object, bool, error) {
	ms := slices.Clone(req.metrics)
	for _, f := range req.filters {
		if f.met != nil && !slices.Contains(ms, f.met) {
			ms = append(ms, f.met)
		}
	}
	var summary []*metric
	if req.summary {
		summary = req.metrics
	}
	mid, midArgs, err := groupedBy(c, p, req.rng, zone, req.filters, req.grouping, ms, summary)
	if err != nil {
		return nil, 0, nil, false, err
	}
	args := slices.Clone(midArgs)
	var where []string
	for _, f := range req.filters {
		if f.met == nil {
			continue
		}
		x := `"m_` + f.met.name + `"`
		cond, fargs, err := f.condition(x, func(text string) ([]string, error) {
			return distinct(c.s, "SELECT DISTINCT "+text+" FROM ("+mid+")", midArgs)
		}, "")
		if err != nil {
			return nil, 0, nil, false, err
		}
		where = append(where, cond)
		args = append(args, fargs...)
	}
	var outs []out
	var sel []string
	for i, g := range req.grouping {
		outs = append(outs, out{g.name, g.typ})
		sel = append(sel, `"g_`+strconv.Itoa(i)+`"`)
	}
	for _, m := range req.metrics {
		outs = append(outs, out{m.name, metricType(m)})
		sel = append(sel, `"m_`+m.name+`"`)
	}
	if len(sel) == 0 {
		sel = append(sel, "NULL")
	}
	body := " FROM (" + mid + ")"
	if len(where) > 0 {
		body += " WHERE " + strings.Join(where, " AND ")
	}
	position := func(name string) int {
		for i, o := range outs {
			if o.key == name {
				return i + 1
			}
		}
		return 1
	}
	var ties []string
	for i := range req.grouping {
		ties = append(ties, strconv.Itoa(i+1)+" ASC")
	}
	sumOuts := make([]out, len(summary))
	for i, m := range summary {
		sel = append(sel, summed(m))
		sumOuts[i] = out{m.name, metricType(m)}
	}
	if p == planHoursLess {
		sel = append(sel, "s_inexact")
	}
	limit, largs := page(req.limit, req.offset)
	rows, extra, err := scanRows(c.s, "SELECT "+strings.Join(sel, ", ")+", count(*) OVER ()"+body+
		orderBy(req.sort, position, ties...)+limit, append(slices.Clone(args), largs...), outs)
	if err != nil {
		return nil, 0, nil, false, err
	}
	var sum wire.Object
	if len(rows) > 0 {
		total, _ := extra[len(extra)-1].(int64)
		if p == planHoursLess && extra[len(summary)] != int64(0) {
			return nil, 0, nil, false, nil
		}
		if req.summary {
			sum = make(wire.Object, len(summary))
			for i, o := range sumOuts {
				sum[i] = wire.Field{Key: o.key, Value: answer(extra[i], o.typ)}
			}
		}
		return rows, total, sum, true, nil
	}
	var total int64 // the page is past the end: count apart
	if p == planHoursLess {
		// Counted from the same groups, unless one's money may not be
		// the clicks' own (metric filters may then keep other groups).
		cond := "1"
		if len(where) > 0 {
			cond = strings.Join(where, " AND ")
		}
		var inexact *int64
		err = c.s.QueryRow("WITH m AS MATERIALIZED ("+mid+") SELECT (SELECT max(s_inexact) FROM m), count(*) FROM m WHERE "+cond,
			args...).Scan(&inexact, &total)
		if err != nil || (inexact != nil && *inexact != 0) {
			return nil, 0, nil, false, err
		}
	} else if err = c.s.QueryRow("SELECT count(*)"+body, args...).Scan(&total); err != nil {
		return nil, 0, nil, false, err
	}
	if !req.summary {
		return rows, total, nil, true, nil
	}
	sum, err = runSummary(c, req.rng, zone, req.filters, req.metrics, p)
	return rows, total, sum, true, err
}

// plan is how a report over the clicks is computed. Every plan answers the
// same bytes; they differ in what they read.
type plan int

const (
	planClicks    plan = iota // every click in the range
	planHours                 // the hourly rollups (hoursFit)
	planHoursLess             // the rollups, less the clicks some filters leave out (lessFit)
)

// planFor is the plan of the request's report with the grouping given
// (none for a summary): the rollups whenever they fit; the rollups less
// what filters leave out whenever those filters exclude (an operator such
// as NOT_IN_LIST usually leaves out few clicks, and only those are then
// grouped from the clicks — grouping every click costs most of a report);
// else the clicks.
func (req *reportRequest) planFor(zone zoneShift, grouping []*column) plan {
	switch {
	case req.raw:
		return planClicks
	case hoursFit(req.rng, zone, grouping, req.filters):
		return planHours
	case lessFit(req.rng, zone, grouping, req.filters):
		return planHoursLess
	}
	return planClicks
}

// planIn is planFor, but the clicks rather than planHoursLess where the
// tenant's rollups in the range are not much fewer than its clicks (at
// least half as many rows, judged by the first 20,000): summing them then
// costs about what grouping the clicks does, and the plan reads the clicks
// as well.
func (req *reportRequest) planIn(c *call, zone zoneShift, grouping []*column) (plan, error) {
	p := req.planFor(zone, grouping)
	if p != planHoursLess {
		return p, nil
	}
	conds, args := []string{"tenant_id = @tenant"}, []any{}
	if req.rng.from != "" {
		conds, args = append(conds, "hour >= ?"), append(args, req.rng.from)
	}
	if req.rng.to != "" {
		conds, args = append(conds, "hour <= ?"), append(args, req.rng.to)
	}
	// The first rollup rows of the range tell, in a bounded time.
	var rows, clicks int64
	err := c.s.QueryRow(`SELECT count(*), ifnull(sum(clicks), 0) FROM (SELECT clicks FROM keitaro_click_hours WHERE `+
		strings.Join(conds, " AND ")+` LIMIT 20000)`, args...).Scan(&rows, &clicks)
	if err != nil || rows*2 > clicks {
		return planClicks, err
	}
	return p, nil
}

// groupedBy is grouped for the plan: the query (or queries) it reads with
// the filters on columns applied.
func groupedBy(c *call, p plan, rng reportRange, zone zoneShift, filters []filter, grouping []*column, ms, summary []*metric) (string, []any, error) {
	if p != planHoursLess {
		q := newQuery(c.s, rng, zone, false)
		if p == planHours {
			q = newHoursQuery(c.s, rng, zone)
		}
		if err := q.addColumnFilters(filters); err != nil {
			return "", nil, err
		}
		sql, args := q.grouped(grouping, ms, summary)
		return sql, args, nil
	}
	var kept, other []filter
	for _, f := range filters {
		if f.col != nil && !slices.Contains(hourColumns, f.col.name) {
			other = append(other, f)
		} else {
			kept = append(kept, f)
		}
	}
	q := newHoursQuery(c.s, rng, zone)
	if err := q.addColumnFilters(kept); err != nil {
		return "", nil, err
	}
	left := newQuery(c.s, rng, zone, false)
	left.sc.byConversion = true
	if err := left.addColumnFilters(kept); err != nil {
		return "", nil, err
	}
	if err := left.addLeftOut(other); err != nil {
		return "", nil, err
	}
	sql, args := lessGrouped(q, left, grouping, ms, summary)
	return sql, args, nil
}

// hoursFit reports whether a report over the clicks can be answered from
// the hourly rollups (keitaro_click_hours) with the very figures the
// clicks give: its grouping and column filters name only what the rollups
// keep, its range starts and ends on whole hours, and its timezone's
// offsets (and their changes) are whole hours over the rows' span.
func hoursFit(rng reportRange, zone zoneShift, grouping []*column, filters []filter) bool {
	if !wholeHours(rng, zone, grouping) {
		return false
	}
	for _, f := range filters {
		if f.col != nil && !slices.Contains(hourColumns, f.col.name) {
			return false
		}
	}
	return true
}

// lessFit reports whether a report the rollups cannot answer alone
// (hoursFit fails) is answered by planHoursLess: hoursFit holds but for
// filters on columns the rollups do not keep, each of which excludes
// (NOT_…) and reads only the click itself, not its conversions (the
// clicks it leaves out are grouped from the clicks, each joined to its
// own conversions).
func lessFit(rng reportRange, zone zoneShift, grouping []*column, filters []filter) bool {
	if !wholeHours(rng, zone, grouping) {
		return false
	}
	other := false
	for _, f := range filters {
		if f.col == nil || slices.Contains(hourColumns, f.col.name) {
			continue
		}
		var sc scope
		f.col.sql(&sc)
		if _, ok := matching[f.op]; !ok || sc.useTotals {
			return false
		}
		other = true
	}
	return other
}

// wholeHours is the part of hoursFit on range, timezone and grouping.
func wholeHours(rng reportRange, zone zoneShift, grouping []*column) bool {
	if (rng.from != "" && !strings.HasSuffix(rng.from, ":00:00")) || (rng.to != "" && !strings.HasSuffix(rng.to, ":59:59")) {
		return false
	}
	for _, z := range zone {
		if z.offset%3600 != 0 || (z.start != "" && !strings.HasSuffix(z.start, ":00:00")) {
			return false
		}
	}
	for _, g := range grouping {
		if !slices.Contains(hourColumns, g.name) {
			return false
		}
	}
	return true
}

// runSummary answers the metrics over all the filtered clicks, by the
// plan given (planFor without grouping).
func runSummary(c *call, rng reportRange, zone zoneShift, filters []filter, ms []*metric, p plan) (wire.Object, error) {
	sql, args, err := groupedBy(c, p, rng, zone, filters, nil, ms, nil)
	if err != nil {
		return nil, err
	}
	outs := make([]out, len(ms))
	for i, m := range ms {
		outs[i] = out{m.name, metricType(m)}
	}
	rows, extra, err := scanRows(c.s, sql, args, outs)
	if err == nil && p == planHoursLess && (len(rows) == 0 || extra[0] != int64(0)) {
		return runSummary(c, rng, zone, filters, ms, planClicks)
	}
	if err != nil || len(rows) == 0 {
		return wire.Object{}, err
	}
	return rows[0], nil
}

// runLog answers a log's rows (one per click or conversion) and total.
func runLog(c *call, req *reportRequest, zone zoneShift) ([]wire.Object, int64, error) {
	conversions := req.kind == kindConversionsLog
	q := newQuery(c.s, req.rng, zone, conversions)
	if err := q.addColumnFilters(req.filters); err != nil {
		return nil, 0, err
	}
	fromWhere, args := q.filtered()
	var total int64
	if err := c.s.QueryRow("SELECT count(*)"+fromWhere, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	outs := make([]out, len(req.columns))
	sel := make([]string, len(req.columns))
	for i, col := range req.columns {
		outs[i] = out{col.name, col.typ}
		sel[i] = col.sql(&q.sc)
	}
	id, at := "k.click_id", "k.datetime"
	if conversions {
		id, at = "cv.conversion_id", "cv.postback_datetime"
	}
	cols := req.kind.columns()
	position := func(name string) int {
		for i, o := range outs {
			if o.key == name {
				return i + 1
			}
		}
		// Sorted by a field it does not show: selected after the answered
		// columns, which scanRows leaves out of the rows.
		sel = append(sel, cols[name].sql(&q.sc))
		return len(sel)
	}
	ties := []string{id + " DESC"}
	if len(req.sort) == 0 {
		ties = []string{at + " DESC", id + " DESC"}
	}
	order := orderBy(req.sort, position, ties...)
	fromWhere, args = q.filtered()
	limit, largs := page(req.limit, req.offset)
	rows, _, err := scanRows(c.s, "SELECT "+strings.Join(sel, ", ")+fromWhere+order+limit,
		append(args, largs...), outs)
	return rows, total, err
}

// reportAnswer is {"rows","total","meta"} (§4.11.1).
func reportAnswer(c *call, rows []wire.Object, total int64) wire.Object {
	elapsed := c.s.Now().Sub(c.now).Seconds()
	return wire.Obj("rows", rows, "total", total, "meta", wire.Obj(
		"datetime", c.now.UTC().Format("2006-01-02T15:04:05-07:00"),
		"execution_time", strconv.FormatFloat(elapsed, 'f', 4, 64)))
}

// POST /report/build (= POST /clicks/build)
func buildReport(c *call) (any, error) {
	req, err := readReport(c, kindBuild)
	if err != nil {
		return nil, err
	}
	zone, err := zoneOf(c, req.rng, true)
	if err != nil {
		return nil, err
	}
	rows, total, sum, err := runBuild(c, req, zone)
	if err != nil {
		return nil, err
	}
	answer := reportAnswer(c, rows, total)
	if req.summary {
		answer = append(answer, wire.Field{Key: "summary", Value: sum})
	}
	return answer, nil
}

// POST /clicks/summary: one flat object of metrics (§8.23).
func clicksSummary(c *call) (any, error) {
	req, err := readReport(c, kindSummary)
	if err != nil {
		return nil, err
	}
	zone, err := zoneOf(c, req.rng, true)
	if err != nil {
		return nil, err
	}
	p, err := req.planIn(c, zone, nil)
	if err != nil {
		return nil, err
	}
	return runSummary(c, req.rng, zone, req.filters, req.metrics, p)
}

// POST /clicks/log
func clicksLog(c *call) (any, error) { return logReport(c, kindClicksLog) }

// GET or POST /conversions/log
func conversionsLog(c *call) (any, error) { return logReport(c, kindConversionsLog) }

func logReport(c *call, kind reportKind) (any, error) {
	req, err := readReport(c, kind)
	if err != nil {
		return nil, err
	}
	zone, err := zoneOf(c, req.rng, kind != kindConversionsLog)
	if err != nil {
		return nil, err
	}
	rows, total, err := runLog(c, req, zone)
	if err != nil {
		return nil, err
	}
	return reportAnswer(c, rows, total), nil
}

// GET /report/definition: the emulator's field catalogue (§8.22).
func reportDefinition(*call) (any, error) {
	dims := make([]wire.Object, len(clickColumns))
	for i, col := range clickColumns {
		dims[i] = wire.Obj("name", col.name, "type", col.typ.definition())
	}
	ms := make([]wire.Object, len(metrics))
	for i, m := range metrics {
		ms[i] = wire.Obj("name", m.name, "type", m.kind.definition())
	}
	return wire.Obj("dimensions", dims, "metrics", ms, "operators", operators, "intervals", intervals), nil
}
