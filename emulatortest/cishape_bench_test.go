package emulatortest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulatortest"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// BenchmarkCIShape is a CI pipeline on one emulator: ciTests tests,
// ciWorkers at a time, each taking a fresh tenant of one vendor (the five
// in turn), making 6 to 7 calls of that vendor's API over real HTTP, and
// resetting its tenant. ns/op is the wall time of the whole run (one op is
// the 1,000 tests). It reports the p50 and p99 of the vendor calls
// (call-p50-ms, call-p99-ms), of tenant creation (New…Tenant, in
// process, create-p99-ms) and of the reset (ResetTenant, in process,
// reset-p99-ms; reset-p99-ms-keitaro for Keitaro's alone),
// the process's CPU time per test
// (cpu-ms/test, steadier than wall time on a shared machine), and the p99 of
// each vendor's calls.
//
// memory and file are the emulator without the OpenAPI check, as a CI
// job runs the binary (whose tests would create and reset tenants over
// HTTP instead); memory+check is emulatortest's default, every vendor
// exchange also checked against the OpenAPI documents (in the test
// process).
//
//	go test -run='^$' -bench=CIShape -benchtime=1x ./emulatortest
const (
	ciTests   = 1000
	ciWorkers = 8
)

func BenchmarkCIShape(b *testing.B) {
	for _, db := range []string{"memory", "file", "memory+check"} {
		b.Run(db, func(b *testing.B) {
			var opts []emulatortest.Option
			switch db {
			case "file":
				opts = append(opts, emulatortest.WithDatabase(filepath.Join(b.TempDir(), "ci.db")), emulatortest.WithoutOpenAPICheck())
			case "memory":
				opts = append(opts, emulatortest.WithoutOpenAPICheck())
			}
			emu, err := emulatortest.New(opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer emu.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * ciWorkers, MaxIdleConnsPerHost: 2 * ciWorkers}}
			var run ciRun
			cpu0 := vtest.CPUTime()
			b.ResetTimer()
			for range b.N {
				run = runCIShape(b, emu.With(b), client)
			}
			b.StopTimer()
			cpu := vtest.CPUTime() - cpu0
			pct := func(ds []time.Duration, p float64) float64 {
				slices.Sort(ds)
				return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(run.calls, 0.50), "call-p50-ms")
			b.ReportMetric(pct(run.calls, 0.99), "call-p99-ms")
			b.ReportMetric(pct(run.creates, 0.99), "create-p99-ms")
			b.ReportMetric(pct(run.resets, 0.99), "reset-p99-ms")
			b.ReportMetric(pct(run.keitaroResets, 0.99), "reset-p99-ms-keitaro")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*ciTests), "cpu-ms/test")
			b.ReportMetric(float64(len(run.calls)), "calls")
			for v, ds := range run.byVendor {
				b.ReportMetric(pct(ds, 0.99), "p99-ms-"+v)
			}
		})
	}
}

// ciRun is the latencies of one run: every vendor call, the same by
// vendor, the tenant creations and the resets.
type ciRun struct {
	calls, creates, resets, keitaroResets []time.Duration
	byVendor                              map[string][]time.Duration
}

// runCIShape runs the tests.
func runCIShape(b *testing.B, emu *emulatortest.Emulator, client *http.Client) ciRun {
	tests := make(chan int)
	var mu sync.Mutex
	run := ciRun{byVendor: map[string][]time.Duration{}}
	var failed []string
	var wg sync.WaitGroup
	for range ciWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &ciCaller{client: client, byVendor: map[string][]time.Duration{}}
			for i := range tests {
				if err := ciTest(emu, c, i); err != nil {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("test %d: %v", i, err))
					mu.Unlock()
				}
			}
			mu.Lock()
			run.calls = append(run.calls, c.took...)
			run.creates = append(run.creates, c.creates...)
			run.resets = append(run.resets, c.resets...)
			run.keitaroResets = append(run.keitaroResets, c.keitaroResets...)
			for v, d := range c.byVendor {
				run.byVendor[v] = append(run.byVendor[v], d...)
			}
			mu.Unlock()
		}()
	}
	for i := range ciTests {
		tests <- i
	}
	close(tests)
	wg.Wait()
	if len(failed) > 0 {
		b.Fatalf("%d of %d tests failed:\n%s", len(failed), ciTests, strings.Join(failed[:min(len(failed), 3)], "\n"))
	}
	return run
}

// ciCaller sends the vendor calls of one worker and times them.
type ciCaller struct {
	client *http.Client
	took   []time.Duration
	// creates and resets are the tenant creations' and resets' latencies
	// (keitaroResets Keitaro's again, alone).
	creates, resets, keitaroResets []time.Duration
	// byVendor are the same latencies by vendor (the path's first segment).
	byVendor map[string][]time.Duration
}

// call sends a request and checks that the answer is a success whose body
// contains want.
func (c *ciCaller) call(method, u, contentType, body, want string, headers ...string) error {
	_, err := c.answer(method, u, contentType, body, want, headers...)
	return err
}

// answer is call returning the answer's body.
func (c *ciCaller) answer(method, u, contentType, body, want string, headers ...string) ([]byte, error) {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	c.took = append(c.took, took)
	vendor, _, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	c.byVendor[vendor] = append(c.byVendor[vendor], took)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 || !bytes.Contains(got, []byte(want)) {
		return nil, fmt.Errorf("%s %s: %d %s (want %q)", method, u, resp.StatusCode, got, want)
	}
	return got, nil
}

// timed runs f, adding how long it took to into.
func timed[T any](into *[]time.Duration, f func() T) T {
	start := time.Now()
	v := f()
	*into = append(*into, time.Since(start))
	return v
}

// reset resets a tenant, timed.
func (c *ciCaller) reset(emu *emulatortest.Emulator, vendor, key string) {
	start := time.Now()
	emu.ResetTenant(vendor, key)
	took := time.Since(start)
	c.resets = append(c.resets, took)
	if vendor == "keitaro" {
		c.keitaroResets = append(c.keitaroResets, took)
	}
}

const formType = "application/x-www-form-urlencoded"

// ciTest is one test of the pipeline.
func ciTest(emu *emulatortest.Emulator, c *ciCaller, i int) error {
	switch i % 5 {
	case 0:
		h := timed(&c.creates, emu.NewHitstepsTenant)
		wl := fmt.Sprint(h.WhitelabelIDs[0])
		form := func(kv ...string) string {
			v := url.Values{"token": {h.Token}, "whitelabel_id": {wl}}
			for j := 0; j+1 < len(kv); j += 2 {
				v.Set(kv[j], kv[j+1])
			}
			return v.Encode()
		}
		api := emu.Hitsteps + "/api/whitelabel/"
		created, err := c.answer("POST", api+"account-create", formType, form("email", "a@example.com", "password", "secret1"), `"error":0`)
		if err != nil {
			return err
		}
		var acct struct {
			ID int64 `json:"user_account_id"`
		}
		if err := json.Unmarshal(created, &acct); err != nil {
			return fmt.Errorf("account-create: %v %s", err, created)
		}
		id := fmt.Sprint(acct.ID)
		more := []struct{ op, body, want string }{
			{"account", form("user_account_id", id), `"error":0`},
			{"website-add", form("user_account_id", id, "site_name", "Shop", "site_url", "shop.example.com"), `"error":0`},
			{"license-trial", form("user_account_id", id), `"error":0`},
			{"website-by-domain", form("website_url", "shop.example.com"), `"error":0`},
			{"plans", form(), `"name":"Pro"`},
			{"accounts", form(), `"error":0`},
		}
		for _, s := range more {
			if err := c.call("POST", api+s.op, formType, s.body, s.want); err != nil {
				return err
			}
		}
		c.reset(emu, "hitsteps", h.MainAccount)
	case 1:
		m := timed(&c.creates, emu.NewMouseStatsTenant)
		q := func(fn string, kv ...string) string {
			v := url.Values{"_partnerId": {m.PartnerID}, "_partnerSecret": {m.PartnerSecret}}
			for j := 0; j+1 < len(kv); j += 2 {
				v.Set(kv[j], kv[j+1])
			}
			return emu.MouseStats + "/api/" + fn + "?" + v.Encode()
		}
		for _, s := range []struct{ u, want string }{
			{q("CreateAccount", "_userEmail", "a@example.com", "_userPassword", "pw123456", "_activeFreePlan", "true"), "ok"},
			{q("CreateAccount", "_userEmail", "b@example.com", "_userPassword", "pw123456"), "ok"},
			{q("GetAccount", "_userEmail", "a@example.com"), `"PlanDaysLeft":30`},
			{q("GetAccount", "_userEmail", "b@example.com"), `"PlanDaysLeft":0`},
			{q("GenerateLoginToken", "_userEmail", "a@example.com", "_validHours", "2"), ""},
			{q("GetAccount", "_userEmail", "a@example.com"), `"PlanName":"SaneEgg"`},
		} {
			if err := c.call("GET", s.u, "", "", s.want); err != nil {
				return err
			}
		}
		c.reset(emu, "mousestats", m.PartnerID)
	case 2:
		k := timed(&c.creates, emu.NewKeitaroTenant)
		api := emu.Keitaro + "/admin_api/v1/"
		key := []string{"Api-Key", k.APIKey}
		for _, s := range []struct{ method, path, body, want string }{
			{"POST", "offers", `{"name":"Offer","url":"http://offer.example.com/"}`, `"name":"Offer"`},
			{"GET", "offers", "", `"name":"Offer"`},
			{"POST", "campaigns", `{"name":"Launch","alias":"launch` + fmt.Sprint(i) + `"}`, `"name":"Launch"`},
			{"GET", "campaigns", "", `"name":"Launch"`},
			{"POST", "groups", `{"name":"G","type":"campaigns"}`, `"name":"G"`},
			{"GET", "traffic_sources", "", ""},
			{"GET", "affiliate_networks", "", ""},
		} {
			if err := c.call(s.method, api+s.path, "application/json", s.body, s.want, key...); err != nil {
				return err
			}
		}
		c.reset(emu, "keitaro", k.APIKey)
	case 3:
		jc := timed(&c.creates, emu.NewJustClickTenant)
		for _, s := range []struct {
			fn   string
			kv   []string
			want string
		}{
			{"AddGood", []string{"good_name", "course", "good_title", "Course", "good_type", "electronic", "good_sum", "990"}, `"error_code":0`},
			{"GetAllGoods", nil, `"course"`},
			{"CreateOrder", []string{"goods[0][good_name]", "course", "bill_email", "b@example.com"}, `"bill_id"`},
			{"GetBills", []string{"email", "b@example.com"}, `"error_code":0`},
			{"GetOrders", nil, `"error_code":0`},
			{"GetBills", []string{"email", "b@example.com", "pay_status", "waiting"}, `"course"`},
		} {
			if err := c.call("POST", jc.API+s.fn, formType, jc.SignedBody(s.kv...), s.want); err != nil {
				return err
			}
		}
		c.reset(emu, "justclick", jc.Login)
	case 4:
		tw := timed(&c.creates, emu.NewTwiplaTenant)
		auth := []string{"Authorization", "Bearer " + tw.Token(10*time.Minute)}
		api := emu.Twipla + "/v2/3as/"
		for _, s := range []struct{ method, path, body, want string }{
			{"GET", "packages", "", `"touchpoints"`},
			{"POST", "customers", `{"intpCustomerId":"c1","email":"c1@example.com","website":{"intpWebsiteId":"w1","domain":"w1.example.com"}}`, `"intpCustomerId":"c1"`},
			{"GET", "customers/c1", "", `"intpCustomerId":"c1"`},
			{"GET", "websites/w1", "", `"intpWebsiteId":"w1"`},
			{"POST", "websites/w1/whitelisted-domains", `{"domain":"shop.example.com"}`, ""},
			{"GET", "company-details", "", ""},
		} {
			if err := c.call(s.method, api+s.path, "application/json", s.body, s.want, auth...); err != nil {
				return err
			}
		}
		c.reset(emu, "twipla", tw.IntpID)
	}
	return nil
}
