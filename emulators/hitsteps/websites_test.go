package hitsteps_test

import (
	"fmt"
	"regexp"
	"testing"
)

func TestWebsiteByURLAndDomain(t *testing.T) {
	srv := start(t)
	for _, u := range []string{"http://hitsteps.com", "HTTPS://WWW.Hitsteps.com:443/blog?x=1#top", "https://hitsteps.com?x"} {
		want(t, wl(srv, "website-by-url", "1", "website_url", u), sampleWebsite)
	}
	for _, u := range []string{"hitsteps.com", "www.hitsteps.com", "HITSTEPS.COM/path", "https://www.hitsteps.com/"} {
		want(t, wl(srv, "website-by-domain", "1", "website_url", u), sampleWebsite)
	}
	for _, u := range []string{"hitsteps.com", "ftp://hitsteps.com", "https://", "https://localhost/", "https://a_b.com", "https://hitsteps.com:x/"} {
		wantErr(t, wl(srv, "website-by-url", "1", "website_url", u), 1, "Invalid parameter: website_url")
	}
	for _, u := range []string{"localhost", "-a.com", "a..com", "http://", "ex ample.com"} {
		wantErr(t, wl(srv, "website-by-domain", "1", "website_url", u), 1, "Invalid parameter: website_url")
	}
	wantErr(t, wl(srv, "website-by-url", "1"), 1, "Missing parameter: website_url")
	wantErr(t, wl(srv, "website-by-domain", "1", "website_url", "example.com"), 6, "Website not found") // website 35 is in whitelabel 2
	wantErr(t, wl(srv, "website-by-apikey", "1", "tracking_api_key", "b21345654321b4233232b"), 6, "Website not found")
	wantErr(t, wl(srv, "website-by-apikey", "1", "tracking_api_key", "34567645332B42354224A4242343544C345B"), 6, "Website not found")
	wantErr(t, wl(srv, "website-by-apikey", "1"), 1, "Missing parameter: tracking_api_key")
	wantErr(t, wl(srv, "account-id-by-apikey", "1", "tracking_api_key", "b21345654321b4233232b"), 6, "Website not found")
	wantErr(t, wl(srv, "account-id-by-apikey", "1"), 1, "Missing parameter: tracking_api_key")
	// Two websites of whitelabel 2 track hitsteps.com: the lowest id wins.
	if r := wl(srv, "website-by-domain", "2", "website_url", "hitsteps.com"); str(t, r, "website_id") != "33" {
		t.Errorf("lowest id: %s", r.Body)
	}
}

func TestWebsitesErrors(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "websites", "1", "user_account_id", "12"), `{"error":0}`)
	wantErr(t, wl(srv, "websites", "1", "user_account_id", "22"), 5, "Account not found")
	wantErr(t, wl(srv, "websites", "1"), 1, "Missing parameter: user_account_id")
}

func TestAddWebsite(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, "2025-03-10T09:00:00Z")
	r := wl(srv, "website-add", "1", "user_account_id", "12", "site_name", "My Blog", "site_url", "WWW.Blog.Example.com")
	m := regexp.MustCompile(`^\{"error":0,"msg":"Website added\.","APIKey":"([0-9a-f]{37})","user_account_id":12,"website_id":36,"site_url":"blog\.example\.com"\}$`).
		FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("website-add answer %s", r.Body)
	}
	key := m[1]
	want(t, wl(srv, "website-by-apikey", "1", "tracking_api_key", key), fmt.Sprintf(
		`{"error":0,"user_email":"account@example.com","user_account_id":"12","website_name":"My Blog","website_url":"blog.example.com","website_id":"36","APIKey":"%s","submission_date":"%d","total_pageviews":0,"total_visitors":0}`,
		key, now.Unix()))
	want(t, wl(srv, "account-id-by-apikey", "1", "tracking_api_key", key), fmt.Sprintf(`{"error":0,"user_account_id":12,"APIKey":"%s"}`, key))
	want(t, wl(srv, "websites", "1", "user_account_id", "12"), fmt.Sprintf(
		`{"0":{"website_id":"36","website_name":"My Blog","website_url":"blog.example.com","APIKey":"%s","submission_date":"%d","total_pageviews":0,"total_visitors":0},"error":0}`,
		key, now.Unix()))
	// The same host again is refused for this account, not for another.
	wantErr(t, wl(srv, "website-add", "1", "user_account_id", "12", "site_name", "Again", "site_url", "blog.example.com:8080"), 9, "Website already exists")
	wantErr(t, wl(srv, "website-add-url", "1", "user_account_id", "12", "site_name", "Again", "site_url", "http://blog.example.com/x"), 9, "Website already exists")
	if r := wl(srv, "website-add", "1", "user_account_id", "13", "site_name", "Same host", "site_url", "blog.example.com"); num(t, r, "website_id") != 37 {
		t.Errorf("second account: %s", r.Body)
	}
}

func TestAddWebsiteByURL(t *testing.T) {
	srv := start(t)
	r := wl(srv, "website-add-url", "2", "user_account_id", "3", "site_name", "Shop", "site_url", "https://www.Hitsteps.com:443/blog?x=1")
	if str(t, r, "site_url") != "hitsteps.com" || num(t, r, "user_account_id") != 3 || num(t, r, "website_id") != 36 {
		t.Errorf("website-add-url answer %s", r.Body)
	}
	if !regexp.MustCompile(`^[0-9a-f]{37}$`).MatchString(str(t, r, "APIKey")) {
		t.Errorf("APIKey %s", r.Body)
	}
}

func TestAddWebsiteErrors(t *testing.T) {
	srv := start(t)
	long := make([]rune, 101)
	for i := range long {
		long[i] = 'é'
	}
	cases := []struct {
		op     string
		fields []string
		code   int
		msg    string
	}{
		{"website-add", []string{"site_name", "x", "site_url", "x.com"}, 1, "Missing parameter: user_account_id"},
		{"website-add", []string{"user_account_id", "12", "site_url", "x.com"}, 1, "Missing parameter: site_name"},
		{"website-add", []string{"user_account_id", "12", "site_name", string(long), "site_url", "x.com"}, 1, "Invalid parameter: site_name"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x"}, 1, "Missing parameter: site_url"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x", "site_url", "https://x.com"}, 1, "Invalid parameter: site_url"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x", "site_url", "x.com/path"}, 1, "Invalid parameter: site_url"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x", "site_url", "x.com?q"}, 1, "Invalid parameter: site_url"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x", "site_url", "localhost"}, 1, "Invalid parameter: site_url"},
		{"website-add-url", []string{"user_account_id", "12", "site_name", "x", "site_url", "x.com"}, 1, "Invalid parameter: site_url"},
		{"website-add-url", []string{"user_account_id", "12", "site_name", "x", "site_url", "mailto://x.com"}, 1, "Invalid parameter: site_url"},
		{"website-add", []string{"user_account_id", "22", "site_name", "x", "site_url", "x.com"}, 5, "Account not found"},
		{"website-add", []string{"user_account_id", "33", "site_name", "x", "site_url", "www.hitsteps.com"}, 9, "Website already exists"},
	}
	for _, c := range cases {
		wantErr(t, wl(srv, c.op, "1", c.fields...), c.code, c.msg)
	}
	want(t, wl(srv, "websites", "1", "user_account_id", "12"), `{"error":0}`)
}
