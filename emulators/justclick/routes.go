package justclick

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
)

// function is one API function of the reference (§4).
type function struct {
	// name is the vendor's spelling; calls match it case-insensitively.
	name string
	call func(*request) answer
	// writes marks functions that change data (they run in the write
	// transaction; the others in a read snapshot).
	writes bool
	// doc is its fields and result, for the OpenAPI document.
	doc doc
}

// functions is the vendor's API, by lower-cased name.
var functions = index(functionList...)

// functionList is the vendor's API in the reference's order.
var functionList = []function{
	// subscribers and groups
	function{"AddLeadToGroup", addLeadToGroup, true, addLeadToGroupDoc},
	function{"UpdateSubscriberData", updateSubscriberData, true, updateSubscriberDataDoc},
	function{"DeleteSubscribe", deleteSubscribe, true, deleteSubscribeDoc},
	function{"GetLeadGroups", getLeadGroups, false, getLeadGroupsDoc},
	function{"GetLeadGroupStatuses", getLeadGroupStatuses, false, getLeadGroupStatusesDoc},
	function{"GetAllGroups", getAllGroups, false, getAllGroupsDoc},
	function{"GetCountSubscribe", getCountSubscribe, false, getCountSubscribeDoc},
	// orders and bills
	function{"CreateOrder", createOrder, true, createOrderDoc},
	function{"UpdateOrderStatus", updateOrderStatus, true, updateOrderStatusDoc},
	function{"DeleteOrder", deleteOrder, true, deleteOrderDoc},
	function{"GetBills", getBills, false, getBillsDoc},
	function{"GetOrderInfo", getOrderInfo, false, getOrderInfoDoc},
	function{"getOrderDetails", getOrderDetails, false, getOrderDetailsDoc},
	function{"GetOrders", getOrders, false, getOrdersDoc},
	function{"getOrdersWithGoods", getOrdersWithGoods, false, getOrdersWithGoodsDoc},
	// goods
	function{"GetAllGoods", getAllGoods, false, getAllGoodsDoc},
	function{"AddGood", addGood, true, addGoodDoc},
	function{"UpdateGood", updateGood, true, updateGoodDoc},
	function{"DeleteGood", deleteGood, true, deleteGoodDoc},
	// domains and partners
	function{"GetActiveDomainsList", getActiveDomainsList, false, activeDomainDoc},
	function{"GetPartnerStats", getPartnerStats, false, partnerStatsDoc},
}

func index(fns ...function) map[string]function {
	m := make(map[string]function, len(fns))
	for _, f := range fns {
		m[strings.ToLower(f.name)] = f
	}
	return m
}

// Routes implements emu.Vendor. Every method reaches a function (a
// non-POST is a form without fields); everything else is the 404.
func (e *Emulator) Routes(r *openapi.Router) {
	var ops []openapi.Operation
	for _, f := range functionList {
		ops = append(ops, openapi.Operation{Method: http.MethodPost, Path: "/api/" + f.name, Op: f.doc.op()})
	}
	r.Dispatch(openapi.AllMethods, "/api/:function", e.serve, ops...)
	// The path form names the account; the document has it as a server.
	r.Also(openapi.AllMethods, "/u/:login/api/:function", e.serve)
	r.Engine().NoRoute(notFound)
}

// request is one function call: the caller's account, its fields (hash
// removed) and the transaction it runs in.
type request struct {
	e      *Emulator
	s      store.Scoped
	acct   account
	fields *Fields
	ip     string
	now    time.Time
	// callbacks are order events to deliver once the transaction commits.
	callbacks []delivery
}

// errDiscard rolls back the transaction of a call that answered an error.
var errDiscard = errors.New("justclick: discard")

// serve runs one API call: the function by name (unknown: 404, before any
// account is looked at), then the checks of §2.1, then the function, in one
// transaction; callbacks go out after it commits.
func (e *Emulator) serve(c *gin.Context) {
	fn, ok := functions[strings.ToLower(c.Param("function"))]
	if !ok {
		notFound(c)
		return
	}
	login := accountName(c)
	fields, tooLarge := readFields(c.Request)
	sig := takeSignature(fields)
	run := e.deps.Store.Read
	if fn.writes {
		run = e.deps.Store.Write
	}
	var (
		a         answer
		secret    string
		callbacks []delivery
	)
	err := run(c, func(tx *store.Tx) error {
		acct, err := loadAccount(tx, login)
		if errors.Is(err, store.ErrNoTenant) {
			a = errUserName
			return nil
		}
		if err != nil {
			return err
		}
		emu.NameTenant(c, acct.login)
		secret = acct.secret
		if a = authenticate(acct, fields, sig, tooLarge); a.failed() {
			return nil
		}
		emu.SetTenant(c, acct.login)
		s := tx.Scope(acct.tenant)
		r := &request{e: e, s: s, acct: acct, fields: fields, ip: peerIP(c.Request), now: s.Now()}
		if a = fn.call(r); a.failed() {
			return errDiscard
		}
		callbacks = r.callbacks
		return nil
	})
	if err != nil && !errors.Is(err, errDiscard) {
		panic(err) // a database failure: the recovery middleware answers 500
	}
	writeAnswer(c, secret, a)
	e.deliver(callbacks)
}

// str is the string field name; "" when it is absent or a list.
func (r *request) str(name string) string { return str(r.fields, name) }

// lookup is the string field name and whether it was sent as a string.
func (r *request) lookup(name string) (string, bool) {
	v, ok := r.fields.Get(name)
	if !ok || v.Map != nil {
		return "", false
	}
	return v.Str, true
}

// list is a field sent as one value or as a list (name[0]=…, name[]=…):
// its string values in order.
func (r *request) list(name string) []string {
	v, ok := r.fields.Get(name)
	switch {
	case !ok:
		return nil
	case v.Map == nil:
		return []string{v.Str}
	}
	var out []string
	v.Map.Each(func(_ string, item Value) {
		if item.Map == nil {
			out = append(out, item.Str)
		}
	})
	return out
}

// empty is PHP's empty() for a form value: absent, "" or "0".
func empty(s string) bool { return s == "" || s == "0" }
