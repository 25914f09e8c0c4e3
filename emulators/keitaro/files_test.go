package keitaro_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

func TestFileEditor(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		for _, c := range []struct {
			base, id, folder string
			body             map[string]any
			cloneID          func(vtest.Response) any
		}{
			{"/landing_pages", "27", "landing_27", map[string]any{"name": "Local <LP>", "landing_type": "local"},
				func(r vtest.Response) any { return object(t, r)["id"] }},
			{"/offers", "16", "offer_16", map[string]any{"name": "Local <LP>", "offer_type": "local", "url": "http://o"},
				func(r vtest.Response) any { return one(t, r)["id"] }},
		} {
			t.Run(c.base, func(t *testing.T) {
				expectStatus(t, a.do("POST", c.base, c.body), 200)
				obj := c.base + "/" + c.id
				index := "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Local &lt;LP&gt;</title>\n</head>\n<body>\n<h1>Local &lt;LP&gt;</h1>\n</body>\n</html>\n"
				// A new local object starts with index.html naming it.
				expect(t, a.do("GET", obj+"/get_structure", nil), 200, `{"name":"`+c.folder+`","type":"directory","ext":"","path":"","children":[
					{"name":"index.html","type":"file","ext":"html","path":"index.html","children":[]}]}`)
				expect(t, a.do("GET", obj+"/get_file?path=index.html", nil), 200, `{"data":`+strconv.Quote(index)+`}`)

				// add_file: folders implied; the path from the query or the body.
				expect(t, a.do("POST", obj+"/add_file?path=order/success.html", nil), 200, `{"path":"order/success.html"}`)
				expect(t, a.do("POST", obj+"/add_file", map[string]any{"path": "order/css/site.css"}), 200, `{"path":"order/css/site.css"}`)
				expect(t, a.do("POST", obj+"/add_file?path=README", nil), 200, `{"path":"README"}`)
				expect(t, a.do("GET", obj+"/get_file?path=order/success.html", nil), 200, `{"data":""}`)
				expect(t, a.do("GET", obj+"/get_structure", nil), 200, `{"name":"`+c.folder+`","type":"directory","ext":"","path":"","children":[
					{"name":"order","type":"directory","ext":"","path":"order","children":[
						{"name":"css","type":"directory","ext":"","path":"order/css","children":[
							{"name":"site.css","type":"file","ext":"css","path":"order/css/site.css","children":[]}]},
						{"name":"success.html","type":"file","ext":"html","path":"order/success.html","children":[]}]},
					{"name":"README","type":"file","ext":"","path":"README","children":[]},
					{"name":"index.html","type":"file","ext":"html","path":"index.html","children":[]}]}`)

				// update_file: data from the query string or a JSON body.
				expect(t, a.do("PUT", obj+"/update_file?path=order/success.html&data="+url.QueryEscape("<p>Thanks & bye</p>"), nil), 200,
					`{"path":"order/success.html"}`)
				expect(t, a.do("GET", obj+"/get_file?path=order/success.html", nil), 200, `{"data":"<p>Thanks & bye</p>"}`)
				expect(t, a.do("PUT", obj+"/update_file", map[string]any{"path": "index.html", "data": "<h1>{subid}</h1>"}), 200, `{"path":"index.html"}`)
				expect(t, a.do("GET", obj+"/get_file", map[string]any{"path": "index.html"}), 200, `{"data":"<h1>{subid}</h1>"}`)
				expect(t, a.do("PUT", obj+"/update_file?path=README&data=", nil), 200, `{"path":"README"}`)

				// Errors.
				for _, bad := range []string{"/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", `a\b`, "C:/x", "a%00b"} {
					q := "?path=" + url.QueryEscape(bad)
					if bad == "a%00b" {
						q = "?path=a%00b"
					}
					expect(t, a.do("POST", obj+"/add_file"+q, nil), 406, `{"path":["This value is invalid"]}`)
					expect(t, a.do("GET", obj+"/get_file"+q, nil), 406, `{"path":["This value is invalid"]}`)
					expect(t, a.do("PUT", obj+"/update_file"+q+"&data=x", nil), 406, `{"path":["This value is invalid"]}`)
					expect(t, a.do("DELETE", obj+"/remove_file"+q, nil), 406, `{"path":["This value is invalid"]}`)
				}
				expect(t, a.do("POST", obj+"/add_file", nil), 406, `{"path":["This field is required"]}`)
				expect(t, a.do("POST", obj+"/add_file?path=index.html", nil), 406, `{"path":["This value is already taken"]}`)
				expect(t, a.do("POST", obj+"/add_file?path=order", nil), 406, `{"path":["This value is already taken"]}`)
				expect(t, a.do("POST", obj+"/add_file?path=README/x", nil), 406, `{"path":["This value is invalid"]}`)
				expect(t, a.do("GET", obj+"/get_file?path=nope.html", nil), 404, `{"error":"Not found"}`)
				expect(t, a.do("GET", obj+"/get_file?path=order", nil), 404, `{"error":"Not found"}`)
				expect(t, a.do("PUT", obj+"/update_file?path=nope.html&data=x", nil), 404, `{"error":"Not found"}`)
				expect(t, a.do("PUT", obj+"/update_file?path=index.html", nil), 406, `{"data":["This field is required"]}`)
				big := strings.Repeat("x", 1<<20+1)
				expect(t, a.do("PUT", obj+"/update_file", map[string]any{"path": "index.html", "data": big}), 406, `{"data":["This value is too long"]}`)
				expect(t, a.do("PUT", obj+"/update_file", map[string]any{"path": "index.html", "data": big[1:]}), 200, `{"path":"index.html"}`)
				expect(t, a.do("GET", c.base+"/999/get_structure", nil), 404, `{"error":"Not found"}`)
				expect(t, a.do("POST", c.base+"/999/add_file?path=a", nil), 404, `{"error":"Not found"}`)

				// A clone copies the files; the copies are its own.
				cl := c.base + "/" + fmt.Sprint(c.cloneID(a.do("POST", obj+"/clone", nil)))
				expect(t, a.do("GET", cl+"/get_file?path=order/success.html", nil), 200, `{"data":"<p>Thanks & bye</p>"}`)
				expect(t, a.do("DELETE", cl+"/remove_file?path=order/success.html", nil), 200, `{"success":true}`)
				expect(t, a.do("GET", obj+"/get_file?path=order/success.html", nil), 200, `{"data":"<p>Thanks & bye</p>"}`)

				// remove_file: a file, or a folder with all in it.
				expect(t, a.do("DELETE", obj+"/remove_file?path=order", nil), 200, `{"success":true}`)
				expect(t, a.do("DELETE", obj+"/remove_file?path=order/css/site.css", nil), 404, `{"error":"Not found"}`)
				expect(t, a.do("DELETE", obj+"/remove_file", map[string]any{"path": "README"}), 200, `{"success":true}`)
				expect(t, a.do("GET", obj+"/get_structure", nil), 200, `{"name":"`+c.folder+`","type":"directory","ext":"","path":"","children":[
					{"name":"index.html","type":"file","ext":"html","path":"index.html","children":[]}]}`)

				// Another tenant does not see the object or its files.
				b := a.as(a.newTenant(nil))
				expect(t, b.do("GET", obj+"/get_structure", nil), 404, `{"error":"Not found"}`)
				expect(t, b.do("GET", obj+"/get_file?path=index.html", nil), 404, `{"error":"Not found"}`)
			})
		}
	})
}

func TestFilesOfExternalObjectsAndResets(t *testing.T) {
	a := start(t, keitaro.Config{})
	// An external landing page starts with an empty folder.
	expect(t, a.do("GET", "/landing_pages/26/get_structure", nil), 200,
		`{"name":"landing_26","type":"directory","ext":"","path":"","children":[]}`)
	expect(t, a.do("POST", "/landing_pages/26/add_file?path=a.txt", nil), 200, `{"path":"a.txt"}`)
	expect(t, a.do("GET", "/landing_pages/26/get_file?path=a.txt", nil), 200, `{"data":""}`)
	// The files go with the tenant's data.
	expectStatus(t, a.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant="+keitaro.DefaultTenant, nil), 200)
	expect(t, a.do("GET", "/landing_pages/26/get_structure", nil), 200,
		`{"name":"landing_26","type":"directory","ext":"","path":"","children":[]}`)
}
