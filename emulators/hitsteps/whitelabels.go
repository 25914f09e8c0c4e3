package hitsteps

import (
	"strconv"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// whitelabel is one brand of a main account.
type whitelabel struct {
	ID    int64
	Brand string
	URL   string
}

func findWhitelabel(s store.Scoped, id int64) (whitelabel, error) {
	w := whitelabel{ID: id}
	err := s.QueryRow(`SELECT brand, url FROM hitsteps_whitelabels WHERE tenant_id = @tenant AND id = ?`, id).
		Scan(&w.Brand, &w.URL)
	return w, err
}

func listWhitelabelRows(s store.Scoped) ([]whitelabel, error) {
	rows, err := s.Query(`SELECT id, brand, url FROM hitsteps_whitelabels WHERE tenant_id = @tenant ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []whitelabel
	for rows.Next() {
		var w whitelabel
		if err := rows.Scan(&w.ID, &w.Brand, &w.URL); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func insertWhitelabel(s store.Scoped, w whitelabel) error {
	_, err := s.Exec(`INSERT INTO hitsteps_whitelabels (id, tenant_id, brand, url) VALUES (?, @tenant, ?, ?)`,
		w.ID, w.Brand, w.URL)
	return err
}

// whitelabelsCall documents op 2.
var whitelabelsCall = call{
	summary: "The main account's whitelabels (brands), id ascending",
	tag:     "auth",
	answer: list(openapi.Named("Whitelabel", openapi.Object(
		openapi.Field("whitelabel_id", openapi.String().Example("1")),
		openapi.Field("whitelabel_brand", openapi.String().Example("Hitsteps")),
		openapi.Field("whitelabel_url", openapi.String().Example("hitsteps.com")),
	))),
}

// listWhitelabels is op 2, whitelabels: the token's main account's brands.
// A main_account other than the token's own is answered like a bad token.
func listWhitelabels(r *request) (wire.Object, error) {
	main := r.text("main_account")
	if err := r.fields(); err != nil {
		return nil, err
	}
	if main != r.main {
		return nil, errInvalidToken
	}
	wls, err := listWhitelabelRows(r.scope)
	if err != nil {
		return nil, err
	}
	items := make([]wire.Object, len(wls))
	for i, w := range wls {
		items[i] = wire.Obj("whitelabel_id", strconv.FormatInt(w.ID, 10), "whitelabel_brand", w.Brand, "whitelabel_url", w.URL)
	}
	return wire.List(items, success), nil
}
