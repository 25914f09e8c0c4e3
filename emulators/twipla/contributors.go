package twipla

import (
	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// contributorRoles are the roles a contributor can have, in wire order.
var contributorRoles = [...]string{"editor", "watcher", "dashboard"}

// listContributors is GET /v3/3as/websites/{wid}/contributors.
func (e *Emulator) listContributors(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		out, err = contributorsView(s, w)
		return err
	})
	return ok(out), err
}

// addContributor is POST /v3/3as/websites/{wid}/contributors: adding a
// customer who already contributes replaces the role.
func (e *Emulator) addContributor(c *gin.Context, in *intp) (reply, error) {
	f, err := readFields(c.Request)
	if err != nil {
		return reply{}, err
	}
	cid, err := f.id("intpCustomerId")
	if err != nil {
		return reply{}, err
	}
	role, err := f.oneOf("role", contributorRoles[:]...)
	if err != nil {
		return reply{}, err
	}
	var out wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		cu, err := findCustomer(s, cid)
		if err != nil {
			return err
		}
		if cu.seq == w.customerSeq {
			return badRequest("the owner cannot be a contributor")
		}
		same, err := exists(s, `SELECT 1 FROM twipla_contributors WHERE tenant_id = @tenant AND website_seq = ?
			AND customer_seq = ? AND role = ?`, w.seq, cu.seq, role)
		if err != nil {
			return err
		}
		if !same {
			// A new role puts the contributor at the end of that role's list.
			if _, err := s.Exec(`DELETE FROM twipla_contributors WHERE tenant_id = @tenant AND website_seq = ?
				AND customer_seq = ?`, w.seq, cu.seq); err != nil {
				return err
			}
			if _, err := s.Exec(`INSERT INTO twipla_contributors (tenant_id, website_seq, customer_seq, role)
				VALUES (@tenant, ?, ?, ?)`, w.seq, cu.seq, role); err != nil {
				return err
			}
		}
		out, err = contributorsView(s, w)
		return err
	})
	return ok(out), err
}

// removeContributor is DELETE /v3/3as/websites/{wid}/contributors/{cid}.
func (e *Emulator) removeContributor(c *gin.Context, in *intp) (reply, error) {
	var out wire.Object
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		res, err := s.Exec(`DELETE FROM twipla_contributors WHERE tenant_id = @tenant AND website_seq = ? AND customer_seq =
			(SELECT seq FROM twipla_customers WHERE tenant_id = @tenant AND intp_customer_id = ?)`, w.seq, c.Param("cid"))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orAnswer(err, notFound(objContributor))
		}
		out, err = contributorsView(s, w)
		return err
	})
	return ok(out), err
}

// contributorsView is the owner and the contributors by role.
func contributorsView(s store.Scoped, w *websiteRef) (wire.Object, error) {
	byRole := map[string][]wire.Object{}
	for _, r := range contributorRoles {
		byRole[r] = []wire.Object{}
	}
	rows, err := s.Query(`SELECT k.role, c.intp_customer_id, c.email FROM twipla_contributors k
		JOIN twipla_customers c ON c.seq = k.customer_seq
		WHERE k.tenant_id = @tenant AND k.website_seq = ? ORDER BY k.seq`, w.seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var role, cid, email string
		if err := rows.Scan(&role, &cid, &email); err != nil {
			return nil, err
		}
		byRole[role] = append(byRole[role], person(cid, email))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	contributors := wire.Object{}
	for _, r := range contributorRoles {
		contributors = append(contributors, wire.Field{Key: r, Value: byRole[r]})
	}
	return wire.Obj("owner", person(w.intpCustomerID, w.ownerEmail), "contributors", contributors), nil
}

func person(intpCustomerID, email string) wire.Object {
	return wire.Obj("intpCustomerId", intpCustomerID, "email", email)
}
