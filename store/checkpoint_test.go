package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The write-ahead log starts over while writers keep writing: the
// background checkpoints (checkpoint.go) and the writer's copy of what
// they left make SQLite write it from its beginning again instead of
// letting it grow. Every row
// written is there after the store is opened again.
func TestLogStartsOverUnderSteadyWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.db")
	st := openInternal(t, path)
	// The writer's own automatic checkpoint (the backstop) is turned off,
	// so that only the checkpointer starts the log over: the backstop
	// alone starts it over some 9 times during these writes.
	if _, err := st.writer.Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
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
	// How large the log grew depends on how far the background copy fell
	// behind (51 MB measured at load 10, over the old bound at load 14),
	// so the test counts the times it started over instead: the log's
	// header holds a checkpoint sequence number, one more each time SQLite
	// writes the log from its beginning again. A log that never starts
	// over stays at 0. (The writes put some 80,000 pages through the log:
	// it started over 19-21 times at a quiet moment.)
	if restarts := logRestarts(t, path); restarts < 3 {
		t.Errorf("the log started over %d times during %d writes, want at least 3", restarts, writers*each)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(path, nil)
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

// A log grown past logSizeLimit by one big transaction is cut back to the
// limit once it starts over, instead of keeping its largest size on disk
// until the store closes.
func TestLogCutBackAfterABigTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.db")
	st := openInternal(t, path)
	pad := strings.Repeat("y", 3000)
	// Each row is ~2 pages (the row and its UNIQUE index entry), so this
	// one transaction puts ~1.5 × logSizeLimit through the log.
	rows := 3 * logSizeLimit / 4 / 4096
	err := st.Write(context.Background(), func(tx *Tx) error {
		for i := range rows {
			if err := insertRow(tx, fmt.Sprintf("%d-%s", i, pad)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if big := size(); big <= logSizeLimit {
		t.Fatalf("the transaction left a log of %d bytes, want more than %d for this test to mean anything", big, logSizeLimit)
	}
	// Small writes until the log has started over and a commit followed
	// (the writer's own checkpoint guarantees it within checkpointBackup
	// pages of writes, whatever the background copy does).
	before := logRestarts(t, path)
	for i := 0; logRestarts(t, path) == before; i++ {
		if i == 4*checkpointBackup {
			t.Fatalf("the log did not start over in %d small writes", i)
		}
		if err := st.Write(context.Background(), func(tx *Tx) error { return insertRow(tx, fmt.Sprintf("small-%d", i)) }); err != nil {
			t.Fatal(err)
		}
	}
	if got := size(); got > logSizeLimit {
		t.Errorf("the log is %d bytes after it started over, want at most %d", got, logSizeLimit)
	}
}

// logRestarts is the checkpoint sequence number in the header of the log
// of the database at path: one more each time SQLite starts the log over.
func logRestarts(t *testing.T, path string) uint32 {
	t.Helper()
	header := make([]byte, 32)
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.ReadFull(f, header); err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint32(header[12:16])
}
