package twipla

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Subscription statuses ("canceled" with one l, as TWIPLA spells it).
const (
	statusActive   = "active"
	statusCanceled = "canceled"
	statusInactive = "inactive"
)

// Subscription operations (§4.9, §4.10).
const (
	opUpgrade    = "upgrade"
	opDowngrade  = "downgrade"
	opCancel     = "cancel"
	opResume     = "resume"
	opDeactivate = "deactivate"
	opReactivate = "reactivate"
)

// subscription is a website's own subscription (website model) or a
// customer's account subscription (intpc model).
type subscription struct {
	seq         int64
	id          string
	typ         string // modelWebsite | modelINTPC
	customerSeq int64
	websiteSeq  sql.NullInt64
	status      string
	packageID   string
	createdAt   stamp
	expiresAt   stamp
	stpResetAt  stamp
	lastChange  nullStamp
	inTrial     bool
	hadTrial    bool
	planned     sql.NullString

	// Who it belongs to, for the wire.
	customerID     string
	intpCustomerID string
	websiteID      sql.NullString
	intpWebsiteID  sql.NullString

	// changed: fields differ from the stored row; countersReset: a
	// consumption period ended, so the governed websites' counters are 0.
	changed       bool
	countersReset bool
}

// subscriptionCols reads a subscription joined as s, its customer as c and
// its website (if any) as sw.
const subscriptionCols = `s.seq, s.id, s.type, s.customer_seq, s.website_seq, s.status, s.package_id,
	s.created_at, s.expires_at, s.stp_reset_at, s.last_package_change_at, s.in_trial, s.had_trial,
	s.planned_package_id, c.id, c.intp_customer_id, sw.id, sw.intp_website_id`

const subscriptionFrom = ` FROM twipla_subscriptions s
	JOIN twipla_customers c ON c.seq = s.customer_seq
	LEFT JOIN twipla_websites sw ON sw.seq = s.website_seq`

func (sub *subscription) dest() []any {
	return []any{&sub.seq, &sub.id, &sub.typ, &sub.customerSeq, &sub.websiteSeq, &sub.status, &sub.packageID,
		&sub.createdAt, &sub.expiresAt, &sub.stpResetAt, &sub.lastChange, &sub.inTrial, &sub.hadTrial,
		&sub.planned, &sub.customerID, &sub.intpCustomerID, &sub.websiteID, &sub.intpWebsiteID}
}

// newSubscription starts a subscription on p at start (§6.3): a UFT trial
// lasts 30 days, anything else one billing interval.
func newSubscription(typ string, customerSeq, websiteSeq int64, p *pkg, start, now time.Time, cat *catalog) *subscription {
	sub := &subscription{id: newUUID(), typ: typ, customerSeq: customerSeq, status: statusActive,
		createdAt: stamp{now}}
	if websiteSeq != 0 {
		sub.websiteSeq = sql.NullInt64{Int64: websiteSeq, Valid: true}
	}
	sub.setPackage(p, start, p.kind == kindUFT)
	sub.rollover(cat, now)
	return sub
}

// setPackage starts a new period on p at start.
func (sub *subscription) setPackage(p *pkg, start time.Time, trial bool) {
	sub.packageID = p.id
	if p.kind == kindUFT {
		sub.expiresAt = stamp{start.Add(trialLength)}
		sub.stpResetAt = sub.expiresAt
	} else {
		sub.expiresAt = stamp{addPeriod(start, p.period)}
		sub.stpResetAt = stamp{addMonths(start, 1)}
	}
	sub.inTrial = trial
	sub.hadTrial = sub.hadTrial || trial
	sub.planned = sql.NullString{}
	sub.changed, sub.countersReset = true, true
}

// rollover applies every period end up to now (§6.3): ended trials and
// cancellations move to free, planned downgrades take effect, counters reset.
// Inactive subscriptions stand still.
func (sub *subscription) rollover(cat *catalog, now time.Time) {
	if sub.status == statusInactive {
		return
	}
	for !sub.expiresAt.After(now) {
		boundary := sub.expiresAt.Time
		next := ""
		// (A chosen set without free has no trial and refuses
		// cancellations, so only planned downgrades happen there.)
		switch {
		case sub.status == statusCanceled && cat.free != nil:
			next, sub.status = cat.free.id, statusActive
		case cat.get(sub.packageID).kind == kindUFT && cat.free != nil:
			next = cat.free.id
		case sub.planned.Valid:
			next = sub.planned.String
		}
		if next != "" {
			sub.packageID, sub.lastChange = next, someStamp(boundary)
		}
		sub.planned, sub.inTrial = sql.NullString{}, false
		sub.expiresAt = stamp{addPeriod(boundary, cat.get(sub.packageID).period)}
		sub.stpResetAt = stamp{addMonths(boundary, 1)}
		sub.changed, sub.countersReset = true, true
	}
	for !sub.stpResetAt.After(now) {
		sub.stpResetAt = stamp{addMonths(sub.stpResetAt.Time, 1)}
		sub.changed, sub.countersReset = true, true
	}
}

func insertSubscription(s store.Scoped, sub *subscription) error {
	res, err := s.Exec(`INSERT INTO twipla_subscriptions (tenant_id, id, type, customer_seq, website_seq, status,
		package_id, created_at, expires_at, stp_reset_at, last_package_change_at, in_trial, had_trial, planned_package_id)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.id, sub.typ, sub.customerSeq, sub.websiteSeq, sub.status, sub.packageID, sub.createdAt, sub.expiresAt,
		sub.stpResetAt, sub.lastChange, sub.inTrial, sub.hadTrial, sub.planned)
	if err != nil {
		return err
	}
	sub.seq, err = res.LastInsertId()
	sub.changed, sub.countersReset = false, false
	return err
}

// save writes what rollover or an operation changed; when a consumption
// period ended, the counters of the websites it governs go back to 0.
func (sub *subscription) save(s store.Scoped) error {
	if sub.changed {
		_, err := s.Exec(`UPDATE twipla_subscriptions SET status = ?, package_id = ?, expires_at = ?, stp_reset_at = ?,
			last_package_change_at = ?, in_trial = ?, had_trial = ?, planned_package_id = ?
			WHERE tenant_id = @tenant AND seq = ?`,
			sub.status, sub.packageID, sub.expiresAt, sub.stpResetAt, sub.lastChange, sub.inTrial, sub.hadTrial,
			sub.planned, sub.seq)
		if err != nil {
			return err
		}
	}
	if sub.countersReset {
		var err error
		if sub.typ == modelWebsite {
			_, err = s.Exec(`UPDATE twipla_websites SET `+zeroCounters+` WHERE tenant_id = @tenant AND seq = ?`, sub.websiteSeq)
		} else {
			_, err = s.Exec(`UPDATE twipla_websites SET `+zeroCounters+` WHERE tenant_id = @tenant AND customer_seq = ?`, sub.customerSeq)
		}
		if err != nil {
			return err
		}
	}
	sub.changed, sub.countersReset = false, false
	return nil
}

// wire is the Subscription object.
func (sub *subscription) wire(in *intp, cat *catalog) wire.Object {
	p := cat.get(sub.packageID)
	var planned any
	if sub.planned.Valid {
		planned = sub.planned.String
	}
	return wire.Obj(
		"id", sub.id,
		"status", sub.status,
		"type", sub.typ,
		"packageId", sub.packageID,
		"packageName", p.name,
		"billingInterval", p.period,
		"websiteId", nullString(sub.websiteID),
		"intpWebsiteId", nullString(sub.intpWebsiteID),
		"intpcId", sub.customerID,
		"intpCustomerId", sub.intpCustomerID,
		"intpId", in.id,
		"createdAt", sub.createdAt.String(),
		"expiresAt", sub.expiresAt.String(),
		"stpResetAt", sub.stpResetAt.String(),
		"lastPackageChangeAt", sub.lastChange.wire(),
		"inTrial", sub.inTrial,
		"hadTrial", sub.hadTrial,
		"plannedDowngradePackageId", planned,
	)
}

// nullString is a nullable text column's wire form.
func nullString(n sql.NullString) any {
	if !n.Valid {
		return nil
	}
	return n.String
}

// websiteSubscription serves /v3/3as/website-subscriptions/{op} and the
// legacy /v2/3as/notifications/subscriptions/{op}.
func (e *Emulator) websiteSubscription(op string) intpHandler {
	return func(c *gin.Context, in *intp) (reply, error) {
		if !in.websiteModel() {
			return reply{}, badRequest("website subscriptions are not available for intpc subscription type")
		}
		return e.subscriptionOp(c, in, op, "intpWebsiteId")
	}
}

// accountSubscription serves /v3/3as/intpc-subscriptions/{op}.
func (e *Emulator) accountSubscription(op string) intpHandler {
	return func(c *gin.Context, in *intp) (reply, error) {
		if in.websiteModel() {
			return reply{}, badRequest("intpc subscriptions are not available for website subscription type")
		}
		return e.subscriptionOp(c, in, op, "intpcId")
	}
}

// move is a validated subscription-operation body.
type move struct {
	op        string
	target    string // intpWebsiteId or intpcId
	packageID string
	trial     bool
}

func readMove(f fields, op, targetField string) (*move, error) {
	m := &move{op: op}
	var err error
	if m.target, err = f.id(targetField); err != nil {
		return nil, err
	}
	switch op {
	case opUpgrade, opDowngrade, opReactivate:
		if m.packageID, err = f.str("packageId"); err != nil {
			return nil, err
		}
	}
	switch op {
	case opUpgrade, opReactivate:
		if m.trial, err = f.boolean("trial", false); err != nil {
			return nil, err
		}
	}
	if op == opUpgrade {
		if _, err = f.boolean("proRate", false); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// subscriptionOp runs one operation on a website's (targetField
// "intpWebsiteId") or a customer's ("intpcId") subscription.
func (e *Emulator) subscriptionOp(c *gin.Context, in *intp, op, targetField string) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	m, err := readMove(f, op, targetField)
	if err != nil {
		return reply{}, err
	}
	var out wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		cat, err := loadCatalog(s)
		if err != nil {
			return err
		}
		sub, to, err := findSubscription(s, in, m.target)
		if err != nil {
			return err
		}
		now := nowSecond(s.Now())
		sub.rollover(cat, now)
		var target *pkg
		if m.packageID != "" {
			if target, err = cat.find(m.packageID); err != nil {
				return err
			}
		}
		before := sub.wire(in, cat)
		if err := applyMove(s, sub, cat, m, target, to, now, e.moveStatus(in)); err != nil {
			return err
		}
		if op == opDeactivate {
			out = before
			if sub.typ == modelINTPC {
				return removeCustomer(s, sub.customerSeq)
			}
		} else {
			out = sub.wire(in, cat)
		}
		return sub.save(s)
	})
	return ok(out), err
}

// findSubscription loads the subscription an operation targets: the
// website's own (website model) or the customer's account subscription.
func findSubscription(s store.Scoped, in *intp, target string) (*subscription, audience, error) {
	if in.websiteModel() {
		w, err := findWebsite(s, ` AND w.intp_website_id = ?`, target)
		if err != nil {
			return nil, audience{}, err
		}
		return &w.sub, audience{website: w.seq, owner: w.customerSeq}, nil
	}
	sub := &subscription{}
	err := s.QueryRow(`SELECT `+subscriptionCols+subscriptionFrom+`
		WHERE s.tenant_id = @tenant AND s.type = 'intpc' AND c.intp_customer_id = ?`, target).Scan(sub.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, audience{}, notFound(objCustomer)
	}
	return sub, audience{customer: sub.customerSeq}, err
}

// moveStatus is the HTTP status of an invalid move for in (§0): the INTP's
// own moveErrors, else the emulator's setting, else 500 as the real API
// answers today.
func (e *Emulator) moveStatus(in *intp) int {
	switch {
	case in.moveErrors != 0:
		return in.moveErrors
	case e.cfg.MoveErrors != 0:
		return e.cfg.MoveErrors
	}
	return http.StatusInternalServerError
}

// applyMove checks an operation against the subscription's state (§4.9,
// §4.10, §6.2) and applies it. The invalid moves of §0 answer moveStatus;
// every other refusal is a 400.
func applyMove(s store.Scoped, sub *subscription, cat *catalog, m *move, target *pkg, to audience, now time.Time,
	moveStatus int) error {
	if m.op == opReactivate {
		if sub.status != statusInactive {
			return badRequest("only inactive subscriptions can be reactivated")
		}
	} else if sub.status == statusInactive {
		return badRequest("subscription is inactive")
	}
	if m.op == opUpgrade && sub.typ == modelINTPC && sub.status == statusCanceled {
		return badRequest("canceled account subscriptions must be resumed before upgrading")
	}
	if m.op == opDowngrade && sub.status == statusCanceled {
		return badRequest("subscription is canceled; resume it first")
	}
	if target != nil {
		if err := checkTarget(s, target, to); err != nil {
			return err
		}
	}
	current := cat.get(sub.packageID)
	switch m.op {
	case opUpgrade:
		if target.rank() <= current.rank() {
			return moveError(moveStatus, "upgrade requires a package with more touchpoints than the current one")
		}
		sub.setPackage(target, now, m.trial)
		sub.status, sub.lastChange = statusActive, someStamp(now)
	case opDowngrade:
		if target.rank() >= current.rank() {
			return moveError(moveStatus, "downgrade requires a package with fewer touchpoints than the current one")
		}
		sub.planned = sql.NullString{String: target.id, Valid: true}
	case opCancel:
		if sub.status == statusCanceled {
			return badRequest("subscription is already canceled")
		}
		if current.kind == kindFree {
			return badRequest("subscription is on the free package")
		}
		if cat.free == nil {
			return badRequest("subscription cannot be canceled: the INTP's package set has no %s package", freeName)
		}
		sub.status, sub.planned = statusCanceled, sql.NullString{String: cat.free.id, Valid: true}
	case opResume:
		if sub.status != statusCanceled {
			return moveError(moveStatus, "only canceled subscriptions can be resumed")
		}
		sub.status, sub.planned = statusActive, sql.NullString{}
	case opDeactivate:
		sub.status = statusInactive
	case opReactivate:
		if target.id != sub.packageID {
			sub.lastChange = someStamp(now)
		}
		sub.setPackage(target, now, m.trial)
		sub.status = statusActive
	}
	sub.changed = true
	return nil
}

// checkTarget refuses the trial package and restricted packages not assigned to the
// subscription's website or customer.
func checkTarget(s store.Scoped, target *pkg, to audience) error {
	if target.kind == kindUFT {
		return badRequest("the %s package cannot be chosen", trialName)
	}
	if !target.restricted() {
		return nil
	}
	as, err := loadAssignments(s)
	if err != nil {
		return err
	}
	if !as.available(target, to) {
		return errNotAvailable()
	}
	return nil
}
