package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ciShape runs o.tests tests from o.workers parallel workers, the way a CI
// suite uses one emulator: each test creates a tenant of one vendor (the
// vendors take turns), makes six to eight calls with its credentials, and
// resets the tenant. It prints the wall time and the p50/p99 of tenant
// creation, the vendor calls and the reset.
func ciShape(base string, o options) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.workers}, Timeout: time.Minute}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		lat     = map[string][]time.Duration{}
		firstEr error
		wg      sync.WaitGroup
	)
	began := time.Now()
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &ciClient{base: base, http: client, lat: map[string][]time.Duration{}}
			for {
				i := next.Add(1)
				if i > int64(o.tests) {
					break
				}
				if err := ciTests[i%int64(len(ciTests))](c, i); err != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = fmt.Errorf("test %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
			}
			mu.Lock()
			for k, v := range c.lat {
				lat[k] = append(lat[k], v...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	if firstEr != nil {
		return firstEr
	}
	fmt.Printf("CI shape: %d tests, %d workers: %v wall (%.0f tests/s)\n\n", o.tests, o.workers,
		wall.Round(time.Millisecond), float64(o.tests)/wall.Seconds())
	fmt.Printf("%-16s %8s %10s %10s %10s\n", "step", "count", "p50", "p99", "max")
	for _, k := range []string{"create tenant", "vendor call", "reset tenant"} {
		v := lat[k]
		slices.Sort(v)
		fmt.Printf("%-16s %8d %10v %10v %10v\n", k, len(v), percentile(v, 0.5).Round(time.Microsecond),
			percentile(v, 0.99).Round(time.Microsecond), v[len(v)-1].Round(time.Microsecond))
	}
	return nil
}

// ciClient is one worker's client; it keeps the latencies by step.
type ciClient struct {
	base string
	http *http.Client
	lat  map[string][]time.Duration
}

// do sends a request, checks its status and decodes a JSON answer into out
// (when out is not nil).
func (c *ciClient) do(step string, want int, method, path, body string, out any, header ...string) error {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.lat[step] = append(c.lat[step], time.Since(start))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (c *ciClient) tenant(vendor string, out any) error {
	return c.do("create tenant", 201, "POST", "/_emulator/"+vendor+"/tenants", `{}`, out)
}

func (c *ciClient) reset(vendor, key string) error {
	return c.do("reset tenant", 200, "POST", "/_emulator/reset?vendor="+vendor+"&tenant="+url.QueryEscape(key), ``, nil)
}

func (c *ciClient) call(want int, method, path, body string, out any, header ...string) error {
	return c.do("vendor call", want, method, path, body, out, header...)
}

// ciTests are the tests of the CI shape, one per vendor.
var ciTests = []func(c *ciClient, i int64) error{
	keitaroTest, hitstepsTest, mousestatsTest, justclickTest, twiplaTest,
}

func keitaroTest(c *ciClient, i int64) error {
	var t struct {
		APIKey string `json:"apiKey"`
	}
	if err := c.tenant("keitaro", &t); err != nil {
		return err
	}
	h := []string{"Api-Key", t.APIKey, "Content-Type", "application/json"}
	var camp struct {
		ID int64 `json:"id"`
	}
	if err := c.call(200, "POST", "/keitaro/admin_api/v1/campaigns", fmt.Sprintf(`{"name":"ci %d","alias":"ci%d"}`, i, i), &camp, h...); err != nil {
		return err
	}
	id := fmt.Sprint(camp.ID)
	for _, s := range []struct{ method, path, body string }{
		{"GET", "/keitaro/admin_api/v1/campaigns/" + id, ""},
		{"PUT", "/keitaro/admin_api/v1/campaigns/" + id, `{"name":"renamed"}`},
		{"POST", "/keitaro/admin_api/v1/campaigns", fmt.Sprintf(`{"name":"second %d","alias":"ci%db"}`, i, i)},
		{"GET", "/keitaro/admin_api/v1/campaigns", ""},
		{"POST", "/keitaro/admin_api/v1/offers", `{"name":"offer","url":"https://example.com/offer"}`},
		{"DELETE", "/keitaro/admin_api/v1/campaigns/" + id, ""},
	} {
		if err := c.call(200, s.method, s.path, s.body, nil, h...); err != nil {
			return err
		}
	}
	return c.reset("keitaro", t.APIKey)
}

func hitstepsTest(c *ciClient, i int64) error {
	var t struct {
		MainAccount string  `json:"main_account"`
		Token       string  `json:"token"`
		Whitelabels []int64 `json:"whitelabel_ids"`
	}
	if err := c.tenant("hitsteps", &t); err != nil {
		return err
	}
	q := fmt.Sprintf("?token=%s&whitelabel_id=%d", t.Token, t.Whitelabels[0])
	var acct struct {
		ID string `json:"account_id"`
	}
	if err := c.call(200, "GET", "/hitsteps/api/whitelabel/account-create"+q+fmt.Sprintf("&email=ci%d@example.com&password=secret1", i), "", &acct); err != nil {
		return err
	}
	for _, p := range []string{
		"/hitsteps/api/whitelabel/whitelabels?token=" + t.Token,
		"/hitsteps/api/whitelabel/accounts" + q,
		"/hitsteps/api/whitelabel/account-id-by-email" + q + fmt.Sprintf("&email=ci%d@example.com", i),
		"/hitsteps/api/whitelabel/account-create" + q + fmt.Sprintf("&email=ci%d-2@example.com&password=secret1", i),
		"/hitsteps/api/whitelabel/websites" + q,
		"/hitsteps/api/whitelabel/plans" + q,
	} {
		if err := c.call(200, "GET", p, "", nil); err != nil {
			return err
		}
	}
	return c.reset("hitsteps", t.MainAccount)
}

func mousestatsTest(c *ciClient, i int64) error {
	var t struct {
		PartnerID     string `json:"partnerId"`
		PartnerSecret string `json:"partnerSecret"`
	}
	if err := c.tenant("mousestats", &t); err != nil {
		return err
	}
	q := "/mousestats/api/%s?_partnerId=" + url.QueryEscape(t.PartnerID) + "&_partnerSecret=" + url.QueryEscape(t.PartnerSecret) +
		fmt.Sprintf("&_userEmail=ci%d@example.com", i)
	for _, p := range []string{
		fmt.Sprintf(q, "CreateAccount") + "&_userPassword=pw123456",
		fmt.Sprintf(q, "GetAccount"),
		fmt.Sprintf(q, "GenerateLoginToken"),
		fmt.Sprintf(q, "GetAccount"),
		fmt.Sprintf(q, "CreateAccount") + "&_userPassword=pw123456",
		fmt.Sprintf(q, "GenerateLoginToken"),
	} {
		if err := c.call(200, "GET", p, "", nil); err != nil {
			return err
		}
	}
	return c.reset("mousestats", t.PartnerID)
}

func justclickTest(c *ciClient, i int64) error {
	var t struct {
		Login  string `json:"login"`
		Secret string `json:"secret"`
	}
	if err := c.tenant("justclick", &t); err != nil {
		return err
	}
	if err := c.do("vendor call", 201, "POST", "/_emulator/justclick/groups",
		`{"login":"`+t.Login+`","rass_name":"news","rass_title":"News"}`, nil); err != nil {
		return err
	}
	h := []string{"Host", t.Login + ".localhost", "Content-Type", "application/x-www-form-urlencoded"}
	for _, s := range []struct{ fn, query string }{
		{"AddLeadToGroup", fmt.Sprintf("rid%%5B0%%5D=news&lead_email=ci%d%%40example.com", i)},
		{"GetAllGroups", ""},
		{"GetLeadGroupStatuses", fmt.Sprintf("email=ci%d%%40example.com", i)},
		{"AddLeadToGroup", fmt.Sprintf("rid%%5B0%%5D=news&lead_email=ci%d-2%%40example.com", i)},
		{"DeleteSubscribe", fmt.Sprintf("lead_email=ci%d%%40example.com&rass_name=news", i)},
		{"GetAllGroups", ""},
	} {
		if err := c.call(200, "POST", "/justclick/api/"+s.fn, signed(t.Login, t.Secret, s.query), nil, h...); err != nil {
			return err
		}
	}
	return c.reset("justclick", t.Login)
}

func twiplaTest(c *ciClient, i int64) error {
	var t struct {
		IntpID string `json:"intpId"`
	}
	if err := c.tenant("twipla", &t); err != nil {
		return err
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.do("vendor call", 200, "POST", "/_emulator/twipla/tokens", `{"intpId":"`+t.IntpID+`"}`, &tok); err != nil {
		return err
	}
	h := []string{"Authorization", "Bearer " + tok.Token, "Content-Type", "application/json"}
	if err := c.call(201, "POST", "/twipla/v2/3as/customers", fmt.Sprintf(`{"intpCustomerId":"ci%d","email":"ci%d@example.com"}`, i, i), nil, h...); err != nil {
		return err
	}
	for _, s := range []struct {
		status             int
		method, path, body string
	}{
		{200, "GET", fmt.Sprintf("/twipla/v2/3as/customers/ci%d", i), ""},
		{200, "GET", "/twipla/v2/3as/customers?page=1&pageSize=20", ""},
		{200, "GET", "/twipla/v2/3as/packages", ""},
		{201, "POST", "/twipla/v2/3as/customers", fmt.Sprintf(`{"intpCustomerId":"ci%d-2","email":"ci%d-2@example.com"}`, i, i)},
		{200, "GET", "/twipla/v2/3as/company-details", ""},
	} {
		if err := c.call(s.status, s.method, s.path, s.body, nil, h...); err != nil {
			return err
		}
	}
	return c.reset("twipla", t.IntpID)
}
