package keitaro

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxHelperBody bounds a helper's body (batches of clicks can be large).
const maxHelperBody = 64 << 20

// control registers the vendor's /_emulator/keitaro/… helpers. The tenants
// route belongs to the server (CreateTenant in seed.go).
func (e *Emulator) control(r *openapi.Router) {
	r.POST("/clicks", recordClicksOp, e.helper("clicks", recordClicks))                     // §7.2
	r.POST("/conversions", recordConversionsOp, e.helper("conversions", recordConversions)) // §7.3
	r.GET("/deliveries", deliveriesOp, e.listDeliveries)                                    // §0: S2S postbacks sent
}

// The helpers pick their tenant by the Api-Key header, the tenant query
// parameter or the apiKey body member (the default tenant when none does).
var (
	helperTenantParams = []openapi.Param{
		openapi.Header("Api-Key", str(), "the tenant's API key"),
		openapi.Query("tenant", str(), "the tenant's API key"),
	}
	controlError   = object(openapi.Field("error", str()))
	helperFailures = []*openapi.Response{
		openapi.JSONAnswer(http.StatusBadRequest, "a bad item (the message names it); nothing is stored", controlError),
		openapi.JSONAnswer(http.StatusNotFound, "unknown tenant", controlError),
	}
	// batch is {"<name>":[item…], "apiKey"?} or a bare array of items.
	batch = func(name string, item *openapi.Schema) *openapi.Body {
		return &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.OneOf(
			object(openapi.Field(name, array(item)), opt("apiKey", str())),
			array(item),
		))}}
	}
	recordClicksOp = &openapi.Op{
		Summary: "Record clicks as if the tracker had received them", Tags: []string{Name},
		Params: helperTenantParams,
		Body: batch("clicks", object(openapi.Field("campaign_id", intIn)).Open().
			Describe("any stored click column by its report name (§7.2 of the reference); derived columns are refused")),
		Responses: append([]*openapi.Response{openapi.JSONAnswer(http.StatusOK, "recorded, in input order", object(
			openapi.Field("clicks", array(object(openapi.Field("click_id", openapi.Integer()), openapi.Field("sub_id", str()),
				openapi.Field("visitor_code", str()), openapi.Field("datetime", datetime)))),
		))}, helperFailures...),
	}
	recordConversionsOp = &openapi.Op{
		Summary: "Record conversions as postbacks would (without a log line)", Tags: []string{Name},
		Params: helperTenantParams,
		Body: batch("conversions", object(
			opt("sub_id", str()), opt("click_id", intIn),
			opt("status", str().Strings(conversionStatuses...)), opt("revenue", decimalIn), opt("tid", str()),
			opt("currency", str()), opt("datetime", str()), opt("params", object().Open()),
		).Open()),
		Responses: append([]*openapi.Response{openapi.JSONAnswer(http.StatusOK, "recorded, in input order", object(
			openapi.Field("conversions", array(object(openapi.Field("conversion_id", openapi.Integer()), openapi.Field("click_id", openapi.Integer()),
				openapi.Field("sub_id", str()), openapi.Field("status", str())))),
		))}, helperFailures...),
	}
	deliveriesOp = &openapi.Op{
		Summary: "The S2S postbacks the tenant's conversions sent", Tags: []string{Name},
		Params: helperTenantParams,
		Responses: append([]*openapi.Response{openapi.JSONAnswer(http.StatusOK, "oldest first", object(
			openapi.Field("deliveries", array(object(openapi.Field("url", str()), openapi.Field("method", str()), openapi.Field("body", str()),
				openapi.Field("status", openapi.Integer()), openapi.Field("error", str()), openapi.Field("time", str().Format("date-time"))))),
		))}, helperFailures...),
	}
)

// A recorder stores a helper's batch for one tenant and lists what it
// stored; prefix names the list in errors.
type recorder func(c *call, items []map[string]any, prefix string) (any, error)

// helper serves a batch helper: {"<name>":[…]} (or a bare array) for the
// tenant named by the Api-Key header, the tenant query parameter or the
// apiKey body field (the default tenant when none does), all or nothing.
func (e *Emulator) helper(name string, record recorder) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := form.ReadBody(c.Request, maxHelperBody)
		if err != nil {
			emu.Abort(c, emu.BadRequest("cannot read the body"))
			return
		}
		bodyKey, items, err := itemList(body, name)
		if err != nil {
			emu.Abort(c, err)
			return
		}
		key := firstNonEmpty(strings.TrimSpace(c.GetHeader("Api-Key")), c.Query("tenant"), bodyKey, DefaultTenant)
		var out any
		var outbox []sentPostback
		err = e.deps.Store.Write(c, func(tx *store.Tx) error {
			t, err := loadTenant(tx, key)
			if err != nil {
				return err
			}
			cl := newCall(tx, t)
			out, err = record(cl, items, name)
			outbox = cl.outbox
			return err
		})
		if err != nil {
			emu.Abort(c, err)
			return
		}
		e.sendPostbacks(outbox) // conversions recorded here are forwarded like the postback endpoint's
		wire.JSON(c.Writer, http.StatusOK, wire.Obj(name, out))
	}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
