//go:build browser

package console_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestInspectorShowsTrafficLiveOpensAndFilters(t *testing.T) {
	srv := startEmulator(t, "")
	b := newBrowser(t, srv, 1280, 900)
	b.open("/_emulator/")
	b.wait("the empty journal says so", `!document.getElementById('journal-empty').hidden`)
	// A mark that a reload would wipe.
	eval[bool](b, `(window.__sameDocument = true)`)

	keitaro(t, srv, 200, "GET", "/campaigns", "")
	keitaro(t, srv, 200, "POST", "/campaigns", `{"name":"`+strings.ReplaceAll(xss, `"`, `\"`)+`","alias":"xss-campaign"}`)
	mustCall(t, srv, 200, "GET", "/mousestats/api/GetAccount?_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com", "")
	mustCall(t, srv, 401, "GET", "/keitaro/admin_api/v1/offers", "", "Api-Key", "wrong-key")
	mustCall(t, srv, 201, "POST", "/_emulator/faults", `{"vendor":"keitaro","method":"GET","path":"/admin_api/v1/offers","status":503,"body":"{\"error\":\"maintenance\"}","times":1}`)
	keitaro(t, srv, 503, "GET", "/offers", "")

	b.wait("five exchanges appear without a reload", `document.querySelectorAll('#journal tbody tr').length === 5`)
	if !eval[bool](b, `window.__sameDocument === true`) {
		t.Fatal("the page was reloaded")
	}
	if b.visible("#journal-empty") {
		t.Fatal("the empty-journal note still shows")
	}
	first := b.text("#journal tbody tr:first-child")
	if !strings.Contains(first, "/admin_api/v1/offers") || !strings.Contains(first, "503") || !strings.Contains(first, "fault #1") {
		t.Fatalf("newest row %q: want the faulted offers call, marked", first)
	}
	b.shot("inspector")

	// Open the POST: request line, masked key, pretty JSON both ways.
	b.click(`#journal tbody tr:nth-child(4)`)
	b.wait("the exchange opens", `!document.getElementById('exchange').hidden`)
	if got := b.text("#exchange-line"); got != "POST /keitaro/admin_api/v1/campaigns" {
		t.Fatalf("request line %q", got)
	}
	detail := b.text("#exchange")
	for _, want := range []string{"Api-Key\t***", "Content-Type\tapplication/json", `"name": "` + xss + `"`, `"alias": "xss-campaign"`} {
		if !strings.Contains(detail, want) {
			t.Errorf("exchange lacks %q:\n%s", want, detail)
		}
	}
	if h := eval[string](b, `[...document.querySelectorAll('#exchange table.kv tr')].find((r) => r.cells[0].textContent === 'Api-Key').cells[1].textContent`); h != "***" {
		t.Errorf("the Api-Key header shows %q, not masked", h)
	}
	if b.text("#exchange-status") != "200" {
		t.Errorf("response status %q", b.text("#exchange-status"))
	}
	// The response body is pretty-printed: one member per line.
	if body := eval[string](b, `document.querySelectorAll('#exchange pre.json')[1].textContent`); !strings.Contains(body, "\n  \"id\": ") {
		t.Errorf("response body not pretty-printed: %q", body)
	}
	if n := eval[int](b, `document.querySelectorAll('img').length`); n != 0 {
		t.Fatalf("%d img elements: a vendor value became markup", n)
	}
	curl := eval[string](b, `document.getElementById('exchange-curl').textContent`)
	for _, want := range []string{"curl -X POST '" + srv.URL + "/keitaro/admin_api/v1/campaigns'", "-H 'Api-Key: ***'", "--data-raw '{\"name\":\"" + xss} {
		if !strings.Contains(curl, want) {
			t.Errorf("curl lacks %q:\n%s", want, curl)
		}
	}
	b.click("#copy-curl")
	b.wait("copying says so", `document.getElementById('msg').textContent === 'Copied as curl.'`)
	b.shot("exchange")

	// The faulted exchange names its fault.
	b.click(`#journal tbody tr:nth-child(1)`)
	b.wait("the faulted exchange opens", `!!document.getElementById('exchange-fault')`)
	// Used up (times 1): the note says so, the answer shows what it did.
	b.wait("the fault note", `document.getElementById('exchange-fault').textContent === 'Fault #1 matched this exchange (it is no longer active).'`)
	if !strings.Contains(b.text("#exchange"), `"error": "maintenance"`) {
		t.Fatalf("faulted answer not shown:\n%s", b.text("#exchange"))
	}

	// Filters.
	paths := func() []string {
		return eval[[]string](b, `[...document.querySelectorAll('#journal tbody tr')].map((r) => r.cells[1].textContent + ' ' + r.cells[3].textContent + ' ' + r.cells[4].textContent + ' ' + r.cells[5].textContent)`)
	}
	b.choose("#f-vendor", "mousestats")
	b.waitRows("only MouseStats", 1, "mousestats")
	if p := paths(); !strings.HasPrefix(p[0], "mousestats GET /api/GetAccount 200") {
		t.Fatalf("vendor filter: %q", p)
	}
	b.choose("#f-vendor", "")
	b.choose("#f-status", "4xx")
	b.waitRows("only the 401", 1, "401")
	if p := paths(); !strings.HasPrefix(p[0], "keitaro GET /admin_api/v1/offers 401") {
		t.Fatalf("status filter: %q", p)
	}
	b.choose("#f-status", "")
	b.choose("#f-method", "POST")
	b.waitRows("only the POST", 1, "POST")
	b.choose("#f-method", "")
	b.typeIn("#f-path", "offers")
	b.waitRows("only offers paths", 2, "/offers")
	b.typeIn("#f-path", "campaign")
	b.waitRows("only campaign paths", 2, "/campaigns")
	b.typeIn("#f-tenant", "nobody")
	b.waitRows("no exchange of an unknown tenant", 0, "")
	b.typeIn("#f-tenant", "your-api-key")
	b.waitRows("campaign calls of that tenant", 2, "your-api-key")
	// A filtered view stays live: new matching traffic appears, other
	// traffic does not.
	keitaro(t, srv, 200, "GET", "/offers", "")
	keitaro(t, srv, 200, "GET", "/campaigns", "")
	b.waitRows("the new matching call appears", 3, "/campaigns")
	time.Sleep(1500 * time.Millisecond) // two more polls: the offers call must not show up
	if n := b.rows(); n != 3 {
		t.Fatalf("filtered live view shows %d rows: %q", n, paths())
	}
	b.shot("filtered")
}

func TestDataBrowserShowsTenantObjectsAsText(t *testing.T) {
	srv := startEmulator(t, "")
	keitaro(t, srv, 200, "POST", "/campaigns", `{"name":"`+strings.ReplaceAll(xss, `"`, `\"`)+`","alias":"xss-campaign"}`)
	b := newBrowser(t, srv, 1280, 900)
	b.open("/_emulator/#data")
	b.choose("#d-vendor", "keitaro")
	b.wait("the default tenant is listed", `[...document.getElementById('d-tenant').options].some((o) => o.value === 'your-api-key')`)
	b.choose("#d-tenant", "your-api-key")
	b.wait("its kinds", `!!document.querySelector('#d-kinds button[data-kind="campaigns"]')`)
	b.click(`#d-kinds button[data-kind="campaigns"]`)
	b.wait("the campaigns table", `document.getElementById('d-rows') && document.getElementById('d-rows').dataset.kind === 'campaigns'`)
	table := b.text("#d-rows")
	for _, want := range []string{"alias", "name", "Test stream campaign", xss} {
		if !strings.Contains(table, want) {
			t.Errorf("campaigns table lacks %q:\n%s", want, table)
		}
	}
	if n := eval[int](b, `document.querySelectorAll('img').length`); n != 0 {
		t.Fatalf("%d img elements: a campaign name became markup", n)
	}
	if !strings.Contains(b.text("#d-kinds"), "campaigns (4)") || !strings.Contains(b.text("#d-props"), "apiKey\tyour-api-key") {
		t.Fatalf("kinds %q / props %q", b.text("#d-kinds"), b.text("#d-props"))
	}
	// One object's JSON.
	b.click(`#d-rows tbody tr:last-child td:nth-child(3)`)
	b.wait("the object opens", `!document.getElementById('d-object').hidden`)
	js := eval[string](b, `document.getElementById('d-json').textContent`)
	var obj map[string]any
	if err := json.Unmarshal([]byte(js), &obj); err != nil || obj["name"] != xss || obj["alias"] != "xss-campaign" {
		t.Fatalf("object JSON %v: %s", err, js)
	}
	b.shot("keitaro-campaigns")

	// Reset this tenant: the campaign the client created goes, the
	// defaults stay.
	b.click("#d-reset")
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	if !strings.Contains(b.text("#confirm-text"), "Reset keitaro tenant your-api-key?") {
		t.Fatalf("confirmation %q", b.text("#confirm-text"))
	}
	b.click("#confirm-ok")
	b.wait("the table without the created campaign", `document.getElementById('d-rows') && document.getElementById('d-rows').dataset.kind === 'campaigns' &&
		document.querySelectorAll('#d-rows tbody tr').length === 3 && !document.getElementById('d-rows').innerText.includes('xss-campaign')`)
	if got := keitaro(t, srv, 200, "GET", "/campaigns", ""); strings.Contains(got, "xss-campaign") {
		t.Fatal("the tenant reset left the created campaign")
	}

	// Another vendor, another shape.
	b.choose("#d-vendor", "twipla")
	b.wait("TWIPLA's packages", `!!document.querySelector('#d-kinds button[data-kind="packages"]')`)
	if !strings.Contains(b.text("#d-props"), "intpId\t") {
		t.Fatalf("TWIPLA tenant props: %q", b.text("#d-props"))
	}
	b.click(`#d-kinds button[data-kind="packages"]`)
	b.wait("the packages table", `document.getElementById('d-rows') && document.getElementById('d-rows').dataset.kind === 'packages' && document.getElementById('d-rows').innerText.includes('free')`)
	b.shot("twipla-packages")
}

func TestControls(t *testing.T) {
	srv := startEmulator(t, "")
	b := newBrowser(t, srv, 1280, 1000)
	b.open("/_emulator/#controls")

	// Create a Keitaro tenant: its key is shown and works.
	b.choose("#tenant-vendor", "keitaro")
	b.click("#tenant-form button[type=submit]")
	b.wait("the new credentials", `!!document.getElementById('tenant-creds')`)
	apiKey := eval[string](b, `[...document.querySelectorAll('#tenant-creds tr')].find((r) => r.cells[0].textContent === 'apiKey').cells[1].textContent`)
	if len(apiKey) < 8 {
		t.Fatalf("apiKey %q", apiKey)
	}
	mustCall(t, srv, 200, "GET", "/keitaro/admin_api/v1/campaigns", "", "Api-Key", apiKey)

	// A TWIPLA tenant comes with a ready token.
	b.choose("#tenant-vendor", "twipla")
	b.click("#tenant-form button[type=submit]")
	b.wait("the INTP's token", `!!document.getElementById('tenant-creds') && document.getElementById('tenant-creds').innerText.includes('token\t')`)
	token := eval[string](b, `[...document.querySelectorAll('#tenant-creds tr')].find((r) => r.cells[0].textContent === 'token').cells[1].textContent`)
	mustCall(t, srv, 200, "GET", "/twipla/v2/3as/company-details", "", "Authorization", "Bearer "+token)
	b.shot("tenant-created")

	// The clock: set, advance, back to real time.
	b.typeIn("#clock-set-value", "2031-03-01T10:00:00Z")
	b.click("#clock-set button")
	b.wait("the frozen clock shows", `document.getElementById('clock').textContent === 'clock 2031-03-01 10:00:00Z (frozen)'`)
	if now := srv.Clock().Now(); !now.Equal(time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)) || !srv.Clock().Frozen() {
		t.Fatalf("server clock %v frozen %v", now, srv.Clock().Frozen())
	}
	b.typeIn("#clock-advance-value", "36h")
	b.click("#clock-advance button")
	b.wait("the advanced clock shows", `document.getElementById('clock').textContent === 'clock 2031-03-02 22:00:00Z (frozen)'`)
	b.typeIn("#clock-advance-value", "soon")
	b.click("#clock-advance button")
	b.wait("a bad duration is explained", `document.getElementById('msg').textContent.includes('advance must be a duration')`)
	b.click("#clock-real")
	b.wait("the clock runs again", `!document.getElementById('clock').textContent.includes('frozen') && document.getElementById('clock-mode').textContent === 'running'`)
	if srv.Clock().Frozen() || time.Since(srv.Clock().Now()).Abs() > time.Minute {
		t.Fatalf("server clock %v frozen %v", srv.Clock().Now(), srv.Clock().Frozen())
	}

	// Faults: add with the form, see it used, delete it.
	b.choose("#fault-vendor", "keitaro")
	b.choose("#fault-method", "GET")
	b.typeIn("#fault-path", "/admin_api/v1/offers")
	b.typeIn("#fault-status", "503")
	b.typeIn("#fault-body", `{"error":"maintenance"}`)
	b.typeIn("#fault-times", "2")
	b.click("#fault-form button[type=submit]")
	b.wait("the fault is listed", `document.querySelectorAll('#faults tbody tr').length === 1`)
	row := b.text("#faults tbody tr")
	for _, want := range []string{"keitaro", "GET", "/admin_api/v1/offers", "503"} {
		if !strings.Contains(row, want) {
			t.Fatalf("fault row %q lacks %q", row, want)
		}
	}
	if b.text("#faults tbody tr td.remaining") != "2" {
		t.Fatalf("remaining %q", b.text("#faults tbody tr td.remaining"))
	}
	if got := keitaro(t, srv, 503, "GET", "/offers", ""); got != `{"error":"maintenance"}` {
		t.Fatalf("faulted answer %q", got)
	}
	b.wait("one use left", `document.querySelector('#faults tbody tr td.remaining').textContent === '1'`)
	b.shot("fault")
	// The faulted exchange, opened while its fault is active, says what
	// the fault does.
	b.click(`#tabs a[data-tab="requests"]`)
	b.wait("the faulted exchange", `[...document.querySelectorAll('#journal tbody tr')].some((r) => r.innerText.includes('fault #1'))`)
	b.click(`#journal tbody tr:first-child`)
	b.wait("the fault described", `document.getElementById('exchange-fault') && document.getElementById('exchange-fault').textContent === 'Fault #1 matched this exchange: it answers 503 (keitaro GET /admin_api/v1/offers).'`)
	b.click(`#tabs a[data-tab="controls"]`)
	b.wait("the controls", `!document.getElementById('tab-controls').hidden`)
	b.click("#faults tbody tr button")
	b.wait("the fault is gone", `document.querySelectorAll('#faults tbody tr').length === 0`)
	if got := mustCall(t, srv, 200, "GET", "/_emulator/faults", ""); got != `{"faults":[]}` {
		t.Fatalf("faults after delete: %s", got)
	}
	keitaro(t, srv, 200, "GET", "/offers", "")

	// Reset a vendor: cancelling changes nothing, confirming removes the
	// created tenant.
	b.choose("#reset-vendor", "keitaro")
	b.click("#reset-vendor-btn")
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	if !strings.Contains(b.text("#confirm-text"), "Reset keitaro?") {
		t.Fatalf("confirmation %q", b.text("#confirm-text"))
	}
	b.shot("confirm")
	b.click("#confirm-cancel")
	b.wait("the dialog closes", `!document.getElementById('confirm').open`)
	if !stateHas(t, srv, "keitaro", apiKey) {
		t.Fatal("a cancelled reset reset")
	}
	b.click("#reset-vendor-btn")
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	b.click("#confirm-ok")
	b.wait("the reset is reported", `document.getElementById('msg').textContent.startsWith('Reset done')`)
	if stateHas(t, srv, "keitaro", apiKey) {
		t.Fatal("the created tenant survived the vendor reset")
	}

	// A seed document, pasted.
	b.typeIn("#seed-body", `{"keitaro":{"tenants":[{"apiKey":"seeded-key","campaigns":[{"name":"Seeded","alias":"seeded"}]}]}}`)
	b.click("#seed-form button[type=submit]")
	b.wait("the seed is loaded", `document.getElementById('msg').textContent === 'Seed loaded: keitaro'`)
	mustCall(t, srv, 200, "GET", "/keitaro/admin_api/v1/campaigns", "", "Api-Key", "seeded-key")
	// Or uploaded as a file.
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(`{"mousestats":{"tenants":[{"partnerId":"uploaded","partnerSecret":"up-secret"}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#seed-file"), []string{file}))
	b.wait("the file's text in the box", `document.getElementById('seed-body').value.includes('uploaded')`)
	b.click("#seed-form button[type=submit]")
	b.wait("the uploaded seed is loaded", `document.getElementById('msg').textContent === 'Seed loaded: mousestats'`)
	if !stateHas(t, srv, "mousestats", "uploaded") {
		t.Fatal("the uploaded seed's partner is missing")
	}
	b.typeIn("#seed-body", `{"nobody":{}}`)
	b.click("#seed-form button[type=submit]")
	b.wait("a bad seed is explained", `document.getElementById('msg').classList.contains('bad') && document.getElementById('msg').textContent.includes('nobody')`)

	// Reset everything empties the journal on screen too.
	b.open("/_emulator/#controls")
	b.click("#reset-all")
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	b.click("#confirm-ok")
	b.wait("the reset is reported", `document.getElementById('msg').textContent.startsWith('Reset done')`)
	if stateHas(t, srv, "keitaro", "seeded-key") {
		t.Fatal("the seeded tenant survived the reset")
	}
	b.click(`#tabs a[data-tab="requests"]`)
	b.wait("an empty journal", `document.querySelectorAll('#journal tbody tr').length === 0`)
}

func TestLoginWithTheAdminToken(t *testing.T) {
	const token = "console-s3cret"
	srv := startEmulator(t, token)
	b := newBrowser(t, srv, 1280, 900)
	b.open("/_emulator/")
	b.wait("the login form", `!document.getElementById('login').hidden`)
	if b.visible("#tab-requests") || b.visible("#tabs") {
		t.Fatal("the console shows behind the login form")
	}
	b.shot("login")
	b.typeIn("#login-token", "wrong")
	b.click("#login-form button")
	b.wait("a wrong token is refused", `!document.getElementById('login-error').hidden`)
	if got := b.text("#login-error"); !strings.Contains(got, "not the admin token") {
		t.Fatalf("login error %q", got)
	}
	b.typeIn("#login-token", token)
	b.click("#login-form button")
	b.wait("the console", `document.getElementById('login').hidden && !document.getElementById('tab-requests').hidden`)
	if c := eval[string](b, `document.cookie`); c != "" {
		t.Fatalf("the login cookie is readable by scripts: %q", c)
	}
	keitaro(t, srv, 200, "GET", "/campaigns", "")
	b.wait("traffic shows, read with the cookie", `document.querySelectorAll('#journal tbody tr').length === 1`)
	if !b.visible("#logout") {
		t.Fatal("no way to log out")
	}
	// The login outlives a reload.
	b.open("/_emulator/#controls")
	b.wait("still logged in", `document.getElementById('login').hidden && !document.getElementById('tab-controls').hidden`)
	b.typeIn("#clock-set-value", "2032-01-01T00:00:00Z")
	b.click("#clock-set button")
	b.wait("the clock is set", `document.getElementById('clock').textContent.includes('2032-01-01')`)

	// A page on another port of this host is the same site: the browser
	// sends the SameSite=Strict cookie along, and the control plane must
	// refuse it all the same.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>another app</title>"))
	}))
	defer other.Close()
	b.do("open another origin", chromedp.Navigate(other.URL))
	status := eval[string](b, `fetch(`+q(srv.URL+"/_emulator/clock")+`, {method: 'POST', credentials: 'include', mode: 'no-cors',
		body: '{"now":"2040-01-01T00:00:00Z"}'}).then(() => 'sent', (e) => 'failed: ' + e)`)
	t.Logf("cross-origin POST with the cookie: %s", status)
	time.Sleep(300 * time.Millisecond)
	if srv.Clock().Now().Year() == 2040 {
		t.Fatal("another origin's page moved the clock with the console's cookie")
	}

	b.open("/_emulator/")
	b.wait("the console", `document.getElementById('login').hidden`)
	b.click("#logout")
	b.wait("logged out", `!document.getElementById('login').hidden`)
	b.open("/_emulator/")
	b.wait("the login form after a reload", `!document.getElementById('login').hidden`)
}

func TestOtherSitesCannotDriveTheControlPlane(t *testing.T) {
	srv := startEmulator(t, "")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>another app</title>"))
	}))
	defer other.Close()
	b := newBrowser(t, srv, 1024, 768)
	// The console's own fetches pass the Origin check (every control above
	// works); a page of another origin gets 403 for the same request.
	b.open("/_emulator/")
	own := eval[float64](b, `fetch('/_emulator/clock', {method: 'POST', body: '{"advance":"1h"}'}).then((r) => r.status)`)
	if own != 200 {
		t.Fatalf("the console's own POST: %v", own)
	}
	b.do("open another origin", chromedp.Navigate(other.URL))
	eval[string](b, `fetch(`+q(srv.URL+"/_emulator/clock")+`, {method: 'POST', mode: 'no-cors', body: '{"now":"2040-01-01T00:00:00Z"}'}).then(() => 'sent', (e) => 'failed')`)
	time.Sleep(300 * time.Millisecond)
	if srv.Clock().Now().Year() == 2040 {
		t.Fatal("another origin's page moved the clock")
	}
}

func TestNarrowWindow(t *testing.T) {
	srv := startEmulator(t, "")
	keitaro(t, srv, 200, "POST", "/campaigns", `{"name":"A campaign with a rather long name to wrap","alias":"narrow"}`)
	b := newBrowser(t, srv, 375, 740)
	for _, tab := range []string{"requests", "data", "controls"} {
		b.open("/_emulator/#" + tab)
		b.wait(tab+" shows", `!document.getElementById('tab-`+tab+`').hidden`)
		if tab == "requests" {
			b.wait("the exchange row", `document.querySelectorAll('#journal tbody tr').length === 1`)
			b.click("#journal tbody tr")
			b.wait("the exchange opens", `!document.getElementById('exchange').hidden`)
			// The row's status is on screen, and the exchange below the
			// list is whole, not squeezed.
			if right := eval[float64](b, `document.querySelector('#journal tbody td.status').getBoundingClientRect().right`); right > 375 {
				t.Errorf("the status column ends at %v px, off a 375 px window", right)
			}
			if h := eval[float64](b, `document.getElementById('exchange').getBoundingClientRect().height`); h < 300 {
				t.Errorf("the opened exchange is %v px high", h)
			}
		}
		if tab == "data" {
			b.wait("the tenant's data", `!!document.getElementById('d-rows')`)
		}
		over := eval[float64](b, `document.documentElement.scrollWidth - window.innerWidth`)
		if over > 1 {
			t.Errorf("%s: the page is %v px wider than a 375 px window", tab, over)
		}
		b.shot(tab)
	}
}

func TestInspectorPagesBack(t *testing.T) {
	srv := startEmulator(t, "")
	for range 130 {
		keitaro(t, srv, 200, "GET", "/campaigns", "")
	}
	b := newBrowser(t, srv, 1280, 900)
	b.open("/_emulator/")
	b.wait("the newest page", `document.querySelectorAll('#journal tbody tr').length === 100`)
	if !b.visible("#older") {
		t.Fatal("no way to older exchanges")
	}
	b.click("#older")
	b.wait("the older exchanges", `document.querySelectorAll('#journal tbody tr').length === 130`)
	if b.visible("#older") {
		t.Fatal("Load older shows with nothing older")
	}
	ids := eval[[]int](b, `[...document.querySelectorAll('#journal tbody tr')].map((r) => Number(r.dataset.id))`)
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]-1 {
			t.Fatalf("row %d is exchange %d after %d: not the next older one", i, ids[i], ids[i-1])
		}
	}
}
