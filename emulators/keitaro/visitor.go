package keitaro

import (
	"net"
	"net/http"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/form"
)

// visitor is what the tracker learns from a visitor's request (§4.13.2):
// no geo database, so the geo and network columns stay empty.
type visitor struct {
	ip, userAgent, referrer, language string
	os, browser, deviceType           string
	proxy                             bool
	query                             form.Values
	// offerBase is the absolute URL of the landing click-through on the
	// listener the visitor used (http://<Host><prefix>/lp/offer), for the
	// {offer} macro; offerPath the same path alone, for pages' links.
	offerBase, offerPath string
}

// visitorOf reads a visitor's request.
func visitorOf(r *http.Request) *visitor {
	ua := r.Header.Get("User-Agent")
	v := &visitor{
		ip:         clientIP(r),
		userAgent:  ua,
		referrer:   r.Header.Get("Referer"),
		language:   language(r.Header.Get("Accept-Language")),
		os:         firstMatch(ua, uaOS),
		browser:    firstMatch(ua, uaBrowsers),
		deviceType: firstMatch(ua, uaDevices),
		proxy:      r.Header.Get("Via") != "",
		query:      form.ParseQuery(r.URL.RawQuery),
		offerPath:  emu.BasePath(r) + "/lp/offer",
	}
	v.offerBase = "http://" + r.Host + v.offerPath
	if v.deviceType == "" {
		v.deviceType = "desktop"
	}
	return v
}

// clientIP is the first address of X-Forwarded-For, else X-Real-IP, else
// the TCP peer.
func clientIP(r *http.Request) string {
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		first, _, _ := strings.Cut(fwd, ",")
		if ip := strings.TrimSpace(first); ip != "" {
			return ip
		}
	}
	if ip := strings.TrimSpace(r.Header.Get("X-Real-IP")); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// language is the first two letters, lower-cased, of the first
// Accept-Language tag ("" when it does not start with two letters).
func language(header string) string {
	tag, _, _ := strings.Cut(header, ",")
	tag = strings.TrimSpace(tag)
	if len(tag) < 2 || !isLetter(tag[0]) || !isLetter(tag[1]) {
		return ""
	}
	return strings.ToLower(tag[:2])
}

func isLetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// uaRule names what a User-Agent is when it contains any of the marks.
type uaRule struct {
	name  string
	marks []string
}

// The User-Agent rules of §4.13.2; the first match wins.
var (
	uaOS = []uaRule{{"Android", []string{"Android"}}, {"iOS", []string{"iPhone", "iPad"}}, {"Windows", []string{"Windows"}},
		{"OS X", []string{"Mac OS X"}}, {"Linux", []string{"Linux"}}}
	uaBrowsers = []uaRule{{"Edge", []string{"Edg/"}}, {"Opera", []string{"OPR/"}}, {"Chrome", []string{"Chrome/"}},
		{"Firefox", []string{"Firefox"}}, {"Safari", []string{"Safari"}}}
	uaDevices = []uaRule{{"tablet", []string{"iPad", "Tablet"}}, {"mobile", []string{"Mobile", "Android", "iPhone"}}}
	// botMarks make a User-Agent a bot's (ignoring case, §4.13.4).
	botMarks = []string{"bot", "crawler", "spider", "curl/", "wget", "python-requests", "headless"}
)

func firstMatch(ua string, rules []uaRule) string {
	for _, r := range rules {
		for _, m := range r.marks {
			if strings.Contains(ua, m) {
				return r.name
			}
		}
	}
	return ""
}

// botAgent reports a User-Agent that names a robot.
func botAgent(ua string) bool {
	ua = strings.ToLower(ua)
	for _, m := range botMarks {
		if strings.Contains(ua, m) {
			return true
		}
	}
	return false
}

// param is the last value of a query parameter ("" when absent).
func (v *visitor) param(name string) string {
	s, _ := v.query.Last(name)
	return s
}
