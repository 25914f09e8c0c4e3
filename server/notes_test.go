package server_test

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// notes is a tiny but real vendor for the foundation's tests: a tenant is
// named by the X-Tenant header and keeps a list of notes.
type notes struct {
	deps emu.Deps
	name string
	// writing, when set, receives a value once /long-write is inside its
	// transaction.
	writing chan struct{}
}

func newNotes(d emu.Deps) (emu.Vendor, error) { return &notes{deps: d, name: "notes"}, nil }

func (n *notes) Name() string { return n.name }

func (n *notes) Schema() string {
	return strings.ReplaceAll(`
CREATE TABLE notes_creds (tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE);
CREATE TABLE notes_items (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	text      TEXT NOT NULL
);
CREATE INDEX notes_items_tenant ON notes_items (tenant_id, id);`, "notes_", n.name+"_")
}

// notesError is the notes vendor's {"error":"…"}.
var notesError = openapi.Object(openapi.Field("error", openapi.String()))

func (n *notes) OpenAPI() *openapi.Doc {
	return &openapi.Doc{
		Title: "notes", Version: "1",
		Servers: []openapi.Server{{}},
		Unmatched: []*openapi.Response{
			openapi.JSONAnswer(http.StatusNotFound, "no such route", notesError).Named("NotFound"),
		},
		Common: []*openapi.Response{
			openapi.JSONAnswer(http.StatusInternalServerError, "a bug", notesError),
			openapi.JSONAnswer(http.StatusUnauthorized, "unknown tenant", notesError),
		},
	}
}

func (n *notes) TenantSchemas() (body, answer *openapi.Schema) {
	key := openapi.Object(openapi.Field("key", openapi.String()))
	return key, key
}

func (n *notes) Routes(r *openapi.Router) {
	tenant := []openapi.Param{openapi.Header("X-Tenant", openapi.String(), "")}
	anyQuery := openapi.Param{In: "query", Name: "q", Schema: openapi.Map(openapi.String())}
	r.GET("/items", &openapi.Op{Params: append(tenant, anyQuery), Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "", openapi.Object(openapi.Field("items", openapi.Array(openapi.String())))),
	}}, n.list)
	r.POST("/items", &openapi.Op{Params: append(tenant, anyQuery),
		Body: &openapi.Body{Content: []openapi.Media{{Type: "*/*", Schema: openapi.String()}}},
		Responses: []*openapi.Response{
			openapi.JSONAnswer(http.StatusCreated, "", openapi.Object(openapi.Field("id", openapi.Integer()))),
			openapi.JSONAnswer(http.StatusBadRequest, "", notesError),
		}}, n.add)
	r.GET("/panic", &openapi.Op{}, func(c *gin.Context) { panic("boom") })
	// An answer that cannot be encoded: a bug the wire writer must log and
	// answer in the vendor's shape.
	r.GET("/nan", &openapi.Op{}, func(c *gin.Context) { wire.JSON(c.Writer, http.StatusOK, wire.Obj("total", math.Inf(1))) })
	// A write that goes on until its transaction is interrupted.
	r.POST("/long-write", &openapi.Op{Params: tenant, Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusCreated, "", openapi.Object(openapi.Field("done", openapi.Boolean()))),
	}}, n.longWrite)
	r.GET("/where", &openapi.Op{Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "", openapi.Object(openapi.Field("base", openapi.String()))),
	}}, func(c *gin.Context) {
		wire.JSON(c.Writer, http.StatusOK, wire.Obj("base", emu.BasePath(c.Request)))
	})
	r.Engine().NoRoute(func(c *gin.Context) {
		wire.JSON(c.Writer, http.StatusNotFound, wire.Obj("error", "no such note route"))
	})
}

func (n *notes) tenant(c *gin.Context, tx *store.Tx) (store.Scoped, error) {
	t, err := tx.Tenant(n.name, c.GetHeader("X-Tenant"))
	if err != nil {
		return store.Scoped{}, err
	}
	emu.SetTenant(c, t.Key)
	return tx.Scope(t), nil
}

func (n *notes) list(c *gin.Context) {
	var items []string
	err := n.deps.Store.Read(c, func(tx *store.Tx) error {
		items = []string{} // a read may run twice
		s, err := n.tenant(c, tx)
		if err != nil {
			return err
		}
		rows, err := s.Query(`SELECT text FROM ` + n.name + `_items WHERE tenant_id = @tenant ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				return err
			}
			items = append(items, t)
		}
		return rows.Err()
	})
	n.answer(c, http.StatusOK, wire.Obj("items", items), err)
}

func (n *notes) add(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		wire.JSON(c.Writer, http.StatusBadRequest, wire.Obj("error", "cannot read the body"))
		return
	}
	var id int64
	err = n.deps.Store.Write(c, func(tx *store.Tx) error {
		s, err := n.tenant(c, tx)
		if err != nil {
			return err
		}
		res, err := s.Exec(`INSERT INTO `+n.name+`_items (tenant_id, text) VALUES (@tenant, ?)`, string(body))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	n.answer(c, http.StatusCreated, wire.Obj("id", id), err)
}

func (n *notes) longWrite(c *gin.Context) {
	err := n.deps.Store.Write(c, func(tx *store.Tx) error {
		s, err := n.tenant(c, tx)
		if err != nil {
			return err
		}
		for i := 0; ; i++ {
			if _, err := s.Exec(`INSERT INTO ` + n.name + `_items (tenant_id, text) VALUES (@tenant, 'bulk')`); err != nil {
				return err
			}
			if i == 100 && n.writing != nil {
				n.writing <- struct{}{}
			}
		}
	})
	n.answer(c, http.StatusCreated, wire.Obj("done", true), err)
}

func (n *notes) answer(c *gin.Context, status int, v any, err error) {
	switch {
	case errors.Is(err, store.ErrNoTenant):
		wire.JSON(c.Writer, http.StatusUnauthorized, wire.Obj("error", "unknown tenant"))
	case err != nil:
		wire.JSON(c.Writer, http.StatusInternalServerError, wire.Obj("error", err.Error()))
	default:
		wire.JSON(c.Writer, status, v)
	}
}

func (n *notes) Control(r *openapi.Router) {
	r.GET("/count", &openapi.Op{Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "", openapi.Object(openapi.Field("count", openapi.Integer()))),
	}}, func(c *gin.Context) {
		var count int
		err := n.deps.Store.Read(c, func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM ` + n.name + `_items`).Scan(&count)
		})
		if err != nil {
			emu.Abort(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"count": count})
	})
}

func (n *notes) InternalError(c *gin.Context) {
	wire.JSON(c.Writer, http.StatusInternalServerError, wire.Obj("error", "notes broke"))
}

func (n *notes) create(tx *store.Tx, key string, items ...string) error {
	t, err := tx.CreateTenant(n.name, key)
	if err != nil {
		return err
	}
	s := tx.Scope(t)
	if _, err := s.Exec(`INSERT INTO ` + n.name + `_creds (tenant_id) VALUES (@tenant)`); err != nil {
		return err
	}
	return n.fill(s, items...)
}

func (n *notes) fill(s store.Scoped, items ...string) error {
	for _, it := range items {
		if _, err := s.Exec(`INSERT INTO `+n.name+`_items (tenant_id, text) VALUES (@tenant, ?)`, it); err != nil {
			return err
		}
	}
	return nil
}

func (n *notes) Defaults(tx *store.Tx) error { return n.create(tx, "default", "welcome") }

func (n *notes) ResetTenant(tx *store.Tx, key string) error {
	t, err := tx.Tenant(n.name, key)
	if err != nil {
		return err
	}
	if err := tx.ClearTenant(t, n.name+"_creds"); err != nil {
		return err
	}
	if key == "default" {
		return n.fill(tx.Scope(t), "welcome")
	}
	return nil
}

func (n *notes) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	var in struct {
		Key string `json:"key"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, emu.BadRequest("body must be {\"key\":\"…\"}")
		}
	}
	if in.Key == "" {
		return nil, emu.BadRequest("key is required")
	}
	if err := n.create(tx, in.Key); err != nil {
		return nil, err
	}
	return map[string]string{"key": in.Key}, nil
}

func (n *notes) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	var in struct {
		Tenants []struct {
			Key   string   `json:"key"`
			Items []string `json:"items"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(section, &in); err != nil {
		return emu.BadRequest("notes section must be {\"tenants\":[{\"key\",\"items\"}]}")
	}
	for i, t := range in.Tenants {
		if t.Key == "" {
			return emu.BadRequest("tenants[%d].key is required", i)
		}
		existing, err := tx.Tenant(n.name, t.Key)
		switch {
		case err == nil:
			err = n.fill(tx.Scope(existing), t.Items...)
		case errors.Is(err, store.ErrNoTenant):
			err = n.create(tx, t.Key, t.Items...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (n *notes) State(tx *store.Tx, tenant string) (any, error) {
	ts, err := tx.Tenants(n.name)
	if err != nil {
		return nil, err
	}
	type tenantState struct {
		Key   string   `json:"key"`
		Items []string `json:"items"`
	}
	out := []tenantState{}
	for _, t := range ts {
		if tenant != "" && t.Key != tenant {
			continue
		}
		st := tenantState{Key: t.Key, Items: []string{}}
		rows, err := tx.Scope(t).Query(`SELECT text FROM ` + n.name + `_items WHERE tenant_id = @tenant ORDER BY id`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			st.Items = append(st.Items, s)
		}
		rows.Close()
		out = append(out, st)
	}
	if tenant != "" && len(out) == 0 {
		return nil, store.ErrNoTenant
	}
	return map[string]any{"tenants": out}, nil
}
