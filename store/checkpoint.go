package store

import (
	"database/sql"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// Checkpoints off the write path. SQLite copies the write-ahead log back
// into the database file (a checkpoint) from inside the COMMIT that takes
// the log past wal_autocheckpoint pages: that commit copies every page
// changed since the last one and syncs both files while every other writer
// waits behind it — a few milliseconds, once in some tens of commit groups;
// under load, commits of more than a millisecond were half of all the time
// the writer spent committing. Here a goroutine of the store's own, on a
// connection of its own, copies the log in the background (PASSIVE: it
// never blocks the writer) about every checkpointCopy pages: how many
// commit groups that takes is learnt from each copy, as
// every copy costs two syncs and copies again the pages every commit
// touches (measured: a copy every 16 groups took a fifth more CPU per write
// than SQLite's own checkpoints).
//
// The log starts over (SQLite writes it from its beginning again instead
// of growing it) only at a write transaction that began when every page of
// the log had been copied — which, under a steady stream of commits, a
// background copy almost never leaves behind it. So once the log is past
// checkpointRestart pages, the writer that ends the next commit group
// copies the few pages committed since the background copy, on the write
// connection, before the next group begins; that group starts the log
// over. That copy holds every writer off for its two syncs: 1.1 ms alone,
// 2–28 ms in the CI shape on a loaded machine, where restarting at every
// 1,000 pages held the writer 2–3% of the time (BenchmarkCIShape/file,
// traced) — a share of every write's p99. Restarting at 4,000 pages did
// it 4–10 times per 1,000 tests instead of 14–23, and the log still fits
// one of the wal-index's hash tables (4,096 frames), which every read of a
// page searches. The writer's own automatic checkpoint stays, at
// checkpointBackup pages, should the goroutine fall behind. Durability does not change: a
// checkpoint copies committed pages only, and the log and the database
// survive the process being killed at any point of it.
const (
	checkpointCopy    = 1000  // pages: SQLite's own wal_autocheckpoint default
	checkpointRestart = 4000  // pages
	checkpointBackup  = 10000 // pages: the write connection's wal_autocheckpoint
	// The commit groups between two background copies start at
	// checkpointFirst and stay within [checkpointMin, checkpointMax].
	checkpointFirst, checkpointMin, checkpointMax = 16, 4, 4096
	// logSizeLimit is the log's size, in bytes, past which it is cut back
	// when it starts over (PRAGMA journal_size_limit): checkpointBackup
	// frames of a 4 KiB page and its 24-byte header, and the log's own
	// 32-byte header.
	logSizeLimit = checkpointBackup*(4096+24) + 32
)

// checkpointer runs the background checkpoints of a database file.
type checkpointer struct {
	store *Store
	dsn   string

	// groups counts the commit groups since the last kick; the writer
	// changes it under Store.wmu. every is how many groups the next kick
	// waits for, which the checkpointer adjusts. finish is set when the
	// log should start over: the next writer to end a group copies what is
	// left.
	groups int
	every  atomic.Int64
	finish atomic.Bool
	// last is the size of the log at the last background copy (only the
	// checkpointer's goroutine uses it).
	last int

	w  worker
	db *sql.DB // opened when the worker starts
}

// committed is called by the writer after each commit group, holding
// Store.wmu, with no transaction open: it copies what the background left
// when the log should start over, and every c.every groups (checkpointFirst
// at the start) it wakes the checkpointer.
func (c *checkpointer) committed() {
	if c.dsn == "" {
		return // an in-memory database has no log
	}
	if c.finish.CompareAndSwap(true, false) {
		// An error (busy: a reader's snapshot holds pages back) leaves
		// the log to grow until the next try.
		var busy, log, copied int
		err := c.store.writer.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied)
		if err != nil || busy != 0 {
			c.finish.Store(true) // try again at the next commit
		}
	}
	c.groups++
	every := c.every.Load()
	if every == 0 {
		every = checkpointFirst
		c.every.Store(every)
	}
	if int64(c.groups) < every {
		return
	}
	c.groups = 0
	c.w.wake(c.open, c.run)
}

// open opens the checkpointer's connection, before its first checkpoint.
func (c *checkpointer) open() {
	c.db = keepOpen(sql.OpenDB(&connector{c.dsn, &sqlite3.SQLiteDriver{}}), 1)
}

// halt stops the checkpointer, waits for a checkpoint in progress and
// closes its connection.
func (c *checkpointer) halt() error {
	if !c.w.halt() {
		return nil
	}
	return c.db.Close()
}

func (c *checkpointer) run(kicks, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-kicks:
		}
		if c.finish.Load() {
			continue // the writer's turn: a copy here would hold it off
		}
		// An error (the database busy, or closing) is left to the next
		// kick, and to the writer's own checkpoint.
		var busy, log, copied int
		err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied)
		if err != nil || busy != 0 {
			continue
		}
		// Aim the next copy at about checkpointCopy new pages.
		added := log - c.last
		if log < c.last {
			added = log // the log started over since
		}
		c.last = log
		switch every := c.every.Load(); {
		case added < checkpointCopy/2:
			c.every.Store(min(every*2, checkpointMax))
		case added > 2*checkpointCopy:
			c.every.Store(max(every/2, checkpointMin))
		}
		if log >= checkpointRestart {
			c.finish.Store(true)
			c.last = 0 // the log starts over
		}
	}
}
