package justclick

import (
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Subscription statuses, as the vendor names them.
const (
	statusWait                 = "STATUS_WAIT"
	statusSubscribe            = "STATUS_SUBSCRIBE"
	statusUnsubscribe          = "STATUS_UNSUBSCRIBE"
	statusUnsubscribeByService = "STATUS_UNSUBSCRIBE_BY_SERVICE"
	statusInvalidEmail         = "STATUS_INVALID_EMAIL"
)

// statuses are the valid subscription statuses.
var statuses = map[string]bool{
	statusWait: true, statusSubscribe: true, statusUnsubscribe: true,
	statusUnsubscribeByService: true, statusInvalidEmail: true,
}

// defaultLeadName is the name of a contact subscribed without one.
const defaultLeadName = "Дорогой друг"

// emailPattern is the vendor's e-mail check: unanchored, so it only has to
// occur somewhere in the (lower-cased) value.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9_.-]+@([A-Za-z0-9_-]+\.)+[A-Za-z0-9_-]{2,4}`)

// privilegedServices skip double opt-in and the IP limit.
var privilegedServices = map[string]bool{"justclick": true, "KursBesplatno": true}

// acceptedLeadFields are AddLeadToGroup fields stored with the subscription
// but never shown again.
var acceptedLeadFields = []string{"utm", "aff", "noaff", "doneurl2"}

// email is the lower-cased e-mail field name and whether it passes the
// vendor's e-mail check.
func (r *request) email(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = asciiLower(v)
	return v, ok && emailPattern.MatchString(v)
}

// contactID finds the account's contact with that (lower-cased) e-mail.
func contactID(s store.Scoped, email string) (int64, bool) {
	var id int64
	err := s.QueryRow(`SELECT id FROM justclick_contact WHERE tenant_id = @tenant AND email = ?`, email).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false
	}
	must(err)
	return id, true
}

// setSubscription writes the contact's status in a group, creating the row.
func setSubscription(s store.Scoped, contact, rassID int64, status string, at int64, extra string) error {
	_, err := s.Exec(`INSERT INTO justclick_subscription (tenant_id, contact_id, rass_id, status, subscription_time, extra)
		VALUES (@tenant, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, contact_id, rass_id) DO UPDATE SET
			status = excluded.status, subscription_time = excluded.subscription_time, extra = excluded.extra`,
		contact, rassID, status, at, extra)
	return err
}

// addLeadToGroup is AddLeadToGroup (§4.1).
func addLeadToGroup(r *request) answer {
	privileged := privilegedServices[r.str("service")]
	limited := r.e.cfg.IPLimit > 0 && !r.acct.apiCanSubscribe && !privileged
	if limited {
		hits := count(r.s, `SELECT count(*) FROM justclick_ip_hit WHERE tenant_id = @tenant AND ip = ? AND at > ?`,
			r.ip, r.now.Unix()-24*3600)
		if hits >= int64(r.e.cfg.IPLimit) {
			return errIPLimit.plus(r.ip)
		}
	}
	email, ok := r.email("lead_email")
	if !ok {
		return errNoEmail
	}
	groups := r.subscribableGroups()
	if len(groups) == 0 {
		return answerInvalidGroup
	}
	contact, known := contactID(r.s, email)
	if known {
		groups = slices.DeleteFunc(groups, func(g group) bool { return r.subscribed(contact, g.id) })
		if len(groups) == 0 {
			return answerAlreadyRegistered
		}
	} else {
		contact = r.createContact(email)
	}
	status, a := statusSubscribe, answerOK
	switch {
	case privileged:
		a = answerAddedNoMail
	case (r.acct.activationRequired || !empty(r.str("activation"))) && !r.subscribedAnywhere(contact):
		status, a = statusWait, answerActivationSent
	}
	extra := newFields()
	for _, k := range acceptedLeadFields {
		if v, ok := r.fields.Get(k); ok {
			extra.Set(k, v)
		}
	}
	for _, g := range groups {
		must(setSubscription(r.s, contact, g.id, status, r.now.Unix(), extra.Encode()))
	}
	if limited && (a == answerOK || a == answerActivationSent) {
		_, err := r.s.Exec(`INSERT INTO justclick_ip_hit (tenant_id, ip, at) VALUES (@tenant, ?, ?)`, r.ip, r.now.Unix())
		must(err)
	}
	return a
}

// subscribableGroups are the standard groups named by rid (scalar or list),
// in the vendor's order (names sorted as strings); unknown names and
// auto-groups are left out.
func (r *request) subscribableGroups() []group {
	names := r.list("rid")
	sort.Strings(names)
	var out []group
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		g, ok, err := groupByName(r.s, n)
		must(err)
		if ok && g.kind == kindStandard {
			out = append(out, g)
		}
	}
	return out
}

func (r *request) subscribed(contact, rassID int64) bool {
	return count(r.s, `SELECT count(*) FROM justclick_subscription
		WHERE tenant_id = @tenant AND contact_id = ? AND rass_id = ? AND status = ?`, contact, rassID, statusSubscribe) > 0
}

func (r *request) subscribedAnywhere(contact int64) bool {
	return count(r.s, `SELECT count(*) FROM justclick_subscription
		WHERE tenant_id = @tenant AND contact_id = ? AND status = ?`, contact, statusSubscribe) > 0
}

// createContact stores a new contact from the lead_* fields.
func (r *request) createContact(email string) int64 {
	name := r.str("lead_name")
	if name == "" {
		name = defaultLeadName
	}
	res, err := r.s.Exec(`INSERT INTO justclick_contact (tenant_id, email, name, phone, city, tags) VALUES (@tenant, ?, ?, ?, ?, ?)`,
		email, name, r.str("lead_phone"), r.str("lead_city"), r.str("tag"))
	must(err)
	id, err := res.LastInsertId()
	must(err)
	return id
}

// contactFields are the UpdateSubscriberData fields and their columns.
var contactFields = []struct{ field, column string }{
	{"lead_name", "name"}, {"lead_phone", "phone"}, {"lead_city", "city"}, {"lead_tags", "tags"},
}

// updateSubscriberData is UpdateSubscriberData (§4.2): the fields sent
// are written, even empty; the others stay.
func updateSubscriberData(r *request) answer {
	email, ok := r.email("lead_email")
	if !ok {
		return errNoEmail
	}
	contact, known := contactID(r.s, email)
	if !known {
		return errNoSubscriber
	}
	for _, f := range contactFields {
		if v, sent := r.lookup(f.field); sent {
			_, err := r.s.Exec(`UPDATE justclick_contact SET `+f.column+` = ? WHERE tenant_id = @tenant AND id = ?`, v, contact)
			must(err)
		}
	}
	return answerOK
}

// deleteSubscribe is DeleteSubscribe (§4.3): every group is checked before
// any subscription changes.
func deleteSubscribe(r *request) answer {
	if v, ok := r.fields.Get("rass_name"); !ok || (v.Map == nil && empty(v.Str)) {
		return answerOK
	}
	var ids []int64
	for _, name := range r.list("rass_name") {
		g, ok, err := groupByName(r.s, name)
		must(err)
		if !ok {
			return errGroupNoSubs
		}
		ids = append(ids, g.id)
	}
	contact, known := contactID(r.s, asciiLower(r.str("lead_email")))
	if !known {
		return errNoSuchAddress
	}
	for _, id := range ids {
		_, err := r.s.Exec(`UPDATE justclick_subscription SET status = ?, subscription_time = ?
			WHERE tenant_id = @tenant AND contact_id = ? AND rass_id = ?`, statusUnsubscribe, r.now.Unix(), contact, id)
		must(err)
	}
	return answerOK
}

// getLeadGroups is GetLeadGroups (§4.4): the groups a contact is in or
// waiting for.
func getLeadGroups(r *request) answer {
	email, ok := r.email("email")
	if !ok {
		return errWrongData
	}
	out := r.contactGroups(email, func(name, title, status string, _ int64) (wire.Object, bool) {
		return wire.Obj("rass_name", name, "rass_title", title), status == statusSubscribe || status == statusWait
	})
	if len(out) == 0 {
		return errNoGroup
	}
	return answerOK.with(out)
}

// getLeadGroupStatuses is GetLeadGroupStatuses (§4.5): every subscription
// row of a contact, whatever its status.
func getLeadGroupStatuses(r *request) answer {
	email, ok := r.email("email")
	if !ok {
		return errWrongData
	}
	if _, known := contactID(r.s, email); !known {
		return errNoSubscriber
	}
	out := r.contactGroups(email, func(name, title, status string, at int64) (wire.Object, bool) {
		return wire.Obj("rass_name", name, "rass_title", title, "rass_status", status,
			"subscription_time", strconv.FormatInt(at, 10)), true
	})
	if len(out) == 0 {
		return errNoGroup
	}
	return answerOK.with(out)
}

// contactGroups lists the subscriptions of the contact with email by
// ascending rass_id, shaped and filtered by row.
func (r *request) contactGroups(email string, row func(name, title, status string, at int64) (wire.Object, bool)) []wire.Object {
	rows, err := r.s.Query(`SELECT g.rass_name, g.rass_title, s.status, s.subscription_time
		FROM justclick_subscription s
		JOIN justclick_contact c ON c.id = s.contact_id
		JOIN justclick_group g ON g.tenant_id = s.tenant_id AND g.rass_id = s.rass_id
		WHERE s.tenant_id = @tenant AND c.email = ? ORDER BY g.rass_id`, email)
	must(err)
	defer rows.Close()
	var out []wire.Object
	for rows.Next() {
		var name, title, status string
		var at int64
		must(rows.Scan(&name, &title, &status, &at))
		if o, keep := row(name, title, status, at); keep {
			out = append(out, o)
		}
	}
	must(rows.Err())
	return out
}
