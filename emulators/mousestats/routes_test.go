package mousestats_test

import (
	"strings"
	"testing"
)

func TestFunctionNamesIgnoreCase(t *testing.T) {
	srv := start(t)
	q := "?" + query(asDefault("_userEmail", "test@example.com")...)
	for _, fn := range []string{"GetAccount", "getaccount", "GETACCOUNT", "gEtAcCoUnT", "Get%41ccount"} {
		wantJSON(t, srv.Do("GET", "/mousestats/api/"+fn+q, nil), info("test@example.com(partnername)", "SaneEgg", 30))
	}
	for _, fn := range []string{"createaccount", "CREATEACCOUNT"} {
		wantText(t, srv.Do("GET", "/mousestats/api/"+fn+q+"&_userPassword=x", nil), "user-exists")
	}
	tok := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	wantSignedIn(t, srv.Do("GET", "/mousestats/api/DOLOGIN?_token="+tok, nil))
}

func TestUnknownPaths(t *testing.T) {
	srv := start(t)
	q := "?" + query(asDefault("_userEmail", "test@example.com")...)
	for _, path := range []string{
		"/mousestats/api/DeleteAccount" + q,
		"/mousestats/api/UpgradePlan" + q,
		"/mousestats/api" + q,
		"/mousestats/api/GetAccount/extra" + q,
		"/mousestats/API/GetAccount" + q,
		"/mousestats/Api/GetAccount" + q,
		"/mousestats/GetAccount" + q,
		"/mousestats/panel",
		"/mousestats/Panel/Overview",
		"/mousestats/Login",
		"/mousestats/",
	} {
		for _, method := range []string{"GET", "POST", "DELETE", "HEAD"} {
			r := srv.Do(method, path, nil)
			if r.Status != 404 || r.Body != "" || r.Header.Get("Allow") != "" {
				t.Errorf("%s %s: got %d Allow %q %q, want 404 with an empty body", method, path, r.Status, r.Header.Get("Allow"), r.Body)
			}
		}
	}
}

// Only GET: another method on a known path is 405, empty, and changes
// nothing.
func TestMethodNotAllowed(t *testing.T) {
	srv := start(t)
	create := "/mousestats/api/CreateAccount?" + query(asDefault("_userEmail", "post@example.com", "_userPassword", "pw")...)
	tok := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	paths := []string{
		create,
		"/mousestats/api/getaccount?" + query(asDefault("_userEmail", "test@example.com")...),
		"/mousestats/api/GenerateLoginToken?" + query(asDefault("_userEmail", "test@example.com")...),
		"/mousestats/api/doLogin?_token=" + tok,
		"/mousestats/panel/overview",
		"/mousestats/login",
	}
	for _, path := range paths {
		for _, method := range []string{"POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"} {
			r := srv.Do(method, path, "_userEmail=x@example.com", "Content-Type", "application/x-www-form-urlencoded")
			if r.Status != 405 || r.Header.Get("Allow") != "GET" || r.Body != "" {
				t.Errorf("%s %s: got %d Allow %q %q, want 405 Allow GET, empty", method, path, r.Status, r.Header.Get("Allow"), r.Body)
			}
		}
	}
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "post@example.com")...), "permission-denied")
	state := srv.Do("GET", "/_emulator/state/mousestats", nil).Body
	if strings.Contains(state, "post@example.com") || strings.Count(state, `"usedAt":null`) != 1 || strings.Contains(state, `"sessions":[{`) {
		t.Fatalf("a 405 changed state:\n%s", state)
	}
}

func TestQueryParameters(t *testing.T) {
	srv := start(t)
	get := func(raw string) string {
		return srv.Do("GET", "/mousestats/api/GetAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&"+raw, nil).Body
	}
	// The first occurrence counts.
	if b := get("_userEmail=test@example.com&_userEmail=nobody"); !strings.HasPrefix(b, `{"Email":"test@example.com(partnername)"`) {
		t.Fatalf("first occurrence: %s", b)
	}
	if b := get("_userEmail=nobody&_userEmail=test@example.com"); b != "invalid-parameters" {
		t.Fatalf("first occurrence: %s", b)
	}
	wantText(t, srv.Do("GET", "/mousestats/api/GetAccount?_partnerId=partnername&_partnerSecret=wrong&_partnerSecret=bvdj436hdas&_userEmail=test@example.com", nil), "permission-denied")
	// Escapes are decoded; an undecodable pair is dropped.
	if b := get("_userEmail=test%40example.com"); !strings.HasPrefix(b, `{"Email":"test@example.com(partnername)"`) {
		t.Fatalf("escaped @: %s", b)
	}
	if b := get("_userEmail=%zz"); b != "invalid-parameters" {
		t.Fatalf("undecodable: %s", b)
	}
	if b := get("_userEmail=%zz&_userEmail=test@example.com"); !strings.HasPrefix(b, `{"Email":"test@example.com(partnername)"`) {
		t.Fatalf("undecodable pair dropped: %s", b)
	}
	// "+" is a space; a literal plus needs %2B.
	wantText(t, srv.Do("GET", "/mousestats/api/CreateAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=a+tag@example.com&_userPassword=pw", nil), "invalid-parameters")
	wantText(t, srv.Do("GET", "/mousestats/api/CreateAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=a%2Btag@example.com&_userPassword=pw", nil), "ok")
	if b := get("_userEmail=A%2BTAG@example.com"); !strings.HasPrefix(b, `{"Email":"A+TAG@example.com(partnername)"`) {
		t.Fatalf("plus: %s", b)
	}
	// Parameters come only from the query string: a GET body is ignored.
	r := srv.Do("GET", "/mousestats/api/GetAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas", "_userEmail=test@example.com",
		"Content-Type", "application/x-www-form-urlencoded")
	wantText(t, r, "invalid-parameters")
	r = srv.Do("GET", "/mousestats/api/GetAccount?_userEmail=test@example.com", "_partnerId=partnername&_partnerSecret=bvdj436hdas",
		"Content-Type", "application/x-www-form-urlencoded")
	wantText(t, r, "permission-denied")
}

// A trailing slash or doubled slashes still reach the function.
func TestPathNormalisation(t *testing.T) {
	srv := start(t)
	q := "?" + query(asDefault("_userEmail", "test@example.com")...)
	for _, path := range []string{"/mousestats/api/GetAccount/", "/mousestats//api//GetAccount"} {
		wantJSON(t, srv.Do("GET", path+q, nil), info("test@example.com(partnername)", "SaneEgg", 30))
	}
}
