package justclick

import (
	"net/http"

	"github.com/vendoremu/vendoremu/openapi"
)

// This file declares the JustClick API for its OpenAPI document: the
// envelope, the form fields and the result of every function, which the
// function table (routes.go) carries beside each handler.

// OpenAPI implements emu.Vendor.
func (e *Emulator) OpenAPI() *openapi.Doc {
	return &openapi.Doc{
		Title:   "JustClick API (vendoremu)",
		Version: "1.0",
		Description: "The JustClick partner API as the emulator serves it: named functions under `/api/`, matched " +
			"case-insensitively, for the account named by the first label of the Host (`USER.localhost`) or by " +
			"the path form `/u/USER` (see the servers).\n\n" +
			"**Requests** are form POSTs (urlencoded or multipart) with PHP bracket names " +
			"(`rid[0]=news`, `goods[0][good_name]=course1`, `utm[utm_source]=fb`); bodies over 1 MiB are cut. " +
			"**Every request is signed**: the form field `hash` = lower-case hex md5(CANON + \"::\" + LOGIN + \"::\" + SECRET), " +
			"where CANON is the form without `hash` rebuilt the way PHP's http_build_query does after parse_str " +
			"(RFC 1738 encoding: space `+`, every byte but `A-Za-z0-9-_.` as upper-case `%XX`) — OpenAPI has no " +
			"security scheme for a body signature, so it is documented here and as the `hash` field. Any method " +
			"other than POST, or a body that is not a form, counts as a form without fields.\n\n" +
			"**Answers** are HTTP 200 `application/json` envelopes, keys in this order: `error_code` (0 = success), " +
			"`error_text`, `result` (only for functions that return data, and error 601), `hash` = " +
			"md5(error_code + \"::\" + error_text + \"::\" + SECRET) (empty SECRET for error 5). JSON is escaped as PHP's " +
			"json_encode does (`\\/`, `\\uXXXX`). Every stored value is a JSON string.",
		Servers: []openapi.Server{
			{Host: "{login}.localhost", Description: "the account in the Host's first label (USER.justclick.io at the vendor)",
				Variables: []openapi.Variable{{Name: "login", Default: DefaultTenant, Description: "the account's login"}}},
			{Path: "/u/{login}", Description: "the emulator's path form (any Host)",
				Variables: []openapi.Variable{{Name: "login", Default: DefaultTenant, Description: "the account's login"}}},
		},
		Tags: []openapi.Tag{{Name: "subscribers"}, {Name: "orders"}, {Name: "goods"}, {Name: "partners"}},
		Unmatched: []*openapi.Response{
			openapi.Answer(http.StatusNotFound, "an unknown function or path (any method)",
				openapi.Media{Type: "text/plain", Schema: openapi.String().Const("Not Found")}).Named("NotFound"),
			openapi.JSONAnswer(http.StatusOK, "another method than POST on a function: a form without fields (code 2 after the account checks)",
				errorEnvelope).Named("NoFields"),
		},
		Common: []*openapi.Response{
			openapi.Answer(http.StatusInternalServerError, "a recovered panic (a bug)",
				openapi.Media{Type: "text/plain", Schema: openapi.String()}, openapi.JSON(openapi.Any())),
		},
	}
}

// hashField is the request signature.
var hashField = openapi.String().Pattern(`^[0-9a-f]{32}$`).
	Describe("md5(CANON + \"::\" + login + \"::\" + secret), lower-case hex; see the document's description")

// errorEnvelope is a failure: no result.
var errorEnvelope = openapi.Named("ErrorEnvelope", openapi.Object(
	openapi.Field("error_code", openapi.Integer().Min(1).Describe("the vendor's code (1, 2, 3, 4, 5, 7, 8, 100, 200–204, 300–303, 400, 401, 500, 501, 600, 603–606, 800, 801, 900, 1000)")),
	openapi.Field("error_text", openapi.String()),
	openapi.Field("hash", openapi.String().Pattern(`^[0-9a-f]{32}$`)),
))

// envelope is a success answer with a result (nil: without one).
func envelope(result *openapi.Schema, texts ...string) *openapi.Schema {
	text := openapi.String()
	if len(texts) > 0 {
		text = text.Strings(texts...)
	}
	props := []openapi.Prop{
		openapi.Field("error_code", openapi.Integer().Const(0)),
		openapi.Field("error_text", text),
	}
	if result != nil {
		props = append(props, openapi.Field("result", result))
	}
	return openapi.Object(append(props, openapi.Field("hash", openapi.String().Pattern(`^[0-9a-f]{32}$`)))...)
}

// formField is one documented form field of a function.
type formField struct {
	name   string
	schema *openapi.Schema
	desc   string
}

// doc documents one function: its fields (besides hash), its result
// (nil: none) and its success texts (none: "OK").
type doc struct {
	summary string
	tag     string
	fields  []formField
	result  *openapi.Schema
	texts   []string
	// extra are answers besides success and the error envelope (601's).
	extra []*openapi.Response
}

// Field shapes.
var (
	text       = openapi.String()
	digitText  = openapi.String().Pattern(`^[0-9]+$`)
	moneyText  = openapi.String().Pattern(`^[0-9]+\.[0-9]{2}$`).Describe("two decimals")
	textOrList = openapi.OneOf(openapi.String(), openapi.Array(openapi.String())).
			Describe("one value, or a PHP list (name[0]=…, name[]=…)")
	utmField = openapi.Object(
		openapi.Optional("utm_medium", text), openapi.Optional("utm_source", text),
		openapi.Optional("utm_campaign", text), openapi.Optional("utm_content", text),
		openapi.Optional("utm_term", text),
	).PatternProp(`^aff_`, text).Describe("utm[utm_source]=…")
)

// op is the POST operation of a function.
func (d doc) op() *openapi.Op {
	props := []openapi.Prop{openapi.Field("hash", hashField)}
	encoding := map[string]string{}
	for _, f := range d.fields {
		props = append(props, openapi.Optional(f.name, f.schema.Describe(f.desc)))
		if types := f.schema.Types(); len(types) == 0 || types[0] != "string" {
			encoding[f.name] = "deepObject"
		}
	}
	// Extra fields are allowed: they enter the hash and are otherwise
	// ignored (reference §4.6).
	body := openapi.Object(props...).Open().Describe("other fields are allowed: they enter the hash and are ignored")
	success := "success"
	if len(d.texts) > 0 {
		success = "success: " + joinQuoted(d.texts)
	}
	return &openapi.Op{
		Summary: d.summary,
		Tags:    []string{d.tag},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{
			{Type: "application/x-www-form-urlencoded", Schema: body, Encoding: encoding},
			{Type: "multipart/form-data", Schema: body},
		}},
		Responses: append([]*openapi.Response{
			openapi.JSONAnswer(http.StatusOK, success, envelope(d.result, d.texts...)),
			openapi.JSONAnswer(http.StatusOK, "failure (HTTP 200 all the same)", errorEnvelope).AsError(),
		}, d.extra...),
	}
}

func joinQuoted(texts []string) string {
	out := ""
	for i, t := range texts {
		if i > 0 {
			out += ", "
		}
		out += "`" + t + "`"
	}
	return out
}

// Results.
var (
	groupEntry = openapi.Object(openapi.Field("rass_name", text), openapi.Field("rass_title", text))
	orderProps = []openapi.Prop{
		openapi.Field("id", digitText), openapi.Field("first_name", text), openapi.Field("last_name", text),
		openapi.Field("middle_name", text), openapi.Field("email", text), openapi.Field("phone", text),
		openapi.Field("city", text), openapi.Field("country", text), openapi.Field("address", text),
		openapi.Field("region", text), openapi.Field("postalcode", text),
		openapi.Field("created", digitText.Describe("unix seconds")),
		openapi.Field("pay_status", text.Strings(payWaiting, payPaid, payCancel, payMoneyback)),
		openapi.Field("paid", digitText.Describe("unix seconds, \"0\" when unpaid")),
		openapi.Field("type", text.Strings("0", "1").Describe("\"1\" when an item is physical")),
		openapi.Field("payway", text), openapi.Field("comment", text), openapi.Field("domain", text),
		openapi.Field("link", text),
		openapi.Optional("utm", openapi.Object(
			openapi.Optional("medium", text), openapi.Optional("source", text), openapi.Optional("campaign", text),
			openapi.Optional("content", text), openapi.Optional("term", text),
		).Describe("only when the order has utm values")),
		openapi.Optional("good_ids", text.Describe("with good_info: the good ids, comma-joined")),
		openapi.Optional("good_count", digitText.Describe("with good_info")),
		openapi.Field("price", moneyText),
		openapi.Field("bill_sum_topay", moneyText),
	}
	orderSchema = openapi.Named("Order", openapi.Object(orderProps...))
	itemsProp   = openapi.Field("items", openapi.Array(openapi.Object(
		openapi.Field("id", text.Describe("the good's name")), openapi.Field("title", text),
		openapi.Field("price", moneyText), openapi.Field("sum", moneyText),
		openapi.Field("partners", openapi.Array(openapi.Any()).MaxItems(0)),
	)))
	orderWithItems = openapi.Named("OrderWithItems", openapi.Object(append(append([]openapi.Prop{}, orderProps...), itemsProp)...))
	orderDetails   = openapi.Object(append(append([]openapi.Prop{}, orderProps...),
		openapi.Field("tag", text), openapi.Field("kupon", text), openapi.Field("is_recurrent", text.Const("0")), itemsProp)...)
	billIDResult = openapi.Object(openapi.Field("bill_id", digitText))
	statsValue   = openapi.OneOf(openapi.String().Pattern(`^[0-9]+(\.[0-9]{2})?$`), openapi.Integer().Const(0)).
			Describe("a sum as a string, or the number 0 when no statistics day is in the range")
)

// Shared fields.
var (
	emailField = formField{"email", text, "the contact's e-mail"}
	billID     = formField{"bill_id", digitText, "the order's id"}
	goodInfo   = formField{"good_info", text, "non-empty: add good_ids and good_count"}
	goodsNames = formField{"goods", textOrList, "keep orders with at least one of these goods"}
	paidField  = formField{"paid", text, "non-empty: only paid orders"}
)

// Function documents, by function (the table in routes.go refers to them).
var (
	addLeadToGroupDoc = doc{
		summary: "Subscribe a contact to groups", tag: "subscribers",
		fields: []formField{
			{"rid", textOrList, "group names (rass_name) to subscribe to"},
			{"lead_email", text, "required"},
			{"lead_name", text, "default: Дорогой друг"},
			{"lead_phone", text, "stored on a new contact"},
			{"lead_city", text, "stored on a new contact"},
			{"tag", text, "stored on a new contact"},
			{"activation", text, "non-empty: ask for double opt-in"},
			{"utm", utmField, "stored with the subscription"},
			{"aff", text, "accepted"}, {"noaff", text, "accepted"}, {"doneurl2", text, "accepted"},
			{"service", text, "justclick or KursBesplatno: a privileged system"},
		},
		texts: []string{answerOK.text, answerActivationSent.text, answerAddedNoMail.text,
			answerAlreadyRegistered.text, answerInvalidGroup.text},
	}
	updateSubscriberDataDoc = doc{
		summary: "Change a contact", tag: "subscribers",
		fields: []formField{
			{"lead_email", text, "required"}, {"lead_name", text, ""}, {"lead_phone", text, ""},
			{"lead_city", text, ""}, {"lead_tags", text, ""},
		},
	}
	deleteSubscribeDoc = doc{
		summary: "Unsubscribe a contact from groups", tag: "subscribers",
		fields: []formField{{"lead_email", text, ""}, {"rass_name", textOrList, "group names"}},
	}
	getLeadGroupsDoc = doc{
		summary: "The groups a contact is subscribed to (or waiting for)", tag: "subscribers",
		fields: []formField{emailField},
		result: openapi.Array(groupEntry),
	}
	getLeadGroupStatusesDoc = doc{
		summary: "Every subscription of a contact with its status", tag: "subscribers",
		fields: []formField{emailField},
		result: openapi.Array(openapi.Object(
			openapi.Field("rass_name", text), openapi.Field("rass_title", text),
			openapi.Field("rass_status", text.Strings(statusWait, statusSubscribe, statusUnsubscribe,
				statusUnsubscribeByService, statusInvalidEmail)),
			openapi.Field("subscription_time", digitText.Describe("unix seconds of the last status change")),
		)),
	}
	getAllGroupsDoc = doc{
		summary: "All standard groups", tag: "subscribers",
		result: openapi.Array(openapi.Object(openapi.Field("rass_id", digitText), openapi.Field("rass_name", text),
			openapi.Field("rass_title", text))),
	}
	getCountSubscribeDoc = doc{
		summary: "How many contacts are subscribed", tag: "subscribers",
		fields: []formField{{"group_name", text, "a group name, unique, alls (or all)"}},
		result: digitText.Describe("the count, as a string"),
	}
	createOrderDoc = doc{
		summary: "Create an order", tag: "orders",
		fields: []formField{
			{"goods", openapi.Array(openapi.Object(
				openapi.Field("good_name", text), openapi.Optional("good_sum", text.Describe("a price override")),
			).Open()), "goods[i][good_name], goods[i][good_sum]"},
			{"bill_email", text, "required"},
			{"bill_first_name", text, ""}, {"bill_surname", text, ""}, {"bill_middle_name", text, ""},
			{"bill_otchestvo", text, "alias of bill_middle_name"}, {"bill_phone", text, ""}, {"bill_country", text, ""},
			{"bill_region", text, ""}, {"bill_city", text, ""}, {"bill_address", text, ""}, {"bill_postal_code", text, ""},
			{"bill_kupon", text, ""}, {"bill_tag", text, ""}, {"bill_comment", text, ""},
			{"bill_domain", text, "a leading http(s):// and a trailing / are dropped"},
			{"bill_created", digitText, "unix seconds; default now"},
			{"bill_timer_kill", text, "accepted, ignored"}, {"bill_ip", text, "accepted, ignored"},
			{"bill_aff", text, "accepted, ignored"}, {"bill_aff_name", text, "accepted, ignored"},
			{"bill_paff", text, "accepted, ignored"}, {"bill_paff_name", text, "accepted, ignored"},
			{"utm", utmField, "shown as utm in order objects"},
		},
		result: billIDResult,
		texts:  []string{answerOrderCreated.text},
		extra: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "601: the order exists; its number is the result",
			openapi.Object(
				openapi.Field("error_code", openapi.Integer().Const(errOrderExists.code)),
				openapi.Field("error_text", text.Const(errOrderExists.text)),
				openapi.Field("result", billIDResult),
				openapi.Field("hash", text),
			)).AsError()},
	}
	updateOrderStatusDoc = doc{
		summary: "Change an order's payment or delivery status", tag: "orders",
		fields: []formField{
			billID,
			{"status", text, "sent, paid, return, cancel or moneyback"},
			{"date", digitText, "unix seconds (sent, paid)"}, {"rpo", text, "the parcel number (sent)"},
			{"sum", text, "the paid sum (paid)"}, {"payway", text, "default RussianPostService (paid)"},
			{"ext_ref_no", text, "required for moneyback"},
		},
		texts: []string{answerOK.text, answerStatusChanged.text},
	}
	deleteOrderDoc = doc{summary: "Delete an order", tag: "orders", fields: []formField{billID}}
	getBillsDoc    = doc{
		summary: "A contact's orders and their goods", tag: "orders",
		fields: []formField{emailField, {"pay_status", text, "paid, waiting, cancel or moneyback; empty: all"}},
		result: openapi.Map(openapi.Map(openapi.Object(openapi.Field("good_name", text), openapi.Field("good_title", text)))).
			Describe("bill_id → good_id → the good"),
	}
	getOrderInfoDoc = doc{
		summary: "One order, as a list", tag: "orders",
		fields: []formField{billID, goodInfo, {"payway_name", text, "ignored"}},
		result: openapi.Array(orderSchema).MinItems(1).MaxItems(1),
	}
	getOrderDetailsDoc = doc{
		summary: "One order with its items", tag: "orders",
		fields: []formField{billID, goodInfo},
		result: orderDetails,
	}
	getOrdersDoc = doc{
		summary: "Orders created or paid in a time range", tag: "orders",
		fields: []formField{{"date_s", digitText, "unix seconds, default 0"}, {"date_e", digitText, "unix seconds, default now"},
			paidField, goodsNames},
		result: openapi.Array(orderSchema),
	}
	getOrdersWithGoodsDoc = doc{
		summary: "Orders created in a range of days, with their items", tag: "orders",
		fields: []formField{{"begin_date", text, "dd.mm.yyyy, default today"}, {"end_date", text, "dd.mm.yyyy, default today"},
			paidField, goodsNames},
		result: openapi.Array(orderWithItems),
	}
	getAllGoodsDoc = doc{
		summary: "All goods", tag: "goods",
		result: openapi.Array(openapi.Object(
			openapi.Field("good_name", text), openapi.Field("good_title", text),
			openapi.Field("good_type", text.Strings("0", "1").Describe("\"1\": physical")),
			openapi.Field("good_sum", moneyText),
		)),
	}
	goodFields = []formField{
		{"good_name", text, "required"}, {"good_title", text, ""}, {"good_type", text, "real: physical, else digital"},
		{"good_sum", text, "a decimal number ≥ 0"}, {"good_client_rassilki", text, "comma-separated group names to create"},
	}
	addGoodDoc      = doc{summary: "Add a good", tag: "goods", fields: goodFields}
	updateGoodDoc   = doc{summary: "Change a good", tag: "goods", fields: goodFields}
	deleteGoodDoc   = doc{summary: "Delete a good", tag: "goods", fields: goodFields[:1]}
	activeDomainDoc = doc{summary: "The account's domains", tag: "partners", result: openapi.Array(text)}
	partnerStatsDoc = doc{
		summary: "A partner's statistics over a range of days", tag: "partners",
		fields: []formField{
			{"partner", text, "the partner's login"},
			{"date_from", text, "YYYY-MM-DD, inclusive"}, {"date_to", text, "YYYY-MM-DD, inclusive"},
		},
		result: openapi.Object(
			openapi.Field("earned_total", statsValue), openapi.Field("topay_total", statsValue),
			openapi.Field("clicks_total", statsValue), openapi.Field("leads_total", statsValue),
			openapi.Field("bills_total", statsValue), openapi.Field("partners_total", statsValue),
		).Example(map[string]any{"earned_total": "250.50", "topay_total": "125.25", "clicks_total": "120",
			"leads_total": "25", "bills_total": "5", "partners_total": "2"}),
	}
)

// TenantSchemas implements emu.Vendor (§7.1).
func (e *Emulator) TenantSchemas() (body, answer *openapi.Schema) {
	flags := []string{"disabled", "activation_required", "orders_api", "api_can_subscribe"}
	props := []openapi.Prop{
		openapi.Optional("login", openapi.String().Pattern(`^[a-z0-9][a-z0-9-]{1,62}$`).Nullable()),
		openapi.Optional("secret", openapi.String().Pattern(`^[!-~]{1,128}$`).Nullable()),
	}
	out := []openapi.Prop{openapi.Field("login", openapi.String()), openapi.Field("secret", openapi.String())}
	for _, f := range flags {
		props = append(props, openapi.Optional(f, openapi.Boolean().Nullable()))
		out = append(out, openapi.Field(f, openapi.Boolean()))
	}
	props = append(props, openapi.Optional("domains", openapi.Array(openapi.String()).Nullable()))
	out = append(out, openapi.Field("domains", openapi.Array(openapi.String())))
	return openapi.Object(props...).Describe("read strictly: an unknown member is a 400"), openapi.Object(out...)
}
