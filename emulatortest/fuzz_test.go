package emulatortest_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulatortest"
)

// dumpCorpus builds, on a scratch emulator, one tenant per vendor with data
// and its own clock, and returns each dump as a seed document: the shapes
// FuzzSeedDumps mutates.
func dumpCorpus(t testing.TB) []string {
	emu, err := emulatortest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	emu = emu.With(t)
	at := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	m := emu.NewMouseStatsTenant()
	emu.FreezeTenantClock("mousestats", m.PartnerID, at)
	get(emu.MouseStats + "/api/CreateAccount?_partnerId=" + m.PartnerID + "&_partnerSecret=" + m.PartnerSecret +
		"&_userEmail=a@example.com&_userPassword=pw123456&_activeFreePlan=true")
	get(emu.MouseStats + "/api/GenerateLoginToken?_partnerId=" + m.PartnerID + "&_partnerSecret=" + m.PartnerSecret +
		"&_userEmail=a@example.com")
	k := emu.NewKeitaroTenant()
	emu.FreezeTenantClock("keitaro", k.APIKey, at)
	doJSON("POST", emu.Keitaro+"/admin_api/v1/offers", `{"name":"O","url":"http://o.example/"}`, "Api-Key", k.APIKey)
	doJSON("POST", emu.Keitaro+"/admin_api/v1/integrations/facebook", `{"name":"F","ad_account_id":"a","token":"t"}`, "Api-Key", k.APIKey)
	jc := emu.NewJustClickTenant()
	post(jc.API+"AddGood", "application/x-www-form-urlencoded", jc.SignedBody("good_name", "g", "good_title", "G", "good_type", "electronic", "good_sum", "5"))
	post(jc.API+"CreateOrder", "application/x-www-form-urlencoded", jc.SignedBody("goods[0][good_name]", "g", "bill_email", "b@example.com"))
	tw := emu.NewTwiplaTenant()
	auth := []string{"Authorization", "Bearer " + tw.Token(time.Hour)}
	doJSON("POST", emu.Twipla+"/v2/3as/customers", `{"intpCustomerId":"c1","email":"c1@example.com","website":{"intpWebsiteId":"w1","domain":"w1.example.com"}}`, auth...)
	doJSON("POST", emu.Twipla+"/v2/3as/websites/w1/whitelisted-domains", `{"domain":"x.example.com"}`, auth...)
	h := emu.NewHitstepsTenant()
	post(emu.Hitsteps+"/api/whitelabel/account-create", "application/x-www-form-urlencoded",
		"token="+h.Token+"&whitelabel_id="+fmt.Sprint(h.WhitelabelIDs[0])+"&email=x@example.com&password=secret1")
	var out []string
	for vendor, key := range map[string]string{"mousestats": m.PartnerID, "keitaro": k.APIKey, "justclick": jc.Login,
		"twipla": tw.IntpID, "hitsteps": h.MainAccount} {
		out = append(out, `{"`+vendor+`":`+string(emu.State(vendor, key))+`}`)
	}
	return out
}

func doJSON(method, u, body string, headers ...string) (int, string) {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Whatever a seed document says — a dump, a mangled dump, a dump loaded
// twice — the control plane answers 200 or a 4xx naming the problem, never
// a 500, and the emulator keeps answering.
//
// Its corpus starts from the dumps TestWriteDumpCorpus writes.
func FuzzSeedDumps(f *testing.F) {
	emu, err := emulatortest.New()
	if err != nil {
		f.Fatal(err)
	}
	defer emu.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	f.Fuzz(func(t *testing.T, doc string) {
		resp, err := client.Post(emu.URL+"/_emulator/seed", "application/json", strings.NewReader(doc))
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status, body := resp.StatusCode, string(b)
		if status != 200 && (status < 400 || status > 499) {
			t.Fatalf("seed answered %d %s", status, body)
		}
		if status, _ := get(emu.URL + "/_emulator/health"); status != 200 {
			t.Fatalf("health after the seed: %d", status)
		}
	})
}

// TestWriteDumpCorpus refreshes FuzzSeedDumps' seed corpus from live dumps
// when VENDOREMU_WRITE_CORPUS=1; otherwise it checks that the committed
// corpus still loads.
func TestWriteDumpCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzSeedDumps")
	if os.Getenv("VENDOREMU_WRITE_CORPUS") == "1" {
		for i, doc := range dumpCorpus(t) {
			entry := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", doc)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("dump-%d", i)), []byte(entry), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	emu := emulatortest.Start(t)
	for _, doc := range dumpCorpus(t) {
		if status, body := post(emu.URL+"/_emulator/seed", "application/json", doc); status != 200 {
			t.Fatalf("a fresh dump does not load: %d %s", status, body)
		}
	}
}
