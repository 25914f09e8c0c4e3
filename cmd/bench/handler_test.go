package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/server"
)

// BenchmarkHandler serves each target's request straight to the server's
// handler, in process, without a network or a load client: what the
// emulator itself costs per request (ns/op, allocs/op), the figure to
// profile. Each write is also served from as many goroutines as the load
// command has connections ("parallel"), where writes share commits. The "bare" sub-benchmarks serve the same bytes the way the bare
// handler of `go run ./cmd/bench` does, for scale. cpu-ns/op is the
// process's CPU time per request, the steadier figure on a shared machine.
//
//	go test -run='^$' -bench=Handler -benchmem ./cmd/bench
//	go test -run='^$' -bench='Handler/file/keitaro_read' -cpuprofile cpu.out ./cmd/bench
//	go test -run='^$' -bench='Handler/file/.*_write/parallel' -benchmem ./cmd/bench
func BenchmarkHandler(b *testing.B) {
	for _, db := range []string{"file", "memory"} {
		b.Run(db, func(b *testing.B) {
			path := ":memory:"
			if db == "file" {
				path = filepath.Join(b.TempDir(), "bench.db")
			}
			srv, err := server.New(context.Background(), server.Config{
				Addr: "127.0.0.1:0", DB: path,
				Vendors: emulators.All(emulators.Config{}),
				Log:     slog.New(slog.DiscardHandler),
			})
			if err != nil {
				b.Fatal(err)
			}
			if err := srv.Start(); err != nil {
				b.Fatal(err)
			}
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				srv.Shutdown(ctx)
			}()
			all, err := targets("http://" + srv.Addr())
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			for _, t := range all {
				if err := t.capture(srv.Addr()); err != nil {
					b.Fatalf("%s: %v", t.name, err)
				}
				b.Run(strings.ReplaceAll(t.name, " ", "_"), func(b *testing.B) {
					b.ReportAllocs()
					w := &discard{}
					cpu0 := cpuTime()
					for b.Loop() {
						r := t.httpRequest(seq.Add(1))
						w.reset()
						h.ServeHTTP(w, r)
						if w.status != t.status {
							b.Fatalf("status %d, want %d", w.status, t.status)
						}
					}
					reportCPU(b, cpuTime()-cpu0)
				})
				if !strings.HasSuffix(t.name, "write") {
					continue
				}
				// Writes from as many clients as go run ./cmd/bench uses:
				// the store's group commit at work, as the load measures it.
				b.Run(strings.ReplaceAll(t.name, " ", "_")+"/parallel", func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism((defaultClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					cpu0 := cpuTime()
					b.RunParallel(func(pb *testing.PB) {
						w := &discard{}
						for pb.Next() {
							r := t.httpRequest(seq.Add(1))
							w.reset()
							h.ServeHTTP(w, r)
							if w.status != t.status {
								b.Errorf("status %d, want %d", w.status, t.status)
								return
							}
						}
					})
					reportCPU(b, cpuTime()-cpu0)
				})
			}
			if db != "file" {
				return
			}
			for _, t := range all {
				if !strings.HasSuffix(t.name, "read") {
					continue
				}
				b.Run(strings.ReplaceAll(t.name, " ", "_")+"/bare", func(b *testing.B) {
					b.ReportAllocs()
					w := &discard{}
					bare := t.bareHandler()
					cpu0 := cpuTime()
					for b.Loop() {
						r := t.httpRequest(0)
						w.reset()
						bare.ServeHTTP(w, r)
					}
					reportCPU(b, cpuTime()-cpu0)
				})
			}
		})
	}
}

// reportCPU reports the process's CPU time per operation (every thread:
// the garbage collector's too), which other work on the machine disturbs
// less than the wall time of ns/op.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// httpRequest is request i of the target as a server receives it.
func (t *target) httpRequest(i int64) *http.Request {
	rq := t.request(i)
	r, err := http.NewRequest(rq.method, "http://127.0.0.1"+rq.path, strings.NewReader(rq.body))
	if err != nil {
		panic(err)
	}
	r.RemoteAddr = "127.0.0.1:40000"
	r.RequestURI = rq.path
	if rq.host != "" {
		r.Host = rq.host
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		r.Header.Set(rq.header[i], rq.header[i+1])
	}
	return r
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h      http.Header
	status int
}

func (w *discard) reset() {
	clear(w.h)
	w.status = 0
}

func (w *discard) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}

func (w *discard) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discard) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func (w *discard) WriteString(s string) (int, error) {
	return io.WriteString(struct{ io.Writer }{w}, s)
}
