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
	// The data goes with the partner's retired id (store.RetireTenant);
	// the token and session lookups, which cross partners, skip it.
	if partner, err = tx.RetireTenant(partner, "mousestats_partners"); err != nil {
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
// {"tenants":[{"partnerId","partnerSecret","accounts":[…],"loginTokens":[…],
// "sessions":[…],"clock":{…}}]} — the state dump's shape, so that a dump
// loads as it is. A partner that exists gets the given secret and the
// listed accounts added or overwritten; a new one is created.
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
	if err := f.only("partnerId", "partnerSecret", "accounts", "loginTokens", "sessions", "clock"); err != nil {
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
	s := tx.Scope(partner)
	for _, af := range accountList {
		if err := seedAccount(s, af); err != nil {
			return err
		}
	}
	tokens, err := f.list("loginTokens")
	if err != nil {
		return err
	}
	for _, tf := range tokens {
		if err := seedLoginToken(s, tf); err != nil {
			return err
		}
	}
	sessions, err := f.list("sessions")
	if err != nil {
		return err
	}
	for _, sf := range sessions {
		if err := seedSession(s, sf); err != nil {
			return err
		}
	}
	if err := emu.SeedClock(tx, partner, f.raw("clock")); err != nil {
		return emu.BadRequest("%s%s", f.at, err.Error())
	}
	return nil
}

// seedTime is an optional RFC 3339 instant of a seed entry (zero when
// absent or null).
func seedTime(f fields, name string) (time.Time, error) {
	v, err := f.str(name)
	if err != nil || v == nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return time.Time{}, f.bad(name, "must be an RFC 3339 time such as 2031-03-01T10:00:00Z")
	}
	return t, nil
}

// seedAccountOf is the account of the partner a token or session entry
// names by its "email".
func seedAccountOf(s store.Scoped, f fields) (account, error) {
	email, err := f.str("email")
	if err != nil {
		return account{}, err
	}
	if email == nil {
		return account{}, f.bad("email", "is required")
	}
	a, err := findAccount(s, *email)
	if errors.Is(err, errNoAccount) {
		return account{}, f.bad("email", "names no account of this partner: %q", *email)
	}
	return a, err
}

// seedLoginToken adds a login token of the dump's loginTokens.
func seedLoginToken(s store.Scoped, f fields) error {
	if err := f.only("token", "email", "issuedAt", "expiresAt", "usedAt"); err != nil {
		return err
	}
	token, err := f.str("token")
	if err != nil {
		return err
	}
	if token == nil || !tokenPattern.MatchString(*token) {
		return f.bad("token", "must be 32 hex digits")
	}
	a, err := seedAccountOf(s, f)
	if err != nil {
		return err
	}
	issued, err := seedTime(f, "issuedAt")
	if err != nil {
		return err
	}
	expires, err := seedTime(f, "expiresAt")
	if err != nil {
		return err
	}
	used, err := seedTime(f, "usedAt")
	if err != nil {
		return err
	}
	if issued.IsZero() {
		issued = s.Now()
	}
	if expires.IsZero() {
		expires = issued.Add(defaultValidHours * time.Hour)
	}
	_, err = s.Exec(`INSERT INTO mousestats_login_tokens (token, tenant_id, account_id, issued_at, expires_at, used_at)
		VALUES (?, @tenant, ?, ?, ?, ?)`, strings.ToUpper(*token), a.ID, formatTime(issued), formatTime(expires), nullTime(used))
	if store.IsUniqueViolation(err) {
		return f.bad("token", "is already in use")
	}
	return err
}

// seedSession opens a panel session of the dump's sessions; one without
// an id gets a new one.
func seedSession(s store.Scoped, f fields) error {
	if err := f.only("id", "email", "createdAt"); err != nil {
		return err
	}
	id, err := f.str("id")
	if err != nil {
		return err
	}
	if id != nil && !sessionPattern.MatchString(*id) {
		return f.bad("id", "must be 64 lower-case hex digits")
	}
	a, err := seedAccountOf(s, f)
	if err != nil {
		return err
	}
	created, err := seedTime(f, "createdAt")
	if err != nil {
		return err
	}
	if created.IsZero() {
		created = s.Now()
	}
	session := emu.RandomHex(64)
	if id != nil {
		session = *id
	}
	_, err = s.Exec(`INSERT INTO mousestats_sessions (id, tenant_id, account_id, created_at) VALUES (?, @tenant, ?, ?)`,
		session, a.ID, formatTime(created))
	if store.IsUniqueViolation(err) {
		return f.bad("id", "is already in use")
	}
	return err
}

// seedAccount adds the account f describes, or overwrites the partner's
// account with that e-mail (keeping its id, creation time, tokens and
// sessions). Besides the create fields it takes the dump's: planExpiresAt
// (which then decides the plan's end; planDaysLeft, derived from it, is
// not used), createdAt, and loginName (derived, not used).
func seedAccount(s store.Scoped, f fields) error {
	known := append([]string{"email", "password", "activeFreePlan", "loginName", "planExpiresAt", "createdAt"}, planFields...)
	if err := f.only(known...); err != nil {
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
	if _, dumped := f.m["planExpiresAt"]; dumped {
		change.daysLeft = nil
	}
	change.apply(&a, now)
	if _, dumped := f.m["planExpiresAt"]; dumped {
		if a.PlanExpiresAt, err = seedTime(f, "planExpiresAt"); err != nil {
			return err
		}
	}
	created, err := seedTime(f, "createdAt")
	if err != nil {
		return err
	}
	if !created.IsZero() {
		a.CreatedAt = created
	}
	old, err := findAccount(s, *email)
	switch {
	case errors.Is(err, errNoAccount):
		return insertAccount(s, a)
	case err != nil:
		return err
	}
	a.ID = old.ID
	if created.IsZero() {
		a.CreatedAt = old.CreatedAt
	}
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
		out = append(out, emu.WithClock(tx, p, o))
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
	sessions, err := stateRows(s, `SELECT s.id, a.email, s.created_at
		FROM mousestats_sessions s JOIN mousestats_accounts a ON a.id = s.account_id
		WHERE s.tenant_id = @tenant ORDER BY s.rowid`, "id", "email", "createdAt")
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
