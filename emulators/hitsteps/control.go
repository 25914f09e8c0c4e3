package hitsteps

import (
	"database/sql"
	"errors"
	"io"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Control implements emu.Vendor: the helpers of reference §7 under
// /_emulator/hitsteps (the server owns "tenants").
func (e *Emulator) Control(r *openapi.Router) {
	r.POST("/visits", recordVisitsOp, e.recordVisits)
	r.GET("/invoices", listInvoicesOp, e.listInvoices)
}

// jsonCount is a control-plane integer: a JSON number or a numeric string.
var jsonCount = openapi.OneOf(openapi.Integer().Min(0), openapi.String().Pattern(`^[0-9]+$`)).
	Describe("a non-negative integer, as a number or a numeric string")

// controlError is the control plane's {"error":"…"}.
var controlError = openapi.Object(openapi.Field("error", openapi.String()))

// recordVisitsOp declares POST /_emulator/hitsteps/visits.
var recordVisitsOp = &openapi.Op{
	Summary: "Record one day of a website's traffic (replacing that day's record)",
	Tags:    []string{Name},
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(func() *openapi.Schema {
		props := []openapi.Prop{
			openapi.Field("website_id", jsonCount),
			openapi.Field("day", openapi.String().Pattern(`^[0-9]{8}$`).Describe("YYYYMMDD, a real date")),
		}
		for _, n := range counterNames {
			props = append(props, openapi.Optional(n, jsonCount.Describe("missing: 0; bouncerate at most 100")))
		}
		return openapi.Object(props...)
	}())}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the stored record and the website's new totals", func() *openapi.Schema {
			props := []openapi.Prop{
				openapi.Field("website_id", openapi.Integer()),
				openapi.Field("day", openapi.String()),
			}
			for _, n := range counterNames {
				props = append(props, openapi.Field(n, openapi.Integer()))
			}
			return openapi.Object(append(props,
				openapi.Field("total_pageviews", openapi.Integer()),
				openapi.Field("total_visitors", openapi.Integer()))...)
		}()),
		openapi.JSONAnswer(http.StatusBadRequest, "a field that breaks the rules, or an unknown field", controlError),
		openapi.JSONAnswer(http.StatusNotFound, "website not found", controlError),
	},
}

// listInvoicesOp declares GET /_emulator/hitsteps/invoices.
var listInvoicesOp = &openapi.Op{
	Summary: "The resellers' ledger of licence purchases, oldest first",
	Tags:    []string{Name},
	Params:  []openapi.Param{openapi.Query("main_account", openapi.String(), "only this reseller's")},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the invoices", openapi.Object(openapi.Field("invoices", openapi.Array(openapi.Object(
			openapi.Field("invoice_id", openapi.Integer()),
			openapi.Field("main_account", openapi.String()),
			openapi.Field("whitelabel_id", openapi.Integer()),
			openapi.Field("user_account_id", openapi.Integer()),
			openapi.Field("plan", openapi.Integer()),
			openapi.Field("months", openapi.Integer()),
			openapi.Field("amount", openapi.Number().Describe("the purchase's hitsteps_share")),
			openapi.Field("created", openapi.Integer()),
		))))),
		openapi.JSONAnswer(http.StatusNotFound, "unknown main_account", controlError),
	},
}

// recordVisits is POST /_emulator/hitsteps/visits: one day of a website's
// traffic, as the tracker would have collected it. It replaces an earlier
// record of the same day and answers with the website's new totals.
func (e *Emulator) recordVisits(c *gin.Context) {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBody))
	if err != nil {
		emu.Abort(c, emu.BadRequest("cannot read body"))
		return
	}
	fields, err := emu.DecodeObject(body)
	if err != nil {
		emu.Abort(c, err)
		return
	}
	id, given, err := jsonInt(fields["website_id"], "website_id", 1, maxID)
	if err == nil && !given {
		err = emu.BadRequest("website_id is required")
	}
	if err != nil {
		emu.Abort(c, err)
		return
	}
	v, err := parseVisit(fields, "website_id")
	if err != nil {
		emu.Abort(c, err)
		return
	}
	v.WebsiteID = id
	var totals struct{ pageviews, visitors int64 }
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		var tenantID int64
		err := tx.QueryRow(`SELECT tenant_id FROM hitsteps_websites WHERE id = ?`, id).Scan(&tenantID)
		if errors.Is(err, sql.ErrNoRows) {
			return emu.NotFound("website not found")
		}
		if err != nil {
			return err
		}
		t, err := tx.TenantByID(tenantID)
		if err != nil {
			return err
		}
		s := tx.Scope(t)
		if err := upsertVisit(s, v); err != nil {
			return err
		}
		return s.QueryRow(`SELECT COALESCE(SUM(pageviews), 0), COALESCE(SUM(visits), 0) FROM hitsteps_visits
			WHERE tenant_id = @tenant AND website_id = ?`, id).Scan(&totals.pageviews, &totals.visitors)
	})
	if err != nil {
		emu.Abort(c, err)
		return
	}
	out := wire.Obj("website_id", id, "day", v.Day)
	for i, n := range counterNames {
		out = append(out, wire.Field{Key: n, Value: v.Counters[i]})
	}
	out = append(out, wire.Field{Key: "total_pageviews", Value: totals.pageviews},
		wire.Field{Key: "total_visitors", Value: totals.visitors})
	wire.JSON(c.Writer, http.StatusOK, out)
}

// invoiceColumns and invoiceQuery read a tenant's ledger, oldest first.
var invoiceColumns = []string{"invoice_id", "main_account", "whitelabel_id", "user_account_id", "plan", "months",
	"amount", "created"}

const invoiceQuery = `SELECT i.id, CAST(m.main_account AS TEXT), i.whitelabel_id, i.account_id, i.plan, i.months,
	i.amount_cents / 100.0, i.created
	FROM hitsteps_invoices i JOIN hitsteps_main_accounts m ON m.tenant_id = i.tenant_id
	WHERE i.tenant_id = @tenant ORDER BY i.id`

// listInvoices is GET /_emulator/hitsteps/invoices[?main_account=M]: the
// purchases (op 18) billed to one reseller, or to all, oldest first.
func (e *Emulator) listInvoices(c *gin.Context) {
	main := c.Query("main_account")
	out := []wire.Object{}
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		out = out[:0] // a read may run twice
		ts, err := tx.Tenants(Name)
		if err != nil {
			return err
		}
		found := false
		for _, t := range ts {
			if main != "" && t.Key != main {
				continue
			}
			found = true
			rows, err := queryObjects(tx.Scope(t), invoiceColumns, invoiceQuery)
			if err != nil {
				return err
			}
			out = append(out, rows...)
		}
		if main != "" && !found {
			return emu.NotFound("unknown main_account %q", main)
		}
		return nil
	})
	if err != nil {
		emu.Abort(c, err)
		return
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i][0].Value.(int64) < out[j][0].Value.(int64) })
	wire.JSON(c.Writer, http.StatusOK, wire.Obj("invoices", out))
}
