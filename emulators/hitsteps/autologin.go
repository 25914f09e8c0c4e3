package hitsteps

import (
	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/wire"
)

// reports are the dashboard pages op 22 links to.
var reports = map[string]bool{
	"dashboard": true, "online": true, "visitors": true, "pages": true, "referrers": true, "search": true,
	"campaigns": true, "heatmap": true, "chat": true, "goals": true, "alerts": true, "uptime": true, "settings": true,
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
