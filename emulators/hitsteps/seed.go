package hitsteps

import (
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// defaultSeed is the default tenant of reference §3 — the document's
// samples — written in the seed format, so that one loader serves both.
//
//go:embed defaults.json
var defaultSeed []byte

// seedSection is the "hitsteps" section of a seed document.
type seedSection struct {
	Tenants []seedTenant `json:"tenants"`
}

// seedTenant is a main account: an existing one (by main_account) gets the
// whitelabels, accounts and websites added; a new one is created with the
// credentials given (missing ones generated as for POST …/tenants), and
// its token never expires.
//
// It also takes the flat lists of the state dump — tokens, accounts,
// websites, visits, invoices — and the tenant's clock, so that a dump loads
// as it is. A tenant given its tokens gets no generated one.
type seedTenant struct {
	MainAccount json.RawMessage  `json:"main_account"`
	Username    *string          `json:"username"`
	Password    *string          `json:"password"`
	Token       *string          `json:"token"`
	Whitelabels []seedWhitelabel `json:"whitelabels"`

	Tokens   []seedToken                  `json:"tokens"`
	Accounts []seedFlatAccount            `json:"accounts"`
	Websites []seedFlatWebsite            `json:"websites"`
	Visits   []map[string]json.RawMessage `json:"visits"`
	Invoices []seedInvoice                `json:"invoices"`
	Clock    json.RawMessage              `json:"clock"`
}

// seedToken is a whitelabel token as the dump shows it.
type seedToken struct {
	Token     *string         `json:"token"`
	IssuedAt  json.RawMessage `json:"issued_at"`
	ExpiresAt json.RawMessage `json:"expires_at"`
	Initial   json.RawMessage `json:"initial"`
}

// seedFlatAccount is an account of the dump, naming its whitelabel.
type seedFlatAccount struct {
	seedAccount
	WhitelabelID json.RawMessage `json:"whitelabel_id"`
}

// seedFlatWebsite is a website of the dump, naming its account.
type seedFlatWebsite struct {
	seedWebsite
	AccountID json.RawMessage `json:"user_account_id"`
}

// seedInvoice is a purchase of the dump's ledger; main_account is the
// tenant's own and not used.
type seedInvoice struct {
	ID           json.RawMessage `json:"invoice_id"`
	MainAccount  json.RawMessage `json:"main_account"`
	WhitelabelID json.RawMessage `json:"whitelabel_id"`
	AccountID    json.RawMessage `json:"user_account_id"`
	Plan         json.RawMessage `json:"plan"`
	Months       json.RawMessage `json:"months"`
	Amount       *float64        `json:"amount"`
	Created      json.RawMessage `json:"created"`
}

// seedWhitelabel is a brand: an existing one of the tenant (by
// whitelabel_id) is updated with the brand and url given, a new one created.
type seedWhitelabel struct {
	ID       json.RawMessage `json:"whitelabel_id"`
	Brand    *string         `json:"whitelabel_brand"`
	URL      *string         `json:"whitelabel_url"`
	Accounts []seedAccount   `json:"accounts"`
}

// seedAccount is a new customer account, in the names of op 5's answer.
type seedAccount struct {
	ID            json.RawMessage `json:"user_account_id"`
	Email         *string         `json:"user_account_email"`
	Password      *string         `json:"password"`
	Nickname      *string         `json:"user_nickname"`
	Timezone      json.RawMessage `json:"user_timezone"`
	Country       *string         `json:"user_country"`
	Language      *string         `json:"user_language"`
	Statusmode    json.RawMessage `json:"user_account_statusmode"`
	LicenseCode   json.RawMessage `json:"user_license_code"`
	TrialStatus   json.RawMessage `json:"user_trial_status"`
	LicenseExpiry json.RawMessage `json:"user_license_expiry"`
	LicenseMonths json.RawMessage `json:"user_license_months"`
	Websites      []seedWebsite   `json:"websites"`
}

// seedWebsite is a new website with its recorded days of traffic.
type seedWebsite struct {
	ID             json.RawMessage              `json:"website_id"`
	Name           *string                      `json:"website_name"`
	URL            *string                      `json:"website_url"`
	APIKey         *string                      `json:"APIKey"`
	SubmissionDate json.RawMessage              `json:"submission_date"`
	Visits         []map[string]json.RawMessage `json:"visits"`
}

// parseDefaults reads the embedded default tenant; it is part of the
// program, so a failure is a build mistake.
func parseDefaults() (seedTenant, error) {
	var sec seedSection
	if err := emu.DecodeStrict(defaultSeed, &sec); err != nil || len(sec.Tenants) != 1 {
		return seedTenant{}, fmt.Errorf("hitsteps: bad defaults.json: %v", err)
	}
	if d := sec.Tenants[0]; d.Username == nil || d.Password == nil || d.Token == nil {
		return seedTenant{}, errors.New("hitsteps: defaults.json lacks the default credentials")
	}
	return sec.Tenants[0], nil
}

// Defaults implements emu.Vendor: the sequences and the default tenant.
func (e *Emulator) Defaults(tx *store.Tx) error {
	if err := startSequences(tx); err != nil {
		return err
	}
	return loadTenant(tx, e.defaults, "defaults")
}

// ResetTenant implements emu.Vendor. The default tenant gets its
// reference §3 data back; a created tenant loses its accounts, websites,
// visits, invoices and login tokens, keeping its credentials, whitelabels
// and initial token.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	t, err := tx.Tenant(Name, key)
	if err != nil {
		return err
	}
	s := tx.Scope(t)
	if key == DefaultTenant {
		if err := tx.ClearTenant(t, "hitsteps_main_accounts"); err != nil {
			return err
		}
		d := e.defaults
		if _, err := s.Exec(`UPDATE hitsteps_main_accounts SET username = ?, username_key = ?, password = ?
			WHERE tenant_id = @tenant`, *d.Username, strings.ToLower(*d.Username), *d.Password); err != nil {
			return err
		}
		if _, err := issueToken(s, *d.Token, 0, true); err != nil {
			return err
		}
		return loadWhitelabels(s, d.Whitelabels, "defaults")
	}
	if err := tx.ClearTenant(t, "hitsteps_main_accounts", "hitsteps_whitelabels", "hitsteps_tokens"); err != nil {
		return err
	}
	_, err = s.Exec(`DELETE FROM hitsteps_tokens WHERE tenant_id = @tenant AND initial = 0`)
	return err
}

// LoadSeed implements emu.Vendor.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	var sec seedSection
	if err := emu.DecodeStrict(section, &sec); err != nil {
		return err
	}
	for i, t := range sec.Tenants {
		if err := loadTenant(tx, t, fmt.Sprintf("tenants[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// seedError names where in the seed section a problem is (nil stays nil).
func seedError(where string, err error) error {
	if err == nil {
		return nil
	}
	var ce *emu.Error
	if errors.As(err, &ce) {
		return emu.BadRequest("%s: %s", where, ce.Message)
	}
	if errors.Is(err, store.ErrTenantExists) {
		return emu.BadRequest("%s: main account, username, token or whitelabel_id already in use", where)
	}
	return err
}

func loadTenant(tx *store.Tx, t seedTenant, where string) error {
	number, given, err := jsonInt(t.MainAccount, "main_account", 1, maxID)
	if err != nil {
		return seedError(where, err)
	}
	var s store.Scoped
	existing, err := tx.Tenant(Name, itoa(number))
	switch {
	case given && err == nil:
		if t.Username != nil || t.Password != nil || t.Token != nil {
			return emu.BadRequest("%s: main account %d exists; a seed cannot change its username, password or token", where, number)
		}
		s = tx.Scope(existing)
	case err != nil && !errors.Is(err, store.ErrNoTenant):
		return err
	default:
		m := mainAccount{Number: number, NoToken: t.Tokens != nil && t.Token == nil}
		if m.Username, err = jsonText(t.Username, "username", false); err != nil {
			return seedError(where, err)
		}
		if m.Password, err = jsonText(t.Password, "password", true); err != nil {
			return seedError(where, err)
		}
		if m.Token, err = jsonText(t.Token, "token", false); err != nil {
			return seedError(where, err)
		}
		if s, err = createMainAccount(tx, &m); err != nil {
			return seedError(where, err)
		}
	}
	if err := loadWhitelabels(s, t.Whitelabels, where); err != nil {
		return err
	}
	if err := loadDumped(s, t, where); err != nil {
		return err
	}
	return seedError(where, emu.SeedClock(tx, s.Tenant, t.Clock))
}

// loadDumped loads the flat lists of a state dump into the tenant.
func loadDumped(s store.Scoped, t seedTenant, where string) error {
	owned := func(table string, id int64) error {
		var n int
		if err := s.QueryRow(`SELECT count(*) FROM `+table+` WHERE tenant_id = @tenant AND id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return emu.BadRequest("%s %d is not this main account's", strings.TrimPrefix(table, "hitsteps_"), id)
		}
		return nil
	}
	ref := func(raw json.RawMessage, name, table string) (int64, error) {
		id, given, err := jsonInt(raw, name, 1, maxID)
		if err == nil && !given {
			err = emu.BadRequest("%s is required", name)
		}
		if err == nil {
			err = owned(table, id)
		}
		return id, err
	}
	for i, a := range t.Accounts {
		at := fmt.Sprintf("%s.accounts[%d]", where, i)
		wl, err := ref(a.WhitelabelID, "whitelabel_id", "hitsteps_whitelabels")
		if err != nil {
			return seedError(at, err)
		}
		if err := loadAccount(s, wl, a.seedAccount, at); err != nil {
			return err
		}
	}
	for i, w := range t.Websites {
		at := fmt.Sprintf("%s.websites[%d]", where, i)
		account, err := ref(w.AccountID, "user_account_id", "hitsteps_accounts")
		if err != nil {
			return seedError(at, err)
		}
		if err := loadWebsite(s, account, w.seedWebsite, at); err != nil {
			return err
		}
	}
	for i, fields := range t.Visits {
		at := fmt.Sprintf("%s.visits[%d]", where, i)
		v, err := parseVisit(fields, "website_id")
		if err == nil {
			v.WebsiteID, err = ref(fields["website_id"], "website_id", "hitsteps_websites")
		}
		if err != nil {
			return seedError(at, err)
		}
		if err := upsertVisit(s, v); err != nil {
			return err
		}
	}
	for i, tk := range t.Tokens {
		if err := loadToken(s, tk); err != nil {
			return seedError(fmt.Sprintf("%s.tokens[%d]", where, i), err)
		}
	}
	for i, in := range t.Invoices {
		if err := loadInvoice(s, in, ref); err != nil {
			return seedError(fmt.Sprintf("%s.invoices[%d]", where, i), err)
		}
	}
	return nil
}

// loadToken adds a token of the dump.
func loadToken(s store.Scoped, in seedToken) error {
	token, err := jsonText(in.Token, "token", false)
	if err != nil {
		return err
	}
	if token == "" {
		return emu.BadRequest("token is required")
	}
	issued, given, err := jsonInt(in.IssuedAt, "issued_at", 0, maxUnix)
	if err != nil {
		return err
	}
	if !given {
		issued = s.Now().Unix()
	}
	expires, given, err := jsonInt(in.ExpiresAt, "expires_at", 0, maxUnix)
	if err != nil {
		return err
	}
	var expiry any
	if given {
		expiry = expires
	}
	initial, _, err := jsonInt(in.Initial, "initial", 0, 1)
	if err != nil {
		return err
	}
	_, err = s.Exec(`INSERT INTO hitsteps_tokens (token, tenant_id, issued_at, expires_at, initial)
		VALUES (?, @tenant, ?, ?, ?)`, token, issued, expiry, initial)
	if store.IsUniqueViolation(err) {
		return emu.BadRequest("token %q is already in use", token)
	}
	return err
}

// loadInvoice adds a purchase of the dump's ledger.
func loadInvoice(s store.Scoped, in seedInvoice, ref func(json.RawMessage, string, string) (int64, error)) error {
	wl, err := ref(in.WhitelabelID, "whitelabel_id", "hitsteps_whitelabels")
	if err != nil {
		return err
	}
	account, err := ref(in.AccountID, "user_account_id", "hitsteps_accounts")
	if err != nil {
		return err
	}
	plan, _, err := jsonInt(in.Plan, "plan", -999_999_999, 999_999_999)
	if err != nil {
		return err
	}
	months, _, err := jsonInt(in.Months, "months", 0, 999_999_999)
	if err != nil {
		return err
	}
	if in.Amount == nil || *in.Amount < 0 || *in.Amount > 1e9 {
		return emu.BadRequest("amount is required: a non-negative number")
	}
	created, given, err := jsonInt(in.Created, "created", 0, maxUnix)
	if err != nil {
		return err
	}
	if !given {
		created = s.Now().Unix()
	}
	id, err := seedID(s, in.ID, "invoice_id", "hitsteps_invoices", seqInvoice)
	if err != nil {
		return err
	}
	_, err = s.Exec(`INSERT INTO hitsteps_invoices (id, tenant_id, whitelabel_id, account_id, plan, months, amount_cents, created)
		VALUES (?, @tenant, ?, ?, ?, ?, ?, ?)`, id, wl, account, plan, months, int64(math.Round(*in.Amount*100)), created)
	return err
}

func loadWhitelabels(s store.Scoped, wls []seedWhitelabel, where string) error {
	for i, w := range wls {
		if err := loadWhitelabel(s, w, fmt.Sprintf("%s.whitelabels[%d]", where, i)); err != nil {
			return err
		}
	}
	return nil
}

func loadWhitelabel(s store.Scoped, w seedWhitelabel, where string) error {
	id, _, err := jsonInt(w.ID, "whitelabel_id", 1, maxID)
	if err != nil {
		return seedError(where, err)
	}
	wl := whitelabel{ID: id}
	if wl.Brand, err = jsonText(w.Brand, "whitelabel_brand", false); err != nil {
		return seedError(where, err)
	}
	if wl.URL, err = jsonText(w.URL, "whitelabel_url", false); err != nil {
		return seedError(where, err)
	}
	var owner int64
	err = s.Tx().QueryRow(`SELECT tenant_id FROM hitsteps_whitelabels WHERE id = ?`, id).Scan(&owner)
	switch {
	case err == nil && owner != s.Tenant.ID:
		return emu.BadRequest("%s: whitelabel_id %d belongs to another main account", where, id)
	case err == nil:
		if _, err := s.Exec(`UPDATE hitsteps_whitelabels SET brand = coalesce(nullif(?, ''), brand), url = coalesce(nullif(?, ''), url)
			WHERE tenant_id = @tenant AND id = ?`, wl.Brand, wl.URL, id); err != nil {
			return err
		}
	case errors.Is(err, sql.ErrNoRows):
		if wl, err = createWhitelabel(s, wl); err != nil {
			return seedError(where, err)
		}
	default:
		return err
	}
	for i, a := range w.Accounts {
		if err := loadAccount(s, wl.ID, a, fmt.Sprintf("%s.accounts[%d]", where, i)); err != nil {
			return err
		}
	}
	return nil
}

func loadAccount(s store.Scoped, whitelabelID int64, in seedAccount, where string) error {
	a, err := seedAccountRow(s, whitelabelID, in)
	if err != nil {
		return seedError(where, err)
	}
	if err := insertAccount(s, a); err != nil {
		return err
	}
	for i, w := range in.Websites {
		if err := loadWebsite(s, a.ID, w, fmt.Sprintf("%s.websites[%d]", where, i)); err != nil {
			return err
		}
	}
	return nil
}

// seedAccountRow validates a seed account and gives it its id.
func seedAccountRow(s store.Scoped, whitelabelID int64, in seedAccount) (account, error) {
	a := account{WhitelabelID: whitelabelID, Timezone: "0", Language: "en",
		Statusmode: sql.NullString{String: "1", Valid: true}}
	email, err := jsonText(in.Email, "user_account_email", false)
	if err != nil {
		return a, err
	}
	a.Email = strings.ToLower(email)
	if !validEmail(a.Email) {
		return a, emu.BadRequest("user_account_email must be an e-mail address, got %q", email)
	}
	if a.Password, err = jsonText(in.Password, "password", true); err != nil {
		return a, err
	}
	if a.Password == "" {
		a.Password = emu.RandomHex(16)
	}
	if a.Nickname, err = jsonText(in.Nickname, "user_nickname", false); err != nil {
		return a, err
	}
	if a.Nickname == "" {
		a.Nickname, _, _ = strings.Cut(a.Email, "@")
	}
	if err := jsonNumberText(in.Timezone, "user_timezone", &a.Timezone); err != nil {
		return a, err
	}
	if in.Country != nil {
		a.Country = *in.Country
	}
	if in.Language != nil {
		a.Language = *in.Language
	}
	if !languageFormat.MatchString(a.Language) {
		return a, emu.BadRequest("user_language must be two lower-case letters, got %q", a.Language)
	}
	if utf8.RuneCountInString(a.Country) > 64 {
		return a, emu.BadRequest("user_country must be at most 64 characters")
	}
	if err := jsonNullableText(in.Statusmode, "user_account_statusmode", &a.Statusmode); err != nil {
		return a, err
	}
	if a.LicenseCode, _, err = jsonInt(in.LicenseCode, "user_license_code", -999_999_999, 999_999_999); err != nil {
		return a, err
	}
	trial, _, err := jsonInt(in.TrialStatus, "user_trial_status", 0, 1)
	if err != nil {
		return a, err
	}
	a.Trial = trial == 1
	if a.LicenseExpiry, _, err = jsonInt(in.LicenseExpiry, "user_license_expiry", 0, maxUnix); err != nil {
		return a, err
	}
	if a.LicenseMonths, _, err = jsonInt(in.LicenseMonths, "user_license_months", 0, 999_999_999); err != nil {
		return a, err
	}
	var taken int
	if err := s.QueryRow(`SELECT count(*) FROM hitsteps_accounts WHERE tenant_id = @tenant AND whitelabel_id = ? AND email = ?`,
		whitelabelID, a.Email).Scan(&taken); err != nil {
		return a, err
	}
	if taken > 0 {
		return a, emu.BadRequest("user_account_email %q already exists in whitelabel %d", a.Email, whitelabelID)
	}
	a.ID, err = seedID(s, in.ID, "user_account_id", "hitsteps_accounts", seqAccount)
	return a, err
}

// seedID is a chosen id that must be free, or the sequence's next one.
func seedID(s store.Scoped, raw json.RawMessage, name, table, seq string) (int64, error) {
	id, given, err := jsonInt(raw, name, 1, maxID)
	if err != nil {
		return 0, err
	}
	if given {
		var taken int
		if err := s.Tx().QueryRow(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&taken); err != nil {
			return 0, err
		}
		if taken > 0 {
			return 0, emu.BadRequest("%s %d is already in use", name, id)
		}
	}
	return chooseID(s.Tx(), seq, id)
}

// jsonNumberText reads a text given as a JSON string or number into dst
// (time zones: "8", -5, "5.5"); absent or null leaves dst.
func jsonNumberText(raw json.RawMessage, name string, dst *string) error {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return nil
	}
	switch v.(type) {
	case string, float64:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		if len(s) > 64 {
			return emu.BadRequest("%s is too long", name)
		}
		*dst = s
		return nil
	}
	return emu.BadRequest("%s must be a string or a number", name)
}

// jsonNullableText reads a string or null into dst; absent leaves dst.
func jsonNullableText(raw json.RawMessage, name string, dst *sql.NullString) error {
	if len(raw) == 0 {
		return nil
	}
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		return emu.BadRequest("%s must be a string or null", name)
	}
	if s == nil {
		*dst = sql.NullString{}
	} else {
		*dst = sql.NullString{String: *s, Valid: true}
	}
	return nil
}

func loadWebsite(s store.Scoped, accountID int64, in seedWebsite, where string) error {
	w, err := seedWebsiteRow(s, accountID, in)
	if err != nil {
		return seedError(where, err)
	}
	if err := insertWebsite(s, w); err != nil {
		return err
	}
	for i, fields := range in.Visits {
		v, err := parseVisit(fields)
		if err != nil {
			return seedError(fmt.Sprintf("%s.visits[%d]", where, i), err)
		}
		v.WebsiteID = w.ID
		if err := upsertVisit(s, v); err != nil {
			return err
		}
	}
	return nil
}

// seedWebsiteRow validates a seed website and gives it its id and key.
func seedWebsiteRow(s store.Scoped, accountID int64, in seedWebsite) (website, error) {
	w := website{AccountID: accountID, Submitted: s.Now().Unix()}
	var err error
	if w.Name, err = jsonText(in.Name, "website_name", false); err != nil {
		return w, err
	}
	if w.Name == "" || utf8.RuneCountInString(w.Name) > 100 {
		return w, emu.BadRequest("website_name is required, at most 100 characters")
	}
	url, err := jsonText(in.URL, "website_url", false)
	if err != nil {
		return w, err
	}
	var ok bool
	if w.Host, ok = normalizeHost(url); !ok {
		return w, emu.BadRequest("website_url is required: a domain or http(s) URL, got %q", url)
	}
	var dup int
	if err := s.QueryRow(`SELECT count(*) FROM hitsteps_websites WHERE tenant_id = @tenant AND account_id = ? AND host = ?`,
		accountID, w.Host).Scan(&dup); err != nil {
		return w, err
	}
	if dup > 0 {
		return w, emu.BadRequest("the account already tracks %s", w.Host)
	}
	if w.APIKey, err = jsonText(in.APIKey, "APIKey", false); err != nil {
		return w, err
	}
	if w.APIKey == "" {
		w.APIKey, err = newAPIKey(s.Tx())
	} else {
		var taken int
		err = s.Tx().QueryRow(`SELECT count(*) FROM hitsteps_websites WHERE api_key = ?`, w.APIKey).Scan(&taken)
		if err == nil && taken > 0 {
			err = emu.BadRequest("APIKey %q is already in use", w.APIKey)
		}
	}
	if err != nil {
		return w, err
	}
	if date, given, err := jsonInt(in.SubmissionDate, "submission_date", 0, maxUnix); err != nil {
		return w, err
	} else if given {
		w.Submitted = date
	}
	w.ID, err = seedID(s, in.ID, "website_id", "hitsteps_websites", seqWebsite)
	return w, err
}
