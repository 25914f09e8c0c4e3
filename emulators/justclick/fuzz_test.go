package justclick

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// FuzzFunctions sends arbitrary, correctly signed forms to every function:
// whatever the fields, the answer is a vendor envelope (HTTP 200, JSON,
// a known code, a hash the client can verify), never a 500.
func FuzzFunctions(f *testing.F) {
	names := make([]string, 0, len(functions))
	for _, fn := range functions {
		names = append(names, fn.name)
	}
	sort.Strings(names)
	srv := vtest.StartVendors(f, New(Config{IPLimit: 3}))
	srv.LenientRequests()
	known := map[int]bool{}
	for _, a := range []answer{answerOK, errNoHash, errNoData, errWrongData, errBadHash, errUserName, errDisabled,
		errIPLimit, errNoEmail, errNoOrder, errWrongStatus, errNotPaid, errNoOrderNumber, errStatusUnchanged,
		errProductNotFound, errProductExists, errRemoveProduct, errAddProduct, errOrderNotFound, errOrdersNotFound,
		errNoSubscriber, errNoGroup, errWrongEmail, errOrderExists, errMissingProducts, errProductNotExist,
		errNoDeliveryData, errOrdersDisabled, errGroupNoSubs, errNoSuchAddress, errNoDomains, errNoPartner} {
		known[a.code] = true
	}
	seeds := []string{
		"rid[0]=news&lead_email=a@b.cd", "goods[0][good_name]=course1&bill_email=x@y.zz", "bill_id=1&status=paid&date=5",
		"bill_id=1&status=moneyback&ext_ref_no=1", "email=subscriber@example.com&pay_status=paid", "bill_id=1&good_info=1",
		"date_s=0&date_e=99999999999&goods[]=book&paid=1", "begin_date=01.08.2016&end_date=31.12.2016",
		"good_name=x&good_title=y&good_type=real&good_sum=1.005&good_client_rassilki=a,b", "partner=my_partner_login&date_from=2016",
		"group_name=unique", "rass_name[]=news&lead_email=subscriber@example.com", "goods[0]=x&goods[1][good_name][]=y",
		"lead_email[]=a@b.cd&rid=news", "bill_id=99999999999999999999&status=cancel", "",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		fn := names[int(which)%len(names)]
		fields := ParseQuery(body)
		fields.Delete("hash")
		hash := requestHash(fields, DefaultTenant, DefaultSecret)
		signed := body + "&hash=" + hash
		// PHP may never see the hash: a raw NUL ends the form, and only the
		// first 1000 pieces count.
		seen, _ := ParseQuery(signed).Get("hash")
		// srv.Do would call Helper on the *testing.F, which a fuzz function must not use.
		resp, err := http.Post(srv.URL+"/justclick/u/username/api/"+fn, "application/x-www-form-urlencoded", strings.NewReader(signed))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %q: status %d: %s", fn, body, resp.StatusCode, got)
		}
		var env struct {
			Code int    `json:"error_code"`
			Text string `json:"error_text"`
			Hash string `json:"hash"`
		}
		if err := json.Unmarshal(got, &env); err != nil {
			t.Fatalf("%s %q: not JSON: %s", fn, body, got)
		}
		if !known[env.Code] || env.Hash != md5hex(strconv.Itoa(env.Code)+"::"+env.Text+"::"+DefaultSecret) {
			t.Fatalf("%s %q: envelope %s", fn, body, got)
		}
		if (env.Code == 4 || env.Code == 1) && seen.Map == nil && seen.Str == hash {
			t.Fatalf("%s %q: correctly signed form refused: %s", fn, body, got)
		}
	})
}
