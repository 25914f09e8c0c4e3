//go:build !linux

package main

// releaseStartupPages gives back the start-up pages of the executable on
// Linux (see memory_linux.go); elsewhere it does nothing.
func releaseStartupPages() {}
