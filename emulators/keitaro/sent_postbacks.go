package keitaro

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/outbound"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// S2S postbacks (§0): when a conversion is stored or changes status, the
// tracker forwards it to the campaign's postbacks and to its traffic
// source's postback URL. Each attempt is queued inside the conversion's
// transaction as a pending delivery row and sent by the shared outbound
// sender once that transaction commits; its result completes the row and
// writes the sent_postbacks log.

// sentPostback is one delivery waiting for its transaction to commit.
type sentPostback struct {
	tenant   store.Tenant
	id       int64
	nonce    string // tells this row from a later one with the id, after a reset
	stamp    string // the emulator clock when the conversion was stored
	delivery outbound.Delivery
}

// postbackMacros fills the macros of a postback URL from a conversion and
// its click (§0): URL-query-escaped, unknown ones left as written.
func postbackMacros(click, conv, camp row) func(string) string {
	revenue := strconv.FormatFloat(conv.num("revenue"), 'f', -1, 64)
	values := map[string]string{
		"subid": click.str("sub_id"), "status": conv.str("status"), "payout": revenue, "revenue": revenue,
		"currency": conv.str("currency"), "tid": conv.str("tid"), "campaign_id": strconv.FormatInt(click.int("campaign_id"), 10),
		"campaign_name": camp.str("name"), "external_id": click.str("external_id"),
	}
	for i := 1; i <= 30; i++ {
		n := "sub_id_" + strconv.Itoa(i)
		values[n] = click.str(n) // the tracker records 15; 16–30 are empty
	}
	return func(s string) string {
		return macroToken.ReplaceAllStringFunc(s, func(tok string) string {
			v, ok := values[tok[1:len(tok)-1]]
			if !ok {
				return tok
			}
			return url.QueryEscape(v)
		})
	}
}

// queuePostbacks prepares the S2S postbacks of a conversion just stored
// with a new status: every campaign postback whose statuses include it, and
// the click's traffic source's postback URL when set (for the source's
// postback_statuses). Seeds send nothing.
func queuePostbacks(c *call, click, conv row) error {
	if c.seeding {
		return nil
	}
	status := conv.str("status")
	type target struct{ method, url string }
	var targets []target
	camp, err := campaigns.load(c, click.int("campaign_id"))
	if err != nil && err != errNotFound {
		return err
	}
	// Most campaigns and traffic sources have no postback: their lists are
	// not decoded for every conversion of a batch.
	if camp != nil && camp.str("postbacks") != "[]" {
		var list []postback
		_ = json.Unmarshal([]byte(camp.str("postbacks")), &list)
		for _, p := range list {
			if slices.Contains(p.Statuses, status) && p.URL != "" {
				targets = append(targets, target{p.Method, p.URL})
			}
		}
	}
	if click["ts_id"] != nil {
		ts, err := trafficSources.load(c, click.int("ts_id"))
		if err != nil && err != errNotFound {
			return err
		}
		if ts != nil && ts.str("postback_url") != "" {
			var statuses []string
			_ = json.Unmarshal([]byte(ts.str("postback_statuses")), &statuses)
			if slices.Contains(statuses, status) {
				targets = append(targets, target{http.MethodGet, ts.str("postback_url")})
			}
		}
	}
	if len(targets) == 0 {
		return nil
	}
	if click, err = withMacroColumns(c, click); err != nil {
		return err
	}
	expand := postbackMacros(click, conv, camp)
	for _, tg := range targets {
		d := outbound.Delivery{Vendor: Name, Tenant: c.t.Key, Method: tg.method, URL: expand(tg.url)}
		if tg.method == http.MethodPost {
			d.URL, d.Body, _ = strings.Cut(d.URL, "?")
			d.ContentType = "application/x-www-form-urlencoded"
		}
		id, err := nextID(c.s, "deliveries")
		if err != nil {
			return err
		}
		p := sentPostback{tenant: c.t.Tenant, id: id, nonce: emu.RandomString(16, emu.LowerAlnum), stamp: c.stamp, delivery: d}
		if _, err := c.s.Exec(`INSERT INTO keitaro_deliveries (tenant_id, id, nonce, conversion_id, method, url, body, time)
			VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?)`, id, p.nonce, conv.int("conversion_id"), d.Method, d.URL, d.Body, c.stamp); err != nil {
			return err
		}
		c.outbox = append(c.outbox, p)
	}
	return nil
}

// sendPostbacks starts the deliveries a committed transaction queued.
func (e *Emulator) sendPostbacks(ps []sentPostback) {
	for _, p := range ps {
		e.deps.Outbound.Send(p.delivery, e.recordDelivery(p))
	}
}

// recordDelivery completes a delivery's row with its result and logs it.
// A row a tenant reset or removal took away stays gone.
func (e *Emulator) recordDelivery(p sentPostback) func(outbound.Result) {
	return func(r outbound.Result) {
		err := e.deps.Store.Write(context.Background(), func(tx *store.Tx) error {
			s := tx.Scope(p.tenant)
			res, err := s.Exec(`UPDATE keitaro_deliveries SET status = ?, error = ?, done = 1
				WHERE tenant_id = @tenant AND id = ? AND nonce = ?`, r.Status, r.Error, p.id, p.nonce)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err
			}
			return writeLog(&call{s: s, stamp: p.stamp}, "sent_postbacks", deliveryLine(r))
		})
		if err != nil {
			e.deps.Log.Warn("keitaro: cannot record a sent postback", "url", r.URL, "err", err)
		}
	}
}

// deliveryLine is a delivery's sent_postbacks log message:
// "GET <url>: 200", "POST <url> <body>: 500", "GET <url>: error: <why>".
func deliveryLine(r outbound.Result) string {
	line := r.Method + " " + r.URL
	if r.Method == http.MethodPost {
		line += " " + r.Body
	}
	if r.Error != "" {
		return line + ": error: " + r.Error
	}
	return line + ": " + strconv.Itoa(r.Status)
}

// GET /_emulator/keitaro/deliveries: the tenant's finished deliveries,
// oldest first.
func (e *Emulator) listDeliveries(c *gin.Context) {
	key := firstNonEmpty(strings.TrimSpace(c.GetHeader("Api-Key")), c.Query("tenant"), DefaultTenant)
	var out []wire.Object
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		t, err := loadTenant(tx, key)
		if err != nil {
			return err
		}
		rows, err := queryRows(tx.Scope(t.Tenant), `SELECT method, url, body, status, error, time FROM keitaro_deliveries
			WHERE tenant_id = @tenant AND done = 1 ORDER BY id`)
		out = objects(rows, func(r row) wire.Object {
			at, _ := time.Parse(stampLayout, r.str("time"))
			return wire.Obj("url", r.str("url"), "method", r.str("method"), "body", r.str("body"), "status", r.int("status"),
				"error", r.str("error"), "time", at.Format(time.RFC3339))
		})
		return err
	})
	if err != nil {
		emu.Abort(c, err)
		return
	}
	wire.JSON(c.Writer, http.StatusOK, wire.Obj("deliveries", out))
}
