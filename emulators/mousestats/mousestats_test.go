package mousestats_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/mousestats"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/wire"
)

// The document's own sample requests, verbatim.
const (
	sampleCreateAccount = "/mousestats/api/CreateAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com&_userPassword=thePass36&_activeFreePlan=true"
	sampleGetAccount    = "/mousestats/api/GetAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com"
	sampleLoginToken    = "/mousestats/api/GenerateLoginToken?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com&_validHours=1"
)

var tokenShape = regexp.MustCompile(`^[0-9A-F]{32}$`)

func start(t testing.TB) *vtest.Server {
	t.Helper()
	return vtest.StartVendors(t, mousestats.New(mousestats.Config{}))
}

// query builds a query string from name, value pairs, in order.
func query(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1]))
	}
	return b.String()
}

// call sends GET /mousestats/api/<fn>?<pairs>.
func call(srv *vtest.Server, fn string, pairs ...string) vtest.Response {
	return srv.Do("GET", "/mousestats/api/"+fn+"?"+query(pairs...), nil)
}

// as prefixes pairs with a partner's credentials.
func as(partnerID, secret string, pairs ...string) []string {
	return append([]string{"_partnerId", partnerID, "_partnerSecret", secret}, pairs...)
}

// asDefault prefixes pairs with the default partner's credentials.
func asDefault(pairs ...string) []string {
	return as(mousestats.DefaultTenant, mousestats.DefaultSecret, pairs...)
}

// wantText asserts a raw text answer: 200, text/plain, exactly body.
func wantText(t *testing.T, r vtest.Response, body string) {
	t.Helper()
	if r.Status != 200 || r.Header.Get("Content-Type") != wire.TextType || r.Body != body {
		t.Fatalf("got %d %q %q, want 200 %q %q", r.Status, r.Header.Get("Content-Type"), r.Body, wire.TextType, body)
	}
}

// wantJSON asserts a 200 JSON answer with exactly body.
func wantJSON(t *testing.T, r vtest.Response, body string) {
	t.Helper()
	if r.Status != 200 || r.Header.Get("Content-Type") != wire.JSONType || r.Body != body {
		t.Fatalf("got %d %q\n%s\nwant 200 %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Body, wire.JSONType, body)
	}
}

// wantStatus asserts a control-plane status.
func wantStatus(t *testing.T, r vtest.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got %d %s, want %d", r.Status, r.Body, status)
	}
}

// token asks for a login token and asserts its shape.
func token(t *testing.T, srv *vtest.Server, pairs ...string) string {
	t.Helper()
	r := call(srv, "GenerateLoginToken", pairs...)
	if r.Status != 200 || r.Header.Get("Content-Type") != wire.TextType || !tokenShape.MatchString(r.Body) {
		t.Fatalf("GenerateLoginToken: got %d %q %q, want a 32-character upper-case hex token", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	return r.Body
}

// freeze sets and freezes the emulator clock.
func freeze(t *testing.T, srv *vtest.Server, at string) {
	t.Helper()
	wantStatus(t, srv.Do("POST", "/_emulator/clock", map[string]any{"now": at}), 200)
}

// advance moves the emulator clock on.
func advance(t *testing.T, srv *vtest.Server, d string) {
	t.Helper()
	wantStatus(t, srv.Do("POST", "/_emulator/clock", map[string]any{"advance": d}), 200)
}

// newPartner creates a partner through the control plane.
func newPartner(t *testing.T, srv *vtest.Server, id, secret string) {
	t.Helper()
	wantStatus(t, srv.Do("POST", "/_emulator/mousestats/tenants", map[string]any{"partnerId": id, "partnerSecret": secret}), 201)
}

// info is GetAccount's exact body.
func info(email, plan string, days int, used ...int) string {
	u := []int{0, 0, 0, 0}
	copy(u, used)
	return `{"Email":"` + email + `","PlanName":"` + plan + `","PlanDaysLeft":` + strconv.Itoa(days) +
		`,"PlanUsedHeatmapProjects":` + strconv.Itoa(u[0]) + `,"PlanUsedPlaybackProjects":` + strconv.Itoa(u[1]) +
		`,"PlanUsedHeatmapVisits":` + strconv.Itoa(u[2]) + `,"PlanUsedPlaybackVisits":` + strconv.Itoa(u[3]) + `}`
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
