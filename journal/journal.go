// Package journal is the request journal: an in-memory ring of the newest
// exchanges with the vendor APIs, for tests that assert what their client
// sent and what it got back. Recording never touches the database, so a read
// request costs no write.
package journal

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultCapacity is how many exchanges the journal keeps.
const DefaultCapacity = 10000

// BodyLimit caps each stored request and response body.
const BodyLimit = 64 << 10

// Entry is one exchange. Path is the vendor's own path, without the
// "/<vendor>" prefix of the shared listener; Query is the raw query string.
type Entry struct {
	ID             int64             `json:"id"`
	Time           time.Time         `json:"time"`
	Vendor         string            `json:"vendor"`
	Tenant         string            `json:"tenant"`
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	Query          string            `json:"query"`
	Status         int               `json:"status"`
	DurationMS     float64           `json:"duration_ms"`
	RequestHeaders map[string]string `json:"request_headers"`
	RequestBody    string            `json:"request_body"`
	ResponseBody   string            `json:"response_body"`
}

// Journal is a bounded, concurrency-safe ring of entries.
type Journal struct {
	mu      sync.Mutex
	ring    []Entry
	next    int // index the next entry is written to
	full    bool
	counter int64
}

// New returns a journal that keeps the newest capacity entries.
func New(capacity int) *Journal {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Journal{ring: make([]Entry, capacity)}
}

// Capacity is how many entries the journal keeps.
func (j *Journal) Capacity() int { return len(j.ring) }

// Add records e, assigning its id, and returns the id. Bodies longer than
// BodyLimit are cut.
func (j *Journal) Add(e Entry) int64 {
	e.RequestBody = Truncate(e.RequestBody)
	e.ResponseBody = Truncate(e.ResponseBody)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.counter++
	e.ID = j.counter
	j.ring[j.next] = e
	j.next++
	if j.next == len(j.ring) {
		j.next, j.full = 0, true
	}
	return e.ID
}

// Truncate cuts s to BodyLimit bytes.
func Truncate(s string) string {
	if len(s) > BodyLimit {
		return s[:BodyLimit]
	}
	return s
}

// Filter selects entries. Empty fields match everything; Path may contain
// "*" wildcards (matching any run of characters, "/" included).
type Filter struct {
	Vendor string
	Method string
	Path   string
	Tenant string
	Limit  int // 0 = no limit
}

// List returns the entries that match f, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	n := j.next
	if j.full {
		n = len(j.ring)
	}
	out := make([]Entry, 0, min(n, max(f.Limit, 16)))
	for i := 0; i < n; i++ {
		idx := j.next - 1 - i
		if idx < 0 {
			idx += len(j.ring)
		}
		e := j.ring[idx]
		if !f.match(e) {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	j.mu.Unlock()
	return out
}

func (f Filter) match(e Entry) bool {
	if f.Vendor != "" && !strings.EqualFold(f.Vendor, e.Vendor) {
		return false
	}
	if f.Method != "" && !strings.EqualFold(f.Method, e.Method) {
		return false
	}
	if f.Tenant != "" && f.Tenant != e.Tenant {
		return false
	}
	if f.Path != "" && !Glob(f.Path, e.Path) {
		return false
	}
	return true
}

// Clear empties the journal. Ids keep counting up.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring)
	j.next, j.full = 0, false
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
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(h[k], ", ")
		if secretHeaders[http.CanonicalHeaderKey(k)] && v != "" {
			if scheme, _, ok := strings.Cut(v, " "); ok && (strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
				v = scheme + " ***"
			} else {
				v = "***"
			}
		}
		out[k] = v
	}
	return out
}
