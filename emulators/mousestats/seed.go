package mousestats

import (
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

var (
	// partnerIDPattern is a partnerId the control plane accepts.
	partnerIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	// secretPattern is a partnerSecret: printable ASCII, no spaces.
	secretPattern = regexp.MustCompile(`^[\x21-\x7E]{1,128}$`)
)

// Defaults implements emu.Vendor: the partner and the customer
// account of the document's samples, the account with a fresh free plan.
func (e *Emulator) Defaults(tx *store.Tx) error {
	partner, err := addPartner(tx, DefaultTenant, DefaultSecret)
	if err != nil {
		return err
	}
	return defaultAccounts(tx.Scope(partner))
}

// defaultAccounts puts back the accounts a partner starts with: the sample
// account for the default partner, none for the others.
func defaultAccounts(s store.Scoped) error {
	if s.Tenant.Key != DefaultTenant {
		return nil
	}
	return insertAccount(s, newAccount(DefaultEmail, DefaultPassword, true, s.Now()))
}

// ResetTenant implements emu.Vendor: the partner's accounts, tokens
// and sessions go, its secret stays.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	partner, err := tx.Tenant(Name, key)
	if err != nil {
		return err
	}
	if err := tx.ClearTenant(partner, "mousestats_partners"); err != nil {
		return err
	}
	return defaultAccounts(tx.Scope(partner))
}

// CreateTenant implements emu.Vendor: a new partner without accounts,
// answered {"partnerId","partnerSecret"}.
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	obj, err := emu.DecodeObject(body)
	if err != nil {
		return nil, err
	}
	id, secret, err := credentials(fields{m: obj})
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = "partner" + emu.RandomHex(12)
	}
	if secret == "" {
		secret = emu.RandomString(24, emu.LowerAlnum)
	}
	if _, err := addPartner(tx, id, secret); err != nil {
		return nil, err
	}
	return wire.Obj("partnerId", id, "partnerSecret", secret), nil
}

// addPartner creates the tenant of a partner; a taken partnerId is a 409.
func addPartner(tx *store.Tx, id, secret string) (store.Tenant, error) {
	partner, err := tx.CreateTenant(Name, id)
	if errors.Is(err, store.ErrTenantExists) {
		return store.Tenant{}, emu.Conflict("partner exists")
	}
	if err != nil {
		return store.Tenant{}, err
	}
	_, err = tx.Scope(partner).Exec(`INSERT INTO mousestats_partners (tenant_id, secret) VALUES (@tenant, ?)`, secret)
	return partner, err
}

// credentials reads the optional partnerId and partnerSecret of a tenants
// body or seed entry ("" when absent).
func credentials(f fields) (id, secret string, err error) {
	idp, err := f.str("partnerId")
	if err != nil {
		return "", "", err
	}
	if idp != nil && !partnerIDPattern.MatchString(*idp) {
		return "", "", f.bad("partnerId", "must be 1-64 characters of A-Z a-z 0-9 . _ -")
	}
	sp, err := f.str("partnerSecret")
	if err != nil {
		return "", "", err
	}
	if sp != nil && !secretPattern.MatchString(*sp) {
		return "", "", f.bad("partnerSecret", "must be 1-128 printable ASCII characters without spaces")
	}
	return deref(idp), deref(sp), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LoadSeed implements emu.Vendor for the section
// {"tenants":[{"partnerId","partnerSecret","accounts":[…]}]}. A partner
// that exists gets the given secret and the listed accounts added or
// overwritten; a new one is created.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	f, err := objectFields(section, "")
	if err != nil {
		return err
	}
	if err := f.only("tenants"); err != nil {
		return err
	}
	tenants, err := f.list("tenants")
	if err != nil {
		return err
	}
	for _, tf := range tenants {
		if err := seedPartner(tx, tf); err != nil {
			return err
		}
	}
	return nil
}

func seedPartner(tx *store.Tx, f fields) error {
	if err := f.only("partnerId", "partnerSecret", "accounts"); err != nil {
		return err
	}
	id, secret, err := credentials(f)
	if err != nil {
		return err
	}
	if id == "" {
		return f.bad("partnerId", "is required")
	}
	accountList, err := f.list("accounts")
	if err != nil {
		return err
	}
	partner, err := tx.Tenant(Name, id)
	switch {
	case errors.Is(err, store.ErrNoTenant):
		if secret == "" {
			secret = emu.RandomString(24, emu.LowerAlnum)
		}
		partner, err = addPartner(tx, id, secret)
	case err == nil && secret != "":
		_, err = tx.Scope(partner).Exec(`UPDATE mousestats_partners SET secret = ? WHERE tenant_id = @tenant`, secret)
	}
	if err != nil {
		return err
	}
	for _, af := range accountList {
		if err := seedAccount(tx.Scope(partner), af); err != nil {
			return err
		}
	}
	return nil
}

// seedAccount adds the account f describes, or overwrites the partner's
// account with that e-mail (keeping its id, creation time, tokens and
// sessions).
func seedAccount(s store.Scoped, f fields) error {
	if err := f.only(append([]string{"email", "password", "activeFreePlan"}, planFields...)...); err != nil {
		return err
	}
	email, err := f.str("email")
	if err != nil {
		return err
	}
	if email == nil || !validEmail(*email) {
		return f.bad("email", "must be an e-mail address (reference §4.5)")
	}
	password, err := f.str("password")
	if err != nil {
		return err
	}
	if password == nil || !validPassword(*password) {
		return f.bad("password", "must be 1-%d characters", maxPasswordLen)
	}
	free, err := f.boolean("activeFreePlan")
	if err != nil {
		return err
	}
	change, err := parsePlanChange(f)
	if err != nil {
		return err
	}
	now := s.Now()
	a := newAccount(*email, *password, free != nil && *free, now)
	change.apply(&a, now)
	old, err := findAccount(s, *email)
	switch {
	case errors.Is(err, errNoAccount):
		return insertAccount(s, a)
	case err != nil:
		return err
	}
	a.ID = old.ID
	return updateAccount(s, a)
}

// State implements emu.Vendor.
func (e *Emulator) State(tx *store.Tx, tenant string) (any, error) {
	partners, err := tx.SelectTenants(Name, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Object, 0, len(partners))
	for _, p := range partners {
		o, err := partnerState(tx.Scope(p))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return wire.Obj("tenants", out), nil
}

func partnerState(s store.Scoped) (wire.Object, error) {
	secret, err := partnerSecret(s)
	if err != nil {
		return nil, err
	}
	accountList, err := accounts(s)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	accountsOut := make([]wire.Object, 0, len(accountList))
	for _, a := range accountList {
		accountsOut = append(accountsOut, wire.Obj(
			"email", a.Email,
			"loginName", loginName(a.Email, s.Tenant.Key),
			"password", a.Password,
			"planName", a.PlanName,
			"planExpiresAt", jsonTime(a.PlanExpiresAt),
			"planDaysLeft", a.daysLeft(now),
			"usedHeatmapProjects", a.UsedHeatmapProjects,
			"usedPlaybackProjects", a.UsedPlaybackProjects,
			"usedHeatmapVisits", a.UsedHeatmapVisits,
			"usedPlaybackVisits", a.UsedPlaybackVisits,
			"createdAt", jsonTime(a.CreatedAt),
		))
	}
	tokens, err := stateRows(s, `SELECT t.token, a.email, t.issued_at, t.expires_at, t.used_at
		FROM mousestats_login_tokens t JOIN mousestats_accounts a ON a.id = t.account_id
		WHERE t.tenant_id = @tenant ORDER BY t.rowid`, "token", "email", "issuedAt", "expiresAt", "usedAt")
	if err != nil {
		return nil, err
	}
	sessions, err := stateRows(s, `SELECT a.email, s.created_at
		FROM mousestats_sessions s JOIN mousestats_accounts a ON a.id = s.account_id
		WHERE s.tenant_id = @tenant ORDER BY s.rowid`, "email", "createdAt")
	if err != nil {
		return nil, err
	}
	return wire.Obj(
		"partnerId", s.Tenant.Key,
		"partnerSecret", secret,
		"accounts", accountsOut,
		"loginTokens", tokens,
		"sessions", sessions,
	), nil
}

// stateRows reads text columns into objects with the given keys; a column
// whose key ends in "At" is a stored instant, written RFC 3339 or null.
func stateRows(s store.Scoped, query string, keys ...string) ([]wire.Object, error) {
	rows, err := s.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wire.Object{}
	for rows.Next() {
		cols := make([]sql.NullString, len(keys))
		dest := make([]any, len(keys))
		for i := range cols {
			dest[i] = &cols[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		o := make(wire.Object, 0, len(keys))
		for i, k := range keys {
			var v any = cols[i].String
			if strings.HasSuffix(k, "At") {
				v = jsonTime(parseTime(cols[i].String))
			}
			o = append(o, wire.Field{Key: k, Value: v})
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// jsonTime is an instant for the state dump: RFC 3339 UTC, null for none.
func jsonTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}
