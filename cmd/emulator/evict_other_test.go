//go:build !linux

package main

// evictFromPageCache is Linux's only (see evict_linux_test.go).
func evictFromPageCache(string) error { return nil }
