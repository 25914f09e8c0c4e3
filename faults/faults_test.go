package faults

import (
	"context"
	"testing"
	"time"
)

func TestJitterIsUniformOverItsRange(t *testing.T) {
	f := Fault{DelayMS: 100, JitterMS: 40}
	lo, hi := 100*time.Millisecond, 140*time.Millisecond
	var quarters [4]int
	for range 4000 {
		d := f.delay()
		if d < lo || d > hi {
			t.Fatalf("delay %v outside [%v, %v]", d, lo, hi)
		}
		quarters[min(int((d-lo)*4/(hi-lo)), 3)]++
	}
	// Each quarter of the range gets about a thousand draws; a skewed
	// or constant draw leaves one nearly empty.
	for i, n := range quarters {
		if n < 800 || n > 1200 {
			t.Fatalf("quarter %d got %d of 4000 draws: %v", i, n, quarters)
		}
	}
	if d := (Fault{DelayMS: 7}).delay(); d != 7*time.Millisecond {
		t.Fatalf("without jitter: %v", d)
	}
}

func TestMatchByTenant(t *testing.T) {
	tb := NewTable()
	mustAdd := func(f Fault) int64 {
		id, err := tb.Add(f)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := mustAdd(Fault{Vendor: "keitaro", Tenant: "key-a", Status: 503})
	any := mustAdd(Fault{Vendor: "keitaro", Path: "/admin_api/v1/offers", Status: 502})
	for _, c := range []struct {
		tenant, path string
		want         int64
	}{
		{"key-a", "/admin_api/v1/campaigns", a},
		{"key-b", "/admin_api/v1/campaigns", 0},
		{"", "/admin_api/v1/campaigns", 0},
		{"key-b", "/admin_api/v1/offers", any},
		{"", "/admin_api/v1/offers", any},
		{"key-a", "/admin_api/v1/offers", a}, // the first in the list wins
	} {
		f, ok := tb.Match("keitaro", c.tenant, "GET", c.path)
		if got := map[bool]int64{true: f.ID}[ok]; got != c.want {
			t.Errorf("Match(%q, %q) = %d, want %d", c.tenant, c.path, got, c.want)
		}
	}
	if !tb.Selects("keitaro", "GET", "/anything") || tb.Selects("twipla", "GET", "/anything") {
		t.Fatal("Selects")
	}
}

func TestWaitEndsWhenTheFaultIsDeleted(t *testing.T) {
	tb := NewTable()
	id, _ := tb.Add(Fault{DelayMS: MaxDelay.Milliseconds()})
	f, _ := tb.Match("x", "", "GET", "/")
	done := make(chan bool)
	go func() { done <- f.Wait(context.Background()) }()
	for tb.List()[0].Parked != 1 {
		time.Sleep(time.Millisecond)
	}
	tb.Delete(id)
	if <-done {
		t.Fatal("a deleted fault still applies")
	}
}
