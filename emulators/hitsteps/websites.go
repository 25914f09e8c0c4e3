package hitsteps

import (
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// website is a tracked website with what the API shows about it: its
// owner's current e-mail and its traffic totals.
type website struct {
	ID        int64
	AccountID int64
	Email     string
	Name      string
	Host      string
	APIKey    string
	Submitted int64
	Pageviews int64
	Visitors  int64
}

// websiteQuery selects websites of one whitelabel (the first argument) with
// their owner and totals; a condition on w (the website) or a (its account)
// follows.
const websiteQuery = `SELECT w.id, w.account_id, a.email, w.name, w.host, w.api_key, w.submitted,
	COALESCE((SELECT SUM(v.pageviews) FROM hitsteps_visits v WHERE v.tenant_id = @tenant AND v.website_id = w.id), 0),
	COALESCE((SELECT SUM(v.visits) FROM hitsteps_visits v WHERE v.tenant_id = @tenant AND v.website_id = w.id), 0)
	FROM hitsteps_websites w JOIN hitsteps_accounts a ON a.id = w.account_id
	WHERE w.tenant_id = @tenant AND a.tenant_id = @tenant AND a.whitelabel_id = ? AND `

// record is the website record W of ops 7–9.
func (w website) record() wire.Object {
	return wire.Obj(
		"error", 0,
		"user_email", w.Email,
		"user_account_id", itoa(w.AccountID),
		"website_name", w.Name,
		"website_url", w.Host,
		"website_id", itoa(w.ID),
		"APIKey", w.APIKey,
		"submission_date", itoa(w.Submitted),
		"total_pageviews", w.Pageviews,
		"total_visitors", w.Visitors,
	)
}

// listEntry is the website as op 10 lists it.
func (w website) listEntry() wire.Object {
	return wire.Obj(
		"website_id", itoa(w.ID),
		"website_name", w.Name,
		"website_url", w.Host,
		"APIKey", w.APIKey,
		"submission_date", itoa(w.Submitted),
		"total_pageviews", w.Pageviews,
		"total_visitors", w.Visitors,
	)
}

// queryWebsites lists the request whitelabel's websites matching cond,
// lowest website_id first.
func (r *request) queryWebsites(cond string, args ...any) ([]website, error) {
	rows, err := r.scope.Query(websiteQuery+cond+` ORDER BY w.id`, append([]any{r.wl.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []website
	for rows.Next() {
		var w website
		if err := rows.Scan(&w.ID, &w.AccountID, &w.Email, &w.Name, &w.Host, &w.APIKey, &w.Submitted,
			&w.Pageviews, &w.Visitors); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// websiteWhere is the request whitelabel's first website matching cond, or
// error 6.
func (r *request) websiteWhere(cond string, args ...any) (website, error) {
	ws, err := r.queryWebsites(cond, args...)
	if err != nil {
		return website{}, err
	}
	if len(ws) == 0 {
		return website{}, errWebsiteNotFound
	}
	return ws[0], nil
}

// website is the request whitelabel's website id, or error 6.
func (r *request) website(id int64) (website, error) { return r.websiteWhere(`w.id = ?`, id) }

// host reads a required field holding a domain or URL and reduces it with
// parse to a host; one that does not parse is invalid.
func (r *request) host(name string, parse func(string) (string, bool)) string {
	v := r.text(name)
	if v == "" {
		return ""
	}
	h, ok := parse(v)
	r.check(ok, invalid(name))
	return h
}

// websiteOfKey reads the tracking_api_key field and finds its website.
func (r *request) websiteOfKey() (website, error) {
	key := r.text("tracking_api_key")
	if err := r.fields(); err != nil {
		return website{}, err
	}
	return r.websiteWhere(`w.api_key = ?`, key)
}

// websiteRecord is the website record W of ops 7–9.
var websiteRecord = succeeds(
	openapi.Field("user_email", openapi.String()),
	openapi.Field("user_account_id", accountIDString),
	openapi.Field("website_name", openapi.String()),
	openapi.Field("website_url", openapi.String().Describe("the normalised host")),
	openapi.Field("website_id", accountIDString),
	openapi.Field("APIKey", openapi.String()),
	openapi.Field("submission_date", openapi.String().Pattern(`^[0-9]+$`).Describe("unix seconds")),
	openapi.Field("total_pageviews", openapi.Integer().Describe("a number")),
	openapi.Field("total_visitors", openapi.Integer().Describe("a number")),
)

// accountIDByAPIKeyCall documents op 6.
var accountIDByAPIKeyCall = call{
	summary: "An account's id from one of its websites' API key",
	tag:     "accounts",
	fields:  []field{{"tracking_api_key", textField, true, "exact, case-sensitive"}},
	answer: succeeds(
		openapi.Field("user_account_id", openapi.Integer().Describe("a number here")),
		openapi.Field("APIKey", openapi.String()),
	),
}

// websiteByAPIKeyCall documents op 9.
var websiteByAPIKeyCall = call{
	summary: "Website detail by API key",
	tag:     "websites",
	fields:  []field{{"tracking_api_key", textField, true, "exact, case-sensitive"}},
	answer:  websiteRecord,
}

// websiteByURLCall and websiteByDomainCall document ops 7 and 8.
var (
	websiteByURLCall = call{
		summary: "Website detail by full URL",
		tag:     "websites",
		fields:  []field{{"website_url", textField, true, "an absolute http(s) URL"}},
		answer:  websiteRecord,
	}
	websiteByDomainCall = call{
		summary: "Website detail by domain",
		tag:     "websites",
		fields:  []field{{"website_url", textField, true, "a bare domain or a URL"}},
		answer:  websiteRecord,
	}
)

// accountIDByAPIKey is op 6, account-id-by-apikey.
func accountIDByAPIKey(r *request) (wire.Object, error) {
	w, err := r.websiteOfKey()
	if err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "user_account_id", w.AccountID, "APIKey", w.APIKey), nil
}

// websiteByAPIKey is op 9, website-by-apikey.
func websiteByAPIKey(r *request) (wire.Object, error) {
	w, err := r.websiteOfKey()
	if err != nil {
		return nil, err
	}
	return w.record(), nil
}

// websiteByHost makes ops 7 and 8 (website-by-url, website-by-domain), which
// differ in what website_url may be.
func websiteByHost(parse func(string) (string, bool)) handler {
	return func(r *request) (wire.Object, error) {
		host := r.host("website_url", parse)
		if err := r.fields(); err != nil {
			return nil, err
		}
		w, err := r.websiteWhere(`w.host = ?`, host)
		if err != nil {
			return nil, err
		}
		return w.record(), nil
	}
}

// websitesCall documents op 10.
var websitesCall = call{
	summary: "The websites of an account, id ascending",
	tag:     "websites",
	fields:  []field{{"user_account_id", idField, true, ""}},
	answer: list(openapi.Named("WebsiteEntry", openapi.Object(
		openapi.Field("website_id", accountIDString),
		openapi.Field("website_name", openapi.String()),
		openapi.Field("website_url", openapi.String()),
		openapi.Field("APIKey", openapi.String()),
		openapi.Field("submission_date", openapi.String().Pattern(`^[0-9]+$`)),
		openapi.Field("total_pageviews", openapi.Integer()),
		openapi.Field("total_visitors", openapi.Integer()),
	))),
}

// listWebsites is op 10, websites: an account's websites.
func listWebsites(r *request) (wire.Object, error) {
	a, err := r.accountField()
	if err != nil {
		return nil, err
	}
	ws, err := r.queryWebsites(`w.account_id = ?`, a.ID)
	if err != nil {
		return nil, err
	}
	items := make([]wire.Object, len(ws))
	for i, w := range ws {
		items[i] = w.listEntry()
	}
	return wire.List(items, success), nil
}

// websiteAdded is the answer of ops 14 and 15.
var websiteAdded = succeeds(
	openapi.Field("msg", openapi.String().Const("Website added.")),
	openapi.Field("APIKey", openapi.String().Pattern(`^[0-9a-f]{37}$`)),
	openapi.Field("user_account_id", openapi.Integer()),
	openapi.Field("website_id", openapi.Integer()),
	openapi.Field("site_url", openapi.String().Describe("the stored (normalised) host")),
)

// websiteAddCall and websiteAddURLCall document ops 14 and 15.
var (
	websiteAddCall = call{
		summary: "Add a website by bare host",
		tag:     "websites",
		fields: []field{
			{"user_account_id", idField, true, ""},
			{"site_name", textField, true, "at most 100 characters"},
			{"site_url", textField, true, "a bare host: no scheme, path, query or fragment"},
		},
		answer: websiteAdded,
	}
	websiteAddURLCall = call{
		summary: "Add a website by full URL",
		tag:     "websites",
		fields: []field{
			{"user_account_id", idField, true, ""},
			{"site_name", textField, true, "at most 100 characters"},
			{"site_url", textField, true, "an absolute http(s) URL; its host is stored"},
		},
		answer: websiteAdded,
	}
)

// addWebsite makes ops 14 and 15 (website-add, website-add-url), which
// differ in what site_url may be.
func addWebsite(parse func(string) (string, bool)) handler {
	return func(r *request) (wire.Object, error) {
		id := r.id("user_account_id")
		name := r.text("site_name")
		r.check(utf8.RuneCountInString(name) <= 100, invalid("site_name"))
		host := r.host("site_url", parse)
		if err := r.fields(); err != nil {
			return nil, err
		}
		a, err := r.account(id)
		if err != nil {
			return nil, err
		}
		dup, err := r.queryWebsites(`w.account_id = ? AND w.host = ?`, a.ID, host)
		if err != nil {
			return nil, err
		}
		if len(dup) > 0 {
			return nil, errWebsiteExists
		}
		w := website{AccountID: a.ID, Name: name, Host: host, Submitted: r.unix()}
		if w.ID, err = nextID(r.tx, seqWebsite); err != nil {
			return nil, err
		}
		if w.APIKey, err = newAPIKey(r.tx); err != nil {
			return nil, err
		}
		if err := insertWebsite(r.scope, w); err != nil {
			return nil, err
		}
		return wire.Obj("error", 0, "msg", "Website added.", "APIKey", w.APIKey, "user_account_id", w.AccountID,
			"website_id", w.ID, "site_url", w.Host), nil
	}
}

// newAPIKey is a new tracking key: 37 hex characters, the length Hitsteps'
// WordPress plugin accepts.
func newAPIKey(tx *store.Tx) (string, error) {
	return uniqueHex(tx, 37, "hitsteps_websites", "api_key")
}

func insertWebsite(s store.Scoped, w website) error {
	_, err := s.Exec(`INSERT INTO hitsteps_websites (id, tenant_id, account_id, name, host, api_key, submitted)
		VALUES (?, @tenant, ?, ?, ?, ?, ?)`, w.ID, w.AccountID, w.Name, w.Host, w.APIKey, w.Submitted)
	return err
}
