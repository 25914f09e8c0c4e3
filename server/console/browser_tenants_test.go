//go:build browser

package console_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// The controls a parallel test suite uses: a fault, a clock of one
// tenant's own, snapshots.

// keitaroAs calls the Keitaro Admin API with a tenant's key.
func keitaroAs(t *testing.T, srv *vtest.Server, key string, want int, method, path, body string) string {
	t.Helper()
	return mustCall(t, srv, want, method, "/keitaro/admin_api/v1"+path, body, "Api-Key", key, "Content-Type", "application/json")
}

// getOnce sends a GET on a connection of its own, so that Go's client
// cannot retry it on another one, and returns the transport's error.
func getOnce(t *testing.T, srv *vtest.Server, path, apiKey string) error {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Api-Key", apiKey)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

func TestTenantConnectionFaultIsListedFilteredAndDeleted(t *testing.T) {
	srv := startEmulator(t, "")
	mustCall(t, srv, 201, "POST", "/_emulator/keitaro/tenants", `{"apiKey":"suite-a-key"}`)
	b := newBrowser(t, srv, 1280, 1000)
	b.open("/_emulator/#controls")

	b.choose("#fault-vendor", "keitaro")
	b.typeIn("#fault-tenant", "suite-a-key")
	b.choose("#fault-kind", "connection_reset")
	// A broken connection carries no status or body: the form says so.
	if !eval[bool](b, `['fault-status', 'fault-body', 'fault-ctype'].every((id) => document.getElementById(id).disabled)`) {
		t.Fatal("status, body and content type stay open for a connection reset")
	}
	b.typeIn("#fault-path", "/admin_api/v1/campaigns")
	b.typeIn("#fault-jitter", "40")
	b.typeIn("#fault-times", "0")
	b.click("#fault-form button[type=submit]")
	b.wait("the fault is listed", `document.querySelectorAll('#faults tbody tr').length === 1`)
	cells := eval[[]string](b, `[...document.querySelectorAll('#faults tbody tr td')].map((c) => c.innerText)`)
	want := []string{"1", "keitaro", "suite-a-key", "any", "/admin_api/v1/campaigns", "connection reset", "0 + 0–40", "∞", "∞", "0", "Delete"}
	if strings.Join(cells, "|") != strings.Join(want, "|") {
		t.Fatalf("fault row %q, want %q", cells, want)
	}
	var listed struct {
		Faults []struct {
			Tenant, Fault string
			Status        int
			JitterMS      int `json:"jitter_ms"`
		}
	}
	if err := json.Unmarshal([]byte(mustCall(t, srv, 200, "GET", "/_emulator/faults", "")), &listed); err != nil || len(listed.Faults) != 1 {
		t.Fatalf("faults %v %+v", err, listed)
	}
	if f := listed.Faults[0]; f.Tenant != "suite-a-key" || f.Fault != "connection_reset" || f.Status != 0 || f.JitterMS != 40 {
		t.Fatalf("the control plane got %+v", f)
	}
	b.shot("tenant-fault")

	// Only that tenant's client sees its connection reset.
	if err := getOnce(t, srv, "/keitaro/admin_api/v1/campaigns", "suite-a-key"); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Fatalf("the tenant's request: %v, want a reset connection", err)
	}
	keitaro(t, srv, 200, "GET", "/campaigns", "")

	// The inspector's tenant filter finds the faulted exchange: it keeps
	// its tenant.
	b.click(`#tabs a[data-tab="requests"]`)
	b.waitRows("both exchanges", 2, "/admin_api/v1/campaigns")
	b.typeIn("#f-tenant", "suite-a-key")
	b.waitRows("the tenant's faulted exchange only", 1, "fault #1")
	if row := b.text("#journal tbody tr"); !strings.Contains(row, "suite-a-key") || !strings.Contains(row, "no answer") {
		t.Fatalf("faulted row %q", row)
	}
	b.click("#journal tbody tr")
	b.wait("the fault described", `document.getElementById('exchange-fault') && document.getElementById('exchange-fault').textContent.includes(': it')`)
	if got, want := b.text("#exchange-fault"), "Fault #1 matched this exchange: it waits 0–40 ms, resets the connection (keitaro tenant suite-a-key /admin_api/v1/campaigns)."; got != want {
		t.Fatalf("fault note %q, want %q", got, want)
	}
	if got := b.text("#exchange-status"); got != "no answer" {
		t.Fatalf("response status %q", got)
	}
	b.shot("tenant-filter")

	// Delete it in the console: the tenant is served again.
	b.click(`#tabs a[data-tab="controls"]`)
	b.wait("the fault list", `document.querySelectorAll('#faults tbody tr').length === 1`)
	b.click("#faults tbody tr button")
	b.wait("the fault is gone", `document.querySelectorAll('#faults tbody tr').length === 0 && !document.getElementById('faults-empty').hidden`)
	if got := mustCall(t, srv, 200, "GET", "/_emulator/faults", ""); got != `{"faults":[]}` {
		t.Fatalf("faults after delete: %s", got)
	}
	if err := getOnce(t, srv, "/keitaro/admin_api/v1/campaigns", "suite-a-key"); err != nil {
		t.Fatalf("after the delete: %v", err)
	}
	// The exchange still says what the deleted fault did.
	b.click(`#tabs a[data-tab="requests"]`)
	b.wait("the faulted exchange", `[...document.querySelectorAll('#journal tbody tr')].some((r) => r.innerText.includes('fault #1'))`)
	b.click(`#journal tbody tr:last-child`)
	b.wait("the gone fault described", `document.getElementById('exchange-fault') && document.getElementById('exchange-fault').textContent.endsWith('it is no longer active.')`)
	if got := b.text("#exchange-fault"); !strings.Contains(got, "resets the connection") {
		t.Fatalf("fault note %q", got)
	}
}

func TestTenantClock(t *testing.T) {
	srv := startEmulator(t, "")
	mustCall(t, srv, 201, "POST", "/_emulator/keitaro/tenants", `{"apiKey":"suite-b-key"}`)
	b := newBrowser(t, srv, 1280, 1000)
	b.open("/_emulator/#controls")
	disabled := `document.querySelector('#clock-set button').disabled && document.getElementById('clock-advance-value').disabled && document.getElementById('clock-real').disabled`

	// Half named, or an unknown tenant: the controls are off, so that
	// nothing meant for a tenant moves every tenant's clock.
	b.choose("#clock-vendor", "keitaro")
	b.wait("a tenant is asked for", `document.getElementById('clock-scope-note').textContent.startsWith('Name a tenant of keitaro') && `+disabled)
	b.typeIn("#clock-tenant", "nobody\t")
	b.wait("the unknown tenant is named", `document.getElementById('clock-scope-note').textContent.includes('unknown tenant "nobody" of keitaro') && `+disabled)

	b.typeIn("#clock-tenant", "suite-b-key\t")
	b.wait("the tenant's clock", `document.getElementById('clock-scope-note').textContent.includes("suite-b-key's own clock") &&
		document.getElementById('clock-mode').textContent === 'running, follows the emulator clock' && !(`+disabled+`)`)
	b.typeIn("#clock-set-value", "2031-03-01T10:00:00Z")
	b.click("#clock-set button")
	b.wait("the tenant's clock is set", `document.getElementById('clock-now').textContent === '2031-03-01T10:00:00Z' &&
		document.getElementById('clock-mode').textContent === 'frozen, its own clock'`)
	// On screen, the tenant's clock and the emulator clock differ: the
	// header and the card's second line still show today.
	year := time.Now().UTC().Format("2006")
	if h := b.text("#clock"); !strings.HasPrefix(h, "clock "+year) || strings.Contains(h, "frozen") {
		t.Fatalf("the header's emulator clock %q", h)
	}
	if !b.visible("#clock-emulator-line") || !strings.HasPrefix(b.text("#clock-emulator"), year) {
		t.Fatalf("the card's emulator clock %q", b.text("#clock-emulator-line"))
	}
	if srv.Clock().Frozen() || time.Since(srv.Clock().Now()).Abs() > time.Minute {
		t.Fatalf("setting a tenant's clock moved the emulator clock: %v", srv.Clock().Now())
	}
	// The tenant's data reads its clock; the default tenant's reads the
	// emulator clock.
	if got := keitaroAs(t, srv, "suite-b-key", 200, "POST", "/campaigns", `{"name":"Launch","alias":"launch-b"}`); !strings.Contains(got, `"created_at":"2031-03-01 10:00:00"`) {
		t.Fatalf("the tenant's campaign: %s", got)
	}
	if got := keitaro(t, srv, 200, "POST", "/campaigns", `{"name":"Today","alias":"today-b"}`); !strings.Contains(got, `"created_at":"`+year) {
		t.Fatalf("the default tenant's campaign: %s", got)
	}

	b.typeIn("#clock-advance-value", "36h")
	b.click("#clock-advance button")
	b.wait("the tenant's clock is advanced", `document.getElementById('clock-now').textContent === '2031-03-02T22:00:00Z'`)
	if got := mustCall(t, srv, 200, "GET", "/_emulator/clock?vendor=keitaro&tenant=suite-b-key", ""); got != `{"frozen":true,"now":"2031-03-02T22:00:00Z","own":true,"tenant":"suite-b-key","vendor":"keitaro"}` {
		t.Fatalf("tenant clock: %s", got)
	}
	b.shot("tenant-clock")

	// Released, it follows the emulator clock again.
	if got := b.text("#clock-real"); got != "Follow the emulator clock" {
		t.Fatalf("release button %q", got)
	}
	b.click("#clock-real")
	b.wait("the tenant follows the emulator clock", `document.getElementById('clock-mode').textContent === 'running, follows the emulator clock' &&
		document.getElementById('clock-now').textContent.startsWith(`+q(year)+`)`)
	if got := mustCall(t, srv, 200, "GET", "/_emulator/clock?vendor=keitaro&tenant=suite-b-key", ""); !strings.Contains(got, `"own":false`) {
		t.Fatalf("tenant clock after release: %s", got)
	}

	// A reset of the tenant releases its clock; the card notices.
	b.typeIn("#clock-set-value", "2035-01-01T00:00:00Z")
	b.click("#clock-set button")
	b.wait("set again", `document.getElementById('clock-mode').textContent === 'frozen, its own clock'`)
	b.typeIn("#reset-tenant", "suite-b-key")
	b.choose("#reset-vendor", "keitaro")
	b.click("#reset-tenant-btn")
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	b.click("#confirm-ok")
	b.wait("released by the reset", `document.getElementById('clock-mode').textContent === 'running, follows the emulator clock'`)

	// Back on the emulator clock.
	b.typeIn("#clock-tenant", "\t")
	b.choose("#clock-vendor", "")
	b.wait("the emulator clock's controls", `document.getElementById('clock-scope-note').textContent === '' &&
		document.getElementById('clock-real').textContent === 'Back to real time' && document.getElementById('clock-emulator-line').hidden`)
}

func TestSnapshotSaveChangeRestore(t *testing.T) {
	srv := startEmulator(t, "")
	mustCall(t, srv, 201, "POST", "/_emulator/keitaro/tenants", `{"apiKey":"snap-key"}`)
	keitaroAs(t, srv, "snap-key", 200, "POST", "/campaigns", `{"name":"Before the snapshot","alias":"before-snap"}`)
	b := newBrowser(t, srv, 1280, 1000)
	b.open("/_emulator/#controls")
	b.wait("no snapshots yet", `!document.getElementById('snapshots-empty').hidden`)

	b.typeIn("#snapshot-name", "baseline")
	b.click("#snapshot-form button")
	b.wait("the snapshot is listed", `document.querySelectorAll('#snapshots tbody tr').length === 1`)
	if got := b.text("#snapshots tbody tr td.name"); got != "baseline" {
		t.Fatalf("snapshot name %q", got)
	}
	if got := b.text("#snapshots tbody tr td.size"); !strings.HasSuffix(got, "KiB") && !strings.HasSuffix(got, "MiB") {
		t.Fatalf("snapshot size %q", got)
	}
	if got := mustCall(t, srv, 200, "GET", "/_emulator/snapshots", ""); !strings.Contains(got, `"name":"baseline"`) {
		t.Fatalf("snapshots: %s", got)
	}
	// A name the control plane refuses is explained.
	b.typeIn("#snapshot-name", ".hidden")
	b.click("#snapshot-form button")
	b.wait("a bad name is explained", `document.getElementById('msg').classList.contains('bad') && document.getElementById('msg').textContent.includes('snapshot name')`)

	// Change the data; the data browser shows the change.
	keitaroAs(t, srv, "snap-key", 200, "POST", "/campaigns", `{"name":"After the snapshot","alias":"after-snap"}`)
	campaigns := `document.getElementById('d-rows') && document.getElementById('d-rows').dataset.kind === 'campaigns' ? document.getElementById('d-rows').innerText : ''`
	b.click(`#tabs a[data-tab="data"]`)
	b.choose("#d-vendor", "keitaro")
	b.wait("the tenant is listed", `[...document.getElementById('d-tenant').options].some((o) => o.value === 'snap-key')`)
	b.choose("#d-tenant", "snap-key")
	b.wait("both campaigns", `(`+campaigns+`).includes('After the snapshot') && (`+campaigns+`).includes('Before the snapshot')`)

	// Restore: cancelling changes nothing; confirming brings the old data
	// back.
	b.click(`#tabs a[data-tab="controls"]`)
	b.wait("the snapshot list", `document.querySelectorAll('#snapshots tbody tr').length === 1`)
	b.click(`#snapshots tbody tr[data-name="baseline"] button.restore`)
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	if got := b.text("#confirm-text"); !strings.HasPrefix(got, "Restore snapshot baseline?") || !strings.Contains(got, "what was written since is lost") {
		t.Fatalf("confirmation %q", got)
	}
	b.shot("snapshot-confirm")
	b.click("#confirm-cancel")
	b.wait("the dialog closes", `!document.getElementById('confirm').open`)
	if got := keitaroAs(t, srv, "snap-key", 200, "GET", "/campaigns", ""); !strings.Contains(got, "After the snapshot") {
		t.Fatal("a cancelled restore restored")
	}
	b.click(`#snapshots tbody tr[data-name="baseline"] button.restore`)
	b.wait("the confirmation", `document.getElementById('confirm').open`)
	b.click("#confirm-ok")
	b.wait("the restore is reported", `document.getElementById('msg').textContent === 'Snapshot baseline restored.'`)
	b.click(`#tabs a[data-tab="data"]`)
	b.wait("the old data", `(`+campaigns+`).includes('Before the snapshot') && !(`+campaigns+`).includes('After the snapshot')`)
	b.shot("snapshot-restored")
	if got := keitaroAs(t, srv, "snap-key", 200, "GET", "/campaigns", ""); strings.Contains(got, "After the snapshot") || !strings.Contains(got, "Before the snapshot") {
		t.Fatalf("campaigns after the restore: %s", got)
	}

	// Saving under a taken name asks first; deleting too.
	b.click(`#tabs a[data-tab="controls"]`)
	b.wait("the snapshot list", `document.querySelectorAll('#snapshots tbody tr').length === 1`)
	b.typeIn("#snapshot-name", "baseline")
	b.click("#snapshot-form button")
	b.wait("the confirmation", `document.getElementById('confirm').open && document.getElementById('confirm-text').textContent.startsWith('Replace snapshot baseline')`)
	b.click("#confirm-cancel")
	b.wait("the dialog closes", `!document.getElementById('confirm').open`)
	b.click(`#snapshots tbody tr[data-name="baseline"] button.danger`)
	b.wait("the confirmation", `document.getElementById('confirm').open && document.getElementById('confirm-text').textContent.startsWith('Delete snapshot baseline?')`)
	b.click("#confirm-ok")
	b.wait("the snapshot is gone", `document.querySelectorAll('#snapshots tbody tr').length === 0 && !document.getElementById('snapshots-empty').hidden`)
	if got := mustCall(t, srv, 200, "GET", "/_emulator/snapshots", ""); got != `{"snapshots":[]}` {
		t.Fatalf("snapshots after delete: %s", got)
	}
}
