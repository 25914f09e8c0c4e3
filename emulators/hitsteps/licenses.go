package hitsteps

import (
	"time"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

const (
	day       = 86400 // seconds
	trialDays = 14
	// monthDays is how many days a purchased month lasts.
	monthDays = 30
	// sharePercent is Hitsteps' share of a purchase.
	sharePercent = 70
)

// durations are the licence lengths op 18 sells, in months.
var durations = map[int64]bool{1: true, 3: true, 6: true, 9: true, 12: true}

// ceilDays is seconds as whole days, rounded up.
func ceilDays(seconds int64) int64 {
	if seconds <= 0 {
		return 0
	}
	return (seconds + day - 1) / day
}

// licenseChange is what ops 18 and 19 report about a licence they set.
type licenseChange struct {
	msg        string
	converted  int
	oldCode    int64
	oldCents   int64
	oldDays    int64 // remaining days of the old licence
	newDays    int64
	shareCents int64
	plan       plan
	months     int64
	expiry     int64
}

// licenseAnswer is the answer of ops 18 and 19, keys in this order.
var licenseAnswer = succeeds(
	openapi.Field("msg", openapi.String().Strings("License activated", "License converted successfully")),
	openapi.Field("license_converted", openapi.Integer().Enum(0, 1)),
	openapi.Field("license_convert_old_plan", openapi.Integer()),
	openapi.Field("license_convert_new_plan", openapi.Integer()),
	openapi.Field("license_convert_old_price", openapi.Number()),
	openapi.Field("license_convert_new_price", openapi.Number()),
	openapi.Field("license_convert_old_price_days", openapi.Integer()),
	openapi.Field("license_convert_new_price_days", openapi.Integer()),
	openapi.Field("license_convert_total_days", openapi.Integer()),
	openapi.Field("hitsteps_share", openapi.Number()),
	openapi.Field("license_plan_id", openapi.Integer()),
	openapi.Field("license_plan_name", openapi.String()),
	openapi.Field("license_plan_months", openapi.Integer()),
	openapi.Field("license_expiry", openapi.Integer().Describe("unix seconds")),
	openapi.Field("license_expiry_processed", openapi.String().Format("date")),
)

// The licence calls, ops 16–19.
var (
	licenseTrialCall = call{
		summary: "Start the 14-day Starter trial (once per account, not over an active licence)",
		tag:     "licences",
		fields:  []field{{"user_account_id", idField, true, ""}},
		answer: succeeds(
			openapi.Field("expire", openapi.Integer().Describe("unix seconds, a number")),
			openapi.Field("msg", openapi.String().Const("Trial activated")),
		),
	}
	licenseFreeCall = call{
		summary: "Convert to the Free plan",
		tag:     "licences",
		fields:  []field{{"user_account_id", idField, true, ""}},
		answer:  succeeds(openapi.Field("msg", openapi.String().Const("Free account activated"))),
	}
	licensePurchaseCall = call{
		summary: "Purchase a licence, billed to the reseller",
		tag:     "licences",
		fields: []field{
			{"user_account_id", idField, true, ""},
			{"plan", signedField, true, "a paid plan: 0 Starter or 3 Pro"},
			{"duration", countField, true, "months: 1, 3, 6, 9 or 12"},
		},
		answer: licenseAnswer,
	}
	licenseConvertCall = call{
		summary: "Change plan pro rata, no fee",
		tag:     "licences",
		fields: []field{
			{"user_account_id", idField, true, ""},
			{"newplan", signedField, true, "0 Starter or 3 Pro"},
		},
		answer: licenseAnswer,
	}
)

func (l licenseChange) answer() wire.Object {
	return wire.Obj(
		"error", 0,
		"msg", l.msg,
		"license_converted", l.converted,
		"license_convert_old_plan", l.oldCode,
		"license_convert_new_plan", l.plan.ID,
		"license_convert_old_price", money(l.oldCents),
		"license_convert_new_price", money(l.plan.Cents),
		"license_convert_old_price_days", l.oldDays,
		"license_convert_new_price_days", l.newDays,
		"license_convert_total_days", l.newDays,
		"hitsteps_share", money(l.shareCents),
		"license_plan_id", l.plan.ID,
		"license_plan_name", l.plan.Name,
		"license_plan_months", l.months,
		"license_expiry", l.expiry,
		"license_expiry_processed", time.Unix(l.expiry, 0).UTC().Format("2006-01-02"),
	)
}

// startTrial is op 16, license-trial: 14 days of Starter, once per account,
// and not over an active licence.
func startTrial(r *request) (wire.Object, error) {
	a, err := r.accountField()
	if err != nil {
		return nil, err
	}
	if a.Trial || a.active(r.now) {
		return nil, errTrialNotAvailable
	}
	a.LicenseCode, a.LicenseExpiry, a.LicenseMonths, a.Trial = 0, r.unix()+trialDays*day, 0, true
	if err := r.setLicense(a); err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "expire", a.LicenseExpiry, "msg", "Trial activated"), nil
}

// convertToFree is op 17, license-free: always allowed.
func convertToFree(r *request) (wire.Object, error) {
	a, err := r.accountField()
	if err != nil {
		return nil, err
	}
	a.LicenseCode, a.LicenseExpiry, a.LicenseMonths = -1, 0, 0
	if err := r.setLicense(a); err != nil {
		return nil, err
	}
	return wire.Obj("error", 0, "msg", "Free account activated"), nil
}

// purchase is op 18, license-purchase: a new licence from now, billed to the
// reseller's ledger. Remaining days of an active licence are reported, not
// credited.
func purchase(r *request) (wire.Object, error) {
	id := r.id("user_account_id")
	p := r.paidPlan("plan")
	months := r.count("duration")
	r.check(durations[months], errInvalidDuration)
	if err := r.fields(); err != nil {
		return nil, err
	}
	a, err := r.account(id)
	if err != nil {
		return nil, err
	}
	now := r.unix()
	l := licenseChange{
		msg: "License activated", oldCode: a.LicenseCode, plan: p, months: months,
		newDays:    monthDays * months,
		shareCents: (p.Cents*months*sharePercent + 50) / 100,
	}
	if a.active(r.now) {
		l.oldCents, l.oldDays = monthlyCents(a.LicenseCode), ceilDays(a.LicenseExpiry-now)
	}
	l.expiry = now + l.newDays*day
	a.LicenseCode, a.LicenseExpiry, a.LicenseMonths = p.ID, l.expiry, months
	if err := r.setLicense(a); err != nil {
		return nil, err
	}
	if err := r.invoice(a, p, months, l.shareCents); err != nil {
		return nil, err
	}
	return l.answer(), nil
}

// convert is op 19, license-convert: the remaining days of the active
// licence re-expressed in days of the new plan, at no charge.
func convert(r *request) (wire.Object, error) {
	id := r.id("user_account_id")
	p := r.paidPlan("newplan")
	if err := r.fields(); err != nil {
		return nil, err
	}
	a, err := r.account(id)
	if err != nil {
		return nil, err
	}
	if !a.active(r.now) {
		return nil, errNoActiveLicense
	}
	if a.LicenseCode == p.ID {
		return nil, errAlreadyOnPlan
	}
	now := r.unix()
	l := licenseChange{
		msg: "License converted successfully", converted: 1, oldCode: a.LicenseCode, plan: p, months: a.LicenseMonths,
		oldCents: monthlyCents(a.LicenseCode), oldDays: ceilDays(a.LicenseExpiry - now),
	}
	l.newDays = l.oldDays * l.oldCents / p.Cents
	l.expiry = now + l.newDays*day
	a.LicenseCode, a.LicenseExpiry = p.ID, l.expiry
	if err := r.setLicense(a); err != nil {
		return nil, err
	}
	return l.answer(), nil
}

// paidPlan reads a plan field: a signed integer naming a paid plan, else
// error 10.
func (r *request) paidPlan(name string) plan {
	code := r.signed(name)
	p, ok := paidPlans[code]
	r.check(ok, errInvalidPlan)
	return p
}

// invoice adds a purchase to the reseller's ledger.
func (r *request) invoice(a account, p plan, months, cents int64) error {
	id, err := nextID(r.tx, seqInvoice)
	if err != nil {
		return err
	}
	_, err = r.scope.Exec(`INSERT INTO hitsteps_invoices (id, tenant_id, whitelabel_id, account_id, plan, months, amount_cents, created)
		VALUES (?, @tenant, ?, ?, ?, ?, ?, ?)`, id, a.WhitelabelID, a.ID, p.ID, months, cents, r.unix())
	return err
}
