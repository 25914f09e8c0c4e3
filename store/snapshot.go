package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Snapshots: whole-database copies a test suite saves once its fixtures are
// loaded and restores between tests, with SQLite's online backup. They live
// beside the database file, in "<database>.snapshots/<name>.sqlite" (so they
// survive a restart), or in memory for an in-memory database. They hold
// data only: the emulator clock, the tenants' own clocks, the faults and
// the journal live in memory and a restore leaves them as they are.

// Errors of the snapshot operations.
var (
	// ErrNoSnapshot is returned for a snapshot name that has no snapshot.
	ErrNoSnapshot = errors.New("no such snapshot")
	// ErrSnapshotName is returned for a name that is not a valid one.
	ErrSnapshotName = errors.New("a snapshot name is 1-64 characters of A-Z a-z 0-9 . _ -, not starting with . or -")
	// ErrSnapshotSchema is returned when a snapshot was saved by an
	// emulator with other vendor schemas than this one's.
	ErrSnapshotSchema = errors.New("the snapshot was saved with other schema versions than this emulator's")
)

// snapshotName is what a name may be: no separator, no "..", nothing a
// file system treats specially.
var snapshotName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$`)

// SnapshotInfo describes a saved snapshot.
type SnapshotInfo struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created_at"`
	Bytes   int64     `json:"bytes"`
}

// snapshots are the in-memory snapshots of an in-memory database.
type snapshots struct {
	mu  sync.Mutex
	mem map[string]*memSnapshot
}

type memSnapshot struct {
	db      *sql.DB
	created time.Time
}

// snapshotDir is where a file database keeps its snapshots.
func (s *Store) snapshotDir() string { return s.path + ".snapshots" }

func (s *Store) snapshotFile(name string) string {
	return filepath.Join(s.snapshotDir(), name+".sqlite")
}

// openMemSnapshot opens an empty private in-memory database for one
// snapshot; it lives as long as its one connection.
func openMemSnapshot() (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:snapshot?mode=memory")
	if err != nil {
		return nil, err
	}
	return keepOpen(db, 1), nil
}

// openFileSnapshot opens a snapshot file (created when create is set).
func openFileSnapshot(path string, create bool) (*sql.DB, error) {
	mode := "ro"
	if create {
		mode = "rwc"
	}
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode="+mode+"&_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// SaveSnapshot copies the whole database into the snapshot name, replacing
// one of that name. Writes wait while it copies; reads go on.
func (s *Store) SaveSnapshot(ctx context.Context, name string) (SnapshotInfo, error) {
	if !snapshotName.MatchString(name) {
		return SnapshotInfo{}, ErrSnapshotName
	}
	if s.path == Memory {
		dst, err := openMemSnapshot()
		if err != nil {
			return SnapshotInfo{}, err
		}
		if err := backup(ctx, dst, s.writer, nil); err != nil {
			dst.Close()
			return SnapshotInfo{}, err
		}
		snap := &memSnapshot{db: dst, created: time.Now().UTC()}
		s.snaps.mu.Lock()
		if s.snaps.mem == nil {
			s.snaps.mem = map[string]*memSnapshot{}
		}
		old := s.snaps.mem[name]
		s.snaps.mem[name] = snap
		s.snaps.mu.Unlock()
		if old != nil {
			old.db.Close()
		}
		return memInfo(ctx, name, snap)
	}
	if err := os.MkdirAll(s.snapshotDir(), 0o755); err != nil {
		return SnapshotInfo{}, fmt.Errorf("snapshot directory: %w", err)
	}
	// Written under a temporary name and renamed, so that a snapshot is
	// never seen half-copied and a failed save keeps the old one.
	tmp := s.snapshotFile(name) + ".tmp"
	removeDB(tmp)
	dst, err := openFileSnapshot(tmp, true)
	if err != nil {
		return SnapshotInfo{}, err
	}
	err = backup(ctx, dst, s.writer, nil)
	if err == nil {
		// One self-contained file: no write-ahead log beside it.
		_, err = dst.ExecContext(ctx, `PRAGMA journal_mode = DELETE`)
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		removeDB(s.snapshotFile(name))
		err = os.Rename(tmp, s.snapshotFile(name))
	}
	if err != nil {
		removeDB(tmp)
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", name, err)
	}
	return fileInfo(s.snapshotFile(name), name)
}

// RestoreSnapshot replaces the whole database by the snapshot name. It
// waits for the write in progress and holds the others until it is done;
// reads in progress finish on the data they began with. Nothing else
// changes: clocks, faults and journal are not in the database.
func (s *Store) RestoreSnapshot(ctx context.Context, name string) error {
	if !snapshotName.MatchString(name) {
		return ErrSnapshotName
	}
	var src *sql.DB
	if s.path == Memory {
		// Held through the copy, so that a concurrent delete or save does
		// not close the snapshot under it.
		s.snaps.mu.Lock()
		defer s.snaps.mu.Unlock()
		snap := s.snaps.mem[name]
		if snap == nil {
			return ErrNoSnapshot
		}
		src = snap.db
	} else {
		path := s.snapshotFile(name)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return ErrNoSnapshot
		}
		db, err := openFileSnapshot(path, false)
		if err != nil {
			return err
		}
		defer db.Close()
		src = db
	}
	if err := s.sameSchemas(ctx, src); err != nil {
		return err
	}
	// The copy replaces pages, not rows: no watch trigger fires, so the
	// credential cache is emptied here, and the generation changes, both
	// before the writer is free again (a write that begins after the copy
	// — the janitor's — sees the new generation) and also when the copy
	// failed half-way (it may have copied some pages).
	restored := func() {
		s.forgetCredentials()
		s.generation.Add(1)
	}
	if err := s.commits.around(func() error { return backup(ctx, s.writer, src, restored) }); err != nil {
		return fmt.Errorf("restore snapshot %s: %w", name, err)
	}
	// A snapshot an older version saved lacks the store's newer columns.
	if err := s.migrateCore(); err != nil {
		return fmt.Errorf("restore snapshot %s: %w", name, err)
	}
	// The snapshot may hold tenants retired before it was taken.
	s.sweep.rescan()
	return nil
}

// Generation counts the restores: anything kept in memory beside the
// database (a cache of its rows) is stale once it changes.
func (s *Store) Generation() int64 { return s.generation.Load() }

// sameSchemas checks that a snapshot holds the vendor schemas this store
// was migrated to; another version's tables would not be read back right.
func (s *Store) sameSchemas(ctx context.Context, snap *sql.DB) error {
	read := func(db *sql.DB) (map[string]string, error) {
		rows, err := db.QueryContext(ctx, `SELECT component, checksum FROM schema_versions`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var c, sum string
			if err := rows.Scan(&c, &sum); err != nil {
				return nil, err
			}
			out[c] = sum
		}
		return out, rows.Err()
	}
	theirs, err := read(snap)
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrSnapshotSchema, err)
	}
	ours, err := read(s.reader)
	if err != nil {
		return err
	}
	if !maps.Equal(ours, theirs) {
		return ErrSnapshotSchema
	}
	return nil
}

// DeleteSnapshot removes the snapshot name.
func (s *Store) DeleteSnapshot(name string) error {
	if !snapshotName.MatchString(name) {
		return ErrSnapshotName
	}
	if s.path == Memory {
		s.snaps.mu.Lock()
		snap := s.snaps.mem[name]
		delete(s.snaps.mem, name)
		s.snaps.mu.Unlock()
		if snap == nil {
			return ErrNoSnapshot
		}
		return snap.db.Close()
	}
	path := s.snapshotFile(name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return ErrNoSnapshot
	}
	return removeDB(path)
}

// Snapshots lists the saved snapshots by name.
func (s *Store) Snapshots(ctx context.Context) ([]SnapshotInfo, error) {
	out := []SnapshotInfo{}
	if s.path == Memory {
		s.snaps.mu.Lock()
		names := slices.Sorted(maps.Keys(s.snaps.mem))
		snaps := make([]*memSnapshot, len(names))
		for i, n := range names {
			snaps[i] = s.snaps.mem[n]
		}
		s.snaps.mu.Unlock()
		for i, n := range names {
			info, err := memInfo(ctx, n, snaps[i])
			if err != nil {
				continue // deleted meanwhile
			}
			out = append(out, info)
		}
		return out, nil
	}
	entries, err := os.ReadDir(s.snapshotDir())
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sqlite")
		if !ok || e.IsDir() || !snapshotName.MatchString(name) {
			continue
		}
		if info, err := fileInfo(filepath.Join(s.snapshotDir(), e.Name()), name); err == nil {
			out = append(out, info)
		}
	}
	return out, nil
}

// closeSnapshots releases the in-memory snapshots.
func (s *Store) closeSnapshots() {
	s.snaps.mu.Lock()
	defer s.snaps.mu.Unlock()
	for n, snap := range s.snaps.mem {
		snap.db.Close()
		delete(s.snaps.mem, n)
	}
}

func memInfo(ctx context.Context, name string, snap *memSnapshot) (SnapshotInfo, error) {
	var pages, size int64
	err := snap.db.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&pages, &size)
	return SnapshotInfo{Name: name, Created: snap.created, Bytes: pages * size}, err
}

func fileInfo(path, name string) (SnapshotInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return SnapshotInfo{}, err
	}
	return SnapshotInfo{Name: name, Created: fi.ModTime().UTC(), Bytes: fi.Size()}, nil
}

// removeDB removes a database file and what SQLite may keep beside it.
func removeDB(path string) error {
	err := os.Remove(path)
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
