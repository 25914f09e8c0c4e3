package outbound_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/outbound"
)

func TestSendRecordsEachAttempt(t *testing.T) {
	var mu sync.Mutex
	var got []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "thanks")
	}))
	defer recv.Close()

	j := journal.New(journal.Limits{MaxEntries: 10})
	s := outbound.New(j, nil, outbound.Options{})
	var results []outbound.Result
	done := func(r outbound.Result) { mu.Lock(); results = append(results, r); mu.Unlock() }
	s.Send(outbound.Delivery{Vendor: "v", Tenant: "t", Method: "GET", URL: recv.URL + "/pb?a=1"}, done)
	s.Send(outbound.Delivery{Vendor: "v", Tenant: "t", Method: "POST", URL: recv.URL + "/pb",
		ContentType: "application/x-www-form-urlencoded", Body: "a=1"}, done)
	s.Send(outbound.Delivery{Vendor: "v", Tenant: "t", Method: "POST", URL: "http://127.0.0.1:1/closed"}, done)
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(results) != 3 {
		t.Fatalf("receiver got %q, results %d", got, len(results))
	}
	want := map[string]bool{"GET /pb?a=1  ": true, "POST /pb application/x-www-form-urlencoded a=1": true}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected request %q", g)
		}
	}
	failed := 0
	for _, r := range results {
		switch {
		case r.Error != "":
			failed++
			if r.Status != 0 {
				t.Errorf("failed attempt has status %d", r.Status)
			}
		case r.Status != http.StatusAccepted || r.Response != "thanks":
			t.Errorf("result %+v", r)
		}
	}
	if failed != 1 {
		t.Errorf("%d failed attempts, want 1", failed)
	}
	if n := len(j.List(journal.Filter{Vendor: "v"})); n != 3 {
		t.Errorf("journal holds %d attempts, want 3", n)
	}
}

func TestLinkLocalAndMetadataReceiversAreRefused(t *testing.T) {
	j := journal.New(journal.Limits{})
	s := outbound.New(j, nil, outbound.Options{})
	var mu sync.Mutex
	var results []outbound.Result
	done := func(r outbound.Result) { mu.Lock(); results = append(results, r); mu.Unlock() }
	for _, url := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://169.254.170.2/v2/credentials",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://[fe80::1]:8080/cb",
		"http://[::ffff:169.254.169.254]/",
	} {
		s.Send(outbound.Delivery{Vendor: "v", Method: "GET", URL: url}, done)
	}
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != 0 || !strings.Contains(r.Error, "refused") || !strings.Contains(r.Error, "EMULATOR_OUTBOUND_ALLOW") {
			t.Errorf("%s: status %d error %q", r.URL, r.Status, r.Error)
		}
	}
	if n := len(j.List(journal.Filter{Vendor: "v"})); n != 5 {
		t.Errorf("%d refused attempts journaled, want 5", n)
	}
}

func TestCancelAbandonsDeliveries(t *testing.T) {
	hold := make(chan struct{})
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hold }))
	defer recv.Close()
	defer close(hold)
	s := outbound.New(nil, nil, outbound.Options{})
	got := make(chan outbound.Result, 1)
	s.Send(outbound.Delivery{Vendor: "v", URL: recv.URL}, func(r outbound.Result) { got <- r })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Wait(ctx); err == nil {
		t.Fatal("Wait returned nil with a delivery held by its receiver")
	}
	s.Cancel()
	if r := <-got; !strings.Contains(r.Error, "canceled") {
		t.Fatalf("cancelled delivery: %+v", r)
	}
}
