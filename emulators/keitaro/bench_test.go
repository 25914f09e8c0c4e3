package keitaro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// seed100k stores 100,000 clicks of the default tenant (over 30 days,
// three campaigns, streams, ten countries, some bots, uniques and landing
// clicks) and a conversion for every tenth click, in one transaction.
func seed100k(b *testing.B, srv *vtest.Server) { seedClicks(b, srv, 100_000) }

// seedClicks stores n clicks as seed100k does, spread over the same 30
// days, and a conversion for every tenth.
func seedClicks(b *testing.B, srv *vtest.Server, n int) {
	b.Helper()
	err := srv.Store().Write(context.Background(), func(tx *store.Tx) error {
		t, err := tx.Tenant(keitaro.Name, keitaro.DefaultTenant)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO keitaro_clicks (tenant_id, click_id, sub_id, visitor_code, datetime, campaign_id, stream_id, ts_id,
				country_code, ip, user_agent, source, cost, is_unique_campaign, is_bot, landing_clicked, landing_clicked_datetime)
			SELECT ?, i, 'bench' || i, substr(hex(i * 7919), 1, 10),
				datetime('2017-05-02 00:00:00', '+' || (i * 2600000 / ?) || ' seconds'),
				CASE i % 3 WHEN 0 THEN 2 WHEN 1 THEN 89 ELSE 662 END,
				CASE i % 3 WHEN 0 THEN 1282 + (i % 2) * 2377 ELSE NULL END, 1,
				char(65 + i % 10) || char(65 + i % 7), '10.' || (i % 250) || '.' || (i % 200) || '.' || (i % 100), 'UA ' || (i % 40),
				's' || (i % 25), (i % 7) * 0.013, i % 4 != 0, i % 50 = 0, i % 5 = 0,
				CASE WHEN i % 5 = 0 THEN datetime('2017-05-02 00:00:00', '+' || (i * 2600000 / ? + 40) || ' seconds') END
			FROM n`, n, t.ID, n, n); err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO keitaro_conversions (tenant_id, conversion_id, click_id, sub_id, status, original_status,
				tid, revenue, currency, postback_datetime, params)
			SELECT tenant_id, click_id / 10, click_id, sub_id,
				CASE click_id % 40 WHEN 0 THEN 'sale' WHEN 10 THEN 'rejected' WHEN 20 THEN 'rebill' ELSE 'lead' END,
				'lead', '', (click_id % 13) * 1.5, 'USD', datetime, '{}'
			FROM keitaro_clicks WHERE tenant_id = ? AND click_id % 10 = 0`, t.ID)
		if err != nil {
			return err
		}
		// The id counters continue after the stored clicks and conversions.
		_, err = tx.Exec(`INSERT INTO keitaro_counters (tenant_id, kind, next) VALUES (?, 'clicks', ?), (?, 'conversions', ?)
			ON CONFLICT (tenant_id, kind) DO UPDATE SET next = max(next, excluded.next)`, t.ID, n+1, t.ID, n/10+1)
		if err != nil {
			return err
		}
		return keitaro.RebuildHours(tx, t)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReport100k builds a grouped report with filters, metric filters
// and a sort over 100,000 stored clicks, through HTTP.
func BenchmarkReport100k(b *testing.B) { benchmarkReport(b, 100_000, "source") }

// BenchmarkReport1M is the same report over 1,000,000 clicks and 100,000
// conversions, on a file database. Its filter on source, which the hourly
// rollups do not keep, makes it read the clicks.
func BenchmarkReport1M(b *testing.B) { benchmarkReport(b, 1_000_000, "source") }

// BenchmarkReport1MHours is BenchmarkReport1M filtering on stream_id
// instead, which the hourly rollups keep: it reads them.
func BenchmarkReport1MHours(b *testing.B) { benchmarkReport(b, 1_000_000, "stream_id") }

// BenchmarkReport100kHours is BenchmarkReport1MHours over 100,000 clicks.
func BenchmarkReport100kHours(b *testing.B) { benchmarkReport(b, 100_000, "stream_id") }

func benchmarkReport(b *testing.B, clicks int, filtered string) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	seedClicks(b, srv, clicks)
	b.ResetTimer()
	body := map[string]any{
		"range":    map[string]any{"from": "2017-05-01", "to": "2017-06-30", "timezone": "Europe/Madrid"},
		"grouping": []any{"campaign", "country_code", "day"},
		"metrics":  []any{"clicks", "campaign_unique_clicks", "bots", "conversions", "sales", "revenue", "cost", "profit", "roi", "cr", "epc", "landing_clicked_period"},
		"filters": []any{
			map[string]any{"name": "source", "operator": "NOT_IN_LIST", "expression": []any{"s1", "s2"}},
			map[string]any{"name": "stream_id", "operator": "NOT_IN_LIST", "expression": []any{1282}},
			map[string]any{"name": "clicks", "operator": "GREATER_THAN", "expression": 10},
		},
		"sort":    []any{map[string]any{"name": "revenue", "order": "desc"}},
		"limit":   100,
		"summary": true,
	}
	filters := body["filters"].([]any)
	if filtered == "source" {
		body["filters"] = []any{filters[0], filters[2]}
	} else {
		body["filters"] = filters[1:]
	}
	cpu := vtest.CPUTime()
	for b.Loop() {
		r := srv.Do("POST", "/keitaro/admin_api/v1/report/build", body, "Api-Key", keitaro.DefaultTenant)
		if r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	// CPU per report: steadier than the time on a machine other work shares.
	b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(b.N)/1e6, "ms-CPU/op")
}

// BenchmarkClicksLog100k pages the clicks log of 100,000 clicks.
func BenchmarkClicksLog100k(b *testing.B) {
	srv := vtest.StartVendors(b, keitaro.New(keitaro.Config{}))
	seed100k(b, srv)
	body := map[string]any{
		"range":   map[string]any{"interval": "all_time"},
		"columns": []any{"click_id", "sub_id", "campaign", "stream", "country_code", "datetime", "revenue", "profit", "is_lead"},
		"filters": []any{map[string]any{"name": "is_bot", "operator": "IS_FALSE"}},
		"limit":   100, "offset": 200,
	}
	for b.Loop() {
		r := srv.Do("POST", "/keitaro/admin_api/v1/clicks/log", body, "Api-Key", keitaro.DefaultTenant)
		if r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
}

// BenchmarkResetTenant100k resets the default tenant holding 100,000
// clicks and 10,000 conversions (its sample data is seeded again), on a
// file database. The old rows are deleted in the background afterwards;
// sweep-ms/op is how long that takes (outside the timed reset).
func BenchmarkResetTenant100k(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	ctx := context.Background()
	var sweep time.Duration
	for b.Loop() {
		b.StopTimer()
		seed100k(b, srv)
		b.StartTimer()
		if err := srv.Reset(ctx, keitaro.Name, keitaro.DefaultTenant); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start := time.Now()
		if err := srv.Store().Swept(ctx); err != nil {
			b.Fatal(err)
		}
		sweep += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(sweep.Milliseconds())/float64(b.N), "sweep-ms/op")
}

// benchClicks are n clicks of the default tenant's campaigns, spread over
// May 2017, as the bulk benchmarks send them.
func benchClicks(n int) []any {
	clicks := make([]any, n)
	for i := range clicks {
		clicks[i] = map[string]any{"campaign_id": []int{2, 89, 662}[i%3], "datetime": fmt.Sprintf("2017-05-%02d %02d:%02d:00", 1+i%28, i%24, i%60),
			"ip": fmt.Sprintf("10.0.%d.%d", i%200, i%250), "user_agent": "UA", "source": fmt.Sprintf("s%d", i%25),
			"country_code": "DE", "cost": 0.05, "is_bot": i%50 == 0, "landing_clicked": i%5 == 0}
	}
	return clicks
}

// BenchmarkClicksHelper records batches of 20,000 clicks through
// POST /_emulator/keitaro/clicks, on a file database, and reports clicks
// stored per second.
func BenchmarkClicksHelper(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	const batch = 20_000
	clicks := benchClicks(batch)
	body, _ := json.Marshal(map[string]any{"clicks": clicks})
	cpu := vtest.CPUTime()
	for b.Loop() {
		r := srv.Do("POST", "/_emulator/keitaro/clicks", string(body))
		if r.Status != 200 {
			b.Fatalf("%d %.300s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "clicks/s")
	b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(batch*b.N)/1e3, "µs-CPU/click")
}

// BenchmarkSeedClicks loads seed documents of 20,000 clicks each into the
// default tenant through POST /_emulator/seed, on a file database, and
// reports clicks stored per second.
func BenchmarkSeedClicks(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	const batch = 20_000
	clicks := benchClicks(batch)
	doc, _ := json.Marshal(map[string]any{"keitaro": map[string]any{"tenants": []any{
		map[string]any{"apiKey": keitaro.DefaultTenant, "clicks": clicks}}}})
	cpu := vtest.CPUTime()
	for b.Loop() {
		if r := srv.Do("POST", "/_emulator/seed", string(doc)); r.Status != 200 {
			b.Fatalf("%d %.300s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "clicks/s")
	b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(batch*b.N)/1e3, "µs-CPU/click")
}

// BenchmarkConversionsHelper records batches of 10,000 conversions of
// stored clicks through POST /_emulator/keitaro/conversions and reports
// conversions stored per second.
func BenchmarkConversionsHelper(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	seed100k(b, srv)
	const batch = 10_000
	next := 0
	var spent time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		convs := make([]any, batch)
		for i := range convs {
			next++
			convs[i] = map[string]any{"sub_id": fmt.Sprintf("bench%d", next), "status": "lead", "revenue": 1.5, "tid": fmt.Sprint(next)}
		}
		body, _ := json.Marshal(map[string]any{"conversions": convs})
		cpu := vtest.CPUTime()
		b.StartTimer()
		r := srv.Do("POST", "/_emulator/keitaro/conversions", string(body))
		b.StopTimer()
		spent += vtest.CPUTime() - cpu
		b.StartTimer()
		if r.Status != 200 {
			b.Fatalf("%d %.300s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "conversions/s")
	b.ReportMetric(float64(spent)/float64(batch*b.N)/1e3, "µs-CPU/conversion")
}

// BenchmarkResetTenantSmall resets a tenant holding what a CI test leaves
// (an offer, a campaign, a group), on a file database; the janitor runs
// beside it as it would.
func BenchmarkResetTenantSmall(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	if r := srv.Do("POST", "/_emulator/keitaro/tenants", map[string]any{"apiKey": "small"}); r.Status != 201 {
		b.Fatalf("%d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		for _, c := range []struct{ path, body string }{
			{"/offers", `{"name":"Offer","url":"http://offer.example.com/"}`},
			{"/campaigns", `{"name":"Launch","alias":"launch"}`},
			{"/groups", `{"name":"G","type":"campaigns"}`},
		} {
			var body map[string]any
			json.Unmarshal([]byte(c.body), &body)
			if r := srv.Do("POST", "/keitaro/admin_api/v1"+c.path, body, "Api-Key", "small"); r.Status != 200 {
				b.Fatalf("%s: %d %s", c.path, r.Status, r.Body)
			}
		}
		b.StartTimer()
		if err := srv.Reset(ctx, keitaro.Name, "small"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWritesDuringSweep measures what other writers notice of the
// janitor: another tenant creates campaigns one after another through HTTP
// while the rows of a just-reset tenant holding 100,000 clicks and 10,000
// conversions are deleted. write-p50-ms, write-p99-ms and write-max-ms are
// those creations' latencies; sweep-ms/op how long the deletion took.
func BenchmarkWritesDuringSweep(b *testing.B) {
	srv := vtest.Start(b, server.Config{DB: b.TempDir() + "/bench.db", Vendors: []emu.Factory{keitaro.New(keitaro.Config{})}})
	if r := srv.Do("POST", "/_emulator/keitaro/tenants", map[string]any{"apiKey": "writer"}); r.Status != 201 {
		b.Fatalf("%d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	var took []time.Duration
	var sweep time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		seed100k(b, srv)
		b.StartTimer()
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			err := srv.Reset(ctx, keitaro.Name, keitaro.DefaultTenant)
			if err == nil {
				err = srv.Store().Swept(ctx)
			}
			done <- err
		}()
		for running := true; running; {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				running = false
			default:
				n++
				t0 := time.Now()
				r := srv.Do("POST", "/keitaro/admin_api/v1/campaigns", map[string]any{"name": "w", "alias": fmt.Sprintf("w%d", n)}, "Api-Key", "writer")
				if r.Status != 200 {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
				took = append(took, time.Since(t0))
			}
		}
		sweep += time.Since(start)
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(took[len(took)/2]), "write-p50-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "write-p99-ms")
	b.ReportMetric(ms(took[len(took)-1]), "write-max-ms")
	b.ReportMetric(float64(sweep.Milliseconds())/float64(b.N), "sweep-ms/op")
}
