package twipla

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Lifetimes of the tokens the API-key login hands out.
const (
	loginTokenTTL   = 15 * time.Minute
	refreshTokenTTL = 30 * 24 * time.Hour
)

// neverExpires is what a key without expiry answers as its expiresAt.
const neverExpires = "9999-12-31T23:59:59Z"

// apiKey is a website API key.
type apiKey struct {
	seq            int64
	id             string
	key            string
	name           string
	comment        string
	expiresAt      nullStamp
	createdAt      stamp
	intpWebsiteID  string
	intpCustomerID string
}

const apiKeySelect = `SELECT k.seq, k.id, k.api_key, k.name, k.comment, k.expires_at, k.created_at,
	w.intp_website_id, c.intp_customer_id
	FROM twipla_api_keys k
	JOIN twipla_websites w ON w.seq = k.website_seq
	JOIN twipla_customers c ON c.seq = w.customer_seq
	WHERE k.tenant_id = @tenant`

func (k *apiKey) dest() []any {
	return []any{&k.seq, &k.id, &k.key, &k.name, &k.comment, &k.expiresAt, &k.createdAt, &k.intpWebsiteID, &k.intpCustomerID}
}

// wire is the API key object; withSecret adds "apiKey" in front, as the
// create answer shows it.
func (k *apiKey) wire(withSecret bool) wire.Object {
	expires := any(neverExpires)
	if k.expiresAt.Valid {
		expires = k.expiresAt.String()
	}
	o := wire.Obj("id", k.id, "name", k.name, "comment", k.comment, "expiresAt", expires,
		"createdAt", k.createdAt.String(), "intpWebsiteId", k.intpWebsiteID, "intpCustomerId", k.intpCustomerID)
	if withSecret {
		o = append(wire.Obj("apiKey", k.key), o...)
	}
	return o
}

// createAPIKey is POST /v2/3as/websites/{wid}/api-keys → 201.
func (e *Emulator) createAPIKey(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	k := &apiKey{}
	if k.name, err = f.name255("name"); err != nil {
		return reply{}, err
	}
	if k.comment, _, err = f.optString("comment"); err != nil {
		return reply{}, err
	}
	expires, has, err := f.time("expiresAt")
	if err != nil {
		return reply{}, err
	}
	now := e.now(in.id)
	if has && !expires.After(now) {
		return reply{}, badRequest("expiresAt must be in the future")
	}
	if has {
		k.expiresAt = someStamp(expires)
	}
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		k.id, k.key, k.createdAt = newUUID(), "twpl-"+emu.RandomString(20, emu.Alnum), stamp{nowSecond(now)}
		k.intpWebsiteID, k.intpCustomerID = w.intpWebsiteID, w.intpCustomerID
		_, err = s.Exec(`INSERT INTO twipla_api_keys (tenant_id, id, website_seq, api_key, name, comment, expires_at, created_at)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?)`, k.id, w.seq, k.key, k.name, k.comment, k.expiresAt, k.createdAt)
		return err
	})
	return created(k.wire(true)), err
}

// listAPIKeys is GET /v2/3as/websites/{wid}/api-keys (expired keys too).
func (e *Emulator) listAPIKeys(c *gin.Context, in *intp) (reply, error) {
	out := []wire.Object{}
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		out = out[:0] // a read may run twice
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		rows, err := s.Query(apiKeySelect+` AND k.website_seq = ? ORDER BY k.seq`, w.seq)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k := &apiKey{}
			if err := rows.Scan(k.dest()...); err != nil {
				return err
			}
			out = append(out, k.wire(false))
		}
		return rows.Err()
	})
	return ok(out), err
}

// deleteAPIKey is DELETE /v2/3as/websites/{wid}/api-keys/{apiKeyId}.
func (e *Emulator) deleteAPIKey(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		k := &apiKey{}
		err = s.QueryRow(apiKeySelect+` AND k.website_seq = ? AND k.id = ?`, w.seq, c.Param("keyId")).Scan(k.dest()...)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(objAPIKey)
		}
		if err != nil {
			return err
		}
		out = k.wire(false)
		_, err = s.Exec(`DELETE FROM twipla_api_keys WHERE tenant_id = @tenant AND seq = ?`, k.seq)
		return err
	})
	return ok(out), err
}

// keyHolder is an API key found by its secret, with what decides whether
// it still works.
type keyHolder struct {
	tenant        store.Tenant
	seq           int64
	websiteSeq    int64
	websiteID     string
	expiresAt     nullStamp
	websiteStatus string
}

// findAPIKey finds a key by its secret in any INTP: the key is the
// credential that names the tenant. Unknown → 401 invalid api key.
func findAPIKey(tx *store.Tx, secret string) (*keyHolder, error) {
	k := &keyHolder{}
	err := tx.QueryRow(`SELECT t.id, t.key, k.seq, k.website_seq, w.id, k.expires_at,
		(SELECT s.status FROM twipla_subscriptions s WHERE (s.type = 'website' AND s.website_seq = w.seq)
			OR (s.type = 'intpc' AND s.customer_seq = w.customer_seq))
		FROM twipla_api_keys k
		JOIN tenants t ON t.id = k.tenant_id AND t.vendor = ?
		JOIN twipla_websites w ON w.seq = k.website_seq
		WHERE k.api_key = ?`, Name, secret).
		Scan(&k.tenant.ID, &k.tenant.Key, &k.seq, &k.websiteSeq, &k.websiteID, &k.expiresAt, &k.websiteStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, keyError("invalid api key")
	}
	k.tenant.Vendor = Name
	return k, err
}

// usable reports whether the key still opens its website: not expired, and
// the website not inactive.
func (k *keyHolder) usable(now time.Time) bool {
	if k.expiresAt.Valid && now.After(k.expiresAt.Time) {
		return false
	}
	return k.websiteStatus != statusInactive
}

// login is POST /v2/3as/api-keys/login: an API key and its website's TWIPLA
// id buy a short-lived token and a refresh token for the dashboard.
func (e *Emulator) login(c *gin.Context) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	secret, err := f.str("apiKey")
	if err != nil {
		return reply{}, err
	}
	websiteID, err := f.str("websiteId")
	if err != nil {
		return reply{}, err
	}
	token, refresh := "twpl-at-"+emu.RandomHex(32), "twpl-rt-"+emu.RandomHex(32)
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		k, err := findAPIKey(tx, strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		emu.SetTenant(c, k.tenant.Key)
		now := tx.Scope(k.tenant).Now()
		if !k.usable(now) || k.websiteID != websiteID {
			return keyError("invalid api key")
		}
		_, err = tx.Scope(k.tenant).Exec(`INSERT INTO twipla_login_tokens (tenant_id, api_key_seq, token, refresh_token,
			token_expires_at, refresh_expires_at) VALUES (@tenant, ?, ?, ?, ?, ?)`,
			k.seq, token, refresh, stamp{now.Add(loginTokenTTL)}, stamp{now.Add(refreshTokenTTL)})
		return err
	})
	return ok(wire.Obj("token", token, "refreshToken", refresh)), err
}
