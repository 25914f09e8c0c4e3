package keitaro

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

// TestInListAsLowered checks inList's list of parameters against the
// lowered JSON list it stands for (lower(x) IN (SELECT lower(value) FROM
// json_each(?))): on random texts of ASCII and other letters, with and
// without case, both select the same values.
func TestInListAsLowered(t *testing.T) {
	st := openStore(t, func() time.Time { return time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC) })
	rnd := rand.New(rand.NewPCG(7, 18))
	letters := []string{"a", "A", "z", "Z", "ä", "Ä", "ß", "É", "é", "1", " ", "-", "_", "@", "[", "`", "{"}
	word := func() string {
		var b strings.Builder
		for range rnd.IntN(4) {
			b.WriteString(letters[rnd.IntN(len(letters))])
		}
		return b.String()
	}
	matched := 0
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		matched = 0
		for i := range 3000 {
			f := filter{typ: tString, fold: i%2 == 0}
			for range 1 + rnd.IntN(4) {
				f.list = append(f.list, word())
			}
			x := word()
			in, args := f.inList("x")
			want := "x IN (SELECT value FROM json_each(?))"
			if f.fold {
				want = "lower(x) IN (SELECT lower(value) FROM json_each(?))"
			}
			var got, old bool
			// Parameters in the order of the text: the list's, the JSON, x.
			err := tx.QueryRow("SELECT "+in+", "+want+" FROM (SELECT ? AS x)",
				append(args, mustJSON(f.list), x)...).Scan(&got, &old)
			if err != nil {
				return err
			}
			if got != old {
				t.Errorf("%q in %q (fold %v): %v, lowered %v", x, f.list, f.fold, got, old)
			}
			if got {
				matched++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if matched < 100 {
		t.Errorf("only %d of 3000 values were in their lists", matched)
	}
}
