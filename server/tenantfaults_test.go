package server_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// startTwoTenants is a notes emulator with tenants "a" and "b" besides the
// default one.
func startTwoTenants(t testing.TB) *vtest.Server {
	t.Helper()
	srv := start(t)
	for _, k := range []string{"a", "b"} {
		expect(t, srv.Do("POST", "/_emulator/notes/tenants", `{"key":"`+k+`"}`), 201, `{"key":"`+k+`"}`)
	}
	return srv
}

func TestTenantFaultTouchesOnlyItsTenant(t *testing.T) {
	srv := startTwoTenants(t)
	expect(t, srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","status":503,"body":"{\"error\":\"down\"}"}`), 201, `{"id":1}`)

	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 503, `{"error":"down"}`)
	// The faulted write wrote nothing, though the vendor had begun it.
	expect(t, srv.Do("POST", "/notes/items", "lost", "X-Tenant", "a"), 503, `{"error":"down"}`)
	expect(t, srv.Do("POST", "/notes/items", "kept", "X-Tenant", "b"), 201, `{"id":2}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"), 200, `{"items":["kept"]}`)
	// A request the vendor cannot place matches no tenant's fault.
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "ghost"), 401, `{"error":"unknown tenant"}`)
	expect(t, srv.Do("GET", "/notes/items", nil), 401, `{"error":"unknown tenant"}`)

	// The faulted entries keep their tenant and name the fault.
	got := requests(t, srv, "?tenant=a")
	if len(got) != 2 {
		t.Fatalf("tenant a's journal: %+v", got)
	}
	for _, e := range got {
		if e.Status != 503 || e.Fault != 1 || e.ResponseBody != `{"error":"down"}` {
			t.Fatalf("faulted entry %+v", e)
		}
	}
	if e := requests(t, srv, "?tenant=b&limit=1")[0]; e.Fault != 0 || e.Status != 200 {
		t.Fatalf("tenant b's entry %+v", e)
	}
	if !strings.Contains(srv.Do("GET", "/_emulator/requests?limit=1", nil).Body, `"status":401,"duration_ms"`) {
		t.Fatal("an entry without a fault carries a fault field")
	}

	// Without the fault, tenant a's writes go through again.
	srv.Do("DELETE", "/_emulator/faults", nil)
	expect(t, srv.Do("POST", "/notes/items", "second", "X-Tenant", "a"), 201, `{"id":3}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":["second"]}`)
}

func TestFaultWithoutTenantMatchesUnplacedRequests(t *testing.T) {
	srv := startTwoTenants(t)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/items","status":500,"body":"oops","times":2}`)
	// The vendor could not name a tenant: the fault answers when the
	// vendor starts its own answer, and the journal has no tenant.
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "ghost"), 500, "oops")
	if e := requests(t, srv, "?limit=1")[0]; e.Tenant != "" || e.Fault != 1 || e.Status != 500 {
		t.Fatalf("entry %+v", e)
	}
	// A placed request keeps its tenant in the journal.
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"), 500, "oops")
	if e := requests(t, srv, "?limit=1")[0]; e.Tenant != "b" || e.Fault != 1 {
		t.Fatalf("entry %+v", e)
	}
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"), 200, `{"items":[]}`)
}

func TestTenantFaultOrderAndTimes(t *testing.T) {
	srv := startTwoTenants(t)
	// The first fault in the list that applies wins; a counted fault of
	// one tenant is not used up by another's requests.
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","status":429,"times":1}`)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","status":502,"times":1}`)
	if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"); r.Status != 502 {
		t.Fatalf("b: %d", r.Status)
	}
	if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"); r.Status != 429 {
		t.Fatalf("a: %d", r.Status)
	}
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":[]}`)
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
}

func TestTenantDelayParksOnlyItsTenant(t *testing.T) {
	srv := startTwoTenants(t)
	srv.Do("POST", "/notes/items", "a1", "X-Tenant", "a")
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","method":"GET","delay_ms":600000}`)
	done := make(chan vtest.Response, 1)
	go func() { done <- srv.With(t).Do("GET", "/notes/items", nil, "X-Tenant", "a") }()
	waitParked(t, srv, 1)
	// Tenant b is not held, nor are writes behind the parked read (a
	// delay never holds the database).
	expect(t, srv.Do("POST", "/notes/items", "b1", "X-Tenant", "b"), 201, `{"id":3}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"), 200, `{"items":["b1"]}`)
	// Deleting the fault releases a's request, which gets the vendor's
	// answer as of now.
	srv.Do("POST", "/notes/items", "a2", "X-Tenant", "a")
	srv.Do("DELETE", "/_emulator/faults", nil)
	r := <-done
	expect(t, r, 200, `{"items":["a1","a2"]}`)
}

func TestTenantDelayedWriteWritesAfterTheDelay(t *testing.T) {
	srv := startTwoTenants(t)
	// A delay-only fault holds the request before the vendor's work: the
	// write happens once the delay is over, with the whole body.
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","method":"POST","delay_ms":600000}`)
	body := strings.Repeat("x", 200<<10) // beyond the journal's cut
	done := make(chan vtest.Response, 1)
	go func() { done <- srv.With(t).Do("POST", "/notes/items", body, "X-Tenant", "a") }()
	waitParked(t, srv, 1)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":[]}`)
	srv.Do("DELETE", "/_emulator/faults/1", nil)
	expect(t, <-done, 201, `{"id":2}`)
	var state struct {
		Tenants []struct {
			Key   string   `json:"key"`
			Items []string `json:"items"`
		} `json:"tenants"`
	}
	json.Unmarshal([]byte(srv.Do("GET", "/_emulator/state/notes?tenant=a", nil).Body), &state)
	if len(state.Tenants) != 1 || len(state.Tenants[0].Items) != 1 || state.Tenants[0].Items[0] != body {
		t.Fatalf("the delayed write did not store the whole body")
	}
}

func TestFaultTenantBadInput(t *testing.T) {
	srv := startTwoTenants(t)
	for body, want := range map[string]string{
		`{"tenant":"a","status":500}`:                         "tenant needs vendor",
		`{"vendor":"*","tenant":"a","status":500}`:            "tenant needs vendor",
		`{"vendor":"notes","tenant":7,"status":500}`:          `"tenant" must be a string`,
		`{"fault":"explode"}`:                                 `fault must be one of connection_reset, empty_response, malformed_body, truncated_body, got "explode"`,
		`{"fault":"truncated_body","status":200}`:             "give no status, body or content_type",
		`{"fault":"malformed_body","body":"x"}`:               "give no status, body or content_type",
		`{"status":500,"jitter_ms":-1}`:                       "jitter_ms must not be negative",
		`{"status":500,"delay_ms":500000,"jitter_ms":100001}`: "delay_ms plus jitter_ms must be at most 600000",
		`{"fault":1}`: `"fault" must be a string`,
	} {
		expectError(t, srv.Do("POST", "/_emulator/faults", body), 400, want)
	}
	expectError(t, srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"A","status":500}`), 404, `unknown tenant "A" of notes`)
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
	// Jitter alone is a delay.
	expect(t, srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","jitter_ms":5,"times":1}`), 201, `{"id":1}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":[]}`)
	if e := requests(t, srv, "?limit=1")[0]; e.Fault != 1 {
		t.Fatalf("a delayed exchange names its fault: %+v", e)
	}
}

// plainGet is what a plain net/http client sees: the response (its body
// read whole) or the error.
func plainGet(t *testing.T, url string, headers ...string) (*http.Response, []byte, error, error) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err, nil
	}
	defer resp.Body.Close()
	b, readErr := io.ReadAll(resp.Body)
	return resp, b, nil, readErr
}

func TestConnectionFaultsAsAClientSeesThem(t *testing.T) {
	srv := startTwoTenants(t)
	srv.Do("POST", "/notes/items", "first note of a", "X-Tenant", "a")
	real := `{"items":["first note of a"]}`
	addFault := func(kind string) {
		srv.Do("DELETE", "/_emulator/faults", nil)
		if r := srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","fault":"`+kind+`"}`); r.Status != 201 {
			t.Fatalf("add %s: %d %s", kind, r.Status, r.Body)
		}
	}
	get := func() (*http.Response, []byte, error, error) {
		return plainGet(t, srv.URL+"/notes/items", "X-Tenant", "a")
	}

	// connection_reset: the request itself fails.
	addFault("connection_reset")
	if _, _, err, _ := get(); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("connection_reset: client error %v, want connection reset by peer", err)
	}
	if e := requests(t, srv, "?limit=1")[0]; e.Status != 0 || e.Tenant != "a" || e.Fault == 0 || e.ResponseBody != "" {
		t.Fatalf("connection_reset entry %+v", e)
	}

	// empty_response: the status line and headers arrive, the body never.
	addFault("empty_response")
	resp, body, err, readErr := get()
	if err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(real)) ||
		len(body) != 0 || !errors.Is(readErr, io.ErrUnexpectedEOF) {
		t.Fatalf("empty_response: %v %v %q %v", err, resp, body, readErr)
	}

	// truncated_body: half of the real body, then the connection closes.
	addFault("truncated_body")
	resp, body, err, readErr = get()
	if err != nil || resp.StatusCode != 200 || string(body) != real[:len(real)/2] || !errors.Is(readErr, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated_body: %v %v %q %v", err, resp, body, readErr)
	}
	if e := requests(t, srv, "?limit=1")[0]; e.Status != 200 || e.ResponseBody != real[:len(real)/2] || e.Fault == 0 {
		t.Fatalf("truncated_body entry %+v", e)
	}

	// malformed_body: a whole answer that no parser takes.
	addFault("malformed_body")
	resp, body, err, readErr = get()
	if err != nil || readErr != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("malformed_body: %v %v %v", err, resp, readErr)
	}
	var v any
	var syntax *json.SyntaxError
	if err := json.Unmarshal(body, &v); !errors.As(err, &syntax) {
		t.Fatalf("malformed_body decodes: %v %q", err, body)
	}

	// The other tenant is untouched by all of them.
	srv.Do("DELETE", "/_emulator/faults", nil)
	for _, kind := range []string{"connection_reset", "empty_response", "truncated_body", "malformed_body"} {
		srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","fault":"`+kind+`"}`)
	}
	resp, body, err, readErr = plainGet(t, srv.URL+"/notes/items", "X-Tenant", "b")
	if err != nil || readErr != nil || resp.StatusCode != 200 || string(body) != `{"items":[]}` {
		t.Fatalf("tenant b: %v %v %q %v", err, resp, body, readErr)
	}
}

func TestConnectionFaultsAndTheVendorsWork(t *testing.T) {
	srv := startTwoTenants(t)
	post := func(text string) error {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		req, _ := http.NewRequest("POST", srv.URL+"/notes/items", strings.NewReader(text))
		req.Header.Set("X-Tenant", "a")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return err
	}
	// A reset comes before the vendor's work: nothing is written.
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","fault":"connection_reset","times":1}`)
	if err := post("never"); err == nil {
		t.Fatal("connection_reset: no error")
	}
	// A broken answer comes after it: the write happened, the client
	// cannot tell — what a retrying client must be ready for.
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","tenant":"a","fault":"truncated_body","times":1}`)
	if err := post("done"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated_body: %v", err)
	}
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "a"), 200, `{"items":["done"]}`)
}

func TestConnectionFaultOnUnplacedRequest(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/nowhere","fault":"connection_reset"}`)
	if _, _, err, _ := plainGet(t, srv.URL+"/notes/nowhere"); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("client error %v", err)
	}
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/elsewhere","fault":"truncated_body"}`)
	resp, body, err, readErr := plainGet(t, srv.URL+"/notes/elsewhere")
	full := `{"error":"no such note route"}`
	if err != nil || resp.StatusCode != 404 || string(body) != full[:len(full)/2] ||
		!errors.Is(readErr, io.ErrUnexpectedEOF) {
		t.Fatalf("%v %v %q %v", err, resp, body, readErr)
	}
}
