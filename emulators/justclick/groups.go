package justclick

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Group kinds: standard groups take subscribers; auto-groups (the
// account's "all contacts" list) are groups but cannot be subscribed to
// and are hidden from GetAllGroups.
const (
	kindStandard = "standard"
	kindAuto     = "auto"
)

// group is a mailing list ("rassilka").
type group struct {
	id    int64
	name  string
	title string
	kind  string
}

// groupByName finds the account's group called name.
func groupByName(s store.Scoped, name string) (group, bool, error) {
	g := group{name: name}
	err := s.QueryRow(`SELECT rass_id, rass_title, kind FROM justclick_group WHERE tenant_id = @tenant AND rass_name = ?`, name).
		Scan(&g.id, &g.title, &g.kind)
	if errors.Is(err, sql.ErrNoRows) {
		return g, false, nil
	}
	return g, err == nil, err
}

// insertGroup creates a group with the next emulator-wide id.
func insertGroup(s store.Scoped, name, title, kind string) (group, error) {
	id, err := nextID(s.Tx(), seqGroup)
	if err != nil {
		return group{}, err
	}
	g := group{id: id, name: name, title: title, kind: kind}
	_, err = s.Exec(`INSERT INTO justclick_group (tenant_id, rass_id, rass_name, rass_title, kind) VALUES (@tenant, ?, ?, ?, ?)`,
		g.id, g.name, g.title, g.kind)
	return g, err
}

// getAllGroups is GetAllGroups (§4.6): every group but the auto-groups.
func getAllGroups(r *request) answer {
	rows, err := r.s.Query(`SELECT rass_id, rass_name, rass_title FROM justclick_group
		WHERE tenant_id = @tenant AND kind <> 'auto' ORDER BY rass_id`)
	must(err)
	defer rows.Close()
	// Written directly: no boxed value per field.
	out := &wire.Builder{}
	out.Grow(512)
	out.BeginArray()
	n := 0
	var id int64
	var name, title string
	for rows.Next() {
		must(rows.Scan(&id, &name, &title))
		out.BeginObject()
		out.Key("rass_id").String(strconv.FormatInt(id, 10))
		out.Key("rass_name").String(name)
		out.Key("rass_title").String(title)
		out.EndObject()
		n++
	}
	must(rows.Err())
	out.EndArray()
	if n == 0 {
		return errNoGroup
	}
	return answerOK.with(out)
}

// getCountSubscribe is GetCountSubscribe (§4.7): subscribed contacts of a
// group, distinct subscribed contacts ("unique"), or subscribed rows over
// all groups ("alls", or the help page's "all"); a string.
func getCountSubscribe(r *request) answer {
	name := r.str("group_name")
	if name == "" {
		return errNoData
	}
	var n int64
	switch name {
	case "unique":
		n = count(r.s, `SELECT count(DISTINCT contact_id) FROM justclick_subscription WHERE tenant_id = @tenant AND status = ?`, statusSubscribe)
	case "alls", "all":
		n = count(r.s, `SELECT count(*) FROM justclick_subscription WHERE tenant_id = @tenant AND status = ?`, statusSubscribe)
	default:
		g, ok, err := groupByName(r.s, name)
		must(err)
		if !ok {
			return errNoGroup
		}
		n = count(r.s, `SELECT count(*) FROM justclick_subscription WHERE tenant_id = @tenant AND rass_id = ? AND status = ?`, g.id, statusSubscribe)
	}
	return answerOK.with(strconv.FormatInt(n, 10))
}

// count runs a scoped count query.
func count(s store.Scoped, query string, args ...any) int64 {
	var n int64
	must(s.QueryRow(query, args...).Scan(&n))
	return n
}

// must panics on a database error. Handlers run inside a transaction the
// serve loop owns; a failing query is a bug or a broken database, answered
// 500 by the recovery middleware after the transaction rolls back.
func must(err error) {
	if err != nil {
		panic(err)
	}
}
