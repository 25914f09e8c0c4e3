// Package emulators lists the five vendor emulators vendoremu serves.
package emulators

import (
	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/hitsteps"
	"github.com/vendoremu/vendoremu/emulators/justclick"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/emulators/mousestats"
	"github.com/vendoremu/vendoremu/emulators/twipla"
)

// Config is the vendors' own configuration.
type Config struct {
	Hitsteps   hitsteps.Config
	MouseStats mousestats.Config
	Keitaro    keitaro.Config
	JustClick  justclick.Config
	Twipla     twipla.Config
}

// Names returns the vendors' names in the order health lists them.
func Names() []string {
	return []string{hitsteps.Name, mousestats.Name, keitaro.Name, justclick.Name, twipla.Name}
}

// All returns the factories of all five vendors, in the order of Names.
func All(cfg Config) []emu.Factory {
	return []emu.Factory{
		hitsteps.New(cfg.Hitsteps),
		mousestats.New(cfg.MouseStats),
		keitaro.New(cfg.Keitaro),
		justclick.New(cfg.JustClick),
		twipla.New(cfg.Twipla),
	}
}
