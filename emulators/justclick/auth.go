package justclick

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
)

// maxBody is the largest request body the vendor takes: PHP's default
// post_max_size (8M). A larger body is refused whole (code 1), as PHP drops
// the whole POST; nothing of it is parsed.
const maxBody = 8 << 20

// drainLimit bounds how much of an oversized body is read and thrown away so
// that the client, still sending, receives the answer instead of a reset
// connection; beyond it the connection is simply closed after the answer.
const drainLimit = 64 << 20

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

// loadAccount finds the account of login, or store.ErrNoTenant. The
// store remembers it with the tenant (watched table justclick_account: a
// settings change, a reset or a new secret forgets it), so a call's own
// first statement runs alone, which a read needs no transaction for (see
// store.Read).
func loadAccount(tx *store.Tx, login string) (account, error) {
	if login == "" {
		return account{}, store.ErrNoTenant
	}
	v, err := tx.Credential(Name, login, func(tx *store.Tx) (any, error) {
		t, err := tx.Tenant(Name, login)
		if err != nil {
			return nil, err
		}
		a := account{tenant: t}
		err = tx.Scope(t).QueryRow(`SELECT login, secret, disabled, activation_required, orders_api, api_can_subscribe
			FROM justclick_account WHERE tenant_id = @tenant`).
			Scan(&a.login, &a.secret, &a.disabled, &a.activationRequired, &a.ordersAPI, &a.apiCanSubscribe)
		return a, err
	})
	if err != nil {
		return account{}, err
	}
	return v.(account), nil
}

// signature is what a request carries to be authenticated: whether it had
// fields at all, and its hash field, which takeSignature removes from the
// fields (the hash signs the others).
type signature struct {
	fields  int
	hash    Value
	hasHash bool
}

// takeSignature removes hash from fields and returns the request's
// signature. It runs before the request's transaction, which may run twice
// (store.Read) and so must not change the fields itself.
func takeSignature(fields *Fields) signature {
	sig := signature{fields: fields.Len()}
	sig.hash, sig.hasHash = fields.Get("hash")
	fields.Delete("hash")
	return sig
}

// authenticate runs checks 2–5 of §2.1 in the vendor's order on fields
// (without hash) and their signature; the answer is answerOK when the call
// may proceed. A body over maxBody (tooLarge) carries no hash the vendor
// could read: code 1.
func authenticate(acct account, fields *Fields, sig signature, tooLarge bool) answer {
	if acct.disabled {
		return errDisabled
	}
	if tooLarge {
		return errNoHash
	}
	if sig.fields == 0 {
		return errNoData
	}
	sent := sig.hash
	switch {
	case !sig.hasHash || (sent.Map == nil && empty(sent.Str)):
		return errNoHash
	case sent.Map != nil || sent.Str != requestHash(fields, acct.login, acct.secret):
		return errBadHash
	}
	return answerOK
}

// requestHash is the hash a client signs fields with (reference §2.2):
// md5 of the PHP canonical query, the login and the secret. The query is
// hashed as built, without copies: it may be as large as the body (8 MiB).
func requestHash(fields *Fields, login, secret string) string {
	h := md5.New()
	h.Write(fields.encode(nil, nil))
	io.WriteString(h, "::"+login+"::"+secret)
	return hex.EncodeToString(h.Sum(nil))
}

// readFields reads the request's form the way the vendor's PHP does: only a
// POST with an url-encoded or multipart body has fields; a body that cannot
// be read has none. A body of more than maxBody bytes is tooLarge and has
// no fields.
func readFields(r *http.Request) (fields *Fields, tooLarge bool) {
	if r.Method != http.MethodPost {
		return newFields(), false
	}
	mt := form.MediaType(r)
	if mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data" {
		return newFields(), false
	}
	rest := r.Body // ReadBody replaces r.Body with what it read
	body, err := form.ReadBody(r, maxBody+1)
	switch {
	case len(body) > maxBody:
		_, _ = io.Copy(io.Discard, io.LimitReader(rest, drainLimit))
		return newFields(), true
	case err != nil:
		return newFields(), false
	case mt == "application/x-www-form-urlencoded":
		return ParseQuery(string(body)), false
	}
	pairs, err := form.ParseBody(r, maxBody) // reads the body ReadBody kept
	if err != nil {
		return newFields(), false
	}
	return FromPairs(pairs), false
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
