package keitaro

import (
	"slices"
	"strconv"

	"github.com/vendoremu/vendoremu/wire"
)

// groupTypes are the kinds of groups, with the table of their members.
var groupTypes = []string{"campaigns", "offers", "landings"}

var groupMembers = map[string]string{
	"campaigns": "keitaro_campaigns",
	"offers":    "keitaro_offers",
	"landings":  "keitaro_landing_pages",
}

// groups are the groups of §4.7: deleted for good, names unique within
// their type.
var groups = &entity{
	kind:  "groups",
	table: "keitaro_groups",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName},
		{name: "position", read: integer},
		{name: "type", read: text, required: true, oneOf: groupTypes},
	},
}

func groupObject(r row) wire.Object {
	return wire.Obj("id", r.int("id"), "name", r.str("name"), "position", r.int("position"), "type", r.str("type"))
}

// GET /groups?type=…
func listGroups(c *call) (any, error) {
	typ := "campaigns"
	if v, ok := c.in["type"]; ok && v != nil && v != "" {
		s, _ := v.(string)
		if !slices.Contains(groupTypes, s) {
			return nil, invalid("type", msgInvalid)
		}
		typ = s
	}
	rows, err := queryRows(c.s, `SELECT * FROM keitaro_groups WHERE tenant_id = @tenant AND type = ? ORDER BY position, id`, typ)
	return objects(rows, groupObject), err
}

// POST /groups. Without a position the group goes after the others of its
// type.
func createGroup(c *call) (any, error) {
	var errs fieldErrors
	vals := decode(c, groups.fields, true, &errs)
	if err := uniqueGroupName(c, vals, nil, &errs); err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if vals["position"] == nil {
		var p int64
		if err := c.s.QueryRow(`SELECT coalesce(max(position), 0) + 1 FROM keitaro_groups WHERE tenant_id = @tenant AND type = ?`,
			vals["type"]).Scan(&p); err != nil {
			return nil, err
		}
		vals["position"] = p
	}
	r, err := groups.create(c, vals)
	if err != nil {
		return nil, err
	}
	return groupCreated.of(groupObject(r)), nil
}

// PUT /groups/{id}. The classic answer adds the member count.
func updateGroup(c *call) (any, error) {
	cur, err := groups.load(c, c.id)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	vals := decode(c, groups.fields, false, &errs)
	if err := uniqueGroupName(c, vals, cur, &errs); err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	r, err := groups.update(c, cur.int("id"), vals)
	if err != nil {
		return nil, err
	}
	var n int64
	err = c.s.QueryRow(`SELECT count(*) FROM `+groupMembers[r.str("type")]+
		` WHERE tenant_id = @tenant AND group_id = ? AND state != 'deleted'`, r.int("id")).Scan(&n)
	if err != nil {
		return nil, err
	}
	return groupObject(r).Set("count", classicOnly{strconv.FormatInt(n, 10)}), nil
}

// uniqueGroupName checks the name against the other groups of the type the
// group will have.
func uniqueGroupName(c *call, vals map[string]any, cur row, errs *fieldErrors) error {
	if errs.has("name") || errs.has("type") {
		return nil
	}
	name, typ := vals["name"], vals["type"]
	var self int64
	if cur != nil {
		self = cur.int("id")
		if name == nil {
			name = cur.str("name")
		}
		if typ == nil {
			typ = cur.str("type")
		}
	}
	if name == nil || typ == nil {
		return nil
	}
	var n int
	if err := c.s.QueryRow(`SELECT count(*) FROM keitaro_groups WHERE tenant_id = @tenant AND name = ? AND type = ? AND id != ?`,
		name, typ, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		errs.add("name", msgTaken)
	}
	return nil
}

// DELETE /groups/{id}/delete: gone for good; its members lose their group.
func deleteGroup(c *call) (any, error) {
	r, err := groups.load(c, c.id)
	if err != nil {
		return nil, err
	}
	if _, err := c.s.Exec(`DELETE FROM keitaro_groups WHERE tenant_id = @tenant AND id = ?`, c.id); err != nil {
		return nil, err
	}
	for _, table := range groupMembers {
		if _, err := c.s.Exec(`UPDATE `+table+` SET group_id = NULL WHERE tenant_id = @tenant AND group_id = ?`, c.id); err != nil {
			return nil, err
		}
	}
	return groupDeleted.of(groupObject(r)), nil
}
