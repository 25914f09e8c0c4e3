package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Connection settings. Statements are prepared once per connection and
// kept (the driver's LRU cache; a tenant-scoped query's text is the same
// for every tenant, see Scoped). Pages are read through a memory map, which
// every connection shares with the OS page cache, on top of a modest
// private page cache per connection.
const (
	stmtCacheSize = 256
	pageCacheKiB  = 16 << 10  // PRAGMA cache_size, per connection
	mmapBytes     = 256 << 20 // PRAGMA mmap_size
	readers       = 8         // concurrent read connections
)

// connector opens connections of one pool (the writer or the readers) with
// the store's hooks installed, without registering a driver globally.
type connector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.driver }

// dsn is the data source name of the database file at path: WAL, foreign
// keys, the statement cache and the page caches; synchronous NORMAL (a
// commit survives the process being killed; only a power loss may take the
// last ones). Unless shared, SQLite's unix-excl VFS holds the file for this
// process alone and keeps the log's index in its memory: a transaction then
// takes no file locks (two fcntl calls a read, slow on a VM), and a second
// process finds the database locked.
func dsn(path string, shared bool) string {
	vfs := "vfs=unix-excl&"
	if shared {
		vfs = ""
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?" + vfs + "_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL" +
		"&_stmt_cache_size=" + strconv.Itoa(stmtCacheSize) +
		"&_cache_size=-" + strconv.Itoa(pageCacheKiB)
}

// openPools opens the writer (one connection: every write is serialised
// there) and the readers on the database file at path.
func (s *Store) openPools(path string) error {
	common := dsn(path, s.shared)
	if !s.shared {
		if err := alone(common); err != nil {
			return fmt.Errorf("open database %s: %w (another process has it open; the emulator keeps its database "+
				"file to itself unless started with EMULATOR_DB_SHARED=1)", path, err)
		}
	}
	s.ckpt.store, s.ckpt.dsn = s, common+"&_txlock=deferred"
	s.writer = sql.OpenDB(&connector{common + "&_txlock=immediate", &sqlite3.SQLiteDriver{ConnectHook: s.writerConnected}})
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)
	s.reader = sql.OpenDB(&connector{common + "&_txlock=deferred&_query_only=true", &sqlite3.SQLiteDriver{ConnectHook: readerConnected}})
	s.reader.SetMaxOpenConns(readers)
	s.reader.SetMaxIdleConns(readers)
	s.reader.SetConnMaxLifetime(0)
	s.reader.SetConnMaxIdleTime(0)
	return nil
}

// openMemory opens Memory: one in-memory connection, which every read
// and write shares and which is never closed while the store is open. (A
// pool of readers beside the writer, on a private temporary file or
// SQLite's memdb, was measured: reads gain a little, and the CI shape —
// many short tests, each creating and resetting a tenant — lost a third
// to the extra locking and log writes, so memory stays one connection.)
func (s *Store) openMemory() error {
	db := sql.OpenDB(&connector{"file::memory:?_foreign_keys=on&_txlock=immediate&_stmt_cache_size=" + strconv.Itoa(stmtCacheSize),
		&sqlite3.SQLiteDriver{ConnectHook: s.writerConnected}})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s.writer, s.reader = db, db
	return nil
}

// begin takes a connection of db and begins a transaction on it with
// stmt ("BEGIN", "BEGIN IMMEDIATE"). Transactions are statements on a
// connection rather than database/sql's Tx, which costs a goroutine per
// transaction and another per query (to watch contexts these
// transactions do not need).
func begin(ctx context.Context, db *sql.DB, stmt string) (*sql.Conn, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if err := control(conn, stmt); err != nil {
		release(conn)
		return nil, fmt.Errorf("begin: %w", err)
	}
	return conn, nil
}

// control runs a transaction-control statement (BEGIN, COMMIT, ROLLBACK,
// SAVEPOINT, …) without a context to watch.
func control(conn *sql.Conn, stmt string) error {
	_, err := conn.ExecContext(context.Background(), stmt)
	return err
}

// release returns a connection to its pool once its transaction has
// ended. A connection still in a transaction (a ROLLBACK that failed) is
// rolled back, or else closed: the next user must never inherit it.
func release(conn *sql.Conn) {
	conn.Raw(endTransaction) //nolint:errcheck // only ErrBadConn matters, to discard it
	conn.Close()
}

// alone tells whether the database of dsn can be had by this process alone
// within a second: a file another process holds would otherwise make the
// start wait for the busy timeout, more than once, before it failed.
func alone(dsn string) error {
	db := sql.OpenDB(&connector{strings.Replace(dsn, "_busy_timeout=10000", "_busy_timeout=1000", 1), &sqlite3.SQLiteDriver{}})
	defer db.Close()
	var n int
	return db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n)
}
