package keitaro

import (
	"encoding/json"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

// The integrations of the official spec (§0): the tenant's AV-scan key and
// IMKLO URL, and its Facebook ad-account integrations with the campaigns
// they are linked to. Real trackers call those services; the emulator only
// stores what a client sets.

// A setting is one of the tenant's integration settings: a single string
// the tracker keeps per installation.
type setting struct {
	name string // the field and column name
	max  int
}

var (
	avscanKey   = setting{"avscan_key", maxName}
	imkloAPIURL = setting{"imklo_api_url", maxURL}
)

// get reads the setting; never set is "".
func (st setting) get(c *call) (string, error) {
	rows, err := queryRows(c.s, `SELECT "`+st.name+`" AS v FROM keitaro_integration_settings WHERE tenant_id = @tenant`)
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return rows[0].str("v"), nil
}

// answer is {"<name>": value}.
func (st setting) answer(c *call) (any, error) {
	v, err := st.get(c)
	return wire.Obj(st.name, v), err
}

// put stores the value the request gives in the query string or the body
// (required: absent, null or blank is 406).
func (st setting) put(c *call) (any, error) {
	f := field{name: st.name, read: text, required: true, max: st.max}
	var errs fieldErrors
	vals := decode(c, []field{f}, true, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	_, err := c.s.Exec(`INSERT INTO keitaro_integration_settings (tenant_id, "`+st.name+`") VALUES (@tenant, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET "`+st.name+`" = excluded."`+st.name+`"`, vals[st.name])
	if err != nil {
		return nil, err
	}
	return st.answer(c)
}

// GET /integrations/avscan
func getAvscan(c *call) (any, error) { return avscanKey.answer(c) }

// PUT /integrations/avscan
func putAvscan(c *call) (any, error) { return avscanKey.put(c) }

// GET /integrations/imklo
func getImklo(c *call) (any, error) { return imkloAPIURL.answer(c) }

// PUT /integrations/imklo
func putImklo(c *call) (any, error) { return imkloAPIURL.put(c) }

// facebookIntegrations are the tenant's Facebook ad-account integrations,
// deleted for good.
var facebookIntegrations = &entity{
	kind:  "facebook_integrations",
	table: "keitaro_facebook_integrations",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName},
		{name: "ad_account_id", read: text, required: true, max: maxName},
		{name: "token", read: text, required: true, max: maxNotes},
		{name: "proxy_enabled", read: boolean, def: value(false)},
		{name: "proxy", read: proxyIn, def: value(mustJSON(proxy{Protocol: "http"}))},
	},
}

// proxy is the proxy a Facebook integration reaches the Graph API through.
type proxy struct {
	Protocol string `json:"protocol"`
	Address  string `json:"address"`
	Port     int64  `json:"port"`
	Login    string `json:"login"`
	Password string `json:"password"`
}

// proxyIn reads a proxy object (null or PHP's [] is no proxy); the parts
// not sent are empty, the protocol http.
func proxyIn(v any) (any, bool) {
	p := proxy{Protocol: "http"}
	m, ok := v.(map[string]any)
	switch x := v.(type) {
	case nil:
		return mustJSON(p), true
	case []any:
		if len(x) == 0 {
			return mustJSON(p), true
		}
	}
	if !ok {
		return nil, false
	}
	if raw := m["protocol"]; raw != nil {
		s, _ := asString(raw)
		if p.Protocol, ok = pick([]string{"http", "https", "socks5"}, s, true); !ok {
			return nil, false
		}
	}
	if raw := m["port"]; raw != nil && raw != "" {
		if p.Port, ok = asInt(raw); !ok || p.Port < 0 || p.Port > 65535 {
			return nil, false
		}
	}
	for _, part := range []struct {
		key string
		to  *string
	}{{"address", &p.Address}, {"login", &p.Login}, {"password", &p.Password}} {
		if raw := m[part.key]; raw != nil {
			if *part.to, ok = asString(raw); !ok || len(*part.to) > maxName {
				return nil, false
			}
		}
	}
	return mustJSON(p), true
}

func facebookObject(r row) wire.Object {
	var p proxy
	_ = json.Unmarshal([]byte(r.str("proxy")), &p)
	return wire.Obj(
		"id", r.int("id"),
		"integration", "facebook",
		"name", r.str("name"),
		"ad_account_id", r.str("ad_account_id"),
		"token", r.str("token"),
		"proxy_enabled", r.bool("proxy_enabled"),
		"proxy", wire.Obj("protocol", p.Protocol, "address", p.Address, "port", p.Port, "login", p.Login, "password", p.Password),
		"last_error", r.str("last_error"),
		"last_raw_error", r.str("last_raw_error"),
	)
}

// GET /integrations/facebook
func listFacebook(c *call) (any, error) {
	rows, err := allRows(c, facebookIntegrations)
	return wire.Obj("data", objects(rows, facebookObject)), err
}

// POST /integrations/facebook: the integration itself, not wrapped.
func createFacebook(c *call) (any, error) {
	var errs fieldErrors
	vals := decode(c, facebookIntegrations.fields, true, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	vals["last_error"], vals["last_raw_error"] = "", ""
	vals["created_at"], vals["updated_at"] = c.stamp, c.stamp
	r, err := facebookIntegrations.create(c, vals)
	if err != nil {
		return nil, err
	}
	return facebookObject(r), nil
}

// GET /integrations/facebook/{id}
func getFacebook(c *call) (any, error) {
	r, err := facebookIntegrations.load(c, c.id)
	if err != nil {
		return nil, err
	}
	return wire.Obj("data", facebookObject(r)), nil
}

// PUT /integrations/facebook/{id}: the fields sent replace the stored
// ones (a proxy sent replaces the whole proxy).
func updateFacebook(c *call) (any, error) {
	if _, err := facebookIntegrations.load(c, c.id); err != nil {
		return nil, err
	}
	var errs fieldErrors
	vals := decode(c, facebookIntegrations.fields, false, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	vals["updated_at"] = c.stamp
	r, err := facebookIntegrations.update(c, c.id, vals)
	if err != nil {
		return nil, err
	}
	return wire.Obj("data", facebookObject(r)), nil
}

// DELETE /integrations/facebook/{id}: gone for good, with its campaign
// links.
func deleteFacebook(c *call) (any, error) {
	if _, err := facebookIntegrations.load(c, c.id); err != nil {
		return nil, err
	}
	for _, q := range []string{
		`DELETE FROM keitaro_facebook_campaigns WHERE tenant_id = @tenant AND integration_id = ?`,
		`DELETE FROM keitaro_facebook_integrations WHERE tenant_id = @tenant AND id = ?`,
	} {
		if _, err := c.s.Exec(q, c.id); err != nil {
			return nil, err
		}
	}
	return success(), nil
}

// GET /integrations/facebook/{id}/campaign: the linked campaigns as
// {"name","value"} options, campaign id ascending.
func listFacebookCampaigns(c *call) (any, error) {
	if _, err := facebookIntegrations.load(c, c.id); err != nil {
		return nil, err
	}
	rows, err := queryRows(c.s, `SELECT k.id, k.name FROM keitaro_facebook_campaigns f
		JOIN keitaro_campaigns k ON k.tenant_id = f.tenant_id AND k.id = f.campaign_id
		WHERE f.tenant_id = @tenant AND f.integration_id = ? ORDER BY k.id`, c.id)
	return objects(rows, func(r row) wire.Object {
		return wire.Obj("name", r.str("name"), "value", r.int("id"))
	}), err
}

// POST /integrations/facebook/{id}/campaign {"campaign_id"}: links a live
// campaign (linking it again changes nothing).
func linkFacebookCampaign(c *call) (any, error) {
	id, err := facebookCampaign(c)
	if err != nil {
		return nil, err
	}
	_, err = c.s.Exec(`INSERT INTO keitaro_facebook_campaigns (tenant_id, integration_id, campaign_id) VALUES (@tenant, ?, ?)
		ON CONFLICT DO NOTHING`, c.id, id)
	return success(), err
}

// DELETE /integrations/facebook/{id}/campaign {"campaign_id"}: unlinks a
// campaign (one not linked stays so).
func unlinkFacebookCampaign(c *call) (any, error) {
	id, err := facebookCampaign(c)
	if err != nil {
		return nil, err
	}
	_, err = c.s.Exec(`DELETE FROM keitaro_facebook_campaigns WHERE tenant_id = @tenant AND integration_id = ? AND campaign_id = ?`,
		c.id, id)
	return success(), err
}

// facebookCampaign finds the integration of the path (404) and the live
// campaign the request names (406).
func facebookCampaign(c *call) (int64, error) {
	if _, err := facebookIntegrations.load(c, c.id); err != nil {
		return 0, err
	}
	raw, sent := c.in["campaign_id"]
	if s, blank := raw.(string); !sent || raw == nil || (blank && strings.TrimSpace(s) == "") {
		return 0, invalid("campaign_id", msgRequired)
	}
	id, ok := asInt(raw)
	if !ok {
		return 0, invalid("campaign_id", msgInvalid)
	}
	if _, err := liveCampaign(c, id); err == errNotFound {
		return 0, invalid("campaign_id", msgInvalid)
	} else if err != nil {
		return 0, err
	}
	return id, nil
}
