// Package store is vendoremu's SQLite storage: one database file (or an
// in-memory database) holding every vendor's tables, opened in WAL mode with
// one writer and concurrent readers. Every vendor row belongs to a tenant;
// Scoped makes the tenant filter part of every query a handler writes.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Memory is the database path that selects an in-memory database.
const Memory = ":memory:"

// Errors the store returns for tenant operations.
var (
	// ErrNoTenant is returned when a tenant key names no tenant of the vendor.
	ErrNoTenant = errors.New("unknown tenant")
	// ErrTenantExists is returned when a tenant key is already taken.
	ErrTenantExists = errors.New("tenant exists")
)

// Store is an open vendoremu database.
type Store struct {
	path   string
	writer *sql.DB // exactly one connection: every write is serialised here
	reader *sql.DB // concurrent read-only connections (the writer, in memory)
	clock  *Clock
	// base is the parent of every write transaction's context; Interrupt
	// cancels it.
	base      context.Context
	interrupt context.CancelFunc
	created   bool

	// wmu is held by the writer whose fn runs; waiting counts the writers
	// queued for it; group is the open commit group (see commit.go).
	wmu     sync.Mutex
	waiting atomic.Int32
	// aloneMu lines up the reads of an in-memory database (readAlone)
	// before they ask database/sql for its one connection: that pool hands
	// a returned connection to the next waiter in turn, which must be woken
	// and scheduled — a switch of goroutines per read under concurrent
	// reads — while a mutex lets a running reader take it at once.
	aloneMu sync.Mutex
	group   *group

	creds   credentials
	watchMu sync.Mutex
	watched []string

	// tables lists, per component, the tables whose name starts with
	// "<component>_"; tenantTables those of them with a tenant_id column.
	// Both are computed once by Migrate and read-only afterwards.
	tables       map[string][]string
	tenantTables map[string][]string

	// commits counts the commits of the write connection, for lazy reads
	// (see Tx.statement).
	commits commitCounter

	// snaps are the snapshots of an in-memory database; generation counts
	// restores (see snapshot.go).
	snaps      snapshots
	generation atomic.Int64

	// binds are the bound forms of scoped queries (see Scoped.bind).
	binds bindings

	// rerunReads is set by RerunReads, before the store is shared.
	rerunReads bool
	// shared is Options.Shared.
	shared bool

	// sweep deletes retired tenants' rows (see retire.go).
	sweep janitor
	// ckpt checkpoints a database file's log (see checkpoint.go).
	ckpt checkpointer
}

// Options are the choices Open makes by default.
type Options struct {
	// Shared lets other processes open the database file while the store
	// has it open (the sqlite3 shell, a second emulator). By default the
	// store locks the file for its own process alone: SQLite then keeps
	// its locks and the log's index in the process instead of taking
	// file locks on every transaction, which measured 9 → 3 µs of CPU
	// for a trivial read on this machine.
	Shared bool
}

// Open opens (creating if needed) the database at path, or an in-memory
// database when path is Memory. The clock is the one every vendor reads.
// The file is locked for this process alone (see Options.Shared).
func Open(path string, clock *Clock) (*Store, error) { return OpenWith(path, clock, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, clock *Clock, o Options) (*Store, error) {
	if clock == nil {
		clock = NewClock(nil)
	}
	s := &Store{path: path, clock: clock, shared: o.Shared}
	s.sweep.init(s)
	s.base, s.interrupt = context.WithCancel(context.Background())
	if path == Memory || path == "" {
		s.path = Memory
		if err := s.openMemory(); err != nil {
			return nil, err
		}
	} else {
		created, err := checkStorage(path)
		if err != nil {
			return nil, err
		}
		s.created = created
		if err := s.openPools(path); err != nil {
			return nil, err
		}
	}
	if err := s.writer.Ping(); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := s.migrateCore(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Write(context.Background(), func(tx *Tx) error { return tx.installWatches() }); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	// A database SQLite could only open read-only fails here, at start,
	// not at the first write a test makes.
	if _, err := s.writer.Exec(`INSERT OR REPLACE INTO store_meta (key, value) VALUES ('opened_at', ?)`,
		time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s cannot be written: %w", path, err)
	}
	return s, nil
}

// Created reports whether Open created the database file (false when it
// reused one, and for an in-memory database).
func (s *Store) Created() bool { return s.created }

// checkStorage tells, before SQLite does in its own words ("unable to open
// database file"), whether the database file and its directory can be
// written — SQLite's write-ahead log puts two more files beside the
// database — and whether the file is new. Its errors name the path and the
// process's user, which is what a user fixes a volume's ownership with.
func checkStorage(path string) (created bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return false, fmt.Errorf("database %s is a directory", path)
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return false, storageError("database file", path, err)
		}
		f.Close()
		created = fi.Size() == 0
	case errors.Is(err, fs.ErrNotExist):
		created = true
	default:
		return false, storageError("database file", path, err)
	}
	dir := filepath.Dir(path)
	probe, err := os.CreateTemp(dir, ".vendoremu-probe-*")
	if err != nil {
		return false, storageError("database directory", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return created, nil
}

func storageError(what, path string, err error) error {
	abs, _ := filepath.Abs(path)
	if abs == "" {
		abs = path
	}
	who := fmt.Sprintf("uid %d, gid %d", os.Getuid(), os.Getgid())
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s %s: permission denied: not writable by this process (%s); "+
			"make it writable by that user, or choose another path with EMULATOR_DB", what, abs, who)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s does not exist; create it, or choose another path with EMULATOR_DB", what, abs)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s %s is on a read-only file system; choose another path with EMULATOR_DB", what, abs)
	}
	return fmt.Errorf("%s %s: %w (%s)", what, abs, err, who)
}

// Path is the database path, or Memory.
func (s *Store) Path() string { return s.path }

// Clock is the emulator clock the store was opened with.
func (s *Store) Clock() *Clock { return s.clock }

// Interrupt cancels every transaction in progress — each is rolled back,
// never half-written — and fails every later one. The server calls it at
// shutdown once in-flight requests have had their time.
func (s *Store) Interrupt() { s.interrupt() }

// Close checkpoints the write-ahead log and closes the database.
func (s *Store) Close() error {
	s.sweep.halt()
	var errs []error
	errs = append(errs, s.ckpt.halt())
	if s.path != Memory && s.writer != nil {
		if _, err := s.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, err)
		}
	}
	if s.reader != nil && s.reader != s.writer {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	s.closeSnapshots()
	s.interrupt()
	return errors.Join(errs...)
}

// ReleaseMemory gives back the memory SQLite holds for pages it read and
// for statements it prepared: the emulator calls it once start-up
// (migrations, defaults, a seed) is done, so that an idle emulator does
// not keep start-up's working set. Connections fill their caches again
// as requests come.
func (s *Store) ReleaseMemory() {
	conns := []*sql.DB{s.writer}
	if s.reader != s.writer {
		conns = append(conns, s.reader)
	}
	for _, db := range conns {
		db.Exec("PRAGMA shrink_memory") //nolint:errcheck // only memory is at stake
	}
	trimCHeap()
}

// Read runs fn in a read-only transaction: a consistent snapshot that never
// waits for the writer. fn must not call Read or Write itself.
//
// fn may run twice: when its statements could have seen two states of the
// database (see Tx.statement), the read is run again from the start, so fn
// must set the variables it fills, not add to what they held.
//
// A read is not cancellable: it is short, and a cancellable context costs
// the driver a goroutine or a callback per statement. Once the store is
// interrupted no read begins.
func (s *Store) Read(ctx context.Context, fn func(tx *Tx) error) error {
	if err := s.base.Err(); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if s.rerunReads {
		fn = twice(fn)
	}
	gen := s.creds.gen.Load()
	if s.reader == s.writer {
		return s.readAlone(gen, fn)
	}
	err := s.read(gen, fn, true)
	if errors.Is(err, errSnapshotMoved) {
		err = s.read(s.creds.gen.Load(), fn, false)
	}
	return err
}

// RerunReads makes every Read run its fn twice in a row, as Read does
// when a write commits during a read on a database file — rarely, and
// only under concurrent writes, which a vendor's tests seldom make. Tests
// turn it on (internal/vtest does) so that a read function that cannot run
// twice — one that consumes or changes its inputs — fails them. Call it
// before the store is shared.
func (s *Store) RerunReads() { s.rerunReads = true }

// twice is fn run twice on the same transaction, the first run's outcome
// (its error, its AfterCommit functions) dropped.
func twice(fn func(tx *Tx) error) func(tx *Tx) error {
	return func(tx *Tx) error {
		_ = fn(tx)
		tx.after = nil
		return fn(tx)
	}
}

// errSnapshotMoved is what a lazily begun read returns when a write
// committed while it ran (see Tx.statement): it runs again.
var errSnapshotMoved = errors.New("store: a write committed during the read")

// read runs fn on a read connection. When lazy is set and no commit is
// under way, the transaction begins only at fn's second statement (see
// Tx.statement); else at once.
func (s *Store) read(gen uint64, fn func(tx *Tx) error, lazy bool) error {
	bg := context.Background()
	conn, err := s.reader.Conn(bg)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{ctx: bg, conn: conn, store: s, gen: gen}
	defer func() {
		if tx.begun {
			control(conn, "ROLLBACK") //nolint:errcheck // release checks the connection
		}
		release(conn)
	}()
	tx.seq = s.commits.started.Load()
	if lazy && tx.seq == s.commits.ended.Load() {
		tx.lazy = true
	} else if err := control(conn, "BEGIN"); err != nil {
		return fmt.Errorf("begin: %w", err)
	} else {
		tx.begun = true
	}
	err = fn(tx)
	if tx.lazy && tx.begun && s.commits.started.Load() != tx.seq {
		return errSnapshotMoved
	}
	if err == nil {
		err = tx.err
	}
	if err != nil {
		return err
	}
	if tx.begun {
		tx.begun = false
		if err := control(conn, "COMMIT"); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	for _, fn := range tx.after {
		fn()
	}
	return nil
}

// readAlone is Read on a database with one connection (Memory): holding
// that connection is a consistent view already — no write can run until
// the read gives it back — so the read needs no BEGIN and COMMIT.
func (s *Store) readAlone(gen uint64, fn func(tx *Tx) error) error {
	bg := context.Background()
	s.aloneMu.Lock()
	defer s.aloneMu.Unlock()
	conn, err := s.reader.Conn(bg)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer release(conn)
	tx := &Tx{ctx: bg, conn: conn, store: s, gen: gen}
	if err := fn(tx); err != nil {
		return err
	}
	for _, fn := range tx.after {
		fn()
	}
	return nil
}

// commitCounter counts the changes to the database the write connection
// makes visible to readers: started is raised before a COMMIT (or a
// restore, which changes the database without one) begins, ended after it
// returned.
type commitCounter struct{ started, ended atomic.Uint64 }

// around runs f, which may make changes visible, counted.
func (c *commitCounter) around(f func() error) error {
	c.started.Add(1)
	defer c.ended.Add(1)
	return f()
}

// Tx is one transaction. Its query methods take the context given to Read or
// Write.
type Tx struct {
	ctx   context.Context
	conn  *sql.Conn // in a transaction begun with BEGIN (see begin), or lazily (see statement)
	store *Store
	write bool
	after []func() // see AfterCommit
	// gen is the credential cache's generation when a read began.
	gen uint64

	// A lazy read runs its first statement alone, in SQLite's autocommit
	// mode, and begins a transaction at its second (begun). seq is the
	// count of commits started when the read began; statements counts
	// the statements run; err is a BEGIN that failed in QueryRow.
	lazy, begun bool
	seq         uint64
	statements  int
	err         error
}

// statement runs before each statement of the transaction. Most reads run
// one statement, and one statement is a consistent snapshot of its own:
// a lazy read skips BEGIN and COMMIT for it — two more trips through the
// driver and SQLite, a quarter of the cost of such a read. At the second
// statement it begins the transaction; as the first statement's snapshot
// ended with it (unless its rows are still open), the two saw the same
// database only if no write committed in between. Read checks that when fn
// returns — no commit was started since the read began — and otherwise
// runs fn again in a transaction from the start.
func (t *Tx) statement() error {
	if !t.lazy || t.begun {
		return nil
	}
	t.statements++
	if t.statements == 1 {
		return nil
	}
	if err := control(t.conn, "BEGIN"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t.begun = true
	return nil
}

// Context is the context the transaction's statements run with.
func (t *Tx) Context() context.Context { return t.ctx }

// Now is the emulator clock's current time. Once a request's tenant is
// known, read the tenant's clock instead (Scoped.Now): a tenant may have a
// clock of its own.
func (t *Tx) Now() time.Time { return t.store.clock.Now() }

// The statements of a transaction run without a context for the driver to
// watch: a watched context costs the driver a goroutine, a channel and a
// wake-up per statement. A transaction looks at its own context (the
// store's, which Interrupt cancels) before each statement instead, so an
// interrupted transaction fails at its next statement and is rolled back;
// the statement running at that moment runs to its end.

// Exec runs a statement that returns no rows.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err // interrupted (a connection does not look at its context)
	}
	if err := t.statement(); err != nil {
		return nil, err
	}
	return t.conn.ExecContext(context.Background(), query, args...)
}

// Query runs a query that returns rows.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.statement(); err != nil {
		return nil, err
	}
	return t.conn.QueryContext(context.Background(), query, args...)
}

// QueryRow runs a query that returns at most one row.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	if t.ctx.Err() != nil {
		// Only database/sql makes a Row; a pool given a cancelled context
		// answers with its error before it looks for a connection.
		return t.store.reader.QueryRowContext(t.ctx, query, args...)
	}
	if err := t.statement(); err != nil {
		// The Row fails (with the cancelled context's error, as above);
		// the read fails with err.
		t.err = err
		done, cancel := context.WithCancel(t.ctx)
		cancel()
		return t.store.reader.QueryRowContext(done, query, args...)
	}
	return t.conn.QueryRowContext(context.Background(), query, args...)
}

// Scope returns the view of this transaction that belongs to tenant.
func (t *Tx) Scope(tenant Tenant) Scoped { return Scoped{tx: t, Tenant: tenant} }

// Scoped is a transaction seen through one tenant. Its queries must say
// where the tenant goes by writing the placeholder @tenant (typically
// "WHERE tenant_id = @tenant" or "VALUES (@tenant, ?, …)"); it is bound to
// the tenant's id as a parameter. A query without @tenant is a programming
// error and panics, so a handler cannot forget the tenant filter and pass
// its tests. Other parameters are positional ("?"), never numbered or named.
type Scoped struct {
	tx *Tx
	// Tenant is the tenant every query is scoped to.
	Tenant Tenant
}

// TenantPlaceholder is the token Scoped replaces by the tenant id.
const TenantPlaceholder = "@tenant"

// bind turns the query's @tenant placeholders into bound parameters and
// puts the tenant id among args at their places, so that the text of a
// scoped query is the same for every tenant and its prepared statement is
// reused. Queries use positional "?" parameters only.
func (s Scoped) bind(query string, args []any) (string, []any) {
	if !strings.Contains(query, TenantPlaceholder) {
		panic("store: scoped query without " + TenantPlaceholder + ": " + query)
	}
	b := s.tx.store.binds.bound(query)
	return b.text, b.args(args, s.Tenant.ID)
}

// Tx is the transaction behind the scoped view, for queries that are not
// tenant data (sequences shared by all tenants, the tenants table).
func (s Scoped) Tx() *Tx { return s.tx }

// Now is the current time of the tenant's clock: its own when a test gave
// it one, else the emulator clock.
func (s Scoped) Now() time.Time {
	return s.tx.store.clock.For(s.Tenant.Vendor, s.Tenant.Key).Now()
}

// Exec runs a tenant-scoped statement.
func (s Scoped) Exec(query string, args ...any) (sql.Result, error) {
	q, a := s.bind(query, args)
	return s.tx.Exec(q, a...)
}

// Query runs a tenant-scoped query.
func (s Scoped) Query(query string, args ...any) (*sql.Rows, error) {
	q, a := s.bind(query, args)
	return s.tx.Query(q, a...)
}

// QueryRow runs a tenant-scoped query that returns at most one row.
func (s Scoped) QueryRow(query string, args ...any) *sql.Row {
	q, a := s.bind(query, args)
	return s.tx.QueryRow(q, a...)
}

// QueryPlan is the plan SQLite chooses for a tenant-scoped query, one
// line of EXPLAIN QUERY PLAN per step ("SEARCH t USING INDEX …", "USE TEMP
// B-TREE FOR ORDER BY"): what a test reads to prove that a query a vendor
// runs on every request neither scans nor sorts.
func (s Scoped) QueryPlan(query string, args ...any) ([]string, error) {
	q, a := s.bind(query, args)
	return s.tx.QueryPlan(q, a...)
}

// QueryPlan is Scoped.QueryPlan for a query that names no tenant.
func (tx *Tx) QueryPlan(query string, args ...any) ([]string, error) {
	rows, err := tx.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

func checksum(sqlText string) string {
	sum := sha256.Sum256([]byte(sqlText))
	return hex.EncodeToString(sum[:8])
}
