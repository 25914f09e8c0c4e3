package keitaro

import (
	"net"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

// The bot list of §4.10: IP addresses, CIDR ranges and IPv4 wildcards, in
// insertion order without duplicates.

// validBotEntry accepts an IPv4/IPv6 address, a CIDR range or an IPv4
// wildcard whose starred octets end it (1.2.3.*, 1.2.*.*).
func validBotEntry(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if _, _, err := net.ParseCIDR(s); err == nil {
		return true
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 || parts[0] == "*" || !strings.Contains(s, "*") {
		return false
	}
	star := false
	for _, p := range parts {
		if p == "*" {
			star = true
			continue
		}
		n, err := strconv.Atoi(p)
		if star || err != nil || n < 0 || n > 255 || p != strconv.Itoa(n) {
			return false
		}
	}
	return true
}

// botEntries reads the required newline-separated value.
func botEntries(c *call) ([]string, error) {
	raw, ok := c.in["value"]
	s, isText := asString(raw)
	if !ok || raw == nil || (isText && strings.TrimSpace(s) == "") {
		return nil, invalid("value", msgRequired)
	}
	if !isText {
		return nil, invalid("value", msgInvalid)
	}
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !validBotEntry(line) {
			return nil, invalid("value", msgInvalid)
		}
		out = append(out, line)
	}
	return out, nil
}

func botList(c *call) ([]string, error) {
	rows, err := queryRows(c.s, `SELECT value FROM keitaro_botlist WHERE tenant_id = @tenant ORDER BY seq`)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.str("value")
	}
	return out, err
}

// appendBots adds the entries not yet listed, keeping their order.
func appendBots(c *call, entries []string) error {
	for _, v := range entries {
		_, err := c.s.Exec(`INSERT INTO keitaro_botlist (tenant_id, seq, value)
			SELECT @tenant, coalesce(max(seq), 0) + 1, ? FROM keitaro_botlist WHERE tenant_id = @tenant
			ON CONFLICT (tenant_id, value) DO NOTHING`, v)
		if err != nil {
			return err
		}
	}
	return nil
}

// botCount answers {"count":N} after a change and logs it.
func botCount(c *call) (any, error) {
	var n int64
	if err := c.s.QueryRow(`SELECT count(*) FROM keitaro_botlist WHERE tenant_id = @tenant`).Scan(&n); err != nil {
		return nil, err
	}
	if err := writeLog(c, "system", "Bot list updated: "+strconv.FormatInt(n, 10)+" entries"); err != nil {
		return nil, err
	}
	return wire.Obj("count", n), nil
}

// GET /botlist
func getBotList(c *call) (any, error) {
	list, err := botList(c)
	return wire.Obj("value", strings.Join(list, "\n")), err
}

// PUT /botlist: replaces the list.
func replaceBotList(c *call) (any, error) {
	entries, err := botEntries(c)
	if err != nil {
		return nil, err
	}
	if _, err := c.s.Exec(`DELETE FROM keitaro_botlist WHERE tenant_id = @tenant`); err != nil {
		return nil, err
	}
	if err := appendBots(c, entries); err != nil {
		return nil, err
	}
	return botCount(c)
}

// POST /botlist/add
func addToBotList(c *call) (any, error) {
	entries, err := botEntries(c)
	if err != nil {
		return nil, err
	}
	if err := appendBots(c, entries); err != nil {
		return nil, err
	}
	return botCount(c)
}

// POST /botlist/exclude: removes the entries (exact text).
func excludeFromBotList(c *call) (any, error) {
	entries, err := botEntries(c)
	if err != nil {
		return nil, err
	}
	for _, v := range entries {
		if _, err := c.s.Exec(`DELETE FROM keitaro_botlist WHERE tenant_id = @tenant AND value = ?`, v); err != nil {
			return nil, err
		}
	}
	return botCount(c)
}

// DELETE /botlist
func clearBotList(c *call) (any, error) {
	if _, err := c.s.Exec(`DELETE FROM keitaro_botlist WHERE tenant_id = @tenant`); err != nil {
		return nil, err
	}
	return botCount(c)
}

// ipCovered reports whether ip is the entry, lies in its CIDR range or fits
// its IPv4 wildcard (the bot list's entries, the ip stream filter).
func ipCovered(ip, entry string) bool {
	entry = strings.TrimSpace(entry)
	if ip == entry {
		return true
	}
	addr := net.ParseIP(ip)
	if addr == nil {
		return false
	}
	if _, network, err := net.ParseCIDR(entry); err == nil {
		return network.Contains(addr)
	}
	if e := net.ParseIP(entry); e != nil {
		return e.Equal(addr)
	}
	parts, octets := strings.Split(entry, "."), strings.Split(ip, ".")
	if !strings.Contains(entry, "*") || len(parts) != 4 || len(octets) != 4 {
		return false
	}
	for i, p := range parts {
		if p != "*" && p != octets[i] {
			return false
		}
	}
	return true
}
