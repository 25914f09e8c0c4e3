package emulatortest_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulatortest"
	"github.com/vendoremu/vendoremu/journal"
)

// One emulator for the whole test binary, shut down after the tests.
func TestMain(m *testing.M) { os.Exit(emulatortest.Main(m)) }

// Parallel tests on the shared emulator, each in tenants of its own: half
// of them live in 2031 and fault their own requests, and none of that
// reaches the other half.
func TestParallelTestsShareOneEmulator(t *testing.T) {
	var mu sync.Mutex
	urls := map[string]bool{}
	for i := range 16 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			emu := emulatortest.Shared(t)
			mu.Lock()
			urls[emu.URL] = true
			mu.Unlock()
			future := i%2 == 0

			m := emu.NewMouseStatsTenant()
			k := emu.NewKeitaroTenant()
			tw := emu.NewTwiplaTenant()
			if future {
				emu.FreezeTenantClock("mousestats", m.PartnerID, time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC))
				emu.FreezeTenantClock("twipla", tw.IntpID, time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC))
				emu.AddFault(emulatortest.Fault{Vendor: "keitaro", Tenant: k.APIKey, Status: 503, Body: "down"})
			}
			q := url.Values{"_partnerId": {m.PartnerID}, "_partnerSecret": {m.PartnerSecret},
				"_userEmail": {"ann@example.com"}, "_userPassword": {"pw123456"}, "_activeFreePlan": {"true"}}
			if _, body := get(emu.MouseStats + "/api/CreateAccount?" + q.Encode()); body != "ok" {
				t.Fatalf("CreateAccount: %s", body)
			}
			if future {
				emu.AdvanceTenantClock("mousestats", m.PartnerID, 10*24*time.Hour)
			}
			q.Del("_userPassword")
			q.Del("_activeFreePlan")
			_, body := get(emu.MouseStats + "/api/GetAccount?" + q.Encode())
			want := map[bool]string{true: `"PlanDaysLeft":20,`, false: `"PlanDaysLeft":30,`}[future]
			if !strings.Contains(body, want) {
				t.Fatalf("GetAccount: %s, want %s", body, want)
			}

			status, body := get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", k.APIKey)
			if future && (status != 503 || body != "down") || !future && (status != 200 || body != "[]") {
				t.Fatalf("keitaro: %d %s", status, body)
			}
			// A token signed at the INTP's now is good on its clock.
			if status, _ := get(emu.Twipla+"/v2/3as/packages", "Authorization", "Bearer "+tw.Token(time.Minute)); status != 200 {
				t.Fatalf("twipla token: %d", status)
			}
			var state struct {
				Tenants []struct {
					Accounts []struct {
						CreatedAt string `json:"createdAt"`
					} `json:"accounts"`
				} `json:"tenants"`
			}
			if err := json.Unmarshal(emu.State("mousestats", m.PartnerID), &state); err != nil || len(state.Tenants[0].Accounts) != 1 {
				t.Fatalf("state: %v", err)
			}
			if got := strings.HasPrefix(state.Tenants[0].Accounts[0].CreatedAt, "2031-"); got != future {
				t.Fatalf("createdAt %s", state.Tenants[0].Accounts[0].CreatedAt)
			}
			// The journal, filtered by tenant, is this test's own.
			if n := len(emu.Requests(journal.Filter{Tenant: m.PartnerID})); n != 2 {
				t.Fatalf("%d journal entries for this test's partner", n)
			}
			emu.ResetTenant("mousestats", m.PartnerID)
		})
	}
	t.Cleanup(func() {
		if len(urls) != 1 {
			t.Errorf("the tests saw %d emulators", len(urls))
		}
	})
}

// Built without cgo, vendoremu does not compile, and the compiler says why.
func TestWithoutCgoTheBuildSaysWhy(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to build with: %v", err)
		}
	}
	cmd := exec.Command(goBin, "build", "-o", os.DevNull, "github.com/vendoremu/vendoremu/emulatortest")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the build succeeded without cgo")
	}
	if !strings.Contains(string(out), "undefined: vendoremu_needs_cgo__set_CGO_ENABLED_1_and_install_gcc") ||
		strings.Contains(string(out), "sqlite3.") {
		t.Fatalf("the build without cgo says:\n%s", out)
	}
}
