package hitsteps_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestStatsReflectRecordedVisits(t *testing.T) {
	srv := start(t)
	setClock(t, srv, "2025-03-10T08:00:00Z")
	id := num(t, wl(srv, "website-add", "1", "user_account_id", "12", "site_name", "S", "site_url", "s.example.com"), "website_id")
	zero := func(d string, unix int64) string {
		return fmt.Sprintf(`{"day":"%s","date":"%d","visits":"0","pageviews":"0","new_visits":"0","ref_from_sites":"0","ref_from_search":"0","ref_direct":"0","ref_socialmedia":"0","bouncerate":"0"}`, d, unix)
	}
	// Without records: seven zero days ending yesterday.
	want(t, wl(srv, "stats-7days", "1", "website_id", fmt.Sprint(id)), `{"0":`+zero("20250309", 1741478400)+`,"1":`+zero("20250308", 1741392000)+
		`,"2":`+zero("20250307", 1741305600)+`,"3":`+zero("20250306", 1741219200)+`,"4":`+zero("20250305", 1741132800)+
		`,"5":`+zero("20250304", 1741046400)+`,"6":`+zero("20250303", 1740960000)+`,"error":0}`)
	record := func(day string, visits, pageviews int) {
		control(t, srv, "POST", "hitsteps/visits", map[string]any{"website_id": id, "day": day, "visits": visits,
			"pageviews": pageviews, "new_visits": 5, "ref_from_sites": 1, "ref_from_search": 2, "ref_direct": 9, "bouncerate": 33}, 200)
	}
	record("20250309", 1, 1)
	record("20250309", 12, 40) // replaces the earlier record of the day
	record("20250303", 7, 8)
	record("20250302", 100, 100) // outside the window
	record("20250310", 100, 100) // today: never shown
	r := wl(srv, "stats-7days", "1", "website_id", fmt.Sprint(id))
	if !strings.HasPrefix(r.Body, `{"0":{"day":"20250309","date":"1741478400","visits":"12","pageviews":"40","new_visits":"5","ref_from_sites":"1","ref_from_search":"2","ref_direct":"9","ref_socialmedia":"0","bouncerate":"33"},"1":`+zero("20250308", 1741392000)) ||
		!strings.HasSuffix(r.Body, `"6":{"day":"20250303","date":"1740960000","visits":"7","pageviews":"8","new_visits":"5","ref_from_sites":"1","ref_from_search":"2","ref_direct":"9","ref_socialmedia":"0","bouncerate":"33"},"error":0}`) {
		t.Errorf("stats %s", r.Body)
	}
	// Website totals count every record.
	w := wl(srv, "website-by-domain", "1", "website_url", "s.example.com")
	if num(t, w, "total_visitors") != 12+7+100+100 || num(t, w, "total_pageviews") != 40+8+100+100 {
		t.Errorf("totals %s", w.Body)
	}
	// The next day moves the window.
	advance(t, srv, "1d")
	if r := wl(srv, "stats-7days", "1", "website_id", fmt.Sprint(id)); !strings.HasPrefix(r.Body, `{"0":{"day":"20250310","date":"1741564800","visits":"100"`) {
		t.Errorf("next day %s", r.Body)
	}
}

func TestStatsErrors(t *testing.T) {
	srv := start(t)
	wantErr(t, wl(srv, "stats-7days", "1"), 1, "Missing parameter: website_id")
	wantErr(t, wl(srv, "stats-7days", "1", "website_id", "3x"), 1, "Invalid parameter: website_id")
	wantErr(t, wl(srv, "stats-7days", "1", "website_id", "35"), 6, "Website not found")
	wantErr(t, wl(srv, "stats-7days", "1", "website_id", "9999"), 6, "Website not found")
}

func TestAutologin(t *testing.T) {
	srv := start(t)
	r := wl(srv, "autologin", "1", "website_id", "18", "reportname", "heatmap")
	if !strings.HasPrefix(str(t, r, "autologin_url"), "https://hitsteps.com/login-code.php?code=34567645332b42354224a4242343544c345b&page=heatmap&t=") ||
		str(t, r, "simple_url") != "https://hitsteps.com/stats/heatmap.php?id=18" {
		t.Errorf("autologin %s", r.Body)
	}
	for _, rep := range []string{"dashboard", "online", "visitors", "pages", "referrers", "search", "campaigns", "heatmap", "chat", "goals", "alerts", "uptime", "settings"} {
		if r := wl(srv, "autologin", "2", "website_id", "35", "reportname", rep); num(t, r, "error") != 0 {
			t.Errorf("%s: %s", rep, r.Body)
		}
	}
	wantErr(t, wl(srv, "autologin", "1", "reportname", "dashboard"), 1, "Missing parameter: website_id")
	wantErr(t, wl(srv, "autologin", "1", "website_id", "18"), 1, "Missing parameter: reportname")
	wantErr(t, wl(srv, "autologin", "1", "website_id", "18", "reportname", "Dashboard"), 12, "Invalid report")
	wantErr(t, wl(srv, "autologin", "1", "website_id", "35", "reportname", "reports"), 12, "Invalid report")
	wantErr(t, wl(srv, "autologin", "1", "website_id", "35", "reportname", "dashboard"), 6, "Website not found")
}
