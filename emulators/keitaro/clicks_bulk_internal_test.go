package keitaro

import (
	"context"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// TestBulkClicksStoredAsOneByOne stores the same helper items in bulk (one
// statement over JSON) and one by one, and checks that every stored value
// and its SQLite type are the same: the JSON round trip must not turn a
// text that looks like a number into a number, drop a NUL, round a float or
// a large integer.
func TestBulkClicksStoredAsOneByOne(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, nil)
	body := `{"clicks":[
		{"campaign_id":1,"datetime":"2017-05-01 10:00:00","sub_id_1":"123","sub_id_2":"1e5","sub_id_3":"a\u0000b","keyword":"ü 😀 \"q\" \\",
		 "cost":0.1,"is_bot":true,"landing_clicked":true,"stream_id":9007199254740993,"offer_id":null,"ip":"10.0.0.1"},
		{"campaign_id":1,"cost":12345.6789,"landing_clicked_datetime":"2017-05-01T10:00:05+02:00","datetime":"2017-05-01T10:00:00Z",
		 "is_unique_campaign":false,"external_id":"","language_id":-4},
		{"campaign_id":1,"datetime":"2017-05-01 10:00:00","sub_id_1":"123","sub_id_2":"1e5","sub_id_3":"a\u0000b","keyword":"x",
		 "cost":0,"is_bot":false,"landing_clicked":false,"stream_id":1,"offer_id":7,"ip":""}
	]}`
	_, items, err := itemList([]byte(body), "clicks")
	if err != nil {
		t.Fatal(err)
	}
	var dumps [2]string
	err = st.Write(ctx, func(tx *store.Tx) error {
		for i, bulk := range []bool{true, false} {
			ten, err := tx.CreateTenant(Name, []string{"bulk", "single"}[i])
			if err != nil {
				return err
			}
			c := &call{t: tenant{Tenant: ten, timezone: "UTC"}, s: tx.Scope(ten), now: tx.Now()}
			c.stamp = c.now.Format(stampLayout)
			for id, name := range map[int64]string{1: "C"} {
				if _, err := c.s.Exec(`INSERT INTO keitaro_campaigns (tenant_id, id, alias, name, type, cookies_ttl, position, state,
					created_at, cost_type, cost_value, cost_currency, cost_auto, token, uniqueness_method, uniqueness_use_cookies,
					traffic_loss, parameters, postbacks, notes) VALUES (@tenant, ?, ?, ?, 'position', 24, 1, 'active',
					'2017-01-01 00:00:00', 'CPC', 0, 'USD', 0, '', 'ip', 0, 0, '{}', '[]', '')`, id, ten.Key, name); err != nil {
					return err
				}
			}
			if _, err := recordClickBatch(c, items, "clicks", bulk); err != nil {
				return err
			}
			var cols []string
			rows, err := queryRows(c.s, `SELECT name FROM pragma_table_info('keitaro_clicks') WHERE name NOT IN ('tenant_id', 'sub_id') AND @tenant > 0`)
			if err != nil {
				return err
			}
			for _, r := range rows {
				cols = append(cols, "quote("+r.str("name")+")")
			}
			rows, err = queryRows(c.s, `SELECT `+strings.Join(cols, ` || '|' || `)+` AS v FROM keitaro_clicks WHERE tenant_id = @tenant ORDER BY click_id`)
			if err != nil {
				return err
			}
			for _, r := range rows {
				dumps[i] += r.str("v") + "\n"
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dumps[0] != dumps[1] {
		t.Fatalf("bulk:\n%s\none by one:\n%s", dumps[0], dumps[1])
	}
	if !strings.Contains(dumps[0], "'123'") || !strings.Contains(dumps[0], "9007199254740993") {
		t.Fatalf("values lost:\n%s", dumps[0])
	}
}
