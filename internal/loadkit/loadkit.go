// Package loadkit is what the two load commands (cmd/bench and
// cmd/loadtest) share: the vendors' default credentials, the control-plane
// call that makes their tenants, and JustClick's request signature.
package loadkit

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Default credentials of the vendors' default tenants (see the README).
const (
	HitstepsToken   = "b91267234abc2354b2324c134ad3454f2c"
	MouseStatsID    = "partnername"
	MouseStatsKey   = "bvdj436hdas"
	KeitaroKey      = "your-api-key"
	JustClickLogin  = "username"
	JustClickSecret = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	TwiplaINTP      = "7128840a-5347-49a4-8dfa-9022d8dad21a"
)

// Control POSTs a control-plane request (path under base, a JSON body)
// and decodes its answer into out (nil: the answer is not kept).
func Control(base, path, body string, out any) error {
	resp, err := http.Post(base+path, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		return fmt.Errorf("is the emulator running at %s? %w", base, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %d %s", path, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// JustClickSigned is a JustClick request body: the query and its hash, as
// the vendor's PHP client signs it.
func JustClickSigned(login, secret, query string) string {
	sum := md5.Sum([]byte(query + "::" + login + "::" + secret))
	h := hex.EncodeToString(sum[:])
	if query == "" {
		return "hash=" + h
	}
	return query + "&hash=" + h
}

// KeitaroTenant creates a Keitaro tenant (body: the tenant request, `{}`
// for the defaults) and returns its API key.
func KeitaroTenant(base, body string) (string, error) {
	var t struct {
		APIKey string `json:"apiKey"`
	}
	err := Control(base, "/_emulator/keitaro/tenants", body, &t)
	return t.APIKey, err
}

// MouseStatsTenant creates a MouseStats partner and returns its id and
// secret.
func MouseStatsTenant(base string) (id, secret string, err error) {
	var t struct {
		PartnerID     string `json:"partnerId"`
		PartnerSecret string `json:"partnerSecret"`
	}
	err = Control(base, "/_emulator/mousestats/tenants", `{}`, &t)
	return t.PartnerID, t.PartnerSecret, err
}

// TwiplaToken mints a token for the INTP intp, valid for ttl ("24h").
func TwiplaToken(base, intp, ttl string) (string, error) {
	var t struct {
		Token string `json:"token"`
	}
	err := Control(base, "/_emulator/twipla/tokens", `{"intpId":"`+intp+`","ttl":"`+ttl+`"}`, &t)
	return t.Token, err
}
