package justclick_test

import (
	"os/exec"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

// A request signed by real PHP, exactly as the vendor's sample client signs
// (GetHash: md5(http_build_query($params)."::$user_id::$secret"), then
// http_build_query of the data with its hash), is accepted.
func TestRealPHPClientSignature(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatalf("php-cli is required for this test (apt-get install php-cli): %v", err)
	}
	const script = `$user = ['user_id' => 'username', 'user_rps_key' => str_repeat('X', 40)];
$send = [
	'goods' => [['good_name' => 'course1', 'good_sum' => '500'], ['good_name' => 'book']],
	'bill_email' => 'Покупатель+tag@example.com',
	'bill_first_name' => 'Анна ~!*()\'',
	'bill_surname' => 'Иванова', 'bill_country' => 'RU', 'bill_city' => 'Москва', 'bill_address' => 'a/b & c=d',
	'utm' => ['utm_source' => 'fb', 'utm_campaign' => 'spring sale'],
];
$send['hash'] = md5(http_build_query($send) . '::' . $user['user_id'] . '::' . $user['user_rps_key']);
echo http_build_query($send);`
	out, err := exec.Command(php, "-n", "-r", script).Output()
	if err != nil {
		t.Fatalf("php: %v", err)
	}
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.post("/justclick/api/CreateOrder", string(out)).is(t, 0, "Order created").result(t, `{"bill_id":"1000"}`)
	a.call("GetOrderInfo", "bill_id", "1000").is(t, 0, "OK")
}
