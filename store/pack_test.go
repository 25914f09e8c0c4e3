package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// packRoundTrip packs the values (nil is NULL) in SQLite and unpacks them,
// failing unless each comes back as the driver hands it over unpacked.
func packRoundTrip(t testing.TB, st *store.Store, vals ...any) {
	t.Helper()
	exprs := make([]string, len(vals))
	for i := range exprs {
		exprs[i] = "?"
	}
	var packed string
	want := make([]sql.NullString, len(vals))
	dest := []any{&packed}
	for i := range want {
		dest = append(dest, &want[i])
	}
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		q := `SELECT ` + store.PackText(exprs...)
		for range vals {
			q += ", ?"
		}
		// The packed value's arguments (PackText names each expression
		// twice), then each value alone.
		var packArgs []any
		for _, v := range vals {
			packArgs = append(packArgs, v, v)
		}
		return tx.QueryRow(q, append(packArgs, vals...)...).Scan(dest...)
	})
	if err != nil {
		t.Fatal(err)
	}
	u := store.NewUnpack(packed)
	for i, w := range want {
		got, ok := u.Text()
		if ok != w.Valid || got != w.String {
			t.Fatalf("value %d of %q: %q (%v), want %q (%v)", i, packed, got, ok, w.String, w.Valid)
		}
	}
	if err := u.Err(); err != nil {
		t.Fatalf("%q: %v", packed, err)
	}
}

func TestPackText(t *testing.T) {
	st := open(t, store.Memory)
	packRoundTrip(t, st, "a", nil, "", "-", "12:34", "3:abc", "é\u2028\x00x", int64(-7), []byte("raw"))
	packRoundTrip(t, st, nil)
	packRoundTrip(t, st, "")

	for _, bad := range []string{"x", "3:ab", "1", ":", "2:ab-extra", "99999999999999999999:a"} {
		u := store.NewUnpack(bad)
		for range 2 {
			u.Text()
		}
		if u.Err() == nil {
			t.Errorf("%q unpacked without an error", bad)
		}
	}
}

// FuzzPackText: whatever the texts, packing them in SQLite and unpacking
// them in Go gives them back byte for byte, NULLs included.
func FuzzPackText(f *testing.F) {
	f.Add("name", "ext", false, int64(3))
	f.Add("", "-", true, int64(-1))
	f.Add("1:a", "\x00\xff\u2028", false, int64(0))
	st, err := store.Open(store.Memory, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	f.Fuzz(func(t *testing.T, a, b string, bNull bool, n int64) {
		var bv any = b
		if bNull {
			bv = nil
		}
		packRoundTrip(t, st, a, bv, n, []byte(a))

		// Unpacking never panics, whatever it is given.
		u := store.NewUnpack(a + b)
		for range 3 {
			u.Text()
		}
		u.Err()
	})
}
