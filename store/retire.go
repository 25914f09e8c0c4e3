package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Retiring a tenant. A tenant reset must make every row of the tenant
// vanish at once, however many it holds, and deleting 100,000 clicks with
// their indexes takes most of a second — during which every other writer
// waits. So a reset does not delete: it gives the tenant a new internal id
// (RetireTenant). The old tenants row stays, renamed out of every lookup
// (its vendor becomes "-" + vendor, and no vendor name begins with "-"),
// so that the foreign keys of its rows stay valid; the rows the reset
// keeps (credentials, settings) move to the new id; and the janitor
// deletes the old id's rows afterwards, in batches that make way for
// other writers, then the old tenants row. It starts
// again at every start-up (Migrate) and after a snapshot is restored.
//
// Every scoped query filters by tenant_id, so the old rows are invisible
// to the tenant at once. A lookup across tenants — a row found by a value
// unique in the whole emulator — must skip them: it joins tenants on its
// vendor's name (`JOIN tenants t ON t.id = x.tenant_id AND t.vendor = ?`),
// which a retired tenant's row no longer has.

// RetiredPrefix begins the vendor name of a retired tenant's row:
// "-keitaro" is a Keitaro tenant a reset retired (see also Reclaim).
const RetiredPrefix = "-"

// The janitor deletes sweepChunk rows at a time (a few milliseconds), and
// goes on in the same transaction while no other writer waits, for up to
// sweepSpan: every commit rewrites the index pages its deletes touched,
// and a tenant's rows are spread over most pages of its indexes (random
// sub_ids, IPs), so few large transactions cost far less than many small
// ones. After each transaction it rests as long as the transaction took,
// so that it never holds the writer more than half the time: measured
// with a client writing one request after another during a 100k-click
// sweep, its p50 stayed 0.28 ms and p99 went from 100-190 ms to 8-10 ms;
// the sweep took 4 s instead of 3-4.5 s (BenchmarkWritesDuringSweep).
const (
	sweepChunk = 500
	sweepSpan  = 50 * time.Millisecond
)

// RetireTenant gives tenant t a new, empty internal id, as a reset wants
// it: the rows of the tables named in keep move to the new id, every other
// row stays with the old id, which no lookup finds any more and the
// janitor deletes after the commit. The tenant keeps its vendor, key,
// creation time and place among its vendor's tenants. It returns the
// tenant with its new id; use that for the rest of the transaction.
func (tx *Tx) RetireTenant(t Tenant, keep ...string) (Tenant, error) {
	if !tx.write {
		return Tenant{}, errors.New("store: RetireTenant in a read transaction")
	}
	tables := tx.store.tenantTables[t.Vendor]
	for _, k := range keep {
		if !slices.Contains(tables, k) {
			return Tenant{}, fmt.Errorf("store: RetireTenant keeps %s, not a tenant table of %s", k, t.Vendor)
		}
	}
	// The new row is inserted with VALUES: an INSERT … SELECT into tenants
	// is a statement of several rows to SQLite, which then looks for
	// orphans in every table whose foreign keys reference tenants.
	var created string
	var origin int64
	err := tx.QueryRow(`UPDATE tenants SET vendor = ? || vendor, key = id || ':' || key, origin = coalesce(origin, id)
		WHERE id = ? AND vendor = ? RETURNING created_at, origin`, RetiredPrefix, t.ID, t.Vendor).Scan(&created, &origin)
	if errors.Is(err, sql.ErrNoRows) {
		return Tenant{}, ErrNoTenant
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("retire tenant: %w", err)
	}
	res, err := tx.Exec(`INSERT INTO tenants (vendor, key, created_at, origin) VALUES (?, ?, ?, ?)`,
		t.Vendor, t.Key, created, origin)
	if err != nil {
		return Tenant{}, fmt.Errorf("retire tenant: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Tenant{}, err
	}
	for _, table := range keep {
		if _, err := tx.Exec(`UPDATE "`+table+`" SET tenant_id = ? WHERE tenant_id = ?`, id, t.ID); err != nil {
			return Tenant{}, fmt.Errorf("retire tenant: keep %s: %w", table, err)
		}
	}
	// What a seed document made of the tenant is the tenant's, not its
	// data's: a start with the same document still knows it.
	if _, err := tx.Exec(`UPDATE seed_tenants SET tenant_id = ? WHERE tenant_id = ?`, id, t.ID); err != nil &&
		!strings.Contains(err.Error(), "no such table") {
		return Tenant{}, fmt.Errorf("retire tenant: %w", err)
	}
	tx.AfterCommit(tx.store.sweep.wake)
	t.ID = id
	return t, nil
}

// Reclaim deletes the rows of retired tenants (which no lookup sees, and
// the janitor has not deleted yet) whose column holds value: a value unique
// across tenants that a client may choose again — a Keitaro sub_id, a
// website id a dump restores — is free again the moment its tenant was
// reset. Rows that reference them go as their foreign keys say.
func (tx *Tx) Reclaim(table, column string, value any) error {
	if !tx.write {
		return errors.New("store: Reclaim in a read transaction")
	}
	_, err := tx.Exec(`DELETE FROM "`+table+`" WHERE "`+column+`" = ?
		AND tenant_id IN (SELECT id FROM tenants WHERE `+retiredVendor+`)`, value)
	if err != nil {
		return fmt.Errorf("reclaim %s.%s: %w", table, column, err)
	}
	return nil
}

// RetiredTenants counts the retired tenants whose rows the janitor has not
// deleted yet.
func (tx *Tx) RetiredTenants() (int, error) {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM tenants WHERE ` + retiredVendor).Scan(&n)
	return n, err
}

// janitor deletes the rows of retired tenants in the background.
type janitor struct {
	store *Store
	w     worker

	// mu guards idle, which is closed (and replaced) each time the
	// janitor finds nothing left to delete; see Store.Swept.
	mu   sync.Mutex
	idle chan struct{}
	// hurry, set by Store.Swept, makes the janitor sweep at once instead
	// of waiting for a quiet writer.
	hurry atomic.Bool

	// When it sweeps and prunes (see sweepIdle), how long a step goes on
	// and how many rows one delete takes (see sweepSpan): set by init,
	// which tests follow with their own before the janitor starts.
	idleAfter, backlog, pruneAfter, pruneBacklog, span time.Duration
	chunk                                              int64

	// What the janitor's loop knows between two looks (see look): seen
	// is the count of commits begun at the last look, changed when it
	// last changed (the writer has been idle since); sweepDue and
	// pruneDue are when the retired tenants' rows and the swept tenants
	// rows must go, quiet or not (zero: none wait).
	seen               uint64
	changed            time.Time
	sweepDue, pruneDue time.Time

	// batch is the retired tenants being swept (all of one vendor), as a
	// JSON array for json_each; tables are tables that still hold their
	// rows and unlooked the tables not looked at yet, in the order they
	// are emptied, as they were at the store's generation gen (a restore
	// since may have filled emptied ones again); order keeps that order
	// by vendor, and keys each table's row key (see rowKey). orderStale,
	// set when the tables may have changed (a migration, a restore), makes
	// the janitor read them again. Only the janitor's loop uses them.
	batch      []int64
	batchJSON  string
	tables     []string
	unlooked   []string
	gen        int64
	order      map[string][]string
	keys       map[string]string
	orderStale atomic.Bool
}

// init makes j the janitor of s, working at the default times.
func (j *janitor) init(s *Store) {
	j.store = s
	j.idleAfter, j.backlog, j.pruneAfter, j.pruneBacklog = sweepIdle, sweepBacklog, pruneIdle, pruneBacklog
	j.span, j.chunk = sweepSpan, sweepChunk
}

// When the janitor works. Its deletes compete with the requests for the
// one write connection and for the processor: a CI suite retires a tenant
// per test, and sweeping each at once cost a tenth of the suite's CPU and
// stretched its writes' p99. So it sweeps once no write has committed for
// sweepIdle — between a suite's bursts, or after it (on a loaded 2-core
// machine the writers of a running suite pause 20–80 ms now and then: a
// shorter wait swept in the middle of runs) — or once the oldest
// retirement not swept yet has waited sweepBacklog: a server that is never
// idle still sweeps, and holds no more than that long's retired rows (and
// what one sweep takes). sweepBacklog is longer than a CI suite of 1,000
// tests on a busy 2-core machine (3–6 s): at 3 s the janitor swept in the
// middle of most runs, in a hundred small steps that each gave way to the
// tests' writes. The tenants rows it swept wait the same way for pruneIdle
// of quiet, or pruneBacklog after the first of them was swept: an overdue
// prune goes before any sweep, so no swept row waits longer than
// pruneBacklog and the time the prune takes, however often tenants are
// reset.
const (
	sweepIdle    = 100 * time.Millisecond
	sweepBacklog = 10 * time.Second
	pruneBacklog = 30 * time.Second
)

// sweepBatch is how many retired tenants (of one vendor) a sweep takes at
// once: one look at each table for all of them, one delete per table for
// their rows, one commit, instead of as many as there are tenants.
const sweepBatch = 256

// sweepLook is how many tables the janitor looks at in one query for rows
// of its batch.
const sweepLook = 8

// rescan tells the janitor that the tables may have changed, and wakes it.
func (j *janitor) rescan() {
	j.orderStale.Store(true)
	j.wake()
}

// wake starts the janitor if needed and tells it to look for work.
func (j *janitor) wake() {
	j.w.wake(func() {
		j.mu.Lock()
		if j.idle == nil {
			j.idle = make(chan struct{})
		}
		j.mu.Unlock()
	}, j.run)
}

// halt stops the janitor and waits for its transaction in progress.
func (j *janitor) halt() { j.w.halt() }

func (j *janitor) run(kicks, stop <-chan struct{}) {
	var next <-chan time.Time // the next look
	j.changed = time.Now()
	for {
		select {
		case <-stop:
			return
		case <-j.store.base.Done():
			return
		case <-kicks:
			j.kicked(time.Now())
		case <-next:
		}
		next = nil
		if wait := j.look(time.Now()); wait > 0 {
			next = time.After(wait)
		}
	}
}

// kicked notes at now that tenants were retired: they are swept, quiet
// writer or not, once the backlog has passed.
func (j *janitor) kicked(now time.Time) {
	if j.sweepDue.IsZero() {
		j.sweepDue = now.Add(j.backlog)
	}
}

// look does at now what is due — a sweep step or a prune — and tells when
// to look again (0: at the next kick).
func (j *janitor) look(now time.Time) time.Duration {
	if w := j.store.commits.started.Load(); w != j.seen {
		j.seen, j.changed = w, now
	}
	quiet := now.Sub(j.changed)
	switch {
	case !j.pruneDue.IsZero() && !now.Before(j.pruneDue):
		// Before any sweep: under resets without a pause a sweep is
		// always pending, and the swept rows would wait for ever.
		return j.prune()
	case !j.sweepDue.IsZero() && (quiet >= j.idleAfter || !now.Before(j.sweepDue) || j.hurry.Load()):
		return j.sweepStep(now)
	case !j.sweepDue.IsZero():
		due := j.sweepDue
		if !j.pruneDue.IsZero() && j.pruneDue.Before(due) {
			due = j.pruneDue
		}
		return lookAgain(now, j.idleAfter, due)
	case !j.pruneDue.IsZero() && quiet >= j.pruneAfter:
		return j.prune()
	case !j.pruneDue.IsZero():
		return lookAgain(now, j.pruneAfter, j.pruneDue)
	}
	return 0
}

// sweepStep runs one step of the sweep (see step) and tells when to look
// again.
func (j *janitor) sweepStep(now time.Time) time.Duration {
	start := time.Now()
	more, swept, err := j.step()
	took := time.Since(start)
	// The janitor's own commit is no other writer's.
	j.seen = j.store.commits.started.Load()
	if (swept || !more) && j.pruneDue.IsZero() {
		j.pruneDue = now.Add(j.pruneBacklog)
	}
	switch {
	case err != nil:
		// Left for the next wake (a reset, a start, a restore): the rows
		// are invisible meanwhile, and the next sweep waits for a quiet
		// writer again unless Swept hurries it anew.
		j.sweepDue = time.Time{}
		j.hurry.Store(false)
		return 0
	case !more:
		j.hurry.Store(false)
		j.mu.Lock()
		close(j.idle)
		j.idle = make(chan struct{})
		j.mu.Unlock()
		j.sweepDue = time.Time{}
		return lookAgain(now, j.pruneAfter, j.pruneDue)
	}
	// Rest as long as the transaction took: the janitor never holds the
	// writer more than half the time.
	return max(took, time.Millisecond)
}

// prune deletes swept tenants rows until none is left or another writer
// waits, and tells when to look again.
func (j *janitor) prune() time.Duration {
	start := time.Now()
	var more bool
	err := j.store.Write(context.Background(), func(tx *Tx) (err error) {
		more, err = tx.pruneSwept(true)
		return err
	})
	took := time.Since(start)
	j.seen = j.store.commits.started.Load()
	if err == nil && !more {
		j.pruneDue = time.Time{}
		return time.Millisecond // a sweep may be waiting
	}
	return max(took, time.Millisecond)
}

// lookAgain is how long after now the janitor looks again for a quiet
// writer: after quiet, or at due if that comes first.
func lookAgain(now time.Time, quiet time.Duration, due time.Time) time.Duration {
	return max(min(quiet, due.Sub(now)), time.Millisecond)
}

// step deletes one batch of retired tenants' rows, and marks the tenants
// swept once their rows are gone (swept: a batch was). more is false when
// no retired tenant is left. While no other writer waits or shares its
// transaction and the janitor's span has not passed, it goes on to the
// next batch in the same transaction.
func (j *janitor) step() (more, swept bool, err error) {
	err = j.store.Write(context.Background(), func(tx *Tx) error {
		start := time.Now()
		if len(j.batch) > 0 && j.gen != j.store.generation.Load() {
			// A snapshot restored since the batch was listed may have
			// brought its ids back to life, or filled again tables the
			// janitor had emptied: the batch is taken again.
			j.batch, j.tables, j.unlooked = nil, nil, nil
		}
		for {
			if len(j.batch) == 0 {
				vendor, err := j.nextBatch(tx)
				if err != nil || vendor == "" {
					return err
				}
				if j.orderStale.Swap(false) || j.order == nil {
					j.order, j.keys = map[string][]string{}, map[string]string{}
				}
				if _, ok := j.order[vendor]; !ok {
					order, err := tx.sweepOrder(vendor)
					if err != nil {
						return err
					}
					for _, t := range order {
						if j.keys[t], err = tx.rowKey(t); err != nil {
							return err
						}
					}
					j.order[vendor] = order
				}
				j.unlooked = j.order[vendor]
			}
			more = true
			for len(j.tables) > 0 || len(j.unlooked) > 0 {
				if len(j.tables) == 0 {
					// Only the tables that hold rows of the batch, found
					// sweepLook tables at a time: one query instead of a
					// delete per table (Keitaro has dozens, a CI test
					// fills two or three), and short enough for a writer
					// that comes meanwhile (all 60 tables of a test
					// schema at once took 13 ms for 256 tenants).
					n := min(sweepLook, len(j.unlooked))
					tables, err := tx.tablesHolding(j.unlooked[:n], j.batchJSON)
					if err != nil {
						return err
					}
					j.tables, j.unlooked = tables, j.unlooked[n:]
				} else {
					n, err := tx.deleteSome(j.tables[0], j.keys[j.tables[0]], j.batchJSON, j.chunk)
					if err != nil {
						return err
					}
					if n < j.chunk {
						j.tables = j.tables[1:]
					}
				}
				if j.store.waiting.Load() > 0 || time.Since(start) > j.span {
					return nil
				}
			}
			// The tenants rows stay, swept (see pruneSwept).
			if _, err := tx.Exec(`UPDATE tenants SET vendor = ? WHERE id IN (SELECT value FROM json_each(?)) AND `+retiredVendor,
				RetiredPrefix, j.batchJSON); err != nil {
				return err
			}
			j.batch, j.tables, j.unlooked, swept = nil, nil, nil, true
			// The writers of the group, if any ran before the janitor,
			// wait for its commit: the next batch is for a quiet moment.
			if j.store.waiting.Load() > 0 || j.store.group.members > 1 || time.Since(start) > j.span {
				return nil
			}
		}
	})
	if err != nil {
		j.batch, j.tables, j.unlooked, j.order, swept = nil, nil, nil, nil, false
	}
	return more, swept, err
}

// nextBatch takes the oldest retired tenant not swept and up to
// sweepBatch-1 more of its vendor as the batch, and returns the vendor
// ("" when no retired tenant is left).
func (j *janitor) nextBatch(tx *Tx) (string, error) {
	var retired string
	err := tx.QueryRow(`SELECT vendor FROM tenants WHERE ` + retiredVendor + ` ORDER BY id LIMIT 1`).Scan(&retired)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	rows, err := tx.Query(`SELECT id FROM tenants WHERE vendor = ? ORDER BY id LIMIT ?`, retired, sweepBatch)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	j.batch = j.batch[:0]
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		j.batch = append(j.batch, id)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	b, err := json.Marshal(j.batch)
	if err != nil {
		return "", err
	}
	j.batchJSON = string(b)
	j.gen = tx.store.generation.Load()
	return strings.TrimPrefix(retired, RetiredPrefix), nil
}

// The states of a tenants row, as conditions on its vendor column col.
// retired picks the tenants a reset retired whose rows the janitor has not
// swept yet: a vendor name beginning with RetiredPrefix and longer, as a
// range that the index on (vendor, key) answers (substr would read every
// tenant). A swept tenant's vendor is RetiredPrefix alone, until the row
// is pruned. live picks the others: the tenants lookups find.
func retired(col string) string {
	return col + ` > '` + RetiredPrefix + `' AND ` + col + ` < '` + retiredEnd + `'`
}

func live(col string) string { return `substr(` + col + `, 1, 1) != '` + RetiredPrefix + `'` }

// retiredVendor is retired on tenants.vendor.
var retiredVendor = retired("vendor")

// pruneIdle is how long the writer must have been idle before the
// janitor deletes swept tenants rows. Deleting one costs ~0.45 ms
// whatever it held, as its foreign keys cascade into every vendor table
// (~170 of them): a CI run, which retires a tenant per test, would spend
// an eighth of its CPU on it; it happens when the run has ended, if ever.
const pruneIdle = 250 * time.Millisecond

// pruneSwept deletes the rows of tenants the janitor has swept,
// pruneChunk at a time; yield stops it once another writer waits (more:
// some are left).
func (tx *Tx) pruneSwept(yield bool) (more bool, err error) {
	for {
		res, err := tx.Exec(`DELETE FROM tenants WHERE id IN (SELECT id FROM tenants WHERE vendor = ? LIMIT ?)`,
			RetiredPrefix, pruneChunk)
		if err != nil {
			return false, fmt.Errorf("prune swept tenants: %w", err)
		}
		if n, _ := res.RowsAffected(); n < pruneChunk {
			return false, nil
		}
		if yield && tx.store.waiting.Load() > 0 {
			return true, nil
		}
	}
}

// pruneChunk swept tenants rows take ~4 ms to delete (32 took ~15 ms, the
// time a writer that arrives waits for the prune to give way; while none
// waits the prune goes on in the same transaction).
const pruneChunk = 8

// retiredEnd is the first character after RetiredPrefix ("-" + 1).
const retiredEnd = "."

// tablesHolding is the tables, of those given and in their order, that
// hold rows of the tenants ids lists (a JSON array).
func (tx *Tx) tablesHolding(tables []string, ids string) ([]string, error) {
	if len(tables) == 0 {
		return nil, nil
	}
	var q strings.Builder
	for i, t := range tables {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&q, `SELECT %d WHERE EXISTS (SELECT 1 FROM "%s" WHERE tenant_id IN (SELECT value FROM json_each(?1)))`, i, t)
	}
	rows, err := tx.Query(q.String(), ids)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, tables[i])
	}
	return out, rows.Err()
}

// deleteSome deletes up to limit rows of the tenants ids lists (a JSON
// array) from table, picking them by key (see rowKey).
func (tx *Tx) deleteSome(table, key string, ids string, limit int64) (int64, error) {
	res, err := tx.Exec(`DELETE FROM "`+table+`" WHERE (`+key+`) IN (SELECT `+key+` FROM "`+table+`"
		WHERE tenant_id IN (SELECT value FROM json_each(?)) LIMIT ?)`, ids, limit)
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", table, err)
	}
	return res.RowsAffected()
}

// rowKey is what deleteSome picks a table's rows by: rowid, or the
// primary key's columns for a table WITHOUT ROWID (Keitaro's hourly
// rollups). Such a table is swept in chunks like the others: deleted in
// one go, 95,000 rows of a table shaped like the rollups held the writer
// 110-150 ms; in chunks each takes at most a few ms, and all of them
// 1.2-2 times as long in all — the janitor's time, not a writer's.
func (tx *Tx) rowKey(table string) (string, error) {
	var key string
	err := tx.QueryRow(`SELECT CASE WHEN (SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1)
		THEN (SELECT group_concat('"' || name || '"', ', ') FROM (SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk))
		ELSE 'rowid' END`, table).Scan(&key)
	if err != nil {
		return "", fmt.Errorf("sweep %s: %w", table, err)
	}
	return key, nil
}

// sweepOrder is vendor's tables with a tenant_id column, each before the
// tables its foreign keys reference, so that no delete cascades into rows
// the janitor would rather delete in batches.
func (tx *Tx) sweepOrder(vendor string) ([]string, error) {
	names, err := tx.componentTables(vendor)
	if err != nil {
		return nil, err
	}
	var tables []string
	parents := map[string][]string{}
	for _, n := range names {
		has, err := hasColumn(tx.count, n, "tenant_id")
		if err != nil {
			return nil, err
		}
		if !has {
			continue
		}
		tables = append(tables, n)
		rows, err := tx.Query(`SELECT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			if p != n {
				parents[n] = append(parents[n], p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// A table goes once no remaining table references it.
	var out []string
	left := slices.Clone(tables)
	for len(left) > 0 {
		i := slices.IndexFunc(left, func(t string) bool {
			for _, c := range left {
				if slices.Contains(parents[c], t) {
					return false
				}
			}
			return true
		})
		if i < 0 {
			i = 0 // a cycle: its cascades do the rest
		}
		out = append(out, left[i])
		left = slices.Delete(left, i, i+1)
	}
	return out, nil
}

// Swept waits until the janitor has deleted the rows of every tenant
// retired so far, then deletes their tenants rows (which the janitor
// leaves for an idle moment), or ctx ends: for tests and benchmarks that
// look at the database underneath.
func (s *Store) Swept(ctx context.Context) error {
	for {
		s.sweep.mu.Lock()
		if s.sweep.idle == nil {
			s.sweep.idle = make(chan struct{})
		}
		idle := s.sweep.idle
		s.sweep.mu.Unlock()
		var n int
		if err := s.Read(ctx, func(tx *Tx) (err error) { n, err = tx.RetiredTenants(); return }); err != nil {
			return err
		}
		if n == 0 {
			return s.Write(ctx, func(tx *Tx) error { _, err := tx.pruneSwept(false); return err })
		}
		s.sweep.hurry.Store(true)
		s.sweep.wake()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
			// The janitor gave up after an error; wake it again.
		}
	}
}
