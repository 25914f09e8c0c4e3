package keitaro

import (
	"strconv"

	"github.com/vendoremu/vendoremu/wire"
)

// catalogueItem is one entry of GET /stream_types, /stream_schemas and
// /stream_actions (§4.3.1, §4.3.2).
type catalogueItem struct {
	key, name, field, typ, description string
}

func (it catalogueItem) object() wire.Object {
	return wire.Obj("key", it.key, "value", it.key, "name", it.name, "field", it.field, "type", it.typ,
		"description", it.description)
}

var streamTypes = []catalogueItem{
	{"forced", "Intercepting", "", "stream_type", "Checked first; the first matching one takes the click"},
	{"regular", "Regular", "", "stream_type", "Rotated by the campaign's type: position or weight"},
	{"default", "Default", "", "stream_type", "Takes the click when no other stream matches"},
}

var streamSchemas = []catalogueItem{
	{"redirect", "Redirect", "", "schema", "Sends the visitor on with the stream's action"},
	{"action", "Action", "", "schema", "Performs the stream's action"},
	{"landings", "Landings and offers", "", "schema", "Shows a landing page that leads to an offer"},
	{"offers", "Offers only", "", "schema", "Sends the visitor straight to an offer"},
}

var streamActions = []catalogueItem{
	{"http", "HTTP redirect", "url", "redirect", "302 redirect to the URL"},
	{"meta", "Meta redirect", "url", "redirect", "Redirect by a meta refresh tag"},
	{"double_meta", "Double meta redirect", "url", "redirect", "Two meta refreshes, hiding the referrer"},
	{"js", "JS redirect", "url", "redirect", "Redirect by JavaScript"},
	{"blank_referrer", "Blank referrer", "url", "redirect", "Redirect without a referrer"},
	{"formsubmit", "Form submit", "url", "redirect", "Redirect by submitting a form"},
	{"iframe", "Iframe", "url", "redirect", "Shows the URL in an iframe"},
	{"frame", "Frame", "url", "redirect", "Shows the URL in a frame"},
	{"js_for_iframe", "JS for iframe", "url", "redirect", "JavaScript redirect for iframes"},
	{"js_for_script", "JS for script", "url", "redirect", "JavaScript redirect for script tags"},
	{"remote", "Remote", "url", "redirect", "Redirect to the URL a remote address answers"},
	{"curl", "CURL", "url", "other", "Loads the URL on the server and shows it"},
	{"local_file", "Local file", "text", "other", "Shows a local file"},
	{"show_text", "Show text", "text", "other", "Shows the text"},
	{"show_html", "Show HTML", "text", "other", "Shows the HTML"},
	{"status404", "404 Not Found", "", "other", "Answers 404"},
	{"do_nothing", "Do nothing", "", "other", "Answers an empty page"},
	{"campaign", "Send to campaign", "campaign", "other", "Hands the click to another campaign"},
}

// keysOf lists the catalogue's keys, for validating requests.
func keysOf(items []catalogueItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.key
	}
	return out
}

var (
	streamTypeKeys   = keysOf(streamTypes)
	streamSchemaKeys = keysOf(streamSchemas)
	streamActionKeys = keysOf(streamActions)
)

// streamFilter is one entry of GET /stream_filters (§4.3.4).
type streamFilter struct {
	name, group, tooltip string
	defaults             any
}

// listDefault is the defaults of filters whose payload is a list.
var listDefault = []string{}

var streamFilters = func() []streamFilter {
	f := []streamFilter{
		{"country", "geo", "Country codes of the visitor", listDefault},
		{"region", "geo", "Regions of the visitor", listDefault},
		{"city", "geo", "Cities of the visitor", listDefault},
		{"language", "geo", "Browser languages", listDefault},
		{"browser", "device", "Browsers", listDefault},
		{"os", "device", "Operating systems", listDefault},
		{"device_type", "device", "Device types", listDefault},
		{"device_model", "device", "Device models", listDefault},
		{"connection_type", "device", "Connection types", listDefault},
		{"operator", "device", "Mobile operators", listDefault},
		{"isp", "device", "Internet providers", listDefault},
		{"ip", "ip", "IP addresses, CIDR ranges or a.b.c.* masks", listDefault},
		{"keyword", "traffic", "Keywords", listDefault},
		{"referrer", "traffic", "Parts of the referrer", listDefault},
		{"user_agent", "traffic", "Parts of the User-Agent", listDefault},
		{"source", "traffic", "Sources", listDefault},
		{"ad_campaign_id", "traffic", "Ad campaign ids", listDefault},
		{"creative_id", "traffic", "Creative ids", listDefault},
		{"external_id", "traffic", "External ids", listDefault},
	}
	for i := 1; i <= 15; i++ {
		n := strconv.Itoa(i)
		f = append(f, streamFilter{"sub_id_" + n, "traffic", "Values of sub_id_" + n, listDefault})
	}
	return append(f,
		streamFilter{"uniqueness", "traffic", "Unique visitors of the stream, the campaign or all campaigns", "campaign"},
		streamFilter{"bot", "traffic", "Bots", nil},
		streamFilter{"proxy", "ip", "Visitors behind a proxy", nil},
		streamFilter{"empty_referrer", "traffic", "Visits without a referrer", nil},
		streamFilter{"schedule", "traffic", "Days and hours", nil},
		streamFilter{"interval", "traffic", "A date interval", nil},
		streamFilter{"limit", "traffic", "A click limit", nil},
		streamFilter{"parameter", "traffic", "A query parameter", nil},
		streamFilter{"ipv6", "ip", "IPv6 visitors", nil},
		streamFilter{"hide_click_detect", "traffic", "Hidden click detection", nil},
	)
}()

var streamFilterNames = func() []string {
	out := make([]string, len(streamFilters))
	for i, f := range streamFilters {
		out[i] = f.name
	}
	return out
}()

func catalogue(items []catalogueItem) []wire.Object {
	out := make([]wire.Object, len(items))
	for i, it := range items {
		out[i] = it.object()
	}
	return out
}

// GET /stream_types
func listStreamTypes(*call) (any, error) { return catalogue(streamTypes), nil }

// GET /stream_schemas
func listStreamSchemas(*call) (any, error) { return catalogue(streamSchemas), nil }

// GET /stream_actions, GET /streams_actions
func listStreamActions(*call) (any, error) { return catalogue(streamActions), nil }

// GET /stream_filters
func listStreamFilters(*call) (any, error) {
	out := make([]wire.Object, len(streamFilters))
	for i, f := range streamFilters {
		out[i] = wire.Obj("value", f.name, "group", f.group, "tooltip", f.tooltip,
			"modes", wire.Obj("accept", "Accept", "reject", "Reject"), "defaults", f.defaults)
	}
	return out, nil
}
