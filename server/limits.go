package server

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits bound what clients can make one listener hold: header size,
// slow or idle connections, and the number of open connections. Zero
// fields take the defaults below.
type Limits struct {
	// MaxHeaderBytes bounds a request's line and headers (64 KiB; Go's
	// default is 1 MiB).
	MaxHeaderBytes int
	// ReadHeaderTimeout bounds the wait for a request's headers (10 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (60 s), so
	// a client that trickles its body is not held forever.
	ReadTimeout time.Duration
	// IdleTimeout closes a kept-alive connection that sends nothing
	// (120 s).
	IdleTimeout time.Duration
	// MaxConns caps the open connections of each listener (1024: each
	// costs some 22 KB, so a flood of connections stays near 25 MB). Past
	// it the longest-idle kept-alive connection is closed to make room; when
	// none is idle, a small reserve of one-request connections serves the
	// control plane and answers 503 to vendor requests, so the health check
	// always answers.
	MaxConns int
}

// Default limits.
const (
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxConns          = 1024
)

// overflowReserve is how many connections past MaxConns may be open at
// once, each for one request: the health check, or a 503.
const overflowReserve = 64

func (l Limits) withDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = DefaultReadTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
	}
	return l
}

// connLimiter caps the open connections of one listener. With the server's
// ConnState hook it knows which connections are idle between requests, and
// closes the longest-idle one when a new connection arrives at the cap: an
// idle kept-alive connection costs its client nothing to reopen, while a
// refused connection would fail a request. Only when every connection is
// busy does a new one go to the overflow reserve (one request, health or
// 503), and past that it is closed at once, before it holds anything.
type connLimiter struct {
	net.Listener
	max int

	mu   sync.Mutex
	open int                        // connections within max
	over int                        // connections in the overflow reserve
	idle map[*limitedConn]time.Time // idle since
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, idle: map[*limitedConn]time.Time{}}
}

// limitedConn is a connection counted by a connLimiter.
type limitedConn struct {
	net.Conn
	l        *connLimiter
	overflow bool
	once     sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

// Accept returns the next connection the limits allow.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.open < l.max {
			l.open++
			l.mu.Unlock()
			return &limitedConn{Conn: c, l: l}, nil
		}
		if victim := l.oldestIdle(); victim != nil {
			// The victim's slot is released when the server sees it closed;
			// until then open may exceed max by the victims in flight.
			delete(l.idle, victim)
			l.open++
			l.mu.Unlock()
			victim.Conn.Close()
			return &limitedConn{Conn: c, l: l}, nil
		}
		if l.over < overflowReserve {
			l.over++
			l.mu.Unlock()
			return &limitedConn{Conn: c, l: l, overflow: true}, nil
		}
		l.mu.Unlock()
		c.Close()
	}
}

func (l *connLimiter) oldestIdle() *limitedConn {
	var victim *limitedConn
	var since time.Time
	for c, t := range l.idle {
		if victim == nil || t.Before(since) {
			victim, since = c, t
		}
	}
	return victim
}

func (l *connLimiter) release(c *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.idle, c)
	if c.overflow {
		l.over--
	} else {
		l.open--
	}
}

// connState is the http.Server's ConnState hook.
func (l *connLimiter) connState(nc net.Conn, st http.ConnState) {
	c, ok := nc.(*limitedConn)
	if !ok || c.overflow {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if st == http.StateIdle {
		l.idle[c] = time.Now()
	} else {
		delete(l.idle, c)
	}
}

// counts reports the connections open within the cap and in the reserve.
func (l *connLimiter) counts() (open, over int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, l.over
}

type overflowKey struct{}

// networkKey marks requests that came through a listener the server opened
// itself, as opposed to its Handler mounted in-process (httptest, a user's
// own server): those are the ones a browser can reach.
type networkKey struct{}

// connContext marks the requests of the limiter's listener, and those of
// overflow connections.
func (l *connLimiter) connContext(ctx context.Context, nc net.Conn) context.Context {
	ctx = context.WithValue(ctx, networkKey{}, true)
	if c, ok := nc.(*limitedConn); ok && c.overflow {
		return context.WithValue(ctx, overflowKey{}, true)
	}
	return ctx
}

// overflowGuard serves a request of an overflow connection: the control
// plane (on the shared listener) as usual — the health check, and what a
// test needs to release what holds the connections, such as deleting a
// delay fault — and 503 to a vendor request; either way the connection
// closes after it.
func overflowGuard(next http.Handler, maxConns int, shared bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(overflowKey{}) == nil {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if first, _ := splitFirst(cleanPath(r.URL.Path)); shared && first == "_emulator" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"the emulator has ` + strconv.Itoa(maxConns) +
			` busy connections open (EMULATOR_MAX_CONNS); retry when some finish"}`))
	})
}
