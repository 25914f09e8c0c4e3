//go:build unix

package vtest

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used (user and system): per
// request or per row, a steadier figure for a benchmark than wall time on
// a machine that other work shares. (Zero where getrusage is missing: the
// package is part of every build of emulatortest, on Windows too.)
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
