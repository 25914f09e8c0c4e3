package justclick_test

import (
	"os"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

// A request signed by real PHP, exactly as the vendor's sample client signs
// (GetHash: md5(http_build_query($params)."::$user_id::$secret"), then
// http_build_query of the data with its hash), is accepted. The body is
// PHP's own output, recorded by the php-tagged TestGoldenClientIsRealPHP
// (which .ci/run runs against real PHP).
func TestRealPHPClientSignature(t *testing.T) {
	body, err := os.ReadFile("testdata/php_client_order.golden")
	if err != nil {
		t.Fatalf("%v: generate it with go test -tags php -run Golden ./emulators/justclick -update", err)
	}
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.post("/justclick/api/CreateOrder", strings.TrimSuffix(string(body), "\n")).is(t, 0, "Order created").result(t, `{"bill_id":"1000"}`)
	a.call("GetOrderInfo", "bill_id", "1000").is(t, 0, "OK")
}
