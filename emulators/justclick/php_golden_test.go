//go:build php

// The golden files the default test run reads are PHP's own answers. These
// tests, run by .ci/run after it installs php-cli, ask real PHP again and
// fail when a golden file no longer says what PHP says; -update rewrites
// them:
//
//	go test -tags php -run Golden ./emulators/justclick -update

package justclick

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	goflag "flag"
	"os"
	"os/exec"
	"testing"
)

// update is the flag -update (goods.go already has a function named flag).
var update = goflag.Bool("update", false, "rewrite the golden files from real PHP")

// TestGoldenCanonIsRealPHP runs every phpInputs() entry through `php -r`
// (parse_str, then http_build_query) with the vendor's input limits.
func TestGoldenCanonIsRealPHP(t *testing.T) {
	inputs := phpInputs()
	enc := make([]string, len(inputs))
	for i, s := range inputs {
		enc[i] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	stdin, _ := json.Marshal(enc)
	const script = `$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as $b) {
	parse_str(base64_decode($b), $a);
	$out[] = base64_encode(http_build_query($a));
}
echo json_encode($out);`
	out := runPHP(t, stdin, "-d", "error_reporting=0", "-d", "display_errors=0",
		"-d", "max_input_vars=1000", "-d", "max_input_nesting_level=64", "-r", script)
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(inputs) {
		t.Fatalf("php output (%v): %s", err, out)
	}
	cases := make([]canonCase, len(inputs))
	for i, s := range inputs {
		php, _ := base64.StdEncoding.DecodeString(got[i])
		cases[i] = canonCase{s, string(php)}
	}
	compareGolden(t, canonGolden, formatCanonGolden(cases))
}

// clientGolden is a CreateOrder body signed by real PHP exactly as the
// vendor's sample client signs (GetHash: md5(http_build_query($params)
// ."::$user_id::$secret"), then http_build_query of the data with its hash),
// for the default tenant.
const clientGolden = "testdata/php_client_order.golden"

// TestGoldenClientIsRealPHP has real PHP sign clientGolden's order again.
func TestGoldenClientIsRealPHP(t *testing.T) {
	const script = `$user = ['user_id' => 'username', 'user_rps_key' => str_repeat('X', 40)];
$send = [
	'goods' => [['good_name' => 'course1', 'good_sum' => '500'], ['good_name' => 'book']],
	'bill_email' => 'Покупатель+tag@example.com',
	'bill_first_name' => 'Анна ~!*()\'',
	'bill_surname' => 'Иванова', 'bill_country' => 'RU', 'bill_city' => 'Москва', 'bill_address' => 'a/b & c=d',
	'utm' => ['utm_source' => 'fb', 'utm_campaign' => 'spring sale'],
];
$send['hash'] = md5(http_build_query($send) . '::' . $user['user_id'] . '::' . $user['user_rps_key']);
echo http_build_query($send), "\n";`
	compareGolden(t, clientGolden, runPHP(t, nil, "-r", script))
}

// runPHP runs php without any php.ini, so that the answers do not depend
// on how the machine's PHP is configured.
func runPHP(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatalf("php-cli is required with -tags php (apt-get install php-cli): %v", err)
	}
	cmd := exec.Command(php, append([]string{"-n"}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("php: %v\n%s", err, stderr.String())
	}
	return out
}

// compareGolden fails when the file differs from want, or rewrites it with
// -update.
func compareGolden(t *testing.T, path string, want []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: generate it with %s", err, regenerate)
	}
	if bytes.Equal(have, want) {
		return
	}
	hl, wl := bytes.Split(have, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(hl) || i < len(wl); i++ {
		var h, w []byte
		if i < len(hl) {
			h = hl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(h, w) {
			t.Fatalf("%s differs from what real PHP says now, first at line %d:\n file %.300s\n php  %.300s\nregenerate it with %s and review the diff",
				path, i+1, h, w, regenerate)
		}
	}
}
