package justclick

import (
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// good is a product of the account.
type good struct {
	id       int64
	name     string
	title    string
	physical bool
	cents    int64
	// clients is good_client_rassilki: the groups its buyers join.
	clients string
}

// goodType is the good_type the API shows: "1" physical, "0" digital.
func (g good) goodType() string { return flag(g.physical) }

// physicalType is the good_type value that makes a good physical.
const physicalType = "real"

// goodByName finds the account's good called name.
func goodByName(s store.Scoped, name string) (good, bool) {
	g := good{name: name}
	err := s.QueryRow(`SELECT good_id, good_title, physical, sum_cents, client_groups FROM justclick_good
		WHERE tenant_id = @tenant AND good_name = ?`, name).Scan(&g.id, &g.title, &g.physical, &g.cents, &g.clients)
	if errors.Is(err, sql.ErrNoRows) {
		return g, false
	}
	must(err)
	return g, true
}

// insertGood stores g under id.
func insertGood(s store.Scoped, g good) error {
	_, err := s.Exec(`INSERT INTO justclick_good (tenant_id, good_id, good_name, good_title, physical, sum_cents, client_groups)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?)`, g.id, g.name, g.title, g.physical, g.cents, g.clients)
	return err
}

// getAllGoods is GetAllGoods (§4.17); no goods is an empty list.
func getAllGoods(r *request) answer {
	rows, err := r.s.Query(`SELECT good_name, good_title, physical, sum_cents FROM justclick_good
		WHERE tenant_id = @tenant ORDER BY good_id`)
	must(err)
	defer rows.Close()
	out := []wire.Object{}
	for rows.Next() {
		var g good
		must(rows.Scan(&g.name, &g.title, &g.physical, &g.cents))
		out = append(out, wire.Obj("good_name", g.name, "good_title", g.title, "good_type", g.goodType(), "good_sum", money(g.cents)))
	}
	must(rows.Err())
	return answerOK.with(out)
}

// addGood is AddGood (§4.18).
func addGood(r *request) answer {
	g := good{name: r.str("good_name"), title: r.str("good_title"), clients: r.str("good_client_rassilki")}
	typ, sum := r.str("good_type"), r.str("good_sum")
	if empty(g.name) || empty(g.title) || empty(typ) || empty(sum) {
		return errNoData
	}
	var ok bool
	if g.cents, ok = parseMoney(sum); !ok {
		return errAddProduct
	}
	if _, exists := goodByName(r.s, g.name); exists {
		return errProductExists
	}
	g.physical = typ == physicalType
	id, err := nextID(r.s.Tx(), seqGood)
	must(err)
	g.id = id
	must(insertGood(r.s, g))
	must(createClientGroups(r.s, g))
	return answerOK
}

// updateGood is UpdateGood (§4.18): the non-empty fields sent are written.
func updateGood(r *request) answer {
	name := r.str("good_name")
	if empty(name) {
		return errNoData
	}
	g, ok := goodByName(r.s, name)
	if !ok {
		return errProductNotFound
	}
	if v := r.str("good_title"); !empty(v) {
		g.title = v
	}
	if v := r.str("good_type"); !empty(v) {
		g.physical = v == physicalType
	}
	if v := r.str("good_sum"); !empty(v) {
		if g.cents, ok = parseMoney(v); !ok {
			return errRemoveProduct
		}
	}
	if v := r.str("good_client_rassilki"); !empty(v) {
		g.clients = v
	}
	_, err := r.s.Exec(`UPDATE justclick_good SET good_title = ?, physical = ?, sum_cents = ?, client_groups = ?
		WHERE tenant_id = @tenant AND good_id = ?`, g.title, g.physical, g.cents, g.clients, g.id)
	must(err)
	must(createClientGroups(r.s, g))
	return answerOK
}

// deleteGood is DeleteGood (§4.18). Orders keep their copies of the item.
func deleteGood(r *request) answer {
	name := r.str("good_name")
	if empty(name) {
		return errNoData
	}
	g, ok := goodByName(r.s, name)
	if !ok {
		return errRemoveProduct
	}
	_, err := r.s.Exec(`DELETE FROM justclick_good WHERE tenant_id = @tenant AND good_id = ?`, g.id)
	must(err)
	return answerOK
}

// createClientGroups creates the good's client groups that do not exist
// yet, titled as the vendor titles them.
func createClientGroups(s store.Scoped, g good) error {
	for _, name := range strings.Split(g.clients, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		_, exists, err := groupByName(s, name)
		if err != nil {
			return err
		}
		if !exists {
			if _, err := insertGroup(s, name, `Клиенты продукта: "`+g.title+`"`, kindStandard); err != nil {
				return err
			}
		}
	}
	return nil
}

// moneyPattern is a decimal amount ≥ 0: "990", "990.5", "990.50", ".5".
var moneyPattern = regexp.MustCompile(`^([0-9]{1,12})?(?:\.([0-9]*))?$`)

// parseMoney reads a decimal amount into kopecks, rounding half up to two
// decimals as MySQL's DECIMAL(…,2) does.
func parseMoney(s string) (int64, bool) {
	m := moneyPattern.FindStringSubmatch(s)
	if m == nil || m[1] == "" && m[2] == "" {
		return 0, false
	}
	whole, _ := strconv.ParseInt("0"+m[1], 10, 64)
	frac := m[2] + "000"
	cents := whole*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if frac[2] >= '5' {
		cents++
	}
	return cents, true
}

// money writes kopecks as the vendor's two-decimal string ("990.00").
func money(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(cents%100/10, 10) + strconv.FormatInt(cents%10, 10)
}

// flag is a stored boolean as the vendor shows it.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
