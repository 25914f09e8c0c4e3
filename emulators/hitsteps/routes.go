package hitsteps

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// handler answers one operation once its caller is authenticated: the
// success object, or an *apiError (any other error is a bug, answered 500).
type handler func(*request) (wire.Object, error)

// operation is one call of the whitelabel API.
type operation struct {
	path   string
	access access
	writes bool // runs in the write transaction
	handle handler
	doc    call // its fields and answer, for the OpenAPI document
}

const (
	reads  = false
	writes = true
)

// operations are the 22 calls of reference §4, by path. Each answers GET
// and POST alike.
var operations = []operation{
	{"/api/whitelabel/token", public, writes, login, loginCall},
	{"/api/whitelabel/whitelabels", byToken, reads, listWhitelabels, whitelabelsCall},
	{"/api/whitelabel/accounts", byWhitelabel, reads, listAccounts, accountsCall},
	{"/api/whitelabel/account-id-by-email", byWhitelabel, reads, accountIDByEmail, accountIDByEmailCall},
	{"/api/whitelabel/account", byWhitelabel, reads, accountDetail, accountCall},
	{"/api/whitelabel/account-id-by-apikey", byWhitelabel, reads, accountIDByAPIKey, accountIDByAPIKeyCall},
	{"/api/whitelabel/website-by-url", byWhitelabel, reads, websiteByHost(urlHost), websiteByURLCall},
	{"/api/whitelabel/website-by-domain", byWhitelabel, reads, websiteByHost(normalizeHost), websiteByDomainCall},
	{"/api/whitelabel/website-by-apikey", byWhitelabel, reads, websiteByAPIKey, websiteByAPIKeyCall},
	{"/api/whitelabel/websites", byWhitelabel, reads, listWebsites, websitesCall},
	{"/api/whitelabel/account-email", byWhitelabel, writes, changeEmail, accountEmailCall},
	{"/api/whitelabel/account-password", byWhitelabel, writes, changePassword, accountPasswordCall},
	{"/api/whitelabel/account-create", byWhitelabel, writes, createAccount, accountCreateCall},
	{"/api/whitelabel/website-add", byWhitelabel, writes, addWebsite(bareHost), websiteAddCall},
	{"/api/whitelabel/website-add-url", byWhitelabel, writes, addWebsite(urlHost), websiteAddURLCall},
	{"/api/whitelabel/license-trial", byWhitelabel, writes, startTrial, licenseTrialCall},
	{"/api/whitelabel/license-free", byWhitelabel, writes, convertToFree, licenseFreeCall},
	{"/api/whitelabel/license-purchase", byWhitelabel, writes, purchase, licensePurchaseCall},
	{"/api/whitelabel/license-convert", byWhitelabel, writes, convert, licenseConvertCall},
	{"/api/whitelabel/plans", byWhitelabel, reads, listPlans, plansCall},
	{"/api/whitelabel/stats-7days", byWhitelabel, reads, stats7Days, stats7DaysCall},
	{"/api/whitelabel/autologin", byWhitelabel, reads, autologin, autologinCall},
}

// Routes implements emu.Vendor: every operation on GET and POST, 405
// for other methods on a known path, 404 for any other path.
func (e *Emulator) Routes(r *openapi.Router) {
	for _, op := range operations {
		h := e.serve(op)
		get, post := op.ops()
		r.GET(op.path, get, h)
		r.POST(op.path, post, h)
	}
	eng := r.Engine()
	eng.HandleMethodNotAllowed = true
	eng.NoRoute(func(c *gin.Context) { writeError(c, errUnknownCall) })
	eng.NoMethod(func(c *gin.Context) { writeError(c, errMethodNotAllowed) })
}

// serve runs an operation in one transaction: authentication, the
// operation's checks and its writes commit together or not at all.
func (e *Emulator) serve(op operation) gin.HandlerFunc {
	run := e.deps.Store.Read
	if op.writes {
		run = e.deps.Store.Write
	}
	return func(c *gin.Context) {
		in := readFields(c.Request)
		var out wire.Object
		err := run(c, func(tx *store.Tx) error {
			r := &request{c: c, in: in, tx: tx, now: tx.Now()}
			if err := r.authenticate(op.access); err != nil {
				return err
			}
			var err error
			out, err = op.handle(r)
			return err
		})
		var ae *apiError
		switch {
		case err == nil:
			write(c, http.StatusOK, out)
		case errors.As(err, &ae):
			writeError(c, ae)
		default:
			e.deps.Log.Error("hitsteps: internal error", "path", c.Request.URL.Path, "err", err)
			writeError(c, errInternal)
		}
	}
}
