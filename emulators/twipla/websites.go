package twipla

import (
	"database/sql"
	"errors"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// counters are the names of the seven touchpoint counters, in wire order,
// with their columns.
var counters = [...]struct{ name, column string }{
	{"Visit", "consumed_visit"},
	{"VisitEvent", "consumed_visit_event"},
	{"SessionRecording", "consumed_session_recording"},
	{"HeatmapIncrement", "consumed_heatmap_increment"},
	{"PollAnswer", "consumed_poll_answer"},
	{"SurveyAnswer", "consumed_survey_answer"},
	{"FunnelMatch", "consumed_funnel_match"},
}

// zeroCounters is the SET clause that empties every counter.
const zeroCounters = `consumed_visit = 0, consumed_visit_event = 0, consumed_session_recording = 0,
	consumed_heatmap_increment = 0, consumed_poll_answer = 0, consumed_survey_answer = 0, consumed_funnel_match = 0`

// stpRate is the touchpoint rate of every counter.
const stpRate = 1

// website is a website with its owner and the subscription that governs it.
type website struct {
	sub            subscription
	seq            int64
	id             string
	intpWebsiteID  string
	domain         string
	createdAt      stamp
	customerSeq    int64
	intpCustomerID string
	visaCustomerID string
	consumed       [len(counters)]int64
}

// websiteSelect reads websites (w) with their owner (oc) and governing
// subscription: their own (website model) or their owner's (intpc model).
const websiteSelect = `SELECT ` + subscriptionCols + `, w.seq, w.id, w.intp_website_id, w.domain, w.created_at,
	w.customer_seq, oc.intp_customer_id, oc.visa_id, w.consumed_visit, w.consumed_visit_event,
	w.consumed_session_recording, w.consumed_heatmap_increment, w.consumed_poll_answer, w.consumed_survey_answer,
	w.consumed_funnel_match
	FROM twipla_websites w
	JOIN twipla_customers oc ON oc.seq = w.customer_seq
	JOIN twipla_subscriptions s ON (s.type = 'website' AND s.website_seq = w.seq)
		OR (s.type = 'intpc' AND s.customer_seq = w.customer_seq)
	JOIN twipla_customers c ON c.seq = s.customer_seq
	LEFT JOIN twipla_websites sw ON sw.seq = s.website_seq
	WHERE w.tenant_id = @tenant`

func (w *website) dest() []any {
	d := append(w.sub.dest(), &w.seq, &w.id, &w.intpWebsiteID, &w.domain, &w.createdAt, &w.customerSeq,
		&w.intpCustomerID, &w.visaCustomerID)
	for i := range w.consumed {
		d = append(d, &w.consumed[i])
	}
	return d
}

// queryWebsites loads the websites matching cond (" AND …"), in creation
// order, then tail (" LIMIT ? OFFSET ?" or "").
func queryWebsites(s store.Scoped, cond, tail string, args ...any) ([]*website, error) {
	rows, err := s.Query(websiteSelect+cond+` ORDER BY w.seq`+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*website
	for rows.Next() {
		w := &website{}
		if err := rows.Scan(w.dest()...); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// findWebsite is the one website matching cond, or 404 website.
func findWebsite(s store.Scoped, cond string, args ...any) (*website, error) {
	ws, err := queryWebsites(s, cond, ` LIMIT 1`, args...)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, notFound(objWebsite)
	}
	return ws[0], nil
}

// roll brings the website's subscription up to now (§6.3).
func (w *website) roll(cat *catalog, now time.Time) {
	w.sub.rollover(cat, now)
	if w.sub.countersReset {
		w.consumed = [len(counters)]int64{}
	}
}

// wire is the Website object.
func (w *website) wire(in *intp, cat *catalog) wire.Object {
	p := cat.get(w.sub.packageID)
	var plannedID, plannedName, plannedPeriod any
	if w.sub.planned.Valid {
		pp := cat.get(w.sub.planned.String)
		plannedID, plannedName, plannedPeriod = pp.id, pp.name, pp.period
	}
	return wire.Obj(
		"id", w.id,
		"status", w.sub.status,
		"intpId", in.id,
		"intpWebsiteId", w.intpWebsiteID,
		"intpCustomerId", w.intpCustomerID,
		"visaCustomerId", w.visaCustomerID,
		"visaTrackingCode", trackingCode(w.id, ""),
		"visaMaxPrivacyModeTrackingCode", trackingCode(w.id, "&maxPrivacy=1"),
		"domain", w.domain,
		"packageId", p.id,
		"packageName", p.name,
		"billingInterval", p.period,
		"billingMode", in.billingMode,
		"subscriptionType", in.subscriptionType,
		"lastPackageChangeAt", w.sub.lastChange.wire(),
		"plannedDowngradePackageId", plannedID,
		"plannedDowngradePackageName", plannedName,
		"plannedDowngradeBillingInterval", plannedPeriod,
		"plannedDowngradePackageInterval", plannedPeriod,
		"inTrial", w.sub.inTrial,
		"hadTrial", w.sub.hadTrial,
		"createdAt", w.createdAt.String(),
		"expiresAt", w.sub.expiresAt.String(),
		"stpResetAt", w.sub.stpResetAt.String(),
		"consumption", w.consumption(in, p),
	)
}

func trackingCode(id, extra string) string {
	return `<script async src="https://cdn.visitor-analytics.io/tracker.js?websiteId=` + id + extra + `"></script>`
}

// consumption is the touchpoint counters object.
func (w *website) consumption(in *intp, p *pkg) wire.Object {
	limit := int64(-1)
	if in.websiteModel() {
		limit = p.touchpoints
	}
	var total int64
	for _, n := range w.consumed {
		total += n
	}
	o := wire.Obj("stpLimit", limit, "stpConsumed", total)
	for i, ctr := range counters {
		o = append(o, wire.Field{Key: "stpRate" + ctr.name, Value: stpRate},
			wire.Field{Key: "stpConsumed" + ctr.name, Value: w.consumed[i]})
	}
	return o
}

// websiteRef is the little of a website that scoped sub-resources need.
type websiteRef struct {
	seq            int64
	id             string
	customerSeq    int64
	intpWebsiteID  string
	intpCustomerID string
	ownerEmail     string
}

// findWebsiteRef is the website an intpWebsiteId names, or 404 website.
func findWebsiteRef(s store.Scoped, intpWebsiteID string) (*websiteRef, error) {
	w := &websiteRef{}
	err := s.QueryRow(`SELECT w.seq, w.id, w.customer_seq, w.intp_website_id, c.intp_customer_id, c.email
		FROM twipla_websites w JOIN twipla_customers c ON c.seq = w.customer_seq
		WHERE w.tenant_id = @tenant AND w.intp_website_id = ?`, intpWebsiteID).
		Scan(&w.seq, &w.id, &w.customerSeq, &w.intpWebsiteID, &w.intpCustomerID, &w.ownerEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(objWebsite)
	}
	return w, err
}

// websiteInput is a validated new website.
type websiteInput struct {
	intpWebsiteID string
	domain        string
	packageID     *string    // website model: the package named, nil for the default
	defaultKind   string     // kindUFT or kindFree: the package when none is named
	packageField  string     // the member that names the package, for messages
	start         *time.Time // website model: start of the first period
	privacyLevel  int64
}

// checkNewWebsite refuses an intpWebsiteId already taken (inactive ones too).
func checkNewWebsite(s store.Scoped, intpWebsiteID string) error {
	taken, err := exists(s, `SELECT 1 FROM twipla_websites WHERE tenant_id = @tenant AND intp_website_id = ?`, intpWebsiteID)
	if err != nil || taken {
		return orAnswer(err, badRequest("website already exists"))
	}
	return nil
}

// insertWebsite stores a website of the customer ownerSeq and, in the
// website model, its subscription on p. It answers the website as loaded.
func insertWebsite(s store.Scoped, in *intp, cat *catalog, ownerSeq int64, wi *websiteInput, p *pkg) (*website, error) {
	now := nowSecond(s.Now())
	res, err := s.Exec(`INSERT INTO twipla_websites (tenant_id, id, customer_seq, intp_website_id, domain, privacy_level, created_at)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?)`, newUUID(), ownerSeq, wi.intpWebsiteID, wi.domain, wi.privacyLevel, stamp{now})
	if err != nil {
		return nil, err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	if in.websiteModel() {
		sub := newSubscription(modelWebsite, ownerSeq, seq, p, startOf(wi.start, now), now, cat)
		if err := insertSubscription(s, sub); err != nil {
			return nil, err
		}
	}
	w, err := findWebsite(s, ` AND w.seq = ?`, seq)
	if err != nil {
		return nil, err
	}
	w.roll(cat, now)
	return w, w.sub.save(s)
}

// addWebsite creates a website for an existing customer: the checks of
// §4.3 in order (customer and package 404, then duplicate and availability
// 400), then the insert.
func addWebsite(s store.Scoped, in *intp, intpCustomerID string, wi *websiteInput) (*website, *catalog, error) {
	cat, err := loadCatalog(s)
	if err != nil {
		return nil, nil, err
	}
	owner, err := findCustomer(s, intpCustomerID)
	if err != nil {
		return nil, nil, err
	}
	var p *pkg
	if in.websiteModel() {
		if p, err = choosePackage(cat, wi.packageID, wi.defaultKind, wi.packageField); err != nil {
			return nil, nil, err
		}
	}
	if err := checkNewWebsite(s, wi.intpWebsiteID); err != nil {
		return nil, nil, err
	}
	if p != nil && p.restricted() {
		return nil, nil, errNotAvailable()
	}
	w, err := insertWebsite(s, in, cat, owner.seq, wi, p)
	return w, cat, err
}

// createWebsiteV2 is POST /v2/3as/websites → 201 with the website.
func (e *Emulator) createWebsiteV2(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	wi := &websiteInput{defaultKind: kindUFT, packageField: "packageId"}
	if wi.intpWebsiteID, err = f.id("intpWebsiteId"); err != nil {
		return reply{}, err
	}
	owner, err := f.id("intpCustomerId")
	if err != nil {
		return reply{}, err
	}
	if wi.domain, err = f.domain("domain", false); err != nil {
		return reply{}, err
	}
	if wi.packageID, err = f.packageID("packageId"); err != nil {
		return reply{}, err
	}
	if wi.packageID != nil && !in.websiteModel() {
		return reply{}, badRequest("packageId is only accepted for website subscriptions")
	}
	if in.websiteModel() {
		if wi.start, err = optTime(f, "billingDate"); err != nil {
			return reply{}, err
		}
	}
	var out wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		w, cat, err := addWebsite(tx.Scope(in.tenant), in, owner, wi)
		if err == nil {
			out = w.wire(in, cat)
		}
		return err
	})
	return created(out), err
}

// createWebsiteV3 is POST /v3/3as/websites → 204.
func (e *Emulator) createWebsiteV3(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	wi, owner, err := readWebsiteV3(f, in)
	if err != nil {
		return reply{}, err
	}
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		_, _, err := addWebsite(tx.Scope(in.tenant), in, owner, wi)
		return err
	})
	return noContent(), err
}

// readWebsiteV3 validates a v3 website-create body; it answers the website
// and its owner's intpCustomerId.
func readWebsiteV3(f fields, in *intp) (*websiteInput, string, error) {
	wf, has, err := f.object("website")
	if err != nil {
		return nil, "", err
	}
	if !has {
		return nil, "", f.required("website")
	}
	wi := &websiteInput{defaultKind: kindFree, packageField: wf.name("package")}
	if wi.intpWebsiteID, err = wf.id("id"); err != nil {
		return nil, "", err
	}
	if wi.domain, err = wf.domain("domain", false); err != nil {
		return nil, "", err
	}
	pf, hasPackage, err := wf.object("package")
	if err != nil {
		return nil, "", err
	}
	if hasPackage {
		if _, has := pf.get("id"); !has {
			return nil, "", pf.required("id")
		}
		if wi.packageID, err = pf.packageID("id"); err != nil {
			return nil, "", err
		}
		// A package whose id is "" counts as no package (§0); its
		// billingDate still starts the first period.
		hasPackage = wi.packageID != nil
		if wi.start, err = optTime(pf, "billingDate"); err != nil {
			return nil, "", err
		}
	}
	level, has, err := wf.integer("privacyLevel")
	if err != nil {
		return nil, "", err
	}
	if has && level < 0 {
		return nil, "", badRequest("website.privacyLevel must be 0 or greater")
	}
	wi.privacyLevel = level
	cf, has, err := f.object("intpc")
	if err != nil {
		return nil, "", err
	}
	if !has {
		return nil, "", f.required("intpc")
	}
	owner, err := cf.id("id")
	if err != nil {
		return nil, "", err
	}
	of, _, err := f.object("opts")
	if err != nil {
		return nil, "", err
	}
	uft, err := of.boolean("uft", false)
	if err != nil {
		return nil, "", err
	}
	if !in.websiteModel() {
		if hasPackage || uft {
			return nil, "", badRequest("package options are not accepted for intpc subscriptions")
		}
		wi.start = nil
	}
	if uft && !hasPackage {
		wi.defaultKind = kindUFT
	}
	return wi, owner, nil
}

// listWebsites is GET /v2/3as/websites?page=&pageSize=[&externalCustomerId=].
func (e *Emulator) listWebsites(c *gin.Context, in *intp) (reply, error) {
	p, err := requiredPaging(c)
	if err != nil {
		return reply{}, err
	}
	cond, args := "", []any{}
	if cid, has := c.GetQuery("externalCustomerId"); has {
		cond, args = ` AND oc.intp_customer_id = ?`, []any{cid}
	}
	var out []wire.Object
	var total int
	err = e.deps.Store.Read(c, func(tx *store.Tx) error {
		out = out[:0] // a read may run twice
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		if err := s.QueryRow(`SELECT count(*) FROM twipla_websites w JOIN twipla_customers oc ON oc.seq = w.customer_seq
			WHERE w.tenant_id = @tenant`+cond, args...).Scan(&total); err != nil {
			return err
		}
		ws, err := queryWebsites(s, cond, ` LIMIT ? OFFSET ?`, append(args, p.size, p.offset())...)
		if err != nil {
			return err
		}
		now := s.Now()
		for _, w := range ws {
			w.roll(cat, now)
			out = append(out, w.wire(in, cat))
		}
		return nil
	})
	return pagedReply(out, p, total), err
}

// getWebsite is GET /v2/3as/websites/{wid}.
func (e *Emulator) getWebsite(c *gin.Context, in *intp) (reply, error) {
	return e.showWebsite(c, in, ` AND w.intp_website_id = ?`, c.Param("wid"))
}

// getInternalWebsite is GET /v2/3as/internal/websites/{id}: by TWIPLA's id.
func (e *Emulator) getInternalWebsite(c *gin.Context, in *intp) (reply, error) {
	return e.showWebsite(c, in, ` AND w.id = ?`, c.Param("id"))
}

func (e *Emulator) showWebsite(c *gin.Context, in *intp, cond string, arg string) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		w, err := findWebsite(s, cond, arg)
		if err != nil {
			return err
		}
		w.roll(cat, s.Now())
		out = w.wire(in, cat)
		return nil
	})
	return ok(out), err
}

// deleteWebsite is DELETE /v2/3as/websites/{wid}: it answers the website as
// it was; its subscription, keys, domains, contributors, assignments and
// sessions go with it.
func (e *Emulator) deleteWebsite(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		w, err := findWebsite(s, ` AND w.intp_website_id = ?`, c.Param("wid"))
		if err != nil {
			return err
		}
		w.roll(cat, s.Now())
		out = w.wire(in, cat)
		_, err = s.Exec(`DELETE FROM twipla_websites WHERE tenant_id = @tenant AND seq = ?`, w.seq)
		return err
	})
	return ok(out), err
}
