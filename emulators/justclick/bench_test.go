package justclick_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// BenchmarkSignedBody is one signed GetPartnerStats call whose body is
// padded to the given size: reading, parsing and hashing the body whole,
// through HTTP, up to the 8 MiB limit.
func BenchmarkSignedBody(b *testing.B) {
	srv := vtest.StartVendors(b, justclick.New(justclick.Config{}))
	for _, size := range []struct {
		name  string
		bytes int
	}{{"1KiB", 1 << 10}, {"1.5MiB", 3 << 19}, {"8MiB", 8 << 20}} {
		b.Run(size.name, func(b *testing.B) {
			pairs := []string{"partner", "my_partner_login", "pad", ""}
			fixed := len(query(pairs...) + "&hash=" + md5hex(""))
			pairs[3] = strings.Repeat("p", size.bytes-fixed)
			q := query(pairs...)
			body := q + "&hash=" + md5hex(q+"::"+login+"::"+secret)
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			for b.Loop() {
				req, _ := http.NewRequest("POST", srv.URL+"/justclick/api/GetPartnerStats", strings.NewReader(body))
				req.Host = login + ".localhost"
				req.Header.Set("Content-Type", formType)
				if r := srv.Send(req); r.Status != 200 || !strings.Contains(r.Body, `"error_code":0`) {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
			}
		})
	}
}
