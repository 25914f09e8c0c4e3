package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:8080" || c.db != "vendoremu.db" || c.logFormat != "text" || c.vendors.Keitaro.Dialect != "classic" ||
		len(c.vendorAddrs) != 0 || c.adminToken != "" || c.seed != "" || c.vendors.Twipla.MoveErrors != 500 || c.dbShared {
		t.Fatalf("%+v", c)
	}
}

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	e := env(map[string]string{
		"EMULATOR_ADDR": "0.0.0.0:9000", "EMULATOR_DB": ":memory:", "EMULATOR_SEED": "seed.json",
		"EMULATOR_KEITARO_ADDR": ":9001", "EMULATOR_LOG": "json", "EMULATOR_ADMIN_TOKEN": "t",
		"EMULATOR_KEITARO_DIALECT": "modern", "EMULATOR_TWIPLA_IGNORE_EXPIRY": "1", "EMULATOR_JUSTCLICK_IP_LIMIT": "3",
		"EMULATOR_TWIPLA_MOVE_ERRORS": "400", "EMULATOR_DB_SHARED": "1",
	})
	c, err := parseConfig(nil, e)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "0.0.0.0:9000" || c.db != ":memory:" || c.seed != "seed.json" || c.vendorAddrs["keitaro"] != ":9001" ||
		c.logFormat != "json" || c.adminToken != "t" || c.vendors.Keitaro.Dialect != "modern" ||
		!c.vendors.Twipla.IgnoreExpiry || c.vendors.JustClick.IPLimit != 3 || c.vendors.Twipla.MoveErrors != 400 || !c.dbShared {
		t.Fatalf("%+v", c)
	}
	// A flag wins over the environment.
	c, err = parseConfig([]string{"-addr", "127.0.0.1:7000", "-twipla-addr", ":9005", "-twipla-move-errors", "500"}, e)
	if err != nil || c.addr != "127.0.0.1:7000" || c.vendorAddrs["twipla"] != ":9005" || c.vendors.Twipla.MoveErrors != 500 {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-justclick-ip-limit", "x"}, {"-twipla-ignore-expiry", "2"}, {"-db-shared", "yes"}} {
		if _, err := parseConfig(args, env(nil)); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for _, v := range []string{"404", "", "5OO"} {
		if _, err := parseConfig([]string{"-twipla-move-errors", v}, env(nil)); err == nil ||
			!strings.Contains(err.Error(), "EMULATOR_TWIPLA_MOVE_ERRORS") {
			t.Errorf("-twipla-move-errors %q: %v", v, err)
		}
	}
	if _, err := newLogger("xml", "info"); err == nil {
		t.Error("log format xml accepted")
	}
	if _, err := newLogger("text", "loud"); err == nil {
		t.Error("log level loud accepted")
	}
}

func TestConfigLimits(t *testing.T) {
	c, err := parseConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	l := c.limits
	if l.journal.MaxEntries != 10000 || l.journal.MaxBytes != 64<<20 || l.server.MaxHeaderBytes != 64<<10 ||
		l.server.MaxConns != 1024 || l.server.ReadTimeout != time.Minute || l.server.IdleTimeout != 2*time.Minute ||
		l.shutdownTimeout != 15*time.Second || len(l.allowedHosts) != 0 || len(l.outbound.Allow) != 0 {
		t.Fatalf("defaults %+v", l)
	}
	c, err = parseConfig([]string{"-max-conns", "64"}, env(map[string]string{
		"EMULATOR_JOURNAL_MAX_ENTRIES": "50", "EMULATOR_JOURNAL_MAX_BYTES": "1048576", "EMULATOR_MAX_HEADER_BYTES": "8192",
		"EMULATOR_MAX_CONNS": "10", "EMULATOR_READ_TIMEOUT": "5s", "EMULATOR_IDLE_TIMEOUT": "1m", "EMULATOR_SHUTDOWN_TIMEOUT": "3s",
		"EMULATOR_ALLOWED_HOSTS": "vendoremu:8080, emu.internal", "EMULATOR_OUTBOUND_ALLOW": "169.254.170.2, 169.254.0.0/16",
	}))
	if err != nil {
		t.Fatal(err)
	}
	l = c.limits
	if l.journal.MaxEntries != 50 || l.journal.MaxBytes != 1<<20 || l.server.MaxHeaderBytes != 8192 || l.server.MaxConns != 64 ||
		l.server.ReadTimeout != 5*time.Second || l.server.IdleTimeout != time.Minute || l.shutdownTimeout != 3*time.Second ||
		strings.Join(l.allowedHosts, "|") != "vendoremu:8080|emu.internal" ||
		len(l.outbound.Allow) != 2 || l.outbound.Allow[0].String() != "169.254.170.2/32" {
		t.Fatalf("%+v", l)
	}
	for _, bad := range []map[string]string{
		{"EMULATOR_JOURNAL_MAX_BYTES": "64MB"}, {"EMULATOR_MAX_CONNS": "0"}, {"EMULATOR_READ_TIMEOUT": "60"},
		{"EMULATOR_SHUTDOWN_TIMEOUT": "-1s"}, {"EMULATOR_OUTBOUND_ALLOW": "metadata.internal"},
	} {
		if _, err := parseConfig(nil, env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
