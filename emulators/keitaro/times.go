package keitaro

import (
	"strconv"
	"strings"
	"time"
)

// Date layouts requests may use for ranges (§4.2.1, §4.11.3).
var (
	dateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04"}
	dayLayout   = "2006-01-02"
)

// trackerTime reads a date in loc: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or
// "YYYY-MM-DD HH:MM:SS". A date alone is its first second, or with end
// its last.
func trackerTime(s string, loc *time.Location, end bool) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	t, err := time.ParseInLocation(dayLayout, s, loc)
	if err != nil {
		return time.Time{}, false
	}
	if end {
		t = t.AddDate(0, 0, 1).Add(-time.Second)
	}
	return t, true
}

// parseStamp reads a datetime a seed gives ("YYYY-MM-DD HH:MM:SS" in UTC,
// or RFC 3339) as a stored stamp.
func parseStamp(s string) (string, bool) {
	if t, err := time.Parse(stampLayout, s); err == nil {
		return t.Format(stampLayout), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Format(stampLayout), true
	}
	return "", false
}

// location reads a timezone name; "" is def.
func location(name, def string) (*time.Location, bool) {
	if name == "" {
		name = def
	}
	if !validTimezone(name) {
		return time.UTC, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// zoneShift turns stored UTC datetimes into a timezone's wall time inside
// SQL, which knows no timezones: the zone's UTC offsets over a span of
// time, each from the instant it starts.
type zoneShift []zoneSegment

type zoneSegment struct {
	start  string // stored stamp at which the offset starts ("" for the first)
	offset int    // seconds east of UTC
}

// maxZoneSegments bounds the offsets a report distinguishes; a span with
// more transitions (centuries of data) uses the last ones' offsets early on.
const maxZoneSegments = 400

// shiftFor lists loc's offsets between from and to.
func shiftFor(loc *time.Location, from, to time.Time) zoneShift {
	var z zoneShift
	t := from
	for {
		_, off := t.In(loc).Zone()
		seg := zoneSegment{offset: off}
		if len(z) > 0 {
			seg.start = t.UTC().Format(stampLayout)
		}
		z = append(z, seg)
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.Before(to) || len(z) == maxZoneSegments {
			return z
		}
		t = end
	}
}

// local is the SQL of col (a stored UTC datetime) as wall time: the
// column itself in UTC, else datetime(col, '<offset> seconds') with the
// offset in force at that instant (latest first: most data is recent).
func (z zoneShift) local(col string) string {
	if len(z) == 0 || (len(z) == 1 && z[0].offset == 0) {
		return col
	}
	mod := func(s zoneSegment) string { return "'" + strconv.Itoa(s.offset) + " seconds'" }
	if len(z) == 1 {
		return "datetime(" + col + ", " + mod(z[0]) + ")"
	}
	var b strings.Builder
	b.WriteString("datetime(" + col + ", CASE")
	for i := len(z) - 1; i > 0; i-- {
		b.WriteString(" WHEN " + col + " >= '" + z[i].start + "' THEN " + mod(z[i]))
	}
	b.WriteString(" ELSE " + mod(z[0]) + " END)")
	return b.String()
}

// reportRange is a report's window (§4.11.3): stored UTC stamps, both
// inclusive, "" when open; and the timezone rows are shown in.
type reportRange struct {
	from, to string
	loc      *time.Location
}

// readRange reads a request's range; false means 406 on "range". nil is
// all_time in the tenant's timezone.
func readRange(raw any, now time.Time, tenantZone string) (reportRange, bool) {
	rng := reportRange{loc: time.UTC}
	var m map[string]any
	switch x := raw.(type) {
	case nil:
	case map[string]any:
		m = x
	case []any: // PHP's empty array is the empty object
		if len(x) > 0 {
			return rng, false
		}
	default:
		return rng, false
	}
	text := func(k string) (string, bool) {
		if m[k] == nil {
			return "", true
		}
		s, ok := asString(m[k])
		return strings.TrimSpace(s), ok
	}
	zone, ok1 := text("timezone")
	from, ok2 := text("from")
	to, ok3 := text("to")
	interval, ok4 := text("interval")
	loc, ok5 := location(zone, tenantZone)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return rng, false
	}
	rng.loc = loc
	day := func(n int) time.Time {
		y, mo, d := now.In(loc).Date()
		return time.Date(y, mo, d+n, 0, 0, 0, 0, loc)
	}
	endOfToday := day(1).Add(-time.Second)
	var start, end time.Time
	var ok bool
	if from != "" || to != "" {
		if from != "" {
			if start, ok = trackerTime(from, loc, false); !ok {
				return rng, false
			}
		}
		end = endOfToday
		if to != "" {
			if end, ok = trackerTime(to, loc, true); !ok {
				return rng, false
			}
		}
	} else {
		if start, end, ok = intervalBounds(interval, now.In(loc), day, endOfToday); !ok {
			return rng, false
		}
	}
	if !start.IsZero() {
		rng.from = start.UTC().Format(stampLayout)
	}
	if !end.IsZero() {
		rng.to = end.UTC().Format(stampLayout)
	}
	return rng, true
}

// intervalBounds are the bounds of a named interval, evaluated like PHP's
// relative dates on the emulator clock; all_time (and none) is open.
func intervalBounds(name string, now time.Time, day func(int) time.Time, endOfToday time.Time) (time.Time, time.Time, bool) {
	y, m, d := now.Date()
	loc := now.Location()
	switch name {
	case "", "all_time":
		return time.Time{}, time.Time{}, true
	case "today":
		return day(0), endOfToday, true
	case "yesterday":
		return day(-1), day(0).Add(-time.Second), true
	case "7_days_ago":
		return day(-7), endOfToday, true
	case "first_day_of_this_week":
		return day(-((int(now.Weekday()) + 6) % 7)), endOfToday, true
	case "1_month_ago":
		return time.Date(y, m-1, d, 0, 0, 0, 0, loc), endOfToday, true
	case "first_day_of_this_month":
		return time.Date(y, m, 1, 0, 0, 0, 0, loc), endOfToday, true
	case "1_year_ago":
		return time.Date(y-1, m, d, 0, 0, 0, 0, loc), endOfToday, true
	case "first_day_of_this_year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc), endOfToday, true
	}
	return time.Time{}, time.Time{}, false
}
