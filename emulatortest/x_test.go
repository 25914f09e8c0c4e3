package emulatortest_test
import ("io";"net/http";"testing";"fmt";"time";"strings";"github.com/vendoremu/vendoremu/emulatortest")
func TestX(t *testing.T){
 emu := emulatortest.Start(t)
 tw := emu.NewTwiplaTenant()
 a := []string{"Authorization", "Bearer "+tw.Token(time.Minute)}
 do := func(m, p, b string) { req := p; _ = req; 
   code, body := func() (int,string){ if m=="GET" {return get(emu.Twipla+p, a...)}; return doJSON(m, emu.Twipla+p, b, a...)}()
   fmt.Println(m, p, code, body[:min(len(body),200)]) }
 do("POST","/v2/3as/customers",`{"intpCustomerId":"c1","email":"c1@example.com","website":{"intpWebsiteId":"w1","domain":"w1.example.com"}}`)
 do("POST","/v2/3as/websites/w1/api-keys",`{"name":"k1"}`)
 do("POST","/v3/3as/websites/w1/contributors",`{"intpCustomerId":"c1","role":"admin"}`)
 fmt.Println(post(emu.URL+"/_emulator/twipla/sessions", "application/json", `{"intpId":"`+tw.IntpID+`","intpWebsiteId":"w1","sessions":[{"country":"DE"}]}`))
 s := string(emu.State("twipla", tw.IntpID))
 i := strings.Index(s, `"customers"`)
 fmt.Println(s[i:])
}
func doJSON(method, u, body string, headers ...string) (int, string) {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 { req.Header.Set(headers[i], headers[i+1]) }
	resp, err := http.DefaultClient.Do(req)
	if err != nil { return 0, err.Error() }
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
