//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// releaseStartupPages takes out of the process the pages of its own
// executable that start-up touched — migrations, every vendor's routes and
// OpenAPI documents, the defaults, SQLite's schema parsing: code and
// read-only data an idle emulator does not run again, which otherwise stay
// resident (two thirds of an idle emulator's RSS). MADV_DONTNEED on a
// read-only mapping of a file only drops the process's page-table entries:
// the pages stay in the OS page cache, so the code the next requests run
// comes back with minor faults, and the next emulator started finds the
// file cached. A mapping holding private copies of its pages (the
// read-only data a C linker's start-up code relocated; a Go executable has
// none) is left alone: those copies have no file to come back from.
func releaseStartupPages() {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return
	}
	defer pagemap.Close()
	page := uint64(os.Getpagesize())
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode path
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || string(f[5]) != exe || bytes.IndexByte(f[1], 'w') >= 0 {
			continue
		}
		lo, hi, _ := bytes.Cut(f[0], []byte{'-'})
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start || privateCopies(pagemap, start/page, end/page) {
			continue
		}
		unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), unix.MADV_DONTNEED) //nolint:errcheck // advice only
	}
}

// privateCopies reports whether a page from first to end (page numbers) is
// a private copy — resident and not a page of the file (bit 63 present,
// bit 61 file or shared), or swapped out (bit 62: only a private copy goes
// to swap, and DONTNEED would throw it away); see the kernel's
// Documentation/admin-guide/mm/pagemap.rst — or whether that cannot be
// told.
func privateCopies(pagemap *os.File, first, end uint64) bool {
	buf := make([]byte, 8*(end-first))
	if n, err := pagemap.ReadAt(buf, int64(8*first)); err != nil || n != len(buf) {
		return true
	}
	for i := 0; i < len(buf); i += 8 {
		flags := buf[i+7]                                          // bits 56-63, little-endian
		if flags&0x80 != 0 && flags&0x20 == 0 || flags&0x40 != 0 { // 63 without 61, or 62
			return true
		}
	}
	return false
}
