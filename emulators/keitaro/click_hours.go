package keitaro

import (
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/store"
)

// The hourly rollups (keitaro_click_hours, read by reports that fit them)
// follow the clicks and conversions: inserts add to them here, updates
// through the schema's triggers, deletions by rebuilding the hours.

// hourKey is the rollup key of the click k (SQL over its columns), in the
// order of hourKeyColumns.
const (
	hourKeyColumns = `tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id,
		ts_id, affiliate_network_id`
	hourKey = `k.tenant_id, substr(k.datetime, 1, 13) || ':00:00', k.campaign_id, k.country_code,
		ifnull(k.campaign_group_id, ''), ifnull(k.stream_id, ''), ifnull(k.landing_id, ''), ifnull(k.offer_id, ''),
		ifnull(k.ts_id, ''), ifnull(k.affiliate_network_id, '')`
	// hourKeyNamed is hourKey under the names of hourKeyColumns.
	hourKeyNamed = `k.tenant_id AS tenant_id, substr(k.datetime, 1, 13) || ':00:00' AS hour, k.campaign_id AS campaign_id,
		k.country_code AS country_code, ifnull(k.campaign_group_id, '') AS campaign_group_id, ifnull(k.stream_id, '') AS stream_id,
		ifnull(k.landing_id, '') AS landing_id, ifnull(k.offer_id, '') AS offer_id, ifnull(k.ts_id, '') AS ts_id,
		ifnull(k.affiliate_network_id, '') AS affiliate_network_id`
	hourClickColumns = `clicks, campaign_unique, stream_unique, global_unique, bots, proxies, empty_referrers, lp_clicks,
		cost, lcp_sum, lcp_n`
	// hourClickSums are the click figures of a group of clicks k.
	hourClickSums = `count(*), sum(k.is_unique_campaign), sum(k.is_unique_stream), sum(k.is_unique_global), sum(k.is_bot),
		sum(k.is_using_proxy), sum(k.referrer = ''), sum(k.landing_clicked), total(k.cost),
		total(unixepoch(k.landing_clicked_datetime) - unixepoch(k.datetime)), count(k.landing_clicked_datetime)`
	hourConversionColumns = `leads, sales, rejected, rebills, lead_revenue, sale_revenue, rejected_revenue`
)

// addClickHours adds new clicks (by id, none with conversions yet) to the
// rollups: one statement for a batch.
func addClickHours(s store.Scoped, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.Exec(addClickHoursSQL, idList(ids))
	return err
}

// addClickHoursSQL is addClickHours' statement, written once: it runs for
// every click the public endpoints track.
var addClickHoursSQL = func() string {
	var adds []string
	for _, c := range strings.Split(hourClickColumns, ",") {
		c = strings.TrimSpace(c)
		adds = append(adds, c+" = "+c+" + excluded."+c)
	}
	return `INSERT INTO keitaro_click_hours (` + hourKeyColumns + `, ` + hourClickColumns + `)
		SELECT ` + hourKey + `, ` + hourClickSums + `
		FROM keitaro_clicks k WHERE k.tenant_id = @tenant AND k.click_id IN (SELECT value FROM json_each(?))
		GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10
		ON CONFLICT DO UPDATE SET ` + strings.Join(adds, ", ")
}()

// addConversionHours adds new conversions (by id) to the rollups: one
// statement for a batch.
func addConversionHours(s store.Scoped, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.Exec(`UPDATE keitaro_click_hours AS h SET leads = h.leads + d.leads, sales = h.sales + d.sales,
			rejected = h.rejected + d.rejected, rebills = h.rebills + d.rebills, lead_revenue = h.lead_revenue + d.lead_revenue,
			sale_revenue = h.sale_revenue + d.sale_revenue, rejected_revenue = h.rejected_revenue + d.rejected_revenue
		FROM (SELECT `+hourKeyNamed+`, sum(cv.status = 'lead') AS leads, sum(cv.status = 'sale') AS sales,
				sum(cv.status = 'rejected') AS rejected, sum(cv.status = 'rebill') AS rebills,
				total(iif(cv.status = 'lead', cv.revenue, 0)) AS lead_revenue,
				total(iif(cv.status IN ('sale', 'rebill'), cv.revenue, 0)) AS sale_revenue,
				total(iif(cv.status = 'rejected', cv.revenue, 0)) AS rejected_revenue
			FROM keitaro_conversions cv JOIN keitaro_clicks k ON k.tenant_id = cv.tenant_id AND k.click_id = cv.click_id
			WHERE cv.tenant_id = @tenant AND cv.conversion_id IN (SELECT value FROM json_each(?))
			GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) AS d
		WHERE h.tenant_id = d.tenant_id AND h.hour = d.hour AND h.campaign_id = d.campaign_id AND h.country_code = d.country_code
			AND h.campaign_group_id = d.campaign_group_id AND h.stream_id = d.stream_id AND h.landing_id = d.landing_id
			AND h.offer_id = d.offer_id AND h.ts_id = d.ts_id AND h.affiliate_network_id = d.affiliate_network_id`, idList(ids))
	return err
}

// idList is ids as a JSON array.
func idList(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// rebuildHours sums the rollups of the hours from … to (stored stamps)
// anew from the clicks and conversions: what a deletion of clicks, which
// no trigger follows, calls.
func rebuildHours(s store.Scoped, from, to string) error {
	first, last := from[:min(13, len(from))]+":00:00", to[:min(13, len(to))]+":59:59"
	if _, err := s.Exec(`DELETE FROM keitaro_click_hours WHERE tenant_id = @tenant AND hour >= ? AND hour <= ?`, first, last); err != nil {
		return err
	}
	_, err := s.Exec(`INSERT INTO keitaro_click_hours (`+hourKeyColumns+`, `+hourClickColumns+`, `+hourConversionColumns+`)
		SELECT `+hourKey+`, `+hourClickSums+`,
			coalesce(sum(v.leads), 0), coalesce(sum(v.sales), 0), coalesce(sum(v.rejected), 0), coalesce(sum(v.rebills), 0),
			total(v.lead_revenue), total(v.sale_revenue), total(v.rejected_revenue)
		FROM keitaro_clicks k LEFT JOIN (`+clickTotals+`) v ON v.click_id = k.click_id
		WHERE k.tenant_id = @tenant AND k.datetime >= ? AND k.datetime <= ?
		GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10`, first, last)
	return err
}
