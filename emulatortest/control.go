package emulatortest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/vendoremu/vendoremu/journal"
)

// control sends a control-plane request (body: nil, string, []byte, or a
// value sent as JSON) and returns the answer's body; an answer other than
// want fails the helper.
func (e *Emulator) control(method, path string, body any, want int) []byte {
	if e.t != nil {
		e.t.Helper()
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.fail("%s %s: encode body: %v", method, path, err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.URL+"/_emulator/"+path, rd)
	if err != nil {
		e.fail("%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		e.fail("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		e.fail("%s %s: read answer: %v", method, path, err)
	}
	if resp.StatusCode != want {
		e.fail("%s /_emulator/%s: %d %s", method, path, resp.StatusCode, out)
	}
	return out
}

// Seed loads a seed document on top of what is there, like
// POST /_emulator/seed: doc is the JSON (string or []byte) or a value
// encoded as JSON.
func (e *Emulator) Seed(doc any) {
	if e.t != nil {
		e.t.Helper()
	}
	e.control("POST", "seed", doc, http.StatusOK)
}

// Fault is an injected answer (see the README's control-plane section).
// Tenant narrows it to one tenant's requests, as the vendor identifies the
// tenant: parallel tests fault their own tenant only.
type Fault struct {
	Vendor      string `json:"vendor,omitempty"`
	Tenant      string `json:"tenant,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"`
	Status      int    `json:"status,omitempty"`
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	DelayMS     int64  `json:"delay_ms,omitempty"`
	JitterMS    int64  `json:"jitter_ms,omitempty"`
	// Fault is connection_reset, empty_response, malformed_body or
	// truncated_body.
	Fault string `json:"fault,omitempty"`
	Times int64  `json:"times,omitempty"`
}

// AddFault adds a fault and returns its id; with a test, it is deleted
// when the test ends.
func (e *Emulator) AddFault(f Fault) int64 {
	if e.t != nil {
		e.t.Helper()
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(e.control("POST", "faults", f, http.StatusCreated), &out); err != nil {
		e.fail("add fault: %v", err)
	}
	if e.t != nil {
		id := out.ID
		e.t.Cleanup(func() { e.deleteFault(id) })
	}
	return out.ID
}

// DeleteFault removes a fault; requests waiting out its delay go on.
func (e *Emulator) DeleteFault(id int64) {
	if e.t != nil {
		e.t.Helper()
	}
	if !e.deleteFault(id) {
		e.fail("no fault %d", id)
	}
}

func (e *Emulator) deleteFault(id int64) bool { return e.Server.Faults().Delete(id) }

// State is a vendor's state dump narrowed to one tenant, as
// GET /_emulator/state/<vendor>?tenant=T answers it: JSON to decode into
// what the test asserts on. It is also a seed section: {"<vendor>": state}
// loaded into another emulator gives it the same tenant.
func (e *Emulator) State(vendor, tenant string) json.RawMessage {
	if e.t != nil {
		e.t.Helper()
	}
	return e.control("GET", "state/"+vendor+"?tenant="+url.QueryEscape(tenant), nil, http.StatusOK)
}

// Requests are the journal's exchanges that match filter, newest first.
// Filter by Tenant to see one test's own.
func (e *Emulator) Requests(filter journal.Filter) []journal.Entry {
	return e.Journal.List(filter)
}

// FreezeTenantClock gives one tenant a clock of its own, frozen at at:
// every time-dependent answer that tenant gets reads it, while the other
// tenants keep theirs. ResetTenant (or ReleaseTenantClock) gives the
// tenant the emulator clock back.
func (e *Emulator) FreezeTenantClock(vendor, tenant string, at time.Time) {
	if e.t != nil {
		e.t.Helper()
	}
	e.tenantClock(vendor, tenant, map[string]any{"now": at.UTC().Format(time.RFC3339Nano)})
}

// AdvanceTenantClock moves one tenant's clock on by d (giving it a clock of
// its own, from where the emulator clock is, when it has none).
func (e *Emulator) AdvanceTenantClock(vendor, tenant string, d time.Duration) {
	if e.t != nil {
		e.t.Helper()
	}
	e.tenantClock(vendor, tenant, map[string]any{"advance": d.String()})
}

// ReleaseTenantClock makes the tenant follow the emulator clock again.
func (e *Emulator) ReleaseTenantClock(vendor, tenant string) {
	if e.t != nil {
		e.t.Helper()
	}
	e.tenantClock(vendor, tenant, map[string]any{"real": true})
}

func (e *Emulator) tenantClock(vendor, tenant string, body any) {
	if e.t != nil {
		e.t.Helper()
	}
	e.control("POST", "clock?vendor="+url.QueryEscape(vendor)+"&tenant="+url.QueryEscape(tenant), body, http.StatusOK)
}

// TenantNow is the current time of a tenant's clock.
func (e *Emulator) TenantNow(vendor, tenant string) time.Time {
	return e.Clock.For(vendor, tenant).Now()
}

// Snapshot saves the whole database as name (replacing one of that name):
// load the fixtures once, snapshot, and Restore between tests.
func (e *Emulator) Snapshot(name string) {
	if e.t != nil {
		e.t.Helper()
	}
	e.control("POST", "snapshots", map[string]string{"name": name}, http.StatusCreated)
}

// Restore brings the snapshot name back: every vendor's data as it was
// then. Clocks, faults and the journal stay as they are.
func (e *Emulator) Restore(name string) {
	if e.t != nil {
		e.t.Helper()
	}
	e.control("POST", "snapshots/"+url.PathEscape(name)+"/restore", nil, http.StatusOK)
}

// decodeInto decodes a control-plane answer, failing the helper when it
// is not what was expected.
func (e *Emulator) decodeInto(what string, b []byte, v any) {
	if e.t != nil {
		e.t.Helper()
	}
	if err := json.Unmarshal(b, v); err != nil {
		e.fail("%s: %v: %s", what, err, b)
	}
}
