package hitsteps

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// defaultWhitelabels is how many brands a tenant created without a choice gets.
const defaultWhitelabels = 2

// mainAccount is a reseller's login as a new tenant is created with it;
// zero fields are generated.
type mainAccount struct {
	Number   int64
	Username string
	Password string
	Token    string
	// TokenLifetime is the initial token's lifetime in seconds, 0 for never.
	TokenLifetime int64
	// NoToken creates the tenant without a token (a dump brings its own).
	NoToken bool
}

// createMainAccount registers a new tenant with its login and initial
// token. A number, username or token already in use is
// store.ErrTenantExists.
func createMainAccount(tx *store.Tx, m *mainAccount) (store.Scoped, error) {
	var err error
	if m.Number, err = chooseID(tx, seqMainAccount, m.Number); err != nil {
		return store.Scoped{}, err
	}
	if m.Username == "" {
		m.Username = fmt.Sprintf("tenant%d@example.test", m.Number)
	}
	if m.Password == "" {
		m.Password = emu.RandomHex(16)
	}
	t, err := tx.CreateTenant(Name, itoa(m.Number))
	if err != nil {
		return store.Scoped{}, err
	}
	s := tx.Scope(t)
	_, err = s.Exec(`INSERT INTO hitsteps_main_accounts (tenant_id, main_account, username, username_key, password)
		VALUES (@tenant, ?, ?, ?, ?)`, m.Number, m.Username, strings.ToLower(m.Username), m.Password)
	if err == nil && !m.NoToken {
		m.Token, err = issueToken(s, m.Token, m.TokenLifetime, true)
	}
	if store.IsUniqueViolation(err) {
		err = store.ErrTenantExists
	}
	return s, err
}

// createWhitelabel adds a brand to the tenant: the chosen id (in use:
// store.ErrTenantExists) or the next one, and generated brand and url
// where none is given.
func createWhitelabel(s store.Scoped, w whitelabel) (whitelabel, error) {
	var err error
	if w.ID, err = chooseID(s.Tx(), seqWhitelabel, w.ID); err != nil {
		return w, err
	}
	if w.Brand == "" {
		w.Brand = fmt.Sprintf("Whitelabel %d", w.ID)
	}
	if w.URL == "" {
		w.URL = fmt.Sprintf("wl%d.example.test", w.ID)
	}
	err = insertWhitelabel(s, w)
	if store.IsUniqueViolation(err) {
		err = store.ErrTenantExists
	}
	return w, err
}

// tenantBody is the body of POST /_emulator/hitsteps/tenants.
type tenantBody struct {
	Username      *string           `json:"username"`
	Password      *string           `json:"password"`
	MainAccount   json.RawMessage   `json:"main_account"`
	Token         *string           `json:"token"`
	WhitelabelIDs []json.RawMessage `json:"whitelabel_ids"`
	Whitelabels   []struct {
		Brand *string `json:"whitelabel_brand"`
		URL   *string `json:"whitelabel_url"`
	} `json:"whitelabels"`
}

// CreateTenant implements emu.Vendor: a main account with fresh
// whitelabels and no accounts (reference §7.1).
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	var in tenantBody
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	m := mainAccount{TokenLifetime: tokenLifetime}
	var err error
	if m.Number, _, err = jsonInt(in.MainAccount, "main_account", 1, maxID); err != nil {
		return nil, err
	}
	if m.Username, err = jsonText(in.Username, "username", false); err != nil {
		return nil, err
	}
	if m.Password, err = jsonText(in.Password, "password", true); err != nil {
		return nil, err
	}
	if m.Token, err = jsonText(in.Token, "token", false); err != nil {
		return nil, err
	}
	wls, err := in.whitelabels()
	if err != nil {
		return nil, err
	}
	s, err := createMainAccount(tx, &m)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(wls))
	for i, w := range wls {
		if w, err = createWhitelabel(s, w); err != nil {
			return nil, err
		}
		ids[i] = w.ID
	}
	return wire.Obj("username", m.Username, "password", m.Password, "main_account", itoa(m.Number),
		"token", m.Token, "whitelabel_ids", ids), nil
}

// whitelabels are the brands the body asks for (ids 0 to be allocated).
func (in tenantBody) whitelabels() ([]whitelabel, error) {
	if in.WhitelabelIDs != nil && len(in.WhitelabelIDs) == 0 || in.Whitelabels != nil && len(in.Whitelabels) == 0 {
		return nil, emu.BadRequest("whitelabel_ids and whitelabels must not be empty")
	}
	if in.WhitelabelIDs != nil && in.Whitelabels != nil && len(in.WhitelabelIDs) != len(in.Whitelabels) {
		return nil, emu.BadRequest("whitelabel_ids and whitelabels must have the same length")
	}
	n := max(len(in.WhitelabelIDs), len(in.Whitelabels))
	if n == 0 {
		n = defaultWhitelabels
	}
	out := make([]whitelabel, n)
	seen := map[int64]bool{}
	for i, raw := range in.WhitelabelIDs {
		id, _, err := jsonInt(raw, fmt.Sprintf("whitelabel_ids[%d]", i), 1, maxID)
		if err != nil {
			return nil, err
		}
		if id == 0 || seen[id] {
			return nil, emu.BadRequest("whitelabel_ids must be distinct positive integers")
		}
		seen[id] = true
		out[i].ID = id
	}
	for i, w := range in.Whitelabels {
		var err error
		if out[i].Brand, err = jsonText(w.Brand, fmt.Sprintf("whitelabels[%d].whitelabel_brand", i), false); err != nil {
			return nil, err
		}
		if out[i].URL, err = jsonText(w.URL, fmt.Sprintf("whitelabels[%d].whitelabel_url", i), false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// State implements emu.Vendor: every tenant with its login, brands,
// tokens, accounts (with passwords), websites, visits and invoices.
func (e *Emulator) State(tx *store.Tx, tenant string) (any, error) {
	ts, err := tx.SelectTenants(Name, tenant)
	if err != nil {
		return nil, err
	}
	out := []wire.Object{}
	for _, t := range ts {
		d, err := dumpTenant(tx.Scope(t))
		if err != nil {
			return nil, err
		}
		out = append(out, emu.WithClock(tx, t, d))
	}
	return wire.Obj("tenants", out), nil
}

// dumps are the parts of a tenant's state: the key, the queried columns'
// names in the dump and the query.
var dumps = []struct {
	key     string
	columns []string
	query   string
}{
	{"whitelabels", []string{"whitelabel_id", "whitelabel_brand", "whitelabel_url"},
		`SELECT id, brand, url FROM hitsteps_whitelabels WHERE tenant_id = @tenant ORDER BY id`},
	{"tokens", []string{"token", "issued_at", "expires_at", "initial"},
		`SELECT token, issued_at, expires_at, initial FROM hitsteps_tokens WHERE tenant_id = @tenant ORDER BY issued_at, token`},
	{"accounts", []string{"user_account_id", "whitelabel_id", "user_account_email", "password", "user_nickname",
		"user_timezone", "user_country", "user_language", "user_account_statusmode", "user_license_code",
		"user_license_expiry", "user_license_months", "user_trial_status"},
		`SELECT ` + accountColumns + ` FROM hitsteps_accounts WHERE tenant_id = @tenant ORDER BY id`},
	{"websites", []string{"website_id", "user_account_id", "website_name", "website_url", "APIKey", "submission_date"},
		`SELECT id, account_id, name, host, api_key, submitted FROM hitsteps_websites WHERE tenant_id = @tenant ORDER BY id`},
	{"visits", append([]string{"website_id", "day"}, counterNames[:]...),
		`SELECT website_id, day, ` + counterColumns + ` FROM hitsteps_visits WHERE tenant_id = @tenant ORDER BY website_id, day`},
	{"invoices", invoiceColumns, invoiceQuery},
}

func dumpTenant(s store.Scoped) (wire.Object, error) {
	login, err := queryObjects(s, []string{"main_account", "username", "password"},
		`SELECT CAST(main_account AS TEXT), username, password FROM hitsteps_main_accounts WHERE tenant_id = @tenant`)
	if err != nil {
		return nil, err
	}
	if len(login) != 1 {
		return nil, fmt.Errorf("hitsteps: tenant %s has no main account", s.Tenant.Key)
	}
	out := login[0]
	for _, d := range dumps {
		rows, err := queryObjects(s, d.columns, d.query)
		if err != nil {
			return nil, err
		}
		out = append(out, wire.Field{Key: d.key, Value: rows})
	}
	return out, nil
}

// queryObjects runs a tenant query and writes each row as an object whose
// keys name its columns.
func queryObjects(s store.Scoped, keys []string, query string, args ...any) ([]wire.Object, error) {
	rows, err := s.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wire.Object{}
	for rows.Next() {
		vals := make([]any, len(keys))
		ptrs := make([]any, len(keys))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		o := make(wire.Object, len(keys))
		for i, k := range keys {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			o[i] = wire.Field{Key: k, Value: vals[i]}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
