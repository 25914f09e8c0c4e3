package keitaro

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxHelperBody bounds a helper's body (batches of clicks can be large).
const maxHelperBody = 64 << 20

// control registers the vendor's /_emulator/keitaro/… helpers. The tenants
// route belongs to the server (CreateTenant in seed.go).
func (e *Emulator) control(g *gin.RouterGroup) {
	g.POST("/clicks", e.helper("clicks", recordClicks))                // §7.2
	g.POST("/conversions", e.helper("conversions", recordConversions)) // §7.3
	g.GET("/deliveries", e.listDeliveries)                             // §0: S2S postbacks sent
}

// A recorder stores a helper's batch for one tenant and lists what it
// stored; prefix names the list in errors.
type recorder func(c *call, items []map[string]any, prefix string) ([]wire.Object, error)

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
		var out []wire.Object
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
