package keitaro

import (
	"slices"
	"sort"

	"github.com/vendoremu/vendoremu/wire"
)

// Labels (§4.11.7): one value of one click column, within one campaign,
// marked whitelist or blacklist. Reports read them through the label
// column and the HAS_LABEL filters.

var labelNames = []string{"whitelist", "blacklist"}

// readLabelCampaign reads the required campaign_id: a campaign of the
// tenant in any state.
func readLabelCampaign(c *call, v any, errs *fieldErrors) int64 {
	id, ok := asInt(v)
	switch {
	case v == nil || v == "":
		errs.add("campaign_id", msgRequired)
	case !ok:
		errs.add("campaign_id", msgInvalid)
	default:
		if _, err := campaigns.load(c, id); err != nil {
			errs.add("campaign_id", msgInvalid)
		}
	}
	return id
}

// readOneOf reads a required string that must be one of allowed.
func readOneOf(v any, key string, allowed []string, errs *fieldErrors) string {
	s, ok := asString(v)
	switch {
	case v == nil || (ok && s == ""):
		errs.add(key, msgRequired)
	case !ok || !slices.Contains(allowed, s):
		errs.add(key, msgInvalid)
	}
	return s
}

// putLabel sets (or, with label "", removes) the label of a value.
func putLabel(c *call, campaignID int64, ref, value, label string) error {
	if label == "" {
		_, err := c.s.Exec(`DELETE FROM keitaro_labels WHERE tenant_id = @tenant AND campaign_id = ? AND ref_name = ? AND value = ?`,
			campaignID, ref, value)
		return err
	}
	_, err := c.s.Exec(`INSERT INTO keitaro_labels (tenant_id, campaign_id, ref_name, value, label) VALUES (@tenant, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, campaign_id, ref_name, value) DO UPDATE SET label = excluded.label`,
		campaignID, ref, value, label)
	return err
}

// POST /report/labels: {"campaign_id","ref_name","items":{value: label}};
// a label "" or null removes the value's label.
func setLabels(c *call) (any, error) {
	var errs fieldErrors
	campaignID := readLabelCampaign(c, c.in["campaign_id"], &errs)
	ref := readOneOf(c.in["ref_name"], "ref_name", labelRefs, &errs)
	items := map[string]string{}
	switch x := c.in["items"].(type) {
	case nil:
		errs.add("items", msgRequired)
	case []any: // PHP's empty array
		if len(x) > 0 {
			errs.add("items", msgInvalid)
		}
	case map[string]any:
		for value, raw := range x {
			label, ok := raw.(string)
			if raw != nil && (!ok || (label != "" && !slices.Contains(labelNames, label))) {
				errs.add("items", msgInvalid)
				break
			}
			items[value] = label
		}
	default:
		errs.add("items", msgInvalid)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	values := make([]string, 0, len(items))
	for v := range items {
		values = append(values, v)
	}
	sort.Strings(values)
	for _, v := range values {
		if err := putLabel(c, campaignID, ref, v, items[v]); err != nil {
			return nil, err
		}
	}
	return success(), nil
}

// GET /report/labels?campaign_id=&ref_name=&label_name=: {value: label}
// of every value of that campaign and column with that label.
func getLabels(c *call) (any, error) {
	var errs fieldErrors
	campaignID := readLabelCampaign(c, c.in["campaign_id"], &errs)
	ref := readOneOf(c.in["ref_name"], "ref_name", labelRefs, &errs)
	label := readOneOf(c.in["label_name"], "label_name", labelNames, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	rows, err := queryRows(c.s, `SELECT value, label FROM keitaro_labels
		WHERE tenant_id = @tenant AND campaign_id = ? AND ref_name = ? AND label = ? ORDER BY value`, campaignID, ref, label)
	out := wire.Object{}
	for _, r := range rows {
		out = append(out, wire.Field{Key: r.str("value"), Value: r.str("label")})
	}
	return out, err
}

// allLabels are the tenant's labels, for the state dump.
func allLabels(c *call) ([]wire.Object, error) {
	rows, err := queryRows(c.s, `SELECT campaign_id, ref_name, value, label FROM keitaro_labels
		WHERE tenant_id = @tenant ORDER BY campaign_id, ref_name, value`)
	return objects(rows, func(r row) wire.Object {
		return wire.Obj("campaign_id", r.int("campaign_id"), "ref_name", r.str("ref_name"), "value", r.str("value"),
			"label", r.str("label"))
	}), err
}
