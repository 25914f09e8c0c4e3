package vtest

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/openapi/validate"
)

// Checker validates every exchange of a server against its OpenAPI
// documents (server.Config.Check) and keeps the failures until a test can
// be told. Validations run beside the server, not in the request's
// goroutine, so that a request is answered and its connection freed as fast
// as without them; the reports wait for those in flight.
type Checker struct {
	v       *validate.Validator
	mu      sync.Mutex
	running int
	done    *sync.Cond
	pending []failure
	// lenient are the requests in flight whose requests may break the
	// documents; lenientAll says every request may.
	lenient    []lenientRequest
	lenientAll bool
}

// failure is an exchange that broke the documents, with its tenant.
type failure struct {
	doc, tenant string
	err         error
}

type lenientRequest struct{ method, path, query string }

// NewChecker returns a checker; give Check to server.Config and the
// server's documents to Use.
func NewChecker() *Checker {
	c := &Checker{}
	c.done = sync.NewCond(&c.mu)
	return c
}

// Use validates against docs from now on (the server's Documents).
func (c *Checker) Use(docs map[string]*openapi.Doc) error {
	v := validate.New(docs)
	if err := v.Prepare(); err != nil {
		return err
	}
	c.mu.Lock()
	c.v = v
	c.mu.Unlock()
	return nil
}

// Check is server.Config.Check.
func (c *Checker) Check(ex openapi.Exchange) {
	c.mu.Lock()
	c.running++
	c.mu.Unlock()
	go func() {
		c.validate(ex)
		c.mu.Lock()
		if c.running--; c.running == 0 {
			c.done.Broadcast()
		}
		c.mu.Unlock()
	}()
}

func (c *Checker) validate(ex openapi.Exchange) {
	c.mu.Lock()
	v := c.v
	lenient := c.lenientAll || slices.ContainsFunc(c.lenient, func(l lenientRequest) bool {
		return l.method == ex.Method && l.query == ex.Query && strings.HasSuffix(l.path, ex.Path)
	})
	c.mu.Unlock()
	if v == nil {
		return
	}
	check := v.Check
	if lenient {
		check = v.CheckAnswer
	}
	if err := check(ex); err != nil {
		c.mu.Lock()
		c.pending = append(c.pending, failure{ex.Doc, ex.Tenant, err})
		c.mu.Unlock()
	}
}

// take waits for the validations in flight and removes the failures keep
// selects.
func (c *Checker) take(keep func(failure) bool) []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.running > 0 {
		c.done.Wait()
	}
	var out []error
	rest := c.pending[:0]
	for _, f := range c.pending {
		if keep(f) {
			out = append(out, f.err)
		} else {
			rest = append(rest, f)
		}
	}
	c.pending = rest
	return out
}

// Report fails t with every exchange that broke the documents since the
// last report.
func (c *Checker) Report(t testing.TB) {
	if c == nil {
		return
	}
	t.Helper()
	for _, err := range c.take(func(failure) bool { return true }) {
		t.Errorf("OpenAPI: %v", err)
	}
}

// ReportTenant fails t with the failures of one tenant's exchanges (tests
// sharing an emulator each use tenants of their own).
func (c *Checker) ReportTenant(t testing.TB, vendor, tenant string) {
	if c == nil {
		return
	}
	t.Helper()
	for _, err := range c.take(func(f failure) bool { return f.doc == vendor && f.tenant == tenant }) {
		t.Errorf("OpenAPI: %v", err)
	}
}

// Failures removes and returns every failure not reported yet.
func (c *Checker) Failures() []error {
	if c == nil {
		return nil
	}
	return c.take(func(failure) bool { return true })
}
