package twipla

import (
	"database/sql"
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Subscription models and billing modes of an INTP.
const (
	modelWebsite    = "website"
	modelINTPC      = "intpc"
	billingCompany  = "company_managed"
	billingPlatform = "platform_managed"
)

// intp is an integration partner: the tenant, its company details and the
// key its tokens verify with.
type intp struct {
	tenant            store.Tenant
	id                string
	name              string
	address           string
	subscriptionType  string
	billingMode       string
	websiteOnboarding bool
	createdAt         stamp
	publicKey         string // PEM, "" for the built-in test key
	moveErrors        int    // 400 or 500 for invalid moves; 0 follows Config.MoveErrors
}

// websiteModel reports whether subscriptions are per website (not per customer).
func (in *intp) websiteModel() bool { return in.subscriptionType == modelWebsite }

const intpSelect = `SELECT t.id, t.key, i.name, i.address, i.subscription_type, i.billing_mode,
	i.website_onboarding, i.created_at, i.public_key, COALESCE(i.move_errors, 0)
	FROM tenants t JOIN twipla_intps i ON i.tenant_id = t.id`

// findINTP loads the INTP an intpId names, or store.ErrNoTenant. The
// tenants table is not tenant data: the id is how a request names its tenant.
func findINTP(tx *store.Tx, intpID string) (*intp, error) {
	return scanINTP(tx.QueryRow(intpSelect+` WHERE t.vendor = ? AND t.key = ?`, Name, intpID))
}

func scanINTP(row interface{ Scan(...any) error }) (*intp, error) {
	in := &intp{}
	err := row.Scan(&in.tenant.ID, &in.id, &in.name, &in.address, &in.subscriptionType, &in.billingMode,
		&in.websiteOnboarding, &in.createdAt, &in.publicKey, &in.moveErrors)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNoTenant
	}
	if err != nil {
		return nil, err
	}
	in.tenant.Vendor, in.tenant.Key = Name, in.id
	return in, nil
}

// company is the company-details object.
func (in *intp) company() wire.Object {
	return wire.Obj(
		"id", in.id,
		"name", in.name,
		"address", in.address,
		"createdAt", in.createdAt.String(),
		"billingMode", in.billingMode,
		"subscriptionType", in.subscriptionType,
		"websiteOnboarding", in.websiteOnboarding,
	)
}

// companyDetails is GET /v2/3as/company-details.
func (e *Emulator) companyDetails(_ *gin.Context, in *intp) (reply, error) {
	return ok(in.company()), nil
}
