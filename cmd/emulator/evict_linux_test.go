package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// evictFromPageCache drops the file's pages from the OS page cache (after
// writing them out), so that a process started from it reads its code from
// disk, as the shipped binary starting from an image does. A file the test
// just wrote is in the cache whole, and the kernel may then map all of it
// into a process that touches a part: its resident size would count pages
// it never used.
func evictFromPageCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
