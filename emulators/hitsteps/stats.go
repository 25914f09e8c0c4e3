package hitsteps

import (
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// counterNames are a visit record's counters, in wire order; they are also
// the columns of hitsteps_visits.
var counterNames = [...]string{"visits", "pageviews", "new_visits", "ref_from_sites", "ref_from_search",
	"ref_direct", "ref_socialmedia", "bouncerate"}

// counterColumns is counterNames as an SQL column list.
var counterColumns = strings.Join(counterNames[:], ", ")

// dayFormat is a visit record's day, YYYYMMDD (UTC).
const dayFormat = "20060102"

// counters are one day's numbers, in counterNames order.
type counters [len(counterNames)]int64

// visit is one day of a website's traffic.
type visit struct {
	WebsiteID int64
	Day       string
	Counters  counters
}

// upsertVisit stores v, replacing the website's record of that day.
func upsertVisit(s store.Scoped, v visit) error {
	set := make([]string, len(counterNames))
	args := []any{v.WebsiteID, v.Day}
	for i, n := range counterNames {
		set[i] = n + " = excluded." + n
		args = append(args, v.Counters[i])
	}
	_, err := s.Exec(`INSERT INTO hitsteps_visits (tenant_id, website_id, day, `+counterColumns+`)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (website_id, day) DO UPDATE SET `+strings.Join(set, ", "), args...)
	return err
}

// visitsBetween are a website's records from first to last (days, inclusive).
func visitsBetween(s store.Scoped, websiteID int64, first, last string) ([]visit, error) {
	rows, err := s.Query(`SELECT day, `+counterColumns+` FROM hitsteps_visits
		WHERE tenant_id = @tenant AND website_id = ? AND day BETWEEN ? AND ? ORDER BY day`, websiteID, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []visit
	for rows.Next() {
		v := visit{WebsiteID: websiteID}
		dest := []any{&v.Day}
		for i := range v.Counters {
			dest = append(dest, &v.Counters[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// stats7DaysCall documents op 21.
var stats7DaysCall = call{
	summary: "The 7 days ending yesterday (UTC, emulator clock), newest first",
	tag:     "statistics",
	fields:  []field{{"website_id", idField, true, ""}},
	answer: func() *openapi.Schema {
		props := []openapi.Prop{
			openapi.Field("day", openapi.String().Pattern(`^[0-9]{8}$`)),
			openapi.Field("date", openapi.String().Pattern(`^-?[0-9]+$`).Describe("unix seconds of the day's 00:00 UTC")),
		}
		for _, n := range counterNames {
			props = append(props, openapi.Field(n, openapi.String().Pattern(`^[0-9]+$`)))
		}
		return list(openapi.Named("StatsDay", openapi.Object(props...)))
	}(),
}

// stats7Days is op 21, stats-7days: the seven UTC days ending yesterday,
// newest first, zero-filled where nothing was recorded.
func stats7Days(r *request) (wire.Object, error) {
	id := r.id("website_id")
	if err := r.fields(); err != nil {
		return nil, err
	}
	w, err := r.website(id)
	if err != nil {
		return nil, err
	}
	y, m, d := r.now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := make([]time.Time, 7)
	for i := range days {
		days[i] = today.AddDate(0, 0, -1-i)
	}
	recorded, err := visitsBetween(r.scope, w.ID, days[6].Format(dayFormat), days[0].Format(dayFormat))
	if err != nil {
		return nil, err
	}
	byDay := make(map[string]counters, len(recorded))
	for _, v := range recorded {
		byDay[v.Day] = v.Counters
	}
	items := make([]wire.Object, len(days))
	for i, t := range days {
		key := t.Format(dayFormat)
		o := wire.Obj("day", key, "date", itoa(t.Unix()))
		for j, n := range byDay[key] {
			o = append(o, wire.Field{Key: counterNames[j], Value: strconv.FormatInt(n, 10)})
		}
		items[i] = o
	}
	return wire.List(items, success), nil
}
