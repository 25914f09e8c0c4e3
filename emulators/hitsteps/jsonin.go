package hitsteps

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
)

// Control-plane JSON input: seed sections, tenant bodies and visit records.
// Numbers may come as JSON numbers or numeric strings, because ids are
// strings in some Hitsteps answers and numbers in others and users copy
// them from either.

var jsonIntFormat = regexp.MustCompile(`^-?[0-9]{1,18}$`)

// maxID bounds ids given in control-plane input (18 digits, as the API's
// id fields).
const maxID = 999_999_999_999_999_999

// maxUnix bounds dates given in control-plane input: the end of year 9999.
const maxUnix = 253_402_300_799

// maxCounter bounds a visit counter, so that the totals of every day of a
// website still fit in 64 bits.
const maxCounter = 1_000_000_000_000

// jsonInt reads an integer from min to max given as a JSON number or a
// numeric string; ok is false when raw is absent or null.
func jsonInt(raw json.RawMessage, name string, min, max int64) (n int64, ok bool, err error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s == "null" {
		return 0, false, nil
	}
	if uq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = uq
	}
	bad := emu.BadRequest("%s must be an integer from %d to %d, got %s", name, min, max, raw)
	if !jsonIntFormat.MatchString(s) {
		return 0, false, bad
	}
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil || n < min || n > max {
		return 0, false, bad
	}
	return n, true, nil
}

// jsonText reads a string that, when given, must be non-empty, at most
// maxField bytes and (unless verbatim) free of surrounding white space, so
// that the API, which trims what it receives, can match it.
func jsonText(v *string, name string, verbatim bool) (string, error) {
	if v == nil {
		return "", nil
	}
	s := *v
	switch {
	case s == "":
		return "", emu.BadRequest("%s must not be empty", name)
	case len(s) > maxField:
		return "", emu.BadRequest("%s is longer than %d bytes", name, maxField)
	case !verbatim && strings.Trim(s, phpSpace) != s:
		return "", emu.BadRequest("%s must not start or end with white space", name)
	}
	return s, nil
}

// parseVisit reads a visit record: "day" (YYYYMMDD, a real date) and the
// counters (non-negative, missing ones 0, bouncerate at most 100). Keys in
// extra are allowed and left to the caller.
func parseVisit(fields map[string]json.RawMessage, extra ...string) (visit, error) {
	v := visit{}
	known := map[string]bool{"day": true}
	for _, k := range extra {
		known[k] = true
	}
	for i, n := range counterNames {
		known[n] = true
		max := int64(maxCounter)
		if n == "bouncerate" {
			max = 100
		}
		c, _, err := jsonInt(fields[n], n, 0, max)
		if err != nil {
			return v, err
		}
		v.Counters[i] = c
	}
	for k := range fields {
		if !known[k] {
			return v, emu.BadRequest("unknown field %q", k)
		}
	}
	var day string
	if err := json.Unmarshal(fields["day"], &day); err != nil || !validDay(day) {
		return v, emu.BadRequest(`day is required: a date as "YYYYMMDD"`)
	}
	v.Day = day
	return v, nil
}

// validDay reports whether s is a real calendar date written YYYYMMDD.
func validDay(s string) bool {
	if len(s) != 8 {
		return false
	}
	t, err := time.Parse(dayFormat, s)
	return err == nil && t.Format(dayFormat) == s
}
