//go:build cgo

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// The store's direct uses of mattn/go-sqlite3, which is C and needs cgo;
// sqlite_nocgo.go stands in for this file when cgo is off.

// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure, which vendors map to their "already exists" answers.
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique ||
			se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// IsConstraintViolation reports whether err is any constraint failure
// (UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK, NOT NULL): data that does not
// fit what is stored, which a seed document reports as its own problem.
func IsConstraintViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint
}

// isLocked reports whether err is SQLite finding the database busy or
// locked by another connection.
func isLocked(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// backup copies src's main database over dst's with SQLite's online
// backup, holding one connection of each for the copy. copied, if not nil,
// runs once the copy has ended (finished or not), while dst's connection
// is still held: on the store's writer, no write sees the new pages before
// it has run.
func backup(ctx context.Context, dst, src *sql.DB, copied func()) error {
	dc, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	if dst == src {
		return errors.New("store: backup onto itself")
	}
	sc, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	if copied != nil {
		defer copied()
	}
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			dconn, ok1 := d.(*sqlite3.SQLiteConn)
			sconn, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("store: not a SQLite connection")
			}
			bk, err := dconn.Backup("main", sconn, "main")
			if err != nil {
				return err
			}
			for {
				done, err := bk.Step(-1)
				if err != nil || done {
					if ferr := bk.Finish(); err == nil {
						err = ferr
					}
					return err
				}
				// Busy or locked: another connection holds the source or
				// the destination for a moment.
				select {
				case <-ctx.Done():
					bk.Finish()
					return ctx.Err()
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
	})
}

// writerConnected prepares a new write connection: the function the watch
// triggers call, and the triggers on the tables that exist already (a
// connection opened again after the first has them at once; the first gets
// them from installWatches once the tables are made).
func (s *Store) writerConnected(c *sqlite3.SQLiteConn) error {
	if err := c.RegisterFunc(changeFunc, s.watchedChanged, false); err != nil {
		return err
	}
	if _, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", mmapBytes), nil); err != nil {
		return err
	}
	// The log is copied back by the checkpointer (checkpoint.go); the
	// writer's own checkpoint is the backstop.
	if _, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", checkpointBackup), nil); err != nil {
		return err
	}
	// A log that one big transaction grew (a million clicks loaded at once
	// leave ~340 MB) is cut back when it starts over, to what a log under
	// steady writes reaches anyway: without a limit SQLite keeps the file
	// at its largest until the emulator stops.
	if _, err := c.Exec(fmt.Sprintf("PRAGMA journal_size_limit = %d", logSizeLimit), nil); err != nil {
		return err
	}
	stmts, err := s.watchStatements(func(query string, args ...any) (int64, error) {
		vals := make([]driver.Value, len(args))
		for i, a := range args {
			vals[i] = a
		}
		rows, err := c.Query(query, vals)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := []driver.Value{int64(0)}
		if err := rows.Next(n); err != nil {
			return 0, err
		}
		v, _ := n[0].(int64)
		return v, nil
	})
	if err != nil {
		return err
	}
	for _, q := range stmts {
		if _, err := c.Exec(q, nil); err != nil {
			return err
		}
	}
	return nil
}

// readerConnected prepares a read connection.
func readerConnected(c *sqlite3.SQLiteConn) error {
	_, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", mmapBytes), nil)
	return err
}

// endTransaction rolls back a driver connection left in a transaction,
// or reports it bad (database/sql then closes it instead of pooling it).
func endTransaction(dc any) error {
	c, ok := dc.(*sqlite3.SQLiteConn)
	if !ok || c.AutoCommit() {
		return nil
	}
	c.Exec("ROLLBACK", nil) //nolint:errcheck // checked below
	if !c.AutoCommit() {
		return driver.ErrBadConn
	}
	return nil
}
