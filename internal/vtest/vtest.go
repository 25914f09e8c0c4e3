// Package vtest starts an emulator server inside a test, on a free loopback
// port with an in-memory database, for vendoremu's own tests. Vendor
// packages use it with only their own vendor, so that one vendor's tests do
// not depend on the others compiling; users get the same through
// emulatortest.
package vtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// Server is a running emulator.
type Server struct {
	*server.Server
	// URL is the shared listener's base URL, e.g. "http://127.0.0.1:40123".
	URL   string
	t     testing.TB
	check *Checker
	// lenient requests may break the documents (their answers may not).
	lenient bool
}

// NoCheck, as server.Config.Check, turns the OpenAPI check off for a test
// whose exchanges are deliberately not the documents' (one that sends a
// fault's own answer through a vendor handler, say).
func NoCheck(openapi.Exchange) {}

// Start runs a server with the given vendors until the test ends. cfg may
// leave Addr and DB empty (loopback port 0, in memory). Unless cfg.Check is
// set or t is a benchmark, every exchange with the server is validated
// against its OpenAPI
// documents (openapi/validate): a request or answer the documents do not
// describe fails the test — the one whose Do or Send made it, or t when
// it ends.
func Start(t testing.TB, cfg server.Config) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.DB == "" {
		cfg.DB = store.Memory
	}
	var chk *Checker
	// Benchmarks measure the server as it runs in production, without the
	// check (and without reads run twice, below).
	_, bench := t.(*testing.B)
	if cfg.Check == nil && !bench {
		chk = NewChecker()
		cfg.Check = chk.Check
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("vtest: build server: %v", err)
	}
	// A read may run twice (store.Read); every test checks its read
	// functions can.
	if !bench {
		srv.Store().RerunReads()
	}
	if chk != nil {
		if err := chk.Use(srv.Documents()); err != nil {
			srv.Close()
			t.Fatalf("vtest: the OpenAPI documents: %v", err)
		}
		// Registered before the shutdown below, so it runs after it and
		// sees every exchange.
		t.Cleanup(func() { chk.Report(t) })
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		t.Fatalf("vtest: start server: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("vtest: shutdown: %v", err)
		}
	})
	return &Server{Server: srv, URL: "http://" + srv.Addr(), t: t, check: chk}
}

// StartVendors runs a server with just the given vendors.
func StartVendors(t testing.TB, vendors ...emu.Factory) *Server {
	t.Helper()
	return Start(t, server.Config{Vendors: vendors})
}

// With returns the server bound to another test, for requests made inside a
// fuzz target (whose *testing.F must not be used there) or a subtest.
func (s *Server) With(t testing.TB) *Server {
	c := *s
	c.t = t
	return &c
}

// Lenient returns the server for requests that break the OpenAPI
// documents on purpose (an unknown parameter the vendor must ignore, a
// fuzz target's input): their answers are still checked.
func (s *Server) Lenient() *Server {
	c := *s
	c.lenient = true
	return &c
}

// LenientRequests lets every later request to the server break the OpenAPI
// documents, however it is sent (a fuzz target serving Handler directly);
// answers are still checked.
func (s *Server) LenientRequests() {
	if s.check != nil {
		s.check.mu.Lock()
		s.check.lenientAll = true
		s.check.mu.Unlock()
	}
}

// Response is what a test request got back.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends a request to the server (path relative to URL) and reads the
// whole answer. body may be nil, a string, []byte, or any value (sent as
// JSON). headers alternate names and values.
func (s *Server) Do(method, path string, body any, headers ...string) Response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("vtest: encode body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatalf("vtest: %v", err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	return s.Send(req)
}

// Send sends req as is (no redirects followed) and reads the answer.
func (s *Server) Send(req *http.Request) Response {
	s.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if s.lenient && s.check != nil {
		l := lenientRequest{req.Method, req.URL.Path, req.URL.RawQuery}
		s.check.mu.Lock()
		s.check.lenient = append(s.check.lenient, l)
		s.check.mu.Unlock()
		defer func() {
			s.check.mu.Lock()
			if i := slices.Index(s.check.lenient, l); i >= 0 {
				s.check.lenient = slices.Delete(s.check.lenient, i, i+1)
			}
			s.check.mu.Unlock()
		}()
	}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatalf("vtest: %s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("vtest: read body: %v", err)
	}
	s.check.Report(s.t)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// JSON decodes the body into a generic value, failing the test if it is not
// JSON.
func (r Response) JSON(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.Body)
	}
	return v
}

// TenantClock moves one tenant's own clock with a body of
// POST /_emulator/clock ({"now":…}, {"advance":…}, {"real":true}).
func (s *Server) TenantClock(vendor, tenant string, body any) {
	s.t.Helper()
	r := s.Do("POST", "/_emulator/clock?vendor="+url.QueryEscape(vendor)+"&tenant="+url.QueryEscape(tenant), body)
	if r.Status != http.StatusOK {
		s.t.Fatalf("vtest: clock of %s tenant %s: %d %s", vendor, tenant, r.Status, r.Body)
	}
}

// RoundTrip dumps one tenant of vendor from s, loads the dump as a seed
// document into fresh (another emulator) and dumps the tenant there: a
// test compares the two dumps.
func (s *Server) RoundTrip(fresh *Server, vendor, tenant string) (dump, reloaded string) {
	s.t.Helper()
	path := "/_emulator/state/" + vendor + "?tenant=" + url.QueryEscape(tenant)
	r := s.Do("GET", path, nil)
	if r.Status != http.StatusOK {
		s.t.Fatalf("vtest: state of %s tenant %s: %d %s", vendor, tenant, r.Status, r.Body)
	}
	dump = r.Body
	doc := `{"` + vendor + `":` + dump + `}`
	if r := fresh.Do("POST", "/_emulator/seed", doc); r.Status != http.StatusOK {
		s.t.Fatalf("vtest: the dump of %s tenant %s does not load as a seed: %d %s\n%s", vendor, tenant, r.Status, r.Body, dump)
	}
	r = fresh.Do("GET", path, nil)
	if r.Status != http.StatusOK {
		s.t.Fatalf("vtest: state of the reloaded %s tenant %s: %d %s", vendor, tenant, r.Status, r.Body)
	}
	return dump, r.Body
}
