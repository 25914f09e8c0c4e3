package emulatortest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emulatortest"
	"github.com/vendoremu/vendoremu/journal"
)

// get sends a GET with headers (name, value pairs) and returns the status
// and body, as an application's client would see them.
func get(u string, headers ...string) (int, string) {
	req, _ := http.NewRequest("GET", u, nil)
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

func post(u, contentType, body string) (int, string) {
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// An emulator outside a test — in TestMain, a dev tool, this example.
func ExampleNew() {
	emu, err := emulatortest.New()
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	status, body := get(emu.URL + "/_emulator/health")
	fmt.Println(status, strings.Contains(body, `"status":"ok"`))
	// Output: 200 true
}

func ExampleEmulator_NewKeitaroTenant() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	k := emu.NewKeitaroTenant()
	fmt.Println(get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", k.APIKey))
	fmt.Println(get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", "someone-else"))
	// Output:
	// 200 []
	// 401 {"error":"Unauthorized"}
}

func ExampleEmulator_NewMouseStatsTenant() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	m := emu.NewMouseStatsTenant()
	q := url.Values{"_partnerId": {m.PartnerID}, "_partnerSecret": {m.PartnerSecret},
		"_userEmail": {"ann@example.com"}, "_userPassword": {"pw123456"}, "_activeFreePlan": {"true"}}
	fmt.Println(get(emu.MouseStats + "/api/CreateAccount?" + q.Encode()))
	// Output: 200 ok
}

func ExampleEmulator_NewHitstepsTenant() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	h := emu.NewHitstepsTenant()
	form := url.Values{"token": {h.Token}, "main_account": {h.MainAccount}}
	status, body := post(emu.Hitsteps+"/api/whitelabel/whitelabels", "application/x-www-form-urlencoded", form.Encode())
	fmt.Println(status, strings.HasSuffix(body, `"error":0}`), len(h.WhitelabelIDs))
	// Output: 200 true 2
}

func ExampleJustClickTenant_SignedBody() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	jc := emu.NewJustClickTenant()
	emu.Seed(map[string]any{"justclick": map[string]any{"tenants": []any{map[string]any{
		"login": jc.Login, "groups": []any{map[string]any{"rass_name": "news", "rass_title": "News"}}}}}})
	// A client signs its fields, and checks the hash of the answer.
	body := jc.SignedBody("rid[0]", "news", "lead_email", "ann@example.com")
	_, answer := post(jc.API+"AddLeadToGroup", "application/x-www-form-urlencoded", body)
	var a struct {
		Code int    `json:"error_code"`
		Text string `json:"error_text"`
		Hash string `json:"hash"`
	}
	json.Unmarshal([]byte(answer), &a)
	fmt.Println(a.Code, a.Text, jc.VerifyAnswer(a.Code, a.Text, a.Hash))
	// Output: 0 OK true
}

func ExampleTwiplaTenant_Token() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	tw := emu.NewTwiplaTenant()
	status, body := get(emu.Twipla+"/v2/3as/packages", "Authorization", "Bearer "+tw.Token(10*time.Minute))
	fmt.Println(status, strings.Count(body, `"touchpoints"`))
	// Output: 200 6
}

func ExampleEmulator_Seed() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	emu.Seed(`{"keitaro":{"tenants":[{"apiKey":"ci-key-0001","campaigns":[{"name":"Launch","alias":"launch"}]}]}}`)
	_, body := get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", "ci-key-0001")
	fmt.Println(strings.Contains(body, `"name":"Launch"`))
	// Output: true
}

func ExampleEmulator_AddFault() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	broken, fine := emu.NewKeitaroTenant(), emu.NewKeitaroTenant()
	// Only broken's requests fail: a parallel test's fault is its own.
	emu.AddFault(emulatortest.Fault{Vendor: "keitaro", Tenant: broken.APIKey, Status: 503, Body: `{"error":"maintenance"}`})
	fmt.Println(get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", broken.APIKey))
	fmt.Println(get(emu.Keitaro+"/admin_api/v1/campaigns", "Api-Key", fine.APIKey))
	// Output:
	// 503 {"error":"maintenance"}
	// 200 []
}

func ExampleEmulator_State() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	m := emu.NewMouseStatsTenant()
	q := url.Values{"_partnerId": {m.PartnerID}, "_partnerSecret": {m.PartnerSecret},
		"_userEmail": {"ann@example.com"}, "_userPassword": {"pw123456"}}
	get(emu.MouseStats + "/api/CreateAccount?" + q.Encode())
	var state struct {
		Tenants []struct {
			Accounts []struct {
				Email string `json:"email"`
			} `json:"accounts"`
		} `json:"tenants"`
	}
	json.Unmarshal(emu.State("mousestats", m.PartnerID), &state)
	fmt.Println(state.Tenants[0].Accounts[0].Email)
	// Output: ann@example.com
}

func ExampleEmulator_Requests() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	k := emu.NewKeitaroTenant()
	get(emu.Keitaro+"/admin_api/v1/offers", "Api-Key", k.APIKey)
	for _, r := range emu.Requests(journal.Filter{Vendor: "keitaro", Tenant: k.APIKey}) {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output: GET /admin_api/v1/offers 200
}

func ExampleEmulator_FreezeTenantClock() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	m := emu.NewMouseStatsTenant()
	// This partner lives in 2031; every other tenant keeps the real time.
	emu.FreezeTenantClock("mousestats", m.PartnerID, time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC))
	q := url.Values{"_partnerId": {m.PartnerID}, "_partnerSecret": {m.PartnerSecret},
		"_userEmail": {"ann@example.com"}, "_userPassword": {"pw123456"}, "_activeFreePlan": {"true"}}
	get(emu.MouseStats + "/api/CreateAccount?" + q.Encode())
	emu.AdvanceTenantClock("mousestats", m.PartnerID, 10*24*time.Hour)
	q.Del("_userPassword")
	q.Del("_activeFreePlan")
	_, body := get(emu.MouseStats + "/api/GetAccount?" + q.Encode())
	fmt.Println(strings.Contains(body, `"PlanDaysLeft":20,`), emu.TenantNow("mousestats", m.PartnerID).Format(time.DateOnly))
	// Output: true 2031-03-11
}

func ExampleEmulator_Snapshot() {
	emu, _ := emulatortest.New()
	defer emu.Close()
	emu.Seed(`{"mousestats":{"tenants":[{"partnerId":"suite","partnerSecret":"s3cret",
		"accounts":[{"email":"fixture@example.com","password":"pw123456"}]}]}}`)
	emu.Snapshot("fixtures")
	// A test writes…
	create := url.Values{"_partnerId": {"suite"}, "_partnerSecret": {"s3cret"},
		"_userEmail": {"new@example.com"}, "_userPassword": {"pw123456"}}
	fmt.Println(get(emu.MouseStats + "/api/CreateAccount?" + create.Encode()))
	// …and the next one starts from the fixtures again.
	emu.Restore("fixtures")
	fmt.Println(get(emu.MouseStats + "/api/CreateAccount?" + create.Encode()))
	// Output:
	// 200 ok
	// 200 ok
}
