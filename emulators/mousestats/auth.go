package mousestats

import (
	"crypto/subtle"
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
)

// apiFunc is a server-side function (CreateAccount, GetAccount,
// GenerateLoginToken), run once the partner is authenticated. It returns a
// raw text answer (string), a JSON value, or an error (a textError is the
// vendor's answer; anything else is a 500).
type apiFunc func(tx *store.Tx, partner store.Tenant, q form.Values) (any, error)

// Whether an apiFunc changes state, which decides its transaction.
const (
	readsOnly = false
	writes    = true
)

// partnerCall wraps fn with what every server-side function shares:
// parameters from the query string only, the partner's credentials checked
// first, everything in one transaction (a write one when fn writes).
func (e *Emulator) partnerCall(write bool, fn apiFunc) gin.HandlerFunc {
	run := e.deps.Store.Read
	if write == writes {
		run = e.deps.Store.Write
	}
	return func(c *gin.Context) {
		q := form.ParseQuery(c.Request.URL.RawQuery)
		var out any
		err := run(c, func(tx *store.Tx) error {
			partner, err := authenticate(c, tx, q)
			if err != nil {
				return err
			}
			out, err = fn(tx, partner, q)
			return err
		})
		e.reply(c, out, err)
	}
}

// authenticate finds the partner named by _partnerId and checks
// _partnerSecret against it. Every failure is the same permission-denied.
// The journal is told the partner as soon as it is known to exist; the
// partner's faults apply once the secret is right.
func authenticate(c *gin.Context, tx *store.Tx, q form.Values) (store.Tenant, error) {
	id, _ := q.First("_partnerId")
	if id == "" {
		return store.Tenant{}, errPermissionDenied
	}
	partner, err := tx.Tenant(Name, id)
	if errors.Is(err, store.ErrNoTenant) {
		return store.Tenant{}, errPermissionDenied
	}
	if err != nil {
		return store.Tenant{}, err
	}
	emu.NameTenant(c, partner.Key)
	secret, _ := q.First("_partnerSecret")
	if secret == "" {
		return store.Tenant{}, errPermissionDenied
	}
	want, err := partnerSecret(tx.Scope(partner))
	if err != nil {
		return store.Tenant{}, err
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		return store.Tenant{}, errPermissionDenied
	}
	emu.SetTenant(c, partner.Key)
	return partner, nil
}

// partnerSecret is the partner's secret, through the store's credential
// cache (mousestats_partners is watched): a GetAccount then runs its one
// account query alone, which needs no transaction (see store.Read).
func partnerSecret(s store.Scoped) (string, error) {
	v, err := s.Tx().Credential(Name, strconv.FormatInt(s.Tenant.ID, 10), func(*store.Tx) (any, error) {
		var secret string
		err := s.QueryRow(`SELECT secret FROM mousestats_partners WHERE tenant_id = @tenant`).Scan(&secret)
		return secret, err
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
