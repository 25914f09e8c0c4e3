package twipla_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

var keyPattern = regexp.MustCompile(`^twpl-[A-Za-z0-9]{20}$`)

func TestAPIKeys(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	c.customer("c2", "w2", "")
	path := "/v2/3as/websites/w1/api-keys"
	r := c.do("POST", path, map[string]any{"name": "ci"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	k := obj(t, r.Body)["payload"].(map[string]any)
	key, id := k["apiKey"].(string), k["id"].(string)
	if !keyPattern.MatchString(key) {
		t.Fatalf("key %q", key)
	}
	want := `{"payload":{"apiKey":"` + key + `","id":"` + id + `","name":"ci","comment":"","expiresAt":"9999-12-31T23:59:59Z",` +
		`"createdAt":"` + t0 + `","intpWebsiteId":"w1","intpCustomerId":"c1"}}`
	if r.Body != want {
		t.Fatalf("create answer\n got %s\nwant %s", r.Body, want)
	}
	k2 := c.payload(201, "POST", path, map[string]any{"name": "rotating", "comment": "until April", "expiresAt": "2031-04-01T00:00:00+02:00"})
	if k2["expiresAt"] != "2031-03-31T22:00:00Z" || k2["comment"] != "until April" {
		t.Fatalf("second key %v", k2)
	}
	c.payload(201, "POST", path, map[string]any{"name": "null comment", "comment": nil})
	r = c.do("GET", path, nil)
	if r.Status != 200 || strings.Contains(r.Body, "apiKey") {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	list := obj(t, r.Body)["payload"].([]any)
	if len(list) != 3 || list[0].(map[string]any)["id"] != id || list[2].(map[string]any)["comment"] != "" {
		t.Fatalf("list %v", list)
	}
	if r := c.do("GET", "/v2/3as/websites/w2/api-keys", nil); r.Body != `{"payload":[]}` {
		t.Fatalf("other website: %s", r.Body)
	}
	for body, msg := range map[string]string{
		`{}`:                                    "name is required",
		`{"name":""}`:                           "name is required",
		`{"name":1}`:                            "name must be a string",
		`{"name":"x","comment":1}`:              "comment must be a string",
		`{"name":"x","expiresAt":"tomorrow"}`:   "expiresAt must be an RFC 3339 date-time",
		`{"name":"x","expiresAt":"` + t0 + `"}`: "expiresAt must be in the future",
	} {
		wantBad(t, c.do("POST", path, body), msg)
	}
	wantNotFound(t, c.do("POST", "/v2/3as/websites/nope/api-keys", `{"name":"x"}`), "website")

	// The key opens the analytics API; deleting it closes it at once.
	if r := e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "x-api-key", key); r.Status != 200 {
		t.Fatalf("analytics: %d %s", r.Status, r.Body)
	}
	wantNotFound(t, c.do("DELETE", "/v2/3as/websites/w2/api-keys/"+id, nil), "api key")
	del := c.do("DELETE", path+"/"+id, nil)
	if del.Status != 200 || !strings.HasPrefix(del.Body, `{"payload":{"id":"`+id+`","name":"ci",`) {
		t.Fatalf("delete: %d %s", del.Status, del.Body)
	}
	wantNotFound(t, c.do("DELETE", path+"/"+id, nil), "api key")
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", key), 401, "invalid api key", "invalid api key")

	// An expired key stops working but is still listed.
	rot := loginBody(c.payload(201, "POST", path, map[string]any{"name": "short", "expiresAt": "2031-03-10T13:00:00Z"})["apiKey"].(string), "")
	_ = rot
	e.advance("61m")
	expired := obj(t, c.do("GET", path, nil).Body)["payload"].([]any)
	if len(expired) != 3 {
		t.Fatalf("expired keys not listed: %v", expired)
	}
}

func loginBody(key, websiteID string) map[string]any {
	return map[string]any{"apiKey": key, "websiteId": websiteID}
}

func TestAPIKeyLogin(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	c.customer("c2", "w2", "")
	wid := c.website("w1")["id"].(string)
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	login := func(body any) vtest.Response { return e.srv.Do("POST", "/twipla/v2/3as/api-keys/login", body) }
	r := login(loginBody(key, wid))
	if r.Status != 200 || !regexp.MustCompile(`^\{"payload":\{"token":"twpl-at-[0-9a-f]{32}","refreshToken":"twpl-rt-[0-9a-f]{32}"\}\}$`).MatchString(r.Body) {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	if r2 := login(loginBody(key, wid)); r2.Body == r.Body {
		t.Fatal("a second login returned the same tokens")
	}
	invalid := func(r vtest.Response) { t.Helper(); wantError(t, r, 401, "invalid api key", "invalid api key") }
	invalid(login(loginBody(key, c.website("w2")["id"].(string))))
	invalid(login(loginBody(key, "00000000-0000-4000-8000-000000000000")))
	invalid(login(loginBody("twpl-nope", wid)))
	wantBad(t, login(map[string]any{"websiteId": wid}), "apiKey is required")
	wantBad(t, login(map[string]any{"apiKey": key}), "websiteId is required")
	wantBad(t, login(map[string]any{"apiKey": key, "websiteId": 5}), "websiteId must be a string")
	wantBad(t, login(`{`), "invalid JSON body")
	// The journal knows the INTP of a login.
	if j := e.srv.Do("GET", "/_emulator/requests?path=/v2/3as/api-keys/login", nil); !strings.Contains(j.Body, `"tenant":"`+websiteINTP+`"`) {
		t.Fatalf("journal: %s", j.Body)
	}
}

func TestAnalyticsAuth(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil), 401, "missing api key", "invalid api key")
	wantError(t, e.srv.Do("POST", "/twipla/v2/3as/analytics/session-analytics", `{}`), 401, "missing api key", "invalid api key")
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", "twpl-AAAAAAAAAAAAAAAAAAAA"), 401, "invalid api key", "invalid api key")
	// A JWT is not an API key, and an API key is not a JWT.
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "Authorization", "Bearer "+e.token(websiteINTP)), 401, "missing api key", "invalid api key")
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	wantError(t, e.srv.Do("GET", companyPath, nil, "X-Api-Key", key), 401, "missing access token", "invalid access token")
}

// sessionSet records a fixed set of sessions on w1 and answers an API key.
func sessionSet(t *testing.T, e *env) string {
	t.Helper()
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgPro)
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	record(t, e, websiteINTP, "w1",
		map[string]any{"visitorId": "v1", "startedAt": "2031-03-02T09:00:00Z", "country": "DE", "device": "mobile", "pageViews": 3, "events": 2, "duration": 120, "recorded": true},
		map[string]any{"visitorId": "v1", "startedAt": "2031-03-02T18:30:00+02:00", "country": "DE", "device": "desktop", "pageViews": 1, "duration": 10},
		map[string]any{"visitorId": "v2", "startedAt": "2031-03-03T10:00:00Z", "country": "US", "device": "mobile", "pageViews": 5, "events": 1, "duration": 300, "utmSource": "news"},
		map[string]any{"visitorId": "v3", "startedAt": "2031-03-09T23:59:59Z", "country": "FR", "pageViews": 1, "duration": 5},
		map[string]any{"visitorId": "v4", "startedAt": "2031-02-01T00:00:00Z", "country": "DE", "pageViews": 2},
	)
	return key
}

func TestRawSessions(t *testing.T) {
	e := newEnv(t)
	key := sessionSet(t, e)
	get := func(q string) vtest.Response {
		return e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions"+q, nil, "X-Api-Key", key)
	}
	visitors := func(r vtest.Response) string {
		t.Helper()
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out []string
		for _, s := range obj(t, r.Body)["payload"].([]any) {
			out = append(out, s.(map[string]any)["visitorId"].(string)+"@"+s.(map[string]any)["startedAt"].(string)[5:13])
		}
		return strings.Join(out, ",")
	}
	// Default: the last 30 days, newest first (v4 is older).
	r := get("")
	if got := visitors(r); got != "v3@03-09T23,v2@03-03T10,v1@03-02T16,v1@03-02T09" {
		t.Fatalf("default: %s", got)
	}
	if !strings.HasSuffix(r.Body, `"meta":{"page":0,"pageSize":50,"pageTotal":1,"total":4}}`) {
		t.Fatalf("meta: %s", r.Body)
	}
	first := obj(t, r.Body)["payload"].([]any)[0].(map[string]any)
	wantKeys := "id,visitorId,startedAt,duration,pageViews,events,recorded,country,device,browser,os,referrer,landingPage,utmSource,utmMedium,utmCampaign"
	if got := strings.Join(keysOf(t, mustJSON(t, first, r.Body, "session")), ","); got != wantKeys {
		t.Fatalf("session keys %s", got)
	}
	fieldsOf(t, "defaults", first, map[string]any{"device": "desktop", "browser": "Chrome", "os": "Windows", "landingPage": "/", "referrer": "", "recorded": false, "events": float64(0)})
	for q, want := range map[string]string{
		"?from=2031-01-01":                                   "v3@03-09T23,v2@03-03T10,v1@03-02T16,v1@03-02T09,v4@02-01T00",
		"?from=2031-03-02&to=2031-03-02":                     "v1@03-02T16,v1@03-02T09",
		"?from=2031-03-02T16:30:00Z&to=2031-03-03":           "v2@03-03T10,v1@03-02T16",
		"?from=2031-03-02T16:30:00Z&to=2031-03-03T10:00:00Z": "v1@03-02T16",
		"?sort=duration":                                     "v3@03-09T23,v1@03-02T16,v1@03-02T09,v2@03-03T10",
		"?sort=-pageViews&pageSize=2":                        "v2@03-03T10,v1@03-02T09",
		"?country=DE":                                        "v1@03-02T16,v1@03-02T09",
		"?country=DE,US&device=mobile":                       "v2@03-03T10,v1@03-02T09",
		"?country=FR&country=US":                             "v3@03-09T23,v2@03-03T10",
		"?utmSource=news":                                    "v2@03-03T10",
		"?country=de":                                        "",
		"?page=1&pageSize=3":                                 "v1@03-02T09",
		"?sort=startedAt&page=0&pageSize=2":                  "v1@03-02T09,v1@03-02T16",
	} {
		if got := visitors(get(q)); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	r = get("?dimensions=device,country&pageSize=1")
	if !strings.Contains(r.Body, `"recorded":false,"device":"desktop","country":"FR"}],"meta":{"page":0,"pageSize":1,"pageTotal":4,"total":4}}`) {
		t.Fatalf("dimensions: %s", r.Body)
	}
	for q, msg := range map[string]string{
		"?from=yesterday":                "from must be an RFC 3339 date-time or YYYY-MM-DD",
		"?to=2031-13-01":                 "to must be an RFC 3339 date-time or YYYY-MM-DD",
		"?from=2031-03-05&to=2031-03-04": "from must be before to",
		"?page=-1":                       "page must be 0 or greater",
		"?page=x":                        "page must be an integer",
		"?pageSize=0":                    "pageSize must be between 1 and 1000",
		"?sort=country":                  "sort must be one of startedAt, duration, pageViews, events, optionally prefixed with -",
		"?dimensions=country,planet":     "unknown dimension planet",
	} {
		wantBad(t, get(q), msg)
	}
}

func TestSessionAnalytics(t *testing.T) {
	e := newEnv(t)
	key := sessionSet(t, e)
	post := func(body string) vtest.Response {
		return e.srv.Do("POST", "/twipla/v2/3as/analytics/session-analytics", body, "X-Api-Key", key)
	}
	// The document-style example.
	r := post(`{"dimensions":["country"],"metrics":["sessions","pageViews"],"from":"2031-03-01","to":"2031-03-31",
		"granularity":"day","compare":true,"filters":{"device":["mobile"]}}`)
	want := `{"payload":{"from":"2031-03-01T00:00:00Z","to":"2031-04-01T00:00:00Z","granularity":"day","dimensions":["country"],` +
		`"metrics":["sessions","pageViews"],"rows":[{"date":"2031-03-02","country":"DE","sessions":1,"pageViews":3},` +
		`{"date":"2031-03-03","country":"US","sessions":1,"pageViews":5}],"totals":{"sessions":2,"pageViews":8},` +
		`"previous":{"from":"2031-01-29T00:00:00Z","to":"2031-03-01T00:00:00Z","rows":[],"totals":{"sessions":0,"pageViews":0}}}}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("\n got %d %s\nwant %s", r.Status, r.Body, want)
	}
	// Every metric, no dimensions, weekly buckets (weeks start on Monday).
	r = post(`{"metrics":["sessions","visitors","pageViews","events","avgDuration","bounceRate"],"from":"2031-03-01","to":"2031-03-10","granularity":"week"}`)
	want = `{"payload":{"from":"2031-03-01T00:00:00Z","to":"2031-03-11T00:00:00Z","granularity":"week","dimensions":[],` +
		`"metrics":["sessions","visitors","pageViews","events","avgDuration","bounceRate"],"rows":[` +
		`{"date":"2031-02-24","sessions":2,"visitors":1,"pageViews":4,"events":2,"avgDuration":65,"bounceRate":0.5},` +
		`{"date":"2031-03-03","sessions":2,"visitors":2,"pageViews":6,"events":1,"avgDuration":152.5,"bounceRate":0.5}],` +
		`"totals":{"sessions":4,"visitors":3,"pageViews":10,"events":3,"avgDuration":108.75,"bounceRate":0.5},"previous":null}}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("\n got %d %s\nwant %s", r.Status, r.Body, want)
	}
	// Rounding: 2 decimals for avgDuration, 4 for bounceRate.
	r = post(`{"metrics":["avgDuration","bounceRate"],"from":"2031-03-02","to":"2031-03-03"}`)
	if !strings.Contains(r.Body, `"totals":{"avgDuration":143.33,"bounceRate":0.3333}`) {
		t.Fatalf("rounding: %s", r.Body)
	}
	// Months; two dimensions, sorted by value; previous period of equal length.
	r = post(`{"metrics":["sessions"],"dimensions":["country","device"],"from":"2031-02-01","to":"2031-03-31","granularity":"month"}`)
	want = `"rows":[{"date":"2031-02-01","country":"DE","device":"desktop","sessions":1},` +
		`{"date":"2031-03-01","country":"DE","device":"desktop","sessions":1},{"date":"2031-03-01","country":"DE","device":"mobile","sessions":1},` +
		`{"date":"2031-03-01","country":"FR","device":"desktop","sessions":1},{"date":"2031-03-01","country":"US","device":"mobile","sessions":1}]`
	if !strings.Contains(r.Body, want) || !strings.Contains(r.Body, `"granularity":"month"`) {
		t.Fatalf("months: %s", r.Body)
	}
	// No sessions: zeros, not nulls.
	r = post(`{"metrics":["avgDuration","bounceRate","visitors"],"from":"2030-01-01","to":"2030-01-02","granularity":null}`)
	if !strings.Contains(r.Body, `"granularity":null,`) || !strings.Contains(r.Body, `"rows":[],"totals":{"avgDuration":0,"bounceRate":0,"visitors":0}`) {
		t.Fatalf("empty: %s", r.Body)
	}
	for body, msg := range map[string]string{
		`{}`:                      "metrics is required",
		`{"metrics":[]}`:          "metrics is required",
		`{"metrics":"sessions"}`:  "metrics must be an array of strings",
		`{"metrics":["revenue"]}`: "unknown metric revenue",
		`{"metrics":["sessions"],"dimensions":["planet"]}`:                          "unknown dimension planet",
		`{"metrics":["sessions"],"dimensions":["country","device","os","browser"]}`: "dimensions must have at most 3 entries",
		`{"metrics":["sessions"],"granularity":"hour"}`:                             "granularity must be one of day, week, month",
		`{"metrics":["sessions"],"compare":"yes"}`:                                  "compare must be a boolean",
		`{"metrics":["sessions"],"from":5}`:                                         "from must be a string",
		`{"metrics":["sessions"],"from":"2031-03-05","to":"2031-03-01"}`:            "from must be before to",
		`{"metrics":["sessions"],"filters":{"planet":["x"]}}`:                       "unknown dimension planet",
		`{"metrics":["sessions"],"filters":{"country":"DE"}}`:                       "filters.country must be an array of strings",
		`{"metrics":["sessions"],"filters":[]}`:                                     "filters must be an object",
	} {
		wantBad(t, post(body), msg)
	}
}

func TestSessionsAndConsumption(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgBasic)
	rec := record(t, e, websiteINTP, "w1",
		map[string]any{"events": 3, "recorded": true, "heatmapIncrements": 2, "pollAnswers": 1, "surveyAnswers": 4, "funnelMatches": 5},
		map[string]any{"visitorId": "v", "startedAt": "2030-01-01T00:00:00Z"})
	if rec["recorded"] != float64(2) || len(rec["sessions"].([]any)) != 2 {
		t.Fatalf("answer %v", rec)
	}
	s0 := rec["sessions"].([]any)[0].(map[string]any)
	fieldsOf(t, "session defaults", s0, map[string]any{"startedAt": t0, "duration": float64(60), "pageViews": float64(1), "country": "US"})
	want := map[string]any{"stpLimit": float64(10000), "stpConsumed": float64(2 + 3 + 1 + 2 + 1 + 4 + 5), "stpConsumedVisit": float64(2),
		"stpConsumedVisitEvent": float64(3), "stpConsumedSessionRecording": float64(1), "stpConsumedHeatmapIncrement": float64(2),
		"stpConsumedPollAnswer": float64(1), "stpConsumedSurveyAnswer": float64(4), "stpConsumedFunnelMatch": float64(5)}
	fieldsOf(t, "recorded consumption", rec["consumption"].(map[string]any), want)
	fieldsOf(t, "website consumption", c.website("w1")["consumption"].(map[string]any), want)
	// Counters reset with the period; tracking continues past the limit.
	e.advance("31d")
	fieldsOf(t, "reset", c.website("w1")["consumption"].(map[string]any), map[string]any{"stpConsumed": float64(0)})
	big := make([]map[string]any, 0)
	big = append(big, map[string]any{"events": 20000})
	rec = record(t, e, websiteINTP, "w1", big...)
	fieldsOf(t, "past the limit", rec["consumption"].(map[string]any), map[string]any{"stpConsumed": float64(20001)})

	for body, msg := range map[string]string{
		`{"intpWebsiteId":"w1","sessions":[{}]}`:                                                 "intpId is required",
		`{"intpId":"` + websiteINTP + `","sessions":[{}]}`:                                       "intpWebsiteId is required",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1"}`:                                  "sessions must be a non-empty array of sessions",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[]}`:                    "sessions must be a non-empty array of sessions",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[1]}`:                   "sessions must be an array of objects",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[{"pageViews":0}]}`:     "sessions[0].pageViews must be an integer of at least 1",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[{},{"duration":-1}]}`:  "sessions[1].duration must be an integer of at least 0",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[{"device":"watch"}]}`:  "sessions[0].device must be one of desktop, mobile, tablet",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[{"startedAt":"now"}]}`: "sessions[0].startedAt must be an RFC 3339 date-time",
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"w1","sessions":[{"recorded":1}]}`:      "sessions[0].recorded must be a boolean",
		`[]`: "body must be a JSON object",
	} {
		r := e.srv.Do("POST", "/_emulator/twipla/sessions", body)
		if r.Status != 400 || r.Body != `{"error":`+quote(msg)+`}` {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	for body, status := range map[string]int{
		`{"intpId":"00000000-0000-4000-8000-000000000000","intpWebsiteId":"w1","sessions":[{}]}`: 404,
		`{"intpId":"` + websiteINTP + `","intpWebsiteId":"nope","sessions":[{}]}`:                404,
	} {
		if r := e.srv.Do("POST", "/_emulator/twipla/sessions", body); r.Status != status {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
}
