package keitaro

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/wire"
)

// users are the tracker's users of §4.9. User 1, the admin, exists in
// every tenant and owns its API key.
var users = &entity{
	kind:  "users",
	table: "keitaro_users",
	fields: []field{
		{name: "login", read: text, required: true, max: maxName, unique: true},
		{name: "type", read: text, required: true, oneOf: []string{"USER", "ADMIN"}, fold: true},
		{name: "preferences", read: preferences},
	},
}

var (
	languages    = []string{"en", "ru", "uk", "es", "pt", "de", "fr", "it", "vi", "tr", "pl"}
	accessLevels = []string{"full_access", "read_only", "to_groups_and_selected", "created_by_user_groups_and_selected"}
	accessTypes  = []string{"offers_access_type", "campaigns_access_type", "landings_access_type",
		"traffic_sources_access_type", "streams_access_type", "affiliate_networks_access_type", "domains_access_type"}
	accessLists = []string{"resources", "reports"}
)

// userFieldOrder is the order a user's 406 lists its fields in.
var userFieldOrder = []string{"login", "type", "new_password", "new_password_confirmation", "preferences"}

// validTimezone accepts IANA zone names.
func validTimezone(s string) bool {
	if s == "" || s == "Local" {
		return false
	}
	_, err := time.LoadLocation(s)
	return err == nil
}

// preferences reads the keys of a preferences object that are sent.
func preferences(v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for k, x := range m {
		s, ok := x.(string)
		switch {
		case k == "language" && ok && slices.Contains(languages, s):
		case k == "timezone" && ok && validTimezone(s):
		case k == "language" || k == "timezone":
			return nil, false
		default:
			continue
		}
		out[k] = s
	}
	return out, true
}

// storedPreferences merges sent preferences into the stored ones (or the
// defaults) and gives the stored JSON.
func storedPreferences(sent map[string]string, cur string) string {
	p := map[string]string{"language": "en", "timezone": "UTC"}
	_ = json.Unmarshal([]byte(cur), &p)
	for k, v := range sent {
		p[k] = v
	}
	return mustJSON(wire.Obj("language", p["language"], "timezone", p["timezone"]))
}

// defaultAccess is a new user's access: full for admins, read-only else.
func defaultAccess(typ string) map[string]any {
	level := "read_only"
	if typ == "ADMIN" {
		level = "full_access"
	}
	a := map[string]any{"resources": []any{}, "reports": []any{}}
	for _, k := range accessTypes {
		a[k] = level
	}
	return a
}

// storedAccess gives access data as stored JSON, keys in the API's order.
func storedAccess(a map[string]any) string {
	o := wire.Object{}
	for _, k := range append(append([]string{}, accessTypes...), accessLists...) {
		o = append(o, wire.Field{Key: k, Value: a[k]})
	}
	return mustJSON(o)
}

func hashPassword(p string) string {
	sum := sha256.Sum256([]byte(p))
	return hex.EncodeToString(sum[:])
}

// readPassword checks new_password and its confirmation; required says
// whether they must be sent.
func readPassword(c *call, required bool, errs *fieldErrors) (string, bool) {
	raw, sent := c.in["new_password"]
	if !sent || raw == nil || raw == "" {
		if required {
			errs.add("new_password", msgRequired)
			if !c.in.present("new_password_confirmation") {
				errs.add("new_password_confirmation", msgRequired)
			}
		}
		return "", false
	}
	p, ok := asString(raw)
	switch {
	case !ok:
		errs.add("new_password", msgInvalid)
	case utf8.RuneCountInString(p) < 6:
		errs.add("new_password", msgTooShort)
	case utf8.RuneCountInString(p) > maxName:
		errs.add("new_password", msgTooLong)
	}
	conf, sentConf := c.in["new_password_confirmation"]
	switch s, _ := asString(conf); {
	case !sentConf || conf == nil || conf == "":
		errs.add("new_password_confirmation", msgRequired)
	case s != p:
		errs.add("new_password_confirmation", msgInvalid)
	}
	return p, !errs.has("new_password") && !errs.has("new_password_confirmation")
}

func userObject(r row) wire.Object {
	keys := int64(0)
	if r.int("id") == 1 {
		keys = 1
	}
	return wire.Obj(
		"id", r.int("id"),
		"login", r.str("login"),
		"type", r.str("type"),
		"state", r.str("state"),
		"preferences", r.raw("preferences"),
		"access_data", r.raw("access_data"),
		"key_count", keys,
	)
}

// GET /users
func listUsers(c *call) (any, error) {
	rows, err := queryRows(c.s, `SELECT * FROM keitaro_users WHERE tenant_id = @tenant ORDER BY id`)
	return objects(rows, userObject), err
}

// GET /users/{id}
func getUser(c *call) (any, error) {
	r, err := users.load(c, c.id)
	if err != nil {
		return nil, err
	}
	return userObject(r), nil
}

// POST /users
func createUser(c *call) (any, error) {
	var errs fieldErrors
	vals := decode(c, users.fields, true, &errs)
	password, _ := readPassword(c, !c.seeding, &errs)
	if err := checkUnique(c, users, vals, 0, &errs); err != nil {
		return nil, err
	}
	errs.sortBy(userFieldOrder)
	if err := errs.err(); err != nil {
		return nil, err
	}
	sent, _ := vals["preferences"].(map[string]string)
	vals["preferences"] = storedPreferences(sent, "")
	vals["access_data"] = storedAccess(defaultAccess(vals["type"].(string)))
	vals["state"] = "active"
	vals["password_hash"] = hashPassword(password)
	r, err := users.create(c, vals)
	if err != nil {
		return nil, err
	}
	return userObject(r), nil
}

// PUT /users/{id}
func updateUser(c *call) (any, error) {
	cur, err := users.load(c, c.id)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	vals := decode(c, users.fields, false, &errs)
	password, changed := readPassword(c, false, &errs)
	if err := checkUnique(c, users, vals, cur.int("id"), &errs); err != nil {
		return nil, err
	}
	errs.sortBy(userFieldOrder)
	if err := errs.err(); err != nil {
		return nil, err
	}
	if sent, ok := vals["preferences"].(map[string]string); ok {
		vals["preferences"] = storedPreferences(sent, cur.str("preferences"))
	}
	if changed {
		vals["password_hash"] = hashPassword(password)
	}
	r, err := users.update(c, cur.int("id"), vals)
	if err != nil {
		return nil, err
	}
	return userObject(r), nil
}

// PUT /users/{id}/access: the access keys sent replace the stored ones.
func updateUserAccess(c *call) (any, error) {
	cur, err := users.load(c, c.id)
	if err != nil {
		return nil, err
	}
	sent, ok := c.in["access_data"].(map[string]any)
	if !ok {
		if c.in["access_data"] == nil {
			return nil, invalid("access_data", msgRequired)
		}
		return nil, invalid("access_data", msgInvalid)
	}
	a := map[string]any{}
	_ = json.Unmarshal([]byte(cur.str("access_data")), &a)
	for k, v := range sent {
		switch {
		case slices.Contains(accessTypes, k):
			s, _ := v.(string)
			if !slices.Contains(accessLevels, s) {
				return nil, invalid("access_data", msgInvalid)
			}
		case slices.Contains(accessLists, k):
			if _, ok := v.([]any); !ok {
				return nil, invalid("access_data", msgInvalid)
			}
		default:
			continue
		}
		a[k] = v
	}
	r, err := users.update(c, cur.int("id"), map[string]any{"access_data": storedAccess(a)})
	if err != nil {
		return nil, err
	}
	return userObject(r), nil
}

// DELETE /users/{id}: gone for good; the admin cannot be deleted.
func deleteUser(c *call) (any, error) {
	if _, err := users.load(c, c.id); err != nil {
		return nil, err
	}
	if c.id == 1 {
		return nil, errForbidden
	}
	_, err := c.s.Exec(`DELETE FROM keitaro_users WHERE tenant_id = @tenant AND id = ?`, c.id)
	return success(), err
}

// createAdmin gives a tenant its user 1 (§4.9).
func createAdmin(c *call) error {
	_, err := users.create(c, map[string]any{
		"login": "admin", "type": "ADMIN", "state": "active",
		"preferences":   storedPreferences(nil, ""),
		"access_data":   storedAccess(defaultAccess("ADMIN")),
		"password_hash": hashPassword(c.t.Key),
	})
	return err
}
