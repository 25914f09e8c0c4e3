package twipla_test

import (
	"testing"
)

func TestContributors(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("owner", "w1", "")
	c.customer("c2", "", "")
	c.customer("c3", "", "")
	c.customer("c4", "w4", "")
	path := "/v3/3as/websites/w1/contributors"
	empty := `{"payload":{"owner":{"intpCustomerId":"owner","email":"owner@example.com"},` +
		`"contributors":{"editor":[],"watcher":[],"dashboard":[]}}}`
	if r := c.do("GET", path, nil); r.Status != 200 || r.Body != empty {
		t.Fatalf("empty: %d %s", r.Status, r.Body)
	}
	p := func(id string) string { return `{"intpCustomerId":"` + id + `","email":"` + id + `@example.com"}` }
	steps := []struct{ body, want string }{
		{`{"intpCustomerId":"c2","role":"editor"}`, `"editor":[` + p("c2") + `],"watcher":[],"dashboard":[]`},
		{`{"intpCustomerId":"c3","role":"editor"}`, `"editor":[` + p("c2") + `,` + p("c3") + `],"watcher":[],"dashboard":[]`},
		{`{"intpCustomerId":"c4","role":"dashboard"}`, `"editor":[` + p("c2") + `,` + p("c3") + `],"watcher":[],"dashboard":[` + p("c4") + `]`},
		// A second add replaces the role (one role per customer and website).
		{`{"intpCustomerId":"c2","role":"watcher"}`, `"editor":[` + p("c3") + `],"watcher":[` + p("c2") + `],"dashboard":[` + p("c4") + `]`},
		{`{"intpCustomerId":"c2","role":"watcher"}`, `"editor":[` + p("c3") + `],"watcher":[` + p("c2") + `],"dashboard":[` + p("c4") + `]`},
	}
	prefix := `{"payload":{"owner":{"intpCustomerId":"owner","email":"owner@example.com"},"contributors":{`
	for _, s := range steps {
		r := c.do("POST", path, s.body)
		if r.Status != 200 || r.Body != prefix+s.want+`}}}` {
			t.Fatalf("%s: %d %s", s.body, r.Status, r.Body)
		}
	}
	if r := c.do("GET", path, nil); r.Body != prefix+steps[4].want+`}}}` {
		t.Fatalf("get: %s", r.Body)
	}
	r := c.do("DELETE", path+"/c3", nil)
	if r.Status != 200 || r.Body != prefix+`"editor":[],"watcher":[`+p("c2")+`],"dashboard":[`+p("c4")+`]}}}` {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	wantNotFound(t, c.do("DELETE", path+"/c3", nil), "contributor")
	wantNotFound(t, c.do("DELETE", path+"/owner", nil), "contributor")
	wantNotFound(t, c.do("DELETE", path+"/nobody", nil), "contributor")
	wantBad(t, c.do("POST", path, `{"intpCustomerId":"owner","role":"editor"}`), "the owner cannot be a contributor")
	wantBad(t, c.do("POST", path, `{"intpCustomerId":"c3","role":"admin"}`), "role must be one of editor, watcher, dashboard")
	wantBad(t, c.do("POST", path, `{"intpCustomerId":"c3"}`), "role is required")
	wantBad(t, c.do("POST", path, `{"role":"editor"}`), "intpCustomerId is required")
	wantNotFound(t, c.do("POST", path, `{"intpCustomerId":"nobody","role":"editor"}`), "customer")
	wantNotFound(t, c.do("POST", "/v3/3as/websites/nope/contributors", `{"intpCustomerId":"c3","role":"editor"}`), "website")
	wantNotFound(t, c.do("GET", "/v3/3as/websites/nope/contributors", nil), "website")
	// Deleting another website keeps contributions elsewhere; deleting the
	// contributor's account removes them.
	c.ok(200, "DELETE", "/v2/3as/websites/w4", nil)
	if r := c.do("GET", path, nil); r.Body != prefix+`"editor":[],"watcher":[`+p("c2")+`],"dashboard":[`+p("c4")+`]}}}` {
		t.Fatalf("after deleting w4: %s", r.Body)
	}
	c.ok(200, "DELETE", "/v2/3as/customers/c4", nil)
	if r := c.do("GET", path, nil); r.Body != prefix+`"editor":[],"watcher":[`+p("c2")+`],"dashboard":[]}}}` {
		t.Fatalf("after deleting c4: %s", r.Body)
	}
}
