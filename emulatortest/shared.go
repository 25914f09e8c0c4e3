package emulatortest

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// The test binary's shared emulator. It is package state by necessity:
// every test of the binary must find the same one, and Go hands tests
// nothing else they share.
var shared struct {
	once sync.Once
	emu  *Emulator
	err  error
}

func startShared() (*Emulator, error) {
	shared.once.Do(func() { shared.emu, shared.err = New() })
	return shared.emu, shared.err
}

// Shared is the test binary's one emulator, started by the first test
// that asks (or by Main), with its helpers failing t. Tests that use it may
// run in parallel: each creates its own tenants (NewKeitaroTenant, …), and
// a tenant's data, clock and faults are its own. Use ResetTenant, not
// Reset, between tests.
//
// Without Main the emulator runs until the test binary exits; with Main it
// is shut down after the tests. An exchange of a tenant a test created
// that breaks the OpenAPI documents fails that test; Main reports the
// others (the default tenants', say) and fails the binary.
func Shared(t testing.TB) *Emulator {
	t.Helper()
	e, err := startShared()
	if err != nil {
		t.Fatalf("emulatortest: shared emulator: %v", err)
	}
	return e.With(t)
}

// Main runs a test binary's tests with the shared emulator started before
// them and shut down after, and returns the exit code:
//
//	func TestMain(m *testing.M) { os.Exit(emulatortest.Main(m)) }
func Main(m *testing.M) int {
	e, err := startShared()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if err := e.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "emulatortest: shutdown: %v\n", err)
	}
	if errs := e.check.Failures(); len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(os.Stderr, "emulatortest: OpenAPI: %v\n", err)
		}
		if code == 0 {
			code = 1
		}
	}
	return code
}
