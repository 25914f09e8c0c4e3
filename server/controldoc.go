package server

import (
	"net/http"

	"github.com/vendoremu/vendoremu/openapi"
)

// The control plane's operations, as its routes (control.go) register them.

var tags = []string{"control"}

var badRequest = controlErrorAnswer(http.StatusBadRequest, "the request cannot be used (the message says why)")

func notFound(desc string) *openapi.Response { return controlErrorAnswer(http.StatusNotFound, desc) }

var pageOp = &openapi.Op{
	Summary:     "The web console: live request inspector, data browser, controls",
	Description: "Needs no token itself (it holds no data); with EMULATOR_ADMIN_TOKEN set it asks to log in.",
	Tags:        tags,
	NoAuth:      true,
	Responses: []*openapi.Response{
		openapi.Answer(http.StatusOK, "an HTML page", openapi.Media{Type: "text/html", Schema: openapi.String()}),
	},
}

var consoleAssetOp = &openapi.Op{
	Summary: "The console's own script and style sheet",
	Tags:    tags,
	NoAuth:  true,
	Params: []openapi.Param{
		openapi.PathParam("file", openapi.String().Strings("console.js", "console.css"), ""),
		openapi.Query("v", openapi.String(), "the asset's version, which the page adds so that a browser never runs an older script against a newer page"),
	},
	Responses: []*openapi.Response{
		openapi.Answer(http.StatusOK, "the asset",
			openapi.Media{Type: "text/javascript", Schema: openapi.String()},
			openapi.Media{Type: "application/javascript", Schema: openapi.String()},
			openapi.Media{Type: "text/css", Schema: openapi.String()}),
		openapi.Empty(http.StatusNotModified, "unchanged since If-Modified-Since"),
		notFound("no such asset"),
	},
}

var statusOKAnswer = openapi.JSONAnswer(http.StatusOK, "done", openapi.Object(openapi.Field("status", openapi.String().Const("ok"))))

var loginOp = &openapi.Op{
	Summary: "Log the console in: a session cookie for the admin token",
	Tags:    tags,
	NoAuth:  true,
	Body: &openapi.Body{Required: true, Content: []openapi.Media{
		openapi.JSON(openapi.Object(openapi.Field("token", openapi.String().Nullable()))),
		{Type: "application/x-www-form-urlencoded", Schema: openapi.Object(openapi.Field("token", openapi.String()))},
	}},
	Responses: []*openapi.Response{
		statusOKAnswer.WithHeader("Set-Cookie", openapi.String(), "vendoremu_admin_<port>, HttpOnly, SameSite=Strict", true),
		badRequest,
		controlErrorAnswer(http.StatusUnauthorized, "not the admin token"),
	},
}

var logoutOp = &openapi.Op{
	Summary:   "Log the console out",
	Tags:      tags,
	NoAuth:    true,
	Responses: []*openapi.Response{statusOKAnswer.WithHeader("Set-Cookie", openapi.String(), "the cleared cookie", true)},
}

var healthOp = &openapi.Op{
	Summary:     "Health: ready once migrations and seeds are done",
	Description: "Needs no admin token (container health checks and wait strategies have none).",
	Tags:        tags,
	NoAuth:      true,
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "ready", openapi.Object(
			openapi.Field("status", openapi.String().Const("ok")),
			openapi.Field("version", openapi.String()),
			openapi.Field("vendors", openapi.Array(openapi.String()).Describe("the served vendors, in registration order")),
		)),
	},
}

var statusOK = openapi.Field("status", openapi.String().Const("ok"))

var resetOp = &openapi.Op{
	Summary: "Wipe and re-seed: everything, one vendor, or one tenant of a vendor",
	Description: "Without parameters every vendor goes back to its defaults and the journal and faults are emptied. " +
		"A tenant reset keeps the tenant's credentials. The clock is left alone.",
	Tags: tags,
	Params: []openapi.Param{
		openapi.Query("vendor", openapi.String(), "reset only this vendor"),
		openapi.Query("tenant", openapi.String(), "reset only this tenant of vendor (its credential key)"),
	},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "reset", openapi.Object(statusOK, openapi.Optional("vendor", openapi.String()), openapi.Optional("tenant", openapi.String()))),
		badRequest,
		notFound("unknown tenant"),
	},
}

var seedOp = &openapi.Op{
	Summary: "Load a seed document (the format of EMULATOR_SEED) on top of what is there",
	Tags:    tags,
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(
		openapi.Map(openapi.Any()).Describe("one member per vendor, its section in the vendor's seed format"))}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "loaded, all or nothing", openapi.Object(statusOK,
			openapi.Field("vendors", openapi.Array(openapi.String()).Describe("the vendors whose sections were loaded")))),
		badRequest,
		notFound("a section names a tenant that does not exist"),
		controlErrorAnswer(http.StatusConflict, "a section's credential is taken"),
		controlErrorAnswer(http.StatusRequestEntityTooLarge, "body too large"),
	},
}

var stateOp = &openapi.Op{
	Summary:     "Everything a vendor holds, for assertions",
	Description: "The layout is the vendor's (see its section of the README); `?tenant=` narrows it to one tenant.",
	Tags:        tags,
	Params: []openapi.Param{
		openapi.PathParam("vendor", openapi.String(), "a vendor name"),
		openapi.Query("tenant", openapi.String(), "one tenant's credential key"),
	},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the vendor's state", openapi.Map(openapi.Any())),
		controlErrorAnswer(http.StatusBadRequest, "unknown vendor"),
		notFound("unknown tenant"),
	},
}

var journalEntry = openapi.Named("JournalEntry", openapi.Object(
	openapi.Field("id", openapi.Integer()),
	openapi.Field("time", openapi.String().Format("date-time")),
	openapi.Field("vendor", openapi.String()),
	openapi.Field("tenant", openapi.String().Describe("the vendor credential of the request's tenant, \"\" when none")),
	openapi.Field("method", openapi.String()),
	openapi.Field("path", openapi.String().Describe("the vendor's own path (without the /<vendor> prefix), or a delivery's URL")),
	openapi.Field("query", openapi.String()),
	openapi.Field("status", openapi.Integer()),
	openapi.Optional("fault", openapi.Integer().Describe("the injected fault that answered or changed the exchange")),
	openapi.Field("duration_ms", openapi.Number()),
	openapi.Field("request_headers", openapi.Map(openapi.String()).Describe("credentials masked")),
	openapi.Field("request_body", openapi.String()),
	openapi.Field("response_headers", openapi.Map(openapi.String()).Describe("secrets masked")),
	openapi.Field("response_body", openapi.String()),
))

var listRequestsOp = &openapi.Op{
	Summary: "The request journal, newest first, one page at a time",
	Tags:    tags,
	Params: []openapi.Param{
		openapi.Query("vendor", openapi.String(), "only this vendor"),
		openapi.Query("method", openapi.String(), "only this method"),
		openapi.Query("path", openapi.String(), "only paths matching this glob (`*` wildcards)"),
		openapi.Query("tenant", openapi.String(), "only this tenant"),
		openapi.Query("limit", openapi.Integer().Min(1).Max(MaxPage).Default(DefaultPage), "page size"),
		openapi.Query("before", openapi.Integer().Min(1), "only entries older than this id (a next_before)"),
		openapi.Query("after", openapi.Integer().Min(0), "only entries newer than this id"),
		openapi.Query("status", openapi.String().Pattern(`^[1-5]([0-9]{2}|xx)$`), "a status (404) or a class (4xx)"),
	},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "one page", openapi.Object(
			openapi.Field("requests", openapi.Array(journalEntry)),
			openapi.Optional("next_before", openapi.Integer().Describe("present when older entries match: the cursor of the next page")),
		)),
		badRequest,
	},
}

var clearRequestsOp = &openapi.Op{
	Summary:   "Empty the request journal",
	Tags:      tags,
	Responses: []*openapi.Response{openapi.Empty(http.StatusNoContent, "emptied")},
}

var faultKinds = []string{"connection_reset", "empty_response", "malformed_body", "truncated_body"}

var faultSchema = openapi.Named("Fault", openapi.Object(
	openapi.Field("id", openapi.Integer()),
	openapi.Field("vendor", openapi.String()),
	openapi.Field("tenant", openapi.String()),
	openapi.Field("method", openapi.String()),
	openapi.Field("path", openapi.String()),
	openapi.Field("status", openapi.Integer()),
	openapi.Field("body", openapi.String()),
	openapi.Field("content_type", openapi.String()),
	openapi.Field("delay_ms", openapi.Integer()),
	openapi.Field("jitter_ms", openapi.Integer()),
	openapi.Field("fault", openapi.String().Strings(append([]string{""}, faultKinds...)...)),
	openapi.Field("times", openapi.Integer()),
	openapi.Field("remaining", openapi.Integer()),
	openapi.Field("parked", openapi.Integer()),
))

var listFaultsOp = &openapi.Op{
	Summary:   "The injected faults",
	Tags:      tags,
	Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "the faults", openapi.Object(openapi.Field("faults", openapi.Array(faultSchema))))},
}

var addFaultOp = &openapi.Op{
	Summary: "Inject a fault: the next matching requests get this answer, or are only delayed",
	Tags:    tags,
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
		openapi.Optional("vendor", openapi.String().Describe("a vendor, or * / absent for all")),
		openapi.Optional("tenant", openapi.String().Describe("only this tenant's requests (with vendor)")),
		openapi.Optional("method", openapi.String()),
		openapi.Optional("path", openapi.String().Describe("the vendor's own path; `*` wildcards")),
		openapi.Optional("status", openapi.Integer().Describe("0: only delay")),
		openapi.Optional("body", openapi.String()),
		openapi.Optional("content_type", openapi.String()),
		openapi.Optional("delay_ms", openapi.Integer().Min(0)),
		openapi.Optional("jitter_ms", openapi.Integer().Min(0).Describe("a random extra delay up to this")),
		openapi.Optional("fault", openapi.String().Strings(append([]string{""}, faultKinds...)...).
			Describe("a broken connection or answer instead of a status")),
		openapi.Optional("times", openapi.Integer().Min(0).Describe("0: until deleted")),
	).Describe("read strictly; JSON null is the same as an absent member"))}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusCreated, "injected", openapi.Object(openapi.Field("id", openapi.Integer()))),
		badRequest,
		notFound("the fault's tenant does not exist"),
	},
}

var clearFaultsOp = &openapi.Op{
	Summary:   "Delete every fault",
	Tags:      tags,
	Responses: []*openapi.Response{openapi.Empty(http.StatusNoContent, "deleted")},
}

var deleteFaultOp = &openapi.Op{
	Summary: "Delete one fault",
	Tags:    tags,
	Params:  []openapi.Param{openapi.PathParam("id", openapi.Integer(), "the fault's id")},
	Responses: []*openapi.Response{
		openapi.Empty(http.StatusNoContent, "deleted"),
		badRequest,
		notFound("no such fault"),
	},
}

var clockSchema = openapi.Named("Clock", openapi.Object(
	openapi.Field("now", openapi.String().Format("date-time")),
	openapi.Field("frozen", openapi.Boolean()),
	openapi.Optional("vendor", openapi.String().Describe("a tenant's clock: its vendor")),
	openapi.Optional("tenant", openapi.String().Describe("a tenant's clock: the tenant")),
	openapi.Optional("own", openapi.Boolean().Describe("a tenant's clock: false while it follows the emulator clock")),
))

var clockParams = []openapi.Param{
	openapi.Query("vendor", openapi.String(), "with tenant: that tenant's own clock"),
	openapi.Query("tenant", openapi.String(), "with vendor: that tenant's own clock"),
}

var getClockOp = &openapi.Op{
	Summary: "The emulator clock, or one tenant's",
	Tags:    tags,
	Params:  clockParams,
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the clock", clockSchema),
		badRequest,
		notFound("unknown tenant"),
	},
}

var setClockOp = &openapi.Op{
	Summary: "Set and freeze the clock, move it on, or return to the wall clock (a tenant's: to the emulator clock)",
	Tags:    tags,
	Params:  clockParams,
	Body: &openapi.Body{Required: true, Description: "exactly one of the three members",
		Content: []openapi.Media{openapi.JSON(openapi.Object(
			openapi.Optional("now", openapi.String().Format("date-time").Describe("set and freeze")),
			openapi.Optional("advance", openapi.String().Describe("a Go duration, whole days allowed in front: \"36h\", \"30d\", \"1d12h\"")),
			openapi.Optional("real", openapi.Boolean().Const(true).Describe("back to the wall clock")),
		))}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the clock after the change", clockSchema),
		badRequest,
		notFound("unknown tenant"),
	},
}

var snapshotSchema = openapi.Named("Snapshot", openapi.Object(
	openapi.Field("name", openapi.String()),
	openapi.Field("created_at", openapi.String().Format("date-time")),
	openapi.Field("bytes", openapi.Integer()),
))

var snapshotName = openapi.PathParam("name", openapi.String(), "the snapshot's name")

var listSnapshotsOp = &openapi.Op{
	Summary:   "The saved snapshots",
	Tags:      tags,
	Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusOK, "the snapshots", openapi.Object(openapi.Field("snapshots", openapi.Array(snapshotSchema))))},
}

var saveSnapshotOp = &openapi.Op{
	Summary: "Save the whole database as a snapshot (replacing one of that name)",
	Tags:    tags,
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
		openapi.Field("name", openapi.String()),
	))}},
	Responses: []*openapi.Response{openapi.JSONAnswer(http.StatusCreated, "saved", snapshotSchema), badRequest},
}

var restoreSnapshotOp = &openapi.Op{
	Summary: "Bring a snapshot back (clocks, faults and the journal stay as they are)",
	Tags:    tags,
	Params:  []openapi.Param{snapshotName},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "restored", openapi.Object(statusOK, openapi.Field("name", openapi.String()))),
		badRequest,
		notFound("no such snapshot"),
		controlErrorAnswer(http.StatusConflict, "the snapshot holds another schema version"),
	},
}

var deleteSnapshotOp = &openapi.Op{
	Summary:   "Drop a snapshot",
	Tags:      tags,
	Params:    []openapi.Param{snapshotName},
	Responses: []*openapi.Response{openapi.Empty(http.StatusNoContent, "dropped"), badRequest, notFound("no such snapshot")},
}

var documentOp = &openapi.Op{
	Summary: "An OpenAPI 3.1 document of what the emulator serves",
	Description: "`<vendor>.json` or `control.json`, or `.yaml`. The Keitaro document describes one dialect: " +
		"`?dialect=classic|modern` picks it (default: the configured dialect). Needs no admin token: the documents hold no data.",
	Tags:   tags,
	NoAuth: true,
	Params: []openapi.Param{
		openapi.PathParam("file", openapi.String().Pattern(`^[a-z_]+\.(json|yaml|yml)$`), "the document"),
		openapi.Query("dialect", openapi.String().Strings("classic", "modern"), "Keitaro: the dialect to describe"),
	},
	Responses: []*openapi.Response{
		openapi.Answer(http.StatusOK, "the document",
			openapi.JSON(openapi.Map(openapi.Any())),
			openapi.Media{Type: "application/yaml", Schema: openapi.String()}),
		badRequest,
		notFound("no such document"),
	},
}

// tenantsOp is POST /_emulator/<vendor>/tenants with the vendor's schemas.
func tenantsOp(vendor string, body, answer *openapi.Schema) *openapi.Op {
	return &openapi.Op{
		Summary:     "Create a new, empty " + vendor + " account and return its credentials",
		Description: "A body may choose the credentials; missing ones are generated.",
		Tags:        []string{vendor},
		Body:        &openapi.Body{Content: []openapi.Media{openapi.JSON(body)}},
		Responses: []*openapi.Response{
			openapi.JSONAnswer(http.StatusCreated, "created", answer),
			badRequest,
			controlErrorAnswer(http.StatusConflict, "a chosen credential is taken"),
			controlErrorAnswer(http.StatusRequestEntityTooLarge, "body too large"),
		},
	}
}
