package mousestats

import (
	"database/sql"
	"errors"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// The browser side of the API, below the vendor's prefix.
const (
	panelPath = "/panel/overview"
	loginPath = "/login"
	// sessionCookie names the panel session doLogin opens.
	sessionCookie = "mousestats_session"
)

// _validHours: 1–24, 1 when missing or unusable.
const (
	defaultValidHours = 1
	maxValidHours     = 24
)

var (
	// tokenPattern is a login token in any letter case (doLogin compares
	// case-insensitively; tokens are issued upper-case).
	tokenPattern = regexp.MustCompile(`^[0-9A-Fa-f]{32}$`)
	// sessionPattern is a session cookie value as doLogin issues it.
	sessionPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// validHours is the token lifetime _validHours asks for. A value that is
// missing, not a base-10 integer or outside 1–24 falls back to 1 rather than
// failing the call.
func validHours(q form.Values) int {
	v, _ := q.First("_validHours")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxValidHours {
		return defaultValidHours
	}
	return n
}

// generateLoginTokenOp declares GET /api/GenerateLoginToken.
var generateLoginTokenOp = &openapi.Op{
	ID:      "GenerateLoginToken",
	Summary: "A one-time login token for a customer, for doLogin",
	Tags:    []string{"partner"},
	Params: []openapi.Param{
		userEmailParam,
		openapi.Query("_validHours", openapi.String().Example("1"),
			"lifetime in hours, an integer 1–24; missing or anything else means 1 (never an error)"),
	},
	Responses: []*openapi.Response{
		textReply("the token: 32 upper-case hex characters, valid once until it expires",
			openapi.String().Pattern(`^[0-9A-F]{32}$`).Example("03C879E18F6AA4E15E1EB81C88E91B01")),
		permissionDenied, invalidParameters,
	},
}

// generateLoginToken is GET /api/GenerateLoginToken: a new 128-bit,
// upper-case hex token that doLogin accepts once until it expires.
func generateLoginToken(tx *store.Tx, partner store.Tenant, q form.Values) (any, error) {
	email, err := userEmail(q)
	if err != nil {
		return nil, err
	}
	s := tx.Scope(partner)
	a, err := customer(s, email)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	token := strings.ToUpper(emu.RandomHex(32))
	expires := now.Add(time.Duration(validHours(q)) * time.Hour)
	_, err = s.Exec(`INSERT INTO mousestats_login_tokens (token, tenant_id, account_id, issued_at, expires_at)
		VALUES (?, @tenant, ?, ?, ?)`, token, a.ID, formatTime(now), formatTime(expires))
	if err != nil {
		return nil, err
	}
	return token, nil
}

// doLoginOp declares GET /api/doLogin.
var doLoginOp = &openapi.Op{
	ID:      "doLogin",
	Summary: "The browser's sign-in with a login token",
	Tags:    []string{"browser"},
	NoAuth:  true,
	Params: []openapi.Param{openapi.Query("_token", openapi.String(),
		"a token of GenerateLoginToken (compared case-insensitively)")},
	Responses: []*openapi.Response{
		openapi.Empty(http.StatusFound, "a valid token signs in (and is used up): to the panel with a session cookie; "+
			"anything else: to the login page, no cookie").
			WithHeader("Location", openapi.String().Pattern(`^(/mousestats)?/(panel/overview|login)$`),
				"/mousestats/panel/overview or /mousestats/login (no prefix on the vendor's own listener)", true).
			WithHeader("Set-Cookie", openapi.String().Pattern(`^mousestats_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax$`),
				"only on success", false),
	},
}

// doLogin is GET /api/doLogin?_token=…, opened by the customer's browser:
// a valid token is used up and opens a panel session (302 to the panel with
// the session cookie); anything else is a 302 to the login page, no cookie,
// nothing changed.
func (e *Emulator) doLogin(c *gin.Context) {
	token, _ := form.ParseQuery(c.Request.URL.RawQuery).First("_token")
	var session string
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		var err error
		session, err = useToken(c, tx, token)
		return err
	})
	if err != nil {
		e.reply(c, nil, err)
		return
	}
	base := emu.BasePath(c.Request)
	if session == "" {
		redirect(c, base+loginPath)
		return
	}
	c.Header("Set-Cookie", sessionCookie+"="+session+"; Path=/; HttpOnly; SameSite=Lax")
	redirect(c, base+panelPath)
}

// useToken marks token used and opens a session for its account, returning
// the session id; "" when the token is malformed, unknown, expired or used.
func useToken(c *gin.Context, tx *store.Tx, token string) (string, error) {
	if !tokenPattern.MatchString(token) {
		return "", nil
	}
	token = strings.ToUpper(token)
	// The token is the only credential doLogin has: it names the tenant, so
	// this one lookup cannot be scoped yet.
	var tenantID, accountID int64
	var expires string
	var used sql.NullString
	err := tx.QueryRow(`SELECT tenant_id, account_id, expires_at, used_at FROM mousestats_login_tokens
		WHERE token = ? AND tenant_id IN (SELECT id FROM tenants WHERE vendor = ?)`, token, Name).Scan(&tenantID, &accountID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	partner, err := tx.TenantByID(tenantID)
	if err != nil {
		return "", err
	}
	s := tx.Scope(partner)
	now := s.Now() // the token expires on its partner's clock
	if used.Valid || !now.Before(parseTime(expires)) {
		return "", nil
	}
	emu.SetTenant(c, partner.Key)
	if _, err := s.Exec(`UPDATE mousestats_login_tokens SET used_at = ? WHERE tenant_id = @tenant AND token = ?`,
		formatTime(now), token); err != nil {
		return "", err
	}
	session := emu.RandomHex(64)
	_, err = s.Exec(`INSERT INTO mousestats_sessions (id, tenant_id, account_id, created_at) VALUES (?, @tenant, ?, ?)`,
		session, accountID, formatTime(now))
	return session, err
}

// redirect answers 302 to location with an empty body.
func redirect(c *gin.Context, location string) {
	c.Header("Location", location)
	empty(c, http.StatusFound)
}

// panelOp declares GET /panel/overview.
var panelOp = &openapi.Op{
	ID:      "panelOverview",
	Summary: "The signed-in customer's panel page (a placeholder)",
	Tags:    []string{"browser"},
	NoAuth:  true,
	Params: []openapi.Param{{In: "cookie", Name: sessionCookie, Schema: openapi.String().Pattern(`^[0-9a-f]{64}$`),
		Description: "the session doLogin opened"}},
	Responses: []*openapi.Response{
		openapi.Answer(http.StatusOK, "the page, naming the signed-in customer", openapi.Media{Type: "text/html", Schema: openapi.String()}),
		openapi.Empty(http.StatusFound, "no valid session: to the login page").
			WithHeader("Location", openapi.String().Pattern(`^(/mousestats)?/login$`), "the login page", true),
	},
}

// panelOverview is GET /panel/overview: the signed-in customer's page, or a
// redirect to the login page without a valid session.
func (e *Emulator) panelOverview(c *gin.Context) {
	var name string
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		var err error
		name, err = sessionLogin(c, tx)
		return err
	})
	if err != nil {
		e.reply(c, nil, err)
		return
	}
	if name == "" {
		redirect(c, emu.BasePath(c.Request)+loginPath)
		return
	}
	wire.Bytes(c.Writer, http.StatusOK, wire.HTMLType, []byte(panelPage(name)))
}

// sessionLogin is the login name of the session the request's cookie names,
// or "" without a valid one.
func sessionLogin(c *gin.Context, tx *store.Tx) (string, error) {
	cookie, err := c.Request.Cookie(sessionCookie)
	if err != nil || !sessionPattern.MatchString(cookie.Value) {
		return "", nil
	}
	// As with tokens, the cookie is the credential that names the tenant.
	var tenantID int64
	var email string
	err = tx.QueryRow(`SELECT s.tenant_id, a.email FROM mousestats_sessions s
		JOIN mousestats_accounts a ON a.id = s.account_id JOIN tenants t ON t.id = s.tenant_id AND t.vendor = ?
		WHERE s.id = ?`, Name, cookie.Value).Scan(&tenantID, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	partner, err := tx.TenantByID(tenantID)
	if err != nil {
		return "", err
	}
	emu.SetTenant(c, partner.Key)
	return loginName(email, partner.Key), nil
}

func panelPage(login string) string {
	return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>MouseStats panel</title></head>
<body><h1>MouseStats panel</h1><p>Signed in as ` + html.EscapeString(login) + `</p></body></html>
`
}

// loginPageHTML is the static login page; it processes no form.
const loginPageHTML = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>MouseStats login</title></head>
<body><h1>MouseStats login</h1><p>Sign in through your partner's site.</p></body></html>
`

// loginPageOp declares GET /login.
var loginPageOp = &openapi.Op{
	ID:        "loginPage",
	Summary:   "The panel's login page (a placeholder; it processes no form)",
	Tags:      []string{"browser"},
	NoAuth:    true,
	Responses: []*openapi.Response{openapi.Answer(http.StatusOK, "the page", openapi.Media{Type: "text/html", Schema: openapi.String()})},
}

// loginPage is GET /login.
func loginPage(c *gin.Context) {
	wire.Bytes(c.Writer, http.StatusOK, wire.HTMLType, []byte(loginPageHTML))
}
