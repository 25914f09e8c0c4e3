package keitaro

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
)

// Loading a state dump back: besides §7.4's seed members, a seed tenant
// takes the dump's integrations, files and logs (and its clock), so that a
// dump loads as it is. What the dump does not show stays as a new tenant
// has it: a Facebook integration's creation time (now), S2S delivery
// attempts (none).
var reloadMembers = []string{"integrations", "files", "logs", "clock"}

// reloadDumped loads the dump-only members of a seed tenant.
func reloadDumped(c *call, obj map[string]any, raw map[string]json.RawMessage, where string) error {
	if err := reloadIntegrations(c, obj["integrations"], where+".integrations"); err != nil {
		return err
	}
	if err := reloadFiles(c, obj["files"], where+".files"); err != nil {
		return err
	}
	if err := reloadLogs(c, obj["logs"], where+".logs"); err != nil {
		return err
	}
	if err := emu.SeedClock(c.s.Tx(), c.t.Tenant, raw["clock"]); err != nil {
		return emu.BadRequest("%s.%s", where, err.Error())
	}
	return nil
}

// skipExisting drops from a seed's users those the tenant has already, the
// same id and login: the admin user every tenant is created with, which its
// dump lists.
func skipExisting(c *call, obj map[string]any) error {
	list, ok := obj["users"].([]any)
	if !ok {
		return nil
	}
	kept := list[:0:0]
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			if id, ok := asInt(m["id"]); ok {
				if r, err := users.load(c, id); err == nil && r.str("login") == m["login"] {
					continue
				}
			}
		}
		kept = append(kept, it)
	}
	obj["users"] = kept
	return nil
}

// dumpedClicksInUTC marks the times of the dump's clicks (those with a
// click_id) as UTC, which the dump stores and shows them in, where a §7.2
// item's "YYYY-MM-DD HH:MM:SS" is the tenant's local time.
func dumpedClicksInUTC(obj map[string]any) {
	list, _ := obj["clicks"].([]any)
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok || m["click_id"] == nil {
			continue
		}
		for _, k := range []string{"datetime", "landing_clicked_datetime"} {
			if s, ok := m[k].(string); ok {
				if t, err := time.Parse(stampLayout, s); err == nil {
					m[k] = t.UTC().Format(time.RFC3339)
				}
			}
		}
	}
}

// takeDumpedConversions removes from a seed the conversions in the dump's
// form (every column, conversion_id included), for reloadConversions; the
// others go through §7.3 as before.
func takeDumpedConversions(obj map[string]any) []map[string]any {
	list, ok := obj["conversions"].([]any)
	if !ok {
		return nil
	}
	var dumped []map[string]any
	kept := list[:0:0]
	for _, it := range list {
		if m, ok := it.(map[string]any); ok && m["conversion_id"] != nil {
			dumped = append(dumped, m)
			continue
		}
		kept = append(kept, it)
	}
	obj["conversions"] = kept
	return dumped
}

// reloadConversions stores conversions as the dump shows them: every
// column as it was.
func reloadConversions(c *call, items []map[string]any, where string) error {
	if len(items) == 0 {
		return nil
	}
	cols := map[string]bool{}
	rows, err := c.s.Tx().Query(`SELECT name FROM pragma_table_info('keitaro_conversions')`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		cols[n] = true
	}
	rows.Close()
	for i, m := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		names := []string{"tenant_id"}
		marks := []string{"@tenant"}
		var args []any
		for _, k := range sortedKeys(m) {
			if !cols[k] || k == "tenant_id" {
				return emu.BadRequest("%s: unknown field %q", at, k)
			}
			v := m[k]
			if k == "params" {
				b, _ := json.Marshal(v)
				v = string(b)
			}
			names = append(names, `"`+k+`"`)
			marks = append(marks, "?")
			args = append(args, v)
		}
		if _, err := c.s.Exec(`INSERT INTO keitaro_conversions (`+strings.Join(names, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
			return emu.BadRequest("%s: %v", at, err)
		}
		id, _ := asInt(m["conversion_id"])
		if err := addConversionHours(c.s, []int64{id}); err != nil {
			return err
		}
		if err := reserveID(c.s, "conversions", id); err != nil {
			return err
		}
	}
	return nil
}

// reloadItems reads a list of objects.
func reloadItems(raw any, where string) ([]map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, emu.BadRequest("%s must be an array", where)
	}
	out := make([]map[string]any, len(list))
	for i, it := range list {
		if out[i], ok = it.(map[string]any); !ok {
			return nil, emu.BadRequest("%s[%d] must be an object", where, i)
		}
	}
	return out, nil
}

// reloadString is a string member ("" when absent).
func reloadString(m map[string]any, k, where string) (string, error) {
	v, has := m[k]
	if !has || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", emu.BadRequest("%s.%s must be a string", where, k)
	}
	return s, nil
}

func reloadIntegrations(c *call, raw any, where string) error {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return emu.BadRequest("%s must be an object", where)
	}
	for _, st := range []setting{avscanKey, imkloAPIURL} {
		v, err := reloadString(m, st.name, where)
		if err != nil {
			return err
		}
		if v == "" {
			continue
		}
		if _, err := c.s.Exec(`INSERT INTO keitaro_integration_settings (tenant_id, "`+st.name+`") VALUES (@tenant, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET "`+st.name+`" = excluded."`+st.name+`"`, v); err != nil {
			return err
		}
	}
	fbs, err := reloadItems(m["facebook"], where+".facebook")
	if err != nil {
		return err
	}
	for i, fb := range fbs {
		at := fmt.Sprintf("%s.facebook[%d]", where, i)
		id, ok := asInt(fb["id"])
		if !ok || id < 1 {
			return emu.BadRequest("%s.id must be a positive integer", at)
		}
		vals := map[string]string{}
		for _, k := range []string{"name", "ad_account_id", "token", "last_error", "last_raw_error"} {
			if vals[k], err = reloadString(fb, k, at); err != nil {
				return err
			}
		}
		proxy, _ := json.Marshal(fb["proxy"])
		if fb["proxy"] == nil {
			proxy = []byte(`{}`)
		}
		enabled, _ := fb["proxy_enabled"].(bool)
		if _, err := c.s.Exec(`INSERT INTO keitaro_facebook_integrations (tenant_id, id, name, ad_account_id, token,
			proxy_enabled, proxy, last_error, last_raw_error, created_at, updated_at) VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, vals["name"], vals["ad_account_id"], vals["token"], enabled, string(proxy), vals["last_error"],
			vals["last_raw_error"], c.stamp, c.stamp); err != nil {
			return err
		}
		if err := reserveID(c.s, "facebook_integrations", id); err != nil {
			return err
		}
		ids, _ := fb["campaign_ids"].([]any)
		for _, v := range ids {
			cid, ok := asInt(v)
			if !ok {
				return emu.BadRequest("%s.campaign_ids must be integers", at)
			}
			if _, err := c.s.Exec(`INSERT INTO keitaro_facebook_campaigns (tenant_id, integration_id, campaign_id)
				VALUES (@tenant, ?, ?)`, id, cid); err != nil {
				return err
			}
		}
	}
	return nil
}

func reloadFiles(c *call, raw any, where string) error {
	files, err := reloadItems(raw, where)
	if err != nil {
		return err
	}
	for i, f := range files {
		at := fmt.Sprintf("%s[%d]", where, i)
		owner, err := reloadString(f, "owner", at)
		if err != nil {
			return err
		}
		if owner != "landing_pages" && owner != "offers" {
			return emu.BadRequest("%s.owner must be landing_pages or offers", at)
		}
		id, ok := asInt(f["owner_id"])
		path, perr := reloadString(f, "path", at)
		data, derr := reloadString(f, "data", at)
		if !ok || perr != nil || derr != nil || path == "" {
			return emu.BadRequest("%s must be {\"owner\",\"owner_id\",\"path\",\"data\"}", at)
		}
		if _, err := c.s.Exec(`INSERT OR REPLACE INTO keitaro_files (tenant_id, owner, owner_id, path, data)
			VALUES (@tenant, ?, ?, ?, ?)`, owner, id, path, data); err != nil {
			return err
		}
	}
	return nil
}

// reloadLogs appends the dump's log lines (newest first in the dump)
// oldest first, after the tenant's own.
func reloadLogs(c *call, raw any, where string) error {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return emu.BadRequest("%s must be an object", where)
	}
	var last int64
	if err := c.s.QueryRow(`SELECT coalesce(max(id), 0) FROM keitaro_logs WHERE tenant_id = @tenant`).Scan(&last); err != nil {
		return err
	}
	for _, typ := range logTypes {
		lines, err := reloadItems(m[typ], where+"."+typ)
		if err != nil {
			return err
		}
		for i := len(lines) - 1; i >= 0; i-- {
			at := fmt.Sprintf("%s.%s[%d]", where, typ, i)
			vals := map[string]string{}
			for _, k := range []string{"datetime", "jid", "message"} {
				if vals[k], err = reloadString(lines[i], k, at); err != nil {
					return err
				}
			}
			last++
			if _, err := c.s.Exec(`INSERT INTO keitaro_logs (tenant_id, id, type, datetime, jid, message) VALUES (@tenant, ?, ?, ?, ?, ?)`,
				last, typ, vals["datetime"], vals["jid"], vals["message"]); err != nil {
				return err
			}
		}
	}
	for k := range m {
		if !slices.Contains(logTypes, k) {
			return emu.BadRequest("%s: unknown log %q", where, k)
		}
	}
	return reserveID(c.s, "logs", last)
}
