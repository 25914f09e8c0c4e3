package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/internal/loadkit"
)

// request is one HTTP request of a target, before it is written out.
type request struct {
	method, path string
	host         string // "" is the address dialled
	header       []string
	body         string
}

// target is one call measured on both sides: the emulator and a bare
// handler that answers with the bytes the emulator answered the first time.
type target struct {
	name    string
	status  int                   // the status every answer must have
	request func(i int64) request // request number i (writes make each one new)

	// The emulator's answer to the first request, which the bare handler
	// serves.
	answerStatus int
	contentType  string
	answer       []byte
	bare         net.Listener

	emu, bareRes []result
}

// capture sends the first request to the emulator and keeps its answer.
func (t *target) capture(addr string) error {
	rq := t.request(0)
	req, err := http.NewRequest(rq.method, "http://"+addr+rq.path, strings.NewReader(rq.body))
	if err != nil {
		return err
	}
	if rq.host != "" {
		req.Host = rq.host
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		req.Header.Set(rq.header[i], rq.header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != t.status {
		return fmt.Errorf("status %d, want %d: %s", resp.StatusCode, t.status, body)
	}
	t.answerStatus, t.contentType, t.answer = resp.StatusCode, resp.Header.Get("Content-Type"), body
	return nil
}

// startBare serves the captured answer from a bare net/http handler on a
// loopback port of its own.
func (t *target) startBare() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	t.bare = ln
	go (&http.Server{Handler: t.bareHandler(), ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
	return nil
}

// bareHandler answers every request with the captured answer.
func (t *target) bareHandler() http.Handler {
	length := strconv.Itoa(len(t.answer))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", t.contentType)
		w.Header().Set("Content-Length", length)
		w.WriteHeader(t.answerStatus)
		w.Write(t.answer)
	})
}

// targets are one read and one write per vendor. Reads use the default
// tenants; writes go to tenants made for the run, so that what the reads
// answer does not grow.
func targets(base string) ([]*target, error) {
	var hit struct {
		Token       string  `json:"token"`
		Whitelabels []int64 `json:"whitelabel_ids"`
	}
	if err := loadkit.Control(base, "/_emulator/hitsteps/tenants", `{}`, &hit); err != nil {
		return nil, err
	}
	mouseID, mouseSecret, err := loadkit.MouseStatsTenant(base)
	if err != nil {
		return nil, err
	}
	keitaroWritesKey, err := loadkit.KeitaroTenant(base, `{}`)
	if err != nil {
		return nil, err
	}
	token, err := loadkit.TwiplaToken(base, loadkit.TwiplaINTP, "24h")
	if err != nil {
		return nil, err
	}
	var twiplaWrites struct {
		IntpID string `json:"intpId"`
	}
	if err := loadkit.Control(base, "/_emulator/twipla/tenants", `{}`, &twiplaWrites); err != nil {
		return nil, err
	}
	writeToken, err := loadkit.TwiplaToken(base, twiplaWrites.IntpID, "24h")
	if err != nil {
		return nil, err
	}
	jcHost := loadkit.JustClickLogin + ".localhost"
	get := func(path string, header ...string) func(int64) request {
		return func(int64) request { return request{method: "GET", path: path, header: header} }
	}
	return []*target{
		{name: "hitsteps read", status: 200, request: get(
			"/hitsteps/api/whitelabel/accounts?token=" + loadkit.HitstepsToken + "&whitelabel_id=1")},
		{name: "hitsteps write", status: 200, request: func(i int64) request {
			return request{method: "GET", path: fmt.Sprintf("/hitsteps/api/whitelabel/account-create?token=%s&whitelabel_id=%d&email=b%d@example.com&password=secret1",
				hit.Token, hit.Whitelabels[0], i)}
		}},
		{name: "mousestats read", status: 200, request: get(
			"/mousestats/api/GetAccount?_partnerId=" + loadkit.MouseStatsID + "&_partnerSecret=" + loadkit.MouseStatsKey + "&_userEmail=test@example.com")},
		{name: "mousestats write", status: 200, request: func(i int64) request {
			return request{method: "GET", path: fmt.Sprintf("/mousestats/api/CreateAccount?_partnerId=%s&_partnerSecret=%s&_userEmail=b%d@example.com&_userPassword=pw123456",
				url.QueryEscape(mouseID), url.QueryEscape(mouseSecret), i)}
		}},
		{name: "keitaro read", status: 200, request: get("/keitaro/admin_api/v1/campaigns/89", "Api-Key", loadkit.KeitaroKey)},
		{name: "keitaro write", status: 200, request: func(i int64) request {
			return request{method: "POST", path: "/keitaro/admin_api/v1/campaigns",
				header: []string{"Api-Key", keitaroWritesKey, "Content-Type", "application/json"},
				body:   fmt.Sprintf(`{"name":"bench %d","alias":"bench%d"}`, i, i)}
		}},
		{name: "justclick read", status: 200, request: func(int64) request {
			return request{method: "POST", path: "/justclick/api/GetAllGroups", host: jcHost,
				header: []string{"Content-Type", "application/x-www-form-urlencoded"},
				body:   loadkit.JustClickSigned(loadkit.JustClickLogin, loadkit.JustClickSecret, "")}
		}},
		{name: "justclick write", status: 200, request: func(i int64) request {
			return request{method: "POST", path: "/justclick/api/AddLeadToGroup", host: jcHost,
				header: []string{"Content-Type", "application/x-www-form-urlencoded"},
				body:   loadkit.JustClickSigned(loadkit.JustClickLogin, loadkit.JustClickSecret, fmt.Sprintf("rid%%5B0%%5D=news&lead_email=b%d%%40example.com", i))}
		}},
		{name: "twipla read", status: 200, request: get("/twipla/v2/3as/packages", "Authorization", "Bearer "+token)},
		{name: "twipla write", status: 201, request: func(i int64) request {
			return request{method: "POST", path: "/twipla/v2/3as/customers",
				header: []string{"Authorization", "Bearer " + writeToken, "Content-Type", "application/json"},
				body:   fmt.Sprintf(`{"intpCustomerId":"b%d","email":"b%d@example.com"}`, i, i)}
		}},
	}, nil
}
