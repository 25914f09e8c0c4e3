package twipla

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// customer is an INTPC: a customer of the INTP.
type customer struct {
	seq            int64
	id             string
	visaID         string
	intpCustomerID string
	email          string
	createdAt      stamp
}

const customerCols = `seq, id, visa_id, intp_customer_id, email, created_at`

func (cu *customer) dest() []any {
	return []any{&cu.seq, &cu.id, &cu.visaID, &cu.intpCustomerID, &cu.email, &cu.createdAt}
}

// wire is the Customer (INTPC) object.
func (cu *customer) wire(intpID string) wire.Object {
	return wire.Obj(
		"id", cu.id,
		"visaId", cu.visaID,
		"intpCustomerId", cu.intpCustomerID,
		"email", cu.email,
		"intpId", intpID,
		"createdAt", cu.createdAt.String(),
	)
}

// findCustomer is the customer an intpCustomerId names, or 404 customer.
func findCustomer(s store.Scoped, intpCustomerID string) (*customer, error) {
	cu := &customer{}
	err := s.QueryRow(`SELECT `+customerCols+` FROM twipla_customers WHERE tenant_id = @tenant AND intp_customer_id = ?`,
		intpCustomerID).Scan(cu.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(objCustomer)
	}
	return cu, err
}

// customerInput is a validated customer-create body.
type customerInput struct {
	intpCustomerID string
	email          string
	packageID      *string    // the account's package (intpc model)
	billingDate    *time.Time // the account's first period (intpc model)
	website        *websiteInput
}

// readCustomer validates a customer-create body (§4.2).
func readCustomer(f fields, in *intp) (*customerInput, error) {
	ci := &customerInput{}
	var err error
	if ci.intpCustomerID, err = f.id("intpCustomerId"); err != nil {
		return nil, err
	}
	if ci.email, err = f.email("email"); err != nil {
		return nil, err
	}
	if ci.packageID, err = f.packageID("packageId"); err != nil {
		return nil, err
	}
	if ci.packageID != nil && in.websiteModel() {
		return nil, badRequest("packageId is only accepted for intpc subscriptions; use website.packageId")
	}
	if !in.websiteModel() {
		if ci.billingDate, err = optTime(f, "billingDate"); err != nil {
			return nil, err
		}
	}
	wf, has, err := f.object("website")
	if err != nil || !has || emptyWebsite(wf) {
		return ci, err
	}
	ci.website = &websiteInput{defaultKind: kindUFT, packageField: wf.name("packageId")}
	if ci.website.intpWebsiteID, err = wf.id("intpWebsiteId"); err != nil {
		return nil, err
	}
	if ci.website.domain, err = wf.domain("domain", false); err != nil {
		return nil, err
	}
	if ci.website.packageID, err = wf.packageID("packageId"); err != nil {
		return nil, err
	}
	if ci.website.packageID != nil && !in.websiteModel() {
		return nil, badRequest("website.packageId is only accepted for website subscriptions; use packageId")
	}
	if in.websiteModel() {
		if ci.website.start, err = optTime(wf, "billingDate"); err != nil {
			return nil, err
		}
	}
	return ci, nil
}

// emptyWebsite reports whether a website object has neither an id nor a
// domain (the Go SDK always sends the object).
func emptyWebsite(f fields) bool {
	for _, k := range []string{"intpWebsiteId", "domain"} {
		if v, ok := f.get(k); ok && v != "" {
			return false
		}
	}
	return true
}

// optTime is fields.time as a pointer (nil when absent).
func optTime(f fields, k string) (*time.Time, error) {
	t, has, err := f.time(k)
	if err != nil || !has {
		return nil, err
	}
	return &t, nil
}

// createCustomer is POST /v2/3as/customers.
func (e *Emulator) createCustomer(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	ci, err := readCustomer(f, in)
	if err != nil {
		return reply{}, err
	}
	var out wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		// Packages are chosen only for an intpc account or a website: a
		// website-model customer alone needs no catalog.
		var cat *catalog
		if !in.websiteModel() || ci.website != nil {
			if cat, err = loadCatalog(s); err != nil {
				return err
			}
		}
		cu, w, err := insertCustomer(s, in, cat, ci)
		if err != nil {
			return err
		}
		var site any
		if w != nil {
			site = w.wire(in, cat)
		}
		out = cu.wire(in.id).Set("website", site)
		return nil
	})
	return created(out), err
}

// insertCustomer creates a customer, its account subscription (intpc
// model) and its first website, in the §4 order of checks: packages (404),
// then duplicates and package availability (400). cat may be nil for a
// website-model customer without a website.
func insertCustomer(s store.Scoped, in *intp, cat *catalog, ci *customerInput) (*customer, *website, error) {
	now := nowSecond(s.Now())
	var account, sitePkg *pkg
	var err error
	if !in.websiteModel() {
		if account, err = choosePackage(cat, ci.packageID, kindUFT, "packageId"); err != nil {
			return nil, nil, err
		}
	}
	if ci.website != nil && in.websiteModel() {
		if sitePkg, err = choosePackage(cat, ci.website.packageID, ci.website.defaultKind, ci.website.packageField); err != nil {
			return nil, nil, err
		}
	}
	// The customer row goes in where its duplicates are checked (before
	// the website's, and package availability): its UNIQUE constraints
	// check them, and only a refused row pays for the query that tells
	// which one it broke. A later refusal rolls the row back with the
	// write.
	cu := &customer{id: newUUID(), visaID: newUUID(), intpCustomerID: ci.intpCustomerID, email: ci.email,
		createdAt: stamp{now}}
	res, err := s.Exec(`INSERT INTO twipla_customers (tenant_id, id, visa_id, intp_customer_id, email, email_key, created_at)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?)`, cu.id, cu.visaID, cu.intpCustomerID, cu.email, strings.ToLower(cu.email), cu.createdAt)
	if store.IsUniqueViolation(err) {
		if cerr := checkNewCustomer(s, ci.intpCustomerID, ci.email); cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if cu.seq, err = res.LastInsertId(); err != nil {
		return nil, nil, err
	}
	if ci.website != nil {
		if err := checkNewWebsite(s, ci.website.intpWebsiteID); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range []*pkg{account, sitePkg} {
		if p != nil && p.restricted() {
			return nil, nil, errNotAvailable()
		}
	}
	if account != nil {
		sub := newSubscription(modelINTPC, cu.seq, 0, account, startOf(ci.billingDate, now), now, cat)
		if err := insertSubscription(s, sub); err != nil {
			return nil, nil, err
		}
	}
	if ci.website == nil {
		return cu, nil, nil
	}
	w, err := insertWebsite(s, in, cat, cu.seq, ci.website, sitePkg)
	return cu, w, err
}

// checkNewCustomer refuses an intpCustomerId or email already taken (the
// id first, when both are), in one statement: NULL when neither is taken,
// 1 when the id is. insertCustomer asks once the row was refused.
func checkNewCustomer(s store.Scoped, intpCustomerID, email string) error {
	var idTaken sql.NullBool
	err := s.QueryRow(`SELECT max(intp_customer_id = ?) FROM twipla_customers
		WHERE tenant_id = @tenant AND (intp_customer_id = ? OR email_key = ?)`,
		intpCustomerID, intpCustomerID, strings.ToLower(email)).Scan(&idTaken)
	switch {
	case err != nil:
		return err
	case !idTaken.Valid:
		return nil
	case idTaken.Bool:
		return badRequest("customer already exists")
	}
	return badRequest("email already in use")
}

// exists reports whether a scoped query finds a row.
func exists(s store.Scoped, query string, args ...any) (bool, error) {
	var one int
	err := s.QueryRow(query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// choosePackage resolves the package of a new subscription: the one named
// (404 when unknown), or the default of the given kind. An INTP whose own
// set has no trial starts on free instead; one without free packages needs
// the package named in field.
func choosePackage(cat *catalog, id *string, defaultKind, field string) (*pkg, error) {
	switch {
	case id != nil:
		return cat.find(*id)
	case defaultKind == kindUFT && cat.uft != nil:
		return cat.uft, nil
	case cat.free != nil:
		return cat.free, nil
	}
	return nil, badRequest("%s is required: the INTP's package set has no %s package", field, freeName)
}

// errNotAvailable refuses a restricted package for a target it is not assigned to.
func errNotAvailable() error { return badRequest("package is not available for this target") }

// startOf is the start of a first period: the billing date, or now.
func startOf(billingDate *time.Time, now time.Time) time.Time {
	if billingDate != nil {
		return *billingDate
	}
	return now
}

// listCustomers is GET /v2/3as/customers?page=&pageSize=.
func (e *Emulator) listCustomers(c *gin.Context, in *intp) (reply, error) {
	p, err := requiredPaging(c)
	if err != nil {
		return reply{}, err
	}
	var out []wire.Object
	var total int
	err = e.deps.Store.Read(c, func(tx *store.Tx) error {
		out = out[:0] // a read may run twice
		s := tx.Scope(in.tenant)
		if err := s.QueryRow(`SELECT count(*) FROM twipla_customers WHERE tenant_id = @tenant`).Scan(&total); err != nil {
			return err
		}
		rows, err := s.Query(`SELECT `+customerCols+` FROM twipla_customers WHERE tenant_id = @tenant
			ORDER BY seq LIMIT ? OFFSET ?`, p.size, p.offset())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			cu := &customer{}
			if err := rows.Scan(cu.dest()...); err != nil {
				return err
			}
			out = append(out, cu.wire(in.id))
		}
		return rows.Err()
	})
	return pagedReply(out, p, total), err
}

// getCustomer is GET /v2/3as/customers/{cid}.
func (e *Emulator) getCustomer(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		cu, err := findCustomer(tx.Scope(in.tenant), c.Param("cid"))
		if err == nil {
			out = cu.wire(in.id)
		}
		return err
	})
	return ok(out), err
}

// deleteCustomer is DELETE /v2/3as/customers/{cid}: the customer and
// everything under it go (the foreign keys cascade).
func (e *Emulator) deleteCustomer(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cu, err := findCustomer(s, c.Param("cid"))
		if err != nil {
			return err
		}
		out = cu.wire(in.id)
		return removeCustomer(s, cu.seq)
	})
	return ok(out), err
}

// removeCustomer deletes a customer with its websites, subscriptions,
// keys, domains, contributions, assignments and sessions.
func removeCustomer(s store.Scoped, seq int64) error {
	_, err := s.Exec(`DELETE FROM twipla_customers WHERE tenant_id = @tenant AND seq = ?`, seq)
	return err
}
