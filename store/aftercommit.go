package store

// AfterCommit runs fn once the transaction has committed, and never when
// it rolls back: for a change outside the database (a tenant's clock that a
// seed document sets) that must happen exactly when the data does.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// Clock is the emulator clock, whose For gives a tenant's clock.
func (t *Tx) Clock() *Clock { return t.store.clock }
