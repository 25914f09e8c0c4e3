package justclick

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Id sequences shared by all accounts (reference §3): created objects are
// numbered from 1000 on, so ids never collide between accounts.
const (
	seqGroup = "group"
	seqGood  = "good"
	seqOrder = "order"
	// firstID is the first id a sequence hands out.
	firstID = 1000
)

// nextID takes the next id of a sequence. An UPDATE and a SELECT cost a
// fraction of one upsert with RETURNING (SQLite runs RETURNING through a
// temporary table).
func nextID(tx *store.Tx, kind string) (int64, error) {
	res, err := tx.Exec(`UPDATE justclick_sequence SET last = last + 1 WHERE kind = ?`, kind)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			_, err = tx.Exec(`INSERT INTO justclick_sequence (kind, last) VALUES (?, ?)`, kind, firstID)
		}
		return firstID, err
	}
	var id int64
	err = tx.QueryRow(`SELECT last FROM justclick_sequence WHERE kind = ?`, kind).Scan(&id)
	return id, err
}

// reserveID moves a sequence past an id a seed chose, so that later ids do
// not collide with it.
func reserveID(tx *store.Tx, kind string, id int64) error {
	if id < firstID {
		return nil
	}
	_, err := tx.Exec(`INSERT INTO justclick_sequence (kind, last) VALUES (?, ?)
		ON CONFLICT (kind) DO UPDATE SET last = max(last, excluded.last)`, kind, id)
	return err
}

// settings are an account's credentials and switches, as the tenants
// route and seed documents give them (absent: unchanged, or the default).
type settings struct {
	Login              string   `json:"login"`
	Secret             *string  `json:"secret"`
	Disabled           *bool    `json:"disabled"`
	ActivationRequired *bool    `json:"activation_required"`
	OrdersAPI          *bool    `json:"orders_api"`
	APICanSubscribe    *bool    `json:"api_can_subscribe"`
	Domains            []string `json:"domains"`
}

// seedTenant is one account of a seed document: its settings and data,
// and its clock as the state dump shows it.
type seedTenant struct {
	settings
	CallbackURL *string         `json:"callback_url"`
	Groups      []seedGroup     `json:"groups"`
	Goods       []seedGood      `json:"goods"`
	Contacts    []seedContact   `json:"contacts"`
	Orders      []seedOrder     `json:"orders"`
	Partners    []seedPartner   `json:"partners"`
	Clock       json.RawMessage `json:"clock"`
}

type seedGroup struct {
	RassID    num    `json:"rass_id"`
	RassName  string `json:"rass_name"`
	RassTitle string `json:"rass_title"`
	Auto      bool   `json:"auto"`
}

type seedGood struct {
	GoodID             num    `json:"good_id"`
	GoodName           string `json:"good_name"`
	GoodTitle          string `json:"good_title"`
	GoodType           string `json:"good_type"`
	GoodSum            num    `json:"good_sum"`
	GoodClientRassilki string `json:"good_client_rassilki"`
}

type seedContact struct {
	Email         string             `json:"email"`
	Name          string             `json:"name"`
	Phone         string             `json:"phone"`
	City          string             `json:"city"`
	Tags          string             `json:"tags"`
	Subscriptions []seedSubscription `json:"subscriptions"`
}

type seedSubscription struct {
	RassName         string `json:"rass_name"`
	Status           string `json:"status"`
	SubscriptionTime num    `json:"subscription_time"`
	Extra            string `json:"extra"`
}

type seedOrder struct {
	BillID         num               `json:"bill_id"`
	Email          string            `json:"email"`
	FirstName      string            `json:"first_name"`
	LastName       string            `json:"last_name"`
	MiddleName     string            `json:"middle_name"`
	Phone          string            `json:"phone"`
	Country        string            `json:"country"`
	Region         string            `json:"region"`
	City           string            `json:"city"`
	Address        string            `json:"address"`
	PostalCode     string            `json:"postalcode"`
	Kupon          string            `json:"kupon"`
	Tag            string            `json:"tag"`
	Comment        string            `json:"comment"`
	Domain         string            `json:"domain"`
	UTM            map[string]string `json:"utm"`
	Created        num               `json:"created"`
	PayStatus      string            `json:"pay_status"`
	Paid           num               `json:"paid"`
	PaidSum        num               `json:"paid_sum"`
	Payway         string            `json:"payway"`
	DeliveryStatus string            `json:"delivery_status"`
	Deleted        bool              `json:"deleted"`
	Goods          []seedItem        `json:"goods"`

	// The state dump's names: id (the bill_id), items (the goods as they
	// were ordered, whose ids good_ids gives), rpo. What the dump derives
	// from the order is accepted and not used.
	ID           num             `json:"id"`
	Items        []dumpItem      `json:"items"`
	GoodIDs      string          `json:"good_ids"`
	Rpo          string          `json:"rpo"`
	Type         json.RawMessage `json:"type"`
	Link         json.RawMessage `json:"link"`
	GoodCount    json.RawMessage `json:"good_count"`
	Price        json.RawMessage `json:"price"`
	BillSumTopay json.RawMessage `json:"bill_sum_topay"`
}

// dumpItem is an ordered good as the dump shows it: id is its name.
type dumpItem struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Price    num             `json:"price"`
	Sum      num             `json:"sum"`
	Partners json.RawMessage `json:"partners"`
}

type seedItem struct {
	GoodName string `json:"good_name"`
	GoodSum  num    `json:"good_sum"`
}

type seedPartner struct {
	Partner string    `json:"partner"`
	Stats   []seedDay `json:"stats"`
}

type seedDay struct {
	Date     string `json:"date"`
	Clicks   num    `json:"clicks"`
	Leads    num    `json:"leads"`
	Bills    num    `json:"bills"`
	Earned   num    `json:"earned"`
	Topay    num    `json:"topay"`
	Partners num    `json:"partners"`
}

// defaultTenant is the account of reference §3, on which the document's
// samples work verbatim.
func defaultTenant() seedTenant {
	secret := DefaultSecret
	return seedTenant{
		settings: settings{Login: DefaultTenant, Secret: &secret, Domains: []string{"shop.example.com"}},
		Groups: []seedGroup{
			{RassID: "1", RassName: "news", RassTitle: "Newsletter"},
			{RassID: "2", RassName: "vip", RassTitle: "VIP clients"},
			{RassID: "3", RassName: "allleads", RassTitle: "All contacts", Auto: true},
		},
		Goods: []seedGood{
			{GoodID: "1", GoodName: "course1", GoodTitle: "Online course", GoodSum: "990.00"},
			{GoodID: "2", GoodName: "book", GoodTitle: "Paper book", GoodType: physicalType, GoodSum: "1500.00"},
		},
		Contacts: []seedContact{{
			Email: "subscriber@example.com", Name: "Dear Friend", Phone: "+70000000000", City: "Moscow",
			Subscriptions: []seedSubscription{
				{RassName: "news", Status: statusSubscribe, SubscriptionTime: "1470009600"},
				{RassName: "vip", Status: statusUnsubscribe, SubscriptionTime: "1470096000"},
			},
		}},
		Orders: []seedOrder{{
			BillID: "1", Email: "subscriber@example.com", FirstName: "Dear", LastName: "Friend",
			Goods: []seedItem{{GoodName: "course1"}}, Created: "1470096000", PayStatus: payPaid,
			Paid: "1470182400", Payway: defaultPayway,
		}},
		Partners: []seedPartner{{Partner: "my_partner_login", Stats: []seedDay{
			{Date: "2016-08-05", Clicks: "40", Leads: "10", Bills: "2", Earned: "100.00", Topay: "50.00", Partners: "1"},
			{Date: "2016-09-10", Clicks: "80", Leads: "15", Bills: "3", Earned: "150.50", Topay: "75.25", Partners: "1"},
			{Date: "2016-10-01", Clicks: "5", Leads: "1", Bills: "1", Earned: "20.00", Topay: "20.00", Partners: "0"},
		}}},
	}
}

// Defaults implements emu.Vendor: the account of reference §3.
func (e *Emulator) Defaults(tx *store.Tx) error {
	return applyTenant(tx, defaultTenant())
}

// ResetTenant implements emu.Vendor. The default account returns to
// reference §3; any other keeps its credentials, switches and domains and
// loses its data and callback URL.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	t, err := tx.Tenant(Name, asciiLower(key))
	if err != nil {
		return err
	}
	// The data goes with the tenant's retired id (store.RetireTenant):
	// nothing in JustClick finds a row across tenants.
	if t.Key == DefaultTenant {
		if _, err := tx.RetireTenant(t); err != nil {
			return err
		}
		return applyTenant(tx, defaultTenant())
	}
	_, err = tx.RetireTenant(t, "justclick_account", "justclick_domain")
	return err
}

var (
	loginPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	secretPattern = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)
)

// CreateTenant implements emu.Vendor (reference §7.1).
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	var in settings
	if err := emu.DecodeStrict(body, &in); err != nil {
		return nil, err
	}
	if in.Login == "" {
		in.Login = "jc" + emu.RandomHex(10)
	}
	if in.Secret == nil {
		s := emu.RandomString(40, emu.UpperAlnum)
		in.Secret = &s
	}
	if in.Domains == nil {
		in.Domains = []string{}
	}
	if _, err := tx.Tenant(Name, in.Login); err == nil {
		return nil, emu.Conflict("login already exists")
	}
	if err := applyTenant(tx, seedTenant{settings: in}); err != nil {
		return nil, err
	}
	t, err := tx.Tenant(Name, in.Login)
	if err != nil {
		return nil, err
	}
	return tenantSettings(tx.Scope(t))
}

// tenantSettings is an account as the tenants route answers it.
func tenantSettings(s store.Scoped) (wire.Object, error) {
	var a account
	err := s.QueryRow(`SELECT login, secret, disabled, activation_required, orders_api, api_can_subscribe
		FROM justclick_account WHERE tenant_id = @tenant`).
		Scan(&a.login, &a.secret, &a.disabled, &a.activationRequired, &a.ordersAPI, &a.apiCanSubscribe)
	if err != nil {
		return nil, err
	}
	return wire.Obj("login", a.login, "secret", a.secret, "disabled", a.disabled,
		"activation_required", a.activationRequired, "orders_api", a.ordersAPI,
		"api_can_subscribe", a.apiCanSubscribe, "domains", accountDomains(s)), nil
}

// LoadSeed implements emu.Vendor: {"tenants":[…]}, each a tenant of
// §7.1 plus its data; an existing login is extended (objects with the same
// name, e-mail, bill_id or date are replaced), a new one created.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	var doc struct {
		Tenants []seedTenant `json:"tenants"`
	}
	if err := emu.DecodeStrict(section, &doc); err != nil {
		return err
	}
	for i, st := range doc.Tenants {
		if st.Login == "" {
			return emu.BadRequest("tenants[%d]: login is required", i)
		}
		if err := applyTenant(tx, st); err != nil {
			var ce *emu.Error
			if errors.As(err, &ce) {
				return emu.BadRequest("tenants[%d]: %s", i, ce.Message)
			}
			return err
		}
	}
	return nil
}

// applyTenant creates or extends the account st describes, with its data.
func applyTenant(tx *store.Tx, st seedTenant) error {
	if err := st.settings.validate(); err != nil {
		return err
	}
	t, err := tx.Tenant(Name, st.Login)
	if errors.Is(err, store.ErrNoTenant) {
		t, err = tx.CreateTenant(Name, st.Login)
	}
	if err != nil {
		return err
	}
	s := tx.Scope(t)
	if err := applySettings(s, st.settings); err != nil {
		return err
	}
	if st.CallbackURL != nil {
		if err := setCallback(s, *st.CallbackURL); err != nil {
			return err
		}
	}
	steps := []func() error{
		func() error {
			return eachSeed("groups", st.Groups, func(g seedGroup) error { return seedGroupRow(s, g) })
		},
		func() error { return eachSeed("goods", st.Goods, func(g seedGood) error { return seedGoodRow(s, g) }) },
		func() error {
			return eachSeed("contacts", st.Contacts, func(c seedContact) error { return seedContactRow(s, c) })
		},
		func() error {
			return eachSeed("orders", st.Orders, func(o seedOrder) error { return seedOrderRow(s, o) })
		},
		func() error {
			return eachSeed("partners", st.Partners, func(p seedPartner) error { return seedPartnerRows(s, p) })
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return emu.SeedClock(tx, t, st.Clock)
}

// eachSeed applies every item, naming the failing one.
func eachSeed[T any](what string, items []T, apply func(T) error) error {
	for i, it := range items {
		if err := apply(it); err != nil {
			var ce *emu.Error
			if errors.As(err, &ce) {
				return emu.BadRequest("%s[%d]: %s", what, i, ce.Message)
			}
			return err
		}
	}
	return nil
}

func (in settings) validate() error {
	if !loginPattern.MatchString(in.Login) {
		return emu.BadRequest("login must match ^[a-z0-9][a-z0-9-]{1,62}$, got %q", in.Login)
	}
	if in.Secret != nil && !secretPattern.MatchString(*in.Secret) {
		return emu.BadRequest("secret must be 1–128 printable ASCII characters without spaces")
	}
	for _, d := range in.Domains {
		if d == "" || strings.ContainsAny(d, " \t\r\n/") {
			return emu.BadRequest("domains must be host names, got %q", d)
		}
	}
	return nil
}

// applySettings writes the account row (creating it with the defaults of
// §7.1) and the settings given.
func applySettings(s store.Scoped, in settings) error {
	secret := emu.RandomString(40, emu.UpperAlnum) // only used when the account is new
	if in.Secret != nil {
		secret = *in.Secret
	}
	if _, err := s.Exec(`INSERT INTO justclick_account (tenant_id, login, secret) VALUES (@tenant, ?, ?)
		ON CONFLICT (tenant_id) DO NOTHING`, in.Login, secret); err != nil {
		return err
	}
	sets := []struct {
		column string
		value  any
		given  bool
	}{
		{"secret", in.Secret, in.Secret != nil},
		{"disabled", in.Disabled, in.Disabled != nil},
		{"activation_required", in.ActivationRequired, in.ActivationRequired != nil},
		{"orders_api", in.OrdersAPI, in.OrdersAPI != nil},
		{"api_can_subscribe", in.APICanSubscribe, in.APICanSubscribe != nil},
	}
	for _, set := range sets {
		if !set.given {
			continue
		}
		if _, err := s.Exec(`UPDATE justclick_account SET `+set.column+` = ? WHERE tenant_id = @tenant`, set.value); err != nil {
			return err
		}
	}
	if in.Domains == nil {
		return nil
	}
	if _, err := s.Exec(`DELETE FROM justclick_domain WHERE tenant_id = @tenant`); err != nil {
		return err
	}
	for i, d := range in.Domains {
		if _, err := s.Exec(`INSERT INTO justclick_domain (tenant_id, position, domain) VALUES (@tenant, ?, ?)`, i, d); err != nil {
			return err
		}
	}
	return nil
}

var rassNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func seedGroupRow(s store.Scoped, g seedGroup) error {
	if !rassNamePattern.MatchString(g.RassName) {
		return emu.BadRequest("rass_name must be 1–64 of [A-Za-z0-9_-], got %q", g.RassName)
	}
	if g.RassTitle == "" {
		g.RassTitle = g.RassName
	}
	kind := kindStandard
	if g.Auto {
		kind = kindAuto
	}
	if _, exists, err := groupByName(s, g.RassName); err != nil || exists {
		if err == nil {
			_, err = s.Exec(`UPDATE justclick_group SET rass_title = ?, kind = ? WHERE tenant_id = @tenant AND rass_name = ?`,
				g.RassTitle, kind, g.RassName)
		}
		return err
	}
	id, err := seedID(s.Tx(), seqGroup, "rass_id", g.RassID)
	if err != nil {
		return err
	}
	_, err = s.Exec(`INSERT INTO justclick_group (tenant_id, rass_id, rass_name, rass_title, kind) VALUES (@tenant, ?, ?, ?, ?)`,
		id, g.RassName, g.RassTitle, kind)
	if store.IsUniqueViolation(err) {
		return emu.BadRequest("rass_id %d is taken", id)
	}
	return err
}

// seedID is an id a seed gives (reserved in its sequence), or the next one.
func seedID(tx *store.Tx, kind, field string, n num) (int64, error) {
	if n == "" {
		return nextID(tx, kind)
	}
	id, ok := positiveInt(string(n))
	if !ok {
		return 0, emu.BadRequest("%s must be an integer > 0, got %q", field, n)
	}
	return id, reserveID(tx, kind, id)
}

func seedGoodRow(s store.Scoped, sg seedGood) error {
	if sg.GoodName == "" {
		return emu.BadRequest("good_name is required")
	}
	cents, ok := parseMoney(string(sg.GoodSum))
	if !ok {
		return emu.BadRequest("good_sum must be a decimal ≥ 0, got %q", sg.GoodSum)
	}
	g := good{name: sg.GoodName, title: sg.GoodTitle, physical: sg.GoodType == physicalType, cents: cents, clients: sg.GoodClientRassilki}
	if g.title == "" {
		g.title = g.name
	}
	if old, exists := goodByName(s, g.name); exists {
		g.id = old.id
		if _, err := s.Exec(`DELETE FROM justclick_good WHERE tenant_id = @tenant AND good_id = ?`, g.id); err != nil {
			return err
		}
	} else {
		id, err := seedID(s.Tx(), seqGood, "good_id", sg.GoodID)
		if err != nil {
			return err
		}
		g.id = id
	}
	if err := insertGood(s, g); err != nil {
		if store.IsUniqueViolation(err) {
			return emu.BadRequest("good_id %d is taken", g.id)
		}
		return err
	}
	return createClientGroups(s, g)
}

func seedContactRow(s store.Scoped, c seedContact) error {
	email := asciiLower(c.Email)
	if !emailPattern.MatchString(email) {
		return emu.BadRequest("email must be an e-mail address, got %q", c.Email)
	}
	if c.Name == "" {
		c.Name = defaultLeadName
	}
	if _, err := s.Exec(`INSERT INTO justclick_contact (tenant_id, email, name, phone, city, tags) VALUES (@tenant, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, email) DO UPDATE SET name = excluded.name, phone = excluded.phone,
			city = excluded.city, tags = excluded.tags`, email, c.Name, c.Phone, c.City, c.Tags); err != nil {
		return err
	}
	id, _ := contactID(s, email)
	return eachSeed("subscriptions", c.Subscriptions, func(sub seedSubscription) error {
		g, ok, err := groupByName(s, sub.RassName)
		if err != nil {
			return err
		}
		if !ok {
			return emu.BadRequest("unknown group %q", sub.RassName)
		}
		if sub.Status == "" {
			sub.Status = statusSubscribe
		}
		if !statuses[sub.Status] {
			return emu.BadRequest("status must be one of the STATUS_* values, got %q", sub.Status)
		}
		at, err := seedTime(s, "subscription_time", sub.SubscriptionTime)
		if err != nil {
			return err
		}
		return setSubscription(s, id, g.id, sub.Status, at, sub.Extra)
	})
}

// seedTime is a unix time a seed gives, or now.
func seedTime(s store.Scoped, field string, n num) (int64, error) {
	if n == "" {
		return s.Now().Unix(), nil
	}
	t, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || t < 0 {
		return 0, emu.BadRequest("%s must be unix seconds, got %q", field, n)
	}
	return t, nil
}

var (
	payStatuses      = map[string]bool{payWaiting: true, payPaid: true, payCancel: true, payMoneyback: true}
	deliveryStatuses = map[string]bool{"": true, "sent": true, "return": true}
)

func seedOrderRow(s store.Scoped, so seedOrder) error {
	o := order{
		email: asciiLower(so.Email), firstName: so.FirstName, lastName: so.LastName, middleName: so.MiddleName,
		phone: so.Phone, country: so.Country, region: so.Region, city: so.City, address: so.Address,
		postalcode: so.PostalCode, kupon: so.Kupon, tag: so.Tag, comment: so.Comment, domain: cleanDomain(so.Domain),
		payStatus: so.PayStatus, payway: so.Payway, delivery: so.DeliveryStatus, deleted: so.Deleted, rpo: so.Rpo,
	}
	switch {
	case so.ID != "" && so.BillID != "" && so.ID != so.BillID:
		return emu.BadRequest("id and bill_id name different orders")
	case so.ID != "":
		so.BillID = so.ID
	}
	if !emailPattern.MatchString(o.email) {
		return emu.BadRequest("email must be an e-mail address, got %q", so.Email)
	}
	if o.payStatus == "" {
		o.payStatus = payWaiting
	}
	if !payStatuses[o.payStatus] || !deliveryStatuses[o.delivery] {
		return emu.BadRequest("pay_status must be waiting|paid|cancel|moneyback and delivery_status ''|sent|return")
	}
	for k, v := range so.UTM {
		k = strings.TrimPrefix(k, "utm_")
		if !slices.Contains(utmKeys, k) || v == "" {
			return emu.BadRequest("utm keys are medium, source, campaign, content, term with non-empty values")
		}
		if o.utm == nil {
			o.utm = map[string]string{}
		}
		o.utm[k] = v
	}
	var err error
	if o.created, err = seedTime(s, "created", so.Created); err != nil {
		return err
	}
	if so.Paid != "" {
		if o.paid, err = seedTime(s, "paid", so.Paid); err != nil {
			return err
		}
	}
	if len(so.Items) > 0 {
		if len(so.Goods) > 0 {
			return emu.BadRequest("give goods or items, not both")
		}
		if err := dumpedItems(s, so, &o); err != nil {
			return err
		}
	} else if len(so.Goods) == 0 {
		return emu.BadRequest("goods must name at least one good")
	}
	if err := eachSeed("goods", so.Goods, func(it seedItem) error {
		g, ok := goodByName(s, it.GoodName)
		if !ok {
			return emu.BadRequest("unknown good %q", it.GoodName)
		}
		sum := g.cents
		if it.GoodSum != "" {
			if sum, ok = parseMoney(string(it.GoodSum)); !ok {
				return emu.BadRequest("good_sum must be a decimal ≥ 0, got %q", it.GoodSum)
			}
		}
		o.items = append(o.items, item{goodID: g.id, name: g.name, title: g.title, physical: g.physical, price: g.cents, sum: sum})
		return nil
	}); err != nil {
		return err
	}
	o.paidCents = o.price()
	if so.PaidSum != "" {
		var ok bool
		if o.paidCents, ok = parseMoney(string(so.PaidSum)); !ok {
			return emu.BadRequest("paid_sum must be a decimal ≥ 0, got %q", so.PaidSum)
		}
	}
	if o.id, err = seedID(s.Tx(), seqOrder, "bill_id", so.BillID); err != nil {
		return err
	}
	for _, table := range []string{"justclick_order", "justclick_order_item"} {
		if _, err := s.Exec(`DELETE FROM `+table+` WHERE tenant_id = @tenant AND bill_id = ?`, o.id); err != nil {
			return err
		}
	}
	return insertOrder(s, o)
}

// dumpedItems reads an order's items as the dump shows them: each keeps
// its name, title and prices as they were ordered, and the good id good_ids
// gives, whether or not the good still exists.
func dumpedItems(s store.Scoped, so seedOrder, o *order) error {
	ids := strings.Split(so.GoodIDs, ",")
	if len(ids) != len(so.Items) {
		return emu.BadRequest("good_ids must give the good id of each of the %d items", len(so.Items))
	}
	physical := string(so.Type) == `"1"`
	return eachSeed("items", so.Items, func(it dumpItem) error {
		id, ok := positiveInt(ids[len(o.items)])
		if !ok || it.ID == "" {
			return emu.BadRequest("an item needs its good's name (id) and a good id in good_ids")
		}
		price, ok1 := parseMoney(string(it.Price))
		sum, ok2 := parseMoney(string(it.Sum))
		if !ok1 || !ok2 {
			return emu.BadRequest("price and sum must be decimals ≥ 0")
		}
		phys := physical
		if g, exists := goodByName(s, it.ID); exists && g.id == id {
			phys = g.physical
		}
		title := it.Title
		if title == "" {
			title = it.ID
		}
		o.items = append(o.items, item{goodID: id, name: it.ID, title: title, physical: phys, price: price, sum: sum})
		return nil
	})
}

func seedPartnerRows(s store.Scoped, p seedPartner) error {
	if p.Partner == "" {
		return emu.BadRequest("partner is required")
	}
	if _, err := s.Exec(`INSERT INTO justclick_partner (tenant_id, partner) VALUES (@tenant, ?) ON CONFLICT DO NOTHING`, p.Partner); err != nil {
		return err
	}
	return eachSeed("stats", p.Stats, func(d seedDay) error {
		date, ok := day(d.Date)
		if !ok || date != d.Date {
			return emu.BadRequest("date must be YYYY-MM-DD, got %q", d.Date)
		}
		var counts [4]int64
		for i, n := range []struct {
			name string
			v    num
		}{{"clicks", d.Clicks}, {"leads", d.Leads}, {"bills", d.Bills}, {"partners", d.Partners}} {
			c, err := strconv.ParseInt(string(n.v), 10, 64)
			if n.v == "" {
				c, err = 0, nil
			}
			if err != nil || c < 0 {
				return emu.BadRequest("%s must be an integer ≥ 0, got %q", n.name, n.v)
			}
			counts[i] = c
		}
		var amounts [2]int64
		for i, n := range []struct {
			name string
			v    num
		}{{"earned", d.Earned}, {"topay", d.Topay}} {
			c, ok := parseMoney(string(n.v))
			if n.v == "" {
				c, ok = 0, true
			}
			if !ok {
				return emu.BadRequest("%s must be a decimal ≥ 0, got %q", n.name, n.v)
			}
			amounts[i] = c
		}
		_, err := s.Exec(`INSERT INTO justclick_partner_day (tenant_id, partner, date, clicks, leads, bills, partners, earned_cents, topay_cents)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, partner, date) DO UPDATE SET clicks = excluded.clicks, leads = excluded.leads,
				bills = excluded.bills, partners = excluded.partners, earned_cents = excluded.earned_cents,
				topay_cents = excluded.topay_cents`,
			p.Partner, date, counts[0], counts[1], counts[2], counts[3], amounts[0], amounts[1])
		return err
	})
}

// setCallback sets (or, with "", removes) the account's callback URL.
func setCallback(s store.Scoped, raw string) error {
	if raw == "" {
		_, err := s.Exec(`DELETE FROM justclick_callback WHERE tenant_id = @tenant`)
		return err
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return emu.BadRequest("url must be an absolute http or https URL, got %q", raw)
	}
	_, err = s.Exec(`INSERT INTO justclick_callback (tenant_id, url) VALUES (@tenant, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url`, raw)
	return err
}

// num is a number in a control-plane body: a JSON number or a numeric
// string, kept as its text and checked where it is used.
type num string

// UnmarshalJSON accepts a number, a string or null.
func (n *num) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = num(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*n = num(b)
	default:
		return fmt.Errorf("want a number or a numeric string, got %s", b)
	}
	return nil
}
