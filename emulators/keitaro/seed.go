package keitaro

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// sampleJSON is the sample data of §3, in the seed document's tenant
// format (plus the id counters the document's examples need).
//
//go:embed sample.json
var sampleJSON []byte

// tenantSpec are the settings of a tenant (§7.1).
type tenantSpec struct {
	apiKey, postbackKey, edition, currency, timezone, dialect string
	sampleData                                                bool
	set                                                       map[string]bool // which were given
}

// defaultSpec is the default tenant of §3.
var defaultSpec = tenantSpec{
	apiKey: DefaultTenant, postbackKey: "1a2b3c4", edition: "pro", currency: "USD", timezone: "UTC", sampleData: true,
}

var (
	postbackKeyText = regexp.MustCompile(`^[a-z0-9]{7}$`)
	editions        = []string{"starter", "pro", "business"}
)

// settingNames are the tenant fields of §7.1.
var settingNames = []string{"apiKey", "postbackKey", "edition", "currency", "timezone", "dialect", "sampleData"}

// readTenantSpec reads the settings of a tenants body or seed tenant;
// other names are allowed only when listed in extra.
func readTenantSpec(fields map[string]json.RawMessage, extra []string) (tenantSpec, error) {
	spec := tenantSpec{set: map[string]bool{}}
	for name, raw := range fields {
		if !slices.Contains(settingNames, name) {
			if slices.Contains(extra, name) {
				continue
			}
			return spec, emu.BadRequest("unknown field %q", name)
		}
		if name == "sampleData" {
			if err := json.Unmarshal(raw, &spec.sampleData); err != nil {
				return spec, emu.BadRequest("sampleData must be a boolean")
			}
			spec.set[name] = true
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return spec, emu.BadRequest("%s must be a string", name)
		}
		if err := spec.setting(name, s); err != nil {
			return spec, err
		}
		spec.set[name] = true
	}
	return spec, nil
}

// setting checks and stores one string setting.
func (spec *tenantSpec) setting(name, s string) error {
	bad := func(want string) error { return emu.BadRequest("%s must be %s, got %q", name, want, s) }
	switch name {
	case "apiKey":
		if !validAPIKey(s) {
			return bad("1-128 printable ASCII characters without spaces")
		}
		spec.apiKey = s
	case "postbackKey":
		if !postbackKeyText.MatchString(s) {
			return bad("7 characters [a-z0-9]")
		}
		spec.postbackKey = s
	case "edition":
		if !slices.Contains(editions, s) {
			return bad("starter, pro or business")
		}
		spec.edition = s
	case "currency":
		if !currencyCode.MatchString(s) {
			return bad("a 3-letter currency code")
		}
		spec.currency = strings.ToUpper(s)
	case "timezone":
		if !validTimezone(s) {
			return bad("an IANA timezone name")
		}
		spec.timezone = s
	case "dialect":
		if s != "classic" && s != "modern" {
			return bad("classic or modern")
		}
		spec.dialect = s
	}
	return nil
}

func validAPIKey(s string) bool {
	if len(s) < 1 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// newTenant creates a tenant with its settings, its admin user and, when
// asked, the sample data. Missing settings get their defaults.
func (e *Emulator) newTenant(tx *store.Tx, spec tenantSpec) (tenant, error) {
	var err error
	if spec.apiKey == "" {
		spec.apiKey, err = freeKey(tx, `SELECT count(*) FROM tenants WHERE vendor = 'keitaro' AND key = ?`, 32, emu.LowerAlnum)
		if err != nil {
			return tenant{}, err
		}
	}
	if spec.postbackKey == "" {
		spec.postbackKey, err = freeKey(tx, postbackKeyCount, 7, emu.LowerHex)
		if err != nil {
			return tenant{}, err
		}
	} else if err := postbackKeyFree(tx, spec.postbackKey, 0); err != nil {
		return tenant{}, err
	}
	spec.edition = orDefault(spec.edition, "pro")
	spec.currency = orDefault(spec.currency, "USD")
	spec.timezone = orDefault(spec.timezone, "UTC")
	st, err := tx.CreateTenant(Name, spec.apiKey)
	if err != nil {
		return tenant{}, err
	}
	t := tenant{Tenant: st, postbackKey: spec.postbackKey, edition: spec.edition, currency: spec.currency,
		timezone: spec.timezone, dialect: spec.dialect, sampleData: spec.sampleData}
	_, err = tx.Scope(st).Exec(`INSERT INTO keitaro_tenant_settings
		(tenant_id, postback_key, edition, currency, timezone, dialect, sample_data) VALUES (@tenant, ?, ?, ?, ?, ?, ?)`,
		t.postbackKey, t.edition, t.currency, t.timezone, t.dialect, t.sampleData)
	if err != nil {
		return tenant{}, err
	}
	return t, e.populate(tx, t)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// freeKey generates a key that count (a query with one parameter, the
// key) finds unused.
func freeKey(tx *store.Tx, count string, n int, alphabet string) (string, error) {
	for {
		k := emu.RandomString(n, alphabet)
		var used int
		if err := tx.QueryRow(count, k).Scan(&used); err != nil {
			return "", err
		}
		if used == 0 {
			return k, nil
		}
	}
}

// postbackKeyCount counts the tenants with a postback key (not empty).
// Excluding the empty key lets the partial unique index answer; without
// that each new tenant read every tenant's settings.
const postbackKeyCount = `SELECT count(*) FROM keitaro_tenant_settings WHERE postback_key = ? AND postback_key != ''`

// postbackKeyFree reports a postback key another tenant has as a conflict.
func postbackKeyFree(tx *store.Tx, key string, self int64) error {
	var used int
	if err := tx.QueryRow(`SELECT count(*) FROM keitaro_tenant_settings WHERE postback_key = ? AND tenant_id != ?`,
		key, self).Scan(&used); err != nil {
		return err
	}
	if used > 0 {
		return store.ErrTenantExists
	}
	return nil
}

// seedCall is the call through which defaults and seeds create objects
// with the API's own handlers, by the rules of the tenant's dialect.
func (e *Emulator) seedCall(tx *store.Tx, t tenant) *call {
	c := newCall(tx, t)
	c.seeding = true
	c.dialect = e.dialectOf(t)
	return c
}

// populate gives an empty tenant its admin user and, when it was created
// with them, the sample data.
func (e *Emulator) populate(tx *store.Tx, t tenant) error {
	c := e.seedCall(tx, t)
	if err := createAdmin(c); err != nil {
		return err
	}
	if !t.sampleData {
		return nil
	}
	sample, err := decodeSeedObject(sampleJSON)
	if err != nil {
		return err
	}
	return loadObjects(c, sample, "sample data")
}

// Defaults implements emu.Vendor: the default tenant of §3.
func (e *Emulator) Defaults(tx *store.Tx) error {
	_, err := e.newTenant(tx, defaultSpec)
	return err
}

// ResetTenant implements emu.Vendor: the tenant's data goes, its
// settings stay, and it gets its admin user (and sample data) back. The
// data goes by retiring the tenant's id (store.RetireTenant), so a reset
// takes as long with a million clicks as with none; lookups across tenants
// (a click by sub_id, a campaign by alias) skip retired ids.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	t, err := loadTenant(tx, key)
	if err != nil {
		return err
	}
	if t.Tenant, err = tx.RetireTenant(t.Tenant, "keitaro_tenant_settings"); err != nil {
		return err
	}
	return e.populate(tx, t)
}

// CreateTenant implements emu.Vendor: POST /_emulator/keitaro/tenants
// (§7.1).
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	fields, err := emu.DecodeObject(body)
	if err != nil {
		return nil, err
	}
	spec, err := readTenantSpec(fields, nil)
	if err != nil {
		return nil, err
	}
	t, err := e.newTenant(tx, spec)
	if err != nil {
		return nil, err
	}
	return append(e.settingsObject(t), wire.Field{Key: "sampleData", Value: t.sampleData}), nil
}

// settingsObject is a tenant's settings as the control plane shows them.
func (e *Emulator) settingsObject(t tenant) wire.Object {
	return wire.Obj("apiKey", t.Key, "postbackKey", t.postbackKey, "edition", t.edition, "currency", t.currency,
		"timezone", t.timezone, "dialect", e.dialectOf(t).String())
}

// seedLists are the object lists of a seed tenant, in the order they are
// loaded (what a list refers to comes before it).
var seedLists = []struct {
	name   string
	entity *entity
	create handler
	states []string // states a seed may give
}{
	{"affiliate_networks", affiliateNetworks, createAffiliateNetwork, []string{"active", "deleted"}},
	{"groups", groups, createGroup, nil},
	{"traffic_sources", trafficSources, createTrafficSource, []string{"active", "deleted"}},
	{"offers", offers, createOffer, []string{"active", "disabled", "deleted"}},
	{"landing_pages", landingPages, createLandingPage, []string{"active", "disabled", "deleted"}},
	{"campaigns", campaigns, createCampaign, []string{"active", "disabled", "deleted"}},
	{"streams", streams, createStream, []string{"active", "disabled", "deleted"}},
	{"domains", domains, createDomain, []string{"active", "deleted"}},
	{"users", users, createUser, nil},
}

// trafficLists are a seed tenant's traffic, loaded after its objects:
// labels, then clicks (§7.2 items), then conversions (§7.3 items).
var trafficLists = []string{"labels", "clicks", "conversions"}

// counterKinds are the id counters a seed may move.
var counterKinds = []string{"campaigns", "offers", "groups", "affiliate_networks", "streams", "landing_pages",
	"traffic_sources", "stream_filters", "stream_links", "stream_triggers", "stream_events", "campaign_postbacks",
	"domains", "users", "clicks", "conversions", "logs", "facebook_integrations"}

// seedExtra are the names a seed tenant has besides its settings.
var seedExtra = func() []string {
	out := append([]string{"botlist", "counters"}, reloadMembers...)
	for _, l := range seedLists {
		out = append(out, l.name)
	}
	return append(out, trafficLists...)
}()

// decodeSeedObject decodes a JSON object the way request bodies are
// decoded, so that the API's coercions apply.
func decodeSeedObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, emu.BadRequest("a tenant must be a JSON object")
	}
	return m, nil
}

// LoadSeed implements emu.Vendor: {"tenants":[…]} of §7.4. A tenant
// whose apiKey exists is extended (the settings it gives replace the
// stored ones), any other is created.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	// The section is decoded once, as request bodies are: a seed of 20,000
	// clicks spent more on walking its text for each level of
	// json.RawMessage (the section, the tenants, each tenant's members)
	// than on decoding it.
	v, _ := decodeJSONValue(section)
	sec, ok := v.(map[string]any)
	if !ok {
		return emu.BadRequest(`the section must be {"tenants":[…]}`)
	}
	var tenants []any
	for k, v := range sec {
		if k != "tenants" {
			return emu.BadRequest("unknown field %q", k)
		}
		if tenants, ok = v.([]any); !ok && v != nil {
			return emu.BadRequest("tenants must be an array of objects")
		}
	}
	for i, t := range tenants {
		where := fmt.Sprintf("tenants[%d]", i)
		obj, ok := t.(map[string]any)
		if !ok {
			return emu.BadRequest("%s must be an object", where)
		}
		if err := e.seedTenant(tx, obj, where); err != nil {
			return err
		}
	}
	return nil
}

// seedFields are the members of a seed tenant as readTenantSpec and
// reloadDumped read them: the settings and the clock as JSON text, the
// other members by name only.
func seedFields(obj map[string]any) (map[string]json.RawMessage, error) {
	fields := make(map[string]json.RawMessage, len(obj))
	for name, v := range obj {
		if !slices.Contains(settingNames, name) && name != "clock" {
			fields[name] = nil
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		fields[name] = raw
	}
	return fields, nil
}

func (e *Emulator) seedTenant(tx *store.Tx, obj map[string]any, where string) error {
	fields, err := seedFields(obj)
	if err != nil {
		return err
	}
	spec, err := readTenantSpec(fields, seedExtra)
	if err != nil {
		return emu.BadRequest("%s: %s", where, err.Error())
	}
	if spec.apiKey == "" {
		return emu.BadRequest("%s: apiKey is required", where)
	}
	t, err := loadTenant(tx, spec.apiKey)
	switch {
	case errors.Is(err, store.ErrNoTenant):
		t, err = e.newTenant(tx, spec)
	case err == nil:
		t, err = updateSettings(tx, t, spec)
	}
	if err != nil {
		if errors.Is(err, store.ErrTenantExists) {
			return emu.Conflict("%s: postbackKey %q is taken", where, spec.postbackKey)
		}
		return err
	}
	c := e.seedCall(tx, t)
	if err := skipExisting(c, obj); err != nil {
		return err
	}
	dumpedClicksInUTC(obj)
	dumped := takeDumpedConversions(obj)
	if err := loadObjects(c, obj, where); err != nil {
		return err
	}
	if err := reloadConversions(c, dumped, where+".conversions"); err != nil {
		return err
	}
	return reloadDumped(c, obj, fields, where)
}

// updateSettings applies the settings a seed gives to an existing tenant.
func updateSettings(tx *store.Tx, t tenant, spec tenantSpec) (tenant, error) {
	if spec.set["postbackKey"] {
		if err := postbackKeyFree(tx, spec.postbackKey, t.ID); err != nil {
			return t, err
		}
		t.postbackKey = spec.postbackKey
	}
	if spec.set["edition"] {
		t.edition = spec.edition
	}
	if spec.set["currency"] {
		t.currency = spec.currency
	}
	if spec.set["timezone"] {
		t.timezone = spec.timezone
	}
	if spec.set["dialect"] {
		t.dialect = spec.dialect
	}
	if spec.set["sampleData"] {
		t.sampleData = spec.sampleData
	}
	_, err := tx.Scope(t.Tenant).Exec(`UPDATE keitaro_tenant_settings SET postback_key = ?, edition = ?, currency = ?,
		timezone = ?, dialect = ?, sample_data = ? WHERE tenant_id = @tenant`,
		t.postbackKey, t.edition, t.currency, t.timezone, t.dialect, t.sampleData)
	return t, err
}

// override is what a seed says about an object that its create body
// cannot: its state and timestamps, applied once everything is loaded (so
// that streams can join a campaign the seed archives).
type override struct {
	table string
	id    int64
	vals  map[string]any
}

// loadObjects creates a tenant's seeded objects through the API's create
// handlers, then its bot list and counters.
func loadObjects(c *call, obj map[string]any, where string) error {
	var pending []override
	for _, l := range seedLists {
		raw, ok := obj[l.name]
		if !ok || raw == nil {
			continue
		}
		list, ok := raw.([]any)
		if !ok {
			return emu.BadRequest("%s.%s must be an array", where, l.name)
		}
		for j, item := range list {
			m, ok := item.(map[string]any)
			at := fmt.Sprintf("%s.%s[%d]", where, l.name, j)
			if !ok {
				return emu.BadRequest("%s must be an object", at)
			}
			o, err := seedObject(c, l.entity, l.create, l.states, m)
			if err != nil {
				return seedError(at, err)
			}
			if len(o.vals) > 0 {
				pending = append(pending, o)
			}
		}
	}
	for _, o := range pending {
		if err := updateRow(c.s, o.table, o.id, o.vals); err != nil {
			return err
		}
	}
	if err := seedBotList(c, obj["botlist"], where); err != nil {
		return err
	}
	if err := seedCounters(c, obj["counters"], where); err != nil {
		return err
	}
	return seedTraffic(c, obj, where)
}

// seedTraffic loads a seed tenant's labels, clicks and conversions.
func seedTraffic(c *call, obj map[string]any, where string) error {
	for _, name := range trafficLists {
		raw := obj[name]
		if raw == nil {
			continue
		}
		list, ok := raw.([]any)
		if !ok {
			return emu.BadRequest("%s.%s must be an array", where, name)
		}
		items := make([]map[string]any, len(list))
		for i, it := range list {
			if items[i], ok = it.(map[string]any); !ok {
				return emu.BadRequest("%s.%s[%d] must be an object", where, name, i)
			}
		}
		var err error
		prefix := where + "." + name
		switch name {
		case "labels":
			err = seedLabels(c, items, prefix)
		case "clicks":
			_, err = recordClicks(c, items, prefix)
		default:
			_, err = recordConversions(c, items, prefix)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// seedLabels loads {"campaign_id","ref_name","value","label"} items.
func seedLabels(c *call, items []map[string]any, prefix string) error {
	for i, m := range items {
		var errs fieldErrors
		campaignID := readLabelCampaign(c, m["campaign_id"], &errs)
		ref := readOneOf(m["ref_name"], "ref_name", labelRefs, &errs)
		label := readOneOf(m["label"], "label", labelNames, &errs)
		value, ok := asString(m["value"])
		if !ok {
			errs.add("value", msgInvalid)
		}
		if err := errs.err(); err != nil {
			return seedError(fmt.Sprintf("%s[%d]", prefix, i), err)
		}
		if err := putLabel(c, campaignID, ref, value, label); err != nil {
			return err
		}
	}
	return nil
}

// seedError names the object a seed could not load.
func seedError(at string, err error) error {
	var fe *fieldErrors
	var ae *apiError
	var ce *emu.Error
	switch {
	case errors.As(err, &fe):
		return emu.BadRequest("%s: %s", at, fe.Error())
	case errors.As(err, &ae):
		return emu.BadRequest("%s: %s", at, ae.text)
	case errors.As(err, &ce):
		return emu.BadRequest("%s: %s", at, ce.Message)
	}
	return err
}

// seedObject creates one object with the entity's create handler, at the
// id the seed gives (or the next one), and returns what is left to
// override.
func seedObject(c *call, e *entity, create handler, states []string, m map[string]any) (override, error) {
	o := override{table: e.table, vals: map[string]any{}}
	in := params{}
	for k, v := range m {
		switch k {
		case "id":
		case "state":
			s, _ := v.(string)
			if states == nil && s == "active" {
				continue // what a dump shows of an object without states
			}
			if !slices.Contains(states, s) {
				return o, emu.BadRequest("state must be one of %s", strings.Join(states, ", "))
			}
			o.vals["state"] = s
		case "created_at", "updated_at":
			s, _ := v.(string)
			stamp, ok := parseStamp(s)
			if !ok || states == nil {
				return o, emu.BadRequest("%s must be a datetime \"YYYY-MM-DD HH:MM:SS\"", k)
			}
			o.vals[k] = stamp
		default:
			in[k] = v
		}
	}
	next, err := peekCounter(c, e.kind)
	if err != nil {
		return o, err
	}
	o.id = next
	if raw, ok := m["id"]; ok && raw != nil {
		if o.id, ok = asInt(raw); !ok || o.id <= 0 {
			return o, emu.BadRequest("id must be a positive integer")
		}
		if _, err := e.load(c, o.id); err == nil {
			return o, emu.BadRequest("id %d exists", o.id)
		}
		if err := setCounter(c.s, e.kind, o.id); err != nil {
			return o, err
		}
	}
	ic := *c
	ic.in = in
	if _, err := create(&ic); err != nil {
		return o, err
	}
	if created, ok := o.vals["created_at"].(string); ok && e == domains {
		o.vals["next_check_at"] = nextCheck(created) // due a day after the creation the seed gives
	}
	return o, setCounter(c.s, e.kind, max(next, o.id+1))
}

// peekCounter is the id the next object of kind will get.
func peekCounter(c *call, kind string) (int64, error) {
	var next int64
	err := c.s.QueryRow(`SELECT coalesce(max(next), 1) FROM keitaro_counters WHERE tenant_id = @tenant AND kind = ?`, kind).Scan(&next)
	return next, err
}

// seedBotList appends a seed's bot list: a newline-separated string or an
// array of entries.
func seedBotList(c *call, raw any, where string) error {
	if raw == nil {
		return nil
	}
	if list, ok := raw.([]any); ok {
		lines := make([]string, len(list))
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				return emu.BadRequest("%s.botlist must be a string or an array of strings", where)
			}
			lines[i] = s
		}
		raw = strings.Join(lines, "\n")
	}
	ic := *c
	ic.in = params{"value": raw}
	entries, err := botEntries(&ic)
	if err != nil {
		if s, _ := raw.(string); strings.TrimSpace(s) == "" {
			return nil
		}
		return emu.BadRequest("%s.botlist: %s", where, err.Error())
	}
	return appendBots(c, entries)
}

// seedCounters moves id counters forward (never back, so that no id can
// be handed out twice).
func seedCounters(c *call, raw any, where string) error {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return emu.BadRequest("%s.counters must be an object", where)
	}
	for kind, v := range m {
		n, ok := asInt(v)
		if !slices.Contains(counterKinds, kind) || !ok || n < 1 {
			return emu.BadRequest("%s.counters.%s: a known counter and a positive integer", where, kind)
		}
		if err := reserveID(c.s, kind, n-1); err != nil {
			return err
		}
	}
	return nil
}
