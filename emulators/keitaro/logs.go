package keitaro

import (
	"slices"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/wire"
)

// logTypes are the tracker's logs (§4.12), in the order GET /logs/types
// lists them.
var logTypes = []string{"system", "traffic", "postbacks", "ssl", "sent_postbacks"}

// writeLog appends a line to one of the tenant's logs.
func writeLog(c *call, typ, message string) error {
	id, err := nextID(c.s, "logs")
	if err != nil {
		return err
	}
	_, err = c.s.Exec(`INSERT INTO keitaro_logs (tenant_id, id, type, datetime, jid, message) VALUES (@tenant, ?, ?, ?, ?, ?)`,
		id, typ, c.stamp, emu.RandomString(8, emu.LowerAlnum), message)
	return err
}

// GET or POST /logs/types
func listLogTypes(*call) (any, error) { return logTypes, nil }

// logType reads the {type} of the path; an unknown log is 404.
func logType(c *call) (string, error) {
	typ := c.param("type")
	if !slices.Contains(logTypes, typ) {
		return "", errNotFound
	}
	return typ, nil
}

// GET /logs/{type}: newest first, paged by limit (100) and offset,
// filtered by query (ignoring case).
func listLog(c *call) (any, error) {
	typ, err := logType(c)
	if err != nil {
		return nil, err
	}
	var errs fieldErrors
	limit := pageParam(c, "limit", 100, &errs)
	offset := pageParam(c, "offset", 0, &errs)
	query, ok := asString(c.in["query"])
	if !ok && c.in["query"] != nil {
		errs.add("query", msgInvalid)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	rows, err := queryRows(c.s, `SELECT datetime, jid, message FROM keitaro_logs WHERE tenant_id = @tenant AND type = ? ORDER BY id DESC`, typ)
	if err != nil {
		return nil, err
	}
	out := []wire.Object{}
	query = strings.ToLower(query)
	skipped := int64(0)
	for _, r := range rows {
		if int64(len(out)) >= limit {
			break
		}
		if !strings.Contains(strings.ToLower(r.str("message")), query) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		out = append(out, wire.Obj("datetime", r.str("datetime"), "jid", r.str("jid"), "message", r.str("message")))
	}
	return out, nil
}

// pageParam reads a non-negative integer parameter.
func pageParam(c *call, name string, def int64, errs *fieldErrors) int64 {
	raw, ok := c.in[name]
	if !ok || raw == nil || raw == "" {
		return def
	}
	n, ok := asInt(raw)
	if !ok || n < 0 {
		errs.add(name, msgInvalid)
		return def
	}
	return n
}

// DELETE /logs/{type}
func clearLog(c *call) (any, error) {
	typ, err := logType(c)
	if err != nil {
		return nil, err
	}
	_, err = c.s.Exec(`DELETE FROM keitaro_logs WHERE tenant_id = @tenant AND type = ?`, typ)
	return success(), err
}
