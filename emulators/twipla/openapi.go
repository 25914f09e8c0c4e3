package twipla

import (
	"net/http"

	"github.com/vendoremu/vendoremu/openapi"
)

// This file declares the TWIPLA 3AS API for its OpenAPI document: the
// objects the answers are built from (their wire functions are beside the
// handlers) and one Op per route, which routes.go registers the route with.

// OpenAPI implements emu.Vendor.
func (e *Emulator) OpenAPI() *openapi.Doc {
	return &openapi.Doc{
		Title:   "TWIPLA 3AS (vendoremu)",
		Version: "2/3",
		Description: "TWIPLA's analytics-as-a-service API for integration partners (INTP) as the emulator serves it; " +
			"on the vendor's own listener the paths map 1:1 onto https://api-gateway.visitor-analytics.io. Request bodies " +
			"are JSON whatever the Content-Type says; unknown members are ignored and null counts as absent. Success " +
			"bodies are `{\"payload\":…}` (lists add `meta`); every error is " +
			"`{\"status\":N,\"code\":N,\"message\":\"…\",\"error\":\"…\"}`. Timestamps are RFC 3339 UTC with second precision.",
		Servers: []openapi.Server{{Description: "the emulator"}},
		Schemes: []openapi.SecurityScheme{
			{Name: "intpJWT", Type: "http", Scheme: "bearer", Format: "JWT",
				Description: "An RS256 JWT the INTP signs with its private key: header kid = intpId; claims intp_id (= kid), " +
					"roles containing \"intp\", iat and exp (60 s leeway). The emulator's default INTPs verify with the " +
					"built-in test key (seed/twipla/intp-test-key.pem), or mint one with POST /_emulator/twipla/tokens."},
			{Name: "intpJWTAuthentication", Type: "apiKey", In: "header", ParamName: "Authentication",
				Description: "The same JWT as `Authentication: bearer <jwt>`, the vendor document's own spelling."},
			{Name: "websiteAPIKey", Type: "apiKey", In: "header", ParamName: "X-Api-Key",
				Description: "A website API key (twpl-…) of POST /v2/3as/websites/{wid}/api-keys."},
		},
		Security: []openapi.Requirement{{"intpJWT"}, {"intpJWTAuthentication"}},
		Tags: []openapi.Tag{{Name: "company"}, {Name: "customers"}, {Name: "websites"}, {Name: "api keys"},
			{Name: "analytics"}, {Name: "contributors"}, {Name: "packages"}, {Name: "subscriptions"}},
		Unmatched: []*openapi.Response{
			openapi.JSONAnswer(http.StatusNotFound, "an unknown path, or a known path with another method (before any authentication)",
				errorOf(http.StatusNotFound, kindNotFound)).Named("RouteNotFound"),
		},
		Common: []*openapi.Response{
			openapi.JSONAnswer(http.StatusInternalServerError, "a recovered panic (a bug), or an invalid subscription move "+
				"as the real API answers it today", errorOf(http.StatusInternalServerError, kindInternal)),
		},
	}
}

// errorOf is the error body of one status and kind.
func errorOf(status int, kind string) *openapi.Schema {
	return openapi.Object(
		openapi.Field("status", openapi.Integer().Const(status)),
		openapi.Field("code", openapi.Integer().Const(status)),
		openapi.Field("message", openapi.String()),
		openapi.Field("error", openapi.String().Const(kind)),
	)
}

// Error answers.
var (
	badRequestAnswer = openapi.JSONAnswer(http.StatusBadRequest,
		"invalid JSON, a missing or wrongly typed field, a broken rule (the message names it)", errorOf(http.StatusBadRequest, kindBadRequest))
	tokenAnswer = openapi.JSONAnswer(http.StatusUnauthorized, "the JWT is missing, malformed, wrongly signed or expired",
		errorOf(http.StatusUnauthorized, kindInvalidToken))
	forbiddenAnswer = openapi.JSONAnswer(http.StatusForbidden, "the token lacks the intp role",
		errorOf(http.StatusForbidden, kindForbidden))
	keyAnswer = openapi.JSONAnswer(http.StatusUnauthorized, "the API key is missing, unknown, deleted, expired or its website inactive",
		errorOf(http.StatusUnauthorized, kindInvalidKey))
	notFoundAnswer = openapi.JSONAnswer(http.StatusNotFound, "an object the INTP does not have (customer, website, package, api key, contributor)",
		errorOf(http.StatusNotFound, kindNotFound))
)

// answers are an operation's answers: success first, then the JWT
// failures, then extra.
func answers(success *openapi.Response, extra ...*openapi.Response) []*openapi.Response {
	return append([]*openapi.Response{success, tokenAnswer, forbiddenAnswer}, extra...)
}

// payload is {"payload": s}.
func payload(s *openapi.Schema) *openapi.Schema { return openapi.Object(openapi.Field("payload", s)) }

// Shorthands for the declarations below.
var (
	str     = openapi.String
	integer = openapi.Integer
	boolean = openapi.Boolean
	field   = openapi.Field
	opt     = openapi.Optional
	object  = openapi.Object
	array   = openapi.Array
)

func timestamp() *openapi.Schema {
	return str().Format("date-time").Pattern(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`)
}

// Input field shapes (§4 common rules); null is the same as absent.
var (
	idInput       = str().MinLength(1).MaxLength(255).Describe("1–255 characters, no / or control characters")
	emailInput    = str().MaxLength(254).Describe("a valid e-mail address; unique within the INTP, case-insensitively")
	domainInput   = str().Describe("a domain (lower-cased; http(s):// and a trailing / are stripped)")
	dateTimeInput = str().Format("date-time").Describe("RFC 3339")
	packageInput  = str().Describe("a package id of this INTP (\"\" is the same as absent)")
)

var meta = openapi.Named("Meta", object(
	field("page", integer()),
	field("pageSize", integer()),
	field("pageTotal", integer()),
	field("total", integer()),
))

var customerSchema = openapi.Named("Customer", object(
	field("id", str().Format("uuid")),
	field("visaId", str().Format("uuid")),
	field("intpCustomerId", str()),
	field("email", str()),
	field("intpId", str()),
	field("createdAt", timestamp()),
))

var consumptionSchema = func() *openapi.Schema {
	props := []openapi.Prop{
		field("stpLimit", integer().Describe("the package's touchpoints (-1: unlimited; always -1 in the intpc model)")),
		field("stpConsumed", integer()),
	}
	for _, c := range counters {
		props = append(props, field("stpRate"+c.name, integer()), field("stpConsumed"+c.name, integer()))
	}
	return openapi.Named("Consumption", object(props...))
}()

var (
	statusSchema   = str().Strings(statusActive, statusCanceled, statusInactive)
	intervalSchema = str().Strings(periodMonthly, periodYearly)
)

var websiteSchema = openapi.Named("Website", object(
	field("id", str().Format("uuid")),
	field("status", statusSchema),
	field("intpId", str()),
	field("intpWebsiteId", str()),
	field("intpCustomerId", str()),
	field("visaCustomerId", str()),
	field("visaTrackingCode", str()),
	field("visaMaxPrivacyModeTrackingCode", str()),
	field("domain", str()),
	field("packageId", str()),
	field("packageName", str()),
	field("billingInterval", intervalSchema),
	field("billingMode", str().Strings(billingCompany, billingPlatform)),
	field("subscriptionType", str().Strings(modelWebsite, modelINTPC)),
	field("lastPackageChangeAt", timestamp().Nullable()),
	field("plannedDowngradePackageId", str().Nullable()),
	field("plannedDowngradePackageName", str().Nullable()),
	field("plannedDowngradeBillingInterval", intervalSchema.Nullable()),
	field("plannedDowngradePackageInterval", intervalSchema.Nullable()),
	field("inTrial", boolean()),
	field("hadTrial", boolean()),
	field("createdAt", timestamp()),
	field("expiresAt", timestamp()),
	field("stpResetAt", timestamp()),
	field("consumption", consumptionSchema),
))

var subscriptionSchema = openapi.Named("Subscription", object(
	field("id", str().Format("uuid")),
	field("status", statusSchema),
	field("type", str().Strings(modelWebsite, modelINTPC)),
	field("packageId", str()),
	field("packageName", str()),
	field("billingInterval", intervalSchema),
	field("websiteId", str().Nullable()),
	field("intpWebsiteId", str().Nullable()),
	field("intpcId", str().Describe("the customer's TWIPLA id")),
	field("intpCustomerId", str()),
	field("intpId", str()),
	field("createdAt", timestamp()),
	field("expiresAt", timestamp()),
	field("stpResetAt", timestamp()),
	field("lastPackageChangeAt", timestamp().Nullable()),
	field("inTrial", boolean()),
	field("hadTrial", boolean()),
	field("plannedDowngradePackageId", str().Nullable()),
))

var packageSchema = openapi.Named("Package", object(
	field("id", str().Format("uuid")),
	field("name", str()),
	field("touchpoints", integer().Describe("-1: unlimited (the trial package)")),
	field("intpId", str()),
	field("price", openapi.Number()),
	field("currency", str().Strings("EUR", "USD", "RON")),
	field("period", intervalSchema),
	field("recommended", boolean()),
	field("createdAt", timestamp()),
	field("visibility", str().Strings(visibilityPublic, visibilityRestricted)),
	field("restrictedTo", array(object(
		field("subscriptionId", str()),
		field("intpWebsiteId", str().Nullable()),
		field("intpCustomerId", str()),
	))),
	field("externalId", str().Nullable()),
).Example(map[string]any{"id": "471cc1d4-ec27-4504-b7c2-949af95662bc", "name": "Pro", "touchpoints": 100000,
	"intpId": "7128840a-5347-49a4-8dfa-9022d8dad21a", "price": 12.99, "currency": "EUR", "period": "monthly",
	"recommended": true, "createdAt": "2023-08-22T08:14:03Z", "visibility": "public", "restrictedTo": []any{},
	"externalId": nil}))

var apiKeyProps = []openapi.Prop{
	field("id", str().Format("uuid")),
	field("name", str()),
	field("comment", str()),
	field("expiresAt", timestamp().Describe("9999-12-31T23:59:59Z when the key never expires")),
	field("createdAt", timestamp()),
	field("intpWebsiteId", str()),
	field("intpCustomerId", str()),
}

var (
	apiKeySchema        = openapi.Named("ApiKey", object(apiKeyProps...))
	apiKeyCreatedSchema = openapi.Named("ApiKeyCreated", object(append([]openapi.Prop{
		field("apiKey", str().Pattern(`^twpl-[A-Za-z0-9]{20}$`).Describe("shown only here"))}, apiKeyProps...)...))
)

var personSchema = object(field("intpCustomerId", str()), field("email", str()))

var contributorsSchema = openapi.Named("Contributors", object(
	field("owner", personSchema),
	field("contributors", object(
		field("editor", array(personSchema)),
		field("watcher", array(personSchema)),
		field("dashboard", array(personSchema)),
	)),
))

var companySchema = openapi.Named("Company", object(
	field("id", str().Describe("the intpId")),
	field("name", str()),
	field("address", str()),
	field("createdAt", timestamp()),
	field("billingMode", str().Strings(billingCompany, billingPlatform)),
	field("subscriptionType", str().Strings(modelWebsite, modelINTPC)),
	field("websiteOnboarding", boolean()),
).Example(map[string]any{"id": "7128840a-5347-49a4-8dfa-9022d8dad21a", "name": "TWIPLA Demo Partner (website subscriptions)",
	"address": "1 Example Street, 10115 Berlin, Germany", "createdAt": "2023-08-22T08:14:03Z",
	"billingMode": "company_managed", "subscriptionType": "website", "websiteOnboarding": false}))

// dimensionNames are the session dimensions in order.
func dimensionNames() []string {
	out := make([]string, len(dimensions))
	for i, d := range dimensions {
		out[i] = d.name
	}
	return out
}

var sessionSchema = func() *openapi.Schema {
	props := []openapi.Prop{
		field("id", str()),
		field("visitorId", str()),
		field("startedAt", timestamp()),
		field("duration", integer()),
		field("pageViews", integer()),
		field("events", integer()),
		field("recorded", boolean()),
	}
	for _, d := range dimensionNames() {
		props = append(props, opt(d, str().Describe("present when selected by dimensions")))
	}
	return openapi.Named("Session", object(props...))
}()

var pagingParams = []openapi.Param{
	openapi.Query("page", integer().Min(0), "0-based page").Require(),
	openapi.Query("pageSize", integer().Min(1).Max(maxPageSize), "").Require(),
}

// Company and customers (§4.1, §4.2).
var (
	companyOp = &openapi.Op{Summary: "The INTP's company details", Tags: []string{"company"},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the company", payload(companySchema)))}

	websiteInputProps = []openapi.Prop{
		opt("intpWebsiteId", str().MaxLength(255).Describe("required when website is given; unique within the INTP")),
		opt("domain", domainInput.Describe("required when website is given (both \"\": no website)")),
		opt("packageId", packageInput.Nullable().Describe("website-model INTPs only; omitted: the 30-day UFT trial")),
		opt("billingDate", dateTimeInput.Nullable().Describe("website model: start of the first period")),
	}

	createCustomerOp = &openapi.Op{
		Summary: "Create a customer (INTPC), optionally with its first website", Tags: []string{"customers"},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("intpCustomerId", idInput.Describe("unique within the INTP")),
			field("email", emailInput),
			opt("packageId", packageInput.Nullable().Describe("intpc-model INTPs only; omitted: the UFT trial")),
			opt("billingDate", dateTimeInput.Nullable().Describe("intpc model: start of the account's first period")),
			opt("website", object(websiteInputProps...).Nullable().
				Describe("creates the customer's first website; an object with empty intpWebsiteId and domain counts as absent")),
		).Open())}},
		Responses: answers(openapi.JSONAnswer(http.StatusCreated, "created",
			payload(customerSchema.With(field("website", websiteSchema.Nullable())))),
			badRequestAnswer, notFoundAnswer),
	}
	listCustomersOp = &openapi.Op{Summary: "Customers, in creation order", Tags: []string{"customers"}, Params: pagingParams,
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "one page",
			object(field("payload", array(customerSchema)), field("meta", meta))), badRequestAnswer)}
	customerParam = openapi.PathParam("cid", str(), "the intpCustomerId")
	getCustomerOp = &openapi.Op{Summary: "One customer", Tags: []string{"customers"}, Params: []openapi.Param{customerParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the customer", payload(customerSchema)), notFoundAnswer)}
	deleteCustomerOp = &openapi.Op{Summary: "Delete a customer with all its websites", Tags: []string{"customers"},
		Params:    []openapi.Param{customerParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the customer as it was", payload(customerSchema)), notFoundAnswer)}
)

// Websites (§4.3).
var (
	websiteParam      = openapi.PathParam("wid", str(), "the intpWebsiteId")
	createWebsiteV2Op = &openapi.Op{
		Summary: "Create a website (v2)", Tags: []string{"websites"},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("intpWebsiteId", idInput.Describe("unique within the INTP")),
			field("intpCustomerId", idInput.Describe("the owning customer")),
			field("domain", domainInput),
			opt("packageId", packageInput.Nullable().Describe("website model only; omitted: the UFT trial")),
			opt("billingDate", dateTimeInput.Nullable()),
		).Open())}},
		Responses: answers(openapi.JSONAnswer(http.StatusCreated, "created", payload(websiteSchema)), badRequestAnswer, notFoundAnswer),
	}
	createWebsiteV3Op = &openapi.Op{
		Summary: "Create a website (v3, used by every current SDK)", Tags: []string{"websites"},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("website", object(
				field("id", idInput.Describe("the intpWebsiteId; unique within the INTP")),
				field("domain", domainInput),
				opt("package", object(
					field("id", packageInput),
					opt("billingDate", dateTimeInput.Nullable()),
				).Open().Nullable().Describe("website model only; omitted: free (or the UFT trial with opts.uft)")),
				opt("privacyLevel", integer().Min(0).Nullable().Describe("stored, not echoed")),
			).Open()),
			field("intpc", object(field("id", idInput.Describe("the owning customer's intpCustomerId"))).Open()),
			opt("opts", object(opt("uft", boolean().Nullable())).Open().Nullable()),
		).Open())}},
		Responses: answers(openapi.Empty(http.StatusNoContent, "created"), badRequestAnswer, notFoundAnswer),
	}
	listWebsitesOp = &openapi.Op{Summary: "Websites, in creation order", Tags: []string{"websites"},
		Params: append(pagingParams[:2:2], openapi.Query("externalCustomerId", str(), "only this customer's websites")),
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "one page",
			object(field("payload", array(websiteSchema)), field("meta", meta))), badRequestAnswer)}
	getWebsiteOp = &openapi.Op{Summary: "One website (also an inactive one)", Tags: []string{"websites"},
		Params:    []openapi.Param{websiteParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the website", payload(websiteSchema)), notFoundAnswer)}
	deleteWebsiteOp = &openapi.Op{Summary: "Delete a website", Tags: []string{"websites"}, Params: []openapi.Param{websiteParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the website as it was", payload(websiteSchema)), notFoundAnswer)}
	getInternalWebsiteOp = &openapi.Op{Summary: "One website by TWIPLA's own id", Tags: []string{"websites"},
		Params:    []openapi.Param{openapi.PathParam("id", str(), "the website's TWIPLA id (a UUID)")},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the website", payload(websiteSchema)), notFoundAnswer)}
)

// Whitelisted domains (§4.4).
var (
	domainListAnswer = openapi.JSONAnswer(http.StatusOK, "the list after the change", payload(array(str())))
	domainBody       = &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(field("domain", domainInput.Describe("a domain, also *.example.com"))).Open())}}
	whitelistOp      = &openapi.Op{Summary: "The website's whitelisted domains", Tags: []string{"websites"},
		Params:    []openapi.Param{websiteParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the list", payload(array(str()))), notFoundAnswer)}
	addWhitelistOp = &openapi.Op{Summary: "Whitelist a domain (adding one already there is a no-op)", Tags: []string{"websites"},
		Params: []openapi.Param{websiteParam}, Body: domainBody,
		Responses: answers(domainListAnswer, badRequestAnswer, notFoundAnswer)}
	removeWhitelistOp = &openapi.Op{Summary: "Remove a whitelisted domain (PATCH removes)", Tags: []string{"websites"},
		Params: []openapi.Param{websiteParam}, Body: domainBody,
		Responses: answers(domainListAnswer, badRequestAnswer, notFoundAnswer)}
	deleteWhitelistOp = &openapi.Op{Summary: "Remove a whitelisted domain (older SDKs)", Tags: []string{"websites"},
		Params:    []openapi.Param{websiteParam, openapi.PathParam("domain", str(), "URL-encoded")},
		Responses: answers(domainListAnswer, badRequestAnswer, notFoundAnswer)}
)

// API keys, login and analytics (§4.5, §4.6).
var (
	createAPIKeyOp = &openapi.Op{Summary: "Create a website API key", Tags: []string{"api keys"},
		Params: []openapi.Param{websiteParam},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("name", str().MinLength(1).MaxLength(255)),
			opt("comment", str().Nullable()),
			opt("expiresAt", dateTimeInput.Nullable().Describe("must be in the future; omitted: never expires")),
		).Open())}},
		Responses: answers(openapi.JSONAnswer(http.StatusCreated, "created", payload(apiKeyCreatedSchema)), badRequestAnswer, notFoundAnswer)}
	listAPIKeysOp = &openapi.Op{Summary: "The website's API keys (expired ones included)", Tags: []string{"api keys"},
		Params:    []openapi.Param{websiteParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the keys", payload(array(apiKeySchema))), notFoundAnswer)}
	deleteAPIKeyOp = &openapi.Op{Summary: "Delete an API key", Tags: []string{"api keys"},
		Params:    []openapi.Param{websiteParam, openapi.PathParam("keyId", str(), "the key's id")},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the deleted key", payload(apiKeySchema)), notFoundAnswer)}
	loginOp = &openapi.Op{Summary: "Exchange a website API key for dashboard tokens (path: the emulator's choice)",
		Tags: []string{"api keys"}, NoAuth: true,
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("apiKey", str()),
			field("websiteId", str().Describe("the website's TWIPLA id, not the intpWebsiteId")),
		).Open())}},
		Responses: []*openapi.Response{
			openapi.JSONAnswer(http.StatusOK, "tokens", payload(object(
				field("token", str().Pattern(`^twpl-at-[0-9a-f]{32}$`).Describe("valid 15 minutes")),
				field("refreshToken", str().Pattern(`^twpl-rt-[0-9a-f]{32}$`).Describe("valid 30 days; the dashboard's websiteToken")),
			))),
			badRequestAnswer, keyAnswer,
		}}
	rangeParams = []openapi.Param{
		openapi.Query("from", str(), "RFC 3339 or YYYY-MM-DD (00:00 UTC); default to − 30 days"),
		openapi.Query("to", str(), "RFC 3339 or YYYY-MM-DD (00:00 UTC of the next day); default now"),
	}
	rawSessionsOp = &openapi.Op{Summary: "Recorded sessions of the key's website (path: the emulator's choice)",
		Tags: []string{"analytics"}, Security: []openapi.Requirement{{"websiteAPIKey"}},
		Params: append(append(rangeParams[:2:2],
			openapi.Query("page", integer().Min(0), "0-based, default 0"),
			openapi.Query("pageSize", integer().Min(1).Max(maxPageSize), "default 50"),
			openapi.Query("sort", str().Pattern(`^-?(startedAt|duration|pageViews|events)$`), "default -startedAt"),
			openapi.Query("dimensions", str(), "comma-separated dimension names to include (default all)")),
			dimensionFilters()...),
		Responses: []*openapi.Response{
			openapi.JSONAnswer(http.StatusOK, "one page", object(field("payload", array(sessionSchema)), field("meta", meta))),
			badRequestAnswer, keyAnswer,
		}}
	metricSchema       = str().Strings(metrics[:]...)
	analyticsRowSchema = object().Open().Describe("date (with granularity), the requested dimensions, then the requested metrics")
	analyticsTotals    = openapi.Map(openapi.Number()).Describe("the requested metrics over the whole range")
	sessionAnalyticsOp = &openapi.Op{Summary: "Aggregated session metrics (path: the emulator's choice)",
		Tags: []string{"analytics"}, Security: []openapi.Requirement{{"websiteAPIKey"}},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("metrics", array(metricSchema).MinItems(1)),
			opt("dimensions", array(str().Strings(dimensionNames()...)).MaxItems(3).Nullable()),
			opt("from", str().Nullable()),
			opt("to", str().Nullable()),
			opt("granularity", str().Strings("day", "week", "month").Nullable()),
			opt("compare", boolean().Nullable()),
			opt("filters", openapi.Map(array(str())).Nullable().Describe("dimension name → accepted values")),
		).Open())}},
		Responses: []*openapi.Response{
			openapi.JSONAnswer(http.StatusOK, "the report", payload(object(
				field("from", timestamp()),
				field("to", timestamp()),
				field("granularity", str().Strings("day", "week", "month").Nullable()),
				field("dimensions", array(str())),
				field("metrics", array(str())),
				field("rows", array(analyticsRowSchema)),
				field("totals", analyticsTotals),
				field("previous", object(
					field("from", timestamp()),
					field("to", timestamp()),
					field("rows", array(analyticsRowSchema)),
					field("totals", analyticsTotals),
				).Nullable().Describe("null unless compare is true")),
			))),
			badRequestAnswer, keyAnswer,
		}}
)

// dimensionFilters are the raw-sessions filters, one per dimension.
func dimensionFilters() []openapi.Param {
	var out []openapi.Param
	for _, d := range dimensionNames() {
		p := openapi.Query(d, array(str()), "keep sessions whose "+d+" is one of these (comma-separated or repeated)")
		out = append(out, p)
	}
	return out
}

// Contributors (§4.7).
var (
	contributorsAnswer = openapi.JSONAnswer(http.StatusOK, "the contributors", payload(contributorsSchema))
	listContributorsOp = &openapi.Op{Summary: "The website's owner and contributors", Tags: []string{"contributors"},
		Params: []openapi.Param{websiteParam}, Responses: answers(contributorsAnswer, notFoundAnswer)}
	addContributorOp = &openapi.Op{Summary: "Add a contributor (or change its role)", Tags: []string{"contributors"},
		Params: []openapi.Param{websiteParam},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("intpCustomerId", idInput),
			field("role", str().Strings(contributorRoles[:]...)),
		).Open())}},
		Responses: answers(contributorsAnswer, badRequestAnswer, notFoundAnswer)}
	removeContributorOp = &openapi.Op{Summary: "Remove a contributor", Tags: []string{"contributors"},
		Params:    []openapi.Param{websiteParam, openapi.PathParam("cid", str(), "the contributor's intpCustomerId")},
		Responses: answers(contributorsAnswer, notFoundAnswer)}
)

// Packages (§4.8).
var (
	packageParam   = openapi.PathParam("pkg", str(), "the package id")
	listPackagesOp = &openapi.Op{Summary: "The INTP's packages", Tags: []string{"packages"},
		Params: []openapi.Param{
			openapi.Query("intpWebsiteId", str(), "public packages plus the restricted ones assigned to this website"),
			openapi.Query("intpCustomerId", str(), "public packages plus the restricted ones assigned to this customer"),
		},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the packages", payload(array(packageSchema))), notFoundAnswer)}
	getPackageOp = &openapi.Op{Summary: "One package", Tags: []string{"packages"}, Params: []openapi.Param{packageParam},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the package", payload(packageSchema)), notFoundAnswer)}
	createPackageOp = &openapi.Op{Summary: "Create a package", Tags: []string{"packages"},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("name", str().MinLength(1).MaxLength(255)),
			field("touchpoints", integer().Min(1)),
			field("price", openapi.Number().Min(0)),
			field("currency", str().Strings("EUR", "USD", "RON")),
			field("period", intervalSchema),
			opt("visibility", str().Strings(visibilityPublic, visibilityRestricted).Nullable()),
			opt("externalId", str().Nullable()),
		).Open())}},
		Responses: answers(openapi.JSONAnswer(http.StatusCreated, "created", payload(packageSchema)), badRequestAnswer)}
	renamePackageOp = &openapi.Op{Summary: "Rename a package (not the recommended, free or trial one)", Tags: []string{"packages"},
		Params: []openapi.Param{packageParam},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(
			field("name", str().MinLength(1).MaxLength(255))).Open().Describe("other members are ignored"))}},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "renamed", payload(packageSchema)), badRequestAnswer, notFoundAnswer)}
	assignmentParams = []openapi.Param{packageParam,
		openapi.PathParam("target", str(), "an intpWebsiteId (website model) or intpCustomerId (intpc model)")}
	assignPackageOp = &openapi.Op{Summary: "Assign a restricted package to a website or customer", Tags: []string{"packages"},
		Params:    assignmentParams,
		Body:      &openapi.Body{Content: []openapi.Media{openapi.JSON(openapi.Any().Describe("ignored (the PHP SDK sends [])"))}},
		Responses: answers(openapi.Empty(http.StatusNoContent, "assigned (also when it already was)"), badRequestAnswer, notFoundAnswer)}
	unassignPackageOp = &openapi.Op{Summary: "Remove an assignment", Tags: []string{"packages"}, Params: assignmentParams,
		Body:      &openapi.Body{Content: []openapi.Media{openapi.JSON(openapi.Any().Describe("ignored"))}},
		Responses: answers(openapi.Empty(http.StatusNoContent, "removed (also when there was none)"), notFoundAnswer)}
)

// subscriptionOp documents one subscription move of a family: "website"
// (intpWebsiteId) or "intpc" (intpcId).
func subscriptionOp(family, op string) *openapi.Op {
	target := "intpWebsiteId"
	if family == modelINTPC {
		target = "intpcId"
	}
	props := []openapi.Prop{field(target, idInput)}
	switch op {
	case opUpgrade:
		props = append(props, field("packageId", str()), opt("trial", boolean().Nullable()),
			opt("proRate", boolean().Nullable().Describe("accepted, no effect")))
	case opDowngrade:
		props = append(props, field("packageId", str()))
	case opReactivate:
		props = append(props, field("packageId", str()), opt("trial", boolean().Nullable()))
	}
	desc := map[string]string{
		opUpgrade:    "Move to a package with more touchpoints at once, starting a new period",
		opDowngrade:  "Plan a move to a package with fewer touchpoints at the period's end",
		opCancel:     "Cancel: the subscription moves to the free package at the period's end",
		opResume:     "Resume a canceled subscription",
		opDeactivate: "Deactivate (the answer is the subscription as it was before)",
		opReactivate: "Reactivate an inactive subscription on a package, starting a new period",
	}[op]
	return &openapi.Op{
		Summary: desc, Tags: []string{"subscriptions"},
		Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(object(props...).Open())}},
		Responses: answers(openapi.JSONAnswer(http.StatusOK, "the subscription", payload(subscriptionSchema)),
			badRequestAnswer, notFoundAnswer),
	}
}

// TenantSchemas implements emu.Vendor (§7.1).
func (e *Emulator) TenantSchemas() (body, answer *openapi.Schema) {
	body = object(
		opt("intpId", str().Format("uuid").Nullable()),
		opt("name", str().Nullable()),
		opt("address", str().Nullable()),
		opt("subscriptionType", str().Strings(modelWebsite, modelINTPC).Nullable()),
		opt("billingMode", str().Strings(billingCompany, billingPlatform).Nullable()),
		opt("websiteOnboarding", boolean().Nullable()),
		opt("publicKey", str().Nullable().Describe("PEM, RSA ≥ 2048 bit; none: the built-in test key")),
		opt("moveErrors", integer().Enum(400, 500).Nullable()),
		opt("packages", array(object().Open()).Nullable().Describe("the tenant's own package set")),
	).Open()
	answer = object(
		field("intpId", str()),
		field("name", str()),
		field("address", str()),
		field("subscriptionType", str()),
		field("billingMode", str()),
		field("websiteOnboarding", boolean()),
		field("createdAt", timestamp()),
		field("moveErrors", integer()),
		field("publicKey", str()),
		opt("privateKey", str().Describe("only when no publicKey was sent: the built-in test key")),
		field("packages", array(packageSchema)),
	)
	return body, answer
}
