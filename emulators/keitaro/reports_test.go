package keitaro_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// operatorData is a tenant with four clicks made through the clicks
// helper, conversions for two of them and two labels:
//
//	1  campaign 1  Google  "Red Shoes"   10.1.2.3     cost 1.25  US  bot         sale 10
//	2  campaign 1  google  "blue shoes"  10.1.9.9     cost 0     DE  sub_id_1 a
//	3  campaign 2  Bing    ""            2001:db8::1  cost 3.5   US  sub_id_1 b  stream 7, landing clicked, lead 5
//	4  campaign 2  ""      "RED"         192.168.0.1  cost 0.1   --  proxy
func operatorData(t *testing.T) *api {
	t.Helper()
	a := start(t, keitaro.Config{})
	b := a.as(a.newTenant(map[string]any{"apiKey": "ops"}))
	for _, n := range []string{"one", "two"} {
		expectStatus(t, b.do("POST", "/campaigns", map[string]any{"alias": n, "name": n}), 200)
	}
	r := a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
		map[string]any{"campaign_id": 1, "source": "Google", "keyword": "Red Shoes", "ip": "10.1.2.3", "cost": 1.25, "is_bot": true, "country_code": "US"},
		map[string]any{"campaign_id": 1, "source": "google", "keyword": "blue shoes", "ip": "10.1.9.9", "country_code": "DE", "sub_id_1": "a"},
		map[string]any{"campaign_id": 2, "source": "Bing", "ip": "2001:db8::1", "cost": "3.5", "country_code": "US", "sub_id_1": "b",
			"stream_id": 7, "landing_clicked": true, "datetime": "2017-06-01 13:30:00"},
		map[string]any{"campaign_id": 2, "keyword": "RED", "ip": "192.168.0.1", "cost": 0.1, "is_using_proxy": "1"},
	}, "Api-Key", "ops")
	expectStatus(t, r, 200)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/conversions?tenant=ops", map[string]any{"conversions": []any{
		map[string]any{"click_id": 1, "status": "sale", "revenue": 10},
		map[string]any{"click_id": 3, "status": "lead", "revenue": "5"},
	}}), 200)
	expect(t, b.do("POST", "/report/labels", map[string]any{"campaign_id": 1, "ref_name": "source", "items": map[string]any{"Google": "whitelist"}}), 200, `{"success":true}`)
	expect(t, b.do("POST", "/report/labels", map[string]any{"campaign_id": 2, "ref_name": "ip", "items": map[string]any{"192.168.0.1": "blacklist"}}), 200, `{"success":true}`)
	return b
}

// matching lists the click ids a clicks/log filter selects, id ascending.
func matching(t *testing.T, a *api, f map[string]any) string {
	t.Helper()
	r := a.do("POST", "/clicks/log", map[string]any{"limit": 10, "columns": []any{"click_id"}, "filters": []any{f},
		"sort": []any{map[string]any{"name": "click_id"}}})
	var out struct {
		Rows []struct {
			ClickID int `json:"click_id"`
		}
	}
	decode(t, r, &out)
	var b strings.Builder
	for _, row := range out.Rows {
		b.WriteString(itoa(row.ClickID))
	}
	return b.String()
}

func filterOf(name, op string, expr ...any) map[string]any {
	f := map[string]any{"name": name, "operator": op}
	if len(expr) > 0 {
		f["expression"] = expr[0]
	}
	return f
}

func caseSensitive(f map[string]any) map[string]any {
	f["case_sensitive"] = true
	return f
}

func TestFilterOperators(t *testing.T) {
	a := operatorData(t)
	for _, c := range []struct {
		filter map[string]any
		want   string
	}{
		{filterOf("source", "EQUALS", "google"), "12"},
		{caseSensitive(filterOf("source", "EQUALS", "google")), "2"},
		{filterOf("source", "NOT_EQUAL", "GOOGLE"), "34"},
		{filterOf("stream_id", "EQUALS", "7"), "3"},
		{filterOf("stream_id", "NOT_EQUAL", 7), "124"}, // null is "not equal"
		{filterOf("cost", "GREATER_THAN", 1), "13"},
		{filterOf("cost", "LESS_THAN", "0.5"), "24"},
		{filterOf("cost", "EQUALS_OR_GREATER_THAN", 1.25), "13"},
		{filterOf("cost", "EQUALS_OR_LESS_THAN", 1.25), "124"},
		{filterOf("keyword", "GREATER_THAN", "b"), "2"}, // byte-wise: "R" < "b"
		{filterOf("datetime", "LESS_THAN", "2017-06-01 13:40:00"), "3"},
		{filterOf("keyword", "BEGINS_WITH", "red"), "14"},
		{caseSensitive(filterOf("keyword", "BEGINS_WITH", "red")), ""},
		{filterOf("keyword", "ENDS_WITH", "SHOES"), "12"},
		{filterOf("ip", "CONTAINS", "1.2"), "1"},
		{filterOf("source", "NOT_CONTAIN", "OO"), "34"},
		{filterOf("source", "NOT_CONTAINS", "oo"), "34"},
		{filterOf("cost", "CONTAINS", ".25"), "1"}, // numbers as text, as answered
		{filterOf("keyword", "MATCH_REGEXP", "/^red/"), "14"},
		{caseSensitive(filterOf("keyword", "MATCH_REGEXP", "^red")), ""},
		{caseSensitive(filterOf("keyword", "MATCH_REGEXP", "/^red/i")), "14"},
		{filterOf("keyword", "MATCH_REGEXP", "shoes$"), "12"},
		{filterOf("ip", "NOT_MATCH_REGEXP", `/^10\./`), "34"},
		{filterOf("country_code", "IN_LIST", []any{"us", "de"}), "123"},
		{filterOf("country_code", "NOT_IN_LIST", "US"), "24"},
		{filterOf("campaign_id", "IN_LIST", "2, 9"), "34"},
		{filterOf("cost", "BETWEEN", []any{0.1, "1.25"}), "14"},
		{filterOf("keyword", "BETWEEN", []any{"RED", "Red Shoes"}), "14"},
		{filterOf("sub_id_1", "IS_SET"), "23"},
		{filterOf("sub_id_1", "IS_NOT_SET"), "14"},
		{filterOf("stream_id", "IS_SET"), "3"},
		{filterOf("stream_id", "IS_NOT_SET"), "124"},
		{filterOf("is_bot", "IS_SET"), "1234"}, // booleans are always set
		{filterOf("is_bot", "IS_NOT_SET"), ""},
		{filterOf("is_bot", "IS_TRUE"), "1"},
		{filterOf("is_using_proxy", "IS_FALSE"), "123"},
		{filterOf("is_sale", "IS_TRUE"), "1"},
		{filterOf("is_lead", "EQUALS", true), "3"},
		{filterOf("landing_clicked", "EQUALS", "0"), "124"},
		{filterOf("landing_clicked_period", "IS_TRUE"), ""}, // 0 seconds: not set
		{filterOf("landing_clicked_period", "IS_FALSE"), "3"},
		{filterOf("revenue", "GREATER_THAN", 0), "13"},
		{filterOf("profit", "LESS_THAN", 0), "4"},
		{filterOf("source", "HAS_LABEL", "whitelist"), "1"},
		{filterOf("source", "NOT_HAS_LABEL", "whitelist"), "234"},
		{filterOf("ip", "HAS_LABEL", "blacklist"), "4"},
		{filterOf("keyword", "HAS_LABEL", "blacklist"), ""},
		{filterOf("label", "EQUALS", "blacklist"), "4"},
		{filterOf("ip_mask2", "EQUALS", "10.1.0.0"), "12"},
		{filterOf("ip_mask1", "IS_NOT_SET"), "3"}, // not IPv4
		{filterOf("campaign", "ENDS_WITH", "o"), "34"},
	} {
		if got := matching(t, a, c.filter); got != c.want {
			t.Errorf("filter %v: clicks %q, want %q", c.filter, got, c.want)
		}
	}
}

func TestMetricFiltersAndLabels(t *testing.T) {
	a := operatorData(t)
	report := func(filters []any, want string) {
		t.Helper()
		r := a.do("POST", "/report/build", map[string]any{"limit": 10, "grouping": []any{"campaign_id"},
			"metrics": []any{"clicks", "revenue", "cr"}, "filters": filters})
		expect(t, r, 200, `{"rows":`+want+`,"total":`+itoa(strings.Count(want, "{"))+`,
			"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	}
	first := `{"campaign_id":1,"clicks":2,"revenue":10,"cr":50}`
	second := `{"campaign_id":2,"clicks":2,"revenue":5,"cr":50}`
	report([]any{filterOf("cr", "EQUALS", "50")}, "["+first+","+second+"]")
	// Filters on metrics, requested or not, select finished rows.
	report([]any{filterOf("cpc", "GREATER_THAN", 1)}, "["+second+"]") // 1.8 against 0.625
	report([]any{filterOf("cpc", "LESS_THAN", 1)}, "["+first+"]")
	report([]any{filterOf("ecpm", "BETWEEN", []any{4000, 6000})}, "["+first+"]")
	report([]any{filterOf("epc", "IN_LIST", []any{2.5, 3})}, "["+second+"]")
	report([]any{filterOf("leads", "IS_SET")}, "["+second+"]")
	report([]any{filterOf("bots", "IS_FALSE"), filterOf("clicks", "EQUALS", 2)}, "["+second+"]")
	report([]any{filterOf("sales", "NOT_MATCH_REGEXP", "1")}, "["+second+"]")
	// Names that are columns too filter clicks.
	report([]any{filterOf("revenue", "GREATER_THAN", 0)}, `[{"campaign_id":1,"clicks":1,"revenue":10,"cr":100},{"campaign_id":2,"clicks":1,"revenue":5,"cr":100}]`)
	report([]any{filterOf("cost", "MATCH_REGEXP", "^1")}, `[{"campaign_id":1,"clicks":1,"revenue":10,"cr":100}]`)

	// The label column, and the labels read back.
	r := a.do("POST", "/report/build", map[string]any{"limit": 10, "grouping": []any{"label"}, "metrics": []any{"clicks"}})
	expect(t, r, 200, `{"rows":[{"label":"","clicks":2},{"label":"blacklist","clicks":1},{"label":"whitelist","clicks":1}],"total":3,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	expect(t, a.do("POST", "/report/labels", map[string]any{"campaign_id": "1", "ref_name": "source",
		"items": map[string]any{"google": "blacklist", "Bing": "whitelist", "Google": nil, "Yahoo": ""}}), 200, `{"success":true}`)
	expect(t, a.do("GET", "/report/labels?campaign_id=1&ref_name=source&label_name=whitelist", nil), 200, `{"Bing":"whitelist"}`)
	expect(t, a.do("GET", "/report/labels", map[string]any{"campaign_id": 1, "ref_name": "source", "label_name": "blacklist"}), 200, `{"google":"blacklist"}`)
	expect(t, a.do("GET", "/report/labels?campaign_id=2&ref_name=sub_id_3&label_name=blacklist", nil), 200, `{}`)
	if got := matching(t, a, filterOf("source", "HAS_LABEL", "blacklist")); got != "2" {
		t.Fatalf("relabelled: %q", got)
	}
	for _, c := range []struct {
		method string
		body   map[string]any
		want   string
	}{
		{"POST", map[string]any{}, `{"campaign_id":["This field is required"],"ref_name":["This field is required"],"items":["This field is required"]}`},
		{"POST", map[string]any{"campaign_id": 99, "ref_name": "country", "items": "x"}, `{"campaign_id":["This value is invalid"],"ref_name":["This value is invalid"],"items":["This value is invalid"]}`},
		{"POST", map[string]any{"campaign_id": 1, "ref_name": "ip", "items": map[string]any{"1.1.1.1": "greylist"}}, `{"items":["This value is invalid"]}`},
		{"GET", map[string]any{"campaign_id": 1, "ref_name": "ip"}, `{"label_name":["This field is required"]}`},
		{"GET", map[string]any{"campaign_id": "x", "ref_name": "ip", "label_name": "red"}, `{"campaign_id":["This value is invalid"],"label_name":["This value is invalid"]}`},
	} {
		expect(t, a.do(c.method, "/report/labels", c.body), 406, c.want)
	}
}

func TestReportValidation(t *testing.T) {
	a := start(t, keitaro.Config{})
	for _, c := range []struct {
		path string
		body any
		want string
	}{
		{"/report/build", nil, `{"range":["This field is required"]}`},
		{"/report/build", map[string]any{"grouping": []any{"nothing"}, "metrics": []any{"clicks", "cliks"}},
			`{"range":["This field is required"],"grouping":["Unknown field: nothing"],"metrics":["Unknown field: cliks"]}`},
		{"/report/build", map[string]any{"range": map[string]any{"timezone": "Mars/Base"}}, `{"range":["This value is invalid"]}`},
		{"/report/build", map[string]any{"range": map[string]any{"interval": "last_week"}}, `{"range":["This value is invalid"]}`},
		{"/report/build", map[string]any{"range": map[string]any{"from": "01.06.2017"}}, `{"range":["This value is invalid"]}`},
		{"/report/build", map[string]any{"range": "today"}, `{"range":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": -1, "offset": "x"}, `{"limit":["This value is invalid"],"offset":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "grouping": "campaign,clicks"}, `{"grouping":["Unknown field: clicks"]}`},
		{"/report/build", map[string]any{"limit": 1, "grouping": map[string]any{"a": 1}}, `{"grouping":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{map[string]any{"name": "ip"}}}, `{"filters":["This field is required"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{map[string]any{"operator": "EQUALS"}}}, `{"filters":["This field is required"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("ipp", "EQUALS", 1)}}, `{"filters":["Unknown field: ipp"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("ip", "LIKE", 1)}}, `{"filters":["Unknown operator: LIKE"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("ip", "MATCH_REGEXP", "/(/")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("cost", "BETWEEN", []any{1, 2, 3})}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("cost", "EQUALS", "cheap")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("is_bot", "EQUALS", "maybe")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("ip", "EQUALS")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("ip", "HAS_LABEL", "greylist")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{filterOf("clicks", "HAS_LABEL", "whitelist")}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": []any{map[string]any{"name": "ip", "operator": "EQUALS", "expression": "1", "case_sensitive": "yes"}}}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "filters": "ip"}, `{"filters":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "metrics": []any{"clicks"}, "sort": []any{map[string]any{"name": "roi"}}}, `{"sort":["Unknown field: roi"]}`},
		{"/report/build", map[string]any{"limit": 1, "metrics": []any{"clicks"}, "sort": []any{map[string]any{"name": "clicks", "order": "up"}}}, `{"sort":["This value is invalid"]}`},
		{"/report/build", map[string]any{"limit": 1, "metrics": []any{"clicks"}, "sort": []any{map[string]any{"order": "asc"}}}, `{"sort":["This field is required"]}`},
		{"/report/build", map[string]any{"limit": 1, "summary": "sometimes"}, `{"summary":["This value is invalid"]}`},
		{"/clicks/log", map[string]any{"limit": 1}, `{"columns":["This field is required"]}`},
		{"/clicks/log", map[string]any{"limit": 1, "columns": []any{"click_id", "clicks"}}, `{"columns":["Unknown field: clicks"]}`},
		{"/clicks/log", map[string]any{"limit": 1, "columns": []any{"click_id", "conversion_id"}}, `{"columns":["Unknown field: conversion_id"]}`},
		{"/clicks/log", map[string]any{"limit": 1, "columns": []any{"click_id"}, "filters": []any{filterOf("clicks", "EQUALS", 1)}}, `{"filters":["Unknown field: clicks"]}`},
		{"/clicks/log", map[string]any{"limit": 1, "columns": []any{"click_id"}, "sort": map[string]any{"name": "clicks"}}, `{"sort":["Unknown field: clicks"]}`},
		{"/clicks/log", map[string]any{"limit": 1, "columns": []any{"click_id"}, "sort": map[string]any{"name": "status"}}, `{"sort":["Unknown field: status"]}`},
		{"/conversions/log", map[string]any{"columns": []any{"status"}}, `{"range":["This field is required"]}`},
		{"/clicks/summary", map[string]any{"metrics": []any{"click_id"}}, `{"metrics":["Unknown field: click_id"]}`},
		{"/clicks/summary", map[string]any{"filters": []any{filterOf("clicks", "GREATER_THAN", 1)}}, `{"filters":["Unknown field: clicks"]}`},
	} {
		expect(t, a.do("POST", c.path, c.body), 406, c.want)
	}
	expect(t, a.do("POST", "/report/build", "{broken"), 400, `{"error":"Invalid JSON"}`)
	expect(t, a.do("GET", "/report/build", nil), 404, `{"error":"Not found"}`)
	expect(t, a.as("nobody").do("POST", "/report/build", map[string]any{"limit": 1}), 401, `{"error":"Unauthorized"}`)
}

func TestReportPagingAndShapes(t *testing.T) {
	a := operatorData(t)
	meta := `"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}`
	// No clicks match: one zero row without grouping, none with it; no
	// division by zero anywhere.
	r := a.do("POST", "/report/build", map[string]any{"range": map[string]any{"interval": "yesterday"},
		"metrics": []any{"clicks", "cr", "roi", "epc", "cpa", "approve", "profitability", "landing_clicked_period", "revenue"}})
	expect(t, r, 200, `{"rows":[{"clicks":0,"cr":0,"roi":0,"epc":0,"cpa":0,"approve":0,"profitability":0,"landing_clicked_period":0,"revenue":0}],"total":1,`+meta+`}`)
	r = a.do("POST", "/report/build", map[string]any{"range": map[string]any{"interval": "yesterday"}, "grouping": []any{"country"}, "metrics": []any{"clicks"}})
	expect(t, r, 200, `{"rows":[],"total":0,`+meta+`}`)
	// No metrics, no grouping: one empty row.
	expect(t, a.do("POST", "/report/build", map[string]any{"limit": 1}), 200, `{"rows":[{}],"total":1,`+meta+`}`)
	// A name given twice appears once; grouping keys come before metrics.
	r = a.do("POST", "/report/build", map[string]any{"limit": 0, "range": []any{}, "metrics": []any{"clicks", "clicks"},
		"grouping": []any{"country_code", "country_code", "campaign_group_id"}})
	expect(t, r, 200, `{"rows":[{"country_code":"","campaign_group_id":null,"clicks":1},{"country_code":"DE","campaign_group_id":null,"clicks":1},
		{"country_code":"US","campaign_group_id":null,"clicks":2}],"total":3,`+meta+`}`)
	// The document's misspelled "offer" is the offset; "offset" wins.
	r = a.do("POST", "/report/build", map[string]any{"limit": 1, "offer": 2, "grouping": []any{"country_code"}})
	expect(t, r, 200, `{"rows":[{"country_code":"US"}],"total":3,`+meta+`}`)
	r = a.do("POST", "/report/build", map[string]any{"limit": 1, "offer": 2, "offset": 0, "grouping": []any{"country_code"}})
	expect(t, r, 200, `{"rows":[{"country_code":""}],"total":3,`+meta+`}`)
	// A sort by a grouping field descending, nulls last; booleans false first.
	r = a.do("POST", "/clicks/log", map[string]any{"limit": 4, "columns": []any{"click_id", "stream_id", "is_bot"},
		"sort": []any{map[string]any{"name": "stream_id", "order": "desc"}}})
	expect(t, r, 200, `{"rows":[{"click_id":3,"stream_id":7,"is_bot":false},{"click_id":4,"stream_id":null,"is_bot":false},
		{"click_id":2,"stream_id":null,"is_bot":false},{"click_id":1,"stream_id":null,"is_bot":true}],"total":4,`+meta+`}`)
	r = a.do("POST", "/clicks/log", map[string]any{"limit": 4, "columns": []any{"click_id", "is_bot"}, "sort": []any{map[string]any{"name": "is_bot"}}})
	expect(t, r, 200, `{"rows":[{"click_id":4,"is_bot":false},{"click_id":3,"is_bot":false},{"click_id":2,"is_bot":false},
		{"click_id":1,"is_bot":true}],"total":4,`+meta+`}`)
	// Rounding: half away from zero, 2 decimals for rates, 4 for money.
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cpc", "cr", "roi", "epc"},
		"filters": []any{filterOf("campaign_id", "EQUALS", 2)}}), 200, `{"cpc":1.8,"cr":50,"roi":38.89,"epc":2.5}`)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=ops", []any{map[string]any{"campaign_id": 2, "cost": 10.7}}), 200)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cost", "cpc", "crl"},
		"filters": []any{filterOf("campaign_id", "EQUALS", 2)}}), 200, `{"cost":14.3,"cpc":4.7667,"crl":33.33}`)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=ops", []any{map[string]any{"campaign_id": 1, "cost": 10.7}, map[string]any{"campaign_id": 1}}), 200)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cpc", "cr"},
		"filters": []any{filterOf("campaign_id", "EQUALS", 1)}}), 200, `{"cpc":2.9875,"cr":25}`)
	// 2.00005 is stored as 2.0000499999…: still a half, away from zero.
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=ops", []any{map[string]any{"campaign_id": 1, "cost": 2.00005}}), 200)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cost", "cpc"},
		"filters": []any{filterOf("click_id", "EQUALS", 8)}}), 200, `{"cost":2.0001,"cpc":2.0001}`)
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cr", "crl"},
		"filters": []any{filterOf("click_id", "IN_LIST", []any{1, 2, 4, 5, 6, 7, 8, 3})}}), 200, `{"cr":25,"crl":12.5}`)
}

func TestReportDefinition(t *testing.T) {
	a := start(t, keitaro.Config{})
	var def struct {
		Dimensions []struct{ Name, Type string }
		Metrics    []struct{ Name, Type string }
		Operators  []string
		Intervals  []string
	}
	decode(t, a.do("GET", "/report/definition", nil), &def)
	if len(def.Dimensions) != 96 || def.Dimensions[0].Name != "click_id" || def.Dimensions[0].Type != "integer" ||
		def.Dimensions[len(def.Dimensions)-1].Name != "landing_clicked_period" {
		t.Fatalf("dimensions: %d %v", len(def.Dimensions), def.Dimensions)
	}
	types := map[string]string{}
	for _, d := range def.Dimensions {
		types[d.Name] = d.Type
	}
	for _, m := range def.Metrics {
		types["metric "+m.Name] = m.Type
	}
	for name, want := range map[string]string{"sub_id": "string", "campaign": "string", "cost": "number", "is_bot": "boolean",
		"datetime": "datetime", "hour": "integer", "label": "string", "metric clicks": "integer", "metric cr": "percent",
		"metric epc": "number", "metric landing_clicked_period": "integer"} {
		if types[name] != want {
			t.Errorf("%s is %q, want %q", name, types[name], want)
		}
	}
	if len(def.Metrics) != 43 || len(def.Operators) != 21 || def.Operators[20] != "NOT_HAS_LABEL" ||
		strings.Join(def.Intervals, ",") != "today,yesterday,7_days_ago,first_day_of_this_week,1_month_ago,first_day_of_this_month,1_year_ago,first_day_of_this_year,all_time" {
		t.Fatalf("definition: %+v", def)
	}
	// Every listed dimension and metric is one a report accepts.
	names := []any{}
	for _, d := range def.Dimensions {
		names = append(names, d.Name)
	}
	ms := []any{}
	for _, m := range def.Metrics {
		ms = append(ms, m.Name)
	}
	expectStatus(t, a.do("POST", "/report/build", map[string]any{"limit": 1, "grouping": names, "metrics": ms}), 200)
	expectStatus(t, a.do("POST", "/clicks/log", map[string]any{"limit": 1, "columns": names}), 200)
}

// A report may send as many list filters as its body holds: the lists past
// the first hundred values go to SQLite as JSON, so a statement never
// needs more parameters than SQLite takes, and the answer is the one a
// single such filter gets.
func TestReportManyListFilters(t *testing.T) {
	a := operatorData(t)
	report := func(n int) vtest.Response {
		list := []any{"GOOGLE"} // Google and google, not Bing
		for j := range 99 {
			list = append(list, fmt.Sprint("source-", j))
		}
		var filters []any
		for range n {
			filters = append(filters, map[string]any{"name": "source", "operator": "NOT_IN_LIST", "expression": list})
		}
		return a.do("POST", "/report/build", map[string]any{"range": map[string]any{"interval": "all_time"},
			"grouping": []any{"campaign_id"}, "metrics": []any{"clicks"}, "filters": filters})
	}
	one := report(1)
	if one.Status != 200 || !strings.Contains(string(one.Body), `"clicks":`) || strings.Contains(string(one.Body), `"total":0`) {
		t.Fatalf("one filter: %d %s", one.Status, one.Body)
	}
	for _, n := range []int{2, 400} {
		expect(t, report(n), 200, string(one.Body))
	}
}
