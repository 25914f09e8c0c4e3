// Package outbound sends the HTTP requests a vendor makes on its own — a
// JustClick order callback, a Keitaro S2S postback — in the background, one
// attempt each with a short timeout, and records every attempt in the
// request journal. Vendors queue deliveries after their transaction commits,
// so an answer never waits for a receiver, as with the real vendors.
//
// A receiver's URL is chosen by whoever can configure a vendor (anyone who
// can reach the emulator), so deliveries never go to link-local and cloud
// metadata addresses unless Options.Allow says so. The check is on the
// address actually dialled, after name resolution, so a name that resolves
// there is refused too.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vendoremu/vendoremu/journal"
)

// Timeout bounds one delivery attempt.
const Timeout = 5 * time.Second

// Delivery is one request to send.
type Delivery struct {
	// Vendor and Tenant name who sends it, for the journal.
	Vendor, Tenant string
	// Method is GET or POST.
	Method string
	// URL is the receiver's full URL, query included.
	URL string
	// ContentType and Body are sent with a POST ("" for none).
	ContentType, Body string
}

// Result is what came of one attempt.
type Result struct {
	Delivery
	// Time is when the attempt started (wall clock, as the journal).
	Time time.Time
	// Status is the receiver's HTTP status, 0 when no answer came.
	Status int
	// Response is the receiver's body (cut at journal.BodyLimit).
	Response string
	// Error says why no answer came ("" when one did).
	Error string
	// DurationMS is how long the attempt took.
	DurationMS float64
}

// Options configure a Sender.
type Options struct {
	// Allow lists address ranges a delivery may reach although Refused
	// names them (e.g. 169.254.170.2/32 for a receiver on a link-local
	// address).
	Allow []netip.Prefix
}

// Refused are the address ranges deliveries never reach by default:
// IPv4 and IPv6 link-local, and the cloud metadata services (which live
// there, and at fd00:ec2::254 on AWS).
func Refused() []netip.Prefix {
	return []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/16"),
		netip.MustParsePrefix("fe80::/10"),
		netip.MustParsePrefix("fd00:ec2::254/128"),
	}
}

// RefusedError is a delivery refused because of its receiver's address.
type RefusedError struct {
	Addr netip.Addr
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("receiver address %s is link-local or a cloud metadata address; deliveries there are refused (allow it with EMULATOR_OUTBOUND_ALLOW=%s)", e.Addr, e.Addr)
}

// Sender delivers in the background. The zero value is not usable; build
// one with New.
type Sender struct {
	client  *http.Client
	journal *journal.Journal
	log     *slog.Logger
	wg      sync.WaitGroup
	// ctx ends when Cancel is called: deliveries in flight are abandoned.
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a sender that records attempts in j (nil: nowhere) and logs
// them at debug level on log (nil: nowhere).
func New(j *journal.Journal, log *slog.Logger, opts Options) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	refused := Refused()
	dialer := &net.Dialer{
		Timeout: Timeout,
		// Control sees the address being dialled, after resolution.
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			return check(ap.Addr().Unmap(), refused, opts.Allow)
		},
	}
	transport := &http.Transport{
		// No proxy: the address check must see the receiver itself, and
		// receivers of test deliveries are local.
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Sender{
		client: &http.Client{
			Transport:     transport,
			Timeout:       Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		journal: j,
		log:     log,
		ctx:     ctx,
		cancel:  cancel,
	}
}

// check refuses addr when it is in refused and not in allow.
func check(addr netip.Addr, refused, allow []netip.Prefix) error {
	for _, p := range allow {
		if p.Contains(addr) {
			return nil
		}
	}
	for _, p := range refused {
		if p.Contains(addr) {
			return &RefusedError{Addr: addr}
		}
	}
	return nil
}

// Cancel abandons the deliveries in flight and fails the ones sent after
// it (at shutdown, once waiting for them is over).
func (s *Sender) Cancel() { s.cancel() }

// Send starts d in the background. done, when not nil, is called with the
// result once the attempt has been journaled (vendors that keep their own
// delivery log record it there).
func (s *Sender) Send(d Delivery, done func(Result)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		r := s.attempt(d)
		if done != nil {
			done(r)
		}
	}()
}

// Wait blocks until every delivery started so far has finished (and its
// done function returned), or ctx ends.
func (s *Sender) Wait(ctx context.Context) error {
	finished := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt makes one delivery and journals it.
func (s *Sender) attempt(d Delivery) Result {
	// The journal times real exchanges, so this is the wall clock, as in
	// the journal middleware, not the emulator clock.
	start := time.Now()
	r := Result{Delivery: d, Time: start.UTC()}
	if d.Method == "" {
		r.Method = http.MethodPost
	}
	var body io.Reader
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		body = strings.NewReader(d.Body)
	}
	// The journal's answer headers are an object, also when no answer came.
	respHeaders := map[string]string{}
	req, err := http.NewRequestWithContext(s.ctx, r.Method, d.URL, body)
	if err == nil {
		if body != nil && d.ContentType != "" {
			req.Header.Set("Content-Type", d.ContentType)
		}
		var resp *http.Response
		if resp, err = s.client.Do(req); err == nil {
			b, readErr := io.ReadAll(io.LimitReader(resp.Body, journal.BodyLimit))
			resp.Body.Close()
			respHeaders = journal.MaskHeaders(resp.Header)
			r.Status, r.Response = resp.StatusCode, string(b)
			if readErr != nil {
				r.Error = readErr.Error()
			}
		}
	}
	if err != nil {
		r.Error = err.Error()
		var refused *RefusedError
		if errors.As(err, &refused) {
			s.log.Warn("outbound delivery refused", "vendor", d.Vendor, "addr", refused.Addr.String())
		}
	}
	r.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	if s.journal != nil {
		headers := map[string]string{}
		if body != nil && d.ContentType != "" {
			headers["Content-Type"] = d.ContentType
		}
		answer := r.Response
		if r.Error != "" {
			answer += r.Error
		}
		s.journal.Add(journal.Entry{
			Time:            r.Time,
			Vendor:          d.Vendor,
			Tenant:          d.Tenant,
			Method:          r.Method,
			Path:            d.URL,
			Status:          r.Status,
			DurationMS:      r.DurationMS,
			RequestHeaders:  headers,
			RequestBody:     d.Body,
			ResponseHeaders: respHeaders,
			ResponseBody:    answer,
		})
	}
	logURL := d.URL
	if base, q, ok := strings.Cut(d.URL, "?"); ok {
		logURL = base + "?" + journal.MaskQuery(q)
	}
	s.log.Debug("outbound delivery", "vendor", d.Vendor, "tenant", journal.Fingerprint(d.Tenant), "url", logURL,
		"status", r.Status, "err", r.Error)
	return r
}
