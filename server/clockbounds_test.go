package server_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// boundCall is one vendor request of the clock-bounds sweep.
type boundCall struct {
	method, path, body string
	headers            []string
}

// vendorTimeCalls are, per vendor, requests whose answer or stored data
// depends on the clock: logins and tokens with expiry, trials and licences,
// plan days, clicks and report ranges, orders and bills, subscriptions and
// their periods. Writes come first, reads of what they wrote after.
func vendorTimeCalls(t *testing.T, srv *vtest.Server) []boundCall {
	const hsToken = "token=b91267234abc2354b2324c134ad3454f2c"
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	hs := func(op, fields string) boundCall {
		return boundCall{"POST", "/hitsteps/api/whitelabel/" + op, hsToken + "&" + fields, form}
	}
	const ms = "/mousestats/api/%s?_partnerId=partnername&_partnerSecret=bvdj436hdas&%s"
	msGet := func(fn, q string) boundCall { return boundCall{"GET", fmt.Sprintf(ms, fn, q), "", nil} }
	keitaro := []string{"Api-Key", "your-api-key", "Content-Type", "application/json"}
	kt := func(method, path, body string) boundCall {
		return boundCall{method, "/keitaro/admin_api/v1" + path, body, keitaro}
	}
	jc := func(fn string, pairs ...string) boundCall {
		parts := make([]string, 0, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			parts = append(parts, url.QueryEscape(pairs[i])+"="+url.QueryEscape(pairs[i+1]))
		}
		q := strings.Join(parts, "&")
		sum := md5.Sum([]byte(q + "::username::" + strings.Repeat("X", 40)))
		return boundCall{"POST", "/justclick/u/username/api/" + fn, q + "&hash=" + hex.EncodeToString(sum[:]), form}
	}
	// TWIPLA tokens are minted at the emulator clock: one per bound.
	var tok struct {
		Token string `json:"token"`
	}
	r := srv.Do("POST", "/_emulator/twipla/tokens", `{"intpId":"7128840a-5347-49a4-8dfa-9022d8dad21a","ttl":"1h"}`)
	if err := json.Unmarshal([]byte(r.Body), &tok); err != nil || tok.Token == "" {
		t.Fatalf("twipla token: %d %s", r.Status, r.Body)
	}
	tw := func(method, path, body string) boundCall {
		return boundCall{method, "/twipla" + path, body, []string{"Authorization", "Bearer " + tok.Token, "Content-Type", "application/json"}}
	}
	const pkgBasic, pkgPro, pkgFree = "497f6eca-6276-4993-bfeb-53cbbbba6f08", "471cc1d4-ec27-4504-b7c2-949af95662bc", "4cafe689-e1d4-44fb-9d6b-7807d3139a7b"
	return []boundCall{
		{"POST", "/hitsteps/api/whitelabel/token", "username=whitelabel@example.com&password=secret", form},
		hs("account-create", "whitelabel_id=1&email=bounds@example.com&password=secret1"),
		hs("website-add", "whitelabel_id=1&user_account_id=34&site_name=Bounds&site_url=bounds.example.com"),
		hs("license-trial", "whitelabel_id=1&user_account_id=34"),
		hs("license-purchase", "whitelabel_id=1&user_account_id=34&plan=3&duration=12"),
		hs("license-convert", "whitelabel_id=1&user_account_id=34&newplan=4"),
		hs("license-free", "whitelabel_id=1&user_account_id=33"),
		hs("account", "whitelabel_id=1&user_account_id=34"),
		hs("accounts", "whitelabel_id=1"),
		hs("websites", "whitelabel_id=1&user_account_id=34"),
		hs("stats-7days", "whitelabel_id=2&website_id=35"),
		hs("autologin", "whitelabel_id=1&user_account_id=34&website_id=36&reportname=overview"),

		msGet("CreateAccount", "_userEmail=bounds@example.com&_userPassword=pw123456&_activeFreePlan=true"),
		msGet("GetAccount", "_userEmail=bounds@example.com"),
		msGet("GetAccount", "_userEmail=test@example.com"),
		msGet("GenerateLoginToken", "_userEmail=test@example.com&_validHours=100000"),

		kt("POST", "/campaigns", `{"name":"bounds","alias":"bounds1"}`),
		{"GET", "/keitaro/bounds1?sub_id_1=x&cost=1.5", "", nil}, // recorded, then 404: no stream
		kt("POST", "/report/build", `{"range":{"interval":"all_time"},"grouping":["day","campaign"],"metrics":["clicks","conversions","revenue","cost","roi"]}`),
		kt("POST", "/report/build", `{"range":{"interval":"yesterday"},"grouping":["month"],"metrics":["clicks"]}`),
		kt("POST", "/report/build", `{"range":{"interval":"1_month_ago","timezone":"Pacific/Kiritimati"},"grouping":["hour"],"metrics":["clicks"]}`),
		kt("POST", "/clicks/summary", `{"range":{"interval":"1_year_ago"}}`),
		kt("POST", "/clicks/log", `{"range":{"interval":"today"},"columns":["sub_id","datetime","campaign"],"limit":10}`),
		{"GET", "/keitaro/postback?subid=nosuch&status=sale&payout=5", "", nil},
		kt("POST", "/conversions/log", `{"range":{"interval":"all_time"},"columns":["conversion_id","status","postback_datetime","click_datetime"],"limit":10}`),
		kt("POST", "/clicks/update_costs", `{"campaign_ids":[734,89],"timezone":"Pacific/Kiritimati","costs":[{"start_date":"1970-01-01","end_date":"9000-12-31","cost":9}]}`),
		kt("POST", "/campaigns/734/update_costs", `{"start_date":"1969-12-31","end_date":"9000-12-31","cost":10.02,"currency":"EUR","timezone":"Etc/GMT+12"}`),
		kt("POST", "/clicks/clean", `{"start_date":"1970-01-01","end_date":"9000-12-31"}`),
		kt("GET", "/campaigns", ""),

		jc("AddLeadToGroup", "rid[0]", "news", "lead_name", "Bounds", "lead_email", "bounds@example.com"),
		jc("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "bounds@example.com"),
		jc("GetBills", "email", "bounds@example.com"),
		jc("GetLeadGroupStatuses", "email", "bounds@example.com"),
		jc("GetPartnerStats", "partner", "my_partner_login", "date_from", "1970-01-01", "date_to", "9000-12-31"),
		jc("GetCountSubscribe", "rid", "news"),

		tw("POST", "/v2/3as/customers", `{"intpCustomerId":"cb","email":"cb@example.com","website":{"intpWebsiteId":"wb","domain":"wb.example.com","packageId":"`+pkgBasic+`"}}`),
		tw("POST", "/v3/3as/website-subscriptions/upgrade", `{"intpWebsiteId":"wb","packageId":"`+pkgPro+`","proRate":true}`),
		tw("POST", "/v3/3as/website-subscriptions/downgrade", `{"intpWebsiteId":"wb","packageId":"`+pkgFree+`"}`),
		tw("GET", "/v2/3as/websites?page=1&pageSize=10", ""),
		tw("GET", "/v2/3as/customers/cb", ""),
	}
}

// reads are what must keep working whatever the clock did: every vendor's
// state dump (which brings subscriptions up to the clock) and its reads.
var boundReads = []string{"hitsteps", "mousestats", "keitaro", "justclick", "twipla"}

func TestEveryVendorIsFineAtTheClockBounds(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: emulators.All(emulators.Config{})})
	for _, at := range []time.Time{store.MinTime, store.MaxTime} {
		expect(t, srv.Do("POST", "/_emulator/reset", nil), 200, `{"status":"ok"}`)
		if r := srv.Do("POST", "/_emulator/clock", `{"now":"`+at.Format(time.RFC3339Nano)+`"}`); r.Status != 200 {
			t.Fatalf("clock %v: %d %s", at, r.Status, r.Body)
		}
		calls := vendorTimeCalls(t, srv)
		check := func(when string) {
			t.Helper()
			for _, c := range calls {
				if r := srv.Do(c.method, c.path, c.body, c.headers...); r.Status >= 500 {
					t.Errorf("clock %s, %s: %s %s = %d %s", at.Format(time.RFC3339), when, c.method, c.path, r.Status, r.Body)
				}
			}
			for _, v := range boundReads {
				if r := srv.Do("GET", "/_emulator/state/"+v, nil); r.Status != 200 {
					t.Errorf("clock %s, %s: state of %s = %d %s", at.Format(time.RFC3339), when, v, r.Status, r.Body[:min(len(r.Body), 300)])
				}
			}
		}
		check("at the bound")
		// A month on (or back) within the bound, then the wall clock: what
		// was stored at the bound must still read back.
		d := "720h"
		if at.Equal(store.MaxTime) {
			d = "-720h"
		}
		srv.Do("POST", "/_emulator/clock", `{"advance":"`+d+`"}`)
		check("a month from the bound")
		srv.Do("POST", "/_emulator/clock", `{"real":true}`)
		check("back on the wall clock")
	}
}
