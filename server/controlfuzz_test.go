package server_test

import (
	"testing"
)

// Whatever body a test sends to the fault, clock and snapshot endpoints,
// the answer is a success or a 4xx naming the problem, never a 500.
func FuzzControlBodies(f *testing.F) {
	for _, b := range []string{
		`{"vendor":"notes","tenant":"a","status":503,"body":"x","times":1}`,
		`{"vendor":"notes","fault":"truncated_body","delay_ms":1,"jitter_ms":2}`,
		`{"now":"2031-03-01T10:00:00Z"}`, `{"advance":"-36h"}`, `{"real":true}`,
		`{"name":"baseline"}`, `{"name":"../x"}`, ``, `[]`, `{"delay_ms":1e400}`,
	} {
		f.Add(b)
	}
	srv := startTwoTenants(f)
	f.Fuzz(func(t *testing.T, body string) {
		srv := srv.With(t)
		for _, path := range []string{"/_emulator/faults", "/_emulator/clock?vendor=notes&tenant=a", "/_emulator/clock", "/_emulator/snapshots"} {
			r := srv.Do("POST", path, body)
			switch r.Status {
			case 200, 201, 400, 404, 409:
			default:
				t.Fatalf("POST %s %q: %d %s", path, body, r.Status, r.Body)
			}
		}
		// The vendor keeps answering whatever was added.
		srv.Do("DELETE", "/_emulator/faults", nil)
		if r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "b"); r.Status != 200 {
			t.Fatalf("vendor after %q: %d %s", body, r.Status, r.Body)
		}
	})
}
