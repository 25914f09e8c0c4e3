package emulatortest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vendoremu/vendoremu/emulatortest"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// tenantMakers create a tenant of each vendor and name it by the key its
// reset takes.
var tenantMakers = []struct {
	name   string
	create func(*emulatortest.Emulator) string
}{
	{"hitsteps", func(e *emulatortest.Emulator) string { return e.NewHitstepsTenant().MainAccount }},
	{"mousestats", func(e *emulatortest.Emulator) string { return e.NewMouseStatsTenant().PartnerID }},
	{"keitaro", func(e *emulatortest.Emulator) string { return e.NewKeitaroTenant().APIKey }},
	{"justclick", func(e *emulatortest.Emulator) string { return e.NewJustClickTenant().Login }},
	{"twipla", func(e *emulatortest.Emulator) string { return e.NewTwiplaTenant().IntpID }},
}

// BenchmarkNewTenant creates tenants of one vendor after another, each
// reset right away as a CI test does at its end, on a file database: one
// op is one creation, whose latency is the CI shape's create-p99-ms
// without the other workers' load (the tenants of a CI run do not pile
// up: their resets retire them).
//
//	go test -run='^$' -bench=NewTenant ./emulatortest
func BenchmarkNewTenant(b *testing.B) {
	for _, v := range tenantMakers {
		b.Run(v.name, func(b *testing.B) {
			emu, err := emulatortest.New(emulatortest.WithDatabase(filepath.Join(b.TempDir(), "ci.db")), emulatortest.WithoutOpenAPICheck())
			if err != nil {
				b.Fatal(err)
			}
			defer emu.Close()
			e := emu.With(b)
			for b.Loop() {
				key := v.create(e)
				b.StopTimer()
				e.ResetTenant(v.name, key)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkSweep is a tenant's whole life in a CI run, janitor included:
// one op creates 100 tenants (20 of each vendor), resets each, and waits
// until the janitor has deleted what the resets retired, on a file
// database. cpu-ms/tenant is the process's CPU time per tenant.
//
//	go test -run='^$' -bench=Sweep ./emulatortest
func BenchmarkSweep(b *testing.B) {
	emu, err := emulatortest.New(emulatortest.WithDatabase(filepath.Join(b.TempDir(), "ci.db")), emulatortest.WithoutOpenAPICheck())
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	e := emu.With(b)
	ctx := context.Background()
	cpu0 := vtest.CPUTime()
	for b.Loop() {
		for range 20 {
			e.ResetTenant("hitsteps", e.NewHitstepsTenant().MainAccount)
			e.ResetTenant("mousestats", e.NewMouseStatsTenant().PartnerID)
			e.ResetTenant("keitaro", e.NewKeitaroTenant().APIKey)
			e.ResetTenant("justclick", e.NewJustClickTenant().Login)
			e.ResetTenant("twipla", e.NewTwiplaTenant().IntpID)
		}
		if err := e.Server.Store().Swept(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((vtest.CPUTime()-cpu0).Microseconds())/1000/float64(b.N*100), "cpu-ms/tenant")
}

// BenchmarkTenantLife is a CI test's tenant without the test: one op
// creates a tenant of one vendor and resets it, on an in-memory database,
// one after another. cpu-µs/op is the process's CPU time per op (client
// included), which the CI shape's cpu-ms/test is made of besides the
// vendor calls; the janitor's work is in it when it ran during the loop.
//
//	go test -run='^$' -bench=TenantLife ./emulatortest
func BenchmarkTenantLife(b *testing.B) {
	for _, v := range tenantMakers {
		b.Run(v.name, func(b *testing.B) {
			emu, err := emulatortest.New(emulatortest.WithoutOpenAPICheck())
			if err != nil {
				b.Fatal(err)
			}
			defer emu.Close()
			e := emu.With(b)
			cpu0 := vtest.CPUTime()
			for b.Loop() {
				e.ResetTenant(v.name, v.create(e))
			}
			b.ReportMetric(float64((vtest.CPUTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
