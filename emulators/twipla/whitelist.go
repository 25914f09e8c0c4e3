package twipla

import (
	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
)

// whitelistedDomains is GET /v2/3as/websites/{wid}/whitelisted-domains.
func (e *Emulator) whitelistedDomains(c *gin.Context, in *intp) (reply, error) {
	var out []string
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		out, err = domainList(s, w.seq)
		return err
	})
	return ok(out), err
}

// addWhitelistedDomain is POST …/whitelisted-domains {"domain"}: adding a
// domain already listed changes nothing.
func (e *Emulator) addWhitelistedDomain(c *gin.Context, in *intp) (reply, error) {
	return e.changeWhitelist(c, in, "", `INSERT INTO twipla_whitelisted_domains (tenant_id, website_seq, domain)
		VALUES (@tenant, ?, ?) ON CONFLICT (website_seq, domain) DO NOTHING`)
}

// removeWhitelistedDomain is PATCH …/whitelisted-domains {"domain"}, which
// removes the domain (as TWIPLA's SDKs use it).
func (e *Emulator) removeWhitelistedDomain(c *gin.Context, in *intp) (reply, error) {
	return e.changeWhitelist(c, in, "", deleteDomain)
}

// deleteWhitelistedDomain is DELETE …/whitelisted-domains/{domain} of older SDKs.
func (e *Emulator) deleteWhitelistedDomain(c *gin.Context, in *intp) (reply, error) {
	return e.changeWhitelist(c, in, c.Param("domain"), deleteDomain)
}

const deleteDomain = `DELETE FROM twipla_whitelisted_domains WHERE tenant_id = @tenant AND website_seq = ? AND domain = ?`

// changeWhitelist runs stmt (website seq, domain) for the domain in the path,
// or in the body when the path has none, and answers the list after it.
func (e *Emulator) changeWhitelist(c *gin.Context, in *intp, pathDomain, stmt string) (reply, error) {
	var domain string
	if pathDomain != "" {
		d, valid := normalizeDomain(pathDomain, true)
		if !valid {
			return reply{}, badRequest("invalid domain")
		}
		domain = d
	} else {
		f, err := readFields(c.Request)
		if err != nil {
			return reply{}, err
		}
		if domain, err = f.domain("domain", true); err != nil {
			return reply{}, err
		}
	}
	var out []string
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		s := tx.Scope(in.tenant)
		w, err := findWebsiteRef(s, c.Param("wid"))
		if err != nil {
			return err
		}
		if _, err := s.Exec(stmt, w.seq, domain); err != nil {
			return err
		}
		out, err = domainList(s, w.seq)
		return err
	})
	return ok(out), err
}

// domainList is a website's whitelisted domains in the order added.
func domainList(s store.Scoped, websiteSeq int64) ([]string, error) {
	rows, err := s.Query(`SELECT domain FROM twipla_whitelisted_domains WHERE tenant_id = @tenant AND website_seq = ?
		ORDER BY seq`, websiteSeq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
