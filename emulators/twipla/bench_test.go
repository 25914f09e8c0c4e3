package twipla_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// BenchmarkSessionsHelper records batches of 10,000 sessions (the most
// one call takes) through POST /_emulator/twipla/sessions and reports
// sessions stored per second and the CPU time each cost.
func BenchmarkSessionsHelper(b *testing.B) {
	e := newEnv(b)
	e.as(websiteINTP).customer("c1", "w1", pkgBusiness)
	const batch = 10_000
	list := make([]any, batch)
	for i := range list {
		list[i] = map[string]any{"startedAt": fmt.Sprintf("2031-03-%02dT%02d:%02d:00Z", 1+i%9, i%24, i%60),
			"duration": 30 + i%300, "pageViews": 1 + i%7, "events": i % 4, "recorded": i%10 == 0,
			"country": []string{"DE", "US", "FR"}[i%3], "device": "mobile", "browser": "Firefox"}
	}
	body, _ := json.Marshal(map[string]any{"intpId": websiteINTP, "intpWebsiteId": "w1", "sessions": list})
	cpu := vtest.CPUTime()
	for b.Loop() {
		if r := e.srv.Do("POST", "/_emulator/twipla/sessions", string(body)); r.Status != 201 {
			b.Fatalf("%d %.300s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "sessions/s")
	b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(batch*b.N)/1e3, "µs-CPU/session")
}
