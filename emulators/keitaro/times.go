package keitaro

import (
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
