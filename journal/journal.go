// Package journal is the request journal: an in-memory ring of the newest
// exchanges with the vendor APIs, for tests that assert what their client
// sent and what it got back. Recording never touches the database, so a read
// request costs no write.
package journal

import (
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Default bounds of a journal: the newest 10,000 exchanges, and no more
// than 64 MiB of recorded text, whichever is reached first.
const (
	DefaultMaxEntries       = 10000
	DefaultMaxBytes   int64 = 64 << 20
)

// Per-field bounds. A request can carry up to the server's header limit of
// path, query and headers and any amount of body; the journal keeps the
// start of each, so that one entry costs at most a few hundred KiB however
// large the exchange was.
const (
	// BodyLimit caps each stored request and response body.
	BodyLimit = 64 << 10
	// PathLimit caps the stored path (an outbound delivery's whole URL).
	PathLimit = 8 << 10
	// QueryLimit caps the stored raw query string.
	QueryLimit = 16 << 10
	// HeaderValueLimit caps each stored header value.
	HeaderValueLimit = 4 << 10
	// HeadersLimit caps the stored header set as a whole (names and
	// values); headers past it, in name order, are left out.
	HeadersLimit = 16 << 10
)

// entryOverhead approximates the memory of an entry beyond its strings
// (the struct, the header map's buckets, the ring slot).
const entryOverhead = 512

// Limits bound a journal. Zero fields take the defaults.
type Limits struct {
	// MaxEntries is how many exchanges it keeps.
	MaxEntries int
	// MaxBytes bounds the recorded text of all entries together (the
	// newest entry is always kept, whatever its size).
	MaxBytes int64
}

// Entry is one exchange. Path is the vendor's own path, without the
// "/<vendor>" prefix of the shared listener; Query is the raw query string.
// Fault is the id of the injected fault that answered or changed the
// exchange (absent when none did).
type Entry struct {
	ID             int64             `json:"id"`
	Time           time.Time         `json:"time"`
	Vendor         string            `json:"vendor"`
	Tenant         string            `json:"tenant"`
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	Query          string            `json:"query"`
	Status         int               `json:"status"`
	Fault          int64             `json:"fault,omitempty"`
	DurationMS     float64           `json:"duration_ms"`
	RequestHeaders map[string]string `json:"request_headers"`
	RequestBody    string            `json:"request_body"`
	// ResponseHeaders are the answer's headers, secrets masked like the
	// request's (a vendor's Set-Cookie).
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    string            `json:"response_body"`
}

// Journal is a bounded, concurrency-safe ring of entries: adding one drops
// the oldest while the journal is over either bound.
type Journal struct {
	mu sync.Mutex
	// ring grows (doubling) up to max slots as entries come: an idle
	// emulator does not hold the memory of a full journal.
	ring     []record
	max      int
	start    int // index of the oldest entry
	n        int // entries held
	bytes    int64
	maxBytes int64
	counter  int64
}

// New returns a journal bounded by l.
func New(l Limits) *Journal {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return &Journal{max: l.MaxEntries, maxBytes: l.MaxBytes}
}

// Capacity is how many entries the journal keeps at most.
func (j *Journal) Capacity() int { return j.max }

// Bytes is the recorded size of the entries held now.
func (j *Journal) Bytes() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}

// Add records e, assigning its id, and returns the id. Every field is cut
// to its limit first.
func (j *Journal) Add(e Entry) int64 {
	var b recordBuilder
	b.begin(e.Vendor, e.Tenant, e.Method, e.Path, e.Query, e.RequestBody, e.ResponseBody)
	b.headerMap(e.RequestHeaders, 1)
	b.endRequest()
	b.headerMap(e.ResponseHeaders, 2)
	b.r.unixNano, b.r.status, b.r.fault, b.r.durationMS = e.Time.UnixNano(), e.Status, e.Fault, e.DurationMS
	if e.Time.IsZero() {
		b.r.unixNano = zeroTime
	}
	return j.add(b.record())
}

// Exchange is one exchange with a vendor as the server saw it, for
// AddExchange: the headers as they were sent (AddExchange flattens and
// masks them as MaskHeaders does) and the bodies as bytes.
type Exchange struct {
	Time       time.Time
	Vendor     string
	Tenant     string
	Method     string
	Path       string
	Query      string
	Status     int
	Fault      int64
	DurationMS float64
	// Host, when not empty, is recorded among the request headers (Go
	// keeps the Host a client sent apart from the header map).
	Host            string
	RequestHeaders  http.Header
	RequestBody     []byte
	ResponseHeaders http.Header
	ResponseBody    []byte
}

// AddExchange records x like Add records the Entry it describes, without
// building the Entry: a request costs the journal one allocation.
func (j *Journal) AddExchange(x *Exchange) int64 {
	var b recordBuilder
	b.begin(x.Vendor, x.Tenant, x.Method, x.Path, x.Query, bytesString(x.RequestBody), bytesString(x.ResponseBody))
	b.header(x.RequestHeaders, x.Host)
	b.endRequest()
	b.header(x.ResponseHeaders, "")
	b.r.unixNano, b.r.status, b.r.fault, b.r.durationMS = x.Time.UnixNano(), x.Status, x.Fault, x.DurationMS
	return j.add(b.record())
}

func (j *Journal) add(r record) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.n == j.max || (j.n > 0 && j.bytes+r.size > j.maxBytes) {
		j.bytes -= j.ring[j.start].size
		j.ring[j.start] = record{}
		j.start = (j.start + 1) % len(j.ring)
		j.n--
	}
	if j.n == len(j.ring) {
		j.grow()
	}
	j.counter++
	r.id = j.counter
	j.ring[(j.start+j.n)%len(j.ring)] = r
	j.n++
	j.bytes += r.size
	return r.id
}

// grow makes the full ring larger (up to max slots), the entries in order
// from its start.
func (j *Journal) grow() {
	ring := make([]record, min(j.max, max(64, 2*len(j.ring))))
	for i := range j.n {
		ring[i] = j.ring[(j.start+i)%len(j.ring)]
	}
	j.ring, j.start = ring, 0
}

// Truncate cuts s to BodyLimit bytes.
func Truncate(s string) string { return cut(s, BodyLimit) }

// cut shortens s to at most limit bytes, backing off to the start of a
// UTF-8 sequence so that the kept part stays valid text.
func cut(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && i > limit-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// Filter selects entries. Empty fields match everything; Path may contain
// "*" wildcards (matching any run of characters, "/" included).
type Filter struct {
	Vendor string
	Method string
	Path   string
	Tenant string
	// Before, when not 0, keeps only entries older than the entry with
	// that id: the cursor for the next page.
	Before int64
	// After, when not 0, keeps only entries newer than the entry with
	// that id: what a live view polls for.
	After int64
	// StatusMin and StatusMax, when not 0, bound the answer's status
	// (400 and 499 for "4xx").
	StatusMin, StatusMax int
	Limit                int // 0 = no limit
}

// List returns the entries that match f, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, min(j.n, max(f.Limit, 16)))
	for i := j.n - 1; i >= 0; i-- {
		r := &j.ring[(j.start+i)%len(j.ring)]
		if f.After != 0 && r.id <= f.After {
			break // older entries only from here on
		}
		if f.Before != 0 && r.id >= f.Before {
			continue
		}
		if !f.match(r) {
			continue
		}
		out = append(out, r.entry())
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

func (f Filter) match(r *record) bool {
	if f.Vendor != "" && !strings.EqualFold(f.Vendor, r.field(fieldVendor)) {
		return false
	}
	if f.Method != "" && !strings.EqualFold(f.Method, r.field(fieldMethod)) {
		return false
	}
	if f.Tenant != "" && f.Tenant != r.field(fieldTenant) {
		return false
	}
	if f.Path != "" && !Glob(f.Path, r.field(fieldPath)) {
		return false
	}
	if (f.StatusMin != 0 && r.status < f.StatusMin) || (f.StatusMax != 0 && r.status > f.StatusMax) {
		return false
	}
	return true
}

// Clear empties the journal. Ids keep counting up.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring, j.start, j.n, j.bytes = nil, 0, 0, 0
}

// Glob reports whether s matches pattern, where "*" matches any run of
// characters (including "/") and everything else matches itself.
func Glob(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// secretHeaders are masked in the journal: a journal is for showing around,
// a credential is not.
var secretHeaders = map[string]bool{
	"Authorization":       true,
	"Authentication":      true,
	"Api-Key":             true,
	"X-Api-Key":           true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"Proxy-Authorization": true,
}

// MaskHeaders flattens h to one value per name, with secrets masked: the
// first word of an authorization value (its scheme) is kept, the rest is
// replaced by "***".
func MaskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = string(maskedValue(nil, k, vs))
	}
	return out
}

// maskedValue appends the journal's value of header k: its values joined,
// or the mask of a secret.
func maskedValue(dst []byte, k string, vs []string) []byte {
	secret := secretHeaders[k] || secretHeaders[http.CanonicalHeaderKey(k)]
	if !secret {
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, v...)
		}
		return dst
	}
	if len(vs) == 0 || len(vs) == 1 && vs[0] == "" {
		return dst
	}
	if scheme, _, ok := strings.Cut(vs[0], " "); ok && (strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
		dst = append(dst, scheme...)
		return append(dst, " ***"...)
	}
	return append(dst, "***"...)
}
