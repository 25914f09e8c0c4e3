// Package faults holds the injected faults: answers (or delays) the control
// plane asks the emulator to give instead of the vendor's real answer. The
// table lives in memory and is swapped atomically, so matching a request
// costs no lock and no query.
package faults

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendoremu/vendoremu/journal"
)

// MaxDelay bounds a fault's delay, so a typo cannot hang a test run.
const MaxDelay = 10 * time.Minute

// The kinds of broken answer a fault can give instead of a status.
const (
	// ConnectionReset drops the connection (a TCP reset) before the vendor
	// does anything: the client's request fails.
	ConnectionReset = "connection_reset"
	// EmptyResponse sends the vendor's status line and headers, then
	// closes the connection: the client's body read fails.
	EmptyResponse = "empty_response"
	// MalformedBody replaces the vendor's body with bytes that are neither
	// JSON nor text: the client's parser fails.
	MalformedBody = "malformed_body"
	// TruncatedBody sends the vendor's headers and the first half of its
	// body, then closes the connection: the client's body read fails.
	TruncatedBody = "truncated_body"
)

// Kinds are the values Fault.Kind may take besides "".
var Kinds = []string{ConnectionReset, EmptyResponse, MalformedBody, TruncatedBody}

// Fault is one injected answer. Vendor, Method and Path select requests
// ("" or "*" matches all; Path is the vendor's own path and may use "*"
// wildcards); Tenant, when set, narrows them to the requests of that tenant
// as the vendor identifies it (the journal's tenant). Status 0 and no Kind
// means the request is only delayed, then answered normally. Times is how
// many requests it applies to; 0 means until deleted.
type Fault struct {
	ID          int64  `json:"id"`
	Vendor      string `json:"vendor"`
	Tenant      string `json:"tenant"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Status      int    `json:"status"`
	Body        string `json:"body"`
	ContentType string `json:"content_type"`
	DelayMS     int64  `json:"delay_ms"`
	// JitterMS adds a uniformly random 0..JitterMS milliseconds to DelayMS,
	// drawn for each request.
	JitterMS int64 `json:"jitter_ms"`
	// Kind is one of Kinds: a broken answer instead of a status.
	Kind  string `json:"fault"`
	Times int64  `json:"times"`
	// Remaining is how many more requests a counted fault applies to.
	Remaining int64 `json:"remaining"`

	// Parked is how many requests are waiting out its delay now.
	Parked int64 `json:"parked"`

	// deleted is closed when the fault is deleted, cleared the one when
	// the whole table is: requests parked on its delay go on at once.
	deleted, cleared <-chan struct{}
	parked           *atomic.Int64
}

// Validate checks a fault before it is added.
func (f Fault) Validate() error {
	switch {
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status must be 0 (delay only) or 100-599, got %d", f.Status)
	case f.Kind != "" && !slices.Contains(Kinds, f.Kind):
		return fmt.Errorf("fault must be one of %s, got %q", strings.Join(Kinds, ", "), f.Kind)
	case f.Kind != "" && (f.Status != 0 || f.Body != "" || f.ContentType != ""):
		return fmt.Errorf("fault %q breaks the vendor's own answer; give no status, body or content_type with it", f.Kind)
	case f.DelayMS < 0:
		return errors.New("delay_ms must not be negative")
	case f.JitterMS < 0:
		return errors.New("jitter_ms must not be negative")
	case f.DelayMS > MaxDelay.Milliseconds() || f.JitterMS > MaxDelay.Milliseconds()-f.DelayMS:
		return fmt.Errorf("delay_ms plus jitter_ms must be at most %d", MaxDelay.Milliseconds())
	case f.Times < 0:
		return errors.New("times must not be negative")
	case f.Status == 0 && f.Kind == "" && f.DelayMS == 0 && f.JitterMS == 0:
		return errors.New("a fault needs a status, a fault, a delay_ms or a jitter_ms")
	case f.Status == 0 && (f.Body != "" || f.ContentType != ""):
		return errors.New("body and content_type need a status")
	case f.Tenant != "" && (f.Vendor == "" || f.Vendor == "*"):
		return errors.New("tenant needs vendor: a tenant is one vendor's")
	}
	return nil
}

// Answers reports whether the fault replaces the vendor's work and answer
// (a status, or a connection reset) rather than only delaying it or
// breaking its answer on the way out.
func (f Fault) Answers() bool { return f.Status != 0 || f.Kind == ConnectionReset }

// entry is a fault in the table with its live counter.
type entry struct {
	Fault
	remaining atomic.Int64 // for counted faults
	parked    atomic.Int64
	deleted   chan struct{}
}

// Table is the set of active faults.
type Table struct {
	mu     sync.Mutex // serialises writers; readers only load current
	cur    atomic.Pointer[[]*entry]
	nextID int64
	// cleared is closed and replaced by Clear, releasing every parked
	// request, also those of counted faults already used up (and so no
	// longer in the table).
	cleared atomic.Pointer[chan struct{}]
}

// NewTable returns an empty table.
func NewTable() *Table {
	t := &Table{}
	t.cur.Store(&[]*entry{})
	ch := make(chan struct{})
	t.cleared.Store(&ch)
	return t
}

// Add validates f, puts it in the table and returns its id.
func (t *Table) Add(f Fault) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if f.Vendor == "*" {
		f.Vendor = ""
	}
	if f.Method == "*" {
		f.Method = ""
	}
	f.Method = strings.ToUpper(f.Method)
	if f.Path == "" {
		f.Path = "*"
	}
	if f.Status != 0 && f.ContentType == "" {
		f.ContentType = guessType(f.Body)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextID++
	f.ID = t.nextID
	e := &entry{Fault: f, deleted: make(chan struct{})}
	e.Fault.deleted = e.deleted
	e.Fault.parked = &e.parked
	e.remaining.Store(f.Times)
	old := *t.cur.Load()
	next := make([]*entry, len(old), len(old)+1)
	copy(next, old)
	next = append(next, e)
	t.cur.Store(&next)
	return f.ID, nil
}

func guessType(body string) string {
	b := strings.TrimSpace(body)
	if strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
		return "application/json; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// List returns the active faults, oldest first.
func (t *Table) List() []Fault {
	cur := *t.cur.Load()
	out := make([]Fault, 0, len(cur))
	for _, e := range cur {
		f := e.Fault
		f.Parked = e.parked.Load()
		if f.Times > 0 {
			f.Remaining = e.remaining.Load()
			if f.Remaining <= 0 {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// Delete removes the fault with id; it reports whether there was one.
// Requests waiting out its delay go on at once, answered as if the fault
// had not matched them.
func (t *Table) Delete(id int64) bool {
	e := t.remove(id)
	if e != nil {
		close(e.deleted)
	}
	return e != nil
}

// remove takes the fault with id out of the table and returns it (nil
// when there is none). A counted fault that is used up is only removed:
// the requests it matched keep their delay.
func (t *Table) remove(id int64) *entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.cur.Load()
	next := make([]*entry, 0, len(old))
	var found *entry
	for _, e := range old {
		if e.ID == id {
			found = e
			continue
		}
		next = append(next, e)
	}
	t.cur.Store(&next)
	return found
}

// Clear removes every fault, releasing the requests parked on them.
func (t *Table) Clear() {
	t.mu.Lock()
	old := *t.cur.Swap(&[]*entry{})
	next := make(chan struct{})
	cleared := *t.cleared.Swap(&next)
	t.mu.Unlock()
	close(cleared)
	for _, e := range old {
		close(e.deleted)
	}
}

// Match finds the first fault that applies to a request and consumes one of
// its uses. tenant is the request's tenant as the vendor identified it, ""
// when it could not: such a request matches only faults without a tenant.
// ok is false when none applies.
func (t *Table) Match(vendor, tenant, method, path string) (f Fault, ok bool) {
	cur := *t.cur.Load()
	if len(cur) == 0 {
		return Fault{}, false
	}
	for _, e := range cur {
		if !e.selects(vendor, method, path) || (e.Tenant != "" && e.Tenant != tenant) {
			continue
		}
		if e.Times > 0 {
			if e.remaining.Add(-1) < 0 {
				continue // used up by concurrent requests
			}
			if e.remaining.Load() == 0 {
				t.remove(e.ID)
			}
		}
		f := e.Fault
		f.cleared = *t.cleared.Load()
		return f, true
	}
	return Fault{}, false
}

// Empty reports whether there are no faults: the server then spends
// nothing on them.
func (t *Table) Empty() bool { return len(*t.cur.Load()) == 0 }

// Selects reports, without consuming anything, whether a fault of any
// tenant may apply to a request of vendor, method and path.
func (t *Table) Selects(vendor, method, path string) bool {
	for _, e := range *t.cur.Load() {
		if e.selects(vendor, method, path) {
			return true
		}
	}
	return false
}

func (e *entry) selects(vendor, method, path string) bool {
	return (e.Vendor == "" || strings.EqualFold(e.Vendor, vendor)) &&
		(e.Method == "" || e.Method == method) &&
		journal.Glob(e.Path, path)
}

// delay draws one request's delay: delay_ms plus a uniformly random
// 0..jitter_ms.
func (f Fault) delay() time.Duration {
	d := time.Duration(f.DelayMS) * time.Millisecond
	if f.JitterMS > 0 {
		d += time.Duration(rand.Int64N(f.JitterMS*int64(time.Millisecond) + 1))
	}
	return d
}

// Wait waits out the fault's delay — delay_ms plus a random share of
// jitter_ms — or until ctx ends. It reports false when the fault was
// deleted (or the table cleared) meanwhile: the request then goes on as if
// the fault had not matched it.
func (f Fault) Wait(ctx context.Context) bool {
	d := f.delay()
	if d <= 0 {
		return true
	}
	if f.parked != nil {
		f.parked.Add(1)
		defer f.parked.Add(-1)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	case <-f.deleted:
		return false
	case <-f.cleared:
		return false
	}
	return true
}
