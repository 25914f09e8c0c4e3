package keitaro_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

func TestClicksHelper(t *testing.T) {
	a := start(t, keitaro.Config{})
	b := a.as(a.newTenant(map[string]any{"apiKey": "madrid", "timezone": "Europe/Madrid"}))
	b.mustPost("/offers", map[string]any{"name": "O", "url": "http://o", "affiliate_network_id": 5})
	b.mustPost("/campaigns", map[string]any{"alias": "m", "name": "M", "group_id": 3, "traffic_source_id": 4})

	// Datetimes are read and answered in the tenant's timezone; ids the
	// campaign and offer imply are filled in.
	r := a.srv.Do("POST", "/_emulator/keitaro/clicks", map[string]any{"clicks": []any{
		map[string]any{"campaign_id": 1, "datetime": "2017-06-01 12:00:00", "sub_id": "MySub1", "offer_id": 1, "ip": "1.2.3.4",
			"user_agent": "UA", "landing_clicked": true},
		map[string]any{"campaign_id": "1", "datetime": "2017-06-01T12:00:00Z", "ts_id": nil, "visitor_code": "v1", "click_id": 10,
			"landing_clicked_datetime": "2017-06-01 14:30:00", "is_unique_global": 0},
	}}, "Api-Key", "madrid")
	expect(t, r, 200, `{"clicks":[{"click_id":1,"sub_id":"MySub1","visitor_code":"`+visitorCode("1.2.3.4", "UA")+`","datetime":"2017-06-01 12:00:00"},
		{"click_id":10,"sub_id":"`+subOf(t, r.Body, 2)+`","visitor_code":"v1","datetime":"2017-06-01 14:00:00"}]}`)
	r = b.do("POST", "/clicks/log", map[string]any{"limit": 5, "columns": []any{"click_id", "datetime", "campaign_group_id", "ts_id",
		"offer", "affiliate_network_id", "landing_clicked_period", "is_unique_global", "is_unique_campaign"}})
	expect(t, r, 200, `{"rows":[
		{"click_id":10,"datetime":"2017-06-01 14:00:00","campaign_group_id":3,"ts_id":null,"offer":"","affiliate_network_id":null,
		 "landing_clicked_period":1800,"is_unique_global":false,"is_unique_campaign":true},
		{"click_id":1,"datetime":"2017-06-01 12:00:00","campaign_group_id":3,"ts_id":4,"offer":"O","affiliate_network_id":5,
		 "landing_clicked_period":0,"is_unique_global":true,"is_unique_campaign":true}],
		"total":2,"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	// The counter moved past the id given; nothing went to the traffic log.
	r = a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=madrid", []any{map[string]any{"campaign_id": 1}})
	if sub := subOf(t, r.Body, 1); !generatedSubID.MatchString(sub) {
		t.Fatalf("generated sub_id %q", sub)
	}
	expect(t, r, 200, `{"clicks":[{"click_id":11,"sub_id":"`+subOf(t, r.Body, 1)+`","visitor_code":"`+visitorCode("", "")+
		`","datetime":"2017-06-01 15:40:00"}]}`)
	expect(t, b.do("GET", "/logs/traffic", nil), 200, `[]`)

	// Bad batches are refused whole.
	for _, c := range []struct {
		query string
		body  any
		want  string
	}{
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1}, map[string]any{"campaign_id": 1, "revenue": 5}}, `clicks[1]: unknown or derived column \"revenue\"`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "ip_mask1": "x"}}, `clicks[0]: unknown or derived column \"ip_mask1\"`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "colour": "x"}}, `clicks[0]: unknown or derived column \"colour\"`},
		{"?tenant=madrid", []any{map[string]any{}}, `clicks[0].campaign_id: is required`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 2}}, `clicks[0].campaign_id: no campaign 2`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "sub_id": "MySub1"}}, `clicks[0].sub_id: \"MySub1\" is taken`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "sub_id": "has space"}}, `clicks[0].sub_id: must be 1-64 characters [A-Za-z0-9]`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "click_id": 10}}, `clicks[0].click_id: click 10 exists`},
		// Taken within the batch itself (stored together, found one by one).
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "sub_id": "Twice"}, map[string]any{"campaign_id": 1},
			map[string]any{"campaign_id": 1, "sub_id": "Twice"}}, `clicks[2].sub_id: \"Twice\" is taken`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "click_id": 500}, map[string]any{"campaign_id": 1, "click_id": 500}},
			`clicks[1].click_id: click 500 exists`},
		// Clicks of other shapes (other columns set) stored before the clash
		// do not make an innocent click the culprit.
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "sub_id": "First"}, map[string]any{"campaign_id": 1, "sub_id": "Again", "cost": 1},
			map[string]any{"campaign_id": 1, "sub_id": "Again"}}, `clicks[2].sub_id: \"Again\" is taken`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "click_id": 600}, map[string]any{"campaign_id": 1, "click_id": 601, "cost": 1},
			map[string]any{"campaign_id": 1, "click_id": 601}}, `clicks[2].click_id: click 601 exists`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "cost": "free"}}, `clicks[0].cost: must be a decimal`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "is_bot": "perhaps"}}, `clicks[0].is_bot: must be a boolean`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "stream_id": "x"}}, `clicks[0].stream_id: must be an integer or null`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "country": true}}, `clicks[0].country: must be a string`},
		{"?tenant=madrid", []any{map[string]any{"campaign_id": 1, "datetime": "yesterday"}}, `clicks[0].datetime: must be`},
		{"?tenant=madrid", map[string]any{"clicks": "x"}, `clicks must be an array of objects`},
		{"?tenant=madrid", map[string]any{"click": []any{}}, `unknown field \"click\"`},
		{"?tenant=madrid", []any{"x"}, `clicks[0] must be an object`},
		{"?tenant=madrid", "{", `body must be`},
		{"?tenant=nobody", []any{}, `unknown tenant`},
	} {
		r := a.srv.Do("POST", "/_emulator/keitaro/clicks"+c.query, c.body)
		status := 400
		if c.want == "unknown tenant" {
			status = 404
		}
		if r.Status != status || !strings.Contains(r.Body, c.want) {
			t.Fatalf("%v: %d %s, want %s", c.body, r.Status, r.Body, c.want)
		}
	}
	// Of several bad columns the first by name is blamed, whatever order
	// the item's keys are read in (asked ten times: a map walk starts
	// anywhere).
	for range 10 {
		bad := map[string]any{"campaign_id": 1, "affiliate_network_id": "x", "browser": 5, "city": 5, "country": 5,
			"device_model": 5, "isp": 5, "keyword": 5, "os": 5, "region": 5, "source": 5, "is_bot": "x", "stream_id": "x"}
		r := a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=madrid", []any{bad})
		if r.Status != 400 || !strings.Contains(r.Body, `clicks[0].affiliate_network_id: must be an integer or null`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		bad["zone"], bad["colour"] = 1, 1
		r = a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=madrid", []any{bad})
		if r.Status != 400 || !strings.Contains(r.Body, `clicks[0]: unknown or derived column \"colour\"`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	expect(t, b.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":3}`)
	// Without a key the default tenant gets the clicks.
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{map[string]any{"campaign_id": 89}}), 200)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "cost"}}), 200, `{"clicks":1,"cost":0}`)
}

var generatedSubID = regexp.MustCompile(`^[a-z0-9]{12}$`)

// visitorCode is the first 10 hex digits of SHA-1 over ip|user agent.
func visitorCode(ip, ua string) string {
	sum := sha1.Sum([]byte(ip + "|" + ua))
	return hex.EncodeToString(sum[:])[:10]
}

// subOf digs the n-th "sub_id" value out of a JSON text.
func subOf(t *testing.T, body string, n int) string {
	t.Helper()
	parts := strings.Split(body, `"sub_id":"`)
	if len(parts) <= n {
		t.Fatalf("no sub_id %d in %s", n, body)
	}
	return parts[n][:strings.IndexByte(parts[n], '"')]
}

func TestConversionsHelper(t *testing.T) {
	a := start(t, keitaro.Config{})
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
		map[string]any{"campaign_id": 2, "sub_id": "c1", "datetime": "2017-06-01 10:00:00"},
		map[string]any{"campaign_id": 89, "sub_id": "c2"},
	}), 200)
	r := a.srv.Do("POST", "/_emulator/keitaro/conversions", map[string]any{"apiKey": keitaro.DefaultTenant, "conversions": []any{
		map[string]any{"sub_id": "c1", "tid": "x", "revenue": 4, "params": map[string]any{"a": 1}},
		map[string]any{"click_id": 1, "tid": "x", "status": "sale", "revenue": "6", "datetime": "2017-06-01 12:00:00"},
		map[string]any{"sub_id": "c2", "status": "rebill", "currency": "eur"},
	}})
	expect(t, r, 200, `{"conversions":[{"conversion_id":1,"click_id":1,"sub_id":"c1","status":"lead"},
		{"conversion_id":1,"click_id":1,"sub_id":"c1","status":"sale"},{"conversion_id":2,"click_id":2,"sub_id":"c2","status":"rebill"}]}`)
	r = a.do("POST", "/conversions/log", map[string]any{"limit": 5, "columns": []any{"conversion_id", "status", "previous_status",
		"revenue", "currency", "postback_datetime", "sale_period", "params"}})
	expect(t, r, 200, `{"rows":[
		{"conversion_id":2,"status":"rebill","previous_status":null,"revenue":0,"currency":"EUR","postback_datetime":"2017-06-01 13:40:00","sale_period":null,"params":{}},
		{"conversion_id":1,"status":"sale","previous_status":"lead","revenue":6,"currency":"USD","postback_datetime":"2017-06-01 12:00:00","sale_period":7200,"params":{"a":1}}],
		"total":2,"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	for _, c := range []struct {
		body any
		want string
	}{
		{[]any{map[string]any{"status": "lead"}}, `conversions[0].sub_id: sub_id or click_id is required`},
		{[]any{map[string]any{"sub_id": "nope"}}, `conversions[0].sub_id: no click \"nope\"`},
		{[]any{map[string]any{"click_id": 1, "sub_id": "c2"}}, `conversions[0].sub_id: is not the sub_id of click 1`},
		{[]any{map[string]any{"click_id": 1}, map[string]any{"click_id": 1, "status": "won"}}, `conversions[1].status: must be lead, sale, rejected or rebill`},
		{[]any{map[string]any{"click_id": 1, "revenue": "lots"}}, `conversions[0].revenue: must be a decimal`},
		{[]any{map[string]any{"click_id": 1, "currency": "euro"}}, `conversions[0].currency: must be a 3-letter code`},
		{[]any{map[string]any{"click_id": 1, "params": "a=1"}}, `conversions[0].params: must be an object`},
		{[]any{map[string]any{"click_id": 1, "payout": 1}}, `conversions[0]: unknown field \"payout\"`},
	} {
		r := a.srv.Do("POST", "/_emulator/keitaro/conversions", c.body)
		if r.Status != 400 || !strings.Contains(r.Body, c.want) {
			t.Fatalf("%v: %d %s, want %s", c.body, r.Status, r.Body, c.want)
		}
	}
	// A batch longer than one INSERT stores some conversions before its
	// bad last item is read: they are not kept either.
	long := []any{}
	for range 70 {
		long = append(long, map[string]any{"click_id": 2, "status": "rebill"})
	}
	r = a.srv.Do("POST", "/_emulator/keitaro/conversions", append(long, map[string]any{"click_id": 9}))
	if r.Status != 400 || !strings.Contains(r.Body, `conversions[70].click_id: no click 9`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// All or nothing, and no postback log lines.
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"leads", "sales", "rebills"}}), 200, `{"leads":0,"sales":1,"rebills":1}`)
	expect(t, a.do("GET", "/logs/postbacks", nil), 200, `[]`)
}

func TestSeedTrafficAndState(t *testing.T) {
	a := start(t, keitaro.Config{})
	doc := map[string]any{"keitaro": map[string]any{"tenants": []any{map[string]any{
		"apiKey":    "seeded",
		"campaigns": []any{map[string]any{"id": 5, "alias": "s", "name": "Seeded"}},
		"labels":    []any{map[string]any{"campaign_id": 5, "ref_name": "source", "value": "fb", "label": "blacklist"}},
		"clicks": []any{
			map[string]any{"click_id": 40, "campaign_id": 5, "sub_id": "seed40", "source": "fb", "cost": 1},
			map[string]any{"campaign_id": 5, "sub_id": "seed41", "source": "tw"},
		},
		"conversions": []any{map[string]any{"sub_id": "seed41", "status": "sale", "revenue": 3}},
	}}}}
	expectStatus(t, a.srv.Do("POST", "/_emulator/seed", doc), 200)
	s := a.as("seeded")
	expect(t, s.do("POST", "/report/build", map[string]any{"limit": 5, "grouping": []any{"click_id", "label"}, "metrics": []any{"revenue", "cost"}}), 200,
		`{"rows":[{"click_id":40,"label":"blacklist","revenue":0,"cost":1},{"click_id":41,"label":"","revenue":3,"cost":0}],"total":2,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	var st struct {
		Tenants []struct {
			Counters    map[string]int
			Labels      []map[string]any
			Clicks      []map[string]any
			Conversions []map[string]any
		}
	}
	decode(t, a.srv.Do("GET", "/_emulator/state/keitaro?tenant=seeded", nil), &st)
	ten := st.Tenants[0]
	if ten.Counters["clicks"] != 42 || ten.Counters["conversions"] != 2 || len(ten.Clicks) != 2 || len(ten.Conversions) != 1 || len(ten.Labels) != 1 {
		t.Fatalf("state: %+v", ten)
	}
	field(t, ten.Labels[0], "label", "blacklist")
	field(t, ten.Clicks[0], "sub_id", "seed40")
	field(t, ten.Clicks[0], "is_unique_campaign", true)
	field(t, ten.Conversions[0], "params", map[string]any{})
	field(t, ten.Conversions[0], "sale_datetime", "2017-06-01 13:40:00")

	for _, c := range []struct {
		tenant map[string]any
		want   string
	}{
		{map[string]any{"apiKey": "x", "clicks": []any{map[string]any{"campaign_id": 1}}}, `tenants[0].clicks[0].campaign_id: no campaign 1`},
		{map[string]any{"apiKey": "x", "clicks": "none"}, `tenants[0].clicks must be an array`},
		{map[string]any{"apiKey": "x", "conversions": []any{map[string]any{"sub_id": "seed40"}}}, `tenants[0].conversions[0].sub_id: no click \"seed40\"`},
		{map[string]any{"apiKey": "x", "labels": []any{map[string]any{"campaign_id": 1, "ref_name": "ip", "value": "1", "label": "x"}}},
			`tenants[0].labels[0]: campaign_id: This value is invalid; label: This value is invalid`},
		{map[string]any{"apiKey": "seeded", "clicks": []any{map[string]any{"campaign_id": 5, "sub_id": "seed40"}}}, `\"seed40\" is taken`},
	} {
		r := a.srv.Do("POST", "/_emulator/seed", map[string]any{"keitaro": map[string]any{"tenants": []any{c.tenant}}})
		if r.Status != 400 || !strings.Contains(r.Body, c.want) {
			t.Fatalf("%v: %d %s, want %s", c.tenant, r.Status, r.Body, c.want)
		}
	}
}

func TestClicksMaintenance(t *testing.T) {
	a := start(t, keitaro.Config{})
	var clicks []any
	for i, at := range []string{"2017-05-30 10:00:00", "2017-05-31 10:00:00", "2017-05-31 23:30:00", "2017-06-01 09:00:00"} {
		for _, campaign := range []int{2, 89} {
			clicks = append(clicks, map[string]any{"campaign_id": campaign, "datetime": at, "source": []string{"a", "b", "a", "b"}[i],
				"is_unique_campaign": i != 1})
		}
	}
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", clicks), 200)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/conversions", []any{map[string]any{"click_id": 3, "status": "sale"}}), 200)
	costs := func() string {
		t.Helper()
		r := a.do("POST", "/report/build", map[string]any{"limit": 10, "grouping": []any{"campaign_id", "day"}, "metrics": []any{"cost"}})
		var out struct{ Rows []map[string]any }
		decode(t, r, &out)
		var b strings.Builder
		for _, row := range out.Rows {
			fmt.Fprint(&b, row["cost"], " ")
		}
		return strings.TrimSpace(b.String())
	}

	// Each cost item is spread over each campaign's matching clicks.
	expect(t, a.do("POST", "/clicks/update_costs", map[string]any{"campaign_ids": []any{2, "89"}, "timezone": "Europe/Moscow",
		"costs": []any{
			map[string]any{"start_date": "2017-05-31", "end_date": "2017-05-31", "cost": 9},
			map[string]any{"start_date": "2017-06-01", "end_date": "2017-06-01 13:00", "cost": "1.5", "filters": map[string]any{"source": "b"}},
		}}), 200, `{"success":true}`)
	// In Moscow (UTC+3) the 31st ends at 20:59:59 UTC: 23:30 belongs to the 1st.
	if got := costs(); got != "0 9 1.5 0 9 1.5" {
		t.Fatalf("costs by campaign and day: %s", got)
	}
	expect(t, a.do("POST", "/clicks/update_costs", map[string]any{"campaign_ids": 89, "only_campaign_uniques": true,
		"costs": map[string]any{"start_date": "2017-05-30", "end_date": "2017-06-01", "cost": 4}}), 200, `{"success":true}`)
	if got := costs(); got != "0 9 1.5 1.3333 10.3333 1.3333" {
		t.Fatalf("after uniques-only: %s", got)
	}
	l := list(t, a.do("GET", "/logs/system", nil))
	if len(l) != 3 || l[0]["message"] != "Costs updated for campaign #89: 3 clicks" || l[1]["message"] != "Costs updated for campaign #89: 2 clicks" ||
		l[2]["message"] != "Costs updated for campaign #2: 2 clicks" {
		t.Fatalf("system log: %v", l)
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, `{"campaign_ids":["This field is required"],"costs":["This field is required"]}`},
		{map[string]any{"campaign_ids": []any{2, 3}, "costs": []any{}}, `{"campaign_ids":["This value is invalid"],"costs":["This field is required"]}`},
		{map[string]any{"campaign_ids": []any{2}, "costs": []any{map[string]any{"start_date": "2017-05-31", "cost": 1}}}, `{"costs":["This field is required"]}`},
		{map[string]any{"campaign_ids": []any{2}, "costs": []any{map[string]any{"start_date": "x", "end_date": "2017-05-31", "cost": 1}}}, `{"costs":["This value is invalid"]}`},
		{map[string]any{"campaign_ids": []any{2}, "costs": "9"}, `{"costs":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/clicks/update_costs", c.body), 406, c.want)
	}

	// clean deletes the clicks of the range (of one campaign) with their
	// conversions.
	expect(t, a.do("POST", "/clicks/clean", map[string]any{"start_date": "2017-05-31", "end_date": "2017-05-31 23:59", "campaign_id": 2}), 200, `{"success":true}`)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "sales"}}), 200, `{"clicks":6,"sales":0}`)
	expect(t, a.do("POST", "/clicks/clean", map[string]any{"start_date": "2017-05-01", "end_date": "2017-05-31"}), 200, `{"success":true}`)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":2}`)
	if l := list(t, a.do("GET", "/logs/system", map[string]any{"query": "cleaned"})); len(l) != 2 || l[0]["message"] != "Clicks cleaned: 4" || l[1]["message"] != "Clicks cleaned: 2" {
		t.Fatalf("clean log: %v", l)
	}
	expect(t, a.do("POST", "/clicks/clean", map[string]any{"start_date": "2017-05-01", "campaign_id": 77}), 406,
		`{"end_date":["This field is required"],"campaign_id":["This value is invalid"]}`)
	// The campaign route counts recorded clicks now.
	expect(t, a.do("POST", "/campaigns/89/update_costs", map[string]any{"start_date": "2017-06-01", "end_date": "2017-06-01", "cost": 2}), 200, `{"success":true}`)
	if l := list(t, a.do("GET", "/logs/system", nil)); l[0]["message"] != "Costs updated for campaign #89: 1 clicks" {
		t.Fatalf("campaign update_costs: %v", l[0])
	}
}
