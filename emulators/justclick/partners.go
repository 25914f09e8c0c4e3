package justclick

import (
	"time"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// dateLayout is how partner statistics days are written (YYYY-MM-DD).
const dateLayout = "2006-01-02"

// partnerExists reports whether the account has the partner.
func partnerExists(s store.Scoped, partner string) bool {
	return count(s, `SELECT count(*) FROM justclick_partner WHERE tenant_id = @tenant AND partner = ?`, partner) > 0
}

// getPartnerStats is GetPartnerStats (§4.20): the partner's statistics
// summed over [date_from, date_to]; strings when a day matched, number
// zeros when none did.
func getPartnerStats(r *request) answer {
	partner, sent := r.lookup("partner")
	if _, present := r.fields.Get("partner"); !present {
		return errNoData
	}
	if !sent || !partnerExists(r.s, partner) {
		return errNoPartner
	}
	cond, args := ``, []any{partner}
	if from, ok := day(r.str("date_from")); ok {
		cond, args = cond+` AND date >= ?`, append(args, from)
	}
	if to, ok := day(r.str("date_to")); ok {
		cond, args = cond+` AND date <= ?`, append(args, to)
	}
	var days, clicks, leads, bills, earned, topay, partners int64
	must(r.s.QueryRow(`SELECT count(*), coalesce(sum(clicks), 0), coalesce(sum(leads), 0), coalesce(sum(bills), 0),
		coalesce(sum(earned_cents), 0), coalesce(sum(topay_cents), 0), coalesce(sum(partners), 0)
		FROM justclick_partner_day WHERE tenant_id = @tenant AND partner = ?`+cond, args...).
		Scan(&days, &clicks, &leads, &bills, &earned, &topay, &partners))
	if days == 0 {
		return answerOK.with(wire.Obj("earned_total", 0, "topay_total", 0, "clicks_total", 0,
			"leads_total", 0, "bills_total", 0, "partners_total", 0))
	}
	return answerOK.with(wire.Obj("earned_total", money(earned), "topay_total", money(topay),
		"clicks_total", itoa(clicks), "leads_total", itoa(leads), "bills_total", itoa(bills),
		"partners_total", itoa(partners)))
}

// day normalises a YYYY-MM-DD date; anything else is no bound.
func day(s string) (string, bool) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return "", false
	}
	return t.Format(dateLayout), true
}

// getActiveDomainsList is GetActiveDomainsList (§4.19).
func getActiveDomainsList(r *request) answer {
	domains := accountDomains(r.s)
	if len(domains) == 0 {
		return errNoDomains
	}
	return answerOK.with(domains)
}

// accountDomains lists the account's domains in order.
func accountDomains(s store.Scoped) []string {
	rows, err := s.Query(`SELECT domain FROM justclick_domain WHERE tenant_id = @tenant ORDER BY position`)
	must(err)
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var d string
		must(rows.Scan(&d))
		out = append(out, d)
	}
	must(rows.Err())
	return out
}
