package emulatortest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vendoremu/vendoremu/emulatortest"
)

// BenchmarkNewTenant creates tenants of one vendor after another, each
// reset right away as a CI test does at its end, on a file database: one
// op is one creation, whose latency is the CI shape's create-p99-ms
// without the other workers' load (the tenants of a CI run do not pile
// up: their resets retire them).
//
//	go test -run='^$' -bench=NewTenant ./emulatortest
func BenchmarkNewTenant(b *testing.B) {
	for _, v := range []struct {
		name   string
		create func(*emulatortest.Emulator) string
	}{
		{"hitsteps", func(e *emulatortest.Emulator) string { return e.NewHitstepsTenant().MainAccount }},
		{"mousestats", func(e *emulatortest.Emulator) string { return e.NewMouseStatsTenant().PartnerID }},
		{"keitaro", func(e *emulatortest.Emulator) string { return e.NewKeitaroTenant().APIKey }},
		{"justclick", func(e *emulatortest.Emulator) string { return e.NewJustClickTenant().Login }},
		{"twipla", func(e *emulatortest.Emulator) string { return e.NewTwiplaTenant().IntpID }},
	} {
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

// BenchmarkSweep is the janitor deleting what a CI run's resets retired:
// one op retires 100 tenants (20 of each vendor, as created, untouched)
// and times the janitor until it has deleted them all, on a file
// database.
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
	for b.Loop() {
		b.StopTimer()
		if err := e.Server.Store().Swept(ctx); err != nil {
			b.Fatal(err)
		}
		for range 20 {
			e.ResetTenant("hitsteps", e.NewHitstepsTenant().MainAccount)
			e.ResetTenant("mousestats", e.NewMouseStatsTenant().PartnerID)
			e.ResetTenant("keitaro", e.NewKeitaroTenant().APIKey)
			e.ResetTenant("justclick", e.NewJustClickTenant().Login)
			e.ResetTenant("twipla", e.NewTwiplaTenant().IntpID)
		}
		b.StartTimer()
		if err := e.Server.Store().Swept(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
