package keitaro_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

// A report's groups and sums are exactly those of the clicks one by one,
// across a daylight-saving change, with parts of the local time, names of
// referred objects and per-click columns among the groups: computed here
// in Go from the clicks as stored.
func TestGroupsAcrossADaylightSavingChange(t *testing.T) {
	a := start(t, keitaro.Config{})
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, id := range []int{2, 89, 662} {
		var c struct{ Name string }
		json.Unmarshal([]byte(a.do("GET", fmt.Sprintf("/campaigns/%d", id), nil).Body), &c)
		names[id] = c.Name
	}
	type click struct {
		at       time.Time
		campaign int
		source   string
		cost     float64
	}
	var clicks []click
	var body []any
	// Every 17 minutes from two days before the change (2017-03-26 01:00
	// UTC) to a day after it.
	for at, i := time.Date(2017, 3, 24, 0, 3, 0, 0, time.UTC), 0; at.Before(time.Date(2017, 3, 27, 0, 0, 0, 0, time.UTC)); at, i = at.Add(17*time.Minute), i+1 {
		c := click{at, []int{2, 89, 662}[i%3], fmt.Sprintf("s%d", i%4), float64(i%5) * 0.25}
		clicks = append(clicks, c)
		body = append(body, map[string]any{"campaign_id": c.campaign, "datetime": at.Format(time.RFC3339), "source": c.source, "cost": c.cost})
	}
	if r := a.srv.Do("POST", "/_emulator/keitaro/clicks", body); r.Status != 200 {
		t.Fatalf("clicks: %d %s", r.Status, r.Body)
	}
	for _, grouping := range [][]string{
		{"day", "campaign"},
		{"day_hour", "source"},
		{"weekday", "hour", "campaign"},
		{"campaign"},
		{"month", "week", "year"},
		{"datetime"},
	} {
		t.Run(strings.Join(grouping, ","), func(t *testing.T) {
			type sums struct {
				clicks int
				cost   float64
			}
			want := map[string]*sums{}
			for _, c := range clicks {
				l := c.at.In(madrid)
				y, w := l.ISOWeek()
				part := map[string]any{
					"day": l.Format("2006-01-02"), "day_hour": l.Format("2006-01-02 15") + ":00", "hour": l.Hour(),
					"weekday": (int(l.Weekday())+6)%7 + 1, "month": l.Format("2006-01"), "week": fmt.Sprintf("%d-%02d", y, w),
					"year": l.Year(), "datetime": l.Format("2006-01-02 15:04:05"), "campaign": names[c.campaign], "source": c.source,
				}
				var key []string
				for _, g := range grouping {
					key = append(key, fmt.Sprint(part[g]))
				}
				k := strings.Join(key, "|")
				if want[k] == nil {
					want[k] = &sums{}
				}
				want[k].clicks++
				want[k].cost += c.cost
			}
			r := a.do("POST", "/report/build", map[string]any{
				"range":    map[string]any{"from": "2017-03-20", "to": "2017-03-30", "timezone": "Europe/Madrid"},
				"grouping": grouping, "metrics": []any{"clicks", "cost"}, "limit": 1000,
			})
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var got struct{ Rows []map[string]any }
			if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, row := range got.Rows {
				var key []string
				for _, g := range grouping {
					key = append(key, fmt.Sprint(row[g]))
				}
				k := strings.Join(key, "|")
				keys = append(keys, k)
				w := want[k]
				if w == nil || int(row["clicks"].(float64)) != w.clicks || math.Abs(row["cost"].(float64)-w.cost) > 1e-9 {
					t.Errorf("group %s: %v clicks, %v cost; want %+v", k, row["clicks"], row["cost"], w)
				}
			}
			if len(got.Rows) != len(want) {
				t.Errorf("%d groups, want %d", len(got.Rows), len(want))
			}
			if !slices.IsSorted(keys) && len(grouping) == 1 && grouping[0] != "campaign" {
				t.Errorf("groups out of order: %v", keys)
			}
		})
	}
}
