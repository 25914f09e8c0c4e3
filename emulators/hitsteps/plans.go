package hitsteps

import (
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

// plan is a licence plan that can be bought; licence maths uses only its
// monthly price.
type plan struct {
	ID    int64
	Name  string
	Cents int64 // monthly price
}

// paidPlans are the plans ops 18 and 19 accept, by licence code.
var paidPlans = map[int64]plan{
	0: {0, "Starter", 800},
	3: {3, "Pro", 999},
}

// monthlyCents is the monthly price of a licence code; a code that is no
// paid plan (Free, or an odd code from a seed) costs nothing.
func monthlyCents(code int64) int64 { return paidPlans[code].Cents }

// money is an amount of cents as the JSON number the API writes: 8, 9.99.
func money(cents int64) float64 { return float64(cents) / 100 }

// planSchema is one plan of op 20: limits and price as strings, the price
// variants (paid plans only) as numbers.
var planSchema = func() *openapi.Schema {
	var props []openapi.Prop
	for _, k := range []string{"id", "name", "price", "hit", "hit_label", "sites", "history", "goal", "chat",
		"chat_agent", "https", "label", "social", "heatmap_click", "heatmap_days", "uptime", "uptime_credits"} {
		props = append(props, openapi.Field(k, openapi.String()))
	}
	for _, k := range []string{"y2price", "yprice", "mo9price", "mo6price"} {
		props = append(props, openapi.Optional(k, openapi.Number()))
	}
	return openapi.Named("Plan", openapi.Object(props...))
}()

// plansCall documents op 20.
var plansCall = call{
	summary: "Plans and pricing: an object keyed by plan id (\"0\", \"-1\", \"3\"), without an error key",
	tag:     "licences",
	answer: openapi.Object(
		openapi.Field("0", planSchema),
		openapi.Field("-1", planSchema),
		openapi.Field("3", planSchema),
	),
}

// plansAnswer is op 20's answer: keyed by plan id in the document's order,
// limits and price as strings, the price variants as numbers, and no
// "error" key. Pro is the emulator's own plan.
var plansAnswer = wire.Obj(
	"0", wire.Obj("id", "0", "name", "Starter", "price", "8", "hit", "10000", "hit_label", "10k/mo", "sites", "2",
		"history", "30", "goal", "3", "chat", "1", "chat_agent", "1", "https", "1", "label", "3", "social", "0",
		"heatmap_click", "0", "heatmap_days", "0", "uptime", "0", "uptime_credits", "0",
		"y2price", 95.81, "yprice", 53.89, "mo9price", 41.53, "mo6price", 28.44),
	"-1", wire.Obj("id", "-1", "name", "Free", "price", "0", "hit", "2000", "hit_label", "2k/mo", "sites", "1",
		"history", "14", "goal", "0", "chat", "0", "chat_agent", "0", "https", "1", "label", "0", "social", "0",
		"heatmap_click", "0", "heatmap_days", "0", "uptime", "0", "uptime_credits", "0"),
	"3", wire.Obj("id", "3", "name", "Pro", "price", "9.99", "hit", "100000", "hit_label", "100k/mo", "sites", "10",
		"history", "365", "goal", "10", "chat", "1", "chat_agent", "3", "https", "1", "label", "10", "social", "1",
		"heatmap_click", "10000", "heatmap_days", "30", "uptime", "1", "uptime_credits", "5",
		"y2price", 119.64, "yprice", 67.3, "mo9price", 51.86, "mo6price", 35.51),
)

// listPlans is op 20, plans: the same catalogue for every whitelabel.
func listPlans(r *request) (wire.Object, error) { return plansAnswer, nil }
