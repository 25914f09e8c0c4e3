package keitaro_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

// routeSweep is one call to every Admin API route, in an order in which
// each succeeds on the default tenant's sample data. The dialect only
// changes shapes (§4.0.4), so every call must answer 200 and JSON in both.
var routeSweep = []struct {
	method, path string
	body         any
}{
	{"GET", "/affiliate_networks", nil},
	{"GET", "/affiliate_networks/1", nil},
	{"POST", "/affiliate_networks", map[string]any{"name": "Net"}},
	{"PUT", "/affiliate_networks/4", map[string]any{"notes": "n"}},
	{"POST", "/affiliate_networks/4/clone", nil},
	{"POST", "/affiliate_networks/4/archive", nil},
	{"DELETE", "/affiliate_networks/5", nil},

	{"GET", "/campaigns", nil},
	{"POST", "/campaigns", map[string]any{"name": "Sweep", "alias": "sweep1"}},
	{"GET", "/campaigns/734", nil},
	{"PUT", "/campaigns/734", map[string]any{"name": "Sweep 2"}},
	{"POST", "/campaigns/734/disable", nil},
	{"POST", "/campaigns/734/enable", nil},
	{"GET", "/campaigns/734/streams", nil},
	{"POST", "/campaigns/734/update_costs", map[string]any{"start_date": "2017-06-01", "end_date": "2017-06-01", "cost": 1}},
	{"POST", "/campaigns/734/clone", nil},
	{"DELETE", "/campaigns/734", nil},
	{"GET", "/campaigns/deleted", nil},
	{"POST", "/campaigns/734/restore", nil},

	{"POST", "/streams", map[string]any{"campaign_id": 734, "type": "regular", "schema": "redirect", "action_type": "http", "name": "S"}},
	{"GET", "/streams/3660", nil},
	{"PUT", "/streams/3660", map[string]any{"name": "S2"}},
	{"POST", "/streams/3660/disable", nil},
	{"POST", "/streams/3660/enable", nil},
	{"GET", "/streams/search?query=S2", nil},
	{"POST", "/streams/copy", map[string]any{"stream_ids": []int{3660}, "campaign_id": 89}},
	{"POST", "/streams/move_streams", map[string]any{"stream_ids": []int{3661}, "campaign_id": 2}},
	{"GET", "/streams/3660/events", nil},
	{"GET", "/stream/3660/events", nil},
	{"DELETE", "/streams/3660", nil},
	{"GET", "/streams/deleted", nil},
	{"POST", "/streams/3660/restore", nil},
	{"GET", "/stream_types", nil},
	{"GET", "/stream_schemas", nil},
	{"GET", "/stream_actions", nil},
	{"GET", "/streams_actions", nil},
	{"GET", "/stream_filters", nil},

	{"GET", "/offers", nil},
	{"GET", "/offers/1", nil},
	{"POST", "/offers", map[string]any{"name": "O", "url": "http://o.example"}},
	{"PUT", "/offers/16", map[string]any{"name": "O2"}},
	{"POST", "/offers/16/clone", nil},
	{"DELETE", "/offers/16/archive", nil},

	{"GET", "/landing_pages", nil},
	{"GET", "/landing_pages/26", nil},
	{"POST", "/landing_pages", map[string]any{"name": "L", "url": "http://l.example"}},
	{"PUT", "/landing_pages/27", map[string]any{"name": "L2"}},
	{"PUT", "/landing_pages/27/clone", nil},
	{"POST", "/landing_pages/27/clone", nil},
	{"DELETE", "/landing_pages/27", nil},

	{"GET", "/traffic_sources", nil},
	{"GET", "/traffic_sources/1", nil},
	{"POST", "/traffic_sources", map[string]any{"name": "TS"}},
	{"PUT", "/traffic_sources/2", map[string]any{"name": "TS2"}},
	{"POST", "/traffic_sources/2/clone", nil},
	{"DELETE", "/traffic_sources/2", nil},

	{"GET", "/groups?type=campaigns", nil},
	{"POST", "/groups", map[string]any{"name": "G", "type": "offers"}},
	{"PUT", "/groups/19", map[string]any{"name": "G2"}},
	{"DELETE", "/groups/19/delete", nil},

	{"GET", "/domains", nil},
	{"POST", "/domains", map[string]any{"name": "sweep.example.com"}},
	{"GET", "/domains/1", nil},
	{"PUT", "/domains/1", map[string]any{"default_campaign_id": 89}},
	{"POST", "/domains/1/check", nil},
	{"DELETE", "/domains/1", nil},
	{"GET", "/domains/deleted", nil},
	{"POST", "/domains/1/restore", nil},

	{"GET", "/users", nil},
	{"POST", "/users", map[string]any{"login": "sweep", "type": "user", "new_password": "secret1", "new_password_confirmation": "secret1"}},
	{"GET", "/users/2", nil},
	{"PUT", "/users/2", map[string]any{"login": "sweep2"}},
	{"PUT", "/users/2/access", map[string]any{"access_data": map[string]any{"offers_access_type": "full_access"}}},
	{"DELETE", "/users/2", nil},

	{"PUT", "/botlist", map[string]any{"value": "1.2.3.4"}},
	{"POST", "/botlist/add", map[string]any{"value": "5.6.7.8"}},
	{"POST", "/botlist/exclude", map[string]any{"value": "1.2.3.4"}},
	{"GET", "/botlist", nil},
	{"DELETE", "/botlist", nil},

	{"POST", "/report/labels", map[string]any{"campaign_id": 2, "ref_name": "source", "items": map[string]any{"fb": "blacklist"}}},
	{"GET", "/report/labels?campaign_id=2&ref_name=source&label_name=blacklist", nil},
	{"GET", "/report/definition", nil},
	{"POST", "/report/build", map[string]any{"grouping": []string{"campaign"}, "metrics": []string{"clicks"}, "range": map[string]any{"interval": "today"}}},
	{"POST", "/clicks/build", map[string]any{"metrics": []string{"clicks"}, "range": map[string]any{"interval": "today"}}},
	{"POST", "/clicks/log", map[string]any{"columns": []string{"sub_id"}, "range": map[string]any{"interval": "today"}}},
	{"POST", "/clicks/summary", map[string]any{"range": map[string]any{"interval": "today"}}},
	{"GET", "/conversions/log?columns=sub_id&range[interval]=today", nil},
	{"POST", "/conversions/log", map[string]any{"columns": []string{"sub_id"}, "range": map[string]any{"interval": "today"}}},
	{"POST", "/clicks/update_costs", map[string]any{"campaign_ids": []int{2}, "costs": []any{map[string]any{"start_date": "2017-06-01", "end_date": "2017-06-01", "cost": 1}}}},
	{"POST", "/clicks/clean", map[string]any{"start_date": "2017-05-01", "end_date": "2017-05-31"}},

	{"GET", "/integrations/avscan", nil},
	{"PUT", "/integrations/avscan?avscan_key=k", nil},
	{"GET", "/integrations/imklo", nil},
	{"PUT", "/integrations/imklo", map[string]any{"imklo_api_url": "http://imklo.example"}},
	{"POST", "/integrations/facebook", map[string]any{"name": "FB", "ad_account_id": "act_1", "token": "t"}},
	{"GET", "/integrations/facebook", nil},
	{"GET", "/integrations/facebook/1", nil},
	{"PUT", "/integrations/facebook/1", map[string]any{"name": "FB2"}},
	{"POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 2}},
	{"GET", "/integrations/facebook/1/campaign", nil},
	{"DELETE", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 2}},
	{"DELETE", "/integrations/facebook/1", nil},

	{"GET", "/landing_pages/26/get_structure", nil},
	{"POST", "/landing_pages/26/add_file?path=a/x.html", nil},
	{"PUT", "/landing_pages/26/update_file?path=a/x.html&data=x", nil},
	{"GET", "/landing_pages/26/get_file?path=a/x.html", nil},
	{"DELETE", "/landing_pages/26/remove_file?path=a/x.html", nil},
	{"GET", "/offers/1/get_structure", nil},
	{"POST", "/offers/1/add_file", map[string]any{"path": "x.html"}},
	{"PUT", "/offers/1/update_file", map[string]any{"path": "x.html", "data": "x"}},
	{"GET", "/offers/1/get_file?path=x.html", nil},
	{"DELETE", "/offers/1/remove_file?path=x.html", nil},

	{"GET", "/logs/types", nil},
	{"POST", "/logs/types", nil},
	{"GET", "/logs/system", nil},
	{"DELETE", "/logs/system", nil},
}

func TestEveryRouteInBothDialects(t *testing.T) {
	for _, dialect := range []string{"classic", "modern"} {
		t.Run(dialect, func(t *testing.T) {
			a := start(t, keitaro.Config{Dialect: dialect})
			for _, c := range routeSweep {
				r := a.do(c.method, c.path, c.body)
				if r.Status != 200 || !json.Valid([]byte(r.Body)) {
					t.Errorf("%s %s: %d %s", c.method, c.path, r.Status, r.Body)
				}
			}
		})
	}
}

// TestRouteSweepCoversEveryRoute keeps the sweep honest: every route the
// emulator registers under /admin_api/v1 is called by it.
func TestRouteSweepCoversEveryRoute(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	v, err := keitaro.New(keitaro.Config{})(emu.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	v.Routes(r)
	param := regexp.MustCompile(`:[a-z]+`)
	n := 0
	for _, route := range r.Routes() {
		p, ok := strings.CutPrefix(route.Path, "/admin_api/v1")
		if !ok {
			continue
		}
		n++
		re := regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + `(\?.*)?$`)
		found := false
		for _, c := range routeSweep {
			if c.method == route.Method && re.MatchString(c.path) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("the route sweep does not call %s %s", route.Method, p)
		}
	}
	if n < 100 {
		t.Fatalf("only %d routes registered", n)
	}
}
