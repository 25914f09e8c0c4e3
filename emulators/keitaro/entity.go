package keitaro

import (
	"slices"
	"strconv"

	"github.com/vendoremu/vendoremu/wire"
)

// An entity is one kind of stored object: its table, the id counter it
// draws from, and the request fields it accepts.
type entity struct {
	kind   string // counter kind, state section and route name: "campaigns"
	table  string
	fields []field
}

// names are the entity's field names in order.
func (e *entity) names() []string {
	out := make([]string, len(e.fields))
	for i, f := range e.fields {
		out[i] = f.name
	}
	return out
}

// load finds one object of the entity by id (any state).
func (e *entity) load(c *call, id int64) (row, error) {
	if c.objects == nil {
		return queryOne(c.s, `SELECT * FROM `+e.table+` WHERE tenant_id = @tenant AND id = ?`, id)
	}
	key := e.table + " " + strconv.FormatInt(id, 10)
	if r, ok := c.objects[key]; ok {
		return r, nil
	}
	r, err := queryOne(c.s, `SELECT * FROM `+e.table+` WHERE tenant_id = @tenant AND id = ?`, id)
	if err == nil {
		c.objects[key] = r
	}
	return r, err
}

// loadIn finds one object of the entity by id whose state is one of states.
func (e *entity) loadIn(c *call, id int64, states ...string) (row, error) {
	r, err := e.load(c, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(states, r.str("state")) {
		return nil, errNotFound
	}
	return r, nil
}

// list reads the tenant's objects of the entity whose state is (or, with
// not, is not) state, id ascending.
func (e *entity) list(c *call, state string, not bool) ([]row, error) {
	op := "="
	if not {
		op = "!="
	}
	return queryRows(c.s, `SELECT * FROM `+e.table+` WHERE tenant_id = @tenant AND state `+op+` ? ORDER BY id`, state)
}

// create stores a new object with the next id of its kind and returns it.
func (e *entity) create(c *call, vals map[string]any) (row, error) {
	id, err := e.insert(c, vals)
	if err != nil {
		return nil, err
	}
	return e.load(c, id)
}

// insert stores a new object with the next id of its kind (vals["id"])
// and returns the id.
func (e *entity) insert(c *call, vals map[string]any) (int64, error) {
	id, err := nextID(c.s, e.kind)
	if err != nil {
		return 0, err
	}
	vals["id"] = id
	return id, insertRow(c.s, e.table, vals)
}

// update changes the given columns of an object and returns it.
func (e *entity) update(c *call, id int64, vals map[string]any) (row, error) {
	if err := updateRow(c.s, e.table, id, vals); err != nil {
		return nil, err
	}
	return e.load(c, id)
}

// setState moves an object to state and stamps updated_at.
func (e *entity) setState(c *call, id int64, state string) (row, error) {
	return e.update(c, id, map[string]any{"state": state, "updated_at": c.stamp})
}

// cloneValues copies a row's columns for a clone: a new name, state
// active, fresh timestamps (the id is handed out by create).
func cloneValues(c *call, src row) map[string]any {
	vals := map[string]any{}
	for k, v := range src {
		if k != "tenant_id" && k != "id" {
			vals[k] = v
		}
	}
	vals["name"] = "Copy of " + src.str("name")
	vals["state"] = "active"
	vals["created_at"] = c.stamp
	vals["updated_at"] = c.stamp
	return vals
}

// objects renders rows with fn.
func objects(rows []row, fn func(row) wire.Object) []wire.Object {
	out := make([]wire.Object, len(rows))
	for i, r := range rows {
		out[i] = fn(r)
	}
	return out
}

// createFromRequest validates a create request for the entity, lets adjust
// complete and cross-check the values, and stores the new object: state
// active and created_at = updated_at = now unless adjust chose otherwise.
func (e *entity) createFromRequest(c *call, adjust func(vals map[string]any, errs *fieldErrors) error) (row, error) {
	vals, err := e.createValues(c, adjust)
	if err != nil {
		return nil, err
	}
	return e.create(c, vals)
}

// createValues is createFromRequest up to the values the new object is
// stored with.
func (e *entity) createValues(c *call, adjust func(vals map[string]any, errs *fieldErrors) error) (map[string]any, error) {
	var errs fieldErrors
	vals := decode(c, e.fields, true, &errs)
	if adjust != nil {
		if err := adjust(vals, &errs); err != nil {
			return nil, err
		}
	}
	if err := checkUnique(c, e, vals, 0, &errs); err != nil {
		return nil, err
	}
	errs.sortBy(e.names())
	if err := errs.err(); err != nil {
		return nil, err
	}
	if vals["state"] == nil {
		vals["state"] = "active"
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, ok := vals[k]; !ok {
			vals[k] = c.stamp
		}
	}
	return vals, nil
}

// updateFromRequest validates an update of cur: the fields sent replace the
// stored ones (adjust may add or check more) and updated_at becomes now.
func (e *entity) updateFromRequest(c *call, cur row, adjust func(vals map[string]any, errs *fieldErrors) error) (row, error) {
	var errs fieldErrors
	vals := decode(c, e.fields, false, &errs)
	if adjust != nil {
		if err := adjust(vals, &errs); err != nil {
			return nil, err
		}
	}
	if err := checkUnique(c, e, vals, cur.int("id"), &errs); err != nil {
		return nil, err
	}
	errs.sortBy(e.names())
	if err := errs.err(); err != nil {
		return nil, err
	}
	vals["updated_at"] = c.stamp
	return e.update(c, cur.int("id"), vals)
}

// archive moves an object of a kind without a /deleted list to state
// deleted (§4.0.6); an archived one is answered as it is.
func archive(c *call, e *entity) (row, error) {
	r, err := e.load(c, c.id)
	if err != nil || r.str("state") == "deleted" {
		return r, err
	}
	return e.setState(c, c.id, "deleted")
}
