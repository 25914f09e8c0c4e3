package hitsteps

import (
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

var languageFormat = regexp.MustCompile(`^[a-z]{2}$`)

// account is a customer account under a whitelabel.
type account struct {
	ID            int64
	WhitelabelID  int64
	Email         string
	Password      string
	Nickname      string
	Timezone      string
	Country       string
	Language      string
	Statusmode    sql.NullString
	LicenseCode   int64
	LicenseExpiry int64 // unix seconds, 0 for none
	LicenseMonths int64
	Trial         bool
}

const accountColumns = `id, whitelabel_id, email, password, nickname, timezone, country, language, statusmode,
	license_code, license_expiry, license_months, trial`

type scanner interface{ Scan(dest ...any) error }

func scanAccount(sc scanner) (account, error) {
	var a account
	err := sc.Scan(&a.ID, &a.WhitelabelID, &a.Email, &a.Password, &a.Nickname, &a.Timezone, &a.Country,
		&a.Language, &a.Statusmode, &a.LicenseCode, &a.LicenseExpiry, &a.LicenseMonths, &a.Trial)
	return a, err
}

// active reports whether the account has an active licence at now (§6.2).
func (a account) active(now time.Time) bool {
	return a.LicenseCode >= 0 && a.LicenseExpiry > now.Unix()
}

func (a account) statusmode() any {
	if a.Statusmode.Valid {
		return a.Statusmode.String
	}
	return nil
}

func (a account) trialStatus() string {
	if a.Trial {
		return "1"
	}
	return "0"
}

// listEntry is the account as op 3 lists it, written directly (a list
// is the longest answer of the API).
func (a account) listEntry() *wire.Builder {
	w := &wire.Builder{}
	w.Grow(256)
	w.BeginObject()
	w.Key("user_account_id").String(itoa(a.ID))
	w.Key("user_account_email").String(a.Email)
	w.Key("user_nick").String(a.Nickname)
	w.Key("user_account_statusmode").Value(a.statusmode())
	w.Key("user_trial_status").String(a.trialStatus())
	w.Key("user_license_code").String(itoa(a.LicenseCode))
	w.Key("user_license_expiry").String(itoa(a.LicenseExpiry))
	w.EndObject()
	return w
}

// detail is op 5's answer.
func (a account) detail() wire.Object {
	return wire.Obj(
		"error", 0,
		"user_account_id", itoa(a.ID),
		"user_account_email", a.Email,
		"user_timezone", a.Timezone,
		"user_country", a.Country,
		"user_language", a.Language,
		"user_nickname", a.Nickname,
		"user_account_statusmode", a.statusmode(),
		"user_license_code", itoa(a.LicenseCode),
		"user_trial_status", a.trialStatus(),
		"user_license_expiry", itoa(a.LicenseExpiry),
	)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// queryAccounts lists the request whitelabel's accounts matching cond.
func (r *request) queryAccounts(cond string, args ...any) ([]account, error) {
	rows, err := r.accountRows(accountColumns, cond, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// accountRows selects columns of the request whitelabel's accounts
// matching cond, in id order.
func (r *request) accountRows(columns, cond string, args []any) (*sql.Rows, error) {
	return r.scope.Query(`SELECT `+columns+` FROM hitsteps_accounts
		WHERE tenant_id = @tenant AND whitelabel_id = ? AND `+cond+` ORDER BY id`,
		append([]any{r.wl.ID}, args...)...)
}

// listedColumns are the columns of accountColumns a list entry shows.
const listedColumns = `id, email, nickname, statusmode, license_code, license_expiry, trial`

// listedAccounts is queryAccounts for op 3: only the columns its entries
// show are read (each TEXT column read costs the driver two allocations).
func (r *request) listedAccounts(cond string, args ...any) ([]account, error) {
	rows, err := r.accountRows(listedColumns, cond, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account
	for rows.Next() {
		a := account{WhitelabelID: r.wl.ID}
		if err := rows.Scan(&a.ID, &a.Email, &a.Nickname, &a.Statusmode, &a.LicenseCode, &a.LicenseExpiry, &a.Trial); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// accountWhere is the request whitelabel's first account matching cond, or
// error 5.
func (r *request) accountWhere(cond string, args ...any) (account, error) {
	as, err := r.queryAccounts(cond, args...)
	if err != nil {
		return account{}, err
	}
	if len(as) == 0 {
		return account{}, errAccountNotFound
	}
	return as[0], nil
}

// account is the request whitelabel's account id, or error 5.
func (r *request) account(id int64) (account, error) { return r.accountWhere(`id = ?`, id) }

// accountField reads the user_account_id field and then finds the
// account: the shape of every call on one account whose only own field it is.
func (r *request) accountField() (account, error) {
	id := r.id("user_account_id")
	if err := r.fields(); err != nil {
		return account{}, err
	}
	return r.account(id)
}

// emailTaken reports whether another account of the request's whitelabel
// than except has email.
func (r *request) emailTaken(email string, except int64) (bool, error) {
	as, err := r.queryAccounts(`email = ? AND id != ?`, email, except)
	return len(as) > 0, err
}

func insertAccount(s store.Scoped, a account) error {
	_, err := s.Exec(`INSERT INTO hitsteps_accounts (tenant_id, `+accountColumns+`)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.WhitelabelID, a.Email, a.Password, a.Nickname, a.Timezone, a.Country, a.Language, a.Statusmode,
		a.LicenseCode, a.LicenseExpiry, a.LicenseMonths, a.Trial)
	return err
}

// setLicense stores an account's licence after a licence call.
func (r *request) setLicense(a account) error {
	_, err := r.scope.Exec(`UPDATE hitsteps_accounts SET license_code = ?, license_expiry = ?, license_months = ?, trial = ?
		WHERE tenant_id = @tenant AND id = ?`, a.LicenseCode, a.LicenseExpiry, a.LicenseMonths, a.Trial, a.ID)
	return err
}

// Account fields as the answers type them (the document mixes strings and
// numbers; the emulator mirrors it).
var (
	statusmodeField = openapi.Field("user_account_statusmode", openapi.String().Nullable())
	trialField      = openapi.Field("user_trial_status", openapi.String().Strings("0", "1"))
	licenseFields   = []openapi.Prop{
		openapi.Field("user_license_code", openapi.String().Pattern(`^-?[0-9]+$`).Describe("-1 Free, 0 Starter, 3 Pro")),
		openapi.Field("user_license_expiry", openapi.String().Pattern(`^[0-9]+$`).Describe("unix seconds, \"0\" when none")),
	}
	accountIDString = openapi.String().Pattern(`^[0-9]+$`)
)

// accountsCall documents op 3.
var accountsCall = call{
	summary: "Accounts under a whitelabel, id ascending",
	tag:     "accounts",
	fields:  []field{{"user_account_id", idField, false, "narrows the list to this account (empty when it is not in the whitelabel)"}},
	answer: list(openapi.Named("AccountEntry", openapi.Object(
		openapi.Field("user_account_id", accountIDString),
		openapi.Field("user_account_email", openapi.String()),
		openapi.Field("user_nick", openapi.String()),
		statusmodeField,
		trialField,
		licenseFields[0],
		licenseFields[1],
	))),
}

// listAccounts is op 3, accounts: the whitelabel's accounts, or just the
// one user_account_id names (an empty list when it is not here).
func listAccounts(r *request) (wire.Object, error) {
	id, only := r.optionalID("user_account_id")
	if err := r.fields(); err != nil {
		return nil, err
	}
	cond, args := `1 = 1`, []any(nil)
	if only {
		cond, args = `id = ?`, []any{id}
	}
	as, err := r.listedAccounts(cond, args...)
	if err != nil {
		return nil, err
	}
	items := make([]*wire.Builder, len(as))
	for i, a := range as {
		items[i] = a.listEntry()
	}
	return wire.List(items, success), nil
}

// accountIDByEmailCall documents op 4.
var accountIDByEmailCall = call{
	summary: "An account's id from its e-mail",
	tag:     "accounts",
	fields:  []field{{"user_account_email", textField, true, "compared case-insensitively"}},
	answer:  succeeds(openapi.Field("user_account_id", accountIDString.Describe("a string here"))),
}

// accountIDByEmail is op 4, account-id-by-email.
func accountIDByEmail(r *request) (wire.Object, error) {
	email := strings.ToLower(r.text("user_account_email"))
	if err := r.fields(); err != nil {
		return nil, err
	}
	a, err := r.accountWhere(`email = ?`, email)
	if err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "user_account_id", itoa(a.ID)), nil
}

// accountCall documents op 5.
var accountCall = call{
	summary: "Account detail",
	tag:     "accounts",
	fields:  []field{{"user_account_id", idField, true, ""}},
	answer: succeeds(
		openapi.Field("user_account_id", accountIDString),
		openapi.Field("user_account_email", openapi.String()),
		openapi.Field("user_timezone", openapi.String()),
		openapi.Field("user_country", openapi.String()),
		openapi.Field("user_language", openapi.String()),
		openapi.Field("user_nickname", openapi.String()),
		statusmodeField,
		licenseFields[0],
		trialField,
		licenseFields[1],
	).Example(map[string]any{"error": 0, "user_account_id": "22", "user_account_email": "sales@hitsteps.com",
		"user_timezone": "8", "user_country": "my", "user_language": "en", "user_nickname": "Hitsteps",
		"user_account_statusmode": "1", "user_license_code": "1", "user_trial_status": "0",
		"user_license_expiry": "1586041271"}),
}

// accountDetail is op 5, account.
func accountDetail(r *request) (wire.Object, error) {
	a, err := r.accountField()
	if err != nil {
		return nil, err
	}
	return a.detail(), nil
}

// accountEmailCall documents op 11.
var accountEmailCall = call{
	summary: "Change an account's e-mail",
	tag:     "accounts",
	fields: []field{
		{"user_account_id", idField, true, ""},
		{"new_email", textField, true, "lower-cased; error 8 unless a plausible address of at most 254 characters"},
	},
	answer: succeeds(
		openapi.Field("oldemail", openapi.String()),
		openapi.Field("newemail", openapi.String()),
		openapi.Field("msg", openapi.String().Const("Email changed from old to new.")),
	),
}

// changeEmail is op 11, account-email.
func changeEmail(r *request) (wire.Object, error) {
	id := r.id("user_account_id")
	email := r.email("new_email")
	if err := r.fields(); err != nil {
		return nil, err
	}
	a, err := r.account(id)
	if err != nil {
		return nil, err
	}
	taken, err := r.emailTaken(email, a.ID)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, errEmailExists
	}
	if _, err := r.scope.Exec(`UPDATE hitsteps_accounts SET email = ? WHERE tenant_id = @tenant AND id = ?`, email, a.ID); err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "oldemail", a.Email, "newemail", email, "msg", "Email changed from old to new."), nil
}

// accountPasswordCall documents op 12.
var accountPasswordCall = call{
	summary: "Change an account's password",
	tag:     "accounts",
	fields: []field{
		{"user_account_id", idField, true, ""},
		{"new_password", textField, true, "verbatim, 6–128 characters (error 8 otherwise)"},
	},
	answer: succeeds(),
}

// changePassword is op 12, account-password.
func changePassword(r *request) (wire.Object, error) {
	id := r.id("user_account_id")
	password := r.password("new_password")
	if err := r.fields(); err != nil {
		return nil, err
	}
	a, err := r.account(id)
	if err != nil {
		return nil, err
	}
	if _, err := r.scope.Exec(`UPDATE hitsteps_accounts SET password = ? WHERE tenant_id = @tenant AND id = ?`, password, a.ID); err != nil {
		return nil, err
	}
	return wire.Obj("error", 0), nil
}

// accountCreateCall documents op 13.
var accountCreateCall = call{
	summary: "Create an account under the whitelabel",
	tag:     "accounts",
	fields: []field{
		{"email", textField, false, "required (or user_account_email); lower-cased"},
		{"user_account_email", textField, false, "the same, under the name the lists use"},
		{"password", textField, true, "verbatim, 6–128 characters"},
		{"nickname", textField, false, "at most 64 characters; default: the e-mail's local part"},
		{"language", textField, false, "two letters; default en"},
	},
	answer: succeeds(
		openapi.Field("user_account_id", openapi.Integer().Describe("a number here")),
		openapi.Field("msg", openapi.String().Const("Account created.")),
	),
}

// createAccount is op 13, account-create. The document lost the e-mail
// field's name; the emulator reads email, then user_account_email.
func createAccount(r *request) (wire.Object, error) {
	emailField := "email"
	if !r.present("email") && r.present("user_account_email") {
		emailField = "user_account_email"
	}
	email := r.email(emailField)
	password := r.password("password")
	nickname := r.optional("nickname")
	r.check(utf8.RuneCountInString(nickname) <= 64, invalid("nickname"))
	language := strings.ToLower(r.optional("language"))
	if language == "" {
		language = "en"
	}
	r.check(languageFormat.MatchString(language), invalid("language"))
	if err := r.fields(); err != nil {
		return nil, err
	}
	if nickname == "" {
		nickname, _, _ = strings.Cut(email, "@")
	}
	taken, err := r.emailTaken(email, 0)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, errEmailExists
	}
	id, err := nextID(r.tx, seqAccount)
	if err != nil {
		return nil, err
	}
	err = insertAccount(r.scope, account{
		ID: id, WhitelabelID: r.wl.ID, Email: email, Password: password, Nickname: nickname,
		Timezone: "0", Language: language, Statusmode: sql.NullString{String: "1", Valid: true},
	})
	if err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "user_account_id", id, "msg", "Account created."), nil
}
