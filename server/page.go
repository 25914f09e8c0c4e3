package server

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/faults"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/store"
)

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vendoremu</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}code{background:#f3f3f3;padding:0 .25em}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
.muted{color:#777}
</style></head><body>
<h1>vendoremu <span class="muted">{{.Version}}</span></h1>
<p>Clock: <code>{{.Now}}</code>{{if .Frozen}} (frozen){{end}} ·
<a href="/_emulator/health">health</a> · <a href="/_emulator/requests?limit=50">requests</a> ·
<a href="/_emulator/faults">faults</a> · <a href="/_emulator/clock">clock</a></p>
{{range .Vendors}}
<h2 id="{{.Name}}">{{.Name}}</h2>
<p>API under <code>/{{.Name}}/</code> · <a href="/_emulator/state/{{.Name}}">state</a></p>
<table><tr><th>tenant</th><th>created</th><th></th></tr>
{{range .Tenants}}<tr><td><code>{{.Key}}</code></td><td>{{.Created.Format "2006-01-02 15:04:05"}}</td>
<td><a href="/_emulator/state/{{.Vendor}}?tenant={{.Key}}">state</a></td></tr>
{{else}}<tr><td colspan="3" class="muted">no tenants</td></tr>{{end}}
</table>
{{end}}
<h2>Faults</h2>
<table><tr><th>id</th><th>vendor</th><th>tenant</th><th>method</th><th>path</th><th>status</th><th>fault</th><th>delay ms</th><th>jitter ms</th><th>times</th></tr>
{{range .Faults}}<tr><td>{{.ID}}</td><td>{{.Vendor}}</td><td><code>{{.Tenant}}</code></td><td>{{.Method}}</td><td><code>{{.Path}}</code></td><td>{{.Status}}</td><td>{{.Kind}}</td><td>{{.DelayMS}}</td><td>{{.JitterMS}}</td><td>{{.Times}}</td></tr>
{{else}}<tr><td colspan="10" class="muted">none</td></tr>{{end}}
</table>
<h2>Newest requests</h2>
<table><tr><th>time</th><th>vendor</th><th>tenant</th><th>method</th><th>path</th><th>status</th><th>ms</th></tr>
{{range .Requests}}<tr><td>{{.Time.Format "15:04:05.000"}}</td><td>{{.Vendor}}</td><td><code>{{.Tenant}}</code></td><td>{{.Method}}</td><td><code>{{.Path}}</code></td><td>{{.Status}}</td><td>{{.DurationMS}}</td></tr>
{{else}}<tr><td colspan="7" class="muted">none yet</td></tr>{{end}}
</table>
</body></html>
`))

type pageVendor struct {
	Name    string
	Tenants []store.Tenant
}

// page is the human view of the emulator: vendors, tenants, faults and the
// newest requests.
func (s *Server) page(c *gin.Context) {
	data := struct {
		Version  string
		Now      string
		Frozen   bool
		Vendors  []pageVendor
		Faults   []faults.Fault
		Requests []journal.Entry
	}{
		Version:  s.cfg.Version,
		Now:      s.clock.Now().Format("2006-01-02T15:04:05Z07:00"),
		Frozen:   s.clock.Frozen(),
		Faults:   s.faults.List(),
		Requests: s.journal.List(journal.Filter{Limit: 50}),
	}
	err := s.store.Read(c, func(tx *store.Tx) error {
		for _, v := range s.vendors {
			ts, err := tx.Tenants(v.Name())
			if err != nil {
				return err
			}
			data.Vendors = append(data.Vendors, pageVendor{Name: v.Name(), Tenants: ts})
		}
		return nil
	})
	if err != nil {
		s.controlError(c, err)
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	if err := pageTemplate.Execute(c.Writer, data); err != nil {
		s.log.Error("render page", "err", err)
	}
}
