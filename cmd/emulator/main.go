// Command emulator serves the five vendor emulators (Hitsteps, MouseStats,
// Keitaro, JustClick, TWIPLA 3AS) and the /_emulator control plane.
//
// Configuration comes from flags or EMULATOR_* environment variables (a flag
// wins); run with -h for the list.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/server"
)

// healthcheck asks a running emulator at addr whether it is healthy, for
// container health checks in images without curl.
func healthcheck(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/_emulator/health")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: HTTP %d", resp.StatusCode)
	}
	return nil
}

// printDocument writes one OpenAPI document, for the listeners cfg
// configures, to w. It builds the emulator on an in-memory database, so
// no file is touched.
func printDocument(w io.Writer, cfg config) error {
	name, ext, _ := strings.Cut(cfg.openapi, ".")
	if ext != "" && ext != "json" && ext != "yaml" && ext != "yml" {
		return fmt.Errorf("-openapi %s: give a document name, optionally with .json or .yaml", cfg.openapi)
	}
	srv, err := server.New(context.Background(), server.Config{
		Addr:        cfg.addr,
		VendorAddrs: cfg.vendorAddrs,
		DB:          ":memory:",
		Version:     version,
		Vendors:     emulators.All(cfg.vendors),
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	doc := srv.Document(name)
	if doc == nil {
		return fmt.Errorf("-openapi: no document %q; documents: %s, %s", name,
			strings.Join(emulators.Names(), ", "), server.ControlDoc)
	}
	t := srv.DocumentTarget(name, cfg.addr, "")
	var out []byte
	if ext == "yaml" || ext == "yml" {
		out, err = doc.YAML(t)
	} else {
		out, err = doc.JSON(t)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "vendoremu:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		return err
	}
	if cfg.version {
		fmt.Println("vendoremu", version)
		return nil
	}
	if cfg.healthcheck {
		return healthcheck(cfg.addr)
	}
	if cfg.openapi != "" {
		return printDocument(os.Stdout, cfg)
	}
	log, err := newLogger(cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := server.New(ctx, server.Config{
		Addr:         cfg.addr,
		VendorAddrs:  cfg.vendorAddrs,
		DB:           cfg.db,
		DBShared:     cfg.dbShared,
		SeedFile:     cfg.seed,
		AdminToken:   cfg.adminToken,
		Version:      version,
		Log:          log,
		Vendors:      emulators.All(cfg.vendors),
		Journal:      cfg.limits.journal,
		Limits:       cfg.limits.server,
		AllowedHosts: cfg.limits.allowedHosts,
		Outbound:     cfg.limits.outbound,
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while starting (nothing half-written): %w", err)
		}
		return err
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		return err
	}
	log.Info("vendoremu started", startSummary(srv, version, cfg.adminToken != "")...)
	// Start-up (migrations, the vendors' defaults, a seed) leaves garbage
	// an idle emulator would keep resident until the next collection, and
	// code and data of the executable it does not run again; give them
	// back before the wait for the first request.
	srv.Store().ReleaseMemory()
	debug.FreeOSMemory()
	releaseStartupPages()
	fmt.Printf("vendoremu ready on http://%s\n", srv.Addr())

	<-ctx.Done()
	stop() // a second signal kills the process at once
	log.Info("shutting down: letting in-flight requests finish", "limit", cfg.limits.shutdownTimeout.String())
	// The server cuts short what still runs when this context ends, and its
	// teardown (rollback, checkpoint, close) is quick: a small part of the
	// limit is kept for it, so the process exits within the limit.
	grace := cfg.limits.shutdownTimeout - min(time.Second, cfg.limits.shutdownTimeout/10)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// startSummary is the attributes of the one start-up log line: version,
// database (created or reused, tenants), listeners, seed, admin token.
func startSummary(srv *server.Server, version string, token bool) []any {
	info := srv.StartInfo()
	db := "reused"
	if info.DBCreated {
		db = "created"
	}
	if info.DB == ":memory:" {
		db = "in memory"
	}
	listeners := []string{"shared=http://" + srv.Addr()}
	for _, name := range emulators.Names() {
		if addr := srv.VendorAddr(name); addr != "" {
			listeners = append(listeners, name+"=http://"+addr)
		}
	}
	seed := info.Seed
	if seed == "" {
		seed = "none"
	}
	admin := "off"
	if token {
		admin = "on"
	}
	return []any{"version", version, "db", info.DB, "db_state", db, "tenants", info.Tenants,
		"listeners", strings.Join(listeners, " "), "seed", seed, "admin_token", admin}
}
