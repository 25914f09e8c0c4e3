package hitsteps

import (
	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

// reportNames are the dashboard pages op 22 links to, in the reference's
// order.
func reportNames() []string {
	return []string{"dashboard", "online", "visitors", "pages", "referrers", "search", "campaigns", "heatmap",
		"chat", "goals", "alerts", "uptime", "settings"}
}

// reports are the report names as a set.
var reports = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range reportNames() {
		m[n] = true
	}
	return m
}()

// autologinCall documents op 22.
var autologinCall = call{
	summary: "A direct (autologin) link into the branded dashboard",
	tag:     "statistics",
	fields: []field{
		{"website_id", idField, true, ""},
		{"reportname", openapi.String().Strings(reportNames()...), true, "error 12 for any other"},
	},
	answer: succeeds(
		openapi.Field("autologin_url", openapi.String().Format("uri")),
		openapi.Field("simple_url", openapi.String().Format("uri")),
	),
}

// autologin is op 22: a one-click login link into the whitelabel's
// dashboard and the plain link to the same report. The one-time t is not
// checked anywhere: nothing in the emulator serves the dashboard.
func autologin(r *request) (wire.Object, error) {
	id := r.id("website_id")
	report := r.text("reportname")
	if report != "" {
		r.check(reports[report], errInvalidReport)
	}
	if err := r.fields(); err != nil {
		return nil, err
	}
	w, err := r.website(id)
	if err != nil {
		return nil, err
	}
	base := "https://" + r.wl.URL
	return wire.Obj(
		"error", 0,
		"autologin_url", base+"/login-code.php?code="+w.APIKey+"&page="+report+"&t="+emu.RandomHex(32),
		"simple_url", base+"/stats/"+report+".php?id="+itoa(w.ID),
	), nil
}
