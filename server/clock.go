package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// clockFor is the clock GET and POST /_emulator/clock work on: the emulator
// clock, or with ?vendor=V&tenant=T that tenant's own clock. It answers 400
// or 404 itself and returns ok false when the query names no usable tenant.
func (s *Server) clockFor(c *gin.Context) (vendor, tenant string, ok bool) {
	vendor, tenant = c.Query("vendor"), c.Query("tenant")
	if vendor == "" && tenant == "" {
		return "", "", true
	}
	if vendor == "" || tenant == "" {
		emu.Abort(c, emu.BadRequest("a tenant's clock needs both vendor and tenant: /_emulator/clock?vendor=V&tenant=T"))
		return "", "", false
	}
	if _, ok := s.vendorNamed(c, vendor); !ok {
		return "", "", false
	}
	if err := s.tenantExists(c, vendor, tenant); err != nil {
		s.controlError(c, err)
		return "", "", false
	}
	return vendor, tenant, true
}

// tenantExists is nil when vendor has a tenant named key, a 404 when not.
func (s *Server) tenantExists(ctx context.Context, vendor, key string) error {
	err := s.store.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.Tenant(vendor, key)
		return err
	})
	if errors.Is(err, store.ErrNoTenant) {
		return emu.NotFound("unknown tenant %q of %s", key, vendor)
	}
	return err
}

// clockJSON is the answer of GET and POST /_emulator/clock. For a tenant
// it also says whose clock it is and whether the tenant has its own
// ("own": false means it follows the emulator clock).
func (s *Server) clockJSON(vendor, tenant string) gin.H {
	if tenant == "" {
		return gin.H{"now": s.clock.Now().Format(time.RFC3339Nano), "frozen": s.clock.Frozen()}
	}
	tc := s.clock.For(vendor, tenant)
	return gin.H{"now": tc.Now().Format(time.RFC3339Nano), "frozen": tc.Frozen(),
		"vendor": vendor, "tenant": tenant, "own": tc != s.clock}
}

func (s *Server) getClock(c *gin.Context) {
	vendor, tenant, ok := s.clockFor(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, s.clockJSON(vendor, tenant))
}

// setClock takes exactly one of {"now":RFC3339}, {"advance":duration} and
// {"real":true}. On a tenant's clock, "now" and "advance" give the tenant a
// clock of its own (starting where the emulator clock is) and "real"
// releases it, so the tenant follows the emulator clock again.
func (s *Server) setClock(c *gin.Context) {
	vendor, tenant, ok := s.clockFor(c)
	if !ok {
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	var in struct {
		Now     *string `json:"now"`
		Advance *string `json:"advance"`
		Real    *bool   `json:"real"`
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		emu.Abort(c, err)
		return
	}
	n := 0
	for _, set := range []bool{in.Now != nil, in.Advance != nil, in.Real != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		emu.Abort(c, emu.BadRequest(`give exactly one of {"now":"<RFC 3339>"}, {"advance":"<duration>"}, {"real":true}`))
		return
	}
	// apply moves the emulator clock, or the tenant's own.
	apply := func(fn func(*store.Clock) error) error {
		if tenant == "" {
			return fn(s.clock)
		}
		return s.clock.UpdateTenant(vendor, tenant, fn)
	}
	switch {
	case in.Now != nil:
		t, err := time.Parse(time.RFC3339Nano, *in.Now)
		if err != nil {
			emu.Abort(c, emu.BadRequest("now must be an RFC 3339 time such as 2031-03-01T10:00:00Z, got %q", *in.Now))
			return
		}
		if err := apply(func(ck *store.Clock) error { return ck.Set(t) }); err != nil {
			emu.Abort(c, emu.BadRequest("%v", err))
			return
		}
	case in.Advance != nil:
		d, err := parseAdvance(*in.Advance)
		if err != nil {
			emu.Abort(c, emu.BadRequest("%v", err))
			return
		}
		if err := apply(func(ck *store.Clock) error { return ck.Advance(d) }); err != nil {
			emu.Abort(c, emu.BadRequest("%v", err))
			return
		}
	default:
		if !*in.Real {
			emu.Abort(c, emu.BadRequest(`real must be true (to return to the wall clock)`))
			return
		}
		if tenant == "" {
			s.clock.Real()
		} else {
			s.clock.ReleaseTenant(vendor, tenant)
		}
	}
	c.JSON(http.StatusOK, s.clockJSON(vendor, tenant))
}

var daysRe = regexp.MustCompile(`^(-?)([0-9]{1,6})d(.*)$`)

// maxDays is the most whole days a time.Duration holds (about 292 years).
const maxDays = int64(math.MaxInt64 / int64(24*time.Hour))

// parseAdvance reads a Go duration ("36h", "90m", "-1h30m") with whole days
// allowed in front ("30d", "1d12h"), because trials and licences are counted
// in days. A duration a time.Duration cannot hold is an error, not a wrap.
func parseAdvance(s string) (time.Duration, error) {
	bad := fmt.Errorf("advance must be a duration such as \"36h\", \"90m\" or \"30d\", got %q", s)
	tooLong := fmt.Errorf("advance must be at most %dd (about 292 years), got %q; set a far date with \"now\" instead", maxDays, s)
	var days time.Duration
	rest := s
	neg := false
	if m := daysRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		if n > maxDays {
			return 0, tooLong
		}
		days = time.Duration(n) * 24 * time.Hour
		neg = m[1] == "-"
		rest = m[3]
		if rest == "" {
			if neg {
				days = -days
			}
			return days, nil
		}
		if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, bad
		}
	}
	d, err := time.ParseDuration(rest)
	if err != nil {
		if strings.Contains(err.Error(), "invalid duration") && durationRe.MatchString(rest) {
			return 0, tooLong
		}
		return 0, bad
	}
	if days > 0 && d > math.MaxInt64-days {
		return 0, tooLong
	}
	total := days + d
	if neg {
		total = -total
	}
	return total, nil
}

// durationRe is the shape of a Go duration, for telling an overflowing one
// from a malformed one.
var durationRe = regexp.MustCompile(`^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$`)
