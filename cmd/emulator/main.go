// Command emulator serves the five vendor emulators (Hitsteps, MouseStats,
// Keitaro, JustClick, TWIPLA 3AS) and the /_emulator control plane.
//
// Configuration comes from flags or EMULATOR_* environment variables (a flag
// wins); run with -h for the list.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
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
	if cfg.healthcheck {
		return healthcheck(cfg.addr)
	}
	log, err := newLogger(cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := server.New(ctx, server.Config{
		Addr:        cfg.addr,
		VendorAddrs: cfg.vendorAddrs,
		DB:          cfg.db,
		SeedFile:    cfg.seed,
		AdminToken:  cfg.adminToken,
		Version:     version,
		Log:         log,
		Vendors:     emulators.All(cfg.vendors),
	})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		return err
	}
	for _, name := range emulators.Names() {
		if addr := srv.VendorAddr(name); addr != "" {
			log.Info("vendor listener", "vendor", name, "url", "http://"+addr)
		}
	}
	fmt.Printf("vendoremu ready on http://%s\n", srv.Addr())

	<-ctx.Done()
	stop() // a second signal kills the process at once
	log.Info("shutting down: letting in-flight requests finish")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
