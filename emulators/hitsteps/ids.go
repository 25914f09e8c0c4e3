package hitsteps

import (
	"fmt"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// The global id sequences (reference §6): one per kind of object, shared by
// all tenants.
const (
	seqMainAccount = "main_account"
	seqWhitelabel  = "whitelabel"
	seqAccount     = "account"
	seqWebsite     = "website"
	seqInvoice     = "invoice"
)

// startSequences creates the sequences at 1; the default tenant's fixed ids
// then move them to the "next ids after a reset" of reference §3.
func startSequences(tx *store.Tx) error {
	for _, name := range []string{seqMainAccount, seqWhitelabel, seqAccount, seqWebsite, seqInvoice} {
		if _, err := tx.Exec(`INSERT INTO hitsteps_sequences (name, next_id) VALUES (?, 1)`, name); err != nil {
			return err
		}
	}
	return nil
}

// nextID takes the next id of a sequence. An UPDATE and a SELECT cost a
// fraction of one UPDATE with RETURNING (SQLite runs RETURNING through a
// temporary table).
func nextID(tx *store.Tx, seq string) (int64, error) {
	var id int64
	_, err := tx.Exec(`UPDATE hitsteps_sequences SET next_id = next_id + 1 WHERE name = ?`, seq)
	if err == nil {
		err = tx.QueryRow(`SELECT next_id - 1 FROM hitsteps_sequences WHERE name = ?`, seq).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("sequence %s: %w", seq, err)
	}
	return id, nil
}

// reserveID moves a sequence past an id chosen by a caller (seed, tenant
// creation), so that the sequence never hands it out again.
func reserveID(tx *store.Tx, seq string, id int64) error {
	_, err := tx.Exec(`UPDATE hitsteps_sequences SET next_id = max(next_id, ? + 1) WHERE name = ?`, id, seq)
	return err
}

// chooseID returns id when the caller chose one (> 0), reserving it, and the
// sequence's next id otherwise.
func chooseID(tx *store.Tx, seq string, id int64) (int64, error) {
	if id > 0 {
		return id, reserveID(tx, seq, id)
	}
	return nextID(tx, seq)
}

// uniqueHex draws n-character hex strings until one is not yet used in
// table.column (a global uniqueness: tokens and API keys).
func uniqueHex(tx *store.Tx, n int, table, column string) (string, error) {
	for {
		v := emu.RandomHex(n)
		var taken int
		if err := tx.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+column+` = ?`, v).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return v, nil
		}
	}
}
