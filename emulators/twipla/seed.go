package twipla

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// seededCreatedAt is the createdAt of the seeded INTPs and their packages.
const seededCreatedAt = "2023-08-22T08:14:03Z"

// seededAddress is the address of both seeded INTPs.
const seededAddress = "1 Example Street, 10115 Berlin, Germany"

// seededINTPs are the two INTPs present after start and reset (§3); their
// packages carry the ids listed, in the order of defaultPackages.
var seededINTPs = [...]struct {
	id, name, subscriptionType, billingMode string
	packageIDs                              [len(defaultPackages)]string
}{
	{DefaultTenant, "TWIPLA Demo Partner (website subscriptions)", modelWebsite, billingCompany, [...]string{
		"4cafe689-e1d4-44fb-9d6b-7807d3139a7b", "0d7e5c1a-6b2f-4f3e-9a8d-1c4b7e2f5a90",
		"497f6eca-6276-4993-bfeb-53cbbbba6f08", "471cc1d4-ec27-4504-b7c2-949af95662bc",
		"8b1f2d3c-4e5a-4b6c-9d7e-0f1a2b3c4d5e", "e6a9c8b7-1d2e-4f30-8a4b-5c6d7e8f9a0b",
	}},
	{AccountTenant, "TWIPLA Demo Partner (account subscriptions)", modelINTPC, billingPlatform, [...]string{
		"2a4c6e80-1b3d-4f5a-8c7e-9d0f1a2b3c4d", "3b5d7f91-2c4e-4a6b-9d8f-0e1a2b3c4d5e",
		"4c6e8a02-3d5f-4b7c-8e9a-1f2b3c4d5e6f", "5d7f9b13-4e6a-4c8d-9f0b-2a3c4d5e6f70",
		"6e8a0c24-5f7b-4d9e-8a1c-3b4d5e6f7081", "7f9b1d35-6a8c-4e0f-9b2d-4c5e6f708192",
	}},
}

// Defaults implements emu.Vendor: the two seeded INTPs with their
// packages, no customers.
func (e *Emulator) Defaults(tx *store.Tx) error {
	created, err := time.Parse(time.RFC3339, seededCreatedAt)
	if err != nil {
		return err
	}
	for _, d := range seededINTPs {
		in := &intp{id: d.id, name: d.name, address: seededAddress, subscriptionType: d.subscriptionType,
			billingMode: d.billingMode, createdAt: stamp{created}}
		if err := insertINTP(tx, in, defaultSet(d.packageIDs[:], in.createdAt)); err != nil {
			return err
		}
	}
	return nil
}

// insertINTP registers an INTP as a tenant with its package set.
func insertINTP(tx *store.Tx, in *intp, set []*pkg) error {
	t, err := tx.CreateTenant(Name, in.id)
	if err != nil {
		return err
	}
	in.tenant = t
	s := tx.Scope(t)
	var moveErrors sql.NullInt64
	if in.moveErrors != 0 {
		moveErrors = sql.NullInt64{Int64: int64(in.moveErrors), Valid: true}
	}
	_, err = s.Exec(`INSERT INTO twipla_intps (tenant_id, intp_id, name, address, subscription_type, billing_mode,
		website_onboarding, created_at, public_key, move_errors) VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.id, in.name, in.address, in.subscriptionType, in.billingMode, in.websiteOnboarding, in.createdAt,
		in.publicKey, moveErrors)
	if err != nil {
		return err
	}
	return insertPackageSet(s, set)
}

// ResetTenant implements emu.Vendor: the INTP keeps its id, company
// details, key and moveErrors, and gets the package set it started with
// back (same ids, original names) with no customers.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	in, err := findINTP(tx, key)
	if err != nil {
		return err
	}
	// The data goes with the INTP's retired id (store.RetireTenant): the
	// API-key and login-token lookups, which cross INTPs, skip it, and ids
	// and keys a dump restores are reclaimed from it.
	if in.tenant, err = tx.RetireTenant(in.tenant, "twipla_intps", "twipla_initial_packages"); err != nil {
		return err
	}
	return restorePackageSet(tx.Scope(in.tenant))
}

// CreateTenant implements emu.Vendor (POST /_emulator/twipla/tenants).
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	f, err := parseFields(body)
	if err != nil {
		return nil, controlError(err)
	}
	in, err := e.newINTP(tx, f)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog(tx.Scope(in.tenant))
	if err != nil {
		return nil, err
	}
	key, err := e.keys.publicKey(in.id, in.publicKey)
	if err != nil {
		return nil, err
	}
	out := wire.Obj("intpId", in.id, "name", in.name, "address", in.address,
		"subscriptionType", in.subscriptionType, "billingMode", in.billingMode,
		"websiteOnboarding", in.websiteOnboarding, "createdAt", in.createdAt.String(),
		"moveErrors", e.moveStatus(in), "publicKey", publicPEM(key))
	if in.publicKey == "" {
		out = out.Set("privateKey", string(seed.TwiplaTestPrivateKeyPEM))
	}
	packages := []any{}
	for _, p := range cat.list {
		packages = append(packages, p.wire(in.id, nil))
	}
	return out.Set("packages", packages), nil
}

// newINTP creates an INTP from a tenant body (§7.1): its own package set
// when the body lists one, else the default set with new ids.
func (e *Emulator) newINTP(tx *store.Tx, f fields) (*intp, error) {
	in, err := readINTP(f, nowSecond(tx.Now()))
	if err != nil {
		return nil, controlError(err)
	}
	set, err := readPackageSet(f, in.createdAt)
	if err != nil {
		return nil, controlError(err)
	}
	if in.publicKey != "" {
		key, err := parsePublicKey(in.publicKey)
		if err != nil {
			return nil, emu.BadRequest("%s%v", f.path, err)
		}
		e.keys.remember(in.id, in.publicKey, key)
	}
	if set == nil {
		ids := make([]string, len(defaultPackages))
		for i := range ids {
			ids[i] = newUUID()
		}
		set = defaultSet(ids, in.createdAt)
	}
	return in, insertINTP(tx, in, set)
}

// readINTP validates the fields of a new INTP; absent ones take their defaults.
func readINTP(f fields, now time.Time) (*intp, error) {
	in := &intp{subscriptionType: modelWebsite, billingMode: billingCompany, createdAt: stamp{now}}
	id, has, err := f.optString("intpId")
	if err != nil {
		return nil, err
	}
	if !has {
		id = newUUID()
	}
	if !isUUID(id) {
		return nil, badRequest("%s must be a UUID", f.name("intpId"))
	}
	in.id, in.name = id, "INTP "+id[:8]
	if name, has, err := f.optString("name"); err != nil {
		return nil, err
	} else if has {
		in.name = name
	}
	if in.address, _, err = f.optString("address"); err != nil {
		return nil, err
	}
	if _, has := f.get("subscriptionType"); has {
		if in.subscriptionType, err = f.oneOf("subscriptionType", modelWebsite, modelINTPC); err != nil {
			return nil, err
		}
	}
	if _, has := f.get("billingMode"); has {
		if in.billingMode, err = f.oneOf("billingMode", billingCompany, billingPlatform); err != nil {
			return nil, err
		}
	}
	if in.websiteOnboarding, err = f.boolean("websiteOnboarding", false); err != nil {
		return nil, err
	}
	if in.publicKey, _, err = f.optString("publicKey"); err != nil {
		return nil, err
	}
	if builtinKey(in.publicKey) {
		in.publicKey = "" // a dump shows the built-in key of an INTP without its own
	}
	if t, has, err := f.time("createdAt"); err != nil {
		return nil, err
	} else if has {
		in.createdAt = stamp{t}
	}
	if in.moveErrors, err = readMoveErrors(f); err != nil {
		return nil, err
	}
	return in, nil
}

// readMoveErrors reads an INTP's optional "moveErrors": 400 or 500; 0 when
// absent (the emulator's setting applies).
func readMoveErrors(f fields) (int, error) {
	n, has, err := f.integer("moveErrors")
	switch {
	case err == nil && !has:
		return 0, nil
	case err != nil || n != http.StatusBadRequest && n != http.StatusInternalServerError:
		return 0, badRequest("%s must be 400 or 500", f.name("moveErrors"))
	}
	return int(n), nil
}

// controlError turns a vendor validation failure into a control-plane one
// with the same status and message.
func controlError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return &emu.Error{Status: ae.status, Message: ae.message}
	}
	return err
}

// LoadSeed implements emu.Vendor. The section is
// {"tenants":[{…tenant fields of §7.1 (its "packages" the INTP's whole
// set)…, "customers":[customer-create body + "websites":[website +
// "apiKeys"]]}]}; a tenant whose intpId exists only gets packages and
// customers added and its moveErrors set.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	f, err := parseFields(section)
	if err != nil {
		return emu.BadRequest("section must be a JSON object")
	}
	for k := range f.m {
		if k != "tenants" {
			return emu.BadRequest("unknown member %s: the section has only tenants", k)
		}
	}
	tenants, err := objects(f, "tenants")
	if err != nil {
		return controlError(err)
	}
	for _, tf := range tenants {
		if err := e.seedTenant(tx, tf); err != nil {
			return controlError(err)
		}
	}
	return nil
}

// objects reads an optional array of objects; each keeps the path
// "<k>[i]." for messages.
func objects(f fields, k string) ([]fields, error) {
	v, has := f.get(k)
	if !has {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, badRequest("%s must be an array of objects", f.name(k))
	}
	out := make([]fields, len(arr))
	for i, it := range arr {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, badRequest("%s must be an array of objects", f.name(k))
		}
		out[i] = fields{m: m, path: fmt.Sprintf("%s[%d].", f.name(k), i)}
	}
	return out, nil
}

func (e *Emulator) seedTenant(tx *store.Tx, f fields) error {
	id, _, err := f.optString("intpId")
	if err != nil {
		return err
	}
	in, err := findINTP(tx, id)
	switch {
	case errors.Is(err, store.ErrNoTenant):
		company := fields{m: map[string]any{}, path: f.path}
		for k, v := range f.m {
			if k != "customers" && k != "clock" && !slices.Contains(dumpMembers, k) {
				company.m[k] = v
			}
		}
		if in, err = e.newINTP(tx, company); err != nil {
			return err
		}
		if isDump(f) {
			if err := reloadINTP(tx.Scope(in.tenant), in, f); err != nil {
				return err
			}
			return seedClock(tx, in, f)
		}
	case err != nil:
		return err
	default:
		if err := e.extendINTP(tx, in, f); err != nil {
			return err
		}
	}
	s := tx.Scope(in.tenant)
	customers, err := objects(f, "customers")
	if err != nil {
		return err
	}
	for _, cf := range customers {
		if err := seedCustomer(s, in, cf); err != nil {
			return err
		}
	}
	return seedClock(tx, in, f)
}

// seedClock gives the INTP the "clock" of its seed entry, if any.
func seedClock(tx *store.Tx, in *intp, f fields) error {
	if v, has := f.get("clock"); has {
		raw, _ := json.Marshal(v)
		if err := emu.SeedClock(tx, in.tenant, raw); err != nil {
			return emu.BadRequest("%s%s", f.path, err.Error())
		}
	}
	return nil
}

// extendINTP applies a seed entry naming an existing INTP: its moveErrors,
// and packages added as POST /v2/3as/packages adds them (ordinary packages,
// whatever their name; an "id" and "recommended" may be chosen).
func (e *Emulator) extendINTP(tx *store.Tx, in *intp, f fields) error {
	for k := range f.m {
		if k != "intpId" && k != "packages" && k != "customers" && k != "moveErrors" && k != "clock" {
			return badRequest("%s: INTP %s exists: only packages, customers and moveErrors can be given for it, not %s",
				entry(f), in.id, k)
		}
	}
	s := tx.Scope(in.tenant)
	if _, has := f.get("moveErrors"); has {
		n, err := readMoveErrors(f)
		if err != nil {
			return err
		}
		if _, err := s.Exec(`UPDATE twipla_intps SET move_errors = ? WHERE tenant_id = @tenant`, n); err != nil {
			return err
		}
	}
	packages, err := objects(f, "packages")
	if err != nil {
		return err
	}
	for _, pf := range packages {
		p, err := readPackageEntry(pf, false)
		if err != nil {
			return err
		}
		p.createdAt = stamp{nowSecond(s.Now())}
		if err := insertPackage(s, p); err != nil {
			if store.IsUniqueViolation(err) {
				return badRequest("%s %s is taken", pf.name("id"), p.id)
			}
			return err
		}
	}
	return nil
}

// seedCustomer adds a customer as POST /v2/3as/customers does, then its
// "websites" as POST /v2/3as/websites does, with their "apiKeys".
func seedCustomer(s store.Scoped, in *intp, f fields) error {
	ci, err := readCustomer(f, in)
	if err != nil {
		return err
	}
	cat, err := loadCatalog(s)
	if err != nil {
		return err
	}
	if _, _, err := insertCustomer(s, in, cat, ci); err != nil {
		return prefixed(f, err)
	}
	websites, err := objects(f, "websites")
	if err != nil {
		return err
	}
	for _, wf := range websites {
		wi := &websiteInput{defaultKind: kindUFT, packageField: wf.name("packageId")}
		if wi.intpWebsiteID, err = wf.id("intpWebsiteId"); err != nil {
			return err
		}
		if wi.domain, err = wf.domain("domain", false); err != nil {
			return prefixed(wf, err)
		}
		if wi.packageID, err = wf.packageID("packageId"); err != nil {
			return err
		}
		if wi.packageID != nil && !in.websiteModel() {
			return badRequest("%s is only accepted for website subscriptions", wf.name("packageId"))
		}
		if wi.start, err = optTime(wf, "billingDate"); err != nil {
			return err
		}
		w, _, err := addWebsite(s, in, ci.intpCustomerID, wi)
		if err != nil {
			return prefixed(wf, err)
		}
		if err := seedAPIKeys(s, w, wf); err != nil {
			return err
		}
	}
	return nil
}

// seedKeyPattern is what a chosen API key must look like.
var seedKeyPattern = regexp.MustCompile(`^twpl-[A-Za-z0-9]{8,64}$`)

// seedAPIKeys adds a website's keys; "apiKey" may be chosen, so that a CI
// configuration can name it.
func seedAPIKeys(s store.Scoped, w *website, f fields) error {
	keys, err := objects(f, "apiKeys")
	if err != nil {
		return err
	}
	for _, kf := range keys {
		name, err := kf.name255("name")
		if err != nil {
			return err
		}
		comment, _, err := kf.optString("comment")
		if err != nil {
			return err
		}
		var expires nullStamp
		if t, has, err := kf.time("expiresAt"); err != nil {
			return err
		} else if has {
			expires = someStamp(t)
		}
		secret, has, err := kf.optString("apiKey")
		if err != nil {
			return err
		}
		if !has {
			secret = "twpl-" + emu.RandomString(20, emu.Alnum)
		}
		if !seedKeyPattern.MatchString(secret) {
			return badRequest("%s must be twpl- followed by 8 to 64 letters or digits", kf.name("apiKey"))
		}
		if err := s.Tx().Reclaim("twipla_api_keys", "api_key", secret); err != nil {
			return err
		}
		_, err = s.Exec(`INSERT INTO twipla_api_keys (tenant_id, id, website_seq, api_key, name, comment, expires_at, created_at)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?)`, newUUID(), w.seq, secret, name, comment, expires, stamp{nowSecond(s.Now())})
		if store.IsUniqueViolation(err) {
			return badRequest("%s is taken", kf.name("apiKey"))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// prefixed names the seed entry a vendor-side failure without a field name
// (a duplicate, an unknown package, an invalid domain) came from; in a seed
// it is a 400.
func prefixed(f fields, err error) error {
	var ae *apiError
	if errors.As(err, &ae) && ae.status != http.StatusInternalServerError {
		return badRequest("%s: %s", entry(f), ae.message)
	}
	return err
}

// entry is the path of a seed entry: "tenants[0].customers[1]".
func entry(f fields) string { return strings.TrimSuffix(f.path, ".") }

// State implements emu.Vendor: every INTP with everything it holds,
// subscriptions brought up to now.
func (e *Emulator) State(tx *store.Tx, tenant string) (any, error) {
	ts, err := tx.SelectTenants(Name, tenant)
	if err != nil {
		return nil, err
	}
	out := []wire.Object{}
	for _, t := range ts {
		in, err := findINTP(tx, t.Key)
		if err != nil {
			return nil, err
		}
		st, err := e.intpState(tx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, emu.WithClock(tx, t, st))
	}
	return wire.Obj("tenants", out), nil
}

func (e *Emulator) intpState(tx *store.Tx, in *intp) (wire.Object, error) {
	s := tx.Scope(in.tenant)
	now := s.Now()
	cat, as, err := loadPackages(s)
	if err != nil {
		return nil, err
	}
	key, err := e.keys.publicKey(in.id, in.publicKey)
	if err != nil {
		return nil, err
	}
	o := append(wire.Obj("intpId", in.id), in.company()[1:]...).Set("moveErrors", e.moveStatus(in)).
		Set("publicKey", publicPEM(key))
	packages := []any{}
	for _, p := range cat.list {
		packages = append(packages, p.wire(in.id, as.restrictedTo(p)))
	}
	customers, err := collect(s, `SELECT `+customerCols+` FROM twipla_customers WHERE tenant_id = @tenant ORDER BY seq`,
		func() (*customer, []any) { cu := &customer{}; return cu, cu.dest() },
		func(cu *customer) wire.Object { return cu.wire(in.id) })
	if err != nil {
		return nil, err
	}
	ws, err := queryWebsites(s, "", "")
	if err != nil {
		return nil, err
	}
	websites := []wire.Object{}
	for _, w := range ws {
		w.roll(cat, now)
		websites = append(websites, w.wire(in, cat))
	}
	subs, err := collect(s, `SELECT `+subscriptionCols+subscriptionFrom+` WHERE s.tenant_id = @tenant ORDER BY s.seq`,
		func() (*subscription, []any) { sub := &subscription{}; return sub, sub.dest() },
		func(sub *subscription) wire.Object { sub.rollover(cat, now); return sub.wire(in, cat) })
	if err != nil {
		return nil, err
	}
	keys, err := collect(s, apiKeySelect+` ORDER BY k.seq`,
		func() (*apiKey, []any) { k := &apiKey{}; return k, k.dest() },
		func(k *apiKey) wire.Object { return k.wire(true) })
	if err != nil {
		return nil, err
	}
	sessions, err := collect(s, `SELECT `+sessionCols+`, (SELECT intp_website_id FROM twipla_websites w
		WHERE w.seq = twipla_sessions.website_seq) FROM twipla_sessions WHERE tenant_id = @tenant ORDER BY seq`,
		func() (*sessionRow, []any) { r := &sessionRow{}; return r, append(r.dest(), &r.intpWebsiteID) },
		func(r *sessionRow) wire.Object {
			o := append(wire.Obj("intpWebsiteId", r.intpWebsiteID), r.wire(allDimensions())...)
			return append(o, sessionExtras(&r.session)...)
		})
	if err != nil {
		return nil, err
	}
	extras, err := dumpExtras(s)
	if err != nil {
		return nil, err
	}
	o = o.Set("packages", packages).Set("customers", customers).Set("websites", websites).
		Set("subscriptions", subs).Set("apiKeys", keys).Set("sessions", sessions)
	return append(o, extras...), nil
}

// sessionRow is a session with its website, for the state dump.
type sessionRow struct {
	session
	intpWebsiteID string
}

// collect runs a scoped query and renders each row: next gives a value and
// its scan destinations.
func collect[T any](s store.Scoped, query string, next func() (*T, []any), render func(*T) wire.Object) ([]wire.Object, error) {
	rows, err := s.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wire.Object{}
	for rows.Next() {
		v, dest := next()
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, render(v))
	}
	return out, rows.Err()
}
