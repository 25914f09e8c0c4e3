package keitaro

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// costFilterKeys are the click columns update_costs may filter on.
var costFilterKeys = func() []string {
	keys := []string{"keyword", "external_id", "creative_id", "ad_campaign_id", "source"}
	for i := 1; i <= 15; i++ {
		keys = append(keys, "sub_id_"+strconv.Itoa(i))
	}
	return keys
}()

// costItem is one cost to spread over the matching clicks of a campaign.
type costItem struct {
	from, to string // stored datetimes, inclusive
	cost     float64
	filters  map[string][]string
}

// readCostTimezone reads the timezone dates are given in (default the
// tenant's).
func readCostTimezone(c *call, errs *fieldErrors) *time.Location {
	name, ok := asString(c.in["timezone"])
	if !ok && c.in["timezone"] != nil {
		errs.add("timezone", msgInvalid)
		return time.UTC
	}
	loc, ok := location(name, c.t.timezone)
	if !ok {
		errs.add("timezone", msgInvalid)
	}
	return loc
}

// readCostItem reads start_date, end_date, cost and filters from in; key
// names the field an error is reported under.
func readCostItem(in params, loc *time.Location, errs *fieldErrors, key func(string) string) costItem {
	var item costItem
	item.from, item.to = readDates(in, loc, errs, key)
	switch cost, ok := asMoney(in["cost"]); {
	case in["cost"] == nil || in["cost"] == "":
		errs.add(key("cost"), msgRequired)
	case !ok || cost < 0:
		errs.add(key("cost"), msgInvalid)
	default:
		item.cost = cost
	}
	item.filters = readCostFilters(in["filters"], errs, key)
	return item
}

// readDates reads the required start_date and end_date (in loc; a date
// alone ends at its last second) as stored stamps.
func readDates(in params, loc *time.Location, errs *fieldErrors, key func(string) string) (string, string) {
	dates := map[string]time.Time{}
	for _, name := range []string{"start_date", "end_date"} {
		raw := in[name]
		s, ok := asString(raw)
		if raw == nil || (ok && strings.TrimSpace(s) == "") {
			errs.add(key(name), msgRequired)
			continue
		}
		t, ok2 := trackerTime(strings.TrimSpace(s), loc, name == "end_date")
		if !ok || !ok2 {
			errs.add(key(name), msgInvalid)
			continue
		}
		dates[name] = t
	}
	from, okFrom := dates["start_date"]
	to, okTo := dates["end_date"]
	if okFrom && okTo && to.Before(from) {
		errs.add(key("end_date"), msgInvalid)
	}
	return from.UTC().Format(stampLayout), to.UTC().Format(stampLayout)
}

// readCostFilters reads {key: "v1,v2"} (a list of values is accepted too).
func readCostFilters(raw any, errs *fieldErrors, key func(string) string) map[string][]string {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if list, isList := raw.([]any); isList && len(list) == 0 {
		return nil
	}
	if !ok {
		errs.add(key("filters"), msgInvalid)
		return nil
	}
	out := map[string][]string{}
	for k, v := range m {
		if !slices.Contains(costFilterKeys, k) {
			errs.add(key("filters"), msgInvalid)
			return nil
		}
		var values []string
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				errs.add(key("filters"), msgInvalid)
				return nil
			}
			for _, it := range x {
				s, ok := asString(it)
				if !ok {
					errs.add(key("filters"), msgInvalid)
					return nil
				}
				values = append(values, s)
			}
		default:
			s, ok := asString(x)
			if !ok {
				errs.add(key("filters"), msgInvalid)
				return nil
			}
			values = strings.Split(s, ",")
		}
		out[k] = values
	}
	return out
}

// applyCost spreads item's cost equally over the campaign's clicks in its
// range that match its filters (and, with uniques, are campaign-unique);
// it returns how many clicks got a share.
func applyCost(c *call, campaignID int64, item costItem, uniques bool) (int64, error) {
	where := ` WHERE tenant_id = @tenant AND campaign_id = ? AND datetime >= ? AND datetime <= ?`
	args := []any{campaignID, item.from, item.to}
	if uniques {
		where += ` AND is_unique_campaign = 1`
	}
	for _, k := range costFilterKeys {
		values, ok := item.filters[k]
		if !ok {
			continue
		}
		where += ` AND ` + k + ` IN (?` + strings.Repeat(", ?", len(values)-1) + `)`
		for _, v := range values {
			args = append(args, v)
		}
	}
	var n int64
	if err := c.s.QueryRow(`SELECT count(*) FROM keitaro_clicks`+where, args...).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	_, err := c.s.Exec(`UPDATE keitaro_clicks SET cost = ?`+where, append([]any{item.cost / float64(n)}, args...)...)
	return n, err
}

// POST /campaigns/{id}/update_costs (§4.2.1)
func updateCampaignCosts(c *call) (any, error) {
	if _, err := liveCampaign(c, c.id); err != nil {
		return nil, err
	}
	var errs fieldErrors
	loc := readCostTimezone(c, &errs)
	item := readCostItem(c.in, loc, &errs, func(name string) string { return name })
	uniques := readUniques(c, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return applyCosts(c, []int64{c.id}, []costItem{item}, uniques)
}

// readUniques reads only_campaign_uniques (default false).
func readUniques(c *call, errs *fieldErrors) bool {
	raw := c.in["only_campaign_uniques"]
	if raw == nil || raw == "" {
		return false
	}
	uniques, ok := asBool(raw)
	if !ok {
		errs.add("only_campaign_uniques", msgInvalid)
	}
	return uniques
}

// applyCosts applies every cost item to each campaign separately and logs
// how many clicks of each got a share.
func applyCosts(c *call, campaignIDs []int64, items []costItem, uniques bool) (any, error) {
	for _, id := range campaignIDs {
		var n int64
		for _, item := range items {
			k, err := applyCost(c, id, item, uniques)
			if err != nil {
				return nil, err
			}
			n += k
		}
		if err := writeLog(c, "system", fmt.Sprintf("Costs updated for campaign #%d: %d clicks", id, n)); err != nil {
			return nil, err
		}
	}
	return success(), nil
}
