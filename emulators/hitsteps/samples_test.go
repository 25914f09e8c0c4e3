package hitsteps_test

import (
	"regexp"
	"testing"
)

// The document's sample calls, sent verbatim to the default tenant, return
// the document's sample answers.

func TestSampleToken(t *testing.T) {
	srv := start(t)
	r := call(srv, "token", "username", "whitelabel@example.com", "password", "secret")
	if !regexp.MustCompile(`^\{"error":0,"main_account":"1234","token":"[0-9a-f]{34}"\}$`).MatchString(r.Body) {
		t.Errorf("token answer %s", r.Body)
	}
}

func TestSampleWhitelabels(t *testing.T) {
	srv := start(t)
	want(t, call(srv, "whitelabels", "token", sampleToken, "main_account", "1234"),
		`{"0":{"whitelabel_id":"1","whitelabel_brand":"Hitsteps","whitelabel_url":"hitsteps.com"},`+
			`"1":{"whitelabel_id":"2","whitelabel_brand":"Hitsteps Whitelabel","whitelabel_url":"whitelabel.hitsteps.com"},"error":0}`)
}

func TestSampleAccounts(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "accounts", "1"),
		`{"0":{"user_account_id":"12","user_account_email":"account@example.com","user_nick":"Jack","user_account_statusmode":null,"user_trial_status":"1","user_license_code":"0","user_license_expiry":"1007514389"},`+
			`"1":{"user_account_id":"13","user_account_email":"customer@example.com","user_nick":"John","user_account_statusmode":null,"user_trial_status":"0","user_license_code":"3","user_license_expiry":"1230021058"},`+
			`"2":{"user_account_id":"33","user_account_email":"sales@hitsteps.com","user_nick":"Hitsteps","user_account_statusmode":"1","user_trial_status":"0","user_license_code":"-1","user_license_expiry":"0"},"error":0}`)
}

func TestSampleAccountDetail(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "account", "2", "user_account_id", "22"),
		`{"error":0,"user_account_id":"22","user_account_email":"sales@hitsteps.com","user_timezone":"8","user_country":"my","user_language":"en","user_nickname":"Hitsteps","user_account_statusmode":"1","user_license_code":"1","user_trial_status":"0","user_license_expiry":"1586041271"}`)
}

func TestSampleAccountIDByAPIKey(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "account-id-by-apikey", "2", "tracking_api_key", "b21345654321b4233232b"),
		`{"error":0,"user_account_id":3,"APIKey":"b21345654321b4233232b"}`)
}

// sampleWebsite is the document's website record (website 18).
const sampleWebsite = `{"error":0,"user_email":"sales@hitsteps.com","user_account_id":"33","website_name":"Hitsteps","website_url":"hitsteps.com","website_id":"18","APIKey":"34567645332b42354224a4242343544c345b","submission_date":"1089804558","total_pageviews":1000,"total_visitors":200}`

func TestSampleWebsiteLookups(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "website-by-url", "1", "website_url", "https://hitsteps.com/"), sampleWebsite)
	want(t, wl(srv, "website-by-domain", "1", "website_url", "hitsteps.com"), sampleWebsite)
	want(t, wl(srv, "website-by-apikey", "1", "tracking_api_key", "34567645332b42354224a4242343544c345b"), sampleWebsite)
}

func TestSampleWebsites(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "websites", "2", "user_account_id", "22"),
		`{"0":{"website_id":"33","website_name":"Hitsteps","website_url":"hitsteps.com","APIKey":"bb3b12b3b5b6b532b436b","submission_date":"1084804558","total_pageviews":1000,"total_visitors":200},`+
			`"1":{"website_id":"34","website_name":"Hitsteps Whitelabel","website_url":"whitelabel.hitsteps.com","APIKey":"b2b4536b5423b452b45b3","submission_date":"1001796422","total_pageviews":900,"total_visitors":100},"error":0}`)
}

func TestSamplePlans(t *testing.T) {
	srv := start(t)
	// PHP's json_encode writes "/" as "\/".
	want(t, wl(srv, "plans", "1"),
		`{"0":{"id":"0","name":"Starter","price":"8","hit":"10000","hit_label":"10k\/mo","sites":"2","history":"30","goal":"3","chat":"1","chat_agent":"1","https":"1","label":"3","social":"0","heatmap_click":"0","heatmap_days":"0","uptime":"0","uptime_credits":"0","y2price":95.81,"yprice":53.89,"mo9price":41.53,"mo6price":28.44},`+
			`"-1":{"id":"-1","name":"Free","price":"0","hit":"2000","hit_label":"2k\/mo","sites":"1","history":"14","goal":"0","chat":"0","chat_agent":"0","https":"1","label":"0","social":"0","heatmap_click":"0","heatmap_days":"0","uptime":"0","uptime_credits":"0"},`+
			`"3":{"id":"3","name":"Pro","price":"9.99","hit":"100000","hit_label":"100k\/mo","sites":"10","history":"365","goal":"10","chat":"1","chat_agent":"3","https":"1","label":"10","social":"1","heatmap_click":"10000","heatmap_days":"30","uptime":"1","uptime_credits":"5","y2price":119.64,"yprice":67.3,"mo9price":51.86,"mo6price":35.51}}`)
}

func TestSampleStats(t *testing.T) {
	srv := start(t)
	// Any time of 2015-01-23 (UTC) shows the 7 days ending on the 22nd.
	for _, at := range []string{"2015-01-23T00:00:00Z", "2015-01-23T23:59:59Z"} {
		setClock(t, srv, at)
		want(t, wl(srv, "stats-7days", "2", "website_id", "35"),
			`{"0":{"day":"20150122","date":"1421884800","visits":"320","pageviews":"1609","new_visits":"29","ref_from_sites":"22","ref_from_search":"10","ref_direct":"330","ref_socialmedia":"1","bouncerate":"19"},`+
				`"1":{"day":"20150121","date":"1421798400","visits":"433","pageviews":"1766","new_visits":"61","ref_from_sites":"32","ref_from_search":"23","ref_direct":"610","ref_socialmedia":"2","bouncerate":"21"},`+
				`"2":{"day":"20150120","date":"1421712000","visits":"436","pageviews":"1710","new_visits":"46","ref_from_sites":"15","ref_from_search":"9","ref_direct":"448","ref_socialmedia":"2","bouncerate":"27"},`+
				`"3":{"day":"20150119","date":"1421625600","visits":"389","pageviews":"1471","new_visits":"53","ref_from_sites":"20","ref_from_search":"15","ref_direct":"405","ref_socialmedia":"1","bouncerate":"28"},`+
				`"4":{"day":"20150118","date":"1421539200","visits":"357","pageviews":"1589","new_visits":"49","ref_from_sites":"20","ref_from_search":"10","ref_direct":"476","ref_socialmedia":"2","bouncerate":"24"},`+
				`"5":{"day":"20150117","date":"1421452800","visits":"403","pageviews":"1800","new_visits":"60","ref_from_sites":"30","ref_from_search":"8","ref_direct":"516","ref_socialmedia":"2","bouncerate":"27"},`+
				`"6":{"day":"20150116","date":"1421366400","visits":"393","pageviews":"1973","new_visits":"64","ref_from_sites":"40","ref_from_search":"13","ref_direct":"473","ref_socialmedia":"1","bouncerate":"30"},"error":0}`)
	}
}

func TestSampleAutologin(t *testing.T) {
	srv := start(t)
	r := wl(srv, "autologin", "2", "website_id", "34", "reportname", "dashboard")
	re := regexp.MustCompile(`^\{"error":0,` +
		`"autologin_url":"https:\\/\\/whitelabel\.hitsteps\.com\\/login-code\.php\?code=b2b4536b5423b452b45b3&page=dashboard&t=[0-9a-f]{32}",` +
		`"simple_url":"https:\\/\\/whitelabel\.hitsteps\.com\\/stats\\/dashboard\.php\?id=34"\}$`)
	if !re.MatchString(r.Body) {
		t.Errorf("autologin answer %s", r.Body)
	}
	// The one-time token is new on every call.
	if str(t, r, "autologin_url") == str(t, wl(srv, "autologin", "2", "website_id", "34", "reportname", "dashboard"), "autologin_url") {
		t.Error("two autologin calls gave the same t")
	}
}
