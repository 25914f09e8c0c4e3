package twipla

import (
	"encoding/json"
	"time"
)

// scanner reads the JSON of a recording's body of the plain shape straight
// into sessions, without the map per session (and the boxed value per
// member) that decoding into fields makes. It takes only what it reads
// exactly as encoding/json would — strings (those with escapes or bytes
// past ASCII decoded by encoding/json itself), integer literals, true,
// false and null — and gives up (ok false) on anything else, valid JSON or
// not: the whole-body path then answers. FuzzSessionReader holds it to
// that.
type scanner struct {
	b []byte
	i int
}

// ws skips JSON whitespace.
func (sc *scanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// next takes c if it comes next (after whitespace).
func (sc *scanner) next(c byte) bool {
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// peek is the next byte after whitespace (0 at the end).
func (sc *scanner) peek() byte {
	sc.ws()
	if sc.i < len(sc.b) {
		return sc.b[sc.i]
	}
	return 0
}

// end reports whether only whitespace is left.
func (sc *scanner) end() bool {
	sc.ws()
	return sc.i == len(sc.b)
}

// str reads a string.
func (sc *scanner) str() (string, bool) {
	if sc.peek() != '"' {
		return "", false
	}
	start := sc.i
	plain := true // no escapes, ASCII only: the bytes are the string
	for j := start + 1; j < len(sc.b); j++ {
		switch c := sc.b[j]; {
		case c == '"':
			sc.i = j + 1
			if plain {
				return string(sc.b[start+1 : j]), true
			}
			var s string // escapes, and U+FFFD for each byte of bad UTF-8, as encoding/json reads them
			if json.Unmarshal(sc.b[start:j+1], &s) != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			j++ // the escaped byte, which may be a quote
		case c < 0x20:
			return "", false // not allowed raw in a string
		case c >= 0x80:
			plain = false
		}
	}
	return "", false
}

// integer reads an integer literal of at most 15 digits (values past 1<<40
// are refused anyway); a fraction or an exponent gives up (encoding/json's
// number would not parse as an integer either, and the whole-body path
// words the error).
func (sc *scanner) integer() (int64, bool) {
	b, j := sc.b, sc.i
	neg := j < len(b) && b[j] == '-'
	if neg {
		j++
	}
	start := j
	var n int64
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		n = n*10 + int64(b[j]-'0')
		j++
	}
	digits := j - start
	if digits == 0 || digits > 15 || (digits > 1 && b[start] == '0') {
		return 0, false
	}
	if j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
		return 0, false
	}
	sc.i = j
	if neg {
		n = -n
	}
	return n, true
}

// literal takes word if it comes next.
func (sc *scanner) literal(word string) bool {
	if len(sc.b)-sc.i < len(word) || string(sc.b[sc.i:sc.i+len(word)]) != word {
		return false
	}
	sc.i += len(word)
	return true
}

// The kinds of a session member's value; a null is as if the member were
// absent (fields.get).
const (
	absent = iota
	isString
	isInteger
	isBool
)

// member is the value of one member of a session object.
type member struct {
	kind int
	s    string
	n    int64 // an integer, or 1 for true
}

// The members readSession reads, by index: visitorId, startedAt, the
// counts of sessionCounts, recorded, then the dimensions.
const (
	memberVisitor = iota
	memberStarted
	memberCounts
	memberRecorded = memberCounts + len(sessionCounts)
	memberDims     = memberRecorded + 1
	members        = memberDims + len(dimensions)
)

// maxCount is the most any of a session's counts may be.
const maxCount = 1 << 40

// sessionCounts are the integer members of a session, their defaults and
// least values, for readSession and the streamed reader alike.
var sessionCounts = [...]struct {
	key      string
	def, min int64
}{
	{"duration", 60, 0},
	{"pageViews", 1, 1},
	{"events", 0, 0},
	{"heatmapIncrements", 0, 0},
	{"pollAnswers", 0, 0},
	{"surveyAnswers", 0, 0},
	{"funnelMatches", 0, 0},
}

// counts are the session's counts, in the order of sessionCounts.
func (ss *session) counts() [len(sessionCounts)]*int64 {
	return [...]*int64{&ss.duration, &ss.pageViews, &ss.events, &ss.heatmapIncrements,
		&ss.pollAnswers, &ss.surveyAnswers, &ss.funnelMatches}
}

// memberIndex is the index of a session's member, or -1 for a member
// readSession ignores.
func memberIndex(key string) int {
	switch key {
	case "visitorId":
		return memberVisitor
	case "startedAt":
		return memberStarted
	case "recorded":
		return memberRecorded
	}
	for i, c := range sessionCounts {
		if c.key == key {
			return memberCounts + i
		}
	}
	if d := dimensionIndex(key); d >= 0 {
		return memberDims + d
	}
	return -1
}

// session reads one session object and makes the session readSession
// makes of it; ok is false where readSession would fail too (the
// whole-body path words its error) and where the scanner gives up.
func (sc *scanner) session(now time.Time) (*session, bool) {
	if !sc.next('{') {
		return nil, false
	}
	var m [members]member
	if !sc.next('}') {
		for {
			key, ok := sc.str()
			if !ok || !sc.next(':') {
				return nil, false
			}
			var v member
			switch sc.peek() {
			case '"':
				v.s, ok = sc.str()
				v.kind = isString
			case 't':
				ok, v.kind, v.n = sc.literal("true"), isBool, 1
			case 'f':
				ok, v.kind = sc.literal("false"), isBool
			case 'n':
				ok = sc.literal("null")
			default:
				v.n, ok = sc.integer()
				v.kind = isInteger
			}
			if !ok {
				return nil, false
			}
			if k := memberIndex(key); k >= 0 {
				m[k] = v // the last of a member named twice counts, as in a map
			}
			if sc.next(',') {
				continue
			}
			if !sc.next('}') {
				return nil, false
			}
			break
		}
	}
	return sessionOf(&m, now)
}

// sessionOf is readSession on the members read.
func sessionOf(m *[members]member, now time.Time) (*session, bool) {
	ss := &session{id: newUUID(), dims: sessionDefaults}
	switch v := m[memberVisitor]; v.kind {
	case isString:
		ss.visitorID = v.s
	case absent:
	default:
		return nil, false
	}
	if ss.visitorID == "" {
		ss.visitorID = newUUID()
	}
	switch v := m[memberStarted]; v.kind {
	case isString:
		t, err := time.Parse(time.RFC3339Nano, v.s)
		if err != nil || t.UTC().Year() < minYear || t.UTC().Year() > maxYear {
			return nil, false
		}
		ss.startedAt = stamp{t.UTC().Truncate(time.Second)}
	case absent:
		ss.startedAt = stamp{nowSecond(now)}
	default:
		return nil, false
	}
	counts := ss.counts()
	for i, c := range sessionCounts {
		n := c.def
		switch v := m[memberCounts+i]; v.kind {
		case isInteger:
			n = v.n
		case absent:
		default:
			return nil, false
		}
		if n < c.min || n > maxCount {
			return nil, false
		}
		*counts[i] = n
	}
	switch v := m[memberRecorded]; v.kind {
	case isBool:
		ss.recorded = v.n == 1
	case absent:
	default:
		return nil, false
	}
	for i := range dimensions {
		switch v := m[memberDims+i]; v.kind {
		case isString:
			ss.dims[i] = v.s
		case absent:
		default:
			return nil, false
		}
	}
	if d := ss.dims[dimensionIndex("device")]; d != "desktop" && d != "mobile" && d != "tablet" {
		return nil, false
	}
	return ss, true
}
