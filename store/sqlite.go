package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"time"

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

// noMutex opens connections without SQLite's per-connection mutex, which
// every sqlite3_step and sqlite3_column_* call takes and gives back (a
// TWIPLA package list, 6 rows of 18 columns, made some 300 such calls;
// without them its read measured 14% less CPU). database/sql lets one
// goroutine at a time use a connection and its statements, which is all
// SQLite's multi-thread mode asks. No prepared statement outlives the
// use of its connection, where the driver's finalizer could close it from
// another goroutine: the store makes no database/sql Stmt, and closes the
// driver statement InsertRows prepares, and the driver rows RawQuery reads,
// before it gives the connection back.
const noMutex = "_mutex=no"

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
// process finds the database locked. busy is how long a statement waits
// for a lock another connection holds.
func dsn(path string, shared bool, busy time.Duration) string {
	vfs := "vfs=unix-excl&"
	if shared {
		vfs = ""
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?" + vfs + "_journal_mode=WAL&_busy_timeout=" + strconv.FormatInt(busy.Milliseconds(), 10) + "&_foreign_keys=on&_synchronous=NORMAL" +
		"&" + noMutex + "&_stmt_cache_size=" + strconv.Itoa(stmtCacheSize) +
		"&_cache_size=-" + strconv.Itoa(pageCacheKiB)
}

// openPools opens the writer (one connection: every write is serialised
// there) and the readers on the database file at path.
func (s *Store) openPools(path string) error {
	if err := alone(path, s.shared); err != nil {
		return err
	}
	common := dsn(path, s.shared, busyTimeout)
	s.ckpt.store, s.ckpt.dsn = s, common+"&_txlock=deferred"
	s.writer = keepOpen(sql.OpenDB(&connector{common + "&_txlock=immediate", &sqlite3.SQLiteDriver{ConnectHook: s.writerConnected}}), 1)
	s.reader = keepOpen(sql.OpenDB(&connector{common + "&_txlock=deferred&_query_only=true", &sqlite3.SQLiteDriver{ConnectHook: readerConnected}}), readers)
	return nil
}

// busyTimeout is how long a statement of the store waits for a lock held
// by another connection (the checkpointer's, another process's when the
// file is shared).
const busyTimeout = 10 * time.Second

// keepOpen makes db a pool of n connections that stay open while the store
// is: a connection holds its prepared statements and page cache (and, in
// memory, the database itself).
func keepOpen(db *sql.DB, n int) *sql.DB {
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db
}

// openMemory opens Memory: one in-memory connection, which every read
// and write shares and which is never closed while the store is open. (A
// pool of readers beside the writer, on a private temporary file or
// SQLite's memdb, was measured: reads gain a little, and the CI shape —
// many short tests, each creating and resetting a tenant — lost a third
// to the extra locking and log writes, so memory stays one connection.)
func (s *Store) openMemory() error {
	db := keepOpen(sql.OpenDB(&connector{"file::memory:?" + noMutex + "&_foreign_keys=on&_txlock=immediate&_stmt_cache_size=" + strconv.Itoa(stmtCacheSize),
		&sqlite3.SQLiteDriver{ConnectHook: s.writerConnected}}), 1)
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

// alone checks, within a second, that this process may open the database
// file at path as the store will: a file another process holds (locked
// for itself, or open while this store wants it alone) would otherwise
// make the start wait for the busy timeout, more than once, and fail
// without saying why.
func alone(path string, shared bool) error {
	db := sql.OpenDB(&connector{dsn(path, shared, time.Second), &sqlite3.SQLiteDriver{}})
	defer db.Close()
	var n int
	err := db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n)
	if isLocked(err) {
		how := "the emulator keeps its database file to itself unless started with EMULATOR_DB_SHARED=1"
		if shared {
			how = "a process that keeps it to itself: another emulator started without EMULATOR_DB_SHARED=1"
		}
		return fmt.Errorf("open database %s: %w (another process has it open: %s)", path, err, how)
	}
	// Any other error is the store's to report, as it opens the file.
	return nil
}
