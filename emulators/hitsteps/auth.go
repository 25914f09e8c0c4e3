package hitsteps

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// tokenLifetime is how long a token from op 1 is valid, in seconds (30 days).
const tokenLifetime = 30 * 86400

// access is what a call must present before its own fields are read.
type access int

const (
	// public calls (op 1) authenticate with username and password themselves.
	public access = iota
	// byToken calls (op 2) need a valid token.
	byToken
	// byWhitelabel calls (ops 3–22) need a valid token and one of its main
	// account's whitelabel_ids.
	byWhitelabel
)

// authenticate runs the checks of reference §2.2 that come before a call's
// own fields, and scopes the request to the token's main account.
func (r *request) authenticate(a access) error {
	if a == public {
		return nil
	}
	if err := r.useToken(); err != nil {
		return err
	}
	if a == byToken {
		return nil
	}
	id := r.id("whitelabel_id")
	if err := r.fields(); err != nil {
		return err
	}
	// A whitelabel is part of the credential (§2.2): the store remembers it
	// like the token, so a call on one whitelabel runs its own statement
	// alone, which needs no transaction (see store.Read). Whitelabels are
	// remembered apart from tokens: a token is any text a client sends.
	key := strconv.FormatInt(r.scope.Tenant.ID, 10) + " " + strconv.FormatInt(id, 10)
	v, err := r.tx.Credential(whitelabelCredentials, key, func(*store.Tx) (any, error) {
		return findWhitelabel(r.scope, id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return errInvalidWhitelabel
	}
	if err != nil {
		return err
	}
	r.wl = v.(whitelabel)
	return nil
}

// whitelabelCredentials is the store's credential namespace for the
// whitelabels a call names (tokens are remembered under Name).
const whitelabelCredentials = Name + " whitelabel"

// useToken identifies the tenant by the token field: missing → 1, unknown
// or expired → 3.
func (r *request) useToken() error {
	token := r.text("token")
	if err := r.fields(); err != nil {
		return err
	}
	// The store remembers what a token names until the tokens or tenants
	// change, so most requests find it without a query.
	v, err := r.tx.Credential(Name, token, func(tx *store.Tx) (any, error) {
		var k tokenRow
		err := tx.QueryRow(`SELECT t.id, t.vendor, t.key, k.expires_at
			FROM hitsteps_tokens k JOIN tenants t ON t.id = k.tenant_id WHERE k.token = ?`, token).
			Scan(&k.tenant.ID, &k.tenant.Vendor, &k.tenant.Key, &k.expires)
		return k, err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	t, expires := v.(tokenRow).tenant, v.(tokenRow).expires
	// A token expires on its tenant's clock.
	if expires.Valid && r.tx.Scope(t).Now().Unix() >= expires.Int64 {
		return errInvalidToken
	}
	r.identified(t)
	return nil
}

// tokenRow is what a token names: its tenant and when it expires.
type tokenRow struct {
	tenant  store.Tenant
	expires sql.NullInt64
}

// issueToken stores a new token of the tenant. lifetime 0 never expires;
// initial tokens survive a tenant reset.
func issueToken(s store.Scoped, token string, lifetime int64, initial bool) (string, error) {
	var err error
	if token == "" {
		if token, err = uniqueHex(s.Tx(), 34, "hitsteps_tokens", "token"); err != nil {
			return "", err
		}
	}
	now := s.Now().Unix()
	var expires any
	if lifetime > 0 {
		expires = now + lifetime
	}
	_, err = s.Exec(`INSERT INTO hitsteps_tokens (token, tenant_id, issued_at, expires_at, initial)
		VALUES (?, @tenant, ?, ?, ?)`, token, now, expires, initial)
	return token, err
}

// loginCall documents op 1.
var loginCall = call{
	summary: "Receive a whitelabel token for the main account's username and password",
	tag:     "auth",
	fields: []field{
		{"username", textField, true, "the main account's e-mail (compared case-insensitively)"},
		{"password", textField, true, "used verbatim"},
	},
	answer: succeeds(
		openapi.Field("main_account", openapi.String().Pattern(`^[0-9]+$`).Example("1234")),
		openapi.Field("token", openapi.String().Pattern(`^[0-9a-f]{34}$`).Describe("new on every call; valid 30 days")),
	),
}

// login is op 1, token: username and password of the main account for a
// new 30-day token.
func login(r *request) (wire.Object, error) {
	username := r.text("username")
	password := r.text("password")
	if err := r.fields(); err != nil {
		return nil, err
	}
	var t store.Tenant
	var main int64
	var stored string
	err := r.tx.QueryRow(`SELECT t.id, t.vendor, t.key, m.main_account, m.password
		FROM hitsteps_main_accounts m JOIN tenants t ON t.id = m.tenant_id WHERE m.username_key = ?`,
		strings.ToLower(username)).Scan(&t.ID, &t.Vendor, &t.Key, &main, &stored)
	if errors.Is(err, sql.ErrNoRows) || err == nil && stored != password {
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	r.identified(t)
	token, err := issueToken(r.scope, "", tokenLifetime, false)
	if err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "main_account", strconv.FormatInt(main, 10), "token", token), nil
}
