package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/emulators"
)

// config is what the command line and the environment say.
type config struct {
	addr        string
	db          string
	seed        string
	vendorAddrs map[string]string
	logFormat   string
	logLevel    string
	adminToken  string
	vendors     emulators.Config
	healthcheck bool
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
	fs.StringVar(&c.seed, "seed", env("EMULATOR_SEED", ""), "seed document `file` loaded at start (EMULATOR_SEED)")
	fs.StringVar(&c.logFormat, "log", env("EMULATOR_LOG", "text"), "log `format`: text or json (EMULATOR_LOG)")
	fs.StringVar(&c.logLevel, "log-level", env("EMULATOR_LOG_LEVEL", "info"), "log `level`: debug, info, warn or error (EMULATOR_LOG_LEVEL)")
	fs.StringVar(&c.adminToken, "admin-token", env("EMULATOR_ADMIN_TOKEN", ""), "bearer `token` required on /_emulator/* (EMULATOR_ADMIN_TOKEN)")
	fs.BoolVar(&c.healthcheck, "healthcheck", false, "check the health of the emulator running at -addr and exit (for container health checks)")
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
	for name, a := range addrs {
		if *a != "" {
			c.vendorAddrs[name] = *a
		}
	}
	switch *ignoreExpiry {
	case "1", "true":
		c.vendors.Twipla.IgnoreExpiry = true
	case "0", "false", "":
	default:
		return c, fmt.Errorf("EMULATOR_TWIPLA_IGNORE_EXPIRY must be 0 or 1, got %q", *ignoreExpiry)
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
