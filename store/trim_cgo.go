//go:build cgo

package store

// The C library's malloc_trim gives the free memory of its heaps back to
// the OS; glibc has it, other C libraries may not (the weak declaration
// leaves it nil there, and trimming does nothing).

/*
#include <stddef.h>
extern int malloc_trim(size_t) __attribute__((weak));
static void vendoremu_trim(void) { if (malloc_trim) malloc_trim(0); }
*/
import "C"

// trimCHeap returns the C heap's free memory (SQLite's, once it shrank
// its caches) to the OS.
func trimCHeap() { C.vendoremu_trim() }
