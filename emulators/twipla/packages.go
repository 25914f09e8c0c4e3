package twipla

import (
	"database/sql"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Package kinds (internal), periods and visibilities.
const (
	kindFree = "free" // target of cancellations and of ended trials
	kindUFT  = "uft"  // the unlimited free trial
	kindPaid = "paid"

	periodMonthly = "monthly"
	periodYearly  = "yearly"

	visibilityPublic     = "public"
	visibilityRestricted = "restricted"
)

// Names that give a package of an INTP's chosen set its kind.
const (
	freeName  = "free"
	trialName = "unlimited_30_day_free_trial" // §0: was "UFT"
)

// defaultPackages is the package set an INTP starts with when it does not
// choose its own (§3), in order.
var defaultPackages = [...]struct {
	kind        string
	name        string
	touchpoints int64
	price       float64
	recommended bool
	visibility  string
}{
	{kindFree, freeName, 3000, 0, false, visibilityPublic},
	{kindUFT, trialName, -1, 0, false, visibilityPublic},
	{kindPaid, "Basic", 10000, 4.99, false, visibilityPublic},
	{kindPaid, "Pro", 100000, 12.99, true, visibilityPublic},
	{kindPaid, "Business", 1000000, 49.99, false, visibilityPublic},
	{kindPaid, "Custom", 5000000, 199, false, visibilityRestricted},
}

// pkg is a TWIPLA package (a pricing plan).
type pkg struct {
	seq         int64
	id          string
	kind        string
	name        string
	touchpoints int64
	price       float64
	currency    string
	period      string
	recommended bool
	visibility  string
	externalID  sql.NullString
	createdAt   stamp
}

// rank orders packages for upgrades and downgrades (§6.2).
func (p *pkg) rank() int64 {
	if p.kind == kindFree || p.kind == kindUFT {
		return 0
	}
	return p.touchpoints
}

func (p *pkg) restricted() bool { return p.visibility == visibilityRestricted }

// wire is the Package object, as an answer value.
func (p *pkg) wire(intpID string, restrictedTo []wire.Object) *wire.Builder {
	w := &wire.Builder{}
	p.write(w, intpID, restrictedTo)
	return w
}

// write writes the Package object: directly, field by field, as package
// lists are the longest answers a client reads most often.
func (p *pkg) write(w *wire.Builder, intpID string, restrictedTo []wire.Object) {
	k := &packageKeys
	w.BeginObject()
	w.KeyOf(k.id).String(p.id)
	w.KeyOf(k.name).String(p.name)
	w.KeyOf(k.touchpoints).Int(p.touchpoints)
	w.KeyOf(k.intpID).String(intpID)
	w.KeyOf(k.price).Float(p.price)
	w.KeyOf(k.currency).String(p.currency)
	w.KeyOf(k.period).String(p.period)
	w.KeyOf(k.recommended).Bool(p.recommended)
	w.KeyOf(k.createdAt).Time(p.createdAt.UTC(), timeLayout)
	w.KeyOf(k.visibility).String(p.visibility)
	w.KeyOf(k.restrictedTo).BeginArray()
	for _, o := range restrictedTo {
		w.Value(o)
	}
	w.EndArray()
	if p.externalID.Valid {
		w.KeyOf(k.externalID).String(p.externalID.String)
	} else {
		w.KeyOf(k.externalID).Null()
	}
	w.EndObject()
}

// packageKeys are the Package object's keys, written once (never changed).
var packageKeys = struct {
	id, name, touchpoints, intpID, price, currency, period, recommended, createdAt, visibility, restrictedTo,
	externalID wire.Key
}{
	wire.NewKey("id"), wire.NewKey("name"), wire.NewKey("touchpoints"), wire.NewKey("intpId"), wire.NewKey("price"),
	wire.NewKey("currency"), wire.NewKey("period"), wire.NewKey("recommended"), wire.NewKey("createdAt"),
	wire.NewKey("visibility"), wire.NewKey("restrictedTo"), wire.NewKey("externalId"),
}

// catalog is an INTP's packages, loaded once per request.
type catalog struct {
	list []*pkg
	// byID indexes list, made by the first lookup: a package list, the
	// most frequent reader, looks up none.
	byID map[string]*pkg
	free *pkg
	uft  *pkg
}

func loadCatalog(s store.Scoped) (*catalog, error) {
	rows, err := s.Query(`SELECT seq, id, kind, name, touchpoints, price, currency, period, recommended, visibility,
		external_id, created_at FROM twipla_packages WHERE tenant_id = @tenant ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cat := &catalog{}
	for rows.Next() {
		p := &pkg{}
		if err := rows.Scan(&p.seq, &p.id, &p.kind, &p.name, &p.touchpoints, &p.price, &p.currency, &p.period,
			&p.recommended, &p.visibility, &p.externalID, &p.createdAt); err != nil {
			return nil, err
		}
		cat.add(p)
	}
	return cat, rows.Err()
}

// add appends p to the catalog.
func (c *catalog) add(p *pkg) {
	c.list = append(c.list, p)
	c.byID = nil
	switch p.kind {
	case kindFree:
		c.free = p
	case kindUFT:
		c.uft = p
	}
}

// lookup is the package an id names.
func (c *catalog) lookup(id string) (*pkg, bool) {
	if c.byID == nil {
		c.byID = make(map[string]*pkg, len(c.list))
		for _, p := range c.list {
			c.byID[p.id] = p
		}
	}
	p, ok := c.byID[id]
	return p, ok
}

// find is the package an id names, or 404 package.
func (c *catalog) find(id string) (*pkg, error) {
	if p, ok := c.lookup(id); ok {
		return p, nil
	}
	return nil, notFound(objPackage)
}

// get is the package an id names (a subscription's package always exists:
// packages are never deleted).
func (c *catalog) get(id string) *pkg {
	if p, ok := c.lookup(id); ok {
		return p
	}
	return &pkg{id: id, kind: kindPaid, period: periodMonthly}
}

// insertPackage stores p as the INTP's next package.
func insertPackage(s store.Scoped, p *pkg) error {
	res, err := s.Exec(packageInserts.Text(1), p.values()...)
	if err != nil {
		return err
	}
	p.seq, err = res.LastInsertId()
	return err
}

// defaultSet is the default package set with the given ids.
func defaultSet(ids []string, createdAt stamp) []*pkg {
	set := make([]*pkg, len(defaultPackages))
	for i, d := range defaultPackages {
		set[i] = &pkg{id: ids[i], kind: d.kind, name: d.name, touchpoints: d.touchpoints, price: d.price,
			currency: "EUR", period: periodMonthly, recommended: d.recommended, visibility: d.visibility,
			createdAt: createdAt}
	}
	return set
}

// packageColumns are the columns a package is defined by, shared by
// twipla_packages and twipla_initial_packages.
const packageColumns = `tenant_id, id, kind, name, touchpoints, price, currency, period, recommended, visibility,
	external_id, created_at`

// packageInserts are the INSERTs of packages, packageColumns each.
var packageInserts = store.NewRowsInsert("twipla_packages", columnNames(packageColumns)[1:]...) // tenant_id aside

// values are p's packageColumns but tenant_id, in order.
func (p *pkg) values() []any {
	return []any{p.id, p.kind, p.name, p.touchpoints, p.price, p.currency, p.period, p.recommended, p.visibility,
		p.externalID, p.createdAt}
}

// insertPackageSet gives a new INTP its package set and keeps a copy that a
// tenant reset restores.
func insertPackageSet(s store.Scoped, set []*pkg) error {
	if len(set) == 0 {
		return nil
	}
	// Few statements for the set (and one for its copy): a statement costs
	// more than its rows, and a CI suite creates a tenant per test.
	for start := 0; start < len(set); start += store.InsertChunk {
		chunk := set[start:min(start+store.InsertChunk, len(set))]
		args := make([]any, 0, len(chunk)*packageInserts.Width())
		for _, p := range chunk {
			args = append(args, p.values()...)
		}
		res, err := s.Exec(packageInserts.Text(len(chunk)), args...)
		if err != nil {
			return err
		}
		// The rows took the seqs after the last one, in order (seq is the
		// rowid, and one statement inserts them one after another).
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for i, p := range chunk {
			p.seq = last - int64(len(chunk)-1-i)
		}
	}
	_, err := s.Exec(`INSERT INTO twipla_initial_packages (` + packageColumns + `) SELECT ` + packageColumns + `
		FROM twipla_packages WHERE tenant_id = @tenant ORDER BY seq`)
	return err
}

// restorePackageSet puts back the package set the INTP started with (its
// packages have been cleared).
func restorePackageSet(s store.Scoped) error {
	_, err := s.Exec(`INSERT INTO twipla_packages (` + packageColumns + `) SELECT ` + packageColumns + `
		FROM twipla_initial_packages WHERE tenant_id = @tenant ORDER BY seq`)
	return err
}

// readPackageSet reads the optional "packages" of a tenant body (§7.1): the
// INTP's whole package set, nil when absent. In a chosen set the package
// named free is the free package (target of cancellations and ended trials)
// and the one named unlimited_30_day_free_trial the 30-day trial, which
// alone may have touchpoints -1; each at most once, and the trial only
// beside a free package, where trials end.
func readPackageSet(f fields, createdAt stamp) ([]*pkg, error) {
	if _, has := f.get("packages"); !has {
		return nil, nil
	}
	entries, err := objects(f, "packages")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, badRequest("%s must list at least one package", f.name("packages"))
	}
	set := make([]*pkg, len(entries))
	ids := map[string]bool{}
	kinds := map[string]bool{}
	for i, pf := range entries {
		p, err := readPackageEntry(pf, true)
		if err != nil {
			return nil, err
		}
		if ids[p.id] {
			return nil, badRequest("%s %s is listed twice", pf.name("id"), p.id)
		}
		if p.kind != kindPaid && kinds[p.kind] {
			return nil, badRequest("%s %s is listed twice", pf.name("name"), p.name)
		}
		ids[p.id], kinds[p.kind] = true, true
		p.createdAt = createdAt
		if t, has, err := pf.time("createdAt"); err != nil {
			return nil, err
		} else if has {
			p.createdAt = stamp{t} // a dumped package keeps its own
		}
		set[i] = p
	}
	if kinds[kindUFT] && !kinds[kindFree] {
		return nil, badRequest("%s: a set with %s needs a package named %s, where trials end",
			f.name("packages"), trialName, freeName)
	}
	return set, nil
}

// readPackageEntry reads a package of a tenant body or a seed: a
// package-create body plus an optional "id" (UUID; default random) and
// "recommended". inSet gives the free and trial packages their kind by name.
func readPackageEntry(f fields, inSet bool) (*pkg, error) {
	kind := kindPaid
	if name, _, _ := f.optString("name"); inSet && name == freeName {
		kind = kindFree
	} else if inSet && name == trialName {
		kind = kindUFT
	}
	p, err := readPackageAs(f, kind)
	if err != nil {
		return nil, err
	}
	if p.recommended, err = f.boolean("recommended", false); err != nil {
		return nil, err
	}
	id, has, err := f.optString("id")
	if err != nil {
		return nil, err
	}
	if !has {
		id = newUUID()
	}
	if !isUUID(id) {
		return nil, badRequest("%s must be a UUID", f.name("id"))
	}
	p.id = id
	return p, nil
}

// assignment makes a restricted package available to a website (website
// model, customer = its owner) or a customer (intpc model, website = 0).
type assignment struct {
	packageSeq int64
	website    int64
	customer   int64
	entry      wire.Object // its restrictedTo entry
}

// audience is whom a package list or a package choice is for: a website
// (with its owner) and/or a customer. Zero fields are not set.
type audience struct {
	website  int64
	owner    int64
	customer int64
}

func (a assignment) reaches(to audience) bool {
	if to.website != 0 && (a.website == to.website || a.website == 0 && a.customer == to.owner) {
		return true
	}
	return to.customer != 0 && a.customer == to.customer
}

type assignments []assignment

// assignmentSubscription is the id of the subscription an assignment a
// belongs to (empty when none): its website's, or its customer's INTPC
// subscription when it is assigned to no website.
const assignmentSubscription = `COALESCE((SELECT sub.id FROM twipla_subscriptions sub WHERE
			(a.website_seq IS NOT NULL AND sub.type = 'website' AND sub.website_seq = a.website_seq) OR
			(a.website_seq IS NULL AND sub.type = 'intpc' AND sub.customer_seq = a.customer_seq)), '')`

func loadAssignments(s store.Scoped) (assignments, error) {
	rows, err := s.Query(`SELECT a.package_seq, COALESCE(a.website_seq, 0), a.customer_seq,
		` + assignmentSubscription + `,
		w.intp_website_id, c.intp_customer_id
		FROM twipla_assignments a
		JOIN twipla_customers c ON c.seq = a.customer_seq
		LEFT JOIN twipla_websites w ON w.seq = a.website_seq
		WHERE a.tenant_id = @tenant ORDER BY a.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out assignments
	for rows.Next() {
		var a assignment
		var subID, intpCustomerID string
		var intpWebsiteID sql.NullString
		if err := rows.Scan(&a.packageSeq, &a.website, &a.customer, &subID, &intpWebsiteID, &intpCustomerID); err != nil {
			return nil, err
		}
		a.entry = assignmentEntry(subID, intpWebsiteID, intpCustomerID)
		out = append(out, a)
	}
	return out, rows.Err()
}

// assignmentEntry is an assignment as a package's restrictedTo lists it;
// intpWebsiteId is null for an assignment to a customer alone.
func assignmentEntry(subID string, intpWebsiteID sql.NullString, intpCustomerID string) wire.Object {
	var wid any
	if intpWebsiteID.Valid {
		wid = intpWebsiteID.String
	}
	return wire.Obj("subscriptionId", subID, "intpWebsiteId", wid, "intpCustomerId", intpCustomerID)
}

// restrictedTo is the restrictedTo array of p.
func (as assignments) restrictedTo(p *pkg) []wire.Object {
	out := []wire.Object{}
	for _, a := range as {
		if a.packageSeq == p.seq {
			out = append(out, a.entry)
		}
	}
	return out
}

// available reports whether p can be chosen for the audience: public, or
// restricted and assigned to it.
func (as assignments) available(p *pkg, to audience) bool {
	if !p.restricted() {
		return true
	}
	for _, a := range as {
		if a.packageSeq == p.seq && a.reaches(to) {
			return true
		}
	}
	return false
}

// listPackages is GET /v2/3as/packages[?intpWebsiteId=…][&intpCustomerId=…].
func (e *Emulator) listPackages(c *gin.Context, in *intp) (reply, error) {
	wid, byWebsite := c.GetQuery("intpWebsiteId")
	cid, byCustomer := c.GetQuery("intpCustomerId")
	var (
		to  audience
		cat *catalog
		as  assignments
	)
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		to = audience{}
		if byWebsite {
			w, err := findWebsiteRef(s, wid)
			if err != nil {
				return err
			}
			to.website, to.owner = w.seq, w.customerSeq
		}
		if byCustomer {
			cu, err := findCustomer(s, cid)
			if err != nil {
				return err
			}
			to.customer = cu.seq
		}
		var err error
		cat, as, err = loadPackages(s)
		return err
	})
	if err != nil {
		return reply{}, err
	}
	// Written once the read has given its connection back, straight into
	// the answer.
	return ok(wire.Func(func(w *wire.Builder) {
		w.BeginArray()
		for _, p := range cat.list {
			if (byWebsite || byCustomer) && !as.available(p, to) {
				continue
			}
			p.write(w, in.id, as.restrictedTo(p))
		}
		w.EndArray()
	})), nil
}

// packagesQuery is loadPackages' statement. It reads the packages in seq
// order from the twipla_packages_tenant index and each one's assignments
// from twipla_assignments_tenant, without sorting (a test checks its plan).
const packagesQuery = `SELECT p.seq, p.id, p.kind, p.name, p.touchpoints, p.price, p.currency, p.period,
		p.recommended, p.visibility, p.external_id, p.created_at,
		a.seq, a.website_seq, a.customer_seq,
		CASE WHEN a.seq IS NULL THEN '' ELSE ` + assignmentSubscription + ` END,
		w.intp_website_id, c.intp_customer_id
		FROM twipla_packages p
		LEFT JOIN twipla_assignments a ON a.package_seq = p.seq AND a.tenant_id = p.tenant_id
		LEFT JOIN twipla_customers c ON c.seq = a.customer_seq
		LEFT JOIN twipla_websites w ON w.seq = a.website_seq
		WHERE p.tenant_id = @tenant ORDER BY p.seq, a.seq`

// loadPackages is loadCatalog and loadAssignments in one statement (each
// package with its assignments, if any), which a read runs alone, without a
// transaction (see store.Read). An assignment always has its customer
// (a foreign key), so the LEFT JOIN on customers only carries the NULLs of
// a package without assignments. It reads the driver's values directly
// (store.RawQuery): the package list is the answer TWIPLA clients read
// most, and database/sql's Scan of its 18 columns a row cost a fifth of it.
func loadPackages(s store.Scoped) (*catalog, assignments, error) {
	cat := &catalog{}
	var as assignments
	var last *pkg
	err := s.RawQuery(packagesQuery, nil, func(r *store.RawRow) error {
		if seq := r.Int64(0); last == nil || last.seq != seq {
			p := &pkg{seq: seq, id: r.Text(1), kind: r.Text(2), name: r.Text(3), touchpoints: r.Int64(4),
				price: r.Float64(5), currency: r.Text(6), period: r.Text(7), recommended: r.Bool(8),
				visibility: r.Text(9), externalID: r.NullText(10)}
			r.Scan(11, &p.createdAt)
			cat.add(p)
			last = p
		}
		if r.Null(12) {
			return nil
		}
		as = append(as, assignment{packageSeq: last.seq, website: r.NullInt64(13).Int64,
			customer: r.NullInt64(14).Int64,
			entry:    assignmentEntry(r.Text(15), r.NullText(16), r.NullText(17).String)})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return cat, as, nil
}

// getPackage is GET /v2/3as/packages/{pkg}.
func (e *Emulator) getPackage(c *gin.Context, in *intp) (reply, error) {
	var out *wire.Builder
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		var err error
		out, err = packageView(tx.Scope(in.tenant), in, c.Param("pkg"))
		return err
	})
	return ok(out), err
}

// packageView loads one package with its assignments as the wire shows it.
func packageView(s store.Scoped, in *intp, id string) (*wire.Builder, error) {
	cat, as, err := loadPackages(s)
	if err != nil {
		return nil, err
	}
	p, err := cat.find(id)
	if err != nil {
		return nil, err
	}
	return p.wire(in.id, as.restrictedTo(p)), nil
}

// createPackage is POST /v2/3as/packages.
func (e *Emulator) createPackage(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	p, err := readPackage(f)
	if err != nil {
		return reply{}, err
	}
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		p.id, p.createdAt = newUUID(), stamp{nowSecond(s.Now())}
		return insertPackage(s, p)
	})
	return created(p.wire(in.id, nil)), err
}

// readPackage validates a package-create body.
func readPackage(f fields) (*pkg, error) { return readPackageAs(f, kindPaid) }

// readPackageAs validates a package-create body for a package of the given
// kind: only the trial may be unlimited (touchpoints -1).
func readPackageAs(f fields, kind string) (*pkg, error) {
	p := &pkg{kind: kind, visibility: visibilityPublic}
	var err error
	if p.name, err = f.name255("name"); err != nil {
		return nil, err
	}
	tp, has, err := f.integer("touchpoints")
	switch {
	case err != nil:
		return nil, err
	case !has:
		return nil, f.required("touchpoints")
	case tp < 1 && !(kind == kindUFT && tp == -1):
		return nil, badRequest("%s must be 1 or greater", f.name("touchpoints"))
	}
	p.touchpoints = tp
	price, has, err := f.number("price")
	switch {
	case err != nil:
		return nil, err
	case !has:
		return nil, f.required("price")
	case price < 0:
		return nil, badRequest("%s must be 0 or greater", f.name("price"))
	}
	p.price = price
	if p.currency, err = f.oneOf("currency", "EUR", "USD", "RON"); err != nil {
		return nil, err
	}
	if p.period, err = f.oneOf("period", periodMonthly, periodYearly); err != nil {
		return nil, err
	}
	if _, has := f.get("visibility"); has {
		if p.visibility, err = f.oneOf("visibility", visibilityPublic, visibilityRestricted); err != nil {
			return nil, err
		}
	}
	ext, has, err := f.optString("externalId")
	if err != nil {
		return nil, err
	}
	p.externalID = sql.NullString{String: ext, Valid: has}
	return p, nil
}

// renamePackage is PATCH /v2/3as/packages/{pkg}: only the name changes.
func (e *Emulator) renamePackage(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	name, err := f.name255("name")
	if err != nil {
		return reply{}, err
	}
	var out *wire.Builder
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		p, err := cat.find(c.Param("pkg"))
		if err != nil {
			return err
		}
		if p.kind == kindUFT || p.recommended {
			return badRequest("this package cannot be updated")
		}
		if _, err := s.Exec(`UPDATE twipla_packages SET name = ? WHERE tenant_id = @tenant AND seq = ?`, name, p.seq); err != nil {
			return err
		}
		out, err = packageView(s, in, p.id)
		return err
	})
	return ok(out), err
}

// assignPackage is PUT /v3/3as/packages/{pkg}/assignments/{targetId}.
func (e *Emulator) assignPackage(c *gin.Context, in *intp) (reply, error) {
	return e.changeAssignment(c, in, true)
}

// unassignPackage is DELETE /v3/3as/packages/{pkg}/assignments/{targetId}.
func (e *Emulator) unassignPackage(c *gin.Context, in *intp) (reply, error) {
	return e.changeAssignment(c, in, false)
}

// changeAssignment adds or removes an assignment; both are idempotent.
func (e *Emulator) changeAssignment(c *gin.Context, in *intp, assign bool) (reply, error) {
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		p, err := cat.find(c.Param("pkg"))
		if err != nil {
			return err
		}
		var website sql.NullInt64
		var customer int64
		if in.websiteModel() {
			w, err := findWebsiteRef(s, c.Param("target"))
			if err != nil {
				return err
			}
			website, customer = sql.NullInt64{Int64: w.seq, Valid: true}, w.customerSeq
		} else {
			cu, err := findCustomer(s, c.Param("target"))
			if err != nil {
				return err
			}
			customer = cu.seq
		}
		var existing int64
		err = s.QueryRow(`SELECT count(*) FROM twipla_assignments WHERE tenant_id = @tenant AND package_seq = ?
			AND customer_seq = ? AND website_seq IS ?`, p.seq, customer, website).Scan(&existing)
		if err != nil {
			return err
		}
		switch {
		case !assign:
			_, err = s.Exec(`DELETE FROM twipla_assignments WHERE tenant_id = @tenant AND package_seq = ?
				AND customer_seq = ? AND website_seq IS ?`, p.seq, customer, website)
		case !p.restricted():
			return badRequest("only restricted packages can be assigned")
		case existing == 0:
			_, err = s.Exec(`INSERT INTO twipla_assignments (tenant_id, package_seq, customer_seq, website_seq)
				VALUES (@tenant, ?, ?, ?)`, p.seq, customer, website)
		}
		return err
	})
	return noContent(), err
}
