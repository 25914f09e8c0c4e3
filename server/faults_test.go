package server_test

import (
	"encoding/json"
	"testing"
	"time"
)

func TestFaultByStatus(t *testing.T) {
	srv := start(t)
	expect(t, srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","method":"GET","path":"/items","status":503,"body":"{\"error\":\"down\"}"}`), 201, `{"id":1}`)
	r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "default")
	if r.Status != 503 || r.Body != `{"error":"down"}` || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("faulted: %d %q %q", r.Status, r.Body, r.Header.Get("Content-Type"))
	}
	// Other methods and paths are untouched; times 0 keeps the fault.
	expect(t, srv.Do("POST", "/notes/items", "x", "X-Tenant", "default"), 201, `{"id":2}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 503, `{"error":"down"}`)
	// The faulted answer is what the journal shows.
	if e := requests(t, srv, "?limit=1")[0]; e.Status != 503 || e.ResponseBody != `{"error":"down"}` {
		t.Fatalf("journal %+v", e)
	}

	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200,
		`{"faults":[{"id":1,"vendor":"notes","tenant":"","method":"GET","path":"/items","status":503,"body":"{\"error\":\"down\"}","content_type":"application/json; charset=utf-8","delay_ms":0,"jitter_ms":0,"fault":"","times":0,"remaining":0,"parked":0}]}`)
	if r := srv.Do("DELETE", "/_emulator/faults", nil); r.Status != 204 {
		t.Fatalf("DELETE: %d", r.Status)
	}
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome","x"]}`)
}

func TestFaultedWriteWritesNothing(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"method":"POST","status":500,"body":"oops"}`)
	r := srv.Do("POST", "/notes/items", "lost", "X-Tenant", "default")
	if r.Status != 500 || r.Body != "oops" || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("faulted: %d %q %q", r.Status, r.Body, r.Header.Get("Content-Type"))
	}
	srv.Do("DELETE", "/_emulator/faults", nil)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome"]}`)
}

func TestFaultTimes(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/items","status":429,"body":"slow down","times":2}`)
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200,
		`{"faults":[{"id":1,"vendor":"notes","tenant":"","method":"","path":"/items","status":429,"body":"slow down","content_type":"text/plain; charset=utf-8","delay_ms":0,"jitter_ms":0,"fault":"","times":2,"remaining":2,"parked":0}]}`)
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 429, "slow down")
	expect(t, srv.Do("POST", "/notes/items", "x", "X-Tenant", "default"), 429, "slow down")
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome"]}`)
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
}

func TestFaultWildcards(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"*","method":"*","path":"/it*","status":502}`)
	for _, p := range []string{"/notes/items", "/notes/items/7/deep", "/notes/it"} {
		if r := srv.Do("GET", p, nil, "X-Tenant", "default"); r.Status != 502 {
			t.Errorf("GET %s = %d, want the fault", p, r.Status)
		}
	}
	if r := srv.Do("GET", "/notes/other", nil); r.Status != 404 {
		t.Errorf("GET /notes/other = %d, want no fault", r.Status)
	}
	// Faults never touch the control plane.
	if r := srv.Do("GET", "/_emulator/health", nil); r.Status != 200 {
		t.Errorf("health = %d", r.Status)
	}
	srv.Do("DELETE", "/_emulator/faults", nil)
	srv.Do("POST", "/_emulator/faults", `{"path":"*/deep","status":418}`)
	if r := srv.Do("GET", "/notes/items/deep", nil); r.Status != 418 {
		t.Errorf("suffix wildcard: %d", r.Status)
	}
}

func TestFaultDelayOnly(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"vendor":"notes","path":"/items","delay_ms":150,"times":1}`)
	began := time.Now()
	expect(t, srv.Do("GET", "/notes/items", nil, "X-Tenant", "default"), 200, `{"items":["welcome"]}`)
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Fatalf("delayed request took %v", took)
	}
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
}

func TestFaultDeleteOne(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/faults", `{"path":"/a","status":500}`)
	srv.Do("POST", "/_emulator/faults", `{"path":"/b","status":500}`)
	if r := srv.Do("DELETE", "/_emulator/faults/1", nil); r.Status != 204 {
		t.Fatalf("DELETE one: %d", r.Status)
	}
	var out struct {
		Faults []struct {
			ID int `json:"id"`
		} `json:"faults"`
	}
	json.Unmarshal([]byte(srv.Do("GET", "/_emulator/faults", nil).Body), &out)
	if len(out.Faults) != 1 || out.Faults[0].ID != 2 {
		t.Fatalf("left %+v", out)
	}
	expectError(t, srv.Do("DELETE", "/_emulator/faults/1", nil), 404, "no fault 1")
	expectError(t, srv.Do("DELETE", "/_emulator/faults/x", nil), 400, "integer")
}

func TestFaultBadInput(t *testing.T) {
	srv := start(t)
	for body, reason := range map[string]string{
		``:                                "body must be a fault",
		`nonsense`:                        "JSON object",
		`{"status":42}`:                   "status must be",
		`{"status":700}`:                  "status must be",
		`{"status":"500"}`:                `"status" must be an integer`,
		`{"delay_ms":-5}`:                 "delay_ms",
		`{"delay_ms":99999999}`:           "delay_ms plus jitter_ms must be at most 600000",
		`{"status":500,"times":-1}`:       "times",
		`{"path":"/x"}`:                   "needs a status, a fault, a delay_ms or a jitter_ms",
		`{"delay_ms":10,"body":"x"}`:      "need a status",
		`{"vendor":"ghost","status":500}`: `unknown vendor "ghost"`,
		`{"status":500,"sttaus":1}`:       `unknown field "sttaus"`,
	} {
		expectError(t, srv.Do("POST", "/_emulator/faults", body), 400, reason)
	}
	expect(t, srv.Do("GET", "/_emulator/faults", nil), 200, `{"faults":[]}`)
}
