// Command loadtest drives a running emulator with a mix of the vendors'
// own sample calls (reads and writes, every vendor) from many concurrent
// clients, and reports throughput and latency percentiles.
//
//	go run ./cmd/emulator &                      # or any running emulator
//	go run ./cmd/loadtest -c 32 -d 10s            # against http://127.0.0.1:8080
//
// Every answer is checked against the status the call must get; anything
// else is counted as an error, so a run also shows that the emulator stays
// correct under load. Writes go to tenants the load test creates for itself.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendoremu/vendoremu/internal/loadkit"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the emulator's shared listener")
	clients := flag.Int("c", 32, "concurrent clients")
	duration := flag.Duration("d", 10*time.Second, "how long to run")
	flag.Parse()
	if err := run(*base, *clients, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// call is one request of the mix and the status it must answer with.
type call struct {
	name   string
	status int
	build  func(i int64) *http.Request
}

func run(base string, clients int, d time.Duration) error {
	mix, err := prepare(base)
	if err != nil {
		return err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var (
		seq      atomic.Int64
		mu       sync.Mutex
		latency  = map[string][]time.Duration{}
		failures = map[string]int{}
		wg       sync.WaitGroup
	)
	stop := time.Now().Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := map[string][]time.Duration{}
			bad := map[string]int{}
			for time.Now().Before(stop) {
				i := seq.Add(1)
				c := mix[i%int64(len(mix))]
				began := time.Now()
				resp, err := client.Do(c.build(i))
				took := time.Since(began)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != c.status {
					bad[c.name]++
				}
				own[c.name] = append(own[c.name], took)
			}
			mu.Lock()
			for k, v := range own {
				latency[k] = append(latency[k], v...)
			}
			for k, v := range bad {
				failures[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	report(latency, failures, clients, d)
	return nil
}

func report(latency map[string][]time.Duration, failures map[string]int, clients int, d time.Duration) {
	var all []time.Duration
	names := make([]string, 0, len(latency))
	for k, v := range latency {
		names = append(names, k)
		all = append(all, v...)
	}
	slices.Sort(names)
	fmt.Printf("%d clients, %v: %d requests, %.0f req/s\n\n", clients, d, len(all), float64(len(all))/d.Seconds())
	fmt.Printf("%-34s %8s %9s %9s %9s %7s\n", "call", "count", "p50", "p90", "p99", "errors")
	for _, n := range names {
		p := percentiles(latency[n])
		fmt.Printf("%-34s %8d %9v %9v %9v %7d\n", n, len(latency[n]), p[0], p[1], p[2], failures[n])
	}
	p := percentiles(all)
	total := 0
	for _, f := range failures {
		total += f
	}
	fmt.Printf("%-34s %8d %9v %9v %9v %7d\n", "all", len(all), p[0], p[1], p[2], total)
}

func percentiles(ds []time.Duration) [3]time.Duration {
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		return ds[int(q*float64(len(ds)-1))].Round(time.Microsecond)
	}
	return [3]time.Duration{at(0.5), at(0.9), at(0.99)}
}

// prepare creates the load test's own tenants and returns the call mix.
func prepare(base string) ([]call, error) {
	// Keitaro reads go to a tenant that holds the sample data and nothing
	// more, so the list answered does not grow with the writes.
	keitaroKey, err := loadkit.KeitaroTenant(base, `{"sampleData":true}`)
	if err != nil {
		return nil, err
	}
	keitaroWritesKey, err := loadkit.KeitaroTenant(base, `{}`)
	if err != nil {
		return nil, err
	}
	mouseID, mouseSecret, err := loadkit.MouseStatsTenant(base)
	if err != nil {
		return nil, err
	}
	token, err := loadkit.TwiplaToken(base, loadkit.TwiplaINTP, "1h")
	if err != nil {
		return nil, err
	}
	jcBody := loadkit.JustClickSigned(loadkit.JustClickLogin, loadkit.JustClickSecret, "")

	get := func(path string, headers ...string) func(int64) *http.Request {
		return func(int64) *http.Request { return request("GET", base+path, "", headers...) }
	}
	return []call{
		{"hitsteps accounts", 200, get("/hitsteps/api/whitelabel/accounts?token=" + loadkit.HitstepsToken + "&whitelabel_id=1")},
		{"hitsteps stats-7days", 200, get("/hitsteps/api/whitelabel/stats-7days?token=" + loadkit.HitstepsToken + "&whitelabel_id=2&website_id=35")},
		{"mousestats GetAccount", 200, get("/mousestats/api/GetAccount?_partnerId=" + loadkit.MouseStatsID + "&_partnerSecret=" + loadkit.MouseStatsKey + "&_userEmail=test@example.com")},
		{"mousestats CreateAccount (write)", 200, func(i int64) *http.Request {
			return request("GET", fmt.Sprintf("%s/mousestats/api/CreateAccount?_partnerId=%s&_partnerSecret=%s&_userEmail=load%d@example.com&_userPassword=pw123456",
				base, mouseID, mouseSecret, i), "")
		}},
		{"keitaro GET campaigns", 200, get("/keitaro/admin_api/v1/campaigns", "Api-Key", keitaroKey)},
		{"keitaro POST campaigns (write)", 200, func(i int64) *http.Request {
			return request("POST", base+"/keitaro/admin_api/v1/campaigns", fmt.Sprintf(`{"name":"load %d","alias":"load%d"}`, i, i),
				"Api-Key", keitaroWritesKey, "Content-Type", "application/json")
		}},
		{"justclick GetAllGroups", 200, func(int64) *http.Request {
			return request("POST", base+"/justclick/u/username/api/GetAllGroups", jcBody, "Content-Type", "application/x-www-form-urlencoded")
		}},
		{"twipla GET packages", 200, get("/twipla/v2/3as/packages", "Authorization", "Bearer "+token)},
	}, nil
}

func request(method, url, body string, headers ...string) *http.Request {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}
