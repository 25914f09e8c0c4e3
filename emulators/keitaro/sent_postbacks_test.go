package keitaro_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

// receiver is an affiliate's or traffic source's postback endpoint: it
// records every request it gets.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []string // "METHOD /path?query [content-type] body"
	hold chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	rv := &receiver{}
	rv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		line := r.Method + " " + r.URL.RequestURI()
		if len(b) > 0 || r.Method == http.MethodPost {
			line += " [" + r.Header.Get("Content-Type") + "] " + string(b)
		}
		rv.mu.Lock()
		rv.got = append(rv.got, line)
		hold := rv.hold
		rv.mu.Unlock()
		if hold != nil {
			<-hold
		}
		if strings.HasPrefix(r.URL.Path, "/fail") {
			http.Error(w, "nope", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "OK")
	}))
	t.Cleanup(rv.Close)
	return rv
}

// closedURL is the base URL of a server that no longer listens.
func closedURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// take returns what the receiver got so far and forgets it.
func (rv *receiver) take() []string {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	got := rv.got
	rv.got = nil
	return got
}

// sent waits for the emulator's deliveries in flight.
func (a *api) sent() {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.srv.Outbound().Wait(ctx); err != nil {
		a.t.Fatalf("deliveries: %v", err)
	}
}

func sameLines(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestSentPostbacks(t *testing.T) {
	dialects(t, func(t *testing.T, root *api) {
		rv := newReceiver(t)
		a := root.as(root.newTenant(map[string]any{"apiKey": "pb-key", "postbackKey": "pb12345", "currency": "EUR"}))
		a.mustPost("/traffic_sources", map[string]any{"name": "TS", "postback_statuses": []any{"sale"},
			"postback_url": rv.URL + "/ts?c={subid}&s={status}&p={payout}"})
		a.mustPost("/campaigns", map[string]any{"alias": "pb", "name": "Camp One", "traffic_source_id": 1, "postbacks": []any{
			map[string]any{"method": "GET", "statuses": []any{"sale"}, "url": rv.URL + "/get?subid={subid}&status={status}&payout={payout}" +
				"&rev={revenue}&cur={currency}&tid={tid}&cid={campaign_id}&cn={campaign_name}&ext={external_id}&s1={sub_id_1}&s20={sub_id_20}&x={unknown}"},
			map[string]any{"method": "POST", "statuses": []any{"lead", "sale", "rebill"}, "url": rv.URL + "/post?subid={subid}&status={status}"},
			map[string]any{"method": "GET", "statuses": []any{"rejected"}, "url": rv.URL + "/fail?s={status}"},
			map[string]any{"method": "GET", "statuses": []any{"rejected"}, "url": closedURL(t) + "/closed"},
		}})
		clicks := a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
			map[string]any{"campaign_id": 1, "sub_id": "pbClick1", "external_id": "ext 1", "sub_id_1": "a&b"},
			map[string]any{"campaign_id": 1, "sub_id": "pbClick2"},
		}, "Api-Key", "pb-key")
		expectStatus(t, clicks, 200)

		// A lead: only the POST postback wants it; the query is its form body.
		r := a.srv.Do("GET", "/keitaro/pb12345/postback?subid=pbClick1&status=lead&payout=10&tid=t1", nil)
		if r.Status != 200 || r.Body != "Success" {
			t.Fatalf("postback: %d %s", r.Status, r.Body)
		}
		a.sent()
		sameLines(t, "lead", rv.take(), "POST /post [application/x-www-form-urlencoded] subid=pbClick1&status=lead")

		// The sale: the campaign's GET and POST postbacks and the traffic
		// source's, with every macro filled and escaped.
		a.srv.Do("GET", "/keitaro/postback?subid=pbClick1&status=approved&payout=25.5&tid=t1", nil)
		a.sent()
		got := rv.take()
		want := []string{
			"GET /get?subid=pbClick1&status=sale&payout=25.5&rev=25.5&cur=EUR&tid=t1&cid=1&cn=Camp+One&ext=ext+1&s1=a%26b&s20=&x={unknown}",
			"POST /post [application/x-www-form-urlencoded] subid=pbClick1&status=sale",
			"GET /ts?c=pbClick1&s=sale&p=25.5",
		}
		if len(got) != 3 {
			t.Fatalf("sale: %q", got)
		}
		for _, w := range want { // sent side by side: any order
			if !strings.Contains(strings.Join(got, "\n"), w) {
				t.Fatalf("sale: no %q in %q", w, got)
			}
		}
		// The same status again is not forwarded; a rejection goes to the
		// failing receivers.
		a.srv.Do("GET", "/keitaro/postback?subid=pbClick1&status=sale&tid=t1", nil)
		a.srv.Do("GET", "/keitaro/postback?subid=pbClick2&status=rejected&payout=1", nil)
		a.sent()
		sameLines(t, "rejected", rv.take(), "GET /fail?s=rejected")

		// The conversions helper's conversions are forwarded too.
		expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/conversions?tenant=pb-key",
			[]any{map[string]any{"sub_id": "pbClick2", "status": "rebill", "revenue": 3}}), 200)
		a.sent()
		sameLines(t, "rebill", rv.take(), "POST /post [application/x-www-form-urlencoded] subid=pbClick2&status=rebill")

		// Every attempt is recorded, failures included.
		r = a.srv.Do("GET", "/_emulator/keitaro/deliveries?tenant=pb-key", nil)
		var ds struct {
			Deliveries []map[string]any `json:"deliveries"`
		}
		decode(t, r, &ds)
		if len(ds.Deliveries) != 7 {
			t.Fatalf("deliveries: %s", r.Body)
		}
		first := ds.Deliveries[0]
		for k, v := range map[string]any{"url": rv.URL + "/post", "method": "POST", "body": "subid=pbClick1&status=lead",
			"status": num("200"), "error": "", "time": "2017-06-01T13:40:00Z"} {
			field(t, first, k, v)
		}
		var failed, refused int
		for _, d := range ds.Deliveries {
			if d["status"] == num("500") && d["error"] == "" {
				failed++
			}
			if d["status"] == num("0") && d["error"] != "" && strings.HasSuffix(d["url"].(string), "/closed") {
				refused++
			}
		}
		if failed != 1 || refused != 1 {
			t.Fatalf("a 500 and a refused connection are recorded: %s", r.Body)
		}
		// … and in Keitaro's log of sent postbacks, newest first.
		logs := list(t, a.do("GET", "/logs/sent_postbacks", nil))
		if len(logs) != 7 || logs[0]["message"] != "POST "+rv.URL+"/post subid=pbClick2&status=rebill: 200" ||
			logs[6]["message"] != "POST "+rv.URL+"/post subid=pbClick1&status=lead: 200" || logs[0]["datetime"] != "2017-06-01 13:40:00" {
			t.Fatalf("sent_postbacks log: %v", logs)
		}
		if n := len(list(t, a.do("GET", "/logs/sent_postbacks?query=error:", nil))); n != 1 {
			t.Fatalf("%d failed lines", n)
		}

		// Other tenants send nothing and see nothing.
		expect(t, root.srv.Do("GET", "/_emulator/keitaro/deliveries", nil), 200, `{"deliveries":[]}`)
		expect(t, root.do("GET", "/logs/sent_postbacks", nil), 200, `[]`)
		root.do("PUT", "/campaigns/2", map[string]any{"postbacks": []any{map[string]any{"statuses": []any{"lead"}, "url": rv.URL + "/other"}}})
		sub := subOf(t, root.srv.Do("POST", "/_emulator/keitaro/clicks", []any{map[string]any{"campaign_id": 2}}).Body, 1)
		root.srv.Do("GET", "/keitaro/1a2b3c4/postback?subid="+sub, nil)
		a.sent()
		sameLines(t, "other tenant", rv.take(), "GET /other")
		if n := len(list(t, a.do("GET", "/logs/sent_postbacks", nil))); n != 7 {
			t.Fatalf("another tenant's delivery is in this tenant's log: %d", n)
		}
		expect(t, root.srv.Do("GET", "/_emulator/keitaro/deliveries?tenant=nobody", nil), 404, `{"error":"unknown tenant"}`)
	})
}

func TestPostbackAnswerDoesNotWaitForDeliveries(t *testing.T) {
	a := start(t, keitaro.Config{})
	rv := newReceiver(t)
	rv.hold = make(chan struct{})
	a.do("PUT", "/campaigns/2", map[string]any{"postbacks": []any{map[string]any{"statuses": []any{"lead"}, "url": rv.URL + "/slow"}}})
	sub := subOf(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{map[string]any{"campaign_id": 2}}).Body, 1)
	// The receiver holds every request until released: had the answer
	// waited for it, the attempt would have timed out by then.
	if r := a.srv.Do("GET", "/keitaro/1a2b3c4/postback?subid="+sub, nil); r.Body != "Success" {
		t.Fatalf("postback: %d %s", r.Status, r.Body)
	}
	close(rv.hold)
	a.sent()
	r := a.srv.Do("GET", "/_emulator/keitaro/deliveries", nil)
	if !strings.Contains(r.Body, `"status":200,"error":""`) {
		t.Fatalf("deliveries: %s", r.Body)
	}
}

func TestDeliveriesGoWithAReset(t *testing.T) {
	a := start(t, keitaro.Config{})
	rv := newReceiver(t)
	rv.hold = make(chan struct{})
	a.do("PUT", "/campaigns/2", map[string]any{"postbacks": []any{map[string]any{"statuses": []any{"lead"}, "url": rv.URL + "/x"}}})
	sub := subOf(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{map[string]any{"campaign_id": 2}}).Body, 1)
	a.srv.Do("GET", "/keitaro/1a2b3c4/postback?subid="+sub, nil)
	// Reset while the attempt is in flight: its result lands nowhere.
	expectStatus(t, a.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant=your-api-key", nil), 200)
	close(rv.hold)
	a.sent()
	expect(t, a.srv.Do("GET", "/_emulator/keitaro/deliveries", nil), 200, `{"deliveries":[]}`)
	expect(t, a.do("GET", "/logs/sent_postbacks", nil), 200, `[]`)
}

// TestHelperConversionsFillEveryMacro: a conversion of the conversions
// helper, which reads only part of its click, fills the macros of the
// click's other columns (external_id, sub_id_N) as the postback endpoint
// does — by click_id and by sub_id, several in one batch.
func TestHelperConversionsFillEveryMacro(t *testing.T) {
	a := start(t, keitaro.Config{})
	rv := newReceiver(t)
	a.do("PUT", "/campaigns/2", map[string]any{"postbacks": []any{map[string]any{"statuses": []any{"sale"},
		"url": rv.URL + "/m?s={subid}&ext={external_id}&s1={sub_id_1}&s15={sub_id_15}&st={status}"}}})
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
		map[string]any{"campaign_id": 2, "sub_id": "macro1", "external_id": "e 1", "sub_id_1": "a&b", "sub_id_15": "z"},
		map[string]any{"campaign_id": 2, "sub_id": "macro2", "external_id": "e2"},
	}), 200)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/conversions", []any{
		map[string]any{"sub_id": "macro1", "status": "sale"},
		map[string]any{"sub_id": "macro2", "status": "lead"},
		map[string]any{"sub_id": "macro2", "status": "sale"},
	}), 200)
	a.sent()
	got := rv.take()
	slices.Sort(got) // sent side by side: any order
	sameLines(t, "helper sales", got,
		"GET /m?s=macro1&ext=e+1&s1=a%26b&s15=z&st=sale",
		"GET /m?s=macro2&ext=e2&s1=&s15=&st=sale")
}
