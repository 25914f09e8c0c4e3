package mousestats

import (
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Control implements emu.Vendor:
//
//	PATCH /_emulator/mousestats/accounts   set an account's plan and usage
//
// MouseStats has no API for either (a partner upgrades a customer inside
// the panel; usage grows as the customer's sites are tracked).
func (e *Emulator) Control(r *openapi.Router) {
	r.PATCH("/accounts", patchAccountOp, e.patchAccount)
}

// patchAccountOp declares PATCH /_emulator/mousestats/accounts.
var patchAccountOp = &openapi.Op{
	Summary: "Set a customer account's plan and usage (MouseStats has no API for either)",
	Tags:    []string{Name},
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
		openapi.Field("partnerId", openapi.String().Describe("an existing partner")),
		openapi.Field("email", openapi.String().Describe("the account, matched case-insensitively")),
		openapi.Optional("planName", openapi.String().MaxLength(maxPlanNameLen).Nullable().Describe("\"\" for no plan")),
		openapi.Optional("planDaysLeft", openapi.Integer().Min(0).Max(maxPlanDaysLeft).Nullable().
			Describe("the plan ends N days from now: GetAccount answers exactly N")),
		openapi.Optional("usedHeatmapProjects", openapi.Integer().Min(0).Max(maxCounter).Nullable()),
		openapi.Optional("usedPlaybackProjects", openapi.Integer().Min(0).Max(maxCounter).Nullable()),
		openapi.Optional("usedHeatmapVisits", openapi.Integer().Min(0).Max(maxCounter).Nullable()),
		openapi.Optional("usedPlaybackVisits", openapi.Integer().Min(0).Max(maxCounter).Nullable()),
	).Open().Describe("fields left out (or null) keep their values; unknown fields are ignored"))}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the account in GetAccount's shape (Email as stored at creation)", accountInfoSchema),
		openapi.JSONAnswer(http.StatusBadRequest, "not a JSON object, a missing or wrong field, a value out of range", controlError),
		openapi.JSONAnswer(http.StatusNotFound, "unknown partner, or no such account", controlError),
	},
}

// controlError is the control plane's {"error":"…"}.
var controlError = openapi.Object(openapi.Field("error", openapi.String()))

// maxControlBody bounds a PATCH body; a real one is a few hundred bytes.
const maxControlBody = 1 << 20

// Plan limits of the control plane.
const (
	maxPlanNameLen  = 64
	maxPlanDaysLeft = 3650
)

// planChange is the plan and usage part of a PATCH body or a seed account:
// nil fields are left as they are.
type planChange struct {
	name                 *string
	daysLeft             *int64
	usedHeatmapProjects  *int64
	usedPlaybackProjects *int64
	usedHeatmapVisits    *int64
	usedPlaybackVisits   *int64
}

// planFields are the keys parsePlanChange reads.
var planFields = []string{"planName", "planDaysLeft",
	"usedHeatmapProjects", "usedPlaybackProjects", "usedHeatmapVisits", "usedPlaybackVisits"}

func parsePlanChange(f fields) (planChange, error) {
	var p planChange
	var err error
	if p.name, err = f.str("planName"); err != nil {
		return p, err
	}
	if p.name != nil && utf8.RuneCountInString(*p.name) > maxPlanNameLen {
		return p, f.bad("planName", "must be at most %d characters", maxPlanNameLen)
	}
	if p.daysLeft, err = f.integer("planDaysLeft", maxPlanDaysLeft); err != nil {
		return p, err
	}
	for _, counter := range []struct {
		name string
		dst  **int64
	}{
		{"usedHeatmapProjects", &p.usedHeatmapProjects},
		{"usedPlaybackProjects", &p.usedPlaybackProjects},
		{"usedHeatmapVisits", &p.usedHeatmapVisits},
		{"usedPlaybackVisits", &p.usedPlaybackVisits},
	} {
		if *counter.dst, err = f.integer(counter.name, maxCounter); err != nil {
			return p, err
		}
	}
	return p, nil
}

// apply sets what p gives on a; planDaysLeft N puts the plan's end N days
// from now, so that GetAccount answers exactly N right away.
func (p planChange) apply(a *account, now time.Time) {
	if p.name != nil {
		a.PlanName = *p.name
	}
	if p.daysLeft != nil {
		a.PlanExpiresAt = now.Add(time.Duration(*p.daysLeft) * 24 * time.Hour)
	}
	set := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&a.UsedHeatmapProjects, p.usedHeatmapProjects)
	set(&a.UsedPlaybackProjects, p.usedPlaybackProjects)
	set(&a.UsedHeatmapVisits, p.usedHeatmapVisits)
	set(&a.UsedPlaybackVisits, p.usedPlaybackVisits)
}

// patchAccount is PATCH /_emulator/mousestats/accounts. It answers the
// account in GetAccount's shape, Email as stored at creation.
func (e *Emulator) patchAccount(c *gin.Context) {
	body, err := form.ReadBody(c.Request, maxControlBody+1)
	if err != nil || len(body) > maxControlBody {
		emu.Abort(c, emu.BadRequest("body unreadable or over %d bytes", maxControlBody))
		return
	}
	obj, err := emu.DecodeObject(body)
	if err != nil {
		emu.Abort(c, err)
		return
	}
	f := fields{m: obj}
	partnerID, email, err := accountRef(f)
	if err != nil {
		emu.Abort(c, err)
		return
	}
	change, err := parsePlanChange(f)
	if err != nil {
		emu.Abort(c, err)
		return
	}
	var out accountInfo
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		partner, err := tx.Tenant(Name, partnerID)
		if errors.Is(err, store.ErrNoTenant) {
			return emu.NotFound("unknown partner %q", partnerID)
		}
		if err != nil {
			return err
		}
		s := tx.Scope(partner)
		a, err := findAccount(s, email)
		if errors.Is(err, errNoAccount) {
			return emu.NotFound("partner %q has no account %q", partnerID, email)
		}
		if err != nil {
			return err
		}
		change.apply(&a, s.Now())
		out = a.info(a.Email, partner.Key, s.Now())
		return updateAccount(s, a)
	})
	if err != nil {
		emu.Abort(c, err)
		return
	}
	wire.JSON(c.Writer, http.StatusOK, out)
}

// accountRef is the required partnerId and email of a PATCH body.
func accountRef(f fields) (partnerID, email string, err error) {
	id, err := f.str("partnerId")
	if err != nil {
		return "", "", err
	}
	mail, err := f.str("email")
	if err != nil {
		return "", "", err
	}
	if id == nil || *id == "" {
		return "", "", f.bad("partnerId", "is required")
	}
	if mail == nil || *mail == "" {
		return "", "", f.bad("email", "is required")
	}
	return *id, *mail, nil
}
