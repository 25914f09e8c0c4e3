package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The write-ahead log starts over while writers keep writing: the
// background checkpoints (checkpoint.go) keep it near checkpointRestart
// pages instead of letting it grow to the writer's backstop. Every row
// written is there after the store is opened again.
func TestLogStartsOverUnderSteadyWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.db")
	st := openInternal(t, path)
	// A commit writes three pages or more (the row's, its two indexes'),
	// so the writes below put several times the backstop's pages through
	// the log.
	pad := strings.Repeat("x", 1000)
	const writers, each = 8, 2 * checkpointBackup / 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := st.Write(context.Background(), func(tx *Tx) error {
					return insertRow(tx, fmt.Sprintf("%d-%d-%s", w, i, pad))
				}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// Without starting over, the log holds every page the writes put
	// through it (about 120 MB here). With it, the log stays near
	// checkpointRestart pages — but how near depends on how far the
	// background copy falls behind on a loaded machine (51 MB measured at
	// load 10), so the bound is twice the writer's backstop, frames of
	// 4 KiB and their 24-byte headers: a log that never starts over
	// still fails it.
	if limit := int64(2*checkpointBackup) * (4096 + 24); fi.Size() > limit {
		t.Errorf("log is %d bytes after %d writes, want at most %d: it did not start over", fi.Size(), writers*each, limit)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := count(t, st); n != writers*each {
		t.Errorf("%d rows after reopening, want %d", n, writers*each)
	}
}

func count(t *testing.T, st *Store) (n int) {
	t.Helper()
	err := st.Read(context.Background(), func(tx *Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM demo_rows`).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
