package store

import (
	"context"
	"database/sql"
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
	if _, err := tx.Exec(`UPDATE tenants SET vendor = ? || vendor, key = id || ':' || key, origin = coalesce(origin, id)
		WHERE id = ? AND vendor = ?`, RetiredPrefix, t.ID, t.Vendor); err != nil {
		return Tenant{}, fmt.Errorf("retire tenant: %w", err)
	}
	res, err := tx.Exec(`INSERT INTO tenants (vendor, key, created_at, origin)
		SELECT ?, ?, created_at, origin FROM tenants WHERE id = ?`, t.Vendor, t.Key, t.ID)
	if err != nil {
		return Tenant{}, fmt.Errorf("retire tenant: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Tenant{}, ErrNoTenant
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

	mu      sync.Mutex
	kick    chan struct{} // nil until the janitor started
	stop    chan struct{}
	done    chan struct{}
	stopped bool
	// idle is closed (and replaced) each time the janitor finds nothing
	// left to delete; see Store.Swept.
	idle chan struct{}

	// cur is the retired tenant being swept and its tables in the order
	// they are emptied; order keeps that order by vendor. Only the
	// janitor's goroutine uses them; orderStale, set when the tables may
	// have changed (a migration, a restore), makes it read them again.
	cur        int64
	tables     []string
	order      map[string][]string
	orderStale atomic.Bool
}

// rescan tells the janitor that the tables may have changed, and wakes it.
func (j *janitor) rescan() {
	j.orderStale.Store(true)
	j.wake()
}

// wake starts the janitor if needed and tells it to look for work.
func (j *janitor) wake() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopped {
		return
	}
	if j.kick == nil {
		j.kick, j.stop, j.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		if j.idle == nil {
			j.idle = make(chan struct{})
		}
		go j.run()
	}
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

// halt stops the janitor and waits for its transaction in progress.
func (j *janitor) halt() {
	j.mu.Lock()
	started := j.kick != nil
	if started && !j.stopped {
		close(j.stop)
	}
	j.stopped = true
	j.mu.Unlock()
	if started {
		<-j.done
	}
}

func (j *janitor) run() {
	defer close(j.done)
	// prune fires once the writer may be idle and swept tenants rows
	// wait for their deletion (see pruneIdle); writes seen is the
	// commit count when it was set.
	var prune <-chan time.Time
	var writesSeen uint64
	for {
		select {
		case <-j.stop:
			return
		case <-j.store.base.Done():
			return
		case <-prune:
			prune = nil
			if w := j.store.commits.started.Load(); w != writesSeen {
				writesSeen, prune = w, time.After(pruneIdle)
				continue
			}
			var more bool
			err := j.store.Write(context.Background(), func(tx *Tx) (err error) {
				more, err = tx.pruneSwept(true)
				return err
			})
			if err != nil || more {
				writesSeen, prune = j.store.commits.started.Load(), time.After(pruneIdle)
			}
			continue
		case <-j.kick:
		}
		for {
			select {
			case <-j.stop:
				return
			default:
			}
			began := time.Now()
			more, err := j.step()
			if err != nil {
				// Left for the next wake (a reset, a start, a restore):
				// the rows are invisible meanwhile.
				j.cur, j.tables = 0, nil
				break
			}
			if !more {
				j.mu.Lock()
				close(j.idle)
				j.idle = make(chan struct{})
				j.mu.Unlock()
				writesSeen, prune = j.store.commits.started.Load(), time.After(pruneIdle)
				break
			}
			select {
			case <-j.stop:
				return
			case <-j.store.base.Done():
				return
			case <-time.After(time.Since(began)):
			}
		}
	}
}

// step deletes one batch of retired tenants' rows, and each tenant row
// once its rows are gone. more is false when no retired tenant is left.
// While no other writer waits or shares its transaction and sweepSpan has
// not passed, it goes on to the next retired tenant in the same
// transaction: a CI run retires a
// small tenant per test, and one transaction per tenant costs a commit
// and a look-up for a handful of rows.
func (j *janitor) step() (more bool, err error) {
	err = j.store.Write(context.Background(), func(tx *Tx) error {
		start := time.Now()
		if j.cur != 0 {
			// A restored snapshot may have brought the id back to life.
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM tenants WHERE id = ? AND `+retiredVendor,
				j.cur).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				j.cur, j.tables = 0, nil
			}
		}
		for {
			if j.cur == 0 {
				var vendor string
				err := tx.QueryRow(`SELECT id, vendor FROM tenants WHERE `+retiredVendor+` ORDER BY id LIMIT 1`).
					Scan(&j.cur, &vendor)
				if errors.Is(err, sql.ErrNoRows) {
					return nil
				}
				if err != nil {
					return err
				}
				more = true
				vendor = strings.TrimPrefix(vendor, RetiredPrefix)
				if j.orderStale.Swap(false) || j.order == nil {
					j.order = map[string][]string{}
				}
				if _, ok := j.order[vendor]; !ok {
					order, err := tx.sweepOrder(vendor)
					if err != nil {
						j.cur = 0
						return err
					}
					j.order[vendor] = order
				}
				// Only the tables that hold rows of the tenant: one
				// query instead of a delete per table (Keitaro has
				// dozens, a CI test fills two or three).
				if j.tables, err = tx.tablesHolding(j.order[vendor], j.cur); err != nil {
					j.cur = 0
					return err
				}
			}
			more = true
			for len(j.tables) > 0 {
				n, err := tx.deleteSome(j.tables[0], j.cur, sweepChunk)
				if err != nil {
					return err
				}
				if n < sweepChunk {
					j.tables = j.tables[1:]
				}
				if j.store.waiting.Load() > 0 || time.Since(start) > sweepSpan {
					return nil
				}
			}
			// The tenants row stays, swept (see pruneSwept).
			if _, err := tx.Exec(`UPDATE tenants SET vendor = ? WHERE id = ? AND `+retiredVendor, RetiredPrefix, j.cur); err != nil {
				return err
			}
			j.cur = 0
			// The writers of the group, if any ran before the janitor,
			// wait for its commit: the next tenant is for a quiet moment.
			if j.store.waiting.Load() > 0 || j.store.group.members > 1 || time.Since(start) > sweepSpan {
				return nil
			}
		}
	})
	if err != nil {
		j.cur, j.tables, j.order = 0, nil, nil
	}
	return more, err
}

// retiredVendor is the condition on tenants that picks the retired ones
// not swept yet: a vendor name beginning with RetiredPrefix and longer,
// as a range that the index on (vendor, key) answers (substr would read
// every tenant). A swept tenant's vendor is RetiredPrefix alone.
const retiredVendor = `vendor > '` + RetiredPrefix + `' AND vendor < '` + retiredEnd + `'`

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

// pruneChunk swept tenants rows take ~15 ms to delete.
const pruneChunk = 32

// retiredEnd is the first character after RetiredPrefix ("-" + 1).
const retiredEnd = "."

// tablesHolding is the tables, of those given and in their order, that
// hold rows of tenant id.
func (tx *Tx) tablesHolding(tables []string, id int64) ([]string, error) {
	if len(tables) == 0 {
		return nil, nil
	}
	var q strings.Builder
	for i, t := range tables {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&q, `SELECT %d WHERE EXISTS (SELECT 1 FROM "%s" WHERE tenant_id = ?1)`, i, t)
	}
	rows, err := tx.Query(q.String(), id)
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

// deleteSome deletes up to limit rows of tenant id from table.
func (tx *Tx) deleteSome(table string, id, limit int64) (int64, error) {
	res, err := tx.Exec(`DELETE FROM "`+table+`" WHERE rowid IN (SELECT rowid FROM "`+table+`" WHERE tenant_id = ? LIMIT ?)`,
		id, limit)
	if err != nil && strings.Contains(err.Error(), "no such column: rowid") {
		// A WITHOUT ROWID table is emptied in one go.
		res, err = tx.Exec(`DELETE FROM "`+table+`" WHERE tenant_id = ?`, id)
	}
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", table, err)
	}
	return res.RowsAffected()
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
		has, err := tx.hasColumn(n, "tenant_id")
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
