package justclick

import (
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
)

// maxBody is how much of a request body is read; the rest is ignored.
const maxBody = 1 << 20

// account is a JustClick account: the tenant its login names and its
// switches.
type account struct {
	tenant             store.Tenant
	login              string
	secret             string
	disabled           bool
	activationRequired bool
	ordersAPI          bool
	apiCanSubscribe    bool
}

// accountName is the login a request names (reference §1.1): the path's
// /u/LOGIN/ wins, else the first label of the Host header. A Host without
// a dot, or an IP literal, names none.
func accountName(c *gin.Context) string {
	if login := c.Param("login"); login != "" {
		return asciiLower(login)
	}
	host := c.Request.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if net.ParseIP(host) != nil {
		return ""
	}
	label, _, dotted := strings.Cut(host, ".")
	if !dotted {
		return ""
	}
	return asciiLower(label)
}

// loadAccount finds the account of login, or store.ErrNoTenant.
func loadAccount(tx *store.Tx, login string) (account, error) {
	if login == "" {
		return account{}, store.ErrNoTenant
	}
	t, err := tx.Tenant(Name, login)
	if err != nil {
		return account{}, err
	}
	a := account{tenant: t}
	err = tx.Scope(t).QueryRow(`SELECT login, secret, disabled, activation_required, orders_api, api_can_subscribe
		FROM justclick_account WHERE tenant_id = @tenant`).
		Scan(&a.login, &a.secret, &a.disabled, &a.activationRequired, &a.ordersAPI, &a.apiCanSubscribe)
	return a, err
}

// authenticate runs checks 2–5 of §2.1 in the vendor's order and removes
// hash from fields; the answer is answerOK when the call may proceed.
func authenticate(acct account, fields *Fields) answer {
	if acct.disabled {
		return errDisabled
	}
	if fields.Len() == 0 {
		return errNoData
	}
	sent, ok := fields.Get("hash")
	fields.Delete("hash")
	switch {
	case !ok || (sent.Map == nil && empty(sent.Str)):
		return errNoHash
	case sent.Map != nil || sent.Str != requestHash(fields, acct.login, acct.secret):
		return errBadHash
	}
	return answerOK
}

// requestHash is the hash a client signs fields with (reference §2.2):
// md5 of the PHP canonical query, the login and the secret.
func requestHash(fields *Fields, login, secret string) string {
	return md5hex(fields.Encode() + "::" + login + "::" + secret)
}

// readFields reads the request's form the way the vendor's PHP does: only a
// POST with an url-encoded or multipart body has fields; at most maxBody
// bytes are read; a body that cannot be read has none.
func readFields(r *http.Request) *Fields {
	if r.Method != http.MethodPost {
		return newFields()
	}
	switch form.MediaType(r) {
	case "application/x-www-form-urlencoded":
		body, err := form.ReadBody(r, maxBody)
		if err != nil {
			return newFields()
		}
		return ParseQuery(string(body))
	case "multipart/form-data":
		pairs, err := form.ParseBody(r, maxBody)
		if err != nil {
			return newFields()
		}
		return FromPairs(pairs)
	}
	return newFields()
}

// peerIP is the TCP peer's address, which the IP limit counts (forwarding
// headers are not trusted, as the vendor sees its own peer).
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// asciiLower lower-cases A–Z only, as PHP's strtolower and host names do.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
