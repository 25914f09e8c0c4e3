package emulatortest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulatortest"
	"github.com/vendoremu/vendoremu/journal"
)

// mouseStats is the kind of client an application has: it only knows a base
// URL and its partner credentials.
type mouseStats struct {
	base, partner, secret string
}

func (m mouseStats) call(fn string, params url.Values) (string, error) {
	params.Set("_partnerId", m.partner)
	params.Set("_partnerSecret", m.secret)
	resp, err := http.Get(m.base + "/api/" + fn + "?" + params.Encode())
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// The emulator runs in-process; the application's client only gets its base
// URL changed. The document's sample credentials work against the default
// tenant.
func TestStartServesTheVendors(t *testing.T) {
	emu := emulatortest.Start(t)
	client := mouseStats{base: emu.MouseStats, partner: "partnername", secret: "bvdj436hdas"}

	got, err := client.call("GetAccount", url.Values{"_userEmail": {"test@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, `{"Email":"test@example.com(partnername)","PlanName":"SaneEgg","PlanDaysLeft":30,`) {
		t.Fatalf("GetAccount: %s", got)
	}
	// A client fails the way it would against MouseStats.
	if got, _ := (mouseStats{emu.MouseStats, "partnername", "wrong"}).call("GetAccount", url.Values{}); got != "permission-denied" {
		t.Fatalf("wrong secret: %s", got)
	}

	// The journal shows what the client sent and what it got back.
	calls := emu.Journal.List(journal.Filter{Vendor: "mousestats", Path: "/api/GetAccount"})
	if len(calls) != 2 || calls[1].Tenant != "partnername" || calls[1].Status != 200 {
		t.Fatalf("journal: %+v", calls)
	}
}

// The clock is shared by every vendor: freeze it, move it on, and plans,
// tokens and trials follow.
func TestClockDrivesExpiry(t *testing.T) {
	emu := emulatortest.Start(t)
	emu.Clock.Set(time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC))
	emu.Reset() // the default account's 30 days now start at the frozen instant
	client := mouseStats{base: emu.MouseStats, partner: "partnername", secret: "bvdj436hdas"}

	emu.Clock.Advance(10 * 24 * time.Hour)
	got, _ := client.call("GetAccount", url.Values{"_userEmail": {"test@example.com"}})
	if !strings.Contains(got, `"PlanDaysLeft":20,`) {
		t.Fatalf("after 10 days: %s", got)
	}
}

// Reset puts every vendor back to its defaults between tests; ResetTenant
// restores just one tenant.
func TestReset(t *testing.T) {
	emu := emulatortest.Start(t)
	client := mouseStats{base: emu.MouseStats, partner: "partnername", secret: "bvdj436hdas"}
	params := url.Values{"_userEmail": {"new@example.com"}, "_userPassword": {"pw123456"}}
	if got, _ := client.call("CreateAccount", params); got != "ok" {
		t.Fatalf("CreateAccount: %s", got)
	}
	if got, _ := client.call("CreateAccount", params); got != "user-exists" {
		t.Fatalf("second CreateAccount: %s", got)
	}
	emu.ResetTenant("mousestats", "partnername")
	if got, _ := client.call("CreateAccount", params); got != "ok" {
		t.Fatalf("CreateAccount after the tenant reset: %s", got)
	}
	emu.Reset()
	if n := len(emu.Journal.List(journal.Filter{})); n != 0 {
		t.Fatalf("journal after Reset: %d entries", n)
	}
}

// recorder is a test that keeps its failures instead of failing.
type recorder struct {
	*testing.T
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Every exchange is checked against the OpenAPI documents: a parameter the
// document does not list, in a request the emulator accepted, fails the
// test; WithoutOpenAPICheck turns that off.
func TestExchangesAreCheckedAgainstTheDocuments(t *testing.T) {
	for _, tc := range []struct {
		opts []emulatortest.Option
		fail bool
	}{{nil, true}, {[]emulatortest.Option{emulatortest.WithoutOpenAPICheck()}, false}} {
		rec := &recorder{}
		t.Run("", func(t *testing.T) {
			rec.T = t
			emu := emulatortest.Start(rec, tc.opts...)
			client := mouseStats{base: emu.MouseStats, partner: "partnername", secret: "bvdj436hdas"}
			if _, err := client.call("GetAccount", url.Values{"_userEmail": {"test@example.com"}, "_debug": {"1"}}); err != nil {
				t.Fatal(err)
			}
		})
		failed := len(rec.errors) > 0 && strings.Contains(rec.errors[0], `query parameter "_debug" is not documented`)
		if failed != tc.fail {
			t.Errorf("check on = %v: failures %q", tc.fail, rec.errors)
		}
	}
}
