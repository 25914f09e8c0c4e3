package mousestats_test

import (
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/wire"
)

// The document's sample requests work verbatim against a fresh emulator.
func TestDocumentSamples(t *testing.T) {
	srv := start(t)

	wantJSON(t, srv.Do("GET", sampleGetAccount, nil),
		`{"Email":"test@example.com(partnername)","PlanName":"SaneEgg","PlanDaysLeft":30,"PlanUsedHeatmapProjects":0,"PlanUsedPlaybackProjects":0,"PlanUsedHeatmapVisits":0,"PlanUsedPlaybackVisits":0}`)

	// The sample account is seeded, so the sample CreateAccount finds it.
	wantText(t, srv.Do("GET", sampleCreateAccount, nil), "user-exists")

	r := srv.Do("GET", sampleLoginToken, nil)
	wantText(t, r, r.Body)
	if !tokenShape.MatchString(r.Body) {
		t.Fatalf("token %q is not 32 upper-case hex characters", r.Body)
	}

	login := srv.Do("GET", "/mousestats/api/doLogin?_token="+r.Body, nil)
	if login.Status != 302 || login.Header.Get("Location") != "/mousestats/panel/overview" {
		t.Fatalf("doLogin: got %d Location %q", login.Status, login.Header.Get("Location"))
	}
	cookie := login.Header.Get("Set-Cookie")
	name, rest, _ := strings.Cut(cookie, "=")
	value, attrs, _ := strings.Cut(rest, ";")
	if name != "mousestats_session" || !regexpMatch(`^[0-9a-f]{64}$`, value) || attrs != " Path=/; HttpOnly; SameSite=Lax" {
		t.Fatalf("Set-Cookie = %q", cookie)
	}

	panel := srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", "mousestats_session="+value)
	if panel.Status != 200 || panel.Header.Get("Content-Type") != wire.HTMLType ||
		!strings.Contains(panel.Body, "Signed in as test@example.com(partnername)") {
		t.Fatalf("panel: got %d %q\n%s", panel.Status, panel.Header.Get("Content-Type"), panel.Body)
	}
}
