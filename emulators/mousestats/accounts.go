package mousestats

import (
	"database/sql"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
)

// The free plan CreateAccount activates with _activeFreePlan=true.
const (
	freePlanName = "SaneEgg"
	freePlanDays = 30
)

// Limits on the account parameters.
const (
	maxEmailLen    = 254
	minEmailLen    = 3
	maxPasswordLen = 128
)

// emailPattern is the reference's e-mail syntax (§4.5). Parentheses are
// excluded so that the login name "email(partnerId)" stays unambiguous.
var emailPattern = regexp.MustCompile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$")

// validEmail reports whether s is an e-mail address the vendor accepts.
func validEmail(s string) bool {
	return len(s) >= minEmailLen && len(s) <= maxEmailLen && emailPattern.MatchString(s)
}

// validPassword reports whether s is 1–128 characters.
func validPassword(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 1 && n <= maxPasswordLen
}

// emailKey is how an account is keyed within its partner: e-mails compare
// case-insensitively.
func emailKey(email string) string { return strings.ToLower(email) }

// userEmail is the request's _userEmail, or invalid-parameters.
func userEmail(q form.Values) (string, error) {
	email, _ := q.First("_userEmail")
	if !validEmail(email) {
		return "", errInvalidParameters
	}
	return email, nil
}

// account is one customer account of a partner.
type account struct {
	ID       int64
	Email    string // as given at creation
	Password string
	PlanName string
	// PlanExpiresAt is the end of the plan; zero when there is none.
	PlanExpiresAt        time.Time
	UsedHeatmapProjects  int64
	UsedPlaybackProjects int64
	UsedHeatmapVisits    int64
	UsedPlaybackVisits   int64
	CreatedAt            time.Time
}

// newAccount is a fresh account, with the free plan when free is set.
func newAccount(email, password string, free bool, now time.Time) account {
	a := account{Email: email, Password: password, CreatedAt: now}
	if free {
		a.PlanName = freePlanName
		a.PlanExpiresAt = now.Add(freePlanDays * 24 * time.Hour)
	}
	return a
}

// daysLeft is PlanDaysLeft: whole days to the plan's end, rounded up, never
// negative, 0 without a plan.
func (a account) daysLeft(now time.Time) int64 {
	if a.PlanExpiresAt.IsZero() {
		return 0
	}
	left := a.PlanExpiresAt.Sub(now)
	if left <= 0 {
		return 0
	}
	const day = 24 * time.Hour
	return int64(left/day) + boolInt(left%day != 0)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// accountInfo is GetAccount's answer; the field order is the wire's key
// order.
type accountInfo struct {
	Email                    string
	PlanName                 string
	PlanDaysLeft             int64
	PlanUsedHeatmapProjects  int64
	PlanUsedPlaybackProjects int64
	PlanUsedHeatmapVisits    int64
	PlanUsedPlaybackVisits   int64
}

// info is the account as GetAccount shows it to partnerID, with email as
// the e-mail part of the login name.
func (a account) info(email, partnerID string, now time.Time) accountInfo {
	return accountInfo{
		Email:                    loginName(email, partnerID),
		PlanName:                 a.PlanName,
		PlanDaysLeft:             a.daysLeft(now),
		PlanUsedHeatmapProjects:  a.UsedHeatmapProjects,
		PlanUsedPlaybackProjects: a.UsedPlaybackProjects,
		PlanUsedHeatmapVisits:    a.UsedHeatmapVisits,
		PlanUsedPlaybackVisits:   a.UsedPlaybackVisits,
	}
}

// loginName is the customer's name in the MouseStats panel.
func loginName(email, partnerID string) string { return email + "(" + partnerID + ")" }

// createAccountOp declares GET /api/CreateAccount.
var createAccountOp = &openapi.Op{
	ID:      "CreateAccount",
	Summary: "Create a customer account in the partner's namespace, optionally with the free plan",
	Tags:    []string{"partner"},
	Params: []openapi.Param{
		userEmailParam,
		openapi.Query("_userPassword", openapi.String().MinLength(1).MaxLength(maxPasswordLen),
			"1–128 characters; stored, never returned").Require(),
		openapi.Query("_activeFreePlan", openapi.String().Example("true"),
			"`true` in any letter case activates the free plan (SaneEgg, 30 days); anything else or nothing means no plan"),
	},
	Responses: []*openapi.Response{
		textReply("created", openapi.String().Const(answerOK)),
		permissionDenied,
		textReply("_userEmail invalid, or _userPassword missing, empty or over 128 characters",
			openapi.String().Const(string(errInvalidParameters))).AsError(),
		textReply("the partner already has an account with this e-mail (compared case-insensitively)",
			openapi.String().Const(string(errUserExists))).AsError(),
	},
}

// createAccount is GET /api/CreateAccount.
func createAccount(tx *store.Tx, partner store.Tenant, q form.Values) (any, error) {
	email, err := userEmail(q)
	if err != nil {
		return nil, err
	}
	password, _ := q.First("_userPassword")
	if !validPassword(password) {
		return nil, errInvalidParameters
	}
	free, _ := q.First("_activeFreePlan")
	s := tx.Scope(partner)
	a := newAccount(email, password, strings.EqualFold(free, "true"), s.Now())
	err = insertAccount(s, a)
	if store.IsUniqueViolation(err) {
		return nil, errUserExists
	}
	if err != nil {
		return nil, err
	}
	return answerOK, nil
}

// accountInfoSchema is GetAccount's answer, keys in wire order.
var accountInfoSchema = openapi.Named("Account", openapi.Object(
	openapi.Field("Email", openapi.String().Describe("the e-mail as sent, followed by (partnerId): the panel login name").
		Example("test@example.com(partnername)")),
	openapi.Field("PlanName", openapi.String().Describe("SaneEgg for the free plan, \"\" without a plan").Example(freePlanName)),
	openapi.Field("PlanDaysLeft", openapi.Integer().Min(0).Describe("whole days left, rounded up; 0 without a plan").Example(30)),
	openapi.Field("PlanUsedHeatmapProjects", openapi.Integer().Min(0)),
	openapi.Field("PlanUsedPlaybackProjects", openapi.Integer().Min(0)),
	openapi.Field("PlanUsedHeatmapVisits", openapi.Integer().Min(0)),
	openapi.Field("PlanUsedPlaybackVisits", openapi.Integer().Min(0)),
))

// getAccountOp declares GET /api/GetAccount.
var getAccountOp = &openapi.Op{
	ID:        "GetAccount",
	Summary:   "One account's plan and usage",
	Tags:      []string{"partner"},
	Params:    []openapi.Param{userEmailParam},
	Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "the account", accountInfoSchema), permissionDenied, invalidParameters},
}

// getAccount is GET /api/GetAccount. Email echoes the e-mail as this
// request spelled it.
func getAccount(tx *store.Tx, partner store.Tenant, q form.Values) (any, error) {
	email, err := userEmail(q)
	if err != nil {
		return nil, err
	}
	s := tx.Scope(partner)
	a, err := customer(s, email)
	if err != nil {
		return nil, err
	}
	return a.info(email, partner.Key, s.Now()), nil
}

// errNoAccount is findAccount's "no such account". The partner calls
// answer it permission-denied; the control plane 404.
var errNoAccount = errors.New("no such account")

const accountColumns = `id, email, password, plan_name, plan_expires_at, used_heatmap_projects,
	used_playback_projects, used_heatmap_visits, used_playback_visits, created_at`

// findAccount finds the partner's account for email (any letter case), or
// errNoAccount.
func findAccount(s store.Scoped, email string) (account, error) {
	a, err := scanAccount(s.QueryRow(`SELECT `+accountColumns+` FROM mousestats_accounts
		WHERE tenant_id = @tenant AND email_key = ?`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, errNoAccount
	}
	return a, err
}

// customer is findAccount for a partner call: an account the partner does
// not have is permission-denied ("our user not found").
func customer(s store.Scoped, email string) (account, error) {
	a, err := findAccount(s, email)
	if errors.Is(err, errNoAccount) {
		return account{}, errPermissionDenied
	}
	return a, err
}

// accounts lists the partner's accounts, oldest first.
func accounts(s store.Scoped) ([]account, error) {
	rows, err := s.Query(`SELECT ` + accountColumns + ` FROM mousestats_accounts WHERE tenant_id = @tenant ORDER BY id`)
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

type scanner interface{ Scan(dest ...any) error }

func scanAccount(row scanner) (account, error) {
	var a account
	var expires sql.NullString
	var created string
	err := row.Scan(&a.ID, &a.Email, &a.Password, &a.PlanName, &expires, &a.UsedHeatmapProjects,
		&a.UsedPlaybackProjects, &a.UsedHeatmapVisits, &a.UsedPlaybackVisits, &created)
	if err != nil {
		return account{}, err
	}
	a.PlanExpiresAt = parseTime(expires.String)
	a.CreatedAt = parseTime(created)
	return a, nil
}

// insertAccount adds a; an e-mail the partner already has is a unique
// violation.
func insertAccount(s store.Scoped, a account) error {
	_, err := s.Exec(`INSERT INTO mousestats_accounts (tenant_id, email_key, email, password, plan_name,
		plan_expires_at, used_heatmap_projects, used_playback_projects, used_heatmap_visits,
		used_playback_visits, created_at) VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		emailKey(a.Email), a.Email, a.Password, a.PlanName, nullTime(a.PlanExpiresAt), a.UsedHeatmapProjects,
		a.UsedPlaybackProjects, a.UsedHeatmapVisits, a.UsedPlaybackVisits, formatTime(a.CreatedAt))
	return err
}

// updateAccount stores a's e-mail, password, plan, counters and creation
// time over the account with a's id.
func updateAccount(s store.Scoped, a account) error {
	_, err := s.Exec(`UPDATE mousestats_accounts SET email_key = ?, email = ?, password = ?, plan_name = ?,
		plan_expires_at = ?, used_heatmap_projects = ?, used_playback_projects = ?, used_heatmap_visits = ?,
		used_playback_visits = ?, created_at = ? WHERE tenant_id = @tenant AND id = ?`,
		emailKey(a.Email), a.Email, a.Password, a.PlanName, nullTime(a.PlanExpiresAt), a.UsedHeatmapProjects,
		a.UsedPlaybackProjects, a.UsedHeatmapVisits, a.UsedPlaybackVisits, formatTime(a.CreatedAt), a.ID)
	return err
}

// dbTime is how instants are stored: fixed width, so that they also sort
// as text.
const dbTime = "2006-01-02T15:04:05.000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(dbTime) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// parseTime reads a stored instant; "" (NULL) is the zero time.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
