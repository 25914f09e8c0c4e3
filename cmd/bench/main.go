// Command bench measures the emulator against a bare net/http handler that
// serves the same bytes, in one process, under the same load: for each
// vendor one authenticated read and one write, it reports requests per
// second and p99 latency of both and their ratio. (The CI shape — many
// short tests, each a fresh tenant, a few calls and a reset — is
// emulatortest's BenchmarkCIShape.)
//
//	go run ./cmd/bench                     # every vendor, file database
//	go run ./cmd/bench -db memory          # the in-memory database tests use
//	go run ./cmd/bench -only keitaro -d 3s # one vendor, longer rounds
//
// The load comes from a minimal HTTP/1.1 client on raw keep-alive
// connections (wrk-like: a request written, the answer read, repeat), so the
// client costs little and the same for both sides. Each round runs every
// target against the emulator and against the bare handler back to back
// (alternating which goes first); figures are medians over the rounds.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// defaultClients is how many connections the load keeps busy.
const defaultClients = 10

// options are the command's flags.
type options struct {
	db         string
	clients    int
	duration   time.Duration
	rounds     int
	only       string
	cpuprofile string
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "file", `database: "file" (a new file in a temporary directory) or "memory"`)
	flag.IntVar(&o.clients, "c", defaultClients, "concurrent connections")
	flag.DurationVar(&o.duration, "d", 2*time.Second, "how long each target runs per round and side")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds (figures are medians over them)")
	flag.StringVar(&o.only, "only", "", "run only targets whose name contains this (e.g. keitaro, write)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of one emulator pass over the targets to this file (client goroutines carry the label side=client)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	dir, err := os.MkdirTemp("", "vendoremu-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := store.Memory
	switch o.db {
	case "memory":
	case "file":
		db = filepath.Join(dir, "bench.db")
	default:
		return fmt.Errorf(`-db must be "file" or "memory", not %q`, o.db)
	}
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{
		Addr:    "127.0.0.1:0",
		DB:      db,
		Vendors: emulators.All(emulators.Config{}),
		Log:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	fmt.Printf("database %s, %d connections\n", o.db, o.clients)
	return ratios(srv.Addr(), o)
}

// ratios runs every selected target against the emulator and the bare
// handler and prints the comparison.
func ratios(addr string, o options) error {
	all, err := targets("http://" + addr)
	if err != nil {
		return err
	}
	var sel []*target
	for _, t := range all {
		if o.only == "" || strings.Contains(t.name, o.only) {
			sel = append(sel, t)
		}
	}
	if len(sel) == 0 {
		return fmt.Errorf("no target matches %q", o.only)
	}
	for _, t := range sel {
		if err := t.capture(addr); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if err := t.startBare(); err != nil {
			return err
		}
		defer t.bare.Close()
	}
	if o.cpuprofile != "" {
		if err := profile(addr, sel, o); err != nil {
			return err
		}
	}
	for r := range o.rounds {
		for _, t := range sel {
			emuFirst := r%2 == 0
			for side := range 2 {
				if (side == 0) == emuFirst {
					res, err := load(addr, t, o.clients, o.duration)
					if err != nil {
						return fmt.Errorf("%s: %w", t.name, err)
					}
					t.emu = append(t.emu, res)
				} else {
					res, err := load(t.bare.Addr().String(), t, o.clients, o.duration)
					if err != nil {
						return fmt.Errorf("%s (bare): %w", t.name, err)
					}
					t.bareRes = append(t.bareRes, res)
				}
			}
		}
	}
	fmt.Printf("%d rounds of %v per target and side; medians\n\n", o.rounds, o.duration)
	fmt.Printf("%-18s %10s %10s %6s   %9s %9s %6s   %8s %8s %6s\n", "target", "emulator/s", "bare/s", "ratio",
		"emu p99", "bare p99", "p99 ×", "emu CPU", "bare CPU", "ratio")
	for _, t := range sel {
		e, b := median(t.emu), median(t.bareRes)
		fmt.Printf("%-18s %10.0f %10.0f %5.2f×   %9v %9v %5.2f×   %6.0fµs %6.0fµs %5.2f×\n", t.name, e.rps, b.rps, e.rps/b.rps,
			e.p99.Round(time.Microsecond), b.p99.Round(time.Microsecond), float64(e.p99)/float64(b.p99),
			us(e.cpu), us(b.cpu), float64(b.cpu)/float64(e.cpu))
	}
	fmt.Println("\nratio: emulator throughput / bare throughput; p99 ×: emulator p99 / bare p99; CPU: process CPU time")
	fmt.Println("per request (the load client included), and bare CPU / emulator CPU: the throughput ratio on idle cores.")
	return nil
}

// profile writes a CPU profile of one emulator pass over the targets.
func profile(addr string, sel []*target, o options) error {
	f, err := os.Create(o.cpuprofile)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	for _, t := range sel {
		if _, err := load(addr, t, o.clients, o.duration); err != nil {
			return err
		}
	}
	return nil
}

// result is one side's run of one target.
type result struct {
	rps float64
	p99 time.Duration
	cpu time.Duration // process CPU time per request, client included
}

// median is the median of each figure on its own.
func median(rs []result) result {
	rps := make([]float64, len(rs))
	p99 := make([]time.Duration, len(rs))
	cpu := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p99[i], cpu[i] = r.rps, r.p99, r.cpu
	}
	slices.Sort(rps)
	slices.Sort(p99)
	slices.Sort(cpu)
	return result{rps[len(rps)/2], p99[len(p99)/2], cpu[len(cpu)/2]}
}

// percentile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
