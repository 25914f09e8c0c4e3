package twipla

import (
	"database/sql"
	"strings"

	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Loading a state dump back: an INTP entry of a seed section may carry the
// members of GET /_emulator/state/twipla — its customers as the dump shows
// them (with their ids), websites, subscriptions, apiKeys, sessions,
// whitelistedDomains, contributors and loginTokens — and is then created
// exactly as it was dumped, ids, times and counters included. Values the
// dump derives (names of packages, tracking codes, totals) are not read.

// dumpMembers are the members only a dump has.
var dumpMembers = []string{"websites", "subscriptions", "apiKeys", "sessions", "whitelistedDomains", "contributors", "loginTokens"}

// isDump reports whether a seed INTP entry is a state dump.
func isDump(f fields) bool {
	for _, k := range dumpMembers {
		if _, has := f.get(k); has {
			return true
		}
	}
	customers, _ := objects(f, "customers")
	for _, cf := range customers {
		if _, has := cf.get("visaId"); has {
			return true
		}
	}
	return false
}

// dumpExtras are what the dump adds to intpState's members: the rows no
// API answer lists whole.
func dumpExtras(s store.Scoped) (wire.Object, error) {
	domains, err := collectRows(s, `SELECT w.intp_website_id, d.domain FROM twipla_whitelisted_domains d
		JOIN twipla_websites w ON w.seq = d.website_seq WHERE d.tenant_id = @tenant ORDER BY d.seq`,
		"intpWebsiteId", "domain")
	if err != nil {
		return nil, err
	}
	contributors, err := collectRows(s, `SELECT w.intp_website_id, c.intp_customer_id, x.role FROM twipla_contributors x
		JOIN twipla_websites w ON w.seq = x.website_seq JOIN twipla_customers c ON c.seq = x.customer_seq
		WHERE x.tenant_id = @tenant ORDER BY x.seq`, "intpWebsiteId", "intpCustomerId", "role")
	if err != nil {
		return nil, err
	}
	tokens, err := collectRows(s, `SELECT k.id, l.token, l.refresh_token, l.token_expires_at, l.refresh_expires_at
		FROM twipla_login_tokens l JOIN twipla_api_keys k ON k.seq = l.api_key_seq
		WHERE l.tenant_id = @tenant ORDER BY l.seq`, "apiKeyId", "token", "refreshToken", "expiresAt", "refreshExpiresAt")
	if err != nil {
		return nil, err
	}
	return wire.Obj("whitelistedDomains", domains, "contributors", contributors, "loginTokens", tokens), nil
}

// collectRows reads text columns into objects with the given keys.
func collectRows(s store.Scoped, query string, keys ...string) ([]wire.Object, error) {
	rows, err := s.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wire.Object{}
	for rows.Next() {
		vals := make([]string, len(keys))
		dest := make([]any, len(keys))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		o := make(wire.Object, len(keys))
		for i, k := range keys {
			o[i] = wire.Field{Key: k, Value: vals[i]}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// sessionExtras are a session's counters the API's session shape leaves
// out, for the dump.
func sessionExtras(ss *session) wire.Object {
	return wire.Obj("heatmapIncrements", ss.heatmapIncrements, "pollAnswers", ss.pollAnswers,
		"surveyAnswers", ss.surveyAnswers, "funnelMatches", ss.funnelMatches)
}

// dumpTime reads a required date-time of a dump entry.
func dumpTime(f fields, k string) (stamp, error) {
	t, has, err := f.time(k)
	if err == nil && !has {
		err = f.required(k)
	}
	return stamp{t}, err
}

// dumpCount reads an optional non-negative integer (0 when absent).
func dumpCount(f fields, k string) (int64, error) {
	n, _, err := f.integer(k)
	if err == nil && n < 0 {
		err = badRequest("%s must not be negative", f.name(k))
	}
	return n, err
}

// reloadINTP loads the dump members of a new INTP's seed entry.
func reloadINTP(s store.Scoped, in *intp, f fields) error {
	customerSeq := map[string]int64{} // by intpCustomerId
	websiteSeq := map[string]int64{}  // by intpWebsiteId
	keySeq := map[string]int64{}      // by API key id
	customers, err := objects(f, "customers")
	if err != nil {
		return err
	}
	for _, cf := range customers {
		var cu customer
		if cu.id, err = cf.str("id"); err != nil {
			return err
		}
		if cu.visaID, err = cf.str("visaId"); err != nil {
			return err
		}
		if cu.intpCustomerID, err = cf.id("intpCustomerId"); err != nil {
			return err
		}
		if cu.email, err = cf.email("email"); err != nil {
			return err
		}
		if cu.createdAt, err = dumpTime(cf, "createdAt"); err != nil {
			return err
		}
		res, err := s.Exec(`INSERT INTO twipla_customers (tenant_id, id, visa_id, intp_customer_id, email, email_key, created_at)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?)`, cu.id, cu.visaID, cu.intpCustomerID, cu.email, strings.ToLower(cu.email), cu.createdAt)
		if store.IsUniqueViolation(err) {
			return badRequest("%s is listed twice", cf.name("intpCustomerId"))
		}
		if err != nil {
			return err
		}
		customerSeq[cu.intpCustomerID], _ = res.LastInsertId()
	}
	ref := func(f fields, k string, seqs map[string]int64) (int64, error) {
		v, err := f.str(k)
		if err != nil {
			return 0, err
		}
		seq, ok := seqs[v]
		if !ok {
			return 0, badRequest("%s names no %s of the dump: %q", f.name(k), strings.TrimSuffix(strings.TrimPrefix(k, "intp"), "Id"), v)
		}
		return seq, nil
	}
	websites, err := objects(f, "websites")
	if err != nil {
		return err
	}
	for _, wf := range websites {
		id, err := wf.str("id")
		if err != nil {
			return err
		}
		wid, err := wf.id("intpWebsiteId")
		if err != nil {
			return err
		}
		owner, err := ref(wf, "intpCustomerId", customerSeq)
		if err != nil {
			return err
		}
		domain, err := wf.str("domain")
		if err != nil {
			return err
		}
		created, err := dumpTime(wf, "createdAt")
		if err != nil {
			return err
		}
		var consumed [len(counters)]int64
		if cf, has, err := wf.object("consumption"); err != nil {
			return err
		} else if has {
			for i, ctr := range counters {
				if consumed[i], err = dumpCount(cf, "stpConsumed"+ctr.name); err != nil {
					return err
				}
			}
		}
		// A website id a reset left behind is free again (store.Reclaim).
		if err := s.Tx().Reclaim("twipla_websites", "id", id); err != nil {
			return err
		}
		res, err := s.Exec(`INSERT INTO twipla_websites (tenant_id, id, customer_seq, intp_website_id, domain, created_at,
			consumed_visit, consumed_visit_event, consumed_session_recording, consumed_heatmap_increment,
			consumed_poll_answer, consumed_survey_answer, consumed_funnel_match)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, owner, wid, domain, created,
			consumed[0], consumed[1], consumed[2], consumed[3], consumed[4], consumed[5], consumed[6])
		if store.IsUniqueViolation(err) {
			return badRequest("%s is taken", wf.name("id"))
		}
		if err != nil {
			return err
		}
		websiteSeq[wid], _ = res.LastInsertId()
	}
	subs, err := objects(f, "subscriptions")
	if err != nil {
		return err
	}
	for _, sf := range subs {
		sub := &subscription{}
		if sub.id, err = sf.str("id"); err != nil {
			return err
		}
		if sub.typ, err = sf.oneOf("type", modelWebsite, modelINTPC); err != nil {
			return err
		}
		if sub.customerSeq, err = ref(sf, "intpCustomerId", customerSeq); err != nil {
			return err
		}
		if sub.typ == modelWebsite {
			seq, err := ref(sf, "intpWebsiteId", websiteSeq)
			if err != nil {
				return err
			}
			sub.websiteSeq = sql.NullInt64{Int64: seq, Valid: true}
		}
		if sub.status, err = sf.oneOf("status", "active", "canceled", "inactive"); err != nil {
			return err
		}
		if sub.packageID, err = sf.str("packageId"); err != nil {
			return err
		}
		for k, dst := range map[string]*stamp{"createdAt": &sub.createdAt, "expiresAt": &sub.expiresAt, "stpResetAt": &sub.stpResetAt} {
			if *dst, err = dumpTime(sf, k); err != nil {
				return err
			}
		}
		if t, has, err := sf.time("lastPackageChangeAt"); err != nil {
			return err
		} else if has {
			sub.lastChange = someStamp(t)
		}
		if sub.inTrial, err = sf.boolean("inTrial", false); err != nil {
			return err
		}
		if sub.hadTrial, err = sf.boolean("hadTrial", false); err != nil {
			return err
		}
		if p, has, err := sf.optString("plannedDowngradePackageId"); err != nil {
			return err
		} else if has {
			sub.planned = sql.NullString{String: p, Valid: true}
		}
		if err := insertSubscription(s, sub); err != nil {
			return err
		}
	}
	keys, err := objects(f, "apiKeys")
	if err != nil {
		return err
	}
	for _, kf := range keys {
		k := &apiKey{}
		if k.key, err = kf.str("apiKey"); err != nil {
			return err
		}
		if k.id, err = kf.str("id"); err != nil {
			return err
		}
		if k.name, err = kf.name255("name"); err != nil {
			return err
		}
		if k.comment, _, err = kf.optString("comment"); err != nil {
			return err
		}
		if v, _, _ := kf.optString("expiresAt"); v != neverExpires {
			if t, has, err := kf.time("expiresAt"); err != nil {
				return err
			} else if has {
				k.expiresAt = someStamp(t)
			}
		}
		if k.createdAt, err = dumpTime(kf, "createdAt"); err != nil {
			return err
		}
		site, err := ref(kf, "intpWebsiteId", websiteSeq)
		if err != nil {
			return err
		}
		if err := s.Tx().Reclaim("twipla_api_keys", "api_key", k.key); err != nil {
			return err
		}
		res, err := s.Exec(`INSERT INTO twipla_api_keys (tenant_id, id, website_seq, api_key, name, comment, expires_at, created_at)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?)`, k.id, site, k.key, k.name, k.comment, k.expiresAt, k.createdAt)
		if store.IsUniqueViolation(err) {
			return badRequest("%s is taken", kf.name("apiKey"))
		}
		if err != nil {
			return err
		}
		keySeq[k.id], _ = res.LastInsertId()
	}
	sessions, err := objects(f, "sessions")
	if err != nil {
		return err
	}
	sites, list := make([]int64, len(sessions)), make([]*session, len(sessions))
	for i, sf := range sessions {
		site, err := ref(sf, "intpWebsiteId", websiteSeq)
		if err != nil {
			return err
		}
		ss := &session{}
		if ss.id, err = sf.str("id"); err != nil {
			return err
		}
		if ss.visitorID, err = sf.str("visitorId"); err != nil {
			return err
		}
		if ss.startedAt, err = dumpTime(sf, "startedAt"); err != nil {
			return err
		}
		// In a fixed order, so that of two bad counts the same one is named.
		for _, n := range []struct {
			key string
			dst *int64
		}{{"duration", &ss.duration}, {"pageViews", &ss.pageViews}, {"events", &ss.events},
			{"heatmapIncrements", &ss.heatmapIncrements}, {"pollAnswers", &ss.pollAnswers},
			{"surveyAnswers", &ss.surveyAnswers}, {"funnelMatches", &ss.funnelMatches}} {
			if *n.dst, err = dumpCount(sf, n.key); err != nil {
				return err
			}
		}
		if ss.recorded, err = sf.boolean("recorded", false); err != nil {
			return err
		}
		for i, d := range dimensions {
			if ss.dims[i], _, err = sf.optString(d.name); err != nil {
				return err
			}
		}
		sites[i], list[i] = site, ss
	}
	err = s.InsertRows(sessionInserts, len(list), func(i int, vals []any) { sessionValues(vals, sites[i], list[i]) })
	if err != nil {
		return err
	}
	domains, err := objects(f, "whitelistedDomains")
	if err != nil {
		return err
	}
	for _, df := range domains {
		site, err := ref(df, "intpWebsiteId", websiteSeq)
		if err != nil {
			return err
		}
		domain, err := df.str("domain")
		if err != nil {
			return err
		}
		if _, err := s.Exec(`INSERT INTO twipla_whitelisted_domains (tenant_id, website_seq, domain) VALUES (@tenant, ?, ?)`,
			site, domain); err != nil {
			return err
		}
	}
	contributors, err := objects(f, "contributors")
	if err != nil {
		return err
	}
	for _, cf := range contributors {
		site, err := ref(cf, "intpWebsiteId", websiteSeq)
		if err != nil {
			return err
		}
		who, err := ref(cf, "intpCustomerId", customerSeq)
		if err != nil {
			return err
		}
		role, err := cf.oneOf("role", "editor", "watcher", "dashboard")
		if err != nil {
			return err
		}
		if _, err := s.Exec(`INSERT INTO twipla_contributors (tenant_id, website_seq, customer_seq, role) VALUES (@tenant, ?, ?, ?)`,
			site, who, role); err != nil {
			return err
		}
	}
	tokens, err := objects(f, "loginTokens")
	if err != nil {
		return err
	}
	for _, tf := range tokens {
		key, err := ref(tf, "apiKeyId", keySeq)
		if err != nil {
			return err
		}
		var token, refresh string
		if token, err = tf.str("token"); err != nil {
			return err
		}
		if refresh, err = tf.str("refreshToken"); err != nil {
			return err
		}
		expires, err := dumpTime(tf, "expiresAt")
		if err != nil {
			return err
		}
		refreshExpires, err := dumpTime(tf, "refreshExpiresAt")
		if err != nil {
			return err
		}
		for column, v := range map[string]string{"token": token, "refresh_token": refresh} {
			if err := s.Tx().Reclaim("twipla_login_tokens", column, v); err != nil {
				return err
			}
		}
		if _, err := s.Exec(`INSERT INTO twipla_login_tokens (tenant_id, api_key_seq, token, refresh_token,
			token_expires_at, refresh_expires_at) VALUES (@tenant, ?, ?, ?, ?, ?)`, key, token, refresh, expires, refreshExpires); err != nil {
			return err
		}
	}
	return reloadAssignments(s, f, customerSeq, websiteSeq)
}

// reloadAssignments gives restricted packages back the websites and
// customers their restrictedTo lists.
func reloadAssignments(s store.Scoped, f fields, customerSeq, websiteSeq map[string]int64) error {
	packages, err := objects(f, "packages")
	if err != nil {
		return err
	}
	for _, pf := range packages {
		id, _, _ := pf.optString("id")
		entries, err := objects(pf, "restrictedTo")
		if err != nil || len(entries) == 0 {
			continue
		}
		var pkgSeq int64
		if err := s.QueryRow(`SELECT seq FROM twipla_packages WHERE tenant_id = @tenant AND id = ?`, id).Scan(&pkgSeq); err != nil {
			return err
		}
		for _, ef := range entries {
			cid, err := ef.str("intpCustomerId")
			if err != nil {
				return err
			}
			who, ok := customerSeq[cid]
			if !ok {
				return badRequest("%s names no customer of the dump", ef.name("intpCustomerId"))
			}
			var site any
			if wid, has, err := ef.optString("intpWebsiteId"); err != nil {
				return err
			} else if has {
				seq, ok := websiteSeq[wid]
				if !ok {
					return badRequest("%s names no website of the dump", ef.name("intpWebsiteId"))
				}
				site = seq
			}
			if _, err := s.Exec(`INSERT INTO twipla_assignments (tenant_id, package_seq, customer_seq, website_seq)
				VALUES (@tenant, ?, ?, ?)`, pkgSeq, who, site); err != nil {
				return err
			}
		}
	}
	return nil
}

// builtinKey reports whether a dumped publicKey is the built-in test key's,
// which an INTP created without a key of its own shows.
func builtinKey(pem string) bool {
	return strings.TrimSpace(pem) == strings.TrimSpace(string(seed.TwiplaTestPublicKeyPEM))
}
