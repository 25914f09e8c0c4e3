//go:build !unix

package vtest

import "time"

// CPUTime is zero here: this system has no getrusage (see cpu_unix.go).
func CPUTime() time.Duration { return 0 }
