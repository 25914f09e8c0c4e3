// Package outbound sends the HTTP requests a vendor makes on its own — a
// JustClick order callback, a Keitaro S2S postback — in the background, one
// attempt each with a short timeout, and records every attempt in the
// request journal. Vendors queue deliveries after their transaction commits,
// so an answer never waits for a receiver, as with the real vendors.
package outbound

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
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

// Sender delivers in the background. The zero value is not usable; build
// one with New.
type Sender struct {
	client  *http.Client
	journal *journal.Journal
	log     *slog.Logger
	wg      sync.WaitGroup
}

// New returns a sender that records attempts in j (nil: nowhere) and logs
// them at debug level on log (nil: nowhere).
func New(j *journal.Journal, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{
		client: &http.Client{
			Timeout:       Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		journal: j,
		log:     log,
	}
}

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
	req, err := http.NewRequest(r.Method, d.URL, body)
	if err == nil {
		if body != nil && d.ContentType != "" {
			req.Header.Set("Content-Type", d.ContentType)
		}
		var resp *http.Response
		if resp, err = s.client.Do(req); err == nil {
			b, readErr := io.ReadAll(io.LimitReader(resp.Body, journal.BodyLimit))
			resp.Body.Close()
			r.Status, r.Response = resp.StatusCode, string(b)
			if readErr != nil {
				r.Error = readErr.Error()
			}
		}
	}
	if err != nil {
		r.Error = err.Error()
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
			Time:           r.Time,
			Vendor:         d.Vendor,
			Tenant:         d.Tenant,
			Method:         r.Method,
			Path:           d.URL,
			Status:         r.Status,
			DurationMS:     r.DurationMS,
			RequestHeaders: headers,
			RequestBody:    d.Body,
			ResponseBody:   answer,
		})
	}
	s.log.Debug("outbound delivery", "vendor", d.Vendor, "url", d.URL, "status", r.Status, "err", r.Error)
	return r
}
