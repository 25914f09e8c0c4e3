package keitaro

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"github.com/vendoremu/vendoremu/openapi"
)

// This file declares the Admin API and the tracker's public side for the
// OpenAPI document. Request bodies of the entities are derived from their
// field tables (the same ones the handlers decode with), answers are the
// object schemas below, one per dialect where §4.0.4 says they differ; the
// route table (routes.go) registers each route with its Op.

// OpenAPI implements emu.Vendor: one document per dialect, the configured
// one first (GET /_emulator/openapi/keitaro.json?dialect=classic|modern).
func (e *Emulator) OpenAPI() *openapi.Doc {
	variants := []string{classic.String(), modern.String()}
	if e.dialect == modern {
		variants = []string{modern.String(), classic.String()}
	}
	return &openapi.Doc{
		Title:   "Keitaro Admin API v1 (vendoremu)",
		Version: "v1",
		Description: "Keitaro's Admin API and the tracker's public side (campaign URLs, landing click-through, " +
			"postbacks) as the emulator serves them. Answers come in two dialects: `classic` (the 2017 document's " +
			"shapes) and `modern` (newer trackers); each tenant speaks one, and this document describes one — " +
			"pick it with `?dialect=`.\n\n" +
			"Request bodies are JSON (also when labelled as a form, as PHP clients send them); flat form fields " +
			"work too. The JSON literal `null` is an empty body. GET and DELETE parameters may travel in the " +
			"query string or a JSON body (the query string wins). Values are coerced as §1.3 of the reference " +
			"says — a string field takes a number, an integer field a digit string or `24.0`, a boolean `1`/`0`/" +
			"`\"true\"` — which the schemas show as type unions. Unknown members are ignored.\n\n" +
			"Every success is HTTP 200. Errors: 400 `{\"error\":\"Invalid JSON\"}`, 401 `{\"error\":\"Unauthorized\"}`, " +
			"402 (starter edition), 404 `{\"error\":\"Not found\"}`, 406 `{\"<field>\":[\"<message>\"]}`.",
		Servers:      []openapi.Server{{Description: "the tracker"}},
		Variants:     variants,
		VariantParam: "dialect",
		Schemes: []openapi.SecurityScheme{
			{Name: "apiKey", Type: "apiKey", In: "header", ParamName: "Api-Key", Description: "the tenant's API key (wins over a Bearer key)"},
			{Name: "bearer", Type: "http", Scheme: "bearer", Description: "the API key as `Authorization: Bearer <key>`"},
		},
		Security: []openapi.Requirement{{"apiKey"}, {"bearer"}},
		Tags: []openapi.Tag{
			{Name: "affiliate networks"}, {Name: "campaigns"}, {Name: "streams"}, {Name: "offers"},
			{Name: "landing pages"}, {Name: "traffic sources"}, {Name: "groups"}, {Name: "domains"}, {Name: "users"},
			{Name: "bot list"}, {Name: "integrations"}, {Name: "reports"}, {Name: "logs"},
			{Name: "tracker", Description: "the public side: visitors, landing click-through, postbacks"},
		},
		Unmatched: []*openapi.Response{
			openapi.JSONAnswer(http.StatusNotFound, "an unknown Admin API path or method (after authentication)", errorSchema).Named("NotFound"),
			openapi.JSONAnswer(http.StatusUnauthorized, "an Admin API path without a valid key", errorSchema).Named("Unauthorized"),
			openapi.JSONAnswer(http.StatusPaymentRequired, "an Admin API path for a starter-edition tenant", errorSchema).Named("PaymentRequired"),
			textNotFound.Named("TrackerNotFound"),
			visitorRedirect.Named("VisitorRedirect").AsError(),
			visitorPage.Named("VisitorPage").AsError(),
		},
		Common: []*openapi.Response{
			openapi.JSONAnswer(http.StatusInternalServerError, "a recovered panic (a bug)", errorSchema),
		},
	}
}

// errorSchema is {"error":"…"}.
var errorSchema = openapi.Named("Error", openapi.Object(openapi.Field("error", openapi.String())))

// Error answers of the Admin API.
var (
	invalidJSON = openapi.JSONAnswer(http.StatusBadRequest, "the body is neither a JSON object nor a form", errorSchema)
	notFoundErr = openapi.JSONAnswer(http.StatusNotFound, "unknown or archived id", errorSchema)
	validation  = openapi.JSONAnswer(http.StatusNotAcceptable, "validation: every failing field with its message",
		openapi.Named("ValidationErrors", openapi.Map(openapi.Array(openapi.String())).
			Example(map[string]any{"name": []string{"This field is required"}})))
	authErrors = []*openapi.Response{
		openapi.JSONAnswer(http.StatusUnauthorized, "no API key, or an unknown one", errorSchema),
		openapi.JSONAnswer(http.StatusPaymentRequired, "the tenant's edition has no Admin API", errorSchema),
	}
	textNotFound = openapi.Answer(http.StatusNotFound, "no such campaign, click, key or stream answer",
		openapi.Media{Type: "text/plain", Schema: openapi.String().Const("Not Found")})
)

// Shorthands.
var (
	str    = openapi.String
	opt    = openapi.Optional
	object = openapi.Object
	array  = openapi.Array
)

// byDialect is one schema per dialect.
func byDialect(f func(d dialect) *openapi.Schema) *openapi.Schema {
	return openapi.Variants(map[string]*openapi.Schema{classic.String(): f(classic), modern.String(): f(modern)})
}

// Request value shapes (§1.3): what each reader accepts.
var (
	textIn = openapi.Named("TextIn", str().Or(openapi.Number()).Describe("a string, or a number (read as its decimal text)"))
	intIn  = openapi.Named("IntegerIn", openapi.Integer().Or(str()).Pattern(`^-?[0-9]+(\.0*)?$`).
		Describe("an integer, or a string of one"))
	nullIntIn = openapi.Named("NullableIntegerIn", openapi.Integer().Or(str()).Or(openapi.Null()).Pattern(`^(-?[0-9]+(\.0*)?)?$`).
			Describe("an integer or a string of one; null, \"\" and 0 mean none"))
	decimalIn = openapi.Named("DecimalIn", openapi.Number().Or(str()).Pattern(`^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`).
			Describe("a number, or a decimal string"))
	boolIn = openapi.Named("BooleanIn", openapi.AnyOf(openapi.Boolean(), openapi.Integer().Enum(0, 1),
		str().Pattern(`^([01]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$`)).
		Describe("true/false, 1/0, \"1\"/\"0\" or \"true\"/\"false\""))
	jsonObjectIn = openapi.OneOf(object().Open(), array(openapi.Any()).MaxItems(0), openapi.Null()).
			Describe("an object (an empty array is the empty object), or null")
	parametersIn = openapi.OneOf(
		openapi.Map(object(openapi.Field("name", textIn), opt("placeholder", textIn.Nullable()), opt("alias", textIn.Nullable())).Open()),
		array(openapi.Any()).MaxItems(0),
	).Describe("parameter key (keyword, cost, currency, external_id, creative_id, ad_campaign_id, source, sub_id_1…sub_id_15) → {name, placeholder, alias}")
	statusListIn = openapi.OneOf(array(str().Strings(conversionStatuses...)), str()).
			Describe("lead, sale, rejected, rebill: a list, or a comma-separated string")
	postbacksIn_ = array(object(
		opt("id", intIn), opt("method", str().Describe("GET or POST")), opt("statuses", statusListIn.Nullable()),
		opt("url", textIn.Nullable()),
	).Open())
	countriesIn = openapi.OneOf(array(str()), str(), openapi.Null()).
			Describe("ISO codes: a list, one comma-separated string, or null")
	preferencesIn = object(opt("language", str().Strings(languages...)), opt("timezone", str().Describe("an IANA name"))).Open()
	proxyIn_      = object(
		opt("protocol", str().Describe("http, https or socks5")), opt("address", textIn), opt("port", intIn),
		opt("login", textIn), opt("password", textIn),
	).Open()
)

// readerSchemas are the request shapes of the readers, by function.
var readerSchemas = map[uintptr]*openapi.Schema{
	fn(text):             textIn,
	fn(textOrNull):       textIn.Nullable(),
	fn(textEmptyNull):    textIn.Nullable(),
	fn(integer):          intIn,
	fn(nullInteger):      nullIntIn,
	fn(decimal):          decimalIn,
	fn(number):           decimalIn,
	fn(boolean):          boolIn,
	fn(jsonObjectOrNull): jsonObjectIn,
	fn(anyJSON):          openapi.Any(),
	fn(currency):         str().Pattern(`^[A-Za-z]{3}$`),
	fn(currencyOrNull):   str().Pattern(`^([A-Za-z]{3})?$`).Nullable(),
	fn(domainName):       textIn,
	fn(filterMode):       str(),
	fn(offerState):       str(),
	fn(countries):        countriesIn,
	fn(parameters):       parametersIn,
	fn(postbacksIn):      postbacksIn_,
	fn(postbackStatuses): statusListIn,
	fn(preferences):      preferencesIn,
	fn(proxyIn):          proxyIn_,
}

func fn(r reader) uintptr { return reflect.ValueOf(r).Pointer() }

// fieldSchema is the request shape of one field.
func fieldSchema(f field) *openapi.Schema {
	s := readerSchemas[fn(f.read)]
	if s == nil {
		panic("keitaro: no request schema for the reader of field " + f.name)
	}
	if len(f.oneOf) > 0 && !f.fold {
		values := slices.Clone(f.oneOf)
		switch fn(f.read) {
		case fn(filterMode):
			values = append(values, "allow")
		case fn(offerState):
			values = append(values, "removed")
		}
		if fn(f.read) == fn(textEmptyNull) {
			values = append(values, "")
		}
		nullable := slices.Contains(s.Types(), "null")
		s = str().Strings(values...)
		if nullable {
			s = s.Nullable()
		}
	}
	if len(f.oneOf) > 0 && f.fold {
		s = s.Describe("one of " + joinList(f.oneOf) + " (any letter case)")
	}
	if f.max > 0 {
		s = s.MaxLength(f.max)
	}
	return s
}

func joinList(items []string) string {
	out := ""
	for i, it := range items {
		if i > 0 {
			out += ", "
		}
		out += it
	}
	return out
}

// fieldsBody is a request body of fields: required ones required on create,
// every one optional on update.
func fieldsBody(fields []field, creating bool) *openapi.Schema {
	var props []openapi.Prop
	for _, f := range fields {
		if (f.only == onCreate && !creating) || (f.only == onUpdate && creating) {
			continue
		}
		p := opt(f.name, fieldSchema(f))
		p.Optional = !(creating && f.required)
		props = append(props, p)
	}
	return object(props...).Open()
}

// jsonBody is a request body as the Admin API reads it: JSON, or flat form
// fields.
func jsonBody(s *openapi.Schema) *openapi.Body {
	return &openapi.Body{Content: []openapi.Media{
		openapi.JSON(s),
		{Type: "application/x-www-form-urlencoded", Schema: s},
		{Type: "multipart/form-data", Schema: s},
	}}
}

// Timestamps.
var (
	datetime    = str().Pattern(`^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`).Describe("YYYY-MM-DD HH:MM:SS, UTC")
	phpTime     = object(openapi.Field("date", str().Pattern(`^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.000000$`)), openapi.Field("timezone_type", openapi.Integer().Const(3)), openapi.Field("timezone", str().Const("UTC")))
	moneySchema = byDialect(func(d dialect) *openapi.Schema { return moneyOut(d, "") })
	idOfDialect = func(d dialect, asString bool) *openapi.Schema {
		return map[bool]*openapi.Schema{true: str(), false: openapi.Integer()}[asString]
	}
	entityStates = str().Strings("active", "disabled", "deleted")
)

// money is an entity's money field in d: classic "10.0000", modern 10.
func moneyOut(d dialect, desc string) *openapi.Schema {
	if d == modern {
		return openapi.Number().Describe(desc)
	}
	return str().Pattern(`^-?[0-9]+\.[0-9]{4}$`).Describe(desc)
}

// Entity objects.

func networkSchema(d dialect, idString bool) *openapi.Schema {
	return object(
		openapi.Field("id", idSchema(idString)),
		openapi.Field("name", str()), openapi.Field("postback_url", str()), openapi.Field("offer_param", str()),
		openapi.Field("template_name", str()), openapi.Field("notes", str()), openapi.Field("state", entityStates),
		openapi.Field("created_at", datetime), openapi.Field("updated_at", datetime),
	)
}

var network = openapi.Named("AffiliateNetwork", networkSchema(classic, false).Example(map[string]any{
	"id": 1, "name": "bitterstrawberry.com", "postback_url": "", "offer_param": "", "template_name": "bitterstrawberrycom",
	"notes": "", "state": "active", "created_at": "2016-11-19 11:17:45", "updated_at": "2017-03-28 19:55:13"}))

var parametersOut = openapi.Map(object(openapi.Field("name", str()), openapi.Field("placeholder", str()), openapi.Field("alias", str())))

func campaignSchema(d dialect) *openapi.Schema {
	updated := datetime
	var example map[string]any
	if d == classic {
		updated = datetime.Nullable().Describe("null until the campaign is first changed")
		// The reference's example (§4.2).
		example = map[string]any{"id": 734, "alias": "test-campaign-x", "name": "Test Campaign X", "type": "position",
			"cookies_ttl": 24, "position": 9999, "state": "active", "created_at": "2017-06-01 13:40:00", "updated_at": nil,
			"cost_type": "CPC", "cost_value": "0.0000", "cost_currency": "USD", "cost_auto": false, "group_id": nil,
			"bind_visitors": nil, "traffic_source_id": nil, "domain_id": nil, "token": "k2j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8",
			"uniqueness_method": "ip_ua", "uniqueness_use_cookies": true, "traffic_loss": 0, "parameters": map[string]any{},
			"postbacks": []any{}, "notes": ""}
	}
	s := object(
		openapi.Field("id", openapi.Integer()), openapi.Field("alias", str()), openapi.Field("name", str()),
		openapi.Field("type", str().Strings("position", "weight")), openapi.Field("cookies_ttl", openapi.Integer()), openapi.Field("position", openapi.Integer()),
		openapi.Field("state", entityStates), openapi.Field("created_at", datetime), openapi.Field("updated_at", updated),
		openapi.Field("cost_type", str().Strings(costTypes...)), openapi.Field("cost_value", moneyOut(d, "")),
		openapi.Field("cost_currency", str()), openapi.Field("cost_auto", openapi.Boolean()),
		openapi.Field("group_id", openapi.Integer().Nullable()), openapi.Field("bind_visitors", str().Strings("s", "sl", "slo").Nullable()),
		openapi.Field("traffic_source_id", openapi.Integer().Nullable()), openapi.Field("domain_id", openapi.Integer().Nullable()),
		openapi.Field("token", str()), openapi.Field("uniqueness_method", str().Strings("ip", "ip_ua")),
		openapi.Field("uniqueness_use_cookies", openapi.Boolean()), openapi.Field("traffic_loss", openapi.Number()),
		openapi.Field("parameters", parametersOut),
		openapi.Field("postbacks", array(object(openapi.Field("id", openapi.Integer()), openapi.Field("campaign_id", openapi.Integer()),
			openapi.Field("method", str().Strings("GET", "POST")), openapi.Field("statuses", array(str())), openapi.Field("url", str())))),
		openapi.Field("notes", str()),
	)
	if example != nil {
		s = s.Example(example)
	}
	return s
}

var campaign = openapi.Named("Campaign", byDialect(campaignSchema))

var (
	filterOut = object(openapi.Field("id", openapi.Integer()), openapi.Field("stream_id", openapi.Integer()), openapi.Field("name", str()),
		openapi.Field("mode", str().Strings("accept", "reject")), openapi.Field("payload", openapi.Any()))
	triggerOut = object(openapi.Field("id", openapi.Integer()), openapi.Field("stream_id", openapi.Integer()), openapi.Field("condition", str()),
		openapi.Field("target", str()), openapi.Field("action", str()), openapi.Field("selected_page", str()), openapi.Field("pattern", str()),
		openapi.Field("interval", openapi.Integer()), openapi.Field("alternative_urls", str()), openapi.Field("grab_from_page", str()),
		openapi.Field("av_settings", str()), openapi.Field("reverse", openapi.Boolean()), openapi.Field("scan_page", openapi.Boolean()),
		openapi.Field("enabled", openapi.Boolean()), openapi.Field("next_run_at", openapi.Null()))
	linkOut = func(ref string) *openapi.Schema {
		return object(openapi.Field("id", openapi.Integer()), openapi.Field("stream_id", openapi.Integer()), openapi.Field(ref, openapi.Integer()),
			openapi.Field("state", str().Strings("active", "disabled")), openapi.Field("share", openapi.Integer()),
			openapi.Field("created_at", datetime), openapi.Field("updated_at", datetime))
	}
)

func streamSchema(d dialect) *openapi.Schema {
	comments := str()
	if d == modern {
		comments = str().Nullable().Describe("null when empty")
	}
	return object(
		openapi.Field("id", openapi.Integer()), openapi.Field("type", str().Strings("regular", "forced", "default")), openapi.Field("name", str()),
		openapi.Field("campaign_id", openapi.Integer()), openapi.Field("position", openapi.Integer()),
		openapi.Field("weight", openapi.Number()), openapi.Field("chance", openapi.Number().Describe("always equal to weight")),
		openapi.Field("action_options", openapi.Any()), openapi.Field("comments", comments), openapi.Field("state", entityStates),
		openapi.Field("updated_at", datetime), openapi.Field("action_type", str()), openapi.Field("action_payload", openapi.Any()),
		openapi.Field("schema", str().Strings("redirect", "action", "landings", "offers")),
		openapi.Field("collect_clicks", openapi.Boolean()), openapi.Field("filter_or", openapi.Boolean()),
		openapi.Field("filters", array(filterOut)), openapi.Field("triggers", array(triggerOut)),
		openapi.Field("landings", array(linkOut("landing_id"))), openapi.Field("offers", array(linkOut("offer_id"))),
	)
}

var stream = openapi.Named("Stream", byDialect(streamSchema))

func offerSchema(d dialect) *openapi.Schema {
	at := datetime
	if d == classic {
		at = phpTime
	}
	example := offerExample(d)
	props := []openapi.Prop{
		openapi.Field("id", openapi.Integer()), openapi.Field("name", str()), openapi.Field("group_id", openapi.Integer().Nullable()), openapi.Field("url", str()),
		openapi.Field("offer_type", str().Strings("external", "local", "preloaded", "action")), openapi.Field("action_type", str()),
		openapi.Field("action_payload", str().Nullable()), openapi.Field("action_options", openapi.Any()),
		openapi.Field("affiliate_network_id", openapi.Integer().Nullable()), openapi.Field("payout_value", moneyOut(d, "")),
		openapi.Field("payout_currency", str().Nullable()), openapi.Field("payout_type", str().Strings("CPA", "CPC").Nullable()),
		openapi.Field("state", entityStates), openapi.Field("created_at", at), openapi.Field("updated_at", at),
		openapi.Field("payout_auto", openapi.Boolean()), openapi.Field("payout_upsell", openapi.Boolean()),
		openapi.Field("country", array(str()).Nullable()), openapi.Field("notes", str().Nullable()),
		openapi.Field("affiliate_network", str().Nullable().Describe("the network's name")),
	}
	if d == modern {
		props = append(props, openapi.Field("group", str().Nullable().Describe("the group's name")))
	}
	return object(props...).Example(example)
}

// offerExample is the reference's GET /offers/1 in dialect d.
func offerExample(d dialect) map[string]any {
	at := func(s string) any {
		if d == classic {
			return map[string]any{"date": s + ".000000", "timezone_type": 3, "timezone": "UTC"}
		}
		return s
	}
	var payout any = "0.0200"
	if d == modern {
		payout = 0.02
	}
	e := map[string]any{"id": 1, "name": "test", "group_id": nil, "url": "http://test.ru", "offer_type": "external",
		"action_type": "http", "action_payload": "http://test.ru", "action_options": nil, "affiliate_network_id": 1,
		"payout_value": payout, "payout_currency": "USD", "payout_type": "CPC", "state": "active",
		"created_at": at("2017-08-10 13:38:41"), "updated_at": at("2017-08-10 22:28:54"), "payout_auto": false,
		"payout_upsell": false, "country": nil, "notes": "test note", "affiliate_network": "bitterstrawberry.com"}
	if d == modern {
		e["group"] = nil
	}
	return e
}

var offer = openapi.Named("Offer", byDialect(offerSchema))

// offerCreatedSchema is POST /offers' answer: classic the fields the
// request supplied plus bookkeeping keys (§4.4.3), modern the offer.
var offerCreatedSchema = byDialect(func(d dialect) *openapi.Schema {
	if d == modern {
		return offer
	}
	props := []openapi.Prop{}
	for _, p := range offerSchema(classic).Props() {
		switch p.Name {
		case "created_at", "updated_at", "state", "id", "affiliate_network":
		default:
			props = append(props, opt(p.Name, p.Schema))
		}
	}
	return object(append(props,
		openapi.Field("created_at", phpTime), openapi.Field("updated_at", phpTime), openapi.Field("state", entityStates),
		openapi.Field("id", str()), openapi.Field("group", str().Describe("the group's name, or \"No group\"")),
		openapi.Field("affiliate_network", str().Nullable()))...).
		Describe("every field the request supplied, then the bookkeeping keys; the id is a string")
})

var landing = openapi.Named("LandingPage", object(
	openapi.Field("id", openapi.Integer()), openapi.Field("name", str()),
	openapi.Field("landing_type", str().Strings("external", "local", "preloaded", "action")), openapi.Field("action_type", str()),
	openapi.Field("action_payload", str().Nullable()), openapi.Field("url", str()), openapi.Field("action_options", openapi.Any()),
	openapi.Field("group_id", openapi.Integer().Nullable()), openapi.Field("offer_count", openapi.Integer()), openapi.Field("notes", str()),
	openapi.Field("state", entityStates), openapi.Field("created_at", datetime), openapi.Field("updated_at", datetime),
))

var trafficSource = openapi.Named("TrafficSource", object(
	openapi.Field("id", openapi.Integer()), openapi.Field("name", str()), openapi.Field("postback_url", str()),
	openapi.Field("postback_statuses", array(str().Strings(conversionStatuses...))), openapi.Field("template_name", str()),
	openapi.Field("accept_parameters", openapi.Boolean()), openapi.Field("parameters", parametersOut), openapi.Field("notes", str()),
	openapi.Field("state", entityStates), openapi.Field("traffic_loss", openapi.Number()), openapi.Field("created_at", datetime), openapi.Field("updated_at", datetime),
))

var group = openapi.Named("Group", object(
	openapi.Field("id", openapi.Integer()), openapi.Field("name", str()), openapi.Field("position", openapi.Integer()), openapi.Field("type", str().Strings(groupTypes...)),
))

func domainSchema(d dialect) *openapi.Schema {
	props := []openapi.Prop{
		openapi.Field("id", openapi.Integer()), openapi.Field("name", str()), openapi.Field("is_ssl", openapi.Boolean()), openapi.Field("network_status", str()),
		openapi.Field("status", str()), openapi.Field("ssl_status", str().Strings("issued", "none")),
		openapi.Field("default_campaign_id", openapi.Integer().Nullable()), openapi.Field("default_campaign", str().Nullable()),
		openapi.Field("group_id", openapi.Integer().Nullable()), openapi.Field("group", str()),
	}
	if d == classic {
		props = append(props, openapi.Field("wildcard", openapi.Boolean()))
	}
	return object(append(props,
		openapi.Field("catch_not_found", openapi.Boolean()), openapi.Field("ssl_redirect", openapi.Boolean()), openapi.Field("allow_indexing", openapi.Boolean()),
		openapi.Field("notes", str().Nullable()), openapi.Field("campaigns_count", openapi.Integer()), openapi.Field("state", entityStates),
		openapi.Field("created_at", datetime), openapi.Field("updated_at", datetime), openapi.Field("next_check_at", datetime),
		openapi.Field("ssl_data", object(openapi.Field("checks", array(openapi.Any())), openapi.Field("total", openapi.Integer()))),
		openapi.Field("check_retries", openapi.Integer()), openapi.Field("error_description", str()), openapi.Field("error_solution", str()),
	)...)
}

var domain = openapi.Named("Domain", byDialect(domainSchema))

var user = openapi.Named("User", object(
	openapi.Field("id", openapi.Integer()), openapi.Field("login", str()), openapi.Field("type", str().Strings("USER", "ADMIN")),
	openapi.Field("state", str()),
	openapi.Field("preferences", object(openapi.Field("language", str()), openapi.Field("timezone", str()))),
	openapi.Field("access_data", func() *openapi.Schema {
		var props []openapi.Prop
		for _, k := range accessTypes {
			props = append(props, openapi.Field(k, str().Strings(accessLevels...)))
		}
		return object(append(props, openapi.Field("resources", array(openapi.Any())), openapi.Field("reports", array(openapi.Any())))...)
	}()),
	openapi.Field("key_count", openapi.Integer()),
))

var facebook = openapi.Named("FacebookIntegration", object(
	openapi.Field("id", openapi.Integer()), openapi.Field("integration", str().Const("facebook")), openapi.Field("name", str()),
	openapi.Field("ad_account_id", str()), openapi.Field("token", str()), openapi.Field("proxy_enabled", openapi.Boolean()),
	openapi.Field("proxy", object(openapi.Field("protocol", str()), openapi.Field("address", str()), openapi.Field("port", openapi.Integer()),
		openapi.Field("login", str()), openapi.Field("password", str()))),
	openapi.Field("last_error", str()), openapi.Field("last_raw_error", str()),
))

var catalogueItemSchema = openapi.Named("CatalogueItem", object(
	openapi.Field("key", str()), openapi.Field("value", str()), openapi.Field("name", str()), openapi.Field("field", str()), openapi.Field("type", str()),
	openapi.Field("description", str()),
))

var successSchema = openapi.Named("Success", object(openapi.Field("success", openapi.Boolean().Const(true))))

// one is [x]: an array holding exactly one s.
func one(s *openapi.Schema) *openapi.Schema { return array(s).MinItems(1).MaxItems(1) }

// ok is a 200 answer of s.
func ok(desc string, s *openapi.Schema) *openapi.Response {
	return openapi.JSONAnswer(http.StatusOK, desc, s)
}

// adminOp is an Admin API operation: its answers are ok, then the
// authentication errors, then more.
func adminOp(tag, summary string, params []openapi.Param, body *openapi.Body, success *openapi.Response, more ...*openapi.Response) *openapi.Op {
	return &openapi.Op{
		Summary:   summary,
		Tags:      []string{tag},
		Params:    params,
		Body:      body,
		Responses: append(append([]*openapi.Response{success}, authErrors...), append(more, invalidJSON)...),
	}
}

var idParam = []openapi.Param{openapi.PathParam("id", openapi.Integer().Min(0), "the object's id (digits only)")}

// crud builds the operations of an entity kind from its answers.
type crud struct {
	tag, noun string
	entity    *entity
	object    *openapi.Schema
}

func (k crud) list(summary string) *openapi.Op {
	return adminOp(k.tag, summary, nil, nil, ok("the list, id ascending", array(k.object)))
}

func (k crud) get() *openapi.Op {
	return adminOp(k.tag, "One "+k.noun, idParam, nil, ok("the "+k.noun, k.object), notFoundErr)
}

func (k crud) create(answer *openapi.Schema) *openapi.Op {
	return adminOp(k.tag, "Create a "+k.noun, nil, jsonBody(k.body(true)), ok("created", answer), validation)
}

func (k crud) update(answer *openapi.Schema) *openapi.Op {
	return adminOp(k.tag, "Change a "+k.noun+" (fields sent replace the stored ones)", idParam,
		jsonBody(k.body(false)), ok("changed", answer), notFoundErr, validation)
}

// body is the entity's create or update body, a component
// ("CampaignCreate") named after the answer's.
func (k crud) body(creating bool) *openapi.Schema {
	suffix := "Update"
	if creating {
		suffix = "Create"
	}
	return openapi.Named(k.object.Name()+suffix, fieldsBody(k.entity.fields, creating))
}

func (k crud) act(summary string, answer *openapi.Schema) *openapi.Op {
	return adminOp(k.tag, summary, idParam, nil, ok("done", answer), notFoundErr)
}

var (
	networkOps = crud{"affiliate networks", "affiliate network", affiliateNetworks, network}
	// networkWritten answers: classic [x] with the id a string, modern the object.
	networkWrittenSchema = byDialect(func(d dialect) *openapi.Schema {
		if d == classic {
			return one(networkSchema(classic, true))
		}
		return network
	})
	networkClonedSchema = byDialect(func(d dialect) *openapi.Schema { return one(networkSchema(d, d == classic)) })

	campaignOps = crud{"campaigns", "campaign", campaigns, campaign}
	// classicOne is [x] in classic, the object in modern.
	classicOne = func(s *openapi.Schema) *openapi.Schema {
		return byDialect(func(d dialect) *openapi.Schema {
			if d == classic {
				return one(s)
			}
			return s
		})
	}
	streamOps        = crud{"streams", "stream", streams, stream}
	offerOps         = crud{"offers", "offer", offers, offer}
	landingOps       = crud{"landing pages", "landing page", landingPages, landing}
	trafficSourceOps = crud{"traffic sources", "traffic source", trafficSources, trafficSource}
	groupOps         = crud{"groups", "group", groups, group}
	domainOps        = crud{"domains", "domain", domains, domain}
	userOps          = crud{"users", "user", users, user}
)

// Streams: the create body adds the sub-lists to the stream's fields.
func streamBody(creating bool) *openapi.Body {
	s := fieldsBody(streams.fields, creating)
	var subs []openapi.Prop
	for _, sl := range streamSubLists {
		item := fieldsBody(sl.fields, true).With(opt("id", intIn.Describe("keeps an existing item's id on update")))
		subs = append(subs, opt(sl.name, array(item)))
	}
	return jsonBody(s.With(append(subs, opt("chance", decimalIn.Describe("the document's name of weight")))...).Open())
}

var streamCopyBody = jsonBody(object(
	opt("stream_ids", array(intIn).Describe("required (or ids)")),
	opt("ids", array(intIn).Describe("the same as stream_ids")),
	openapi.Field("campaign_id", intIn.Describe("the target campaign")),
).Open())

// Reports (§4.11).
var (
	rangeIn = openapi.OneOf(object(
		opt("from", str()), opt("to", str()), opt("interval", str().Strings(intervalNames()...)),
		opt("timezone", str().Describe("an IANA name")),
	).Open(), array(openapi.Any()).MaxItems(0)).Describe("from/to (YYYY-MM-DD[ HH:MM[:SS]]) or interval, in timezone; [] is {}")
	filterIn = object(
		openapi.Field("name", str()), openapi.Field("operator", str()), opt("expression", openapi.Any()),
		opt("case_sensitive", boolIn),
	).Open()
	sortIn     = object(openapi.Field("name", str()), opt("order", str().Describe("asc or desc, any case"))).Open()
	reportBody = jsonBody(object(
		opt("range", rangeIn), opt("limit", intIn), opt("offset", intIn),
		opt("offer", intIn.Describe("the document's misspelling of offset")),
		opt("grouping", array(str())), opt("metrics", array(str())), opt("columns", array(str())),
		opt("filters", array(filterIn)), opt("sort", openapi.OneOf(array(sortIn), sortIn)), opt("summary", boolIn),
	).Open())
	rowSchema    = openapi.Map(openapi.Any()).Describe("the requested grouping fields, then the requested metrics (or columns)")
	reportSchema = openapi.Named("Report", object(
		openapi.Field("rows", array(rowSchema)),
		openapi.Field("total", openapi.Integer()),
		openapi.Field("meta", object(openapi.Field("datetime", str()), openapi.Field("execution_time", str()))),
		opt("summary", rowSchema.Describe("with summary: the metrics over all filtered clicks")),
	))
	reportQuery = []openapi.Param{
		openapi.Query("columns", str(), "comma-separated columns"),
		openapi.Query("columns[]", array(str()), "columns, repeated"),
		openapi.Query("limit", intIn, ""), openapi.Query("offset", intIn, ""),
		openapi.Query("range[from]", str(), ""), openapi.Query("range[to]", str(), ""),
		openapi.Query("range[interval]", str(), ""), openapi.Query("range[timezone]", str(), ""),
	}
)

func intervalNames() []string {
	return []string{"today", "yesterday", "7_days_ago", "first_day_of_this_week", "1_month_ago",
		"first_day_of_this_month", "1_year_ago", "first_day_of_this_year", "all_time"}
}

// Costs (§4.2.1, §4.12).
var (
	costFiltersIn = openapi.OneOf(openapi.Map(openapi.OneOf(textIn, array(textIn).MinItems(1))), array(openapi.Any()).MaxItems(0)).
			Describe("keyword, external_id, creative_id, ad_campaign_id, source, sub_id_1…sub_id_15 → values: a list or a comma-separated string")
	costItemProps = []openapi.Prop{
		openapi.Field("start_date", str()), openapi.Field("end_date", str()), openapi.Field("cost", decimalIn),
		opt("filters", costFiltersIn),
	}
	campaignCostsBody = jsonBody(object(append(slices.Clone(costItemProps),
		opt("timezone", str()), opt("currency", str()), opt("only_campaign_uniques", boolIn))...).Open())
	clickCostsBody = jsonBody(object(
		openapi.Field("campaign_ids", openapi.OneOf(array(intIn), intIn).Describe("campaign ids (one may be sent bare)")),
		openapi.Field("costs", openapi.OneOf(array(object(costItemProps...).Open()), object(costItemProps...).Open())),
		opt("timezone", str()), opt("currency", str()), opt("only_campaign_uniques", boolIn),
	).Open())
	cleanBody = jsonBody(object(openapi.Field("start_date", str()), openapi.Field("end_date", str()), opt("campaign_id", intIn),
		opt("timezone", str())).Open())
)

// valueBody is a bot-list body.
var valueBody = jsonBody(object(openapi.Field("value", textIn.Describe("entries separated by newlines"))).Open())

var countSchema = object(openapi.Field("count", openapi.Integer()))

// fileOps are the file-editor operations of an owner (landing pages, offers).
func fileOps(tag string) (structure, add, get, update, remove *openapi.Op) {
	pathParam := openapi.Query("path", str(), "a relative path; required here or in the body")
	node := openapi.Named("FileNode", object(openapi.Field("name", str()), openapi.Field("type", str().Strings("directory", "file")),
		openapi.Field("ext", str()), openapi.Field("path", str()), openapi.Field("children", array(object().Open()))))
	pathAnswer := object(openapi.Field("path", str()))
	structure = adminOp(tag, "The file tree", idParam, nil, ok("the tree", node), notFoundErr)
	add = adminOp(tag, "Add a file", append(idParam[:1:1], pathParam), jsonBody(object(opt("path", str()), opt("data", str())).Open()),
		ok("added", pathAnswer), notFoundErr, validation)
	pathBody := jsonBody(object(opt("path", str())).Open())
	get = adminOp(tag, "A file's content", append(idParam[:1:1], pathParam), pathBody,
		ok("the content", object(openapi.Field("data", str()))), notFoundErr, validation)
	update = adminOp(tag, "Change a file", append(idParam[:1:1], pathParam, openapi.Query("data", str(), "the new content")),
		jsonBody(object(opt("path", str()), opt("data", str())).Open()), ok("changed", pathAnswer), notFoundErr, validation)
	remove = adminOp(tag, "Remove a file", append(idParam[:1:1], pathParam), pathBody, ok("removed", successSchema), notFoundErr, validation)
	return
}

// TenantSchemas implements emu.Vendor (§7.1).
func (e *Emulator) TenantSchemas() (body, answer *openapi.Schema) {
	body = object(
		opt("apiKey", str().Pattern(`^[!-~]{1,128}$`).Nullable()),
		opt("postbackKey", str().Pattern(`^[a-z0-9]{7}$`).Nullable()),
		opt("edition", str().Strings("starter", "pro", "business").Nullable()),
		opt("currency", str().Pattern(`^[A-Za-z]{3}$`).Nullable()),
		opt("timezone", str().Nullable()),
		opt("dialect", str().Strings("classic", "modern").Nullable()),
		opt("sampleData", openapi.Boolean().Nullable()),
	)
	answer = object(
		openapi.Field("apiKey", str()), openapi.Field("postbackKey", str()), openapi.Field("edition", str()), openapi.Field("currency", str()),
		openapi.Field("timezone", str()), openapi.Field("dialect", str()), openapi.Field("sampleData", openapi.Boolean()),
	)
	return body, answer
}

// reportOp is a report route of §4.11.
func reportOp(summary string) *openapi.Op {
	return adminOp("reports", summary, nil, reportBody, ok("the report", reportSchema), validation)
}

var (
	reportDefinitionOp = adminOp("reports", "The report fields: dimensions, metrics, operators, intervals", nil, nil,
		ok("the catalogue", object(
			openapi.Field("dimensions", array(object(openapi.Field("name", str()), openapi.Field("type", str())))),
			openapi.Field("metrics", array(object(openapi.Field("name", str()), openapi.Field("type", str())))),
			openapi.Field("operators", array(str())),
			openapi.Field("intervals", array(str())),
		)))
	labelParams = []openapi.Param{
		openapi.Query("campaign_id", intIn, "required"),
		openapi.Query("ref_name", str(), "required: ip, source, keyword, ad_campaign_id, creative_id, external_id, sub_id_1…sub_id_15"),
		openapi.Query("label_name", str().Strings("whitelist", "blacklist"), "required"),
	}
	getLabelsOp = adminOp("reports", "The values of a campaign's column with a label", labelParams,
		jsonBody(object(opt("campaign_id", intIn), opt("ref_name", str()), opt("label_name", str())).Open()),
		ok("value → label", openapi.Map(str())), validation)
	setLabelsOp = adminOp("reports", "Label values of a campaign's column", nil,
		jsonBody(object(openapi.Field("campaign_id", intIn), openapi.Field("ref_name", str()),
			openapi.Field("items", openapi.Map(str().Strings("whitelist", "blacklist", "").Nullable()).
				Describe("value → whitelist, blacklist, or \"\"/null to remove"))).Open()),
		ok("done", successSchema), validation)
	clicksSummaryOp = adminOp("reports", "Metrics over all matching clicks", nil, reportBody,
		ok("metric → value", openapi.Map(openapi.Any())), validation)
	conversionsLogGetOp = adminOp("reports", "One row per conversion in the range (query-string form)", reportQuery,
		reportBody, ok("the report", reportSchema), validation)
	streamEventsOp = adminOp("streams", "The stream's change events, newest first", idParam, nil,
		ok("the events", array(object(openapi.Field("id", openapi.Integer()), openapi.Field("stream_id", openapi.Integer()),
			openapi.Field("action", str().Strings("create", "update", "archive", "restore", "enable", "disable", "copy", "move")),
			openapi.Field("datetime", datetime)))), notFoundErr)
	streamFiltersOp = adminOp("streams", "The stream filters", nil, nil, ok("the filters", array(object(
		openapi.Field("value", str()), openapi.Field("group", str().Strings("geo", "device", "ip", "traffic")), openapi.Field("tooltip", str()),
		openapi.Field("modes", object(openapi.Field("accept", str()), openapi.Field("reject", str()))), openapi.Field("defaults", openapi.Any()),
	))))
	listGroupsOp = adminOp("groups", "Groups of a type, by position",
		[]openapi.Param{openapi.Query("type", str().Strings(groupTypes...), "default campaigns (or in a JSON body)")},
		jsonBody(object(opt("type", str())).Open()), ok("the groups", array(group)), validation)
	groupCreatedSchema = byDialect(func(d dialect) *openapi.Schema {
		if d == classic {
			return object(openapi.Field("name", str()), openapi.Field("position", openapi.Integer()), openapi.Field("type", str()), openapi.Field("id", str()))
		}
		return group
	})
	groupUpdatedSchema = byDialect(func(d dialect) *openapi.Schema {
		if d == classic {
			return group.With(openapi.Field("count", str().Pattern(`^[0-9]+$`).Describe("its members that are not archived")))
		}
		return group
	})
	groupDeletedSchema = byDialect(func(d dialect) *openapi.Schema {
		if d == classic {
			return array(openapi.Any()).MaxItems(0)
		}
		return group
	})
	accessBody = jsonBody(object(openapi.Field("access_data", object(func() []openapi.Prop {
		var props []openapi.Prop
		for _, k := range accessTypes {
			props = append(props, opt(k, str().Strings(accessLevels...)))
		}
		return append(props, opt("resources", array(openapi.Any())), opt("reports", array(openapi.Any())))
	}()...).Open())).Open())
	logTypeParam = openapi.PathParam("type", str().Strings(logTypes...), "the log")
	logTypesOp   = adminOp("logs", "The log types", nil, nil, ok("the types", array(str())))
	listLogOp    = adminOp("logs", "A log, newest first", []openapi.Param{logTypeParam,
		openapi.Query("limit", intIn, "default 100"), openapi.Query("offset", intIn, "default 0"),
		openapi.Query("query", str(), "only messages containing it")},
		jsonBody(object(opt("limit", intIn), opt("offset", intIn), opt("query", textIn)).Open()),
		ok("the entries", array(object(openapi.Field("datetime", datetime), openapi.Field("jid", str()), openapi.Field("message", str())))),
		notFoundErr, validation)
)

// catalogueOp lists catalogue items (stream types, schemas, actions).
func catalogueOp(summary string) *openapi.Op {
	return adminOp("streams", summary, nil, nil, ok("the catalogue", array(catalogueItemSchema)))
}

// userBody is a user create or update body.
func userBody(creating bool) *openapi.Body {
	s := fieldsBody(users.fields, creating)
	pw := opt("new_password", textIn.Describe("at least 6 characters"))
	conf := opt("new_password_confirmation", textIn.Describe("equal to new_password"))
	if creating {
		pw.Optional, conf.Optional = false, false
	}
	return jsonBody(s.With(pw, conf).Open())
}

// settingOp is GET or PUT of an integration setting.
func settingOp(name string, put bool) *openapi.Op {
	answer := ok("the setting", object(openapi.Field(name, str())))
	if !put {
		return adminOp("integrations", "The "+name+" setting", nil, nil, answer)
	}
	return adminOp("integrations", "Set "+name+" (from the query string or the body)",
		[]openapi.Param{openapi.Query(name, str(), "required here or in the body")},
		jsonBody(object(opt(name, textIn)).Open()), answer, validation)
}

// visitParams are the click parameters a campaign URL reads.
func visitParams() []openapi.Param {
	var out []openapi.Param
	for _, k := range parameterKeys {
		out = append(out, openapi.Query(k, str(), "read unless the campaign names this parameter otherwise"))
	}
	for i := 1; i <= 10; i++ {
		n := "extra_param_" + strconv.Itoa(i)
		out = append(out, openapi.Query(n, str(), ""))
	}
	return append(out, anyParams("the names the campaign's parameters give (keyword may be read from kw, say); others are ignored"))
}

// anyParams is a free-form query object: any parameter name.
func anyParams(desc string) openapi.Param {
	t := true
	return openapi.Param{In: "query", Name: "params", Schema: openapi.Map(str()), Description: desc, Explode: &t}
}

// Public side (§4.13, §4.14): no key.
var (
	visitorRedirect = openapi.Empty(http.StatusFound, "a redirect action, a landing or an offer (below a campaign alias, further path segments are ignored)").
			WithHeader("Location", str(), "the target after macro substitution", true)
	visitorPage = openapi.Answer(http.StatusOK, "a page or a text action (below a campaign alias, further path segments are ignored)",
		openapi.Media{Type: "text/html", Schema: str()}, openapi.Media{Type: "text/plain", Schema: str()})
	visitorAnswers = []*openapi.Response{visitorRedirect, visitorPage, textNotFound}
	visitOp        = &openapi.Op{
		Summary: "A visitor's click on a campaign URL", Tags: []string{"tracker"}, NoAuth: true,
		Description: "Records a click and answers as the chosen stream says. Query parameters are the campaign's " +
			"parameters (keyword, cost, sub_id_1, …, extra_param_1, …); any others are ignored.",
		Params: append([]openapi.Param{openapi.PathParam("alias", str(), "the campaign's alias")}, visitParams()...),
		Body:   &openapi.Body{Content: []openapi.Media{{Type: "application/x-www-form-urlencoded", Schema: object().Open()}}},
	}
	landingClickOp = &openapi.Op{
		Summary: "The landing page's click-through to an offer", Tags: []string{"tracker"}, NoAuth: true,
		Params: []openapi.Param{openapi.Query("subid", str(), "the click's sub_id"), openapi.Query("_subid", str(), "the same")},
		Responses: []*openapi.Response{
			openapi.Empty(http.StatusFound, "to the offer").WithHeader("Location", str(), "the offer URL", true),
			textNotFound,
		},
	}
	publicPostbackParams = []openapi.Param{
		openapi.Query("subid", str(), "the click's sub_id (required)"), openapi.Query("sub_id", str(), "the same"),
		openapi.Query("status", str(), "lead (default), sale, rejected, rebill, or an alias"),
		openapi.Query("payout", str(), "a decimal"), openapi.Query("currency", str(), ""), openapi.Query("tid", str(), ""),
	}
	postbackAnswers = []*openapi.Response{
		openapi.Answer(http.StatusOK, "stored", openapi.Media{Type: "text/plain", Schema: str().Const("Success")}),
		openapi.Answer(http.StatusOK, "nothing stored", openapi.Media{Type: "text/plain",
			Schema: str().Strings("Error: subid is empty", "Error: click not found", "Error: unknown status")}).AsError(),
		textNotFound,
	}
	postbackOp = func(keyed bool) *openapi.Op {
		params := publicPostbackParams
		if keyed {
			params = append([]openapi.Param{openapi.PathParam("postbackKey", str(), "the tenant's postback key")}, params...)
		}
		return &openapi.Op{
			Summary: "A conversion reported by an affiliate network", Tags: []string{"tracker"}, NoAuth: true,
			Description: "Parameters travel in the query string or a form body; any other parameter is kept in the " +
				"conversion's params.",
			Params: append(params, anyParams("any other parameter, kept in the conversion's params")),
			Body: &openapi.Body{Content: []openapi.Media{{Type: "application/x-www-form-urlencoded",
				Schema: object(opt("subid", str()), opt("sub_id", str()), opt("status", str()), opt("payout", str()),
					opt("currency", str()), opt("tid", str())).Open()}}},
			Responses: postbackAnswers,
		}
	}
	publicOps = func() []openapi.Operation {
		visit := *visitOp
		visit.Responses = visitorAnswers
		head := visit
		head.Summary = "A visitor's click (HEAD)"
		landHead := *landingClickOp
		return []openapi.Operation{
			{Method: http.MethodGet, Path: "/lp/offer", Op: landingClickOp},
			{Method: http.MethodHead, Path: "/lp/offer", Op: &landHead},
			{Method: http.MethodGet, Path: "/postback", Op: postbackOp(false)},
			{Method: http.MethodPost, Path: "/postback", Op: postbackOp(false)},
			{Method: http.MethodGet, Path: "/{postbackKey}/postback", Op: postbackOp(true)},
			{Method: http.MethodPost, Path: "/{postbackKey}/postback", Op: postbackOp(true)},
			{Method: http.MethodGet, Path: "/{alias}", Op: &visit},
			{Method: http.MethodPost, Path: "/{alias}", Op: &visit},
			{Method: http.MethodHead, Path: "/{alias}", Op: &head},
		}
	}()
)

// idSchema is an object id: an integer, or a string where a classic write
// answer shows it so.
func idSchema(asString bool) *openapi.Schema {
	if asString {
		return str()
	}
	return openapi.Integer()
}
