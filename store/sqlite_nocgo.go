//go:build !cgo

package store

import (
	"context"
	"database/sql"

	"github.com/mattn/go-sqlite3"
)

// vendoremu needs cgo: set CGO_ENABLED=1 and install gcc.
//
// The emulator keeps its data in SQLite through mattn/go-sqlite3, which is
// C. Built with CGO_ENABLED=0 it would compile against a stub and fail at
// start; this file makes the build itself fail, with the reason as the
// undefined name the compiler reports.
var _ = vendoremu_needs_cgo__set_CGO_ENABLED_1_and_install_gcc

// IsUniqueViolation stands in for the cgo build's.
func IsUniqueViolation(err error) bool { return false }

// IsConstraintViolation stands in for the cgo build's.
func IsConstraintViolation(err error) bool { return false }

func isLocked(error) bool { return false }

func backup(ctx context.Context, dst, src *sql.DB, copied func()) error { return nil }

func (s *Store) writerConnected(*sqlite3.SQLiteConn) error { return nil }

func readerConnected(*sqlite3.SQLiteConn) error { return nil }

func endTransaction(any) error { return nil }

func trimCHeap() {}
