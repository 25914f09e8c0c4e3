package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/outbound"
	"github.com/vendoremu/vendoremu/server"
)

// config is what the command line and the environment say.
type config struct {
	addr        string
	db          string
	dbShared    bool
	seed        string
	vendorAddrs map[string]string
	logFormat   string
	logLevel    string
	adminToken  string
	vendors     emulators.Config
	healthcheck bool
	version     bool
	// openapi names a document to print ("keitaro", "control.yaml").
	openapi string
	limits  limitsConfig
}

// parseConfig reads flags, falling back to EMULATOR_* variables, then to
// the defaults.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.addr, "addr", env("EMULATOR_ADDR", "127.0.0.1:8080"), "shared listener `address` (EMULATOR_ADDR)")
	fs.StringVar(&c.db, "db", env("EMULATOR_DB", "vendoremu.db"), "SQLite database `file`, or :memory: (EMULATOR_DB)")
	dbShared := fs.String("db-shared", env("EMULATOR_DB_SHARED", "0"),
		"`1` lets other processes (the sqlite3 shell) open the database file while the emulator runs; slower (EMULATOR_DB_SHARED)")
	fs.StringVar(&c.seed, "seed", env("EMULATOR_SEED", ""), "seed document `file` loaded at start (EMULATOR_SEED)")
	fs.StringVar(&c.logFormat, "log", env("EMULATOR_LOG", "text"), "log `format`: text or json (EMULATOR_LOG)")
	fs.StringVar(&c.logLevel, "log-level", env("EMULATOR_LOG_LEVEL", "info"), "log `level`: debug, info, warn or error (EMULATOR_LOG_LEVEL)")
	fs.StringVar(&c.adminToken, "admin-token", env("EMULATOR_ADMIN_TOKEN", ""), "bearer `token` required on /_emulator/* (EMULATOR_ADMIN_TOKEN)")
	fs.BoolVar(&c.healthcheck, "healthcheck", false, "check the health of the emulator running at -addr and exit (for container health checks)")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.StringVar(&c.openapi, "openapi", "", "print the OpenAPI 3.1 `document` of a vendor or of the control plane "+
		"(hitsteps, mousestats, keitaro, justclick, twipla, control; add .yaml for YAML) and exit")
	limits := limitFlags(fs, env)
	c.vendorAddrs = map[string]string{}
	addrs := map[string]*string{}
	for _, name := range emulators.Names() {
		v := strings.ToUpper(name)
		addrs[name] = fs.String(name+"-addr", env("EMULATOR_"+v+"_ADDR", ""),
			"`address` of a "+name+" listener serving its routes without prefix (EMULATOR_"+v+"_ADDR)")
	}
	fs.StringVar(&c.vendors.Keitaro.Dialect, "keitaro-dialect", env("EMULATOR_KEITARO_DIALECT", "classic"),
		"Keitaro answer `dialect`: classic or modern (EMULATOR_KEITARO_DIALECT)")
	ignoreExpiry := fs.String("twipla-ignore-expiry", env("EMULATOR_TWIPLA_IGNORE_EXPIRY", "0"),
		"`1` skips the TWIPLA JWT exp check (EMULATOR_TWIPLA_IGNORE_EXPIRY)")
	moveErrors := fs.String("twipla-move-errors", env("EMULATOR_TWIPLA_MOVE_ERRORS", "500"),
		"HTTP `status` of invalid TWIPLA subscription moves: 500 (today's API) or 400 (EMULATOR_TWIPLA_MOVE_ERRORS)")
	ipLimit := fs.String("justclick-ip-limit", env("EMULATOR_JUSTCLICK_IP_LIMIT", "0"),
		"JustClick AddLeadToGroup opt-ins per client IP, `N`; 0 is off (EMULATOR_JUSTCLICK_IP_LIMIT)")
	fs.SetOutput(io.Discard)
	var err error
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(os.Stdout)
			fmt.Println("Usage: emulator [flags]")
			fs.PrintDefaults()
			os.Exit(0)
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (configuration is flags and EMULATOR_* variables)", fs.Arg(0))
	}
	if c.limits, err = limits.parse(); err != nil {
		return c, err
	}
	for name, a := range addrs {
		if *a != "" {
			c.vendorAddrs[name] = *a
		}
	}
	if c.vendors.Twipla.IgnoreExpiry, err = switchOn("EMULATOR_TWIPLA_IGNORE_EXPIRY", *ignoreExpiry); err != nil {
		return c, err
	}
	if c.dbShared, err = switchOn("EMULATOR_DB_SHARED", *dbShared); err != nil {
		return c, err
	}
	switch *moveErrors {
	case "500", "400":
		c.vendors.Twipla.MoveErrors, _ = strconv.Atoi(*moveErrors)
	default:
		return c, fmt.Errorf("EMULATOR_TWIPLA_MOVE_ERRORS must be 500 or 400, got %q", *moveErrors)
	}
	n, err := strconv.Atoi(*ipLimit)
	if err != nil || n < 0 {
		return c, fmt.Errorf("EMULATOR_JUSTCLICK_IP_LIMIT must be a non-negative integer, got %q", *ipLimit)
	}
	c.vendors.JustClick.IPLimit = n
	return c, nil
}

// newLogger builds the slog logger on stderr (stdout carries the ready line).
func newLogger(format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("EMULATOR_LOG_LEVEL must be debug, info, warn or error, got %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("EMULATOR_LOG must be text or json, got %q", format)
}

// limitsConfig is the security and resource settings (README: "Security and
// limits").
type limitsConfig struct {
	server          server.Limits
	journal         journal.Limits
	allowedHosts    []string
	outbound        outbound.Options
	shutdownTimeout time.Duration
}

// rawLimits holds the limit flags as given, parsed after fs.Parse.
type rawLimits struct {
	journalEntries, journalBytes, headerBytes, maxConns *string
	readTimeout, idleTimeout, shutdownTimeout           *string
	allowedHosts, outboundAllow                         *string
}

func limitFlags(fs *flag.FlagSet, env func(name, def string) string) rawLimits {
	str := func(name, envName, def, usage string) *string {
		return fs.String(name, env(envName, def), usage+" ("+envName+")")
	}
	return rawLimits{
		journalEntries: str("journal-max-entries", "EMULATOR_JOURNAL_MAX_ENTRIES", strconv.Itoa(journal.DefaultMaxEntries),
			"the request journal keeps at most `N` exchanges"),
		journalBytes: str("journal-max-bytes", "EMULATOR_JOURNAL_MAX_BYTES", strconv.FormatInt(journal.DefaultMaxBytes, 10),
			"the request journal keeps at most `N` bytes of recorded text"),
		headerBytes: str("max-header-bytes", "EMULATOR_MAX_HEADER_BYTES", strconv.Itoa(server.DefaultMaxHeaderBytes),
			"largest request line and headers, in `bytes`"),
		maxConns: str("max-conns", "EMULATOR_MAX_CONNS", strconv.Itoa(server.DefaultMaxConns),
			"open connections per listener, `N`"),
		readTimeout: str("read-timeout", "EMULATOR_READ_TIMEOUT", server.DefaultReadTimeout.String(),
			"`duration` to read a whole request, body included"),
		idleTimeout: str("idle-timeout", "EMULATOR_IDLE_TIMEOUT", server.DefaultIdleTimeout.String(),
			"`duration` a kept-alive connection may stay idle"),
		shutdownTimeout: str("shutdown-timeout", "EMULATOR_SHUTDOWN_TIMEOUT", "15s",
			"`duration` from SIGTERM to exit: in-flight requests and deliveries get it, then are cut short"),
		allowedHosts: str("allowed-hosts", "EMULATOR_ALLOWED_HOSTS", "",
			"comma-separated `hosts` (name or name:port; * for any) besides loopback under which /_emulator/* answers without an admin token"),
		outboundAllow: str("outbound-allow", "EMULATOR_OUTBOUND_ALLOW", "",
			"comma-separated `addresses` or CIDR ranges callbacks and postbacks may reach although link-local or cloud metadata"),
	}
}

func (r rawLimits) parse() (limitsConfig, error) {
	var l limitsConfig
	var err error
	positive := func(name, v string) (int64, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%s must be a positive integer, got %q", name, v)
		}
		return n, nil
	}
	duration := func(name, v string) (time.Duration, error) {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%s must be a positive duration such as 60s or 2m, got %q", name, v)
		}
		return d, nil
	}
	var n int64
	if n, err = positive("EMULATOR_JOURNAL_MAX_ENTRIES", *r.journalEntries); err != nil {
		return l, err
	}
	l.journal.MaxEntries = int(min(n, 10_000_000))
	if l.journal.MaxBytes, err = positive("EMULATOR_JOURNAL_MAX_BYTES", *r.journalBytes); err != nil {
		return l, err
	}
	if n, err = positive("EMULATOR_MAX_HEADER_BYTES", *r.headerBytes); err != nil {
		return l, err
	}
	l.server.MaxHeaderBytes = int(min(n, 1<<30))
	if n, err = positive("EMULATOR_MAX_CONNS", *r.maxConns); err != nil {
		return l, err
	}
	l.server.MaxConns = int(min(n, 1<<30))
	if l.server.ReadTimeout, err = duration("EMULATOR_READ_TIMEOUT", *r.readTimeout); err != nil {
		return l, err
	}
	if l.server.IdleTimeout, err = duration("EMULATOR_IDLE_TIMEOUT", *r.idleTimeout); err != nil {
		return l, err
	}
	if l.shutdownTimeout, err = duration("EMULATOR_SHUTDOWN_TIMEOUT", *r.shutdownTimeout); err != nil {
		return l, err
	}
	for _, h := range strings.Split(*r.allowedHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			l.allowedHosts = append(l.allowedHosts, h)
		}
	}
	for _, a := range strings.Split(*r.outboundAllow, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, ipErr := netip.ParseAddr(a)
			if ipErr != nil {
				return l, fmt.Errorf("EMULATOR_OUTBOUND_ALLOW must list IP addresses or CIDR ranges, got %q", a)
			}
			p = netip.PrefixFrom(ip, ip.BitLen())
		}
		l.outbound.Allow = append(l.outbound.Allow, p.Masked())
	}
	return l, nil
}

// switchOn reads a 0-or-1 setting.
func switchOn(name, v string) (bool, error) {
	switch v {
	case "1", "true":
		return true, nil
	case "0", "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%s must be 0 or 1, got %q", name, v)
}
