package twipla

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// dimensions are the session dimensions, in their default order, with
// their columns.
var dimensions = [...]struct{ name, column string }{
	{"country", "country"},
	{"device", "device"},
	{"browser", "browser"},
	{"os", "os"},
	{"referrer", "referrer"},
	{"landingPage", "landing_page"},
	{"utmSource", "utm_source"},
	{"utmMedium", "utm_medium"},
	{"utmCampaign", "utm_campaign"},
}

// dimensionIndex is the index of a dimension name, or -1.
func dimensionIndex(name string) int {
	for i, d := range dimensions {
		if d.name == name {
			return i
		}
	}
	return -1
}

// sortKeys are what raw sessions can be sorted by, with their columns.
var sortKeys = [...]struct{ name, column string }{
	{"startedAt", "started_at"},
	{"duration", "duration"},
	{"pageViews", "page_views"},
	{"events", "events"},
}

// metrics are the session-analytics metrics.
var metrics = [...]string{"sessions", "visitors", "pageViews", "events", "avgDuration", "bounceRate"}

// defaultWindow is the range a query without "from" covers.
const defaultWindow = 30 * 24 * time.Hour

// session is a recorded visitor session.
type session struct {
	id                string
	visitorID         string
	startedAt         stamp
	duration          int64
	pageViews         int64
	events            int64
	recorded          bool
	heatmapIncrements int64
	pollAnswers       int64
	surveyAnswers     int64
	funnelMatches     int64
	dims              [len(dimensions)]string
}

const sessionCols = `id, visitor_id, started_at, duration, page_views, events, recorded, heatmap_increments,
	poll_answers, survey_answers, funnel_matches, country, device, browser, os, referrer, landing_page,
	utm_source, utm_medium, utm_campaign`

func (ss *session) dest() []any {
	d := []any{&ss.id, &ss.visitorID, &ss.startedAt, &ss.duration, &ss.pageViews, &ss.events, &ss.recorded,
		&ss.heatmapIncrements, &ss.pollAnswers, &ss.surveyAnswers, &ss.funnelMatches}
	for i := range ss.dims {
		d = append(d, &ss.dims[i])
	}
	return d
}

// wire is the Session object with the dimensions selected (by index).
func (ss *session) wire(dims []int) wire.Object {
	o := wire.Obj("id", ss.id, "visitorId", ss.visitorID, "startedAt", ss.startedAt.String(), "duration", ss.duration,
		"pageViews", ss.pageViews, "events", ss.events, "recorded", ss.recorded)
	for _, i := range dims {
		o = append(o, wire.Field{Key: dimensions[i].name, Value: ss.dims[i]})
	}
	return o
}

// sessionList writes the sessions as wire writes each, with every
// dimension, straight into the answer: the recording helper answers with
// up to 10,000 of them, and an Object per session boxed each of its values.
func sessionList(list []*session) wire.Func {
	return func(w *wire.Builder) {
		w.Grow(len(list) * sessionSize)
		w.BeginArray()
		for _, ss := range list {
			writeSession(w, ss)
		}
		w.EndArray()
	}
}

// sessionSize is about what a session with short dimensions writes (~330
// bytes).
const sessionSize = 384

// writeSession writes a session with every dimension.
func writeSession(w *wire.Builder, ss *session) {
	k := &sessionKeys
	w.BeginObject()
	w.KeyOf(k.id).String(ss.id)
	w.KeyOf(k.visitorID).String(ss.visitorID)
	w.KeyOf(k.startedAt).String(ss.startedAt.String())
	w.KeyOf(k.duration).Int(ss.duration)
	w.KeyOf(k.pageViews).Int(ss.pageViews)
	w.KeyOf(k.events).Int(ss.events)
	w.KeyOf(k.recorded).Bool(ss.recorded)
	for i := range dimensions {
		w.KeyOf(k.dims[i]).String(ss.dims[i])
	}
	w.EndObject()
}

// sessionKeys are a Session's keys, escaped once: a recording answers with
// up to 10,000 sessions.
var sessionKeys = func() (k struct {
	id, visitorID, startedAt, duration, pageViews, events, recorded wire.Key
	dims                                                            [len(dimensions)]wire.Key
}) {
	k.id, k.visitorID, k.startedAt = wire.NewKey("id"), wire.NewKey("visitorId"), wire.NewKey("startedAt")
	k.duration, k.pageViews, k.events = wire.NewKey("duration"), wire.NewKey("pageViews"), wire.NewKey("events")
	k.recorded = wire.NewKey("recorded")
	for i, d := range dimensions {
		k.dims[i] = wire.NewKey(d.name)
	}
	return k
}()

// allDimensions selects every dimension.
func allDimensions() []int {
	out := make([]int, len(dimensions))
	for i := range out {
		out[i] = i
	}
	return out
}

// sessionQuery selects a website's sessions in [from, to) whose dimensions
// take one of the accepted values.
type sessionQuery struct {
	website int64
	from    time.Time
	to      time.Time
	filters map[int][]string // dimension index → accepted values
}

func (q sessionQuery) where() (string, []any) {
	var b strings.Builder
	b.WriteString(` WHERE tenant_id = @tenant AND website_seq = ? AND started_at >= ? AND started_at < ?`)
	args := []any{q.website, fmtTime(q.from), fmtTime(q.to)}
	for i := range dimensions {
		values, ok := q.filters[i]
		if !ok {
			continue
		}
		b.WriteString(` AND ` + dimensions[i].column + ` IN (`)
		for j, v := range values {
			if j > 0 {
				b.WriteString(`, `)
			}
			b.WriteString(`?`)
			args = append(args, v)
		}
		b.WriteString(`)`)
	}
	return b.String(), args
}

// load reads the matching sessions in the given order (" ORDER BY …" and
// limits).
func (q sessionQuery) load(s store.Scoped, tail string, tailArgs ...any) ([]*session, error) {
	where, args := q.where()
	rows, err := s.Query(`SELECT `+sessionCols+` FROM twipla_sessions`+where+tail, append(args, tailArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*session
	for rows.Next() {
		ss := &session{}
		if err := rows.Scan(ss.dest()...); err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	return out, rows.Err()
}

func (q sessionQuery) count(s store.Scoped) (int, error) {
	where, args := q.where()
	var n int
	err := s.QueryRow(`SELECT count(*) FROM twipla_sessions`+where, args...).Scan(&n)
	return n, err
}

// readRange reads the from/to bounds (RFC 3339 or YYYY-MM-DD; a date as
// "to" means the end of that day). Without "to" the range ends after the
// current second, so that a session recorded now is in it.
func readRange(from, to string, hasFrom, hasTo bool, now time.Time) (time.Time, time.Time, error) {
	end := nowSecond(now).Add(time.Second)
	if hasTo {
		t, ok := parseBound(to, true)
		if !ok {
			return time.Time{}, time.Time{}, badRequest("to must be an RFC 3339 date-time or YYYY-MM-DD")
		}
		end = t
	}
	start := end.Add(-defaultWindow)
	if hasFrom {
		t, ok := parseBound(from, false)
		if !ok {
			return time.Time{}, time.Time{}, badRequest("from must be an RFC 3339 date-time or YYYY-MM-DD")
		}
		start = t
	}
	if !start.Before(end) {
		return time.Time{}, time.Time{}, badRequest("from must be before to")
	}
	return start, end, nil
}

// parseBound reads one bound, rounded up to a whole second (sessions start
// on whole seconds, so the comparison is unchanged).
func parseBound(s string, isEnd bool) (time.Time, bool) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if isEnd {
			d = d.AddDate(0, 0, 1)
		}
		return d, inYears(d)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !inYears(t.UTC()) {
		return time.Time{}, false
	}
	t = t.UTC()
	if r := t.Truncate(time.Second); r.Before(t) {
		t = r.Add(time.Second)
	}
	return t, true
}

func inYears(t time.Time) bool { return t.Year() >= minYear && t.Year() <= maxYear }

// rawSessions is GET /v2/3as/analytics/raw-sessions.
func (e *Emulator) rawSessions(c *gin.Context, k *keyAccess) (reply, error) {
	q := form.ParseQuery(c.Request.URL.RawQuery)
	sq := sessionQuery{website: k.website, filters: map[int][]string{}}
	from, hasFrom := q.First("from")
	to, hasTo := q.First("to")
	var err error
	if sq.from, sq.to, err = readRange(from, to, hasFrom, hasTo, e.now(k.intpID)); err != nil {
		return reply{}, err
	}
	p, err := optionalPaging(q)
	if err != nil {
		return reply{}, err
	}
	order, err := sortOrder(q)
	if err != nil {
		return reply{}, err
	}
	dims := allDimensions()
	if list, has := q.First("dimensions"); has {
		if dims, err = dimensionList(splitList(list)); err != nil {
			return reply{}, err
		}
	}
	for i, d := range dimensions {
		for _, v := range q.All(d.name) {
			sq.filters[i] = append(sq.filters[i], strings.Split(v, ",")...)
		}
	}
	var out []wire.Object
	var total int
	err = e.deps.Store.Read(c, func(tx *store.Tx) error {
		out = out[:0] // a read may run twice
		s := tx.Scope(k.tenant)
		var err error
		if total, err = sq.count(s); err != nil {
			return err
		}
		list, err := sq.load(s, order+` LIMIT ? OFFSET ?`, p.size, p.offset())
		for _, ss := range list {
			out = append(out, ss.wire(dims))
		}
		return err
	})
	return pagedReply(out, p, total), err
}

// optionalPaging reads page (default 0) and pageSize (default 50).
func optionalPaging(q form.Values) (paging, error) {
	page, size := 0, 50
	if v, has := q.First("page"); has {
		n, err := strconv.Atoi(v)
		if err != nil {
			return paging{}, badRequest("page must be an integer")
		}
		page = n
	}
	if v, has := q.First("pageSize"); has {
		n, err := strconv.Atoi(v)
		if err != nil {
			return paging{}, badRequest("pageSize must be an integer")
		}
		size = n
	}
	return checkPaging(page, size)
}

// sortOrder is the ORDER BY clause of the sort parameter.
func sortOrder(q form.Values) (string, error) {
	v, has := q.First("sort")
	if !has {
		v = "-startedAt"
	}
	name, desc := strings.CutPrefix(v, "-")
	for _, k := range sortKeys {
		if k.name == name {
			dir := " ASC"
			if desc {
				dir = " DESC"
			}
			return ` ORDER BY ` + k.column + dir + `, id ASC`, nil
		}
	}
	return "", badRequest("sort must be one of startedAt, duration, pageViews, events, optionally prefixed with -")
}

// splitList splits a comma-separated parameter, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// dimensionList resolves dimension names (duplicates dropped) to indexes.
func dimensionList(names []string) ([]int, error) {
	out := []int{}
	for _, n := range names {
		i := dimensionIndex(n)
		if i < 0 {
			return nil, badRequest("unknown dimension %s", n)
		}
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out, nil
}

// report is a validated session-analytics request.
type report struct {
	query       sessionQuery
	dims        []int
	metrics     []string
	granularity string
	compare     bool
}

// sessionAnalytics is POST /v2/3as/analytics/session-analytics.
func (e *Emulator) sessionAnalytics(c *gin.Context, k *keyAccess) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	r, err := readReport(f, k.website, e.now(k.intpID))
	if err != nil {
		return reply{}, err
	}
	var out wire.Object
	err = e.deps.Store.Read(c, func(tx *store.Tx) error {
		s := tx.Scope(k.tenant)
		current, err := r.compute(s, r.query)
		if err != nil {
			return err
		}
		var granularity, previous any
		if r.granularity != "" {
			granularity = r.granularity
		}
		if r.compare {
			prev := r.query
			prev.from, prev.to = r.query.from.Add(-r.query.to.Sub(r.query.from)), r.query.from
			p, err := r.compute(s, prev)
			if err != nil {
				return err
			}
			previous = wire.Obj("from", fmtTime(prev.from), "to", fmtTime(prev.to), "rows", p.rows, "totals", p.totals)
		}
		names := make([]string, len(r.dims))
		for i, d := range r.dims {
			names[i] = dimensions[d].name
		}
		out = wire.Obj("from", fmtTime(r.query.from), "to", fmtTime(r.query.to), "granularity", granularity,
			"dimensions", names, "metrics", r.metrics, "rows", current.rows, "totals", current.totals,
			"previous", previous)
		return nil
	})
	return ok(out), err
}

// readReport validates a session-analytics body.
func readReport(f fields, website int64, now time.Time) (*report, error) {
	r := &report{query: sessionQuery{website: website, filters: map[int][]string{}}}
	names, has, err := f.strings("metrics")
	if err != nil {
		return nil, err
	}
	if !has || len(names) == 0 {
		return nil, f.required("metrics")
	}
	for _, m := range names {
		if !slices.Contains(metrics[:], m) {
			return nil, badRequest("unknown metric %s", m)
		}
		if !slices.Contains(r.metrics, m) {
			r.metrics = append(r.metrics, m)
		}
	}
	dims, _, err := f.strings("dimensions")
	if err != nil {
		return nil, err
	}
	if r.dims, err = dimensionList(dims); err != nil {
		return nil, err
	}
	if len(r.dims) > 3 {
		return nil, badRequest("dimensions must have at most 3 entries")
	}
	from, hasFrom, err := f.optString("from")
	if err != nil {
		return nil, err
	}
	to, hasTo, err := f.optString("to")
	if err != nil {
		return nil, err
	}
	if r.query.from, r.query.to, err = readRange(from, to, hasFrom, hasTo, now); err != nil {
		return nil, err
	}
	if _, has := f.get("granularity"); has {
		if r.granularity, err = f.oneOf("granularity", "day", "week", "month"); err != nil {
			return nil, err
		}
	}
	if r.compare, err = f.boolean("compare", false); err != nil {
		return nil, err
	}
	ff, _, err := f.object("filters")
	if err != nil {
		return nil, err
	}
	for name := range ff.m {
		i := dimensionIndex(name)
		if i < 0 {
			return nil, badRequest("unknown dimension %s", name)
		}
		values, has, err := ff.strings(name)
		if err != nil {
			return nil, err
		}
		if has {
			r.query.filters[i] = values
		}
	}
	return r, nil
}

// aggregate accumulates the metrics of a group of sessions.
type aggregate struct {
	sessions, pageViews, events, duration, bounces int64
	visitors                                       map[string]bool
}

func (a *aggregate) add(ss *session) {
	if a.visitors == nil {
		a.visitors = map[string]bool{}
	}
	a.sessions++
	a.pageViews += ss.pageViews
	a.events += ss.events
	a.duration += ss.duration
	if ss.pageViews <= 1 {
		a.bounces++
	}
	a.visitors[ss.visitorID] = true
}

func (a *aggregate) metric(name string) any {
	switch name {
	case "sessions":
		return a.sessions
	case "visitors":
		return int64(len(a.visitors))
	case "pageViews":
		return a.pageViews
	case "events":
		return a.events
	case "avgDuration":
		return ratio(a.duration, a.sessions, 100)
	default: // bounceRate
		return ratio(a.bounces, a.sessions, 10000)
	}
}

// ratio is n/d rounded to 1/scale, 0 when d is 0.
func ratio(n, d int64, scale float64) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*scale) / scale
}

func (a *aggregate) values(names []string) wire.Object {
	o := wire.Object{}
	for _, m := range names {
		o = append(o, wire.Field{Key: m, Value: a.metric(m)})
	}
	return o
}

// result is one period of a report.
type result struct {
	rows   []wire.Object
	totals wire.Object
}

// compute groups the sessions of q by time bucket and dimensions.
func (r *report) compute(s store.Scoped, q sessionQuery) (*result, error) {
	list, err := q.load(s, ` ORDER BY started_at, id`)
	if err != nil {
		return nil, err
	}
	var total aggregate
	groups := map[string]*aggregate{}
	keys := map[string][]string{}
	for _, ss := range list {
		total.add(ss)
		key := r.groupKey(ss)
		id := strings.Join(key, "\x00")
		if groups[id] == nil {
			groups[id], keys[id] = &aggregate{}, key
		}
		groups[id].add(ss)
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return slices.Compare(keys[a], keys[b]) })
	out := &result{rows: []wire.Object{}, totals: total.values(r.metrics)}
	for _, id := range ids {
		row := wire.Object{}
		key := keys[id]
		if r.granularity != "" {
			row, key = append(row, wire.Field{Key: "date", Value: key[0]}), key[1:]
		}
		for i, d := range r.dims {
			row = append(row, wire.Field{Key: dimensions[d].name, Value: key[i]})
		}
		out.rows = append(out.rows, append(row, groups[id].values(r.metrics)...))
	}
	return out, nil
}

// groupKey is the row a session falls in: its bucket's first day (when a
// granularity is set), then its requested dimension values.
func (r *report) groupKey(ss *session) []string {
	var key []string
	if r.granularity != "" {
		key = append(key, bucket(ss.startedAt.Time, r.granularity))
	}
	for _, d := range r.dims {
		key = append(key, ss.dims[d])
	}
	return key
}

// bucket is the first day of t's day, week (from Monday) or month.
func bucket(t time.Time, granularity string) string {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch granularity {
	case "week":
		day = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case "month":
		day = day.AddDate(0, 0, 1-day.Day())
	}
	return day.Format(time.DateOnly)
}
