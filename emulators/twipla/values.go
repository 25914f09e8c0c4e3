package twipla

import (
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/vendoremu/vendoremu/wire"
)

// timeLayout is how every time is stored and answered: UTC, seconds, "Z"
// (the layout wire.Builder.Time writes without the time package).
const timeLayout = wire.LayoutSeconds

// fmtTime formats t the way TWIPLA answers times.
func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// stamp is a time stored as timeLayout text.
type stamp struct{ time.Time }

// Scan implements sql.Scanner.
func (s *stamp) Scan(v any) error {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case []byte:
		text = string(x)
	default:
		return fmt.Errorf("twipla: cannot scan %T as a time", v)
	}
	if t, ok := parseStored(text); ok {
		s.Time = t
		return nil
	}
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return err
	}
	s.Time = t.UTC()
	return nil
}

// parseStored reads text in timeLayout, the form every time is stored in,
// without time.Parse (whose RFC 3339 reader costs more than the rest of
// a package row): the time, or false when text is not exactly that form
// of a valid time (Scan then leaves it to time.Parse).
func parseStored(text string) (time.Time, bool) {
	if len(text) != len(timeLayout) || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
		text[13] != ':' || text[16] != ':' || text[19] != 'Z' {
		return time.Time{}, false
	}
	var n [14]int // the digits, in order
	k := 0
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		c := text[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n[k] = int(c - '0')
		k++
	}
	year := n[0]*1000 + n[1]*100 + n[2]*10 + n[3]
	month, day := time.Month(n[4]*10+n[5]), n[6]*10+n[7]
	hour, minute, sec := n[8]*10+n[9], n[10]*10+n[11], n[12]*10+n[13]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	// A day past the month's end: time.Date would move it on, time.Parse
	// refuses it.
	if day > 28 && time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day() < day {
		return time.Time{}, false
	}
	return time.Date(year, month, day, hour, minute, sec, 0, time.UTC), true
}

// Value implements driver.Valuer.
func (s stamp) Value() (driver.Value, error) { return fmtTime(s.Time), nil }

// String is the wire form.
func (s stamp) String() string { return fmtTime(s.Time) }

// nullStamp is a nullable stamp; its wire form is a string or null.
type nullStamp struct {
	stamp
	Valid bool
}

// Scan implements sql.Scanner.
func (n *nullStamp) Scan(v any) error {
	if v == nil {
		n.Valid = false
		return nil
	}
	n.Valid = true
	return n.stamp.Scan(v)
}

// Value implements driver.Valuer.
func (n nullStamp) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.stamp.Value()
}

// wire is the answer form: "2031-03-10T12:00:00Z" or nil (JSON null).
func (n nullStamp) wire() any {
	if !n.Valid {
		return nil
	}
	return n.String()
}

func someStamp(t time.Time) nullStamp { return nullStamp{stamp{t}, true} }

// nowSecond is the emulator's now as TWIPLA keeps times: whole seconds.
func nowSecond(now time.Time) time.Time { return now.UTC().Truncate(time.Second) }

// addMonths adds n months keeping the day of month and the time, clamped to
// the last day of a shorter month (Jan 31 + 1 month = Feb 28/29).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if last := daysIn(first); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

func daysIn(firstOfMonth time.Time) int {
	return firstOfMonth.AddDate(0, 1, -1).Day()
}

// addPeriod adds one billing interval ("monthly" or "yearly").
func addPeriod(t time.Time, period string) time.Time {
	if period == periodYearly {
		return addMonths(t, 12)
	}
	return addMonths(t, 1)
}

// trialLength is the length of the unlimited free trial (UFT).
const trialLength = 30 * 24 * time.Hour

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// isUUID reports whether s has the 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
